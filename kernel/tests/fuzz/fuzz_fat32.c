/*
 * libFuzzer harness for the FAT32 core: mount a hostile volume, list every directory
 * reachable from the root and walk every chain it names. The input is a sparse disk:
 * records of a 4-byte little-endian sector number followed by that sector's 512 bytes
 * (a later record for the same sector wins); sectors no record names read as zeros.
 * That lets a few dozen records stand for a whole 64 MiB volume. The volume's figures
 * are checked against the boot sector and the FAT read here: the label and serial
 * (present only with the extended boot signature, the label cut of trailing spaces,
 * "NO NAME" none), and the free count, FSInfo's only when it fits the volume, else the
 * FAT's zero entries counted.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <fs/fat32.h>
#include <lib/errno.h>

#define DISK_SECTORS (1u << 17) /* 64 MiB: the smallest FAT32 volumes fit */
#define RECORD       (4 + 512)
#define MAX_DEPTH    4
#define MAX_ENTRIES  256        /* per directory: keeps one input's run short */

struct sparse_disk {
    const uint8_t *data;
    size_t records;
};

static int sparse_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    const struct sparse_disk *d = ctx;
    uint8_t *out = buf;

    if (lba >= DISK_SECTORS || count > DISK_SECTORS - lba)
        return K_EIO;
    for (uint32_t s = 0; s < count; s++, out += 512) {
        memset(out, 0, 512);
        for (size_t r = d->records; r-- > 0;) {
            const uint8_t *rec = d->data + r * RECORD;
            uint32_t n = rec[0] | rec[1] << 8 | rec[2] << 16 | (uint32_t)rec[3] << 24;
            if (n == lba + s) {
                memcpy(out, rec + 4, 512);
                break;
            }
        }
    }
    return 0;
}

static struct fat32_vol vol;
static struct fat32_dirent ents[MAX_DEPTH + 1];
static struct fat32_dir_iter iters[MAX_DEPTH + 1];

static void walk_dir(uint32_t cluster, int depth)
{
    struct fat32_dir_iter *it = &iters[depth];
    struct fat32_dirent *ent = &ents[depth];
    uint32_t n;

    if (fat32_dir_open(&vol, it, cluster) != 0)
        return;
    for (int i = 0; i < MAX_ENTRIES && fat32_dir_next(&vol, it, ent) == 1; i++) {
        if (ent->name_len > 255)
            __builtin_trap(); /* the core promised at most 255 UTF-16 units */
        if (ent->first_cluster == 0)
            continue;
        if ((ent->attr & FAT32_ATTR_DIRECTORY) && depth < MAX_DEPTH)
            walk_dir(ent->first_cluster, depth + 1);
        else
            (void)fat32_chain_length(&vol, ent->first_cluster, &n);
    }
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The label, serial and free count the mount and fat32_count_free give, against the
 * boot sector, FSInfo and the FAT as this harness reads them. */
static void check_figures(const struct fat32_blkdev *dev)
{
    static uint8_t boot[512], info[512], fat[512];

    if (dev->read(dev->ctx, 0, 1, boot) != 0)
        __builtin_trap();
    size_t len = strnlen(vol.label, sizeof vol.label);
    if (len >= sizeof vol.label || len > 11)
        __builtin_trap(); /* not terminated inside the field */
    if (boot[66] != 0x29) {
        if (vol.serial != 0 || len != 0)
            __builtin_trap(); /* no extended boot signature: no label, no serial */
    } else {
        char want[12];
        size_t n = 11;
        memcpy(want, boot + 71, 11);
        while (n > 0 && (want[n - 1] == ' ' || want[n - 1] == '\0'))
            n--;
        want[n] = '\0';
        if (strcmp(want, "NO NAME") == 0)
            want[0] = '\0', n = 0;
        if (vol.serial != le32(boot + 67) || len > n || memcmp(vol.label, want, len) != 0)
            __builtin_trap(); /* a label ends at its first NUL, so it may be shorter */
    }
    /* FSInfo's free count, when the mount believed it: it fits the volume. */
    uint32_t hint = FAT32_UNKNOWN, fsinfo = boot[48] | boot[49] << 8;
    if (vol.fsinfo_sector) {
        if (vol.fsinfo_sector != fsinfo || dev->read(dev->ctx, fsinfo, 1, info) != 0 ||
            le32(info) != 0x41615252u || le32(info + 484) != 0x61417272u)
            __builtin_trap();
        hint = le32(info + 488);
    }
    uint32_t free = 0;
    if (fat32_count_free(&vol, &free) != 0)
        return; /* a read past the device: an error, fine */
    if (free > vol.cluster_count)
        __builtin_trap();
    if (hint != FAT32_UNKNOWN && hint <= vol.cluster_count) {
        if (free != hint)
            __builtin_trap(); /* a believable hint is what the volume reports */
        return;
    }
    /* No believable hint: the FAT's free entries, counted here (512-byte sectors only:
     * the harness's device has no other). */
    if (vol.bytes_per_sector != 512)
        return;
    uint32_t n = 0, end = vol.cluster_count + 2, have = UINT32_MAX;
    for (uint32_t c = 2; c < end; c++) {
        uint32_t sec = vol.reserved_sectors + c / 128;
        if (sec != have) {
            if (dev->read(dev->ctx, sec, 1, fat) != 0)
                return;
            have = sec;
        }
        n += (le32(fat + (c % 128) * 4) & 0x0FFFFFFFu) == 0;
    }
    if (free != n)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sparse_disk disk = { data, size / RECORD };
    const struct fat32_blkdev dev = { .ctx = &disk, .read = sparse_read, .sectors = DISK_SECTORS };
    uint32_t n;

    if (fat32_mount(&vol, &dev) != 0)
        return 0;
    if (vol.data_start >= DISK_SECTORS || vol.total_sectors > DISK_SECTORS)
        __builtin_trap(); /* mount accepted a volume larger than its device */
    check_figures(&dev);
    (void)fat32_chain_length(&vol, vol.root_cluster, &n);
    walk_dir(vol.root_cluster, 0);
    return 0;
}
