/*
 * FAT32 behind the vfs's operations table. A node is one open entry: its fat32_dirent
 * (updated in place by the core) is the handle for every call, and a lookup finds an
 * existing node again by where its short entry lives, so each file has one node while
 * the vfs holds it. Nodes are freed at their last put; the block cache below makes a
 * second lookup cheap. A few directories can carry a read-only overlay of static files
 * (the boot modules in Windows\System32, and C:\DIR's): they are listed first, shadow
 * disk entries of the same name, and refuse every change with K_EACCES, as RAM C:\'s
 * static files do.
 */
#include <abi/file.h>
#include <fs/fat32_vfs.h>
#include <fs/path.h>
#include <fs/vfs.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/kheap.h>

#define ATTR_SETTABLE                                                                         \
    (FAT32_ATTR_READONLY | FAT32_ATTR_HIDDEN | FAT32_ATTR_SYSTEM | FAT32_ATTR_ARCHIVE)
/* Enumeration cookies: 1..overlay count for static files, then DISK_COOKIE + where the
 * walk stopped (clusters walked << 16 | next entry index). */
#define DISK_COOKIE (1ull << 40)

struct fnode {
    struct vfs_node vn; /* first: the vfs's node is this node */
    struct fnode *next; /* live nodes of the volume */
    bool root, removed;
    int static_index;   /* an overlay file, or -1 */
    struct fat32_dirent ent;
};

struct fatfs {
    struct fat32_vol vol;
    struct fat32_blkdev dev;
    int (*sync)(void *ctx);
    void *sync_ctx;
    struct fnode root;
    struct fnode *live;           /* protected by the vfs lock */
    uint32_t overlay_cluster[FAT32_VFS_MAX_OVERLAYS]; /* each overlay directory; 0: none */
    const struct fat32_vfs_static *overlay;
    uint8_t *overlay_of;          /* each static file's overlay directory index */
    size_t overlay_count;
    int64_t mount_time;
    struct fatfs *next_fs;
};

static struct fatfs *volumes; /* protected by the vfs lock */

static struct fnode *fn(struct vfs_node *n)
{
    return (struct fnode *)n;
}

static struct fatfs *fs_of(struct vfs_mount *m)
{
    return m->fs;
}

/* The core's codes as the vfs's: a hostile structure is a corrupt file, a full volume
 * is a full disk. */
static int map_err(int rc)
{
    switch (rc) {
    case K_EEXIST:
        return K_ECOLLIDE;
    case K_EPERM:
        return K_EACCES;
    case K_ENOSPC:
    case K_ERANGE:
        return K_EFULL;
    case K_EINVAL:
        return K_ECORRUPT;
    default:
        return rc;
    }
}

static uint32_t dir_cluster(struct fatfs *fs, struct fnode *d)
{
    return d->root ? fs->vol.root_cluster : d->ent.first_cluster;
}

/* d's overlay directory index, or -1 when it has none. */
static int overlay_dir(struct fatfs *fs, struct fnode *d)
{
    if (!d->vn.directory)
        return -1;
    uint32_t c = dir_cluster(fs, d);
    for (int i = 0; i < FAT32_VFS_MAX_OVERLAYS; i++)
        if (fs->overlay_cluster[i] && fs->overlay_cluster[i] == c)
            return i;
    return -1;
}

/* The static file called name in d's overlay, or -1. */
static int static_find_in(struct fatfs *fs, int dir, const uint16_t *name, size_t len)
{
    uint16_t w[FAT32_MAX_NAME];

    for (size_t i = 0; dir >= 0 && i < fs->overlay_count; i++) {
        if (fs->overlay_of[i] != dir)
            continue;
        const char *s = fs->overlay[i].name;
        size_t n = 0;
        while (s[n] && n < FAT32_MAX_NAME) {
            w[n] = (uint8_t)s[n];
            n++;
        }
        if (path_name_equal(w, n, name, len))
            return (int)i;
    }
    return -1;
}

/* The static file called name in directory d, or -1. */
static int static_find(struct fatfs *fs, struct fnode *d, const uint16_t *name, size_t len)
{
    return static_find_in(fs, overlay_dir(fs, d), name, len);
}

static struct fnode *node_new(struct vfs_mount *m, struct fatfs *fs, bool directory)
{
    struct fnode *n = kcalloc(1, sizeof *n);

    if (!n)
        return NULL;
    vfs_node_init(&n->vn, m, directory);
    n->static_index = -1;
    n->next = fs->live;
    fs->live = n;
    return n;
}

static void node_free(struct fatfs *fs, struct fnode *n)
{
    struct fnode **p = &fs->live;

    while (*p && *p != n)
        p = &(*p)->next;
    if (*p)
        *p = n->next;
    kfree(n);
}

/* The live node of the entry e describes (same short-entry location), or NULL. */
static struct fnode *live_for(struct fatfs *fs, const struct fat32_dirent *e, struct fnode *skip)
{
    for (struct fnode *n = fs->live; n; n = n->next) {
        if (n != skip && !n->removed && n->static_index < 0 &&
            n->ent.ent_cluster == e->ent_cluster && n->ent.ent_index == e->ent_index)
            return n;
    }
    return NULL;
}

static int fat_lookup(struct vfs_mount *m, struct vfs_node *dir, const uint16_t *name,
                      size_t len, struct vfs_node **out)
{
    struct fatfs *fs = fs_of(m);
    struct fnode *d = fn(dir);

    int s = static_find(fs, d, name, len);
    if (s >= 0) {
        for (struct fnode *n = fs->live; n; n = n->next) {
            if (n->static_index == s) {
                *out = &n->vn;
                return 0;
            }
        }
        struct fnode *n = node_new(m, fs, false);
        if (!n)
            return K_ENOMEM;
        n->static_index = s;
        *out = &n->vn;
        return 0;
    }
    struct fnode *n = node_new(m, fs, false);
    if (!n)
        return K_ENOMEM;
    int rc = fat32_lookup(&fs->vol, dir_cluster(fs, d), name, (uint32_t)len, &n->ent);
    if (rc) {
        node_free(fs, n);
        return rc == K_ENOENT ? K_ENOENT : map_err(rc);
    }
    struct fnode *old = live_for(fs, &n->ent, n);
    if (old) {
        node_free(fs, n);
        *out = &old->vn;
        return 0;
    }
    n->vn.directory = (n->ent.attr & FAT32_ATTR_DIRECTORY) != 0;
    *out = &n->vn;
    return 0;
}

static int fat_create(struct vfs_mount *m, struct vfs_node *dir, const uint16_t *name,
                      size_t len, uint32_t attributes, bool directory, struct vfs_node **out)
{
    struct fatfs *fs = fs_of(m);
    struct fnode *d = fn(dir);

    if (static_find(fs, d, name, len) >= 0)
        return K_ECOLLIDE;
    struct fnode *n = node_new(m, fs, directory);
    if (!n)
        return K_ENOMEM;
    uint8_t attr = (uint8_t)((attributes & ATTR_SETTABLE) |
                             (directory ? FAT32_ATTR_DIRECTORY : 0));
    int rc = fat32_create(&fs->vol, dir_cluster(fs, d), name, (uint32_t)len, attr, &n->ent);
    if (rc) {
        node_free(fs, n);
        return rc == K_EINVAL ? K_EBADNAME : map_err(rc);
    }
    *out = &n->vn;
    return 0;
}

static int fat_read(struct vfs_mount *m, struct vfs_node *vn, uint64_t off, void *buf,
                    size_t len, size_t *done)
{
    struct fatfs *fs = fs_of(m);
    struct fnode *n = fn(vn);

    *done = 0;
    if (n->static_index >= 0) {
        const struct fat32_vfs_static *s = &fs->overlay[n->static_index];
        if (off >= s->size)
            return 0;
        if (len > s->size - off)
            len = (size_t)(s->size - off);
        memcpy(buf, s->data + off, len);
        *done = len;
        return 0;
    }
    if (off >= n->ent.size)
        return 0;
    if (len > UINT32_MAX)
        len = UINT32_MAX;
    uint32_t got = 0;
    int rc = fat32_read(&fs->vol, &n->ent, (uint32_t)off, buf, (uint32_t)len, &got);
    *done = got;
    return map_err(rc);
}

static int fat_write(struct vfs_mount *m, struct vfs_node *vn, uint64_t off, const void *buf,
                     size_t len, size_t *done)
{
    struct fatfs *fs = fs_of(m);
    struct fnode *n = fn(vn);

    *done = 0;
    if (n->static_index >= 0 || n->root)
        return K_EACCES;
    if (off > UINT32_MAX || len > UINT32_MAX - off)
        return K_EFULL; /* FAT32 files end at 4 GiB - 1 */
    if (len == 0)
        return 0;
    uint32_t put = 0;
    int rc = fat32_write(&fs->vol, &n->ent, (uint32_t)off, buf, (uint32_t)len, &put);
    *done = put;
    return map_err(rc);
}

static int fat_truncate(struct vfs_mount *m, struct vfs_node *vn, uint64_t size)
{
    struct fnode *n = fn(vn);

    if (n->static_index >= 0 || n->root)
        return K_EACCES;
    if (size > UINT32_MAX)
        return K_EFULL;
    return map_err(fat32_truncate(&fs_of(m)->vol, &n->ent, (uint32_t)size));
}

static int fat_rename(struct vfs_mount *m, struct vfs_node *vn, struct vfs_node *new_dir,
                      const uint16_t *name, size_t len, bool replace)
{
    struct fatfs *fs = fs_of(m);
    struct fnode *n = fn(vn), *d = fn(new_dir);

    if (n->static_index >= 0 || n->root)
        return K_EACCES;
    if (static_find(fs, d, name, len) >= 0)
        return K_EACCES;
    /* A replaced file's node (the vfs made sure nothing has it open) loses its entry. */
    struct fat32_dirent *target = kmalloc(sizeof *target);
    if (!target)
        return K_ENOMEM;
    struct fnode *victim = NULL;
    if (replace && fat32_lookup(&fs->vol, dir_cluster(fs, d), name, (uint32_t)len, target) == 0)
        victim = live_for(fs, target, n);
    kfree(target);
    int rc = fat32_rename(&fs->vol, &n->ent, dir_cluster(fs, d), name, (uint32_t)len,
                          replace);
    if (rc == 0 && victim)
        victim->removed = true;
    if (rc == K_EINVAL && n->vn.directory)
        return K_EINVAL; /* into itself or below */
    return rc == K_EINVAL ? K_EBADNAME : map_err(rc);
}

static int fat_remove(struct vfs_mount *m, struct vfs_node *vn)
{
    struct fnode *n = fn(vn);

    if (n->static_index >= 0 || n->root || n->removed)
        return K_EACCES;
    int rc = fat32_delete(&fs_of(m)->vol, &n->ent);
    if (rc == 0)
        n->removed = true;
    return map_err(rc);
}

static void stat_static(struct fatfs *fs, int index, struct vfs_stat *out)
{
    memset(out, 0, sizeof *out);
    out->size = out->allocation = fs->overlay[index].size;
    out->attributes = DORMER_FILE_ATTRIBUTE_READONLY | DORMER_FILE_ATTRIBUTE_SYSTEM;
    out->creation = out->last_access = out->last_write = out->change = fs->mount_time;
}

static void stat_entry(struct fatfs *fs, const struct fat32_dirent *e, struct vfs_stat *out)
{
    uint64_t cluster = (uint64_t)fs->vol.sectors_per_cluster * fs->vol.bytes_per_sector;
    bool dir = e->attr & FAT32_ATTR_DIRECTORY;

    memset(out, 0, sizeof *out);
    out->size = dir ? 0 : e->size;
    out->allocation = dir ? cluster : (out->size + cluster - 1) / cluster * cluster;
    out->attributes = (e->attr & ATTR_SETTABLE) | (dir ? DORMER_FILE_ATTRIBUTE_DIRECTORY : 0);
    if (out->attributes == 0)
        out->attributes = DORMER_FILE_ATTRIBUTE_NORMAL;
    out->creation = (int64_t)e->create_time;
    out->last_access = (int64_t)e->access_time;
    out->last_write = out->change = (int64_t)e->write_time;
}

static void fat_stat(struct vfs_mount *m, struct vfs_node *vn, struct vfs_stat *out)
{
    struct fatfs *fs = fs_of(m);
    struct fnode *n = fn(vn);

    if (n->static_index >= 0) {
        stat_static(fs, n->static_index, out);
    } else if (n->root) {
        memset(out, 0, sizeof *out);
        out->attributes = DORMER_FILE_ATTRIBUTE_DIRECTORY;
        out->creation = out->last_access = out->last_write = out->change = fs->mount_time;
    } else {
        stat_entry(fs, &n->ent, out);
    }
}

/* Puts it where enumeration stopped (pos: clusters walked << 16 | entry index).
 * 1 ready, 0 the directory ended meanwhile, or an error. */
static int iter_seek(struct fatfs *fs, struct fat32_dir_iter *it, uint32_t start, uint64_t pos)
{
    uint32_t walked = (uint32_t)(pos >> 16), index = (uint32_t)(pos & 0xFFFF);
    uint32_t per_cluster = fs->vol.sectors_per_cluster * (fs->vol.bytes_per_sector / 32);
    int rc = fat32_dir_open(&fs->vol, it, start);

    if (rc)
        return rc;
    if (walked == 0 || walked > fs->vol.cluster_count || index > per_cluster)
        return K_EINVAL;
    for (uint32_t i = 1; i < walked; i++) {
        uint32_t next;
        rc = fat32_fat_get(&fs->vol, it->cluster, &next);
        if (rc)
            return rc;
        if (next >= FAT32_EOC_MIN)
            return 0;
        if (next < 2 || next > fs->vol.cluster_count + 1)
            return K_EINVAL;
        it->cluster = next;
    }
    it->walked = walked;
    it->index = index;
    return 1;
}

static int fat_enumerate(struct vfs_mount *m, struct vfs_node *dir, uint64_t *cookie,
                         struct vfs_dirent *out)
{
    struct fatfs *fs = fs_of(m);
    struct fnode *d = fn(dir);
    int dir_index = overlay_dir(fs, d);
    bool overlay = dir_index >= 0;

    while (overlay && *cookie < fs->overlay_count && fs->overlay_of[*cookie] != dir_index)
        (*cookie)++; /* another directory's static file */
    if (overlay && *cookie < fs->overlay_count) {
        const struct fat32_vfs_static *s = &fs->overlay[*cookie];
        size_t n = 0;
        while (s->name[n] && n < VFS_NAME_MAX) {
            out->name[n] = (uint8_t)s->name[n];
            n++;
        }
        out->name_len = (uint32_t)n;
        out->short_name[0] = '\0';
        stat_static(fs, (int)*cookie, &out->st);
        (*cookie)++;
        return 1;
    }
    struct fat32_dir_iter *it = kmalloc(sizeof *it);
    struct fat32_dirent *e = kmalloc(sizeof *e);
    int rc;
    if (!it || !e) {
        rc = K_ENOMEM;
        goto out;
    }
    if (*cookie >= DISK_COOKIE)
        rc = iter_seek(fs, it, dir_cluster(fs, d), *cookie - DISK_COOKIE);
    else
        rc = fat32_dir_open(&fs->vol, it, dir_cluster(fs, d)) == 0 ? 1 : K_EINVAL;
    while (rc == 1) {
        rc = fat32_dir_next(&fs->vol, it, e);
        if (rc != 1)
            break;
        *cookie = DISK_COOKIE + ((uint64_t)it->walked << 16 | it->index);
        if (overlay && static_find_in(fs, dir_index, e->name, e->name_len) >= 0)
            continue;
        /* The fields a file system owns, each written (name_at is the vfs's). */
        memcpy(out->name, e->name, e->name_len * sizeof e->name[0]);
        out->name_len = e->name_len;
        if (e->slots > 1)
            memcpy(out->short_name, e->short_name, sizeof out->short_name);
        else
            out->short_name[0] = '\0';
        stat_entry(fs, e, &out->st);
        break;
    }
out:
    kfree(it);
    kfree(e);
    return rc < 0 ? map_err(rc) : rc;
}

static int sync_volume(struct fatfs *fs)
{
    if (!fs->dev.write)
        return 0;
    int rc = fat32_flush(&fs->vol);
    int rc2 = fs->sync ? fs->sync(fs->sync_ctx) : 0;
    return map_err(rc ? rc : rc2);
}

static int fat_flush(struct vfs_mount *m, struct vfs_node *n)
{
    (void)n;
    return sync_volume(fs_of(m));
}

static int fat_set_info(struct vfs_mount *m, struct vfs_node *vn, uint32_t attributes,
                        const int64_t times[4])
{
    struct fatfs *fs = fs_of(m);
    struct fnode *n = fn(vn);

    if (n->static_index >= 0)
        return K_EACCES;
    if (n->root)
        return 0; /* FAT's root has no entry to hold them */
    int rc = 0;
    if (attributes)
        rc = fat32_set_attr(&fs->vol, &n->ent, (uint8_t)(attributes & ATTR_SETTABLE));
    if (!rc && (times[0] || times[1] || times[2])) {
        rc = fat32_set_times(&fs->vol, &n->ent, (uint64_t)times[0], (uint64_t)times[1],
                             (uint64_t)times[2]);
        if (rc == K_ERANGE)
            return K_EINVAL; /* a time FAT cannot hold */
    }
    return map_err(rc);
}

/* The BPB's label and serial; space in clusters (the free count as the core keeps it:
 * counted once when FSInfo's was not believable). */
static int fat_volume(struct vfs_mount *m, struct vfs_volume *out)
{
    struct fatfs *fs = fs_of(m);
    uint32_t free;
    int rc = fat32_count_free(&fs->vol, &free);

    if (rc)
        return map_err(rc);
    out->total_units = fs->vol.cluster_count;
    out->free_units = free;
    out->unit_bytes = fs->vol.sectors_per_cluster * fs->vol.bytes_per_sector;
    out->serial = fs->vol.serial;
    for (size_t i = 0; fs->vol.label[i] && i < VFS_LABEL_MAX; i++)
        out->label[out->label_len++] = (uint8_t)fs->vol.label[i];
    memcpy(out->fs_name, "FAT32", 6);
    return 0;
}

static void fat_put(struct vfs_mount *m, struct vfs_node *n)
{
    if (!fn(n)->root)
        node_free(fs_of(m), fn(n));
}

static const struct vfs_fs_ops fat32_ops = {
    .lookup = fat_lookup,
    .create = fat_create,
    .read = fat_read,
    .write = fat_write,
    .truncate = fat_truncate,
    .rename = fat_rename,
    .remove = fat_remove,
    .enumerate = fat_enumerate,
    .flush = fat_flush,
    .set_info = fat_set_info,
    .stat = fat_stat,
    .volume = fat_volume,
    .put = fat_put,
};

/* Every entry of the directory at cluster can be read (the walk is bounded by the
 * core): a hostile root is refused at mount, not at the first listing. */
static int check_dir(struct fatfs *fs, uint32_t cluster)
{
    struct fat32_dir_iter *it = kmalloc(sizeof *it);
    struct fat32_dirent *e = kmalloc(sizeof *e);
    int rc = K_ENOMEM;

    if (it && e) {
        rc = fat32_dir_open(&fs->vol, it, cluster);
        while (rc == 0 && (rc = fat32_dir_next(&fs->vol, it, e)) == 1)
            rc = 0;
    }
    kfree(it);
    kfree(e);
    return rc;
}

/* Finds (or, when writable, creates) the overlay directory; 0 when it cannot be had. */
static uint32_t find_overlay(struct fatfs *fs, const char *path, bool writable)
{
    struct fat32_dirent *e = kmalloc(sizeof *e);
    uint32_t cluster = fs->vol.root_cluster;
    uint16_t w[FAT32_MAX_NAME];

    if (!e)
        return 0;
    while (*path && cluster) {
        uint32_t n = 0;
        while (path[n] && path[n] != '\\' && n < FAT32_MAX_NAME) {
            w[n] = (uint8_t)path[n];
            n++;
        }
        int rc = fat32_lookup(&fs->vol, cluster, w, n, e);
        if (rc == K_ENOENT && writable)
            rc = fat32_create(&fs->vol, cluster, w, n, FAT32_ATTR_DIRECTORY, e);
        cluster = (rc == 0 && (e->attr & FAT32_ATTR_DIRECTORY)) ? e->first_cluster : 0;
        path += n;
        if (*path == '\\')
            path++;
    }
    kfree(e);
    return cluster;
}

/* Each static file's overlay directory (found or made), at most FAT32_VFS_MAX_OVERLAYS;
 * a file whose directory cannot be had gets the index of none (it is not shown). */
static void find_overlays(struct fatfs *fs, bool writable)
{
    const char *dirs[FAT32_VFS_MAX_OVERLAYS];
    int ndirs = 0;

    for (size_t i = 0; i < fs->overlay_count; i++) {
        const char *dir = fs->overlay[i].dir;
        int k = 0;
        while (k < ndirs && strcasecmp(dirs[k], dir) != 0)
            k++;
        if (k == ndirs && ndirs < FAT32_VFS_MAX_OVERLAYS) {
            dirs[ndirs] = dir;
            fs->overlay_cluster[ndirs++] = find_overlay(fs, dir, writable);
        }
        fs->overlay_of[i] = (uint8_t)(k < ndirs && fs->overlay_cluster[k] ? k : 0xff);
    }
}

int fat32_vfs_mount(uint16_t letter, const struct fat32_blkdev *dev, bool read_only,
                    int (*sync)(void *ctx), void *sync_ctx,
                    const struct fat32_vfs_static *overlay, size_t overlay_count)
{
    struct fatfs *fs = kcalloc(1, sizeof *fs);

    if (!fs)
        return K_ENOMEM;
    fs->overlay_of = kmalloc(overlay_count ? overlay_count : 1);
    if (!fs->overlay_of) {
        kfree(fs);
        return K_ENOMEM;
    }
    fs->dev = *dev;
    if (read_only)
        fs->dev.write = NULL;
    fs->sync = sync;
    fs->sync_ctx = sync_ctx;
    int rc = fat32_mount(&fs->vol, &fs->dev);
    if (!rc)
        rc = check_dir(fs, fs->vol.root_cluster);
    if (rc) {
        kfree(fs->overlay_of);
        kfree(fs);
        return rc;
    }
    fs->mount_time = vfs_now();
    fs->overlay = overlay;
    fs->overlay_count = overlay_count;
    find_overlays(fs, !read_only);
    vfs_node_init(&fs->root.vn, NULL, true);
    fs->root.root = true;
    fs->root.static_index = -1;
    rc = vfs_mount(letter, &fat32_ops, fs, &fs->root.vn, read_only);
    if (rc) {
        kfree(fs->overlay_of);
        kfree(fs);
        return rc;
    }
    vfs_lock_acquire();
    fs->next_fs = volumes;
    volumes = fs;
    vfs_lock_release();
    return 0;
}

int fat32_vfs_sync_all(void)
{
    int first = 0;

    vfs_lock_acquire();
    for (struct fatfs *fs = volumes; fs; fs = fs->next_fs) {
        int rc = sync_volume(fs);
        if (rc && !first)
            first = rc;
    }
    vfs_lock_release();
    return first;
}
