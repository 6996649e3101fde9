/*
 * Helpers the FAT32 core's files share (cluster allocation, FAT updates, entry stores,
 * time stamps). Internal to kernel/fs/fat32*.c; the same rules as <fs/fat32.h> apply:
 * pure code, the caller serializes calls on a volume.
 */
#ifndef FS_FAT32_PRIV_H
#define FS_FAT32_PRIV_H

#include <fs/fat32.h>

#define FAT32_EOC 0x0FFFFFFFu /* what this core writes to end a chain */

static inline int fat32_cluster_ok(const struct fat32_vol *vol, uint32_t c)
{
    return c >= 2 && c <= vol->cluster_count + 1;
}

static inline uint64_t fat32_cluster_lba(const struct fat32_vol *vol, uint32_t c)
{
    return vol->data_start + (uint64_t)(c - 2) * vol->sectors_per_cluster;
}

static inline uint32_t fat32_cluster_bytes(const struct fat32_vol *vol)
{
    return vol->sectors_per_cluster * vol->bytes_per_sector;
}

/* Sets cluster's FAT entry to value (28 bits) in every FAT copy. 0, K_EINVAL or K_EIO. */
int fat32_fat_set(struct fat32_vol *vol, uint32_t cluster, uint32_t value);

/*
 * Finds a free cluster, from the next-free hint onward and then from the start, without
 * taking it. Returns 0 with *out set, K_ENOSPC, or K_EIO.
 */
int fat32_find_free(struct fat32_vol *vol, uint32_t *out);

/*
 * Like fat32_find_free for up to n clusters: out[0..*got) gets distinct free clusters
 * (*got >= 1 on success). Returns 0, K_ENOSPC or K_EIO.
 */
int fat32_find_free_n(struct fat32_vol *vol, uint32_t *out, uint32_t n, uint32_t *got);

/*
 * Takes the free clusters c[0..n) into use as one chain c[0] -> ... -> c[n-1] -> end,
 * writing entries from the end back so none points at a free cluster, one write per FAT
 * sector and copy, and updates the free count and hint (FSInfo is marked stale on disk
 * first). 0, K_EROFS or K_EIO.
 */
int fat32_claim_chain(struct fat32_vol *vol, const uint32_t *c, uint32_t n);

/* Frees the chain from first (bounded; stops at a bad link). 0, K_EINVAL or K_EIO. */
int fat32_free_chain(struct fat32_vol *vol, uint32_t first);

/*
 * Writes cluster c: head (head_len bytes, at most one sector; NULL for none) at its
 * start and zeros everywhere else. 0, K_EROFS (read-only device) or K_EIO.
 */
int fat32_fill_cluster(struct fat32_vol *vol, uint32_t c, const uint8_t *head, uint32_t head_len);

/*
 * Finds a free cluster, writes zeros over it and claims it as a chain end. Returns 0
 * with *out set, K_ENOSPC or K_EIO.
 */
int fat32_zeroed_cluster(struct fat32_vol *vol, uint32_t *out);

/*
 * Writes f's attr, first cluster, size and times into its short entry, after checking
 * the entry still holds f's name (K_ENOENT if not). 0, K_ENOENT, K_EINVAL or K_EIO.
 */
int fat32_entry_store(struct fat32_vol *vol, const struct fat32_dirent *f);

/* Writes f's attr, times, first cluster and size into the 32-byte short entry e. */
void fat32_entry_fields(uint8_t *e, const struct fat32_dirent *f);

/* Checks f's short entry still holds f's name: 0, K_ENOENT (stale), K_EINVAL or K_EIO. */
int fat32_entry_check(struct fat32_vol *vol, const struct fat32_dirent *f);

/*
 * Fills ent->short_name ("NAME.EXT") and ent->name (the same, lower-cased per part as the
 * entry's byte 12 says) from the 32-byte short entry e.
 */
void fat32_short_name(const uint8_t *e, struct fat32_dirent *ent);

/* The volume's clock as FAT date, time and 10 ms count (1980-01-01 without a clock). */
void fat32_stamp(const struct fat32_vol *vol, uint16_t *date, uint16_t *time, uint8_t *cs);

/* The short-entry checksum that long-name slots carry. */
uint8_t fat32_short_checksum(const uint8_t *name11);
#endif
