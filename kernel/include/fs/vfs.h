/*
 * The file-system layer: volumes mounted by drive letter, each reached through one
 * operations table (struct vfs_fs_ops), and open files with NT's semantics (one shared
 * node per file across its opens, share modes, delete-pending, access checks). Paths
 * arrive already normalized by <fs/path.h>. One lock (vfs_lock_acquire) serializes
 * every call into a file system and every node's open state; no user memory is touched
 * under it: callers copy through kernel buffers. Kernel glue (vfs_glue.c) provides the
 * lock, the clock and the boot mounts; host tests provide their own.
 */
#ifndef FS_VFS_H
#define FS_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vfs_mount;

/*
 * What the vfs keeps per file, embedded at the start of each file system's node. A
 * file system must return the same node for the same file while the vfs holds a
 * reference to it (refs > 0), so share modes and delete-pending are per file.
 */
struct vfs_node {
    struct vfs_mount *mount;
    bool directory;
    /* protected by the vfs lock */
    uint32_t refs;         /* the vfs's references: walks in progress and opens */
    uint32_t opens;        /* open files on it */
    uint32_t data_opens;   /* opens with read, write or delete access: share checks */
    uint32_t readers, writers, deleters;        /* of those, with each access */
    uint32_t share_read, share_write, share_delete; /* of those, allowing each */
    bool delete_pending;   /* removed when the last open closes */
    uint16_t *path;        /* while open: the full path (first open's, then renames') */
    uint32_t path_len;
};

/* Times are FILETIME (100 ns since 1601 UTC); attributes Windows FILE_ATTRIBUTE_*. */
struct vfs_stat {
    uint64_t size, allocation;
    uint32_t attributes; /* DIRECTORY set for directories */
    int64_t creation, last_access, last_write, change;
};

#define VFS_NAME_MAX 255

/* What a volume says of itself (vfs_query_volume). Space is in allocation units. */
#define VFS_LABEL_MAX 32
struct vfs_volume {
    uint64_t total_units, free_units;
    uint32_t unit_bytes;   /* bytes per allocation unit, a multiple of 512 */
    uint32_t serial;
    uint16_t label[VFS_LABEL_MAX];
    uint32_t label_len;
    char fs_name[16];      /* NUL-terminated: "FAT32", "RAMFS" */
    bool in_memory;        /* a RAM volume (Windows: a virtual disk) */
    bool read_only;        /* set by the vfs from the mount */
};

struct vfs_dirent {
    uint16_t name[VFS_NAME_MAX + 1];
    /* The name: `name` itself, or (a listing's emit callback only, under the vfs lock)
     * the file system's own copy, which it need not copy for every entry listed.
     * vfs_enumerate always hands back a dirent whose name_at is name. */
    const uint16_t *name_at;
    uint32_t name_len;
    char short_name[13]; /* 8.3 alias, "" when the file system has none */
    struct vfs_stat st;
};

/*
 * A file system. Every call runs under the vfs lock and gets names that are valid
 * single components (path_name_valid). Returns 0 or a K_E* code. A file system may
 * sleep in them only once the vfs lock is a sleeping lock (see docs/files.md).
 */
struct vfs_fs_ops {
    /* The entry name in directory dir: *out, or K_ENOENT. */
    int (*lookup)(struct vfs_mount *m, struct vfs_node *dir, const uint16_t *name, size_t len,
                  struct vfs_node **out);
    /* A new file (or directory) name in dir with attributes; K_ECOLLIDE if it exists. */
    int (*create)(struct vfs_mount *m, struct vfs_node *dir, const uint16_t *name, size_t len,
                  uint32_t attributes, bool directory, struct vfs_node **out);
    /* Up to len bytes at off; *done short at the end (0 at or past it). */
    int (*read)(struct vfs_mount *m, struct vfs_node *n, uint64_t off, void *buf, size_t len,
                size_t *done);
    /* All len bytes at off (extending, a gap reads as zeros) or an error and *done 0. */
    int (*write)(struct vfs_mount *m, struct vfs_node *n, uint64_t off, const void *buf,
                 size_t len, size_t *done);
    /* New size: shrinking frees, growing adds zeros. */
    int (*truncate)(struct vfs_mount *m, struct vfs_node *n, uint64_t size);
    /* Moves n to name in new_dir of the same volume, replacing an existing file only if
     * replace (the vfs has checked that file is not open and not a directory). */
    int (*rename)(struct vfs_mount *m, struct vfs_node *n, struct vfs_node *new_dir,
                  const uint16_t *name, size_t len, bool replace);
    /* Removes n's name now (the node lives on while referenced); K_ENOTEMPTY. */
    int (*remove)(struct vfs_mount *m, struct vfs_node *n);
    /* The entry after *cookie (0: the first) in dir: 1 with *out and *cookie moved,
     * 0 at the end. Entries created or removed meanwhile are seen or not, never twice.
     * The same *cookie must give the same entry again (the vfs steps back by restoring
     * a cookie). *out need not be cleared first: the file system sets name, name_len,
     * short_name (NUL-terminated) and st, and nothing else, except that instead of
     * filling name it may point name_at at its own copy (valid under the vfs lock); the
     * vfs sets name_at to name before the call. The rest of name is undefined. */
    int (*enumerate)(struct vfs_mount *m, struct vfs_node *dir, uint64_t *cookie,
                     struct vfs_dirent *out);
    int (*flush)(struct vfs_mount *m, struct vfs_node *n);
    /* attributes (0: unchanged) and the four times (0: unchanged). */
    int (*set_info)(struct vfs_mount *m, struct vfs_node *n, uint32_t attributes,
                    const int64_t times[4]);
    void (*stat)(struct vfs_mount *m, struct vfs_node *n, struct vfs_stat *out);
    /* The volume's label, serial, size and free space (out is zeroed first). May scan
     * the volume once to count free space. */
    int (*volume)(struct vfs_mount *m, struct vfs_volume *out);
    /* The vfs dropped its last reference (refs 0): the file system may forget n. */
    void (*put)(struct vfs_mount *m, struct vfs_node *n);
};

struct vfs_mount {
    uint16_t letter; /* 'A'..'Z' */
    const struct vfs_fs_ops *ops;
    void *fs;
    struct vfs_node *root;
    bool read_only;
};

/* An open file: what a handle names (shared by duplicated handles). */
struct vfs_file {
    struct vfs_node *node;
    uint32_t access;   /* specific rights, generic ones mapped */
    uint32_t share;
    uint32_t options;
    bool counted;      /* part of node's share state */
    /* protected by the vfs lock */
    uint64_t position;
    uint64_t enum_cookie;
    uint8_t enum_stage; /* 0 ".", 1 "..", 2 the file system's entries */
    bool enum_found;   /* an entry was returned since the enumeration (re)started */
};

/* ---- Provided by the glue (kernel: vfs_glue.c; host tests: their own) ---- */

/* The lock around every call below; not recursive. Thread context. */
void vfs_lock_acquire(void);
void vfs_lock_release(void);
/* The current time as a FILETIME. Any context. */
int64_t vfs_now(void);

/* ---- The layer ----
 * Unless a comment says otherwise, every call below takes the vfs lock itself (the
 * caller holds no lock of the file-system layer), runs in thread context, never touches
 * user memory, and returns 0 or a negative K_E* code. */

/* Mount a volume at letter (A-Z, either case) with its root node, which the mount keeps
 * referenced for good. K_EEXIST if the letter is taken, K_EINVAL. */
int vfs_mount(uint16_t letter, const struct vfs_fs_ops *ops, void *fs, struct vfs_node *root,
              bool read_only);

/* Set a node's generic part up (file systems call this for each new node). Any
 * context, no lock needed: the node is not yet visible. */
void vfs_node_init(struct vfs_node *n, struct vfs_mount *m, bool directory);

/* DmCreateFile's arguments, in the ABI's values (abi/file.h). */
struct vfs_open_args {
    uint32_t access, share, disposition, options, attributes;
};

/*
 * Opens or creates the file at path (normalized; dir_only: it ended in a separator)
 * with NT's rules. Returns 0 with *out (kmalloc'd; vfs_close frees it) and *action
 * (DORMER_FILE_OPENED ...), or K_EINVAL (bad arguments), K_ENOENT, K_ENOPATH,
 * K_ECOLLIDE, K_ESHARE, K_EACCES, K_EDELPEND, K_EISDIR, K_ENOTDIR, K_ENODEL, K_EBADNAME,
 * K_EROFS, K_ENOMEM. Takes the vfs lock.
 */
int vfs_open(const uint16_t *path, size_t len, bool dir_only, const struct vfs_open_args *a,
             struct vfs_file **out, uint32_t *action);

/* The handle's last reference is gone: drops the open (deleting the file if it was
 * delete-on-close or delete-pending and this was its last open) and frees f. */
void vfs_close(struct vfs_file *f);

/* Where a read or write goes. */
enum vfs_at { VFS_AT_POSITION, VFS_AT_OFFSET, VFS_AT_END };

/*
 * Read up to len bytes into buf (kernel memory) at the position or at off. *done is the
 * count; the position becomes the end of what was read. At or past the end: 0 with
 * *done 0 (VFS_AT_POSITION) or K_EEOF (VFS_AT_OFFSET, len > 0). K_EACCES without read
 * access, K_EISDIR on a directory.
 */
int vfs_read(struct vfs_file *f, enum vfs_at at, uint64_t off, void *buf, size_t len,
             size_t *done);

/* Write len bytes from buf (kernel memory); a handle with append access but not write
 * access always writes at the end. The position becomes the end of what was written. */
int vfs_write(struct vfs_file *f, enum vfs_at at, uint64_t off, const void *buf, size_t len,
              size_t *done);

/* The file's size, attributes and times. Always 0. */
int vfs_stat_file(struct vfs_file *f, struct vfs_stat *out);
/* The same, and whether the file will be deleted at its last close. Always 0. */
int vfs_query_standard(struct vfs_file *f, struct vfs_stat *st, bool *delete_pending);
/* The file's full path into buf (cap units); *chars its length. K_ERANGE (buf filled as
 * far as it goes) when it does not fit. The path is the node's: after a rename through any
 * handle every handle reports the new one (but a rename of a directory above it is not
 * seen). */
int vfs_query_name(struct vfs_file *f, uint16_t *buf, size_t cap, size_t *chars);
/* The open file's position (shared by its duplicated handles), and a new one (any
 * value: reads past the end find nothing, writes there leave a gap). */
uint64_t vfs_get_position(struct vfs_file *f);
void vfs_set_position(struct vfs_file *f, uint64_t pos);

/* attributes 0 and times 0 leave those unchanged; K_EACCES without write-attributes. */
int vfs_set_basic(struct vfs_file *f, uint32_t attributes, const int64_t times[4]);
/* K_EACCES without write access. */
int vfs_set_end_of_file(struct vfs_file *f, uint64_t size);
/* Marks (or unmarks) the file for deletion at its last close: K_EACCES without delete
 * access, K_ENODEL for a read-only file or a root, K_ENOTEMPTY. */
int vfs_set_disposition(struct vfs_file *f, bool delete_file);
/* Renames to path (normalized): K_EACCES without delete access or over an open, read-only
 * file or a directory, K_EXDEV on another drive, K_ECOLLIDE unless replace, K_ENOPATH,
 * K_EINVAL moving a directory into itself. */
int vfs_rename(struct vfs_file *f, const uint16_t *path, size_t len, bool replace);
/* The file system's flush for the file; K_EACCES without write or append access. */
int vfs_flush(struct vfs_file *f);
/* The volume f lives on (any access): 0, or the file system's K_EIO / K_ECORRUPT. */
int vfs_query_volume(struct vfs_file *f, struct vfs_volume *out);

/*
 * The next entry of a directory open as f that matches pattern (plen units, 0 for all),
 * from the start when restart. Non-root directories list "." and ".." first, as NT
 * does. Returns 1 with *out, 0 at the end, K_ENOENT when nothing matched since the
 * start, K_ENOTDIR on a file, K_EACCES without read (list) access.
 */
int vfs_enumerate(struct vfs_file *f, const uint16_t *pattern, size_t plen, bool restart,
                  struct vfs_dirent *out);

/*
 * The same for as many entries as the caller takes, under one taking of the lock: each
 * matching entry is built in *e and passed to emit (called under the vfs lock: it must
 * not sleep or touch user memory), which returns 1 for more, 0 to stop after this one,
 * or -1 when it has no room for it (the entry stays the next one). Returns the number of
 * entries emit took, 0 at the end, K_ERANGE when the first did not fit, or
 * vfs_enumerate's errors.
 */
int vfs_enumerate_each(struct vfs_file *f, const uint16_t *pattern, size_t plen, bool restart,
                       struct vfs_dirent *e, int (*emit)(void *ctx, const struct vfs_dirent *e),
                       void *ctx);

/* The attributes and times of the file at path without opening it (no share check).
 * K_EDELPEND, K_ENOENT, K_ENOPATH. */
int vfs_stat_path(const uint16_t *path, size_t len, bool dir_only, struct vfs_stat *out);

/*
 * A current directory: an immutable, reference-counted normalized path. NULL stands
 * for "C:\". Any context (atomic counts, no lock).
 */
struct vfs_cwd {
    uint32_t refs;
    uint32_t len;
    uint16_t path[];
};
/* A new one with one reference, or NULL when out of memory. */
struct vfs_cwd *vfs_cwd_new(const uint16_t *path, size_t len);
/* Adds a reference (NULL is fine); returns c. */
struct vfs_cwd *vfs_cwd_hold(struct vfs_cwd *c);
void vfs_cwd_drop(struct vfs_cwd *c);

/* Kernel glue: mount C:\ (the first virtio-blk disk's FAT32 volume, else RAM) with the
 * boot files in C:\Windows\System32. Boot, once, after bootfs_init and sched_init.
 * Panics only if the heap is exhausted at boot. */
void fs_init(void);

#endif
