/*
 * A FAT32 volume as a file system of the vfs: the operations table over the FAT32 core
 * (one node per open entry, found again by where its entry lives), plus read-only
 * overlays of static files (the boot modules) in a few directories of the volume, so
 * C:\Windows\System32 (and C:\DIR for a module named DIR/NAME) shows the running
 * system's programs and DLLs whatever the disk holds under those names.
 */
#ifndef FS_FAT32_VFS_H
#define FS_FAT32_VFS_H

#include <fs/fat32.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A static file of an overlay: read-only and system, zero-copy. */
struct fat32_vfs_static {
    const char *name; /* ASCII */
    const uint8_t *data;
    size_t size;
    const char *dir;  /* its directory: ASCII path below the root, components separated
                         by '\\', e.g. "Windows\\System32" */
};

#define FAT32_VFS_MAX_OVERLAYS 8 /* directories with static files; files of more are left out */

/*
 * Mounts the FAT32 volume on dev at letter. sync (may be NULL) writes everything the
 * device layer caches and is called by the flush operation after the core's own flush.
 * overlay: the static files, each shown in its directory (created on a writable volume
 * when missing; a directory that cannot be had shows none). Returns 0, K_EINVAL (the core refused the volume), K_EIO, K_ENOMEM or
 * K_EEXIST (letter taken). Boot, thread context; takes the vfs lock.
 */
int fat32_vfs_mount(uint16_t letter, const struct fat32_blkdev *dev, bool read_only,
                    int (*sync)(void *ctx), void *sync_ctx,
                    const struct fat32_vfs_static *overlay, size_t overlay_count);

/* Writes FSInfo and calls sync for every mounted FAT32 volume (shutdown). Takes the vfs
 * lock. Returns 0 or the first error. */
int fat32_vfs_sync_all(void);

#endif
