/*
 * The RAM file system. A node is a directory (children in creation order, each with a
 * sequence number that enumeration cookies follow, so removals never make it skip or
 * repeat an entry; and a hash table of the children by case-folded name) or a file (a
 * growable array of page pointers; NULL is a hole). Every operation runs under the vfs
 * lock. A removed node stays allocated while the vfs still references it and is freed
 * by put.
 */
#include <abi/file.h>
#include <fs/path.h>
#include <fs/ramfs.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/kheap.h>

#define ATTR_SETTABLE                                                                         \
    (DORMER_FILE_ATTRIBUTE_READONLY | DORMER_FILE_ATTRIBUTE_HIDDEN |                          \
     DORMER_FILE_ATTRIBUTE_SYSTEM | DORMER_FILE_ATTRIBUTE_ARCHIVE)

enum { T_CREATE, T_ACCESS, T_WRITE, T_CHANGE };

#define INLINE_NAME 24 /* names up to this many units live in the node */
#define MIN_BUCKETS 16u

struct ramfs_node {
    struct vfs_node vn; /* first: the vfs's node is this node */
    struct ramfs_node *parent;
    struct ramfs_node *first, *last;  /* children, by seq */
    struct ramfs_node *prev, *next;   /* siblings */
    struct ramfs_node *hnext;         /* the next in its parent's hash bucket */
    /* The entry the last enumeration of this directory returned (or one before it):
     * a place to resume from instead of the first child. Moved back by unlink_child. */
    struct ramfs_node *cursor;
    struct ramfs_node **buckets;      /* a directory with children: nbuckets chains */
    uint32_t nbuckets;                /* a power of two, or 0 without children */
    uint32_t hash;                    /* of the case-folded name */
    uint64_t seq, next_seq;
    uint32_t children;      /* entries of a directory */
    uint16_t *name;         /* inline_name or kmalloc'd */
    uint32_t name_len;
    uint16_t inline_name[INLINE_NAME];
    uint32_t attributes;
    int64_t times[4];
    bool linked;   /* has a name in a directory (the root always) */
    bool fixed;    /* a static file: read-only for good */
    uint64_t size;
    uint8_t **pages;
    uint64_t slots;         /* entries in pages */
    uint64_t held;          /* of those, not NULL */
    const uint8_t *data;    /* a static file's bytes */
};

struct ramfs {
    struct ramfs_page_ops pages;
    struct ramfs_node root;
    uint64_t held;   /* data pages of this volume; protected by the vfs lock */
    uint32_t serial; /* the volume serial number: from the clock at mount */
    uint64_t capacity; /* the size in pages, fixed at mount (ram_volume) */
};

static uint64_t pages_in_use; /* protected by the vfs lock */

static struct ramfs_node *rn(struct vfs_node *n)
{
    return (struct ramfs_node *)n;
}

static struct ramfs *fs_of(struct vfs_mount *m)
{
    return m->fs;
}

/* FNV-1a over the case-folded units: names equal under path_name_equal hash alike. */
static uint32_t name_hash(const uint16_t *name, size_t len)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len; i++) {
        uint16_t c = path_fold(name[i]);
        h = (h ^ (c & 0xff)) * 16777619u;
        h = (h ^ (c >> 8)) * 16777619u;
    }
    return h;
}

static struct ramfs_node *find_child_hashed(struct ramfs_node *dir, const uint16_t *name,
                                            size_t len, uint32_t h)
{
    if (!dir->nbuckets)
        return NULL;
    for (struct ramfs_node *c = dir->buckets[h & (dir->nbuckets - 1)]; c; c = c->hnext) {
        if (c->hash == h && path_name_equal(c->name, c->name_len, name, len))
            return c;
    }
    return NULL;
}

static struct ramfs_node *find_child(struct ramfs_node *dir, const uint16_t *name, size_t len)
{
    return find_child_hashed(dir, name, len, name_hash(name, len));
}

/*
 * Makes dir's table ready for one more child: the first table, or a larger one once
 * the chains would average two. 0, or K_ENOMEM only when dir has no table at all (a
 * table that cannot grow still works, with longer chains).
 */
static int reserve_child(struct ramfs_node *dir)
{
    uint32_t want = dir->nbuckets ? dir->nbuckets : MIN_BUCKETS;

    while (dir->children + 1 > 2 * want && want < RAMFS_MAX_ENTRIES)
        want *= 2;
    if (want == dir->nbuckets)
        return 0;
    struct ramfs_node **b = kcalloc(want, sizeof *b);
    if (!b)
        return dir->nbuckets ? 0 : K_ENOMEM;
    for (struct ramfs_node *c = dir->first; c; c = c->next) {
        c->hnext = b[c->hash & (want - 1)];
        b[c->hash & (want - 1)] = c;
    }
    kfree(dir->buckets);
    dir->buckets = b;
    dir->nbuckets = want;
    return 0;
}

static int ram_lookup(struct vfs_mount *m, struct vfs_node *dir, const uint16_t *name,
                      size_t len, struct vfs_node **out)
{
    (void)m;
    struct ramfs_node *c = find_child(rn(dir), name, len);
    if (!c)
        return K_ENOENT;
    *out = &c->vn;
    return 0;
}

static void bucket_insert(struct ramfs_node *dir, struct ramfs_node *c)
{
    struct ramfs_node **b = &dir->buckets[c->hash & (dir->nbuckets - 1)];

    c->hnext = *b;
    *b = c;
}

static void bucket_remove(struct ramfs_node *dir, struct ramfs_node *c)
{
    struct ramfs_node **b = &dir->buckets[c->hash & (dir->nbuckets - 1)];

    while (*b != c)
        b = &(*b)->hnext;
    *b = c->hnext;
    c->hnext = NULL;
}

/* An empty directory holds no table (callers trim once they are done changing it). */
static void trim_table(struct ramfs_node *dir)
{
    if (dir->children == 0) {
        kfree(dir->buckets);
        dir->buckets = NULL;
        dir->nbuckets = 0;
    }
}

/* Appends c to dir (reserve_child(dir) succeeded since dir last changed). */
static void link_child(struct ramfs_node *dir, struct ramfs_node *c)
{
    c->parent = dir;
    dir->children++;
    c->seq = ++dir->next_seq;
    c->next = NULL;
    c->prev = dir->last;
    if (dir->last)
        dir->last->next = c;
    else
        dir->first = c;
    dir->last = c;
    bucket_insert(dir, c);
    c->linked = true;
}

static void unlink_child(struct ramfs_node *c)
{
    struct ramfs_node *dir = c->parent;

    bucket_remove(dir, c);
    if (dir->cursor == c)
        dir->cursor = c->prev; /* still before every entry not yet returned */
    dir->children--;
    if (c->prev)
        c->prev->next = c->next;
    else
        dir->first = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else
        dir->last = c->prev;
    c->prev = c->next = NULL;
    c->linked = false;
}

/* Room for a name of len units: n's inline buffer, or a new allocation (NULL). */
static uint16_t *name_buffer(struct ramfs_node *n, size_t len)
{
    return len <= INLINE_NAME ? n->inline_name : kmalloc(len * sizeof(uint16_t) + 1);
}

/* n's name becomes name, in buf (from name_buffer); frees the old one if allocated.
 * n is in no bucket meanwhile: its hash changes. */
static void set_name(struct ramfs_node *n, uint16_t *buf, const uint16_t *name, size_t len)
{
    uint16_t *old = n->name != n->inline_name ? n->name : NULL;

    memcpy(buf, name, len * sizeof *buf);
    n->name = buf;
    n->name_len = (uint32_t)len;
    n->hash = name_hash(name, len);
    if (old != buf)
        kfree(old);
}

static void touch(struct ramfs_node *n, bool write)
{
    int64_t now = vfs_now();

    n->times[T_CHANGE] = now;
    if (write)
        n->times[T_WRITE] = n->times[T_ACCESS] = now;
}

/* A new unlinked node named name (copied). */
static struct ramfs_node *new_node(struct vfs_mount *m, const uint16_t *name, size_t len,
                                   bool directory)
{
    struct ramfs_node *n = kmalloc(sizeof *n);
    uint16_t *buf = NULL;

    if (n) {
        /* The inline name is written by set_name, not zeroed first. */
        memset(n, 0, offsetof(struct ramfs_node, inline_name));
        memset((uint8_t *)n + offsetof(struct ramfs_node, attributes), 0,
               sizeof *n - offsetof(struct ramfs_node, attributes));
        buf = name_buffer(n, len);
    }
    if (!buf) {
        kfree(n);
        return NULL;
    }
    vfs_node_init(&n->vn, m, directory);
    n->name = n->inline_name;
    set_name(n, buf, name, len);
    int64_t now = vfs_now();
    for (int i = 0; i < 4; i++)
        n->times[i] = now;
    return n;
}

static int ram_create(struct vfs_mount *m, struct vfs_node *dir, const uint16_t *name,
                      size_t len, uint32_t attributes, bool directory, struct vfs_node **out)
{
    struct ramfs_node *d = rn(dir);

    if (find_child(d, name, len))
        return K_ECOLLIDE;
    if (d->children >= RAMFS_MAX_ENTRIES)
        return K_EFULL;
    if (reserve_child(d))
        return K_ENOMEM;
    struct ramfs_node *n = new_node(m, name, len, directory);
    if (!n) {
        trim_table(d); /* the table reserve_child may have made for n */
        return K_ENOMEM;
    }
    n->attributes = attributes & ATTR_SETTABLE;
    link_child(d, n);
    touch(d, true);
    *out = &n->vn;
    return 0;
}

static int ram_read(struct vfs_mount *m, struct vfs_node *vn, uint64_t off, void *buf,
                    size_t len, size_t *done)
{
    struct ramfs_node *n = rn(vn);
    uint8_t *out = buf;

    (void)m;
    *done = 0;
    if (off >= n->size)
        return 0;
    if (len > n->size - off)
        len = (size_t)(n->size - off);
    if (n->fixed) {
        memcpy(out, n->data + off, len);
        *done = len;
        return 0;
    }
    for (size_t i = 0; i < len;) {
        uint64_t page = (off + i) / RAMFS_PAGE_SIZE, in = (off + i) % RAMFS_PAGE_SIZE;
        size_t chunk = RAMFS_PAGE_SIZE - in < len - i ? RAMFS_PAGE_SIZE - in : len - i;
        if (page < n->slots && n->pages[page])
            memcpy(out + i, n->pages[page] + in, chunk);
        else
            memset(out + i, 0, chunk);
        i += chunk;
    }
    *done = len;
    return 0;
}

/* Frees the pages wholly past size and zeroes the tail of the last one kept. */
static void drop_pages_past(struct ramfs *fs, struct ramfs_node *n, uint64_t size)
{
    uint64_t keep = (size + RAMFS_PAGE_SIZE - 1) / RAMFS_PAGE_SIZE;

    for (uint64_t p = keep; p < n->slots; p++) {
        if (n->pages[p]) {
            fs->pages.free(n->pages[p]);
            n->pages[p] = NULL;
            n->held--;
            fs->held--;
            pages_in_use--;
        }
    }
    if (size % RAMFS_PAGE_SIZE && keep - 1 < n->slots && n->pages[keep - 1])
        memset(n->pages[keep - 1] + size % RAMFS_PAGE_SIZE, 0,
               RAMFS_PAGE_SIZE - size % RAMFS_PAGE_SIZE);
}

/* Makes the page array hold the pages of [0, end). */
static int grow_slots(struct ramfs_node *n, uint64_t end)
{
    uint64_t need = (end + RAMFS_PAGE_SIZE - 1) / RAMFS_PAGE_SIZE;

    if (need <= n->slots)
        return 0;
    uint64_t slots = n->slots ? n->slots : 4;
    while (slots < need)
        slots *= 2;
    uint8_t **p = krealloc(n->pages, slots * sizeof *p);
    if (!p)
        return K_ENOMEM;
    memset(p + n->slots, 0, (slots - n->slots) * sizeof *p);
    n->pages = p;
    n->slots = slots;
    return 0;
}

static int ram_write(struct vfs_mount *m, struct vfs_node *vn, uint64_t off, const void *buf,
                     size_t len, size_t *done)
{
    struct ramfs *fs = fs_of(m);
    struct ramfs_node *n = rn(vn);
    const uint8_t *in = buf;

    *done = 0;
    if (n->fixed)
        return K_EACCES;
    if (off > RAMFS_MAX_SIZE || len > RAMFS_MAX_SIZE - off)
        return K_EFULL;
    if (len == 0)
        return 0;
    int rc = grow_slots(n, off + len);
    if (rc)
        return rc;
    /* Every page first, so a failure changes no byte. */
    for (uint64_t p = off / RAMFS_PAGE_SIZE; p <= (off + len - 1) / RAMFS_PAGE_SIZE; p++) {
        if (n->pages[p])
            continue;
        n->pages[p] = fs->pages.alloc();
        if (!n->pages[p]) {
            /* The RAM volume holds as much as there is free memory: no frame for a
             * file's data is a full disk to the program (STATUS_DISK_FULL). */
            drop_pages_past(fs, n, n->size);
            return K_EFULL;
        }
        n->held++;
        fs->held++;
        pages_in_use++;
    }
    for (size_t i = 0; i < len;) {
        uint64_t page = (off + i) / RAMFS_PAGE_SIZE, at = (off + i) % RAMFS_PAGE_SIZE;
        size_t chunk = RAMFS_PAGE_SIZE - at < len - i ? RAMFS_PAGE_SIZE - at : len - i;
        memcpy(n->pages[page] + at, in + i, chunk);
        i += chunk;
    }
    if (off + len > n->size)
        n->size = off + len;
    n->attributes |= DORMER_FILE_ATTRIBUTE_ARCHIVE;
    touch(n, true);
    *done = len;
    return 0;
}

static int ram_truncate(struct vfs_mount *m, struct vfs_node *vn, uint64_t size)
{
    struct ramfs_node *n = rn(vn);

    if (n->fixed)
        return K_EACCES;
    if (size > RAMFS_MAX_SIZE)
        return K_EFULL;
    if (size < n->size)
        drop_pages_past(fs_of(m), n, size);
    n->size = size;
    touch(n, true);
    return 0;
}

/* Is d the node n or below it? */
static bool within(struct ramfs_node *d, struct ramfs_node *n)
{
    for (; d; d = d->parent) {
        if (d == n)
            return true;
    }
    return false;
}

static void free_node(struct ramfs *fs, struct ramfs_node *n)
{
    drop_pages_past(fs, n, 0);
    kfree(n->pages);
    if (n->name != n->inline_name)
        kfree(n->name);
    kfree(n->buckets);
    kfree(n);
}

static int ram_rename(struct vfs_mount *m, struct vfs_node *vn, struct vfs_node *new_dir,
                      const uint16_t *name, size_t len, bool replace)
{
    struct ramfs_node *n = rn(vn), *d = rn(new_dir), *from = n->parent;
    bool moving = from != d;

    if (n->fixed)
        return K_EACCES;
    if (n->vn.directory && within(d, n))
        return K_EINVAL;
    struct ramfs_node *old = find_child(d, name, len);
    if (old && old != n && !replace)
        return K_ECOLLIDE;
    if (old && old != n && (old->fixed || old->vn.directory))
        return K_EACCES;
    if (!old && moving && d->children >= RAMFS_MAX_ENTRIES)
        return K_EFULL;
    if (moving && reserve_child(d))
        return K_ENOMEM;
    uint16_t *buf = name_buffer(n, len);
    if (!buf) {
        trim_table(d);
        return K_ENOMEM;
    }
    if (old && old != n) {
        unlink_child(old);
        if (old->vn.refs == 0)
            free_node(fs_of(m), old);
    }
    touch(from, true);
    /* Out of its bucket while the name (and so the hash) changes; a rename within the
     * directory keeps its place in the listing order. */
    if (moving)
        unlink_child(n);
    else
        bucket_remove(d, n);
    set_name(n, buf, name, len);
    if (moving)
        link_child(d, n);
    else
        bucket_insert(d, n);
    trim_table(from);
    touch(d, true);
    touch(n, false);
    return 0;
}

static int ram_remove(struct vfs_mount *m, struct vfs_node *vn)
{
    struct ramfs_node *n = rn(vn);

    if (n->fixed || !n->linked || !n->parent)
        return K_EACCES;
    if (n->first)
        return K_ENOTEMPTY;
    struct ramfs_node *dir = n->parent;
    touch(dir, true);
    unlink_child(n);
    trim_table(dir);
    if (n->vn.refs == 0)
        free_node(fs_of(m), n);
    return 0;
}

/* Inlined into the listing too: it runs once per entry listed. */
static inline void node_stat(const struct ramfs_node *n, struct vfs_stat *out)
{
    out->size = n->vn.directory ? 0 : n->size;
    out->allocation = n->fixed ? n->size : n->held * RAMFS_PAGE_SIZE;
    out->attributes = n->attributes | (n->vn.directory ? DORMER_FILE_ATTRIBUTE_DIRECTORY : 0);
    if (out->attributes == 0)
        out->attributes = DORMER_FILE_ATTRIBUTE_NORMAL;
    out->creation = n->times[T_CREATE];
    out->last_access = n->times[T_ACCESS];
    out->last_write = n->times[T_WRITE];
    out->change = n->times[T_CHANGE];
}

static void ram_stat(struct vfs_mount *m, struct vfs_node *vn, struct vfs_stat *out)
{
    (void)m;
    node_stat(rn(vn), out);
}

/*
 * The first child after *cookie. Children are in seq order, so the walk starts at the
 * directory's cursor (the entry last returned, or one before it) instead of the first
 * child, stepping back while an earlier enumeration of the same directory is behind it.
 * One listing at a time costs O(1) per entry, however entries come and go.
 */
static int ram_enumerate(struct vfs_mount *m, struct vfs_node *dir, uint64_t *cookie,
                         struct vfs_dirent *out)
{
    struct ramfs_node *d = rn(dir), *c = d->cursor ? d->cursor : d->first;

    (void)m;

    while (c && c->prev && c->prev->seq > *cookie)
        c = c->prev;
    while (c && c->seq <= *cookie)
        c = c->next;
    if (!c)
        return 0;
    d->cursor = c;
    out->name_at = c->name; /* stable while the vfs lock is held */
    out->name_len = c->name_len;
    out->short_name[0] = '\0';
    node_stat(c, &out->st);
    *cookie = c->seq;
    return 1;
}

static int ram_flush(struct vfs_mount *m, struct vfs_node *n)
{
    (void)m;
    (void)n;
    return 0; /* nothing is cached: RAM is the medium */
}

static int ram_set_info(struct vfs_mount *m, struct vfs_node *vn, uint32_t attributes,
                        const int64_t times[4])
{
    struct ramfs_node *n = rn(vn);

    (void)m;
    if (n->fixed)
        return K_EACCES;
    if (attributes)
        n->attributes = attributes & ATTR_SETTABLE;
    for (int i = 0; i < 4; i++) {
        if (times[i])
            n->times[i] = times[i];
    }
    if (!times[T_CHANGE])
        n->times[T_CHANGE] = vfs_now();
    return 0;
}

static void ram_put(struct vfs_mount *m, struct vfs_node *n)
{
    if (!rn(n)->linked)
        free_node(fs_of(m), rn(n));
}

/* RAM C:\'s size is fixed at mount: the pages the supply could give then (a volume's
 * size does not move with what the rest of the kernel allocates meanwhile). Free is
 * what the supply can give now, never more than the size leaves; a unit is one page.
 * No label. */
static int ram_volume(struct vfs_mount *m, struct vfs_volume *out)
{
    struct ramfs *fs = fs_of(m);
    uint64_t avail = fs->pages.available ? fs->pages.available() : 0;
    uint64_t room = fs->capacity > fs->held ? fs->capacity - fs->held : 0;

    out->free_units = avail < room ? avail : room;
    out->total_units = fs->capacity > fs->held ? fs->capacity : fs->held;
    out->unit_bytes = RAMFS_PAGE_SIZE;
    out->serial = fs->serial;
    out->in_memory = true;
    memcpy(out->fs_name, "RAMFS", 6);
    return 0;
}

static const struct vfs_fs_ops ramfs_ops = {
    .lookup = ram_lookup,
    .create = ram_create,
    .read = ram_read,
    .write = ram_write,
    .truncate = ram_truncate,
    .rename = ram_rename,
    .remove = ram_remove,
    .enumerate = ram_enumerate,
    .flush = ram_flush,
    .set_info = ram_set_info,
    .stat = ram_stat,
    .volume = ram_volume,
    .put = ram_put,
};

int ramfs_mount(uint16_t letter, const struct ramfs_page_ops *pages)
{
    struct ramfs *fs = kcalloc(1, sizeof *fs);

    if (!fs)
        return K_ENOMEM;
    fs->pages = *pages;
    fs->capacity = pages->available ? pages->available() : 0;
    vfs_node_init(&fs->root.vn, NULL, true);
    fs->root.linked = true;
    int64_t now = vfs_now();
    for (int i = 0; i < 4; i++)
        fs->root.times[i] = now;
    fs->serial = (uint32_t)((uint64_t)now / 10000000u * 2654435761u); /* seconds, mixed */
    int rc = vfs_mount(letter, &ramfs_ops, fs, &fs->root.vn, false);
    if (rc)
        kfree(fs);
    return rc;
}

int ramfs_add_static(struct vfs_node *dir, const uint16_t *name, size_t len,
                     const uint8_t *data, size_t size)
{
    struct vfs_node *out;
    int rc;

    if (!dir || !dir->directory || !dir->mount || dir->mount->ops != &ramfs_ops ||
        !path_name_valid(name, len))
        return K_EINVAL;
    vfs_lock_acquire();
    rc = ram_create(dir->mount, dir, name, len,
                    DORMER_FILE_ATTRIBUTE_READONLY | DORMER_FILE_ATTRIBUTE_SYSTEM, false, &out);
    if (rc == 0) {
        rn(out)->fixed = true;
        rn(out)->data = data;
        rn(out)->size = size;
    }
    vfs_lock_release();
    return rc;
}

uint64_t ramfs_pages_in_use(void)
{
    vfs_lock_acquire();
    uint64_t n = pages_in_use;
    vfs_lock_release();
    return n;
}
