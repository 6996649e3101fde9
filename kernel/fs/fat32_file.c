/*
 * FAT32 file data: reading and writing at an offset through a file's chain, growing
 * and shrinking chains, and storing a file's directory entry. Growth follows one write
 * order: new clusters get their data first and only then their FAT entries, linked into
 * a chain of their own; then data inside the old clusters; then the old chain's end is
 * linked to the new part; then the directory entry (size, first cluster, times). A
 * power cut therefore leaves at worst unreferenced clusters or a chain longer than the
 * size, never a cross-link, and a full volume is found before any old byte changes.
 */
#include "fat32_priv.h"
#include <lib/bytes.h>
#include <lib/errno.h>
#include <lib/string.h>

void fat32_entry_fields(uint8_t *e, const struct fat32_dirent *f)
{
    uint16_t date, time;
    uint8_t cs;
    e[11] = f->attr;
    if (f->create_time && fat32_time_from_filetime(f->create_time, &date, &time, &cs) == 0) {
        e[13] = cs;
        le16_write(e + 14, time);
        le16_write(e + 16, date);
    }
    if (f->access_time && fat32_time_from_filetime(f->access_time, &date, &time, &cs) == 0)
        le16_write(e + 18, date);
    le16_write(e + 20, (uint16_t)(f->first_cluster >> 16));
    if (f->write_time && fat32_time_from_filetime(f->write_time, &date, &time, &cs) == 0) {
        le16_write(e + 22, time);
        le16_write(e + 24, date);
    }
    le16_write(e + 26, (uint16_t)f->first_cluster);
    le32_write(e + 28, (f->attr & FAT32_ATTR_DIRECTORY) ? 0 : f->size);
}

/* Reads (store 0) or rewrites (store 1) f's short entry, checking it is still f's. */
static int entry_io(struct fat32_vol *vol, const struct fat32_dirent *f, int store)
{
    uint32_t per = fat32_cluster_bytes(vol) / 32;
    if (!fat32_cluster_ok(vol, f->ent_cluster) || f->ent_index >= per)
        return K_EINVAL;
    uint32_t byte = f->ent_index * 32;
    uint64_t lba = fat32_cluster_lba(vol, f->ent_cluster) + byte / vol->bytes_per_sector;
    int rc = vol->dev->read(vol->dev->ctx, lba, 1, vol->sector);
    if (rc < 0)
        return rc;
    uint8_t *e = vol->sector + byte % vol->bytes_per_sector;
    uint32_t first = le16_read(e + 26) | ((uint32_t)le16_read(e + 20) << 16);
    if (memcmp(e, f->raw83, 11) != 0 || (e[11] & 0x3F) == FAT32_ATTR_LFN ||
        (!store && first != f->first_cluster))
        return K_ENOENT; /* the entry was deleted or replaced since f was read */
    if (!store)
        return 0;
    if (!vol->dev->write)
        return K_EROFS;
    fat32_entry_fields(e, f);
    return vol->dev->write(vol->dev->ctx, lba, 1, vol->sector);
}

int fat32_entry_store(struct fat32_vol *vol, const struct fat32_dirent *f)
{
    return entry_io(vol, f, 1);
}

int fat32_entry_check(struct fat32_vol *vol, const struct fat32_dirent *f)
{
    return entry_io(vol, f, 0);
}

/*
 * Walks f's chain toward cluster number index, from f's hint when it is not past index.
 * Stops early at the chain's end: *at says how far it got. The first walk of a handle
 * (no hint yet) checks the whole chain, so a loop or a bad link is refused before any
 * byte moves. 0 or K_EINVAL/K_EIO.
 */
static int chain_walk(struct fat32_vol *vol, struct fat32_dirent *f, uint32_t index,
                      uint32_t *cluster, uint32_t *at)
{
    uint32_t c = f->first_cluster, i = 0;
    if (!f->hint_cluster) {
        uint32_t n;
        int rc = fat32_chain_length(vol, c, &n);
        if (rc < 0)
            return rc;
        f->hint_cluster = c;
        f->hint_index = 0;
    }
    if (f->hint_cluster && f->hint_index <= index && fat32_cluster_ok(vol, f->hint_cluster)) {
        c = f->hint_cluster;
        i = f->hint_index;
    }
    if (!fat32_cluster_ok(vol, c))
        return K_EINVAL;
    while (i < index) {
        uint32_t next;
        int rc = fat32_fat_get(vol, c, &next);
        if (rc < 0)
            return rc;
        if (next >= FAT32_EOC_MIN)
            break;
        if (next == 0 || next == FAT32_BAD || !fat32_cluster_ok(vol, next) ||
            ++i >= vol->cluster_count)
            return K_EINVAL; /* a free, bad or outside link, or a loop */
        c = next;
    }
    f->hint_index = i;
    f->hint_cluster = c;
    *cluster = c;
    *at = i;
    return 0;
}

enum { IO_READ, IO_WRITE, IO_FRESH };

/*
 * Moves len bytes at byte coff of cluster c to or from buf (NULL writes zeros). IO_WRITE
 * keeps the rest of a partly written sector; IO_FRESH writes every sector of the cluster
 * and zeros what buf does not cover (for a cluster new to the file).
 */
static int cluster_io(struct fat32_vol *vol, uint32_t c, uint32_t coff, uint8_t *buf,
                      uint32_t len, int mode)
{
    uint32_t bps = vol->bytes_per_sector, spc = vol->sectors_per_cluster;
    uint64_t base = fat32_cluster_lba(vol, c);
    uint32_t first = mode == IO_FRESH ? 0 : coff / bps;
    uint32_t last = mode == IO_FRESH ? spc : (coff + len + bps - 1) / bps;
    for (uint32_t s = first; s < last;) {
        uint32_t lo = s * bps, hi = lo + bps;
        uint32_t a = coff > lo ? coff : lo, b = coff + len < hi ? coff + len : hi;
        int rc;
        if (a == lo && b == hi && buf) {
            /* Whole sectors move straight between the device and buf. */
            uint32_t k = 1;
            while (s + k < last && (s + k + 1) * bps <= coff + len)
                k++;
            uint8_t *p = buf + (lo - coff);
            rc = mode == IO_READ ? vol->dev->read(vol->dev->ctx, base + s, k, p)
                                 : vol->dev->write(vol->dev->ctx, base + s, k, p);
            if (rc < 0)
                return rc;
            s += k;
            continue;
        }
        if (mode == IO_FRESH || (mode == IO_WRITE && a == lo && b == hi))
            memset(vol->sector, 0, bps);
        else if ((rc = vol->dev->read(vol->dev->ctx, base + s, 1, vol->sector)) < 0)
            return rc;
        if (a < b) {
            if (mode == IO_READ)
                memcpy(buf + (a - coff), vol->sector + (a - lo), b - a);
            else if (buf)
                memcpy(vol->sector + (a - lo), buf + (a - coff), b - a);
            else
                memset(vol->sector + (a - lo), 0, b - a);
        }
        if (mode != IO_READ && (rc = vol->dev->write(vol->dev->ctx, base + s, 1, vol->sector)) < 0)
            return rc;
        s++;
    }
    return 0;
}

int fat32_read(struct fat32_vol *vol, struct fat32_dirent *f, uint32_t off, void *buf,
               uint32_t len, uint32_t *done)
{
    *done = 0;
    if (f->attr & FAT32_ATTR_DIRECTORY)
        return K_EISDIR;
    if (off >= f->size)
        return 0;
    if (len > f->size - off)
        len = f->size - off;
    uint32_t csize = fat32_cluster_bytes(vol);
    uint8_t *out = buf;
    while (len) {
        uint32_t c, at, idx = off / csize;
        int rc = chain_walk(vol, f, idx, &c, &at);
        if (rc < 0)
            return rc;
        if (at != idx)
            return K_EINVAL; /* the chain is shorter than the size says */
        uint32_t coff = off % csize, n = csize - coff < len ? csize - coff : len;
        rc = cluster_io(vol, c, coff, out, n, IO_READ);
        if (rc < 0)
            return rc;
        off += n;
        out += n;
        len -= n;
        *done += n;
    }
    return 0;
}

/* Stamps f's write and access times with the volume's clock, when it has one. */
static void touch(const struct fat32_vol *vol, struct fat32_dirent *f)
{
    uint16_t date, time;
    uint8_t cs;
    if (!vol->dev->now)
        return;
    fat32_stamp(vol, &date, &time, &cs);
    f->write_time = fat32_time_to_filetime(date, time, 0);
    f->access_time = fat32_time_to_filetime(date, 0, 0);
}

/*
 * Writes into the existing clusters of f: zeros over [zfrom, off), then buf over
 * [off, end), both clipped to [0, limit).
 */
static int write_in_place(struct fat32_vol *vol, struct fat32_dirent *f, uint32_t zfrom,
                          uint32_t off, const uint8_t *buf, uint32_t end, uint32_t limit)
{
    uint32_t csize = fat32_cluster_bytes(vol);
    for (uint32_t pos = zfrom; pos < end && pos < limit;) {
        uint32_t c, at, idx = pos / csize;
        int rc = chain_walk(vol, f, idx, &c, &at);
        if (rc < 0)
            return rc;
        if (at != idx)
            return K_EINVAL;
        uint64_t next = (uint64_t)(idx + 1) * csize;
        uint32_t stop = next < limit ? (uint32_t)next : limit;
        if (pos < off && stop > off)
            stop = off; /* the zero part and the data part go separately */
        if (stop > end)
            stop = end;
        uint8_t *src = pos < off || !buf ? NULL : (uint8_t *)buf + (pos - off);
        rc = cluster_io(vol, c, pos % csize, src, stop - pos, IO_WRITE);
        if (rc < 0)
            return rc;
        pos = stop;
    }
    return 0;
}

int fat32_write(struct fat32_vol *vol, struct fat32_dirent *f, uint32_t off,
                const void *buf, uint32_t len, uint32_t *done)
{
    *done = 0;
    if (f->attr & FAT32_ATTR_DIRECTORY)
        return K_EISDIR;
    if (!vol->dev->write)
        return K_EROFS;
    if (len == 0)
        return 0;
    uint64_t end64 = (uint64_t)off + len;
    if (end64 > 0xFFFFFFFFu)
        return K_ERANGE;
    uint32_t end = (uint32_t)end64, csize = fat32_cluster_bytes(vol);
    int rc = entry_io(vol, f, 0);
    if (rc < 0)
        return rc;
    uint32_t old = f->first_cluster ? f->size : 0;
    uint32_t need = (uint32_t)((end64 + csize - 1) / csize), have = 0, tail = 0, at;
    if (f->first_cluster) {
        rc = chain_walk(vol, f, need - 1, &tail, &at);
        if (rc < 0)
            return rc;
        have = at + 1; /* need when the chain reaches that far, else its length */
        if (have < need && (uint64_t)have * csize < old)
            return K_EINVAL; /* the chain is shorter than the size says */
    }
    uint32_t zfrom = old < off ? old : off;

    /* New clusters: data first, then their FAT entries, as a chain of their own, in
     * batches so that one FAT sector write covers many entries. */
    uint32_t head = 0, prev = 0, batch[64], got;
    for (uint32_t k = have; k < need; k += got) {
        uint32_t want = need - k < 64 ? need - k : 64;
        if ((rc = fat32_find_free_n(vol, batch, want, &got)) < 0)
            goto undo;
        for (uint32_t j = 0; j < got; j++) {
            uint32_t lo = (k + j) * csize; /* below end, so no overflow */
            uint64_t hi = (uint64_t)lo + csize;
            uint32_t a = off > lo ? off : lo, b = end < hi ? end : (uint32_t)hi;
            if (a > b)
                a = b = lo; /* a cluster wholly inside the gap before off: all zeros */
            rc = cluster_io(vol, batch[j], a - lo, buf && a < b ? (uint8_t *)buf + (a - off) : NULL,
                            b - a, IO_FRESH);
            if (rc < 0)
                goto undo;
        }
        if ((rc = fat32_claim_chain(vol, batch, got)) < 0)
            goto undo;
        if (prev && (rc = fat32_fat_set(vol, prev, batch[0])) < 0) {
            (void)fat32_free_chain(vol, batch[0]);
            goto undo;
        }
        if (!prev)
            head = batch[0];
        prev = batch[got - 1];
    }
    /* Then the bytes inside the old clusters, then the link, then the entry. */
    uint64_t old_bytes = (uint64_t)have * csize;
    rc = write_in_place(vol, f, zfrom, off, buf, end, old_bytes < end ? (uint32_t)old_bytes : end);
    if (rc < 0)
        goto undo;
    if (head && have && (rc = fat32_fat_set(vol, tail, head)) < 0)
        goto undo;
    if (head && !have)
        f->first_cluster = head;
    f->size = end > old ? end : old;
    f->attr |= FAT32_ATTR_ARCHIVE;
    touch(vol, f);
    rc = fat32_entry_store(vol, f);
    if (rc < 0)
        return rc;
    *done = len;
    return 0;
undo:
    if (head)
        (void)fat32_free_chain(vol, head);
    if (head && !have)
        f->first_cluster = 0;
    return rc;
}

int fat32_truncate(struct fat32_vol *vol, struct fat32_dirent *f, uint32_t size)
{
    uint32_t done;
    if (f->attr & FAT32_ATTR_DIRECTORY)
        return K_EISDIR;
    if (!vol->dev->write)
        return K_EROFS;
    if (size > f->size)
        return fat32_write(vol, f, f->size, NULL, size - f->size, &done);
    int rc = entry_io(vol, f, 0);
    if (rc < 0)
        return rc;
    uint32_t csize = fat32_cluster_bytes(vol), keep = (uint32_t)(((uint64_t)size + csize - 1) / csize);
    uint32_t last = 0, cut = 0, at;
    if (f->first_cluster && keep == 0) {
        cut = f->first_cluster;
    } else if (f->first_cluster) {
        if ((rc = chain_walk(vol, f, keep - 1, &last, &at)) < 0)
            return rc;
        if (at == keep - 1 && (rc = fat32_fat_get(vol, last, &cut)) < 0)
            return rc;
        if (at != keep - 1 || cut >= FAT32_EOC_MIN)
            cut = 0;
    }
    /* Shrinking goes the other way: the entry first, then the FAT. */
    f->size = size;
    if (keep == 0)
        f->first_cluster = 0;
    f->hint_cluster = f->hint_index = 0;
    f->attr |= FAT32_ATTR_ARCHIVE;
    touch(vol, f);
    if ((rc = fat32_entry_store(vol, f)) < 0)
        return rc;
    if (cut && keep && (rc = fat32_fat_set(vol, last, FAT32_EOC)) < 0)
        return rc;
    return cut ? fat32_free_chain(vol, cut) : 0;
}

int fat32_set_attr(struct fat32_vol *vol, struct fat32_dirent *f, uint8_t attr)
{
    const uint8_t settable = FAT32_ATTR_READONLY | FAT32_ATTR_HIDDEN | FAT32_ATTR_SYSTEM |
                             FAT32_ATTR_ARCHIVE;
    int rc = entry_io(vol, f, 0);
    if (rc < 0)
        return rc;
    f->attr = (uint8_t)((f->attr & ~settable) | (attr & settable));
    return fat32_entry_store(vol, f);
}

int fat32_set_times(struct fat32_vol *vol, struct fat32_dirent *f, uint64_t create,
                    uint64_t access, uint64_t write)
{
    uint16_t d, t;
    uint8_t cs;
    if ((create && fat32_time_from_filetime(create, &d, &t, &cs) < 0) ||
        (access && fat32_time_from_filetime(access, &d, &t, &cs) < 0) ||
        (write && fat32_time_from_filetime(write, &d, &t, &cs) < 0))
        return K_ERANGE;
    int rc = entry_io(vol, f, 0);
    if (rc < 0)
        return rc;
    if (create)
        f->create_time = create;
    if (access)
        f->access_time = access;
    if (write)
        f->write_time = write;
    return fat32_entry_store(vol, f);
}
