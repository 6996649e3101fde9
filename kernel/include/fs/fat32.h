/*
 * FAT32 core: mounting a volume and walking cluster chains, with every on-disk field
 * treated as hostile. Pure code (no locks, printing or globals); sectors come from a
 * caller-supplied block device of function pointers so host tests and the kernel share it.
 */
#ifndef FS_FAT32_H
#define FS_FAT32_H

#include <stdint.h>

#define FAT32_MAX_SECTOR 4096u
#define FAT32_EOC_MIN    0x0FFFFFF8u /* FAT values from here on end a chain */
#define FAT32_BAD        0x0FFFFFF7u /* a cluster marked bad */

/* Sector access: return 0 or a negative K_E* code; may sleep, never called in IRQ. */
struct fat32_blkdev {
    void *ctx;
    int (*read)(void *ctx, uint64_t lba, uint32_t count, void *buf);
    int (*write)(void *ctx, uint64_t lba, uint32_t count, const void *buf);
    uint64_t sectors; /* device size in its own sectors of bytes_per_sector */
};

struct fat32_vol {
    const struct fat32_blkdev *dev;
    uint32_t bytes_per_sector;
    uint32_t sectors_per_cluster;
    uint32_t reserved_sectors;
    uint32_t fat_count;
    uint32_t fat_sectors;     /* sectors per FAT copy */
    uint64_t total_sectors;
    uint64_t data_start;      /* first sector of cluster 2 */
    uint32_t cluster_count;   /* valid clusters are 2 .. cluster_count + 1 */
    uint32_t root_cluster;
    uint32_t fsinfo_sector;   /* 0 when absent or invalid */
    uint8_t sector[FAT32_MAX_SECTOR]; /* scratch buffer, caller serializes use */
};

/*
 * Reads and validates the boot sector of dev and fills vol. Returns 0, K_EINVAL for a
 * malformed or non-FAT32 BPB (bad sector size, non-power-of-two cluster size, zero
 * reserved sectors, FATs too small or past the volume, root cluster out of range), or
 * K_EIO from the device. vol is unusable after a failure. Caller holds no locks.
 */
int fat32_mount(struct fat32_vol *vol, const struct fat32_blkdev *dev);

/*
 * Reads the FAT entry for cluster into *next (28 bits). Returns 0, K_EINVAL if cluster
 * is outside the volume, or K_EIO.
 */
int fat32_fat_get(struct fat32_vol *vol, uint32_t cluster, uint32_t *next);

/*
 * Counts the clusters of the chain starting at first into *count. Returns 0, K_EINVAL if
 * the chain loops (longer than the volume's cluster count), points outside the volume or
 * at a free/bad cluster, or K_EIO.
 */
int fat32_chain_length(struct fat32_vol *vol, uint32_t first, uint32_t *count);

#define FAT32_ATTR_READONLY  0x01
#define FAT32_ATTR_HIDDEN    0x02
#define FAT32_ATTR_SYSTEM    0x04
#define FAT32_ATTR_VOLUME    0x08
#define FAT32_ATTR_DIRECTORY 0x10
#define FAT32_ATTR_ARCHIVE   0x20
#define FAT32_ATTR_LFN       0x0F

/* One directory entry as enumeration reports it; name is UTF-16, long name if valid. */
struct fat32_dirent {
    uint16_t name[256];
    uint32_t name_len;
    uint8_t attr;
    uint32_t first_cluster;
    uint32_t size;
};

/* Enumeration state: fill with fat32_dir_open, then call fat32_dir_next. */
struct fat32_dir_iter {
    uint32_t start;     /* the directory's first cluster */
    uint32_t cluster;   /* cluster being read */
    uint32_t index;     /* next 32-byte entry within that cluster */
    uint32_t walked;    /* clusters visited, bounded by the volume's count */
    uint16_t lfn[260];
    uint32_t lfn_seq;   /* next expected LFN sequence number, 0 when none pending */
    uint8_t lfn_sum;
};

/* Starts enumerating the directory at cluster. Returns 0 or K_EINVAL (out of volume). */
int fat32_dir_open(const struct fat32_vol *vol, struct fat32_dir_iter *it, uint32_t cluster);

/*
 * Reports the next live entry (skipping deleted ones, volume labels and "."/".."): returns
 * 1 with *ent filled, 0 at the end, K_EINVAL for a hostile directory (chain loops or
 * leaves the volume, an entry's cluster is out of range, a subdirectory that is its own
 * parent) or K_EIO. Long names with a wrong checksum or sequence fall back to the 8.3 name.
 */
int fat32_dir_next(struct fat32_vol *vol, struct fat32_dir_iter *it, struct fat32_dirent *ent);
#endif
