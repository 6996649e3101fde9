/*
 * The block cache (see <fs/bcache.h> for the write-order rule). Lookup by a small hash
 * of block numbers; a miss takes a never-used block, else the least recently used clean
 * one, else writes the oldest dirty block (the FIFO's head, always safe to write alone)
 * and takes that.
 */
#include <fs/bcache.h>
#include <lib/errno.h>
#include <lib/string.h>

static uint32_t hash_of(uint64_t blkno)
{
    return (uint32_t)((blkno * 0x9E3779B97F4A7C15ull) >> 56) % BCACHE_HASH;
}

void bcache_init(struct bcache *c, const struct bcache_dev *dev, struct bcache_block *blocks,
                 uint32_t count)
{
    memset(c, 0, sizeof *c);
    c->dev = *dev;
    c->blocks = blocks;
    c->count = count;
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

/* Writes the FIFO's head out; it becomes clean. */
static int write_head(struct bcache *c)
{
    struct bcache_block *b = c->dirty_head;
    int rc = c->dev.write(c->dev.ctx, b->blkno * BCACHE_BLOCK_SECTORS,
                          block_sectors(c, b->blkno), b->data);

    if (rc)
        return rc;
    c->stats.dev_writes++;
    dirty_unlink(c, b);
    return 0;
}

/* A block to hold blkno, not in the hash and not valid; or an error. */
static int take_block(struct bcache *c, struct bcache_block **out)
{
    struct bcache_block *victim = NULL;

    for (uint32_t i = 0; i < c->count; i++) {
        struct bcache_block *b = &c->blocks[i];
        if (!b->valid) {
            victim = b;
            break;
        }
        if (!b->dirty && (!victim || b->used < victim->used))
            victim = b;
    }
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

/* The block blkno in the cache, read from the device when fill (else its contents
 * are whatever the caller will overwrite in full). */
static int get_block(struct bcache *c, uint64_t blkno, bool fill, struct bcache_block **out)
{
    struct bcache_block *b = find(c, blkno);

    if (b) {
        c->stats.hits++;
    } else {
        c->stats.misses++;
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
        b->blkno = blkno;
        b->valid = true;
        b->hnext = c->hash[hash_of(blkno)];
        c->hash[hash_of(blkno)] = b;
    }
    b->used = ++c->clock;
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
    for (;;) {
        bool last = c->dirty_head == b;
        int rc = write_head(c);
        if (rc || last)
            return rc;
    }
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
