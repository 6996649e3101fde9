/*
 * FAT32 mount and cluster-chain walk. Every BPB field is checked against the others and
 * the device size before use, and chain walks are bounded by the cluster count, so a
 * hostile image yields K_EINVAL rather than a loop or an out-of-volume read.
 */
#include <fs/fat32.h>
#include <lib/bytes.h>
#include <lib/errno.h>

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
    if (fsinfo != 0 && fsinfo != 0xFFFF && fsinfo < rsv && bps == 512) {
        rc = dev->read(dev->ctx, fsinfo, 1, vol->sector);
        if (rc < 0)
            return rc;
        if (le32_read(vol->sector) == 0x41615252u && le32_read(vol->sector + 484) == 0x61417272u)
            vol->fsinfo_sector = fsinfo;
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
