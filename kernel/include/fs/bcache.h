/*
 * The block cache: 4 KiB blocks (8 sectors of 512 bytes) of one device, kept in
 * caller-supplied memory (bounded: count blocks), with write-back. Pure code: no locks,
 * printing or globals, so host tests run it; the caller serializes calls (the vfs lock).
 *
 * Write order. Dirty blocks sit in a FIFO in the order they were first dirtied and go
 * to the device only in that order (sync, eviction). Writing again to a dirty block
 * that is not the newest in the FIFO first writes the FIFO out up to and including
 * that block, so a later change never reaches the disk before an earlier one: at every
 * moment the device holds the result of a prefix of the writes the file system made.
 * The FAT32 core's write order (data, then FAT, then directory entry) and its
 * power-cut argument therefore hold through the cache unchanged, without barriers.
 */
#ifndef FS_BCACHE_H
#define FS_BCACHE_H

#include <stdbool.h>
#include <stdint.h>

#define BCACHE_SECTOR        512u
#define BCACHE_BLOCK_SECTORS 8u
#define BCACHE_BLOCK_SIZE    (BCACHE_SECTOR * BCACHE_BLOCK_SECTORS)
#define BCACHE_HASH          256u

/* The device below: sectors of 512 bytes; return 0 or a K_E* code. */
struct bcache_dev {
    void *ctx;
    uint64_t sectors;
    int (*read)(void *ctx, uint64_t lba, uint32_t count, void *buf);
    int (*write)(void *ctx, uint64_t lba, uint32_t count, const void *buf); /* NULL: RO */
    int (*flush)(void *ctx); /* NULL: nothing to flush */
};

struct bcache_block {
    uint64_t blkno;
    uint8_t *data;                  /* BCACHE_BLOCK_SIZE bytes */
    bool valid, dirty;
    uint64_t used;                  /* LRU stamp */
    struct bcache_block *hnext;     /* hash chain */
    struct bcache_block *dprev, *dnext; /* dirty FIFO */
};

struct bcache_stats {
    uint64_t hits, misses, dev_reads, dev_writes, ordered_writes, evictions;
};

struct bcache {
    struct bcache_dev dev;
    struct bcache_block *blocks;
    uint32_t count;
    uint32_t dirty;
    uint64_t clock;
    struct bcache_block *hash[BCACHE_HASH];
    struct bcache_block *dirty_head, *dirty_tail;
    struct bcache_stats stats;
};

/* Sets c up over dev with count blocks (blocks[i].data must point at
 * BCACHE_BLOCK_SIZE bytes each; count at least 2). Nothing is read. */
void bcache_init(struct bcache *c, const struct bcache_dev *dev, struct bcache_block *blocks,
                 uint32_t count);

/* count sectors from lba into buf, through the cache. 0, K_EINVAL past the device's
 * end, or the device's error (the cache is unchanged for the failed block). */
int bcache_read(struct bcache *c, uint64_t lba, uint32_t count, void *buf);

/* count sectors from buf to lba, kept dirty in the cache (written back in order, see
 * above). 0, K_EINVAL, K_EROFS (no write function), or a device error from a write-back
 * this needed (nothing of this call is then changed in the cache past the failing
 * block). */
int bcache_write(struct bcache *c, uint64_t lba, uint32_t count, const void *buf);

/* Writes every dirty block out in order, then flushes the device. 0 or the first
 * error (blocks not written stay dirty). */
int bcache_sync(struct bcache *c);

#endif
