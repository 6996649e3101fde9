/*
 * A writable file system in RAM, behind the vfs's operations table: directories,
 * files of any size in 4 KiB pages (holes read as zeros and take no page), attributes
 * and FILETIME times. It can also hold "static" files whose bytes live elsewhere
 * (the boot modules): zero-copy, read-only, never deleted, renamed or changed.
 */
#ifndef FS_RAMFS_H
#define FS_RAMFS_H

#include <fs/vfs.h>
#include <stddef.h>
#include <stdint.h>

#define RAMFS_PAGE_SIZE 4096u
#define RAMFS_MAX_SIZE  (1ull << 40) /* largest file: K_EFULL past it */
#ifndef RAMFS_MAX_ENTRIES /* (host tests set a small one) */
#define RAMFS_MAX_ENTRIES 65536u     /* per directory (FAT's limit): K_EFULL past it. It
                                        also bounds each call's work under the vfs lock */
#endif

/* Where data pages come from: alloc returns a zeroed RAMFS_PAGE_SIZE page or NULL;
 * available (may be NULL: none) says how many more alloc could give now. */
struct ramfs_page_ops {
    void *(*alloc)(void);
    void (*free)(void *page);
    uint64_t (*available)(void);
};

/* Creates an empty volume and mounts it at letter. Returns 0, K_ENOMEM or vfs_mount's
 * errors. Thread context, vfs lock not held. */
int ramfs_mount(uint16_t letter, const struct ramfs_page_ops *pages);

/*
 * Adds a static file name (a valid component) to the directory dir of a ramfs volume,
 * whose contents are data[0, size) (not copied: they must outlive the volume). It is
 * read-only and system, and writes, deletes, renames and attribute changes on it are
 * K_EACCES. Returns 0, K_ECOLLIDE, K_ENOMEM, K_EINVAL (dir not a ramfs directory).
 * Takes the vfs lock.
 */
int ramfs_add_static(struct vfs_node *dir, const uint16_t *name, size_t len,
                     const uint8_t *data, size_t size);

/* Data pages every ramfs volume holds now (for tests). Takes the vfs lock. */
uint64_t ramfs_pages_in_use(void);

#endif
