/*
 * FAT32 names and directory changes: create (files and directories), delete, rename.
 * A name gets long-name slots only when Windows would give it some: when it is not a
 * valid 8.3 name written in one case per part. Such a name also gets a unique 8.3 alias
 * (its upper-cased basis, or basis~N when that is taken or lossy). Entry sets are written
 * short entry first, sector by sector, so a cut leaves either nothing or an entry that
 * stands on its own; they are deleted long-name slots first for the same reason.
 */
#include "fat32_priv.h"
#include <lib/bytes.h>
#include <lib/errno.h>
#include <lib/string.h>

#define MAX_SLOTS 21u      /* 20 long-name slots (255 units) plus the short entry */
#define MAX_DIR_SLOTS 65536u /* FAT's limit on a directory's entries */
#define MAX_TAIL 999u

struct slot_pos {
    uint32_t cluster, index;
};

/* Whether c may appear in a short name as is (upper-case ASCII and the allowed marks). */
static int short_char(uint16_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c < 0x80 && c && strchr("!#$%&'()-@^_`{}~", (int)c));
}

static int name_valid(const uint16_t *name, uint32_t len)
{
    if (len == 0 || len > FAT32_MAX_NAME || name[len - 1] == '.' || name[len - 1] == ' ')
        return 0; /* also refuses "." and ".." */
    for (uint32_t i = 0; i < len; i++)
        if (name[i] < 0x20 || (name[i] < 0x80 && strchr("\"*/:<>?\\|", (int)name[i])))
            return 0;
    return 1;
}

/* The 8.3 form of a name and whether it needs long-name slots. */
struct short_form {
    uint8_t name11[11];
    uint8_t ntcase;        /* byte 12: 0x08 base lower, 0x10 extension lower */
    int need_lfn;
    int exact;             /* name11 is the name itself upper-cased, nothing lost */
    uint8_t basis[8];
    uint32_t blen;
};

/* Splits name at its last dot (not a leading one) into base and extension ranges. */
static uint32_t last_dot(const uint16_t *name, uint32_t len)
{
    for (uint32_t i = len; i-- > 1;)
        if (name[i] == '.')
            return i;
    return len;
}

/*
 * One part (base or extension) of a plain 8.3 name: every unit a short-name character
 * after upper-casing, and either no lower-case letter or no upper-case one.
 */
static int plain_part(const uint16_t *p, uint32_t n, uint32_t max, uint8_t *out, int *lower)
{
    int up = 0, lo = 0;
    if (n > max)
        return 0;
    for (uint32_t i = 0; i < n; i++) {
        uint16_t c = p[i];
        if (c >= 'a' && c <= 'z') {
            lo = 1;
            c = (uint16_t)(c - 32);
        } else if (c >= 'A' && c <= 'Z') {
            up = 1;
        }
        if (!short_char(c))
            return 0;
        out[i] = (uint8_t)c;
    }
    *lower = lo;
    return !(up && lo);
}

static void short_form(const uint16_t *name, uint32_t len, struct short_form *sf)
{
    memset(sf->name11, ' ', 11);
    sf->ntcase = 0;
    uint32_t dot = last_dot(name, len);
    uint32_t elen = dot < len ? len - dot - 1 : 0;
    int lb = 0, le = 0;
    int dots = 0;
    for (uint32_t i = 0; i < len; i++)
        dots += name[i] == '.';
    /* Plain: one dot at most, base 1-8 and extension 0-3 short-name characters. */
    if (dots <= 1 && dot > 0 && plain_part(name, dot, 8, sf->name11, &lb) &&
        plain_part(name + dot + 1, elen, 3, sf->name11 + 8, &le)) {
        sf->ntcase = (uint8_t)((lb ? 0x08 : 0) | (le ? 0x10 : 0));
        sf->need_lfn = 0;
        sf->exact = 1;
        return;
    }
    /* A basis: upper-cased, spaces and dots dropped (but the last dot's), characters a
     * short name cannot hold become '_'. */
    sf->need_lfn = 1;
    int lossy = 0;
    uint32_t b = 0, i = 0;
    while (i < len && (name[i] == '.' || name[i] == ' '))
        i++, lossy = 1;
    for (; i < dot; i++) {
        uint16_t c = name[i];
        if (c == ' ' || c == '.') {
            lossy = 1;
            continue;
        }
        if (c >= 'a' && c <= 'z')
            c = (uint16_t)(c - 32);
        if (!short_char(c))
            c = '_', lossy = 1;
        if (b == 8) {
            lossy = 1;
            break;
        }
        sf->basis[b++] = (uint8_t)c;
    }
    uint32_t e = 0;
    for (i = dot + 1; i < len; i++) {
        uint16_t c = name[i];
        if (c == ' ')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (uint16_t)(c - 32);
        if (!short_char(c))
            c = '_', lossy = 1;
        if (e == 3) {
            lossy = 1;
            break;
        }
        sf->name11[8 + e++] = (uint8_t)c;
    }
    if (b == 0) {
        sf->basis[b++] = '_';
        lossy = 1;
    }
    sf->blen = b;
    memcpy(sf->name11, sf->basis, b);
    sf->exact = !lossy;
}

/* Whether ent is one of the two entries (a or b) a rename leaves out of collisions. */
static int ignored(const struct fat32_dirent *ent, const struct fat32_dirent *a,
                   const struct fat32_dirent *b)
{
    return (a && a->ent_cluster == ent->ent_cluster && a->ent_index == ent->ent_index) ||
           (b && b->ent_cluster == ent->ent_cluster && b->ent_index == ent->ent_index);
}

/*
 * Makes sf->name11 unique in dir: the exact basis when free, else basis~N with the
 * smallest free N (the basis cut so the tail fits in 8). Entries a and b do not count;
 * ent is scratch space.
 */
static int unique_alias(struct fat32_vol *vol, uint32_t dir, struct short_form *sf,
                        const struct fat32_dirent *a, const struct fat32_dirent *b,
                        struct fat32_dirent *ent)
{
    uint8_t used[(MAX_TAIL + 8) / 8];
    struct fat32_dir_iter it;
    int taken = 0, rc;
    memset(used, 0, sizeof used);
    if ((rc = fat32_dir_open(vol, &it, dir)) < 0)
        return rc;
    while ((rc = fat32_dir_next(vol, &it, ent)) == 1) {
        if (ignored(ent, a, b) || memcmp(ent->raw83 + 8, sf->name11 + 8, 3) != 0)
            continue;
        if (memcmp(ent->raw83, sf->name11, 8) == 0)
            taken = 1;
        /* basis-prefix~digits: mark the number. */
        uint32_t p = 0;
        while (p < 8 && ent->raw83[p] != '~')
            p++;
        uint32_t n = 0, d = 0, q = p + 1;
        while (q < 8 && ent->raw83[q] >= '0' && ent->raw83[q] <= '9' && n <= MAX_TAIL)
            n = n * 10 + (ent->raw83[q++] - '0'), d++;
        while (q < 8 && ent->raw83[q] == ' ')
            q++;
        if (p == 8 || d == 0 || q != 8 || n == 0 || n > MAX_TAIL)
            continue;
        uint32_t keep = sf->blen < 7 - d ? sf->blen : 7 - d;
        if (p == keep && memcmp(ent->raw83, sf->basis, keep) == 0)
            used[n / 8] |= (uint8_t)(1u << (n % 8));
    }
    if (rc < 0)
        return rc;
    if (sf->exact && !taken)
        return 0;
    for (uint32_t n = 1; n <= MAX_TAIL; n++) {
        if (used[n / 8] & (1u << (n % 8)))
            continue;
        uint32_t d = n < 10 ? 1 : n < 100 ? 2 : 3;
        uint32_t keep = sf->blen < 7 - d ? sf->blen : 7 - d;
        memset(sf->name11, ' ', 8);
        memcpy(sf->name11, sf->basis, keep);
        sf->name11[keep] = '~';
        for (uint32_t k = d, v = n; k > 0; k--, v /= 10)
            sf->name11[keep + k] = (uint8_t)('0' + v % 10);
        return 0;
    }
    return K_ENOSPC; /* every alias of this basis is taken */
}

/* Steps pos to the next slot of its directory. 0, K_EINVAL (chain ends or is bad), K_EIO. */
static int slot_next(struct fat32_vol *vol, struct slot_pos *pos)
{
    if (++pos->index < fat32_cluster_bytes(vol) / 32)
        return 0;
    uint32_t next;
    int rc = fat32_fat_get(vol, pos->cluster, &next);
    if (rc < 0)
        return rc;
    if (!fat32_cluster_ok(vol, next))
        return K_EINVAL;
    pos->cluster = next;
    pos->index = 0;
    return 0;
}

/* Fills pos[0..n) with the n slots from start. */
static int slot_run(struct fat32_vol *vol, struct slot_pos start, uint32_t n, struct slot_pos *pos)
{
    pos[0] = start;
    for (uint32_t i = 1; i < n; i++) {
        pos[i] = pos[i - 1];
        int rc = slot_next(vol, &pos[i]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/*
 * Finds n consecutive free slots in the directory at dir, growing it by zeroed clusters
 * when it has none (up to FAT's 65536 entries). 0 with *start set, K_ENOSPC, K_EINVAL, K_EIO.
 */
static int find_slots(struct fat32_vol *vol, uint32_t dir, uint32_t n, struct slot_pos *start)
{
    uint32_t per = fat32_cluster_bytes(vol) / 32, run = 0, total = 0, walked = 1;
    uint32_t c = dir;
    int rc;
    for (;;) {
        for (uint32_t i = 0; i < per; i++, total++) {
            uint32_t byte = i * 32;
            uint64_t lba = fat32_cluster_lba(vol, c) + byte / vol->bytes_per_sector;
            if (byte % vol->bytes_per_sector == 0 &&
                (rc = vol->dev->read(vol->dev->ctx, lba, 1, vol->sector)) < 0)
                return rc;
            uint8_t first = vol->sector[byte % vol->bytes_per_sector];
            if (first == 0 || first == 0xE5) {
                if (run++ == 0)
                    *start = (struct slot_pos){ c, i };
                if (run == n)
                    return 0;
            } else {
                run = 0;
            }
        }
        uint32_t next;
        if ((rc = fat32_fat_get(vol, c, &next)) < 0)
            return rc;
        if (next >= FAT32_EOC_MIN) {
            if (total + per > MAX_DIR_SLOTS)
                return K_ENOSPC;
            /* Grow: a zeroed cluster (data, then its FAT entry), then the link. */
            if ((rc = fat32_zeroed_cluster(vol, &next)) < 0)
                return rc;
            if ((rc = fat32_fat_set(vol, c, next)) < 0) {
                (void)fat32_free_chain(vol, next);
                return rc;
            }
        } else if (!fat32_cluster_ok(vol, next) || ++walked > vol->cluster_count) {
            return K_EINVAL;
        }
        c = next;
    }
}

/*
 * Writes the 32-byte slots data[0..n) at pos[0..n) (mark_only: marks them free instead),
 * last slot first when backward, one write per sector touched.
 */
static int write_slots(struct fat32_vol *vol, const struct slot_pos *pos, uint32_t n,
                       const uint8_t *data, int backward, int mark_only)
{
    if (!vol->dev->write)
        return K_EROFS;
    uint64_t loaded = UINT64_MAX;
    int rc;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t i = backward ? n - 1 - k : k;
        uint32_t byte = pos[i].index * 32;
        uint64_t lba = fat32_cluster_lba(vol, pos[i].cluster) + byte / vol->bytes_per_sector;
        if (lba != loaded) {
            if (loaded != UINT64_MAX &&
                (rc = vol->dev->write(vol->dev->ctx, loaded, 1, vol->sector)) < 0)
                return rc;
            if ((rc = vol->dev->read(vol->dev->ctx, lba, 1, vol->sector)) < 0)
                return rc;
            loaded = lba;
        }
        uint8_t *e = vol->sector + byte % vol->bytes_per_sector;
        if (mark_only)
            e[0] = 0xE5;
        else
            memcpy(e, data + i * 32, 32);
    }
    return loaded == UINT64_MAX ? 0 : vol->dev->write(vol->dev->ctx, loaded, 1, vol->sector);
}

/* Builds the long-name slots and the short entry for name into data (n slots). */
static void build_set(const uint16_t *name, uint32_t len, const struct short_form *sf,
                      const struct fat32_dirent *f, uint32_t n, uint8_t *data)
{
    static const uint8_t offs[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };
    uint8_t sum = fat32_short_checksum(sf->name11);
    memset(data, 0, n * 32);
    for (uint32_t j = 0; j + 1 < n; j++) {
        uint8_t *e = data + j * 32;
        uint32_t seq = n - 1 - j;
        e[0] = (uint8_t)(seq | (j == 0 ? 0x40 : 0));
        e[11] = FAT32_ATTR_LFN;
        e[13] = sum;
        for (uint32_t k = 0; k < 13; k++) {
            uint32_t at = (seq - 1) * 13 + k;
            le16_write(e + offs[k], at < len ? name[at] : at == len ? 0 : 0xFFFF);
        }
    }
    uint8_t *e = data + (n - 1) * 32;
    memcpy(e, sf->name11, 11);
    if (e[0] == 0xE5)
        e[0] = 0x05;
    e[12] = sf->need_lfn ? 0 : sf->ntcase;
    fat32_entry_fields(e, f);
}

/*
 * Writes f (attr, cluster, size, times taken from it) as name into dir and updates f's
 * name and location. sf is the name's short form, already unique.
 */
static int place_entry(struct fat32_vol *vol, uint32_t dir, const uint16_t *name, uint32_t len,
                       const struct short_form *sf, struct fat32_dirent *f)
{
    uint32_t n = sf->need_lfn ? (len + 12) / 13 + 1 : 1;
    struct slot_pos start, pos[MAX_SLOTS];
    uint8_t data[MAX_SLOTS * 32];
    int rc = find_slots(vol, dir, n, &start);
    if (rc < 0 || (rc = slot_run(vol, start, n, pos)) < 0)
        return rc;
    build_set(name, len, sf, f, n, data);
    if ((rc = write_slots(vol, pos, n, data, 1, 0)) < 0)
        return rc;
    const uint8_t *e = data + (n - 1) * 32;
    fat32_short_name(e, f);
    if (sf->need_lfn) {
        memcpy(f->name, name, len * sizeof name[0]);
        f->name_len = len;
    }
    memcpy(f->raw83, e, 11);
    f->dir_cluster = dir;
    f->set_cluster = pos[0].cluster;
    f->set_index = pos[0].index;
    f->ent_cluster = pos[n - 1].cluster;
    f->ent_index = pos[n - 1].index;
    f->slots = n;
    return 0;
}

/* Marks f's slots free, long-name slots first. */
static int unlink_entry(struct fat32_vol *vol, const struct fat32_dirent *f)
{
    struct slot_pos pos[MAX_SLOTS];
    if (f->slots == 0 || f->slots > MAX_SLOTS || !fat32_cluster_ok(vol, f->set_cluster))
        return K_EINVAL;
    int rc = slot_run(vol, (struct slot_pos){ f->set_cluster, f->set_index }, f->slots, pos);
    if (rc < 0)
        return rc;
    if (pos[f->slots - 1].cluster != f->ent_cluster || pos[f->slots - 1].index != f->ent_index)
        return K_EINVAL;
    return write_slots(vol, pos, f->slots, NULL, 0, 1);
}

/*
 * A new directory's first cluster: "." and ".." written into a free cluster, then the
 * cluster claimed. parent is the containing directory (0 for the root, as FAT writes it).
 */
static int dir_cluster_new(struct fat32_vol *vol, const struct fat32_dirent *self,
                           uint32_t parent, uint32_t *out)
{
    uint8_t head[64];
    struct short_form dots;
    struct fat32_dirent d = *self;
    uint32_t c;
    int rc = fat32_find_free(vol, &c);
    if (rc < 0)
        return rc;
    memset(&dots, 0, sizeof dots);
    memset(dots.name11, ' ', 11);
    dots.name11[0] = '.';
    d.first_cluster = c;
    build_set(NULL, 0, &dots, &d, 1, head);
    dots.name11[1] = '.';
    d.first_cluster = parent == vol->root_cluster ? 0 : parent;
    build_set(NULL, 0, &dots, &d, 1, head + 32);
    if ((rc = fat32_fill_cluster(vol, c, head, sizeof head)) < 0 ||
        (rc = fat32_claim_chain(vol, &c, 1)) < 0)
        return rc;
    *out = c;
    return 0;
}

int fat32_create(struct fat32_vol *vol, uint32_t dir_cluster, const uint16_t *name,
                 uint32_t len, uint8_t attr, struct fat32_dirent *ent)
{
    if (!name_valid(name, len))
        return K_EINVAL;
    if (!vol->dev->write)
        return K_EROFS;
    int rc = fat32_lookup(vol, dir_cluster, name, len, ent);
    if (rc == 0)
        return K_EEXIST;
    if (rc != K_ENOENT)
        return rc;
    struct short_form sf;
    short_form(name, len, &sf);
    if (sf.need_lfn && (rc = unique_alias(vol, dir_cluster, &sf, NULL, NULL, ent)) < 0)
        return rc;
    uint16_t date, time;
    uint8_t cs;
    fat32_stamp(vol, &date, &time, &cs);
    memset(ent, 0, sizeof *ent);
    ent->attr = attr & (FAT32_ATTR_READONLY | FAT32_ATTR_HIDDEN | FAT32_ATTR_SYSTEM |
                        FAT32_ATTR_ARCHIVE | FAT32_ATTR_DIRECTORY);
    if (!(ent->attr & FAT32_ATTR_DIRECTORY))
        ent->attr |= FAT32_ATTR_ARCHIVE;
    ent->create_time = fat32_time_to_filetime(date, time, cs);
    ent->write_time = fat32_time_to_filetime(date, time, 0);
    ent->access_time = fat32_time_to_filetime(date, 0, 0);
    if ((ent->attr & FAT32_ATTR_DIRECTORY) &&
        (rc = dir_cluster_new(vol, ent, dir_cluster, &ent->first_cluster)) < 0)
        return rc;
    rc = place_entry(vol, dir_cluster, name, len, &sf, ent);
    if (rc < 0 && ent->first_cluster)
        (void)fat32_free_chain(vol, ent->first_cluster);
    return rc;
}

int fat32_delete(struct fat32_vol *vol, struct fat32_dirent *f)
{
    int rc = fat32_entry_check(vol, f);
    if (rc < 0)
        return rc;
    if (!vol->dev->write)
        return K_EROFS;
    if (f->attr & FAT32_ATTR_DIRECTORY) {
        struct fat32_dir_iter it;
        struct fat32_dirent tmp;
        if ((rc = fat32_dir_open(vol, &it, f->first_cluster)) < 0)
            return rc;
        rc = fat32_dir_next(vol, &it, &tmp);
        if (rc != 0)
            return rc == 1 ? K_ENOTEMPTY : rc;
    }
    if ((rc = unlink_entry(vol, f)) < 0)
        return rc;
    return f->first_cluster ? fat32_free_chain(vol, f->first_cluster) : 0;
}

/* Whether dir is d itself or lies below it, following ".." entries up to the root. */
static int inside(struct fat32_vol *vol, uint32_t dir, uint32_t d, int *result)
{
    uint32_t c = dir;
    for (uint32_t n = 0; n < vol->cluster_count; n++) {
        if (c == d) {
            *result = 1;
            return 0;
        }
        if (c == vol->root_cluster || !fat32_cluster_ok(vol, c))
            break;
        int rc = vol->dev->read(vol->dev->ctx, fat32_cluster_lba(vol, c), 1, vol->sector);
        if (rc < 0)
            return rc;
        const uint8_t *e = vol->sector + 32;
        if (memcmp(e, "..         ", 11) != 0)
            return K_EINVAL; /* a directory without its ".." entry */
        c = le16_read(e + 26) | ((uint32_t)le16_read(e + 20) << 16);
        if (c == 0)
            break; /* the root */
    }
    *result = 0;
    return 0;
}

int fat32_rename(struct fat32_vol *vol, struct fat32_dirent *f, uint32_t new_dir,
                 const uint16_t *name, uint32_t len, int replace)
{
    struct fat32_dirent t, tmp;
    int rc, below = 0, have_target = 0;
    if (!name_valid(name, len) || !fat32_cluster_ok(vol, new_dir))
        return K_EINVAL;
    if (!vol->dev->write)
        return K_EROFS;
    if ((rc = fat32_entry_check(vol, f)) < 0)
        return rc;
    if ((f->attr & FAT32_ATTR_DIRECTORY) && (rc = inside(vol, new_dir, f->first_cluster, &below)) < 0)
        return rc;
    if (below)
        return K_EINVAL;
    rc = fat32_lookup(vol, new_dir, name, len, &t);
    if (rc == 0 && !(t.ent_cluster == f->ent_cluster && t.ent_index == f->ent_index)) {
        if (!replace)
            return K_EEXIST;
        if ((t.attr & FAT32_ATTR_DIRECTORY) || (f->attr & FAT32_ATTR_DIRECTORY))
            return K_EPERM;
        have_target = 1;
    } else if (rc != 0 && rc != K_ENOENT) {
        return rc;
    }
    struct short_form sf;
    short_form(name, len, &sf);
    if (sf.need_lfn &&
        (rc = unique_alias(vol, new_dir, &sf, f, have_target ? &t : NULL, &tmp)) < 0)
        return rc;
    /* Old entries go first, so no moment has two entries sharing one chain. */
    if (have_target && (rc = unlink_entry(vol, &t)) < 0)
        return rc;
    if ((rc = unlink_entry(vol, f)) < 0)
        return rc;
    uint32_t old_dir = f->dir_cluster;
    if ((rc = place_entry(vol, new_dir, name, len, &sf, f)) < 0)
        return rc;
    if ((f->attr & FAT32_ATTR_DIRECTORY) && old_dir != new_dir) {
        /* The moved directory's ".." now names its new parent. */
        uint64_t lba = fat32_cluster_lba(vol, f->first_cluster);
        if ((rc = vol->dev->read(vol->dev->ctx, lba, 1, vol->sector)) < 0)
            return rc;
        uint32_t parent = new_dir == vol->root_cluster ? 0 : new_dir;
        le16_write(vol->sector + 32 + 20, (uint16_t)(parent >> 16));
        le16_write(vol->sector + 32 + 26, (uint16_t)parent);
        if ((rc = vol->dev->write(vol->dev->ctx, lba, 1, vol->sector)) < 0)
            return rc;
    }
    return have_target && t.first_cluster ? fat32_free_chain(vol, t.first_cluster) : 0;
}
