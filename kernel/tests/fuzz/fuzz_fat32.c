/*
 * libFuzzer harness for the FAT32 core: mount a hostile volume, list every directory
 * reachable from the root and walk every chain it names. The input is a sparse disk:
 * records of a 4-byte little-endian sector number followed by that sector's 512 bytes
 * (a later record for the same sector wins); sectors no record names read as zeros.
 * That lets a few dozen records stand for a whole 64 MiB volume.
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
    (void)fat32_chain_length(&vol, vol.root_cluster, &n);
    walk_dir(vol.root_cluster, 0);
    return 0;
}
