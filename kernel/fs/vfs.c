/*
 * The file-system layer's core: mounts, path walks, opens with NT's dispositions, share
 * modes and delete-pending, and the per-handle operations. Every entry point takes the
 * vfs lock once, validates, then acts; allocations that an open needs are made before
 * the first change, so a failure leaves nothing half done. No user memory and no
 * process state here: the system-call layer copies and the glue supplies lock and clock.
 */
#include <abi/file.h>
#include <fs/path.h>
#include <fs/vfs.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/kheap.h>

#define ATTR_SETTABLE                                                                         \
    (DORMER_FILE_ATTRIBUTE_READONLY | DORMER_FILE_ATTRIBUTE_HIDDEN |                          \
     DORMER_FILE_ATTRIBUTE_SYSTEM | DORMER_FILE_ATTRIBUTE_ARCHIVE)
#define ACCESS_READ  (DORMER_FILE_READ_DATA | DORMER_FILE_EXECUTE)
#define ACCESS_WRITE (DORMER_FILE_WRITE_DATA | DORMER_FILE_APPEND_DATA)
#define ACCESS_ALL                                                                            \
    (ACCESS_READ | ACCESS_WRITE | DORMER_FILE_READ_ATTRIBUTES |                               \
     DORMER_FILE_WRITE_ATTRIBUTES | DORMER_DELETE)

static struct vfs_mount mounts[26]; /* protected by the vfs lock */

int vfs_mount(uint16_t letter, const struct vfs_fs_ops *ops, void *fs, struct vfs_node *root,
              bool read_only)
{
    letter = path_fold(letter);
    if (letter < 'A' || letter > 'Z' || !ops || !root)
        return K_EINVAL;
    int rc = 0;
    vfs_lock_acquire();
    struct vfs_mount *m = &mounts[letter - 'A'];
    if (m->ops) {
        rc = K_EEXIST;
    } else {
        *m = (struct vfs_mount){ .letter = letter, .ops = ops, .fs = fs, .root = root,
                                 .read_only = read_only };
        root->mount = m;
        root->refs++; /* the mount's own reference: a root is never put */
    }
    vfs_lock_release();
    return rc;
}

void vfs_node_init(struct vfs_node *n, struct vfs_mount *m, bool directory)
{
    memset(n, 0, sizeof *n);
    n->mount = m;
    n->directory = directory;
}

static struct vfs_mount *mount_for(uint16_t letter)
{
    letter = path_fold(letter);
    if (letter < 'A' || letter > 'Z' || !mounts[letter - 'A'].ops)
        return NULL;
    return &mounts[letter - 'A'];
}

static struct vfs_node *hold(struct vfs_node *n)
{
    n->refs++;
    return n;
}

static void put(struct vfs_node *n)
{
    if (--n->refs == 0)
        n->mount->ops->put(n->mount, n);
}

/* Lookup with a reference for the caller. */
static int lookup_held(struct vfs_mount *m, struct vfs_node *dir, const uint16_t *name,
                       size_t len, struct vfs_node **out)
{
    int rc = m->ops->lookup(m, dir, name, len, out);
    if (rc == 0)
        hold(*out);
    return rc;
}

/*
 * Walks the directories of path (normalized) down to the last component's parent:
 * *parent referenced, *name the last component (empty for the root, whose parent is
 * then the root itself). Missing or non-directory components: K_ENOPATH.
 */
static int walk_parent(const uint16_t *path, size_t len, struct vfs_mount **mp,
                       struct vfs_node **parent, const uint16_t **name, size_t *name_len)
{
    struct vfs_mount *m = len >= 3 ? mount_for(path[0]) : NULL;
    const uint16_t *c;
    size_t clen, pos = 0;

    if (!m)
        return K_ENOPATH;
    size_t plen = path_split_last(path, len, name, name_len);
    struct vfs_node *dir = hold(m->root);
    while (path_next_component(path, plen, &pos, &c, &clen)) {
        struct vfs_node *next;
        int rc = lookup_held(m, dir, c, clen, &next);
        put(dir);
        if (rc == 0 && !next->directory) {
            put(next);
            rc = K_ENOENT;
        }
        if (rc)
            return rc == K_ENOENT ? K_ENOPATH : rc;
        dir = next;
    }
    *mp = m;
    *parent = dir;
    return 0;
}

/* The node at path (referenced), K_ENOENT for a missing last component. */
static int walk(const uint16_t *path, size_t len, struct vfs_node **out)
{
    struct vfs_mount *m;
    struct vfs_node *dir;
    const uint16_t *name;
    size_t name_len;
    int rc = walk_parent(path, len, &m, &dir, &name, &name_len);

    if (rc)
        return rc;
    if (name_len == 0) {
        *out = dir;
        return 0;
    }
    rc = lookup_held(m, dir, name, name_len, out);
    put(dir);
    return rc;
}

static uint32_t map_access(uint32_t a)
{
    uint32_t r = a & ACCESS_ALL;

    if (a & DORMER_GENERIC_READ)
        r |= DORMER_FILE_READ_DATA | DORMER_FILE_READ_ATTRIBUTES;
    if (a & DORMER_GENERIC_WRITE)
        r |= ACCESS_WRITE | DORMER_FILE_WRITE_ATTRIBUTES;
    if (a & DORMER_GENERIC_EXECUTE)
        r |= DORMER_FILE_EXECUTE | DORMER_FILE_READ_ATTRIBUTES;
    if (a & DORMER_GENERIC_ALL)
        r |= ACCESS_ALL;
    return r;
}

/* NT's share check: every data open so far must allow this access, and this open
 * must allow every access they hold. Opens with no data access take no part. */
static bool share_ok(const struct vfs_node *n, uint32_t access, uint32_t share)
{
    bool r = access & ACCESS_READ, w = access & ACCESS_WRITE, d = access & DORMER_DELETE;

    if (!r && !w && !d)
        return true;
    if ((r && n->share_read < n->data_opens) || (w && n->share_write < n->data_opens) ||
        (d && n->share_delete < n->data_opens))
        return false;
    return !((!(share & DORMER_FILE_SHARE_READ) && n->readers) ||
             (!(share & DORMER_FILE_SHARE_WRITE) && n->writers) ||
             (!(share & DORMER_FILE_SHARE_DELETE) && n->deleters));
}

static void share_count(struct vfs_node *n, uint32_t access, uint32_t share, int by)
{
    n->data_opens += by;
    n->readers += (access & ACCESS_READ) ? by : 0;
    n->writers += (access & ACCESS_WRITE) ? by : 0;
    n->deleters += (access & DORMER_DELETE) ? by : 0;
    n->share_read += (share & DORMER_FILE_SHARE_READ) ? by : 0;
    n->share_write += (share & DORMER_FILE_SHARE_WRITE) ? by : 0;
    n->share_delete += (share & DORMER_FILE_SHARE_DELETE) ? by : 0;
}

static uint32_t attributes_of(struct vfs_node *n)
{
    struct vfs_stat st;
    n->mount->ops->stat(n->mount, n, &st);
    return st.attributes;
}

static bool read_only_file(struct vfs_node *n)
{
    return !n->directory && (attributes_of(n) & DORMER_FILE_ATTRIBUTE_READONLY);
}

static int check_open_args(const struct vfs_open_args *a)
{
    uint32_t dirs = DORMER_FILE_DIRECTORY_FILE | DORMER_FILE_NON_DIRECTORY_FILE;

    if (a->disposition > DORMER_FILE_OVERWRITE_IF || a->share & ~7u ||
        (a->options & dirs) == dirs)
        return K_EINVAL;
    if ((a->options & DORMER_FILE_DELETE_ON_CLOSE) && !(map_access(a->access) & DORMER_DELETE))
        return K_EINVAL;
    if ((a->options & DORMER_FILE_DIRECTORY_FILE) && a->disposition != DORMER_FILE_OPEN &&
        a->disposition != DORMER_FILE_CREATE && a->disposition != DORMER_FILE_OPEN_IF)
        return K_EINVAL;
    return 0;
}

static bool dir_empty(struct vfs_node *n)
{
    struct vfs_dirent *e = kmalloc(sizeof *e);
    uint64_t cookie = 0;

    if (!e)
        return false; /* treated as "not empty": the delete is refused, nothing lost */
    bool empty = n->mount->ops->enumerate(n->mount, n, &cookie, e) == 0;
    kfree(e);
    return empty;
}

/* Opening an existing node: NT's checks, then the overwrite. */
static int open_existing(struct vfs_node *n, const struct vfs_open_args *a, uint32_t access,
                         bool dir_only, uint32_t *action)
{
    struct vfs_mount *m = n->mount;
    uint32_t d = a->disposition;
    bool overwrite = d == DORMER_FILE_SUPERSEDE || d == DORMER_FILE_OVERWRITE ||
                     d == DORMER_FILE_OVERWRITE_IF;

    if (d == DORMER_FILE_CREATE)
        return K_ECOLLIDE;
    if (n->delete_pending)
        return K_EDELPEND;
    if (n->directory) {
        if (a->options & DORMER_FILE_NON_DIRECTORY_FILE || overwrite ||
            (!(a->options & DORMER_FILE_DIRECTORY_FILE) && (access & ACCESS_WRITE)))
            return K_EISDIR;
    } else {
        if (a->options & DORMER_FILE_DIRECTORY_FILE)
            return K_ENOTDIR;
        if (dir_only)
            return K_EBADNAME; /* "file.txt\" */
    }
    if (read_only_file(n)) {
        if ((access & ACCESS_WRITE) || overwrite)
            return K_EACCES;
        if (a->options & DORMER_FILE_DELETE_ON_CLOSE)
            return K_ENODEL;
    }
    /* As NT's FAT driver: a delete-on-close open of a directory that cannot go fails
     * now, not silently at the close. */
    if ((a->options & DORMER_FILE_DELETE_ON_CLOSE) && n == m->root)
        return K_ENODEL;
    if ((a->options & DORMER_FILE_DELETE_ON_CLOSE) && n->directory && !dir_empty(n))
        return K_ENOTEMPTY;
    if (m->read_only && ((access & (ACCESS_WRITE | DORMER_DELETE)) || overwrite))
        return K_EROFS;
    if (!share_ok(n, overwrite ? access | DORMER_FILE_WRITE_DATA : access, a->share))
        return K_ESHARE;
    *action = DORMER_FILE_OPENED;
    if (overwrite) {
        int rc = m->ops->truncate(m, n, 0);
        if (rc == 0) {
            uint32_t attrs = (a->attributes & ATTR_SETTABLE) | DORMER_FILE_ATTRIBUTE_ARCHIVE;
            int64_t keep[4] = { 0, 0, 0, 0 };
            rc = m->ops->set_info(m, n, attrs, keep);
        }
        if (rc)
            return rc;
        *action = d == DORMER_FILE_SUPERSEDE ? DORMER_FILE_SUPERSEDED : DORMER_FILE_OVERWRITTEN;
    }
    return 0;
}

/* The node for an open: found, or created per the disposition; referenced. */
static int open_node(const uint16_t *path, size_t len, bool dir_only,
                     const struct vfs_open_args *a, uint32_t access, struct vfs_node **out,
                     uint32_t *action)
{
    struct vfs_mount *m;
    struct vfs_node *dir, *n;
    const uint16_t *name;
    size_t name_len;
    int rc = walk_parent(path, len, &m, &dir, &name, &name_len);

    if (rc)
        return rc;
    if (name_len == 0) {
        n = dir; /* the root */
        rc = 0;
    } else {
        rc = lookup_held(m, dir, name, name_len, &n);
    }
    if (rc == 0) {
        if (n != dir)
            put(dir);
        rc = open_existing(n, a, access, dir_only, action);
        if (rc) {
            put(n);
            return rc;
        }
        *out = n;
        return 0;
    }
    if (rc == K_ENOENT && a->disposition != DORMER_FILE_OPEN &&
        a->disposition != DORMER_FILE_OVERWRITE) {
        bool is_dir = a->options & DORMER_FILE_DIRECTORY_FILE;
        uint32_t attrs = (a->attributes & ATTR_SETTABLE) |
                         (is_dir ? 0 : DORMER_FILE_ATTRIBUTE_ARCHIVE);
        if (dir->delete_pending)
            rc = K_EDELPEND;
        else if (m->read_only)
            rc = K_EROFS;
        else if (dir_only && !is_dir)
            rc = K_EBADNAME;
        else
            rc = m->ops->create(m, dir, name, name_len, attrs, is_dir, &n);
        if (rc == 0) {
            *out = hold(n);
            *action = DORMER_FILE_CREATED;
        }
    }
    put(dir);
    return rc;
}

int vfs_open(const uint16_t *path, size_t len, bool dir_only, const struct vfs_open_args *a,
             struct vfs_file **out, uint32_t *action)
{
    int rc = check_open_args(a);
    if (rc)
        return rc;
    struct vfs_file *f = kcalloc(1, sizeof *f);
    uint16_t *copy = kmalloc((len + 1) * sizeof *copy);
    if (!f || !copy) {
        kfree(f);
        kfree(copy);
        return K_ENOMEM;
    }
    memcpy(copy, path, len * sizeof *copy);
    copy[len] = 0;
    f->access = map_access(a->access);
    f->share = a->share;
    f->options = a->options;
    f->counted = f->access & (ACCESS_READ | ACCESS_WRITE | DORMER_DELETE);

    vfs_lock_acquire();
    rc = open_node(path, len, dir_only, a, f->access, &f->node, action);
    if (rc == 0) {
        if (f->node->opens++ == 0) {
            f->node->path = copy; /* the node's name while it is open */
            f->node->path_len = (uint32_t)len;
            copy = NULL;
        }
        if (f->counted)
            share_count(f->node, f->access, f->share, 1);
    }
    vfs_lock_release();
    kfree(copy);
    if (rc) {
        kfree(f);
        return rc;
    }
    *out = f;
    return 0;
}

void vfs_close(struct vfs_file *f)
{
    struct vfs_node *n = f->node;
    struct vfs_mount *m = n->mount;

    vfs_lock_acquire();
    if (f->counted)
        share_count(n, f->access, f->share, -1);
    if (f->options & DORMER_FILE_DELETE_ON_CLOSE)
        n->delete_pending = true;
    uint16_t *path = NULL;
    if (--n->opens == 0) {
        path = n->path;
        n->path = NULL;
        if (n->delete_pending) {
            n->delete_pending = false;
            m->ops->remove(m, n); /* a directory filled meanwhile stays */
        }
    }
    put(n);
    vfs_lock_release();
    kfree(path);
    kfree(f);
}

static uint64_t size_of(struct vfs_node *n)
{
    struct vfs_stat st;
    n->mount->ops->stat(n->mount, n, &st);
    return st.size;
}

/* Where a transfer starts: an append-only handle and VFS_AT_END write at the end. */
static uint64_t start_of(struct vfs_file *f, bool write, enum vfs_at at, uint64_t off)
{
    bool append_only = write && (f->access & DORMER_FILE_APPEND_DATA) &&
                       !(f->access & DORMER_FILE_WRITE_DATA);

    if (append_only || at == VFS_AT_END)
        return size_of(f->node);
    return at == VFS_AT_OFFSET ? off : f->position;
}

/* One read (wbuf NULL) or write (rbuf NULL) with its access checks. */
static int data_io(struct vfs_file *f, enum vfs_at at, uint64_t off, void *rbuf,
                   const void *wbuf, size_t len, size_t *done)
{
    struct vfs_node *n = f->node;
    struct vfs_mount *m = n->mount;
    bool write = wbuf != NULL;
    int rc;

    *done = 0;
    vfs_lock_acquire();
    uint64_t start = start_of(f, write, at, off);
    if (!(f->access & (write ? ACCESS_WRITE : DORMER_FILE_READ_DATA)))
        rc = K_EACCES;
    else if (n->directory)
        rc = K_EISDIR;
    else if (start + len < start || start + len > INT64_MAX)
        rc = K_EINVAL;
    else if (!write && at == VFS_AT_OFFSET && len > 0 && start >= size_of(n))
        rc = K_EEOF;
    else if (write)
        rc = m->ops->write(m, n, start, wbuf, len, done);
    else
        rc = m->ops->read(m, n, start, rbuf, len, done);
    if (rc == 0)
        f->position = start + *done;
    vfs_lock_release();
    return rc;
}

int vfs_read(struct vfs_file *f, enum vfs_at at, uint64_t off, void *buf, size_t len,
             size_t *done)
{
    return data_io(f, at, off, buf, NULL, len, done);
}

int vfs_write(struct vfs_file *f, enum vfs_at at, uint64_t off, const void *buf, size_t len,
              size_t *done)
{
    static const uint8_t none;

    return data_io(f, at, off, NULL, buf ? buf : &none, len, done);
}

int vfs_stat_file(struct vfs_file *f, struct vfs_stat *out)
{
    vfs_lock_acquire();
    f->node->mount->ops->stat(f->node->mount, f->node, out);
    vfs_lock_release();
    return 0;
}

int vfs_query_standard(struct vfs_file *f, struct vfs_stat *st, bool *delete_pending)
{
    vfs_lock_acquire();
    f->node->mount->ops->stat(f->node->mount, f->node, st);
    *delete_pending = f->node->delete_pending ||
                      (f->options & DORMER_FILE_DELETE_ON_CLOSE);
    vfs_lock_release();
    return 0;
}

int vfs_query_name(struct vfs_file *f, uint16_t *buf, size_t cap, size_t *chars)
{
    vfs_lock_acquire();
    size_t n = f->node->path_len;
    memcpy(buf, f->node->path, (n < cap ? n : cap) * sizeof *buf);
    vfs_lock_release();
    *chars = n;
    return n <= cap ? 0 : K_ERANGE;
}

uint64_t vfs_get_position(struct vfs_file *f)
{
    vfs_lock_acquire();
    uint64_t pos = f->position;
    vfs_lock_release();
    return pos;
}

void vfs_set_position(struct vfs_file *f, uint64_t pos)
{
    vfs_lock_acquire();
    f->position = pos;
    vfs_lock_release();
}

int vfs_set_basic(struct vfs_file *f, uint32_t attributes, const int64_t times[4])
{
    struct vfs_node *n = f->node;
    int64_t t[4];
    int rc;

    for (int i = 0; i < 4; i++) {
        if (times[i] < -1)
            return K_EINVAL;
        t[i] = times[i] == -1 ? 0 : times[i];
    }
    /* Bits RAM C:\ cannot hold (temporary, not-indexed, ...) are dropped, as FAT drops
     * them; a request of only such bits clears the others, as NORMAL does. */
    if (attributes && !(attributes & ATTR_SETTABLE))
        attributes = DORMER_FILE_ATTRIBUTE_NORMAL;
    else
        attributes &= ATTR_SETTABLE;
    vfs_lock_acquire();
    if (!(f->access & DORMER_FILE_WRITE_ATTRIBUTES))
        rc = K_EACCES;
    else if (n->mount->read_only)
        rc = K_EROFS;
    else
        rc = n->mount->ops->set_info(n->mount, n, attributes, t);
    vfs_lock_release();
    return rc;
}

int vfs_set_end_of_file(struct vfs_file *f, uint64_t size)
{
    struct vfs_node *n = f->node;
    int rc;

    if (size > INT64_MAX)
        return K_EINVAL;
    vfs_lock_acquire();
    if (!(f->access & DORMER_FILE_WRITE_DATA))
        rc = K_EACCES;
    else if (n->directory)
        rc = K_EISDIR;
    else
        rc = n->mount->ops->truncate(n->mount, n, size);
    vfs_lock_release();
    return rc;
}

int vfs_set_disposition(struct vfs_file *f, bool delete_file)
{
    struct vfs_node *n = f->node;
    int rc = 0;

    vfs_lock_acquire();
    if (!(f->access & DORMER_DELETE))
        rc = K_EACCES;
    else if (delete_file && (n == n->mount->root || read_only_file(n)))
        rc = K_ENODEL;
    else if (delete_file && n->mount->read_only)
        rc = K_EROFS;
    else if (delete_file && n->directory && !dir_empty(n))
        rc = K_ENOTEMPTY;
    else
        n->delete_pending = delete_file;
    vfs_lock_release();
    return rc;
}

static int rename_locked(struct vfs_file *f, const uint16_t *path, size_t len, bool replace)
{
    struct vfs_node *n = f->node, *dir, *target = NULL;
    struct vfs_mount *m;
    const uint16_t *name;
    size_t name_len;

    if (!(f->access & DORMER_DELETE) || n == n->mount->root)
        return K_EACCES;
    if (path_fold(path[0]) != n->mount->letter)
        return K_EXDEV;
    if (n->mount->read_only)
        return K_EROFS;
    int rc = walk_parent(path, len, &m, &dir, &name, &name_len);
    if (rc)
        return rc;
    if (name_len == 0 || dir->delete_pending) {
        int why = name_len == 0 ? K_EACCES : K_EDELPEND; /* onto the root; a dying dir */
        put(dir);
        return why;
    }
    rc = lookup_held(m, dir, name, name_len, &target);
    if (rc == 0 && target != n) {
        if (!replace)
            rc = K_ECOLLIDE;
        else if (target->directory || target->opens > 0 || read_only_file(target))
            rc = K_EACCES;
    } else if (rc == K_ENOENT) {
        rc = 0;
        target = NULL;
    }
    if (rc == 0)
        rc = m->ops->rename(m, n, dir, name, name_len, replace && target && target != n);
    if (target)
        put(target);
    put(dir);
    return rc;
}

int vfs_rename(struct vfs_file *f, const uint16_t *path, size_t len, bool replace)
{
    uint16_t *copy = kmalloc((len + 1) * sizeof *copy);

    if (!copy)
        return K_ENOMEM;
    memcpy(copy, path, len * sizeof *copy);
    copy[len] = 0;
    vfs_lock_acquire();
    int rc = len >= 3 ? rename_locked(f, path, len, replace) : K_EBADNAME;
    uint16_t *old = copy;
    if (rc == 0) {
        old = f->node->path;
        f->node->path = copy;
        f->node->path_len = (uint32_t)len;
    }
    vfs_lock_release();
    kfree(old);
    return rc;
}

int vfs_flush(struct vfs_file *f)
{
    struct vfs_node *n = f->node;
    int rc;

    vfs_lock_acquire();
    rc = (f->access & ACCESS_WRITE) ? n->mount->ops->flush(n->mount, n) : K_EACCES;
    vfs_lock_release();
    return rc;
}

int vfs_query_volume(struct vfs_file *f, struct vfs_volume *out)
{
    struct vfs_mount *m = f->node->mount;

    memset(out, 0, sizeof *out);
    vfs_lock_acquire();
    int rc = m->ops->volume(m, out);
    out->read_only = m->read_only;
    vfs_lock_release();
    return rc;
}

static void dot_entry(struct vfs_node *n, size_t dots, struct vfs_dirent *out)
{
    n->mount->ops->stat(n->mount, n, &out->st);
    out->name[0] = out->name[1] = '.';
    out->name_at = out->name;
    out->name_len = (uint32_t)dots;
    out->short_name[0] = '\0';
}

/* The next entry, dots first; 1 or 0 at the end. */
static int next_entry(struct vfs_file *f, struct vfs_dirent *out)
{
    struct vfs_node *n = f->node;

    if (f->enum_stage < 2 && n == n->mount->root)
        f->enum_stage = 2;
    if (f->enum_stage < 2) {
        dot_entry(n, ++f->enum_stage, out);
        return 1;
    }
    out->name_at = out->name; /* unless the file system points at its own */
    return n->mount->ops->enumerate(n->mount, n, &f->enum_cookie, out);
}

int vfs_enumerate_each(struct vfs_file *f, const uint16_t *pattern, size_t plen, bool restart,
                       struct vfs_dirent *e, int (*emit)(void *ctx, const struct vfs_dirent *e),
                       void *ctx)
{
    int rc, count = 0;

    vfs_lock_acquire();
    if (!f->node->directory) {
        rc = K_ENOTDIR;
        goto out;
    }
    if (!(f->access & DORMER_FILE_READ_DATA)) {
        rc = K_EACCES;
        goto out;
    }
    if (restart) {
        f->enum_cookie = 0;
        f->enum_stage = 0;
        f->enum_found = false;
    }
    bool all = path_match_all(pattern, plen);
    for (;;) {
        uint64_t cookie = f->enum_cookie;
        uint8_t stage = f->enum_stage;
        rc = next_entry(f, e);
        if (rc != 1)
            break;
        if (!all && !path_match(pattern, plen, e->name_at, e->name_len))
            continue;
        int more = emit(ctx, e);
        if (more < 0) { /* no room: the entry stays next */
            f->enum_cookie = cookie;
            f->enum_stage = stage;
            break;
        }
        f->enum_found = true;
        count++;
        if (more == 0)
            break;
    }
    if (count > 0)
        rc = count; /* an error after some entries comes with the next call */
    else if (rc == 1)
        rc = K_ERANGE;
    else if (rc == 0 && !f->enum_found)
        rc = K_ENOENT;
out:
    vfs_lock_release();
    return rc;
}

/* vfs_enumerate's emit: the entry is the caller's (ctx); its name is copied into it
 * while the lock still keeps the file system's copy in place. One is enough. */
static int emit_one(void *ctx, const struct vfs_dirent *e)
{
    struct vfs_dirent *out = ctx;

    if (e->name_at != out->name)
        memcpy(out->name, e->name_at, e->name_len * sizeof out->name[0]);
    out->name_at = out->name;
    return 0;
}

int vfs_enumerate(struct vfs_file *f, const uint16_t *pattern, size_t plen, bool restart,
                  struct vfs_dirent *out)
{
    return vfs_enumerate_each(f, pattern, plen, restart, out, emit_one, out);
}

int vfs_stat_path(const uint16_t *path, size_t len, bool dir_only, struct vfs_stat *out)
{
    struct vfs_node *n;

    vfs_lock_acquire();
    int rc = walk(path, len, &n);
    if (rc == 0) {
        if (n->delete_pending)
            rc = K_EDELPEND;
        else if (dir_only && !n->directory)
            rc = K_EBADNAME;
        else
            n->mount->ops->stat(n->mount, n, out);
        put(n);
    }
    vfs_lock_release();
    return rc;
}

struct vfs_cwd *vfs_cwd_new(const uint16_t *path, size_t len)
{
    struct vfs_cwd *c = kmalloc(sizeof *c + (len + 1) * sizeof c->path[0]);

    if (!c)
        return NULL;
    c->refs = 1;
    c->len = (uint32_t)len;
    memcpy(c->path, path, len * sizeof c->path[0]);
    c->path[len] = 0;
    return c;
}

struct vfs_cwd *vfs_cwd_hold(struct vfs_cwd *c)
{
    if (c)
        __atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
    return c;
}

void vfs_cwd_drop(struct vfs_cwd *c)
{
    if (c && __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) == 0)
        kfree(c);
}
