/*
 * FAT32 mount, cluster-chain walks and cluster allocation. Every BPB field is checked
 * against the others and the device size before use, and chain walks are bounded by the
 * cluster count, so a hostile image yields K_EINVAL rather than a loop or an
 * out-of-volume read or write. FSInfo's free count is written as "unknown" before the
 * first allocation change and its real value only by fat32_flush, so a power cut never
 * leaves a wrong count on disk.
 */
#include "fat32_priv.h"
#include <lib/bytes.h>
#include <lib/errno.h>
#include <lib/string.h>

static int is_pow2(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

int fat32_mount(struct fat32_vol *vol, const struct fat32_blkdev *dev)
{
    if (!vol || !dev || !dev->read)
        return K_EINVAL;
    vol->dev = dev;
    /* The first 512 bytes hold the BPB whatever the sector size; read one 512-byte view. */
    int rc = dev->read(dev->ctx, 0, 1, vol->sector);
    if (rc < 0)
        return rc;
    const uint8_t *b = vol->sector;
    uint32_t bps = le16_read(b + 11);
    uint32_t spc = b[13];
    uint32_t rsv = le16_read(b + 14);
    uint32_t nfat = b[16];
    uint32_t root_entries = le16_read(b + 17);
    uint32_t tot16 = le16_read(b + 19);
    uint32_t fat16 = le16_read(b + 22);
    uint32_t tot32 = le32_read(b + 32);
    uint32_t fatsz = le32_read(b + 36);
    uint32_t root = le32_read(b + 44);
    uint32_t fsinfo = le16_read(b + 48);
    if (b[510] != 0x55 || b[511] != 0xAA)
        return K_EINVAL;
    if (bps < 512 || bps > FAT32_MAX_SECTOR || !is_pow2(bps))
        return K_EINVAL;
    if (!is_pow2(spc) || (uint64_t)spc * bps > 32768u * 2)
        return K_EINVAL;
    if (rsv == 0 || nfat == 0 || nfat > 2 || root_entries != 0 || fat16 != 0 || fatsz == 0)
        return K_EINVAL;
    uint64_t total = tot16 ? tot16 : tot32;
    if (total == 0 || (dev->sectors && total > dev->sectors))
        return K_EINVAL;
    uint64_t data = (uint64_t)rsv + (uint64_t)nfat * fatsz;
    if (data >= total)
        return K_EINVAL;
    uint64_t clusters = (total - data) / spc;
    if (clusters < 65525u || clusters > 0x0FFFFFF5u)
        return K_EINVAL; /* not FAT32 by the cluster-count rule */
    /* Every cluster needs a 4-byte FAT entry (plus the two reserved ones). */
    if ((clusters + 2) * 4 > (uint64_t)fatsz * bps)
        return K_EINVAL;
    if (root < 2 || root > clusters + 1)
        return K_EINVAL;
    vol->bytes_per_sector = bps;
    vol->sectors_per_cluster = spc;
    vol->reserved_sectors = rsv;
    vol->fat_count = nfat;
    vol->fat_sectors = fatsz;
    vol->total_sectors = total;
    vol->data_start = data;
    vol->cluster_count = (uint32_t)clusters;
    vol->root_cluster = root;
    vol->fsinfo_sector = 0;
    vol->free_count = FAT32_UNKNOWN;
    vol->next_free = 2;
    vol->fsinfo_state = 0;
    vol->serial = 0;
    vol->label[0] = '\0';
    if (b[66] == 0x29) { /* the extended boot signature: ID and label are there */
        size_t n = 11;
        vol->serial = le32_read(b + 67);
        memcpy(vol->label, b + 71, 11);
        while (n > 0 && (vol->label[n - 1] == ' ' || vol->label[n - 1] == '\0'))
            n--;
        vol->label[n] = '\0';
        if (strcmp(vol->label, "NO NAME") == 0)
            vol->label[0] = '\0';
    }
    if (fsinfo != 0 && fsinfo != 0xFFFF && fsinfo < rsv && bps == 512) {
        rc = dev->read(dev->ctx, fsinfo, 1, vol->sector);
        if (rc < 0)
            return rc;
        if (le32_read(vol->sector) == 0x41615252u && le32_read(vol->sector + 484) == 0x61417272u) {
            vol->fsinfo_sector = fsinfo;
            /* Both values are hints: believed only when they fit the volume. */
            uint32_t fc = le32_read(vol->sector + 488), nf = le32_read(vol->sector + 492);
            if (fc <= vol->cluster_count)
                vol->free_count = fc;
            if (fat32_cluster_ok(vol, nf))
                vol->next_free = nf;
        }
    }
    return 0;
}

int fat32_fat_get(struct fat32_vol *vol, uint32_t cluster, uint32_t *next)
{
    if (cluster < 2 || cluster > vol->cluster_count + 1)
        return K_EINVAL;
    uint64_t off = (uint64_t)cluster * 4;
    uint64_t lba = vol->reserved_sectors + off / vol->bytes_per_sector;
    int rc = vol->dev->read(vol->dev->ctx, lba, 1, vol->sector);
    if (rc < 0)
        return rc;
    *next = le32_read(vol->sector + off % vol->bytes_per_sector) & 0x0FFFFFFFu;
    return 0;
}

int fat32_chain_length(struct fat32_vol *vol, uint32_t first, uint32_t *count)
{
    uint32_t n = 0, c = first;
    for (;;) {
        uint32_t next;
        int rc = fat32_fat_get(vol, c, &next);
        if (rc < 0)
            return rc;
        if (++n > vol->cluster_count)
            return K_EINVAL; /* longer than the volume: a loop */
        if (next >= FAT32_EOC_MIN)
            break;
        if (next == 0 || next == FAT32_BAD)
            return K_EINVAL;
        c = next; /* range checked by the next fat32_fat_get */
    }
    *count = n;
    return 0;
}

int fat32_fat_set(struct fat32_vol *vol, uint32_t cluster, uint32_t value)
{
    if (!fat32_cluster_ok(vol, cluster))
        return K_EINVAL;
    if (!vol->dev->write)
        return K_EROFS;
    uint64_t off = (uint64_t)cluster * 4;
    for (uint32_t k = 0; k < vol->fat_count; k++) {
        uint64_t lba = vol->reserved_sectors + (uint64_t)k * vol->fat_sectors +
                       off / vol->bytes_per_sector;
        int rc = vol->dev->read(vol->dev->ctx, lba, 1, vol->sector);
        if (rc < 0)
            return rc;
        uint8_t *p = vol->sector + off % vol->bytes_per_sector;
        le32_write(p, (le32_read(p) & 0xF0000000u) | (value & 0x0FFFFFFFu));
        rc = vol->dev->write(vol->dev->ctx, lba, 1, vol->sector);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Collects free clusters of [from, to) into out[*got..n), reading each FAT sector once. */
static int scan_free(struct fat32_vol *vol, uint32_t from, uint32_t to, uint32_t *out,
                     uint32_t n, uint32_t *got)
{
    uint32_t per = vol->bytes_per_sector / 4;
    uint64_t loaded = UINT64_MAX;
    for (uint32_t c = from; c < to && *got < n; c++) {
        uint64_t lba = vol->reserved_sectors + c / per;
        if (lba != loaded) {
            int rc = vol->dev->read(vol->dev->ctx, lba, 1, vol->sector);
            if (rc < 0)
                return rc;
            loaded = lba;
        }
        if ((le32_read(vol->sector + (c % per) * 4) & 0x0FFFFFFFu) == 0)
            out[(*got)++] = c;
    }
    return 0;
}

int fat32_count_free(struct fat32_vol *vol, uint32_t *free)
{
    if (vol->free_count == FAT32_UNKNOWN) {
        uint32_t per = vol->bytes_per_sector / 4, n = 0, end = vol->cluster_count + 2;
        for (uint32_t c = 2; c < end;) {
            int rc = vol->dev->read(vol->dev->ctx, vol->reserved_sectors + c / per, 1,
                                    vol->sector);
            if (rc < 0)
                return rc;
            for (uint32_t i = c % per; i < per && c < end; i++, c++)
                n += (le32_read(vol->sector + i * 4) & 0x0FFFFFFFu) == 0;
        }
        vol->free_count = n;
    }
    *free = vol->free_count;
    return 0;
}

int fat32_find_free_n(struct fat32_vol *vol, uint32_t *out, uint32_t n, uint32_t *got)
{
    uint32_t end = vol->cluster_count + 2;
    uint32_t hint = fat32_cluster_ok(vol, vol->next_free) ? vol->next_free : 2;
    *got = 0;
    int rc = scan_free(vol, hint, end, out, n, got);
    if (rc == 0 && *got < n && hint > 2)
        rc = scan_free(vol, 2, hint, out, n, got); /* below the hint: none found twice */
    if (rc < 0)
        return rc;
    if (*got == 0) {
        vol->free_count = 0; /* counted now: the whole FAT was scanned */
        return K_ENOSPC;
    }
    return 0;
}

int fat32_find_free(struct fat32_vol *vol, uint32_t *out)
{
    uint32_t got;
    return fat32_find_free_n(vol, out, 1, &got);
}

/* Before the first allocation change since a flush, FSInfo's count becomes "unknown". */
static int fsinfo_mark_stale(struct fat32_vol *vol)
{
    if (vol->fsinfo_state || !vol->fsinfo_sector)
        return 0;
    int rc = vol->dev->read(vol->dev->ctx, vol->fsinfo_sector, 1, vol->sector);
    if (rc < 0)
        return rc;
    le32_write(vol->sector + 488, FAT32_UNKNOWN);
    rc = vol->dev->write(vol->dev->ctx, vol->fsinfo_sector, 1, vol->sector);
    if (rc < 0)
        return rc;
    vol->fsinfo_state = 1;
    return 0;
}

/*
 * Writes the FAT entries of clusters c[0..n): 0 when freeing, else c[j] -> c[j+1] and
 * the last one ending the chain. From the end back, one write per FAT sector and copy,
 * so every entry written points at one already written.
 */
static int fat_write_run(struct fat32_vol *vol, const uint32_t *c, uint32_t n, int freeing)
{
    uint32_t per = vol->bytes_per_sector / 4;
    int rc;
    if (!vol->dev->write)
        return K_EROFS;
    for (uint32_t hi = n; hi > 0;) {
        uint32_t sec = c[hi - 1] / per, lo = hi - 1;
        while (lo > 0 && c[lo - 1] / per == sec)
            lo--;
        for (uint32_t k = 0; k < vol->fat_count; k++) {
            uint64_t lba = vol->reserved_sectors + (uint64_t)k * vol->fat_sectors + sec;
            if ((rc = vol->dev->read(vol->dev->ctx, lba, 1, vol->sector)) < 0)
                return rc;
            for (uint32_t j = lo; j < hi; j++) {
                uint8_t *p = vol->sector + (c[j] % per) * 4;
                uint32_t v = freeing ? 0 : j + 1 < n ? c[j + 1] : FAT32_EOC;
                le32_write(p, (le32_read(p) & 0xF0000000u) | v);
            }
            if ((rc = vol->dev->write(vol->dev->ctx, lba, 1, vol->sector)) < 0)
                return rc;
        }
        hi = lo;
    }
    return 0;
}

int fat32_claim_chain(struct fat32_vol *vol, const uint32_t *c, uint32_t n)
{
    int rc = fsinfo_mark_stale(vol);
    if (rc < 0 || (rc = fat_write_run(vol, c, n, 0)) < 0)
        return rc;
    if (vol->free_count != FAT32_UNKNOWN)
        vol->free_count = vol->free_count > n ? vol->free_count - n : 0;
    vol->next_free = c[n - 1] + 1 <= vol->cluster_count + 1 ? c[n - 1] + 1 : 2;
    return 0;
}

int fat32_free_chain(struct fat32_vol *vol, uint32_t first)
{
    int rc = fsinfo_mark_stale(vol);
    if (rc < 0)
        return rc;
    uint32_t run[64], n = 0, c = first, next = 0;
    int end = 0, bad = 0;
    /* Collect up to 64 links, free them with one write per FAT sector, go on. */
    for (uint32_t walked = 0; !end; walked++) {
        if (walked >= vol->cluster_count) {
            bad = 1; /* longer than the volume: a loop */
            break;
        }
        if ((rc = fat32_fat_get(vol, c, &next)) < 0)
            return rc;
        if (next == 0) {
            bad = 1; /* already free: a broken chain, stop here */
            break;
        }
        run[n++] = c;
        end = next >= FAT32_EOC_MIN;
        if (!end && (next == FAT32_BAD || !fat32_cluster_ok(vol, next)))
            end = bad = 1;
        if (n == 64 || end) {
            if ((rc = fat_write_run(vol, run, n, 1)) < 0)
                return rc;
            if (vol->free_count != FAT32_UNKNOWN)
                vol->free_count = vol->free_count + n < vol->cluster_count ?
                                  vol->free_count + n : vol->cluster_count;
            n = 0;
        }
        c = next;
    }
    if (n && (rc = fat_write_run(vol, run, n, 1)) < 0)
        return rc;
    if (n && vol->free_count != FAT32_UNKNOWN)
        vol->free_count = vol->free_count + n < vol->cluster_count ? vol->free_count + n
                                                                    : vol->cluster_count;
    return bad ? K_EINVAL : 0;
}

int fat32_fill_cluster(struct fat32_vol *vol, uint32_t c, const uint8_t *head, uint32_t head_len)
{
    if (!vol->dev->write)
        return K_EROFS;
    uint64_t lba = fat32_cluster_lba(vol, c);
    for (uint32_t s = vol->sectors_per_cluster; s-- > 0;) {
        memset(vol->sector, 0, vol->bytes_per_sector);
        if (s == 0 && head)
            memcpy(vol->sector, head, head_len);
        int rc = vol->dev->write(vol->dev->ctx, lba + s, 1, vol->sector);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int fat32_zeroed_cluster(struct fat32_vol *vol, uint32_t *out)
{
    uint32_t c;
    int rc = fat32_find_free(vol, &c);
    if (rc < 0 || (rc = fat32_fill_cluster(vol, c, NULL, 0)) < 0 ||
        (rc = fat32_claim_chain(vol, &c, 1)) < 0)
        return rc;
    *out = c;
    return 0;
}

int fat32_flush(struct fat32_vol *vol)
{
    if (vol->fsinfo_state == 0 || !vol->fsinfo_sector)
        return 0;
    int rc = vol->dev->read(vol->dev->ctx, vol->fsinfo_sector, 1, vol->sector);
    if (rc < 0)
        return rc;
    le32_write(vol->sector + 488, vol->free_count);
    le32_write(vol->sector + 492, vol->next_free);
    rc = vol->dev->write(vol->dev->ctx, vol->fsinfo_sector, 1, vol->sector);
    if (rc < 0)
        return rc;
    vol->fsinfo_state = 0;
    return 0;
}
