/*
 * The boot file system: the programs and DLLs GRUB loaded as multiboot2 modules,
 * each named by its module command line, exposed read-only. Names are matched
 * case-insensitively, as Windows does. A plain name is a file of System32; "DIR/NAME"
 * is a file of C:\DIR, where DIR may have several levels ("posix": a program with its
 * own DLLs beside it; "Windows\System32\drivers\etc": the hosts file). The data stays
 * where GRUB put it (the frame allocator never hands those frames out), reached through
 * the direct map.
 */
#ifndef FS_BOOTFS_H
#define FS_BOOTFS_H

#include <stddef.h>
#include <stdint.h>

#define BOOTFS_NAME_MAX 64

struct mb2_info;

struct bootfs_file {
    char dir[BOOTFS_NAME_MAX];  /* "" for System32, else the directory below C:\ */
    char name[BOOTFS_NAME_MAX];
    const uint8_t *data;
    size_t size;
};

/* Index the modules. Boot, once, after the direct map covers them. */
void bootfs_init(const struct mb2_info *mb);

/* The System32 file called name (case-insensitive), or NULL: files of other directories
 * are never found by name. Any context, lock-free. */
const struct bootfs_file *bootfs_find(const char *name);

/* Files in load order (those of every directory), for listings. NULL past the end. */
const struct bootfs_file *bootfs_at(size_t index);
size_t bootfs_count(void);

#endif
