/*
 * FAT32 core: mounting a volume, walking cluster chains, looking names up, reading and
 * writing files and changing directories, with every on-disk field treated as hostile.
 * Pure code (no locks, printing or globals); sectors come from a caller-supplied block
 * device of function pointers so host tests and the kernel share it. The caller
 * serializes all calls on one volume (one lock per volume in the fs layer). Every call
 * that would write returns K_EROFS when the device has no write function.
 */
#ifndef FS_FAT32_H
#define FS_FAT32_H

#include <stdint.h>

#define FAT32_MAX_SECTOR 4096u
#define FAT32_EOC_MIN    0x0FFFFFF8u /* FAT values from here on end a chain */
#define FAT32_BAD        0x0FFFFFF7u /* a cluster marked bad */
#define FAT32_UNKNOWN    0xFFFFFFFFu /* FSInfo's "not known" value */
#define FAT32_MAX_NAME   255u        /* UTF-16 units in a long name */

/* Sector access: return 0 or a negative K_E* code; may sleep, never called in IRQ. */
struct fat32_blkdev {
    void *ctx;
    int (*read)(void *ctx, uint64_t lba, uint32_t count, void *buf);
    int (*write)(void *ctx, uint64_t lba, uint32_t count, const void *buf);
    uint64_t sectors; /* device size in its own sectors of bytes_per_sector */
    /* Optional: the current time as a FILETIME (100 ns units since 1601, UTC) for entry
     * times; NULL leaves times of written entries unchanged (new ones get 1980-01-01). */
    uint64_t (*now)(void *ctx);
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
    uint32_t free_count;      /* free clusters, FAT32_UNKNOWN until counted */
    uint32_t next_free;       /* where the next free-cluster search starts */
    int fsinfo_state;         /* 0 clean, 1 marked unknown on disk, awaiting fat32_flush */
    uint32_t serial;          /* the BPB's volume ID (0 without the extended BPB) */
    char label[12];           /* the BPB's label, trailing spaces cut; "" for none or "NO NAME" */
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
 * *free = the free clusters: FSInfo's count when it was believable or the volume has
 * counted since, else one scan of the whole FAT (remembered). Returns 0 or K_EIO.
 * Caller serializes use of vol.
 */
int fat32_count_free(struct fat32_vol *vol, uint32_t *free);

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

/*
 * One directory entry as enumeration and lookup report it; name is UTF-16, the long name
 * if valid, else the 8.3 name. It doubles as the handle for file operations: the fs
 * layer keeps one per open file (shared by its handles) and passes it back; operations
 * update it in place.
 */
struct fat32_dirent {
    uint16_t name[256];
    uint32_t name_len;
    char short_name[13];      /* "NAME.EXT", NUL-terminated, upper case as stored */
    uint8_t attr;
    uint32_t first_cluster;   /* 0 for an empty file */
    uint32_t size;
    uint64_t create_time;     /* FILETIME; 0 when the entry holds none */
    uint64_t access_time;     /* FILETIME of the access date (midnight) */
    uint64_t write_time;
    /* Where the entry lives: the directory, the short entry, and the first of its slots. */
    uint32_t dir_cluster;
    uint32_t ent_cluster, ent_index;
    uint32_t set_cluster, set_index;
    uint32_t slots;           /* long-name slots plus the short entry */
    uint8_t raw83[11];        /* the short entry's name bytes, to detect a stale handle */
    uint32_t hint_index, hint_cluster; /* last chain position visited (0 cluster: none) */
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
    uint32_t lfn_slots; /* slots in the pending long name */
    uint32_t lfn_cluster, lfn_index; /* where its first slot is */
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

/*
 * Finds name (len UTF-16 units, no separators: the fs layer walks paths) in the directory
 * at dir_cluster, matching long and 8.3 names without regard to case (ASCII and
 * Latin-1 letters). Returns 0 with *ent filled, K_ENOENT, K_EINVAL for a hostile
 * directory or a bad cluster, or K_EIO.
 */
int fat32_lookup(struct fat32_vol *vol, uint32_t dir_cluster, const uint16_t *name,
                 uint32_t len, struct fat32_dirent *ent);

/*
 * Reads up to len bytes of the file f from byte off into buf; *done gets the count (0 at
 * or past the end). Returns 0, K_EISDIR, K_EINVAL when the chain is shorter than the size
 * or broken, or K_EIO.
 */
int fat32_read(struct fat32_vol *vol, struct fat32_dirent *f, uint32_t off, void *buf,
               uint32_t len, uint32_t *done);

/*
 * Writes len bytes from buf (NULL: zeros) at byte off of file f, extending it (a gap
 * past the old end reads as zeros), and updates its entry (size, first cluster, write
 * time, archive bit). All of it or nothing: *done is len or 0. Returns 0, K_ENOSPC when
 * the volume is full (nothing changed), K_ERANGE past 4 GiB - 1, K_EISDIR, K_EINVAL
 * for a broken chain, K_ENOENT for a stale f, or K_EIO.
 */
int fat32_write(struct fat32_vol *vol, struct fat32_dirent *f, uint32_t off,
                const void *buf, uint32_t len, uint32_t *done);

/*
 * Sets the size of file f: shrinking frees the clusters past the end, growing adds
 * zeros. Returns 0 or the errors of fat32_write.
 */
int fat32_truncate(struct fat32_vol *vol, struct fat32_dirent *f, uint32_t size);

/*
 * Creates name in the directory at dir_cluster: a file when attr lacks
 * FAT32_ATTR_DIRECTORY, else a directory holding "." and "..". Long-name slots are
 * written only when Windows would (the name is not a valid 8.3 name in one case per
 * part), with a unique ~N alias. Returns 0 with *ent describing it, K_EEXIST, K_EINVAL
 * for a bad name (empty, over 255 units, control or \/:*?"<>| characters, trailing dot or
 * space, "." or ".."), K_ENOSPC (volume or directory full), or K_EIO.
 */
int fat32_create(struct fat32_vol *vol, uint32_t dir_cluster, const uint16_t *name,
                 uint32_t len, uint8_t attr, struct fat32_dirent *ent);

/*
 * Deletes f: its slots are marked free, then its chain is freed. A directory must be
 * empty (K_ENOTEMPTY). Returns 0, K_ENOENT for a stale f, K_EINVAL or K_EIO.
 */
int fat32_delete(struct fat32_vol *vol, struct fat32_dirent *f);

/*
 * Renames f to name in the directory at new_dir (the same one or another). An existing
 * entry of that name (other than f itself) is K_EEXIST unless replace is set; a
 * directory is never replaced (K_EPERM). Moving a directory into itself or below it is
 * K_EINVAL. f is updated to the new entry. Returns 0 or the errors of fat32_create.
 */
int fat32_rename(struct fat32_vol *vol, struct fat32_dirent *f, uint32_t new_dir,
                 const uint16_t *name, uint32_t len, int replace);

/*
 * Sets the read-only, hidden, system and archive bits of f to those of attr (others
 * are ignored). Returns 0, K_ENOENT for a stale f, or K_EIO.
 */
int fat32_set_attr(struct fat32_vol *vol, struct fat32_dirent *f, uint8_t attr);

/*
 * Sets f's times (FILETIME; 0 leaves one unchanged). Returns 0, K_ERANGE for a time FAT
 * cannot hold (before 1980 or after 2107), K_ENOENT for a stale f, or K_EIO.
 */
int fat32_set_times(struct fat32_vol *vol, struct fat32_dirent *f, uint64_t create,
                    uint64_t access, uint64_t write);

/* Writes FSInfo's free count and next-free hint if they changed. Returns 0 or K_EIO. */
int fat32_flush(struct fat32_vol *vol);

/*
 * Converts a FAT date, time and 10 ms count (0-199) to a FILETIME; 0 for a date
 * FAT leaves empty or malformed (month or day 0, month over 12).
 */
uint64_t fat32_time_to_filetime(uint16_t date, uint16_t time, uint8_t centis);

/*
 * Converts a FILETIME to FAT's date, time (2 s steps) and 10 ms count. Returns 0 or
 * K_ERANGE outside 1980-01-01 .. 2107-12-31.
 */
int fat32_time_from_filetime(uint64_t ft, uint16_t *date, uint16_t *time, uint8_t *centis);
#endif
