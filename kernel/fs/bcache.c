/*
 * The block cache (see <fs/bcache.h> for the write-order rule). Lookup by a small hash
 * of block numbers; a miss takes a never-used block, else the least recently used clean
 * one, else writes the oldest dirty block (the FIFO's head, always safe to write alone)
 * and takes that. Write-back sends the FIFO's head together with the blocks that follow
 * it both in the FIFO and on the disk (up to BCACHE_RUN_BLOCKS) as one request: the
 * disk still sees the FIFO's order, and a request cut short leaves a prefix of it. A
 * miss right after the previous one's block reads ahead up to a quarter of the cache.
 */
#include <fs/bcache.h>
#include <lib/errno.h>
#include <lib/string.h>

static uint32_t hash_of(uint64_t blkno)
{
    return (uint32_t)((blkno * 0x9E3779B97F4A7C15ull) >> 56) % BCACHE_HASH;
}

void bcache_init(struct bcache *c, const struct bcache_dev *dev, struct bcache_block *blocks,
                 uint32_t count, uint8_t *run)
{
    memset(c, 0, sizeof *c);
    c->dev = *dev;
    c->blocks = blocks;
    c->count = count;
    c->run = run;
    c->last_miss = UINT64_MAX - 1;
    for (uint32_t i = 0; i < count; i++) {
        blocks[i].valid = blocks[i].dirty = false;
        blocks[i].used = 0;
        blocks[i].hnext = blocks[i].dprev = blocks[i].dnext = NULL;
    }
}

/* Sectors in block b (the device's last block may be short). */
static uint32_t block_sectors(const struct bcache *c, uint64_t blkno)
{
    uint64_t first = blkno * BCACHE_BLOCK_SECTORS;
    uint64_t left = c->dev.sectors - first;

    return left < BCACHE_BLOCK_SECTORS ? (uint32_t)left : BCACHE_BLOCK_SECTORS;
}

static struct bcache_block *find(struct bcache *c, uint64_t blkno)
{
    for (struct bcache_block *b = c->hash[hash_of(blkno)]; b; b = b->hnext) {
        if (b->blkno == blkno)
            return b;
    }
    return NULL;
}

static void hash_remove(struct bcache *c, struct bcache_block *b)
{
    struct bcache_block **p = &c->hash[hash_of(b->blkno)];

    while (*p && *p != b)
        p = &(*p)->hnext;
    if (*p)
        *p = b->hnext;
    b->hnext = NULL;
}

static void dirty_unlink(struct bcache *c, struct bcache_block *b)
{
    if (b->dprev)
        b->dprev->dnext = b->dnext;
    else
        c->dirty_head = b->dnext;
    if (b->dnext)
        b->dnext->dprev = b->dprev;
    else
        c->dirty_tail = b->dprev;
    b->dprev = b->dnext = NULL;
    b->dirty = false;
    c->dirty--;
}

static void dirty_append(struct bcache *c, struct bcache_block *b)
{
    b->dirty = true;
    b->dnext = NULL;
    b->dprev = c->dirty_tail;
    if (c->dirty_tail)
        c->dirty_tail->dnext = b;
    else
        c->dirty_head = b;
    c->dirty_tail = b;
    c->dirty++;
}

/* Writes the FIFO's head out, with the run of blocks after it that are next both in
 * the FIFO and on the disk; they become clean. */
static int write_head(struct bcache *c)
{
    struct bcache_block *b = c->dirty_head, *last = b;
    uint32_t n = 1, sectors = block_sectors(c, b->blkno);
    const void *data = b->data;

    while (c->run && n < BCACHE_RUN_BLOCKS && last->dnext &&
           last->dnext->blkno == last->blkno + 1 && sectors == n * BCACHE_BLOCK_SECTORS) {
        last = last->dnext;
        sectors += block_sectors(c, last->blkno);
        n++;
    }
    if (n > 1) {
        struct bcache_block *x = b;
        for (uint32_t i = 0; i < n; i++, x = x->dnext)
            memcpy(c->run + i * BCACHE_BLOCK_SIZE, x->data, BCACHE_BLOCK_SIZE);
        data = c->run;
    }
    int rc = c->dev.write(c->dev.ctx, b->blkno * BCACHE_BLOCK_SECTORS, sectors, data);
    if (rc)
        return rc;
    c->stats.dev_writes++;
    while (n--)
        dirty_unlink(c, c->dirty_head);
    return 0;
}

/* A clean block other than keep, out of the hash and not valid, or NULL. */
static struct bcache_block *take_clean(struct bcache *c, const struct bcache_block *keep)
{
    struct bcache_block *victim = NULL;

    for (uint32_t i = 0; i < c->count; i++) {
        struct bcache_block *b = &c->blocks[i];
        if (b == keep)
            continue;
        if (!b->valid) {
            victim = b;
            break;
        }
        if (!b->dirty && (!victim || b->used < victim->used))
            victim = b;
    }
    if (victim && victim->valid) {
        hash_remove(c, victim);
        c->stats.evictions++;
    }
    if (victim)
        victim->valid = false;
    return victim;
}

/* A block to hold blkno, not in the hash and not valid; or an error. */
static int take_block(struct bcache *c, struct bcache_block **out)
{
    struct bcache_block *victim = take_clean(c, NULL);

    if (!victim) {
        victim = c->dirty_head;
        int rc = write_head(c);
        if (rc)
            return rc;
    }
    if (victim->valid) {
        hash_remove(c, victim);
        c->stats.evictions++;
    }
    victim->valid = false;
    *out = victim;
    return 0;
}

static void insert(struct bcache *c, struct bcache_block *b, uint64_t blkno)
{
    b->blkno = blkno;
    b->valid = true;
    b->hnext = c->hash[hash_of(blkno)];
    c->hash[hash_of(blkno)] = b;
    b->used = ++c->clock;
}

/* Blocks after blkno worth reading with it: none unless this miss continues the last
 * one; then the full-size ones not cached, up to a quarter of the cache. */
static uint32_t ahead_of(struct bcache *c, uint64_t blkno)
{
    uint32_t k = 0, max = c->count / 4;

    if (!c->run || blkno != c->last_miss + 1 || block_sectors(c, blkno) != BCACHE_BLOCK_SECTORS)
        return 0;
    if (max > BCACHE_RUN_BLOCKS - 1)
        max = BCACHE_RUN_BLOCKS - 1;
    while (k < max && (blkno + k + 2) * BCACHE_BLOCK_SECTORS <= c->dev.sectors &&
           !find(c, blkno + k + 1))
        k++;
    return k;
}

/* A miss that reads blkno and the k blocks after it in one request. Its own block is
 * taken before the read (taking may write back through the staging buffer); the
 * others only take clean blocks, never blkno's, and stop when there are none. */
static int read_ahead(struct bcache *c, uint64_t blkno, uint32_t k, struct bcache_block **out)
{
    struct bcache_block *b, *a;
    int rc = take_block(c, &b);

    if (rc)
        return rc;
    rc = c->dev.read(c->dev.ctx, blkno * BCACHE_BLOCK_SECTORS, (k + 1) * BCACHE_BLOCK_SECTORS,
                     c->run);
    if (rc)
        return rc;
    c->stats.dev_reads++;
    memcpy(b->data, c->run, BCACHE_BLOCK_SIZE);
    insert(c, b, blkno);
    for (uint32_t i = 1; i <= k && (a = take_clean(c, b)) != NULL; i++) {
        memcpy(a->data, c->run + i * BCACHE_BLOCK_SIZE, BCACHE_BLOCK_SIZE);
        insert(c, a, blkno + i);
        c->stats.read_ahead++;
    }
    b->used = ++c->clock;
    *out = b;
    return 0;
}

/* The block blkno in the cache, read from the device when fill (else its contents
 * are whatever the caller will overwrite in full). */
static int get_block(struct bcache *c, uint64_t blkno, bool fill, struct bcache_block **out)
{
    struct bcache_block *b = find(c, blkno);

    if (b) {
        c->stats.hits++;
        b->used = ++c->clock;
        *out = b;
        return 0;
    }
    c->stats.misses++;
    uint32_t k = fill ? ahead_of(c, blkno) : 0;
    if (fill)
        c->last_miss = blkno + k;
    if (k)
        return read_ahead(c, blkno, k, out);
    int rc = take_block(c, &b);
    if (rc)
        return rc;
    if (fill) {
        rc = c->dev.read(c->dev.ctx, blkno * BCACHE_BLOCK_SECTORS, block_sectors(c, blkno),
                         b->data);
        if (rc)
            return rc;
        c->stats.dev_reads++;
    }
    insert(c, b, blkno);
    *out = b;
    return 0;
}

static int check_range(const struct bcache *c, uint64_t lba, uint32_t count)
{
    if (lba > c->dev.sectors || count > c->dev.sectors - lba)
        return K_EINVAL;
    return 0;
}

int bcache_read(struct bcache *c, uint64_t lba, uint32_t count, void *buf)
{
    uint8_t *out = buf;
    int rc = check_range(c, lba, count);

    while (!rc && count) {
        uint64_t blkno = lba / BCACHE_BLOCK_SECTORS;
        uint32_t in = (uint32_t)(lba % BCACHE_BLOCK_SECTORS);
        uint32_t n = BCACHE_BLOCK_SECTORS - in < count ? BCACHE_BLOCK_SECTORS - in : count;
        struct bcache_block *b;
        rc = get_block(c, blkno, true, &b);
        if (rc)
            break;
        memcpy(out, b->data + in * BCACHE_SECTOR, n * BCACHE_SECTOR);
        out += n * BCACHE_SECTOR;
        lba += n;
        count -= n;
    }
    return rc;
}

/* b is about to change: if it is dirty behind newer blocks, the FIFO goes out up to
 * and including b first, so its new contents come after those blocks. */
static int order_before_change(struct bcache *c, struct bcache_block *b)
{
    if (!b->dirty || b == c->dirty_tail)
        return 0;
    c->stats.ordered_writes++;
    while (b->dirty) {
        int rc = write_head(c);
        if (rc)
            return rc;
    }
    return 0;
}

int bcache_write(struct bcache *c, uint64_t lba, uint32_t count, const void *buf)
{
    const uint8_t *in = buf;
    int rc = check_range(c, lba, count);

    if (!rc && !c->dev.write)
        rc = K_EROFS;
    while (!rc && count) {
        uint64_t blkno = lba / BCACHE_BLOCK_SECTORS;
        uint32_t at = (uint32_t)(lba % BCACHE_BLOCK_SECTORS);
        uint32_t n = BCACHE_BLOCK_SECTORS - at < count ? BCACHE_BLOCK_SECTORS - at : count;
        bool whole = at == 0 && n == block_sectors(c, blkno);
        struct bcache_block *b;
        rc = get_block(c, blkno, !whole, &b);
        if (!rc)
            rc = order_before_change(c, b);
        if (rc)
            break;
        memcpy(b->data + at * BCACHE_SECTOR, in, n * BCACHE_SECTOR);
        if (!b->dirty)
            dirty_append(c, b);
        in += n * BCACHE_SECTOR;
        lba += n;
        count -= n;
    }
    return rc;
}

int bcache_sync(struct bcache *c)
{
    while (c->dirty_head) {
        int rc = write_head(c);
        if (rc)
            return rc;
    }
    return c->dev.flush ? c->dev.flush(c->dev.ctx) : 0;
}
