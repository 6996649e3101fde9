/*
 * FAT32 directory enumeration with VFAT long names, and lookup by name. Long-name slots
 * are only believed when their sequence numbers run down to 1 and their checksum matches
 * the short entry that follows; otherwise the 8.3 name is reported, as Windows does.
 * Each reported entry carries where it lives, so later writes go to the right slots.
 */
#include "fat32_priv.h"
#include <fs/path.h>
#include <lib/bytes.h>
#include <lib/errno.h>
#include <lib/string.h>

uint8_t fat32_short_checksum(const uint8_t *name11)
{
    uint8_t sum = 0;
    for (int i = 0; i < 11; i++)
        sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + name11[i]);
    return sum;
}

/*
 * Builds "NAME.EXT" from the 11-byte short name, as stored into short_name and as
 * reported into name: lower-cased per part when byte 12 says so (0x08 base, 0x10
 * extension, as Windows NT writes them). 0x05 in the first byte stands for 0xE5.
 */
void fat32_short_name(const uint8_t *e, struct fat32_dirent *ent)
{
    uint32_t n = 0;
    for (int i = 0; i < 8 && e[i] != ' '; i++)
        ent->short_name[n++] = (char)((i == 0 && e[0] == 0x05) ? 0xE5 : e[i]);
    if (e[8] != ' ') {
        ent->short_name[n++] = '.';
        for (int i = 8; i < 11 && e[i] != ' '; i++)
            ent->short_name[n++] = (char)e[i];
    }
    ent->short_name[n] = 0;
    int ext = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)ent->short_name[i];
        if (c == '.')
            ext = 1;
        if (c >= 'A' && c <= 'Z' && (e[12] & (ext ? 0x10 : 0x08)))
            c = (uint8_t)(c + 32);
        ent->name[i] = c;
    }
    ent->name_len = n;
}

int fat32_dir_open(const struct fat32_vol *vol, struct fat32_dir_iter *it, uint32_t cluster)
{
    if (cluster < 2 || cluster > vol->cluster_count + 1)
        return K_EINVAL;
    it->start = it->cluster = cluster;
    it->index = 0;
    it->walked = 1;
    it->lfn_seq = 0;
    it->lfn_slots = 0;
    return 0;
}

/* Takes one LFN slot into the pending long name, or drops the name if out of order. */
static void take_lfn(struct fat32_dir_iter *it, const uint8_t *e)
{
    uint32_t seq = e[0] & 0x1F;
    if (e[0] & 0x40) {
        if (seq == 0 || seq > 20) {
            it->lfn_seq = 0;
            return;
        }
        it->lfn_seq = seq;
        it->lfn_sum = e[13];
        it->lfn_slots = seq;
        it->lfn_cluster = it->cluster;
        it->lfn_index = it->index - 1;
        for (uint32_t i = 0; i < 260; i++)
            it->lfn[i] = 0xFFFF;
    } else if (it->lfn_seq == 0 || seq != it->lfn_seq || e[13] != it->lfn_sum) {
        it->lfn_seq = 0;
        return;
    }
    static const uint8_t offs[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };
    for (uint32_t i = 0; i < 13; i++)
        it->lfn[(seq - 1) * 13 + i] = le16_read(e + offs[i]);
    it->lfn_seq = seq - 1 ? seq - 1 : 0x80; /* 0x80: complete, awaiting its short entry */
}

int fat32_dir_next(struct fat32_vol *vol, struct fat32_dir_iter *it, struct fat32_dirent *ent)
{
    uint32_t per_cluster = vol->sectors_per_cluster * (vol->bytes_per_sector / 32);
    for (;;) {
        if (it->index == per_cluster) {
            uint32_t next;
            int rc = fat32_fat_get(vol, it->cluster, &next);
            if (rc < 0)
                return rc;
            if (next >= FAT32_EOC_MIN)
                return 0;
            if (next < 2 || next > vol->cluster_count + 1 || ++it->walked > vol->cluster_count)
                return K_EINVAL;
            it->cluster = next;
            it->index = 0;
        }
        uint32_t byte = it->index * 32;
        uint64_t lba = vol->data_start + (uint64_t)(it->cluster - 2) * vol->sectors_per_cluster +
                       byte / vol->bytes_per_sector;
        int rc = vol->dev->read(vol->dev->ctx, lba, 1, vol->sector);
        if (rc < 0)
            return rc;
        const uint8_t *e = vol->sector + byte % vol->bytes_per_sector;
        it->index++;
        if (e[0] == 0)
            return 0; /* end-of-directory marker */
        if (e[0] == 0xE5) {
            it->lfn_seq = 0;
            continue;
        }
        if ((e[11] & 0x3F) == FAT32_ATTR_LFN) {
            take_lfn(it, e);
            continue;
        }
        int have_lfn = it->lfn_seq == 0x80 && it->lfn_sum == fat32_short_checksum(e);
        it->lfn_seq = 0;
        if (e[11] & FAT32_ATTR_VOLUME)
            continue;
        if (e[0] == '.' && (e[1] == ' ' || (e[1] == '.' && e[2] == ' ')))
            continue;
        uint32_t first = le16_read(e + 26) | ((uint32_t)le16_read(e + 20) << 16);
        if (first != 0 && (first < 2 || first > vol->cluster_count + 1))
            return K_EINVAL;
        if ((e[11] & FAT32_ATTR_DIRECTORY) && (first == it->start || first == 0))
            return K_EINVAL; /* a subdirectory that is its own parent, or has no cluster */
        ent->attr = e[11];
        ent->first_cluster = first;
        ent->size = (e[11] & FAT32_ATTR_DIRECTORY) ? 0 : le32_read(e + 28);
        ent->create_time = fat32_time_to_filetime(le16_read(e + 16), le16_read(e + 14), e[13]);
        ent->access_time = fat32_time_to_filetime(le16_read(e + 18), 0, 0);
        ent->write_time = fat32_time_to_filetime(le16_read(e + 24), le16_read(e + 22), 0);
        ent->dir_cluster = it->start;
        ent->ent_cluster = ent->set_cluster = it->cluster;
        ent->ent_index = ent->set_index = it->index - 1;
        ent->slots = 1;
        memcpy(ent->raw83, e, 11);
        ent->hint_index = ent->hint_cluster = 0;
        fat32_short_name(e, ent);
        if (have_lfn) {
            ent->set_cluster = it->lfn_cluster;
            ent->set_index = it->lfn_index;
            ent->slots = it->lfn_slots + 1;
            uint32_t n = 0;
            while (n < 255 && it->lfn[n] != 0 && it->lfn[n] != 0xFFFF)
                n++;
            for (uint32_t i = 0; i < n; i++)
                ent->name[i] = it->lfn[i];
            ent->name_len = n;
        }
        return 1;
    }
}

int fat32_lookup(struct fat32_vol *vol, uint32_t dir_cluster, const uint16_t *name,
                 uint32_t len, struct fat32_dirent *ent)
{
    struct fat32_dir_iter it;
    int rc = fat32_dir_open(vol, &it, dir_cluster);
    if (rc < 0)
        return rc;
    if (len == 0 || len > FAT32_MAX_NAME)
        return K_ENOENT;
    while ((rc = fat32_dir_next(vol, &it, ent)) == 1) {
        if (path_name_equal(ent->name, ent->name_len, name, len))
            return 0;
        uint16_t sn[12];
        uint32_t n = 0;
        while (n < 12 && ent->short_name[n])
            sn[n] = (uint8_t)ent->short_name[n], n++;
        if (path_name_equal(sn, n, name, len))
            return 0;
    }
    return rc < 0 ? rc : K_ENOENT;
}
