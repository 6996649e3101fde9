/*
 * libFuzzer harness for the FAT32 write path: mount a hostile volume, then create,
 * write, extend, truncate, rename and delete files and directories on it, including the
 * entries the volume already has. The input is the same sparse disk as fuzz_fat32's
 * (records of a 4-byte little-endian sector number and its 512 bytes); writes go to an
 * overlay. It traps when the core reads or writes outside the device, writes the boot
 * sector or any reserved sector but FSInfo, or reports a read longer than asked.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <fs/fat32.h>
#include <lib/errno.h>

#define DISK_SECTORS (1u << 17) /* 64 MiB, as fuzz_fat32 */
#define RECORD       (4 + 512)
#define OVERLAY      2048       /* written sectors kept; more writes fail with K_EIO */
#define MAX_ENTRIES  8          /* existing root entries written to, per input */

struct cow_disk {
    const uint8_t *data;
    size_t records;
    uint32_t written;
    uint32_t lba[OVERLAY];
    uint8_t sector[OVERLAY][512];
    const struct fat32_vol *vol; /* set once mounted: writes are checked against it */
};

static struct cow_disk disk;

static uint8_t *overlay_find(uint32_t lba)
{
    for (uint32_t i = 0; i < disk.written; i++)
        if (disk.lba[i] == lba)
            return disk.sector[i];
    return NULL;
}

static int cow_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    uint8_t *out = buf;
    (void)ctx;
    if (lba >= DISK_SECTORS || count > DISK_SECTORS - lba)
        __builtin_trap(); /* outside the device */
    for (uint32_t s = 0; s < count; s++, out += 512) {
        const uint8_t *o = overlay_find((uint32_t)(lba + s));
        if (o) {
            memcpy(out, o, 512);
            continue;
        }
        memset(out, 0, 512);
        for (size_t r = disk.records; r-- > 0;) {
            const uint8_t *rec = disk.data + r * RECORD;
            uint32_t n = rec[0] | rec[1] << 8 | rec[2] << 16 | (uint32_t)rec[3] << 24;
            if (n == lba + s) {
                memcpy(out, rec + 4, 512);
                break;
            }
        }
    }
    return 0;
}

static int cow_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
    const uint8_t *in = buf;
    const struct fat32_vol *vol = disk.vol;
    (void)ctx;
    if (lba >= DISK_SECTORS || count > DISK_SECTORS - lba || !vol)
        __builtin_trap(); /* outside the device, or a write before the mount finished */
    if (lba + count > vol->total_sectors ||
        (lba < vol->reserved_sectors && !(count == 1 && lba == vol->fsinfo_sector && lba != 0)))
        __builtin_trap(); /* outside the volume, or over the boot sector */
    for (uint32_t s = 0; s < count; s++, in += 512) {
        uint8_t *o = overlay_find((uint32_t)(lba + s));
        if (!o) {
            if (disk.written == OVERLAY)
                return K_EIO;
            disk.lba[disk.written] = (uint32_t)(lba + s);
            o = disk.sector[disk.written++];
        }
        memcpy(o, in, 512);
    }
    return 0;
}

static struct fat32_vol vol;
static struct fat32_dirent ents[MAX_ENTRIES], made, sub, inner;
static uint8_t buf[8192];

static uint32_t name16(const char *s, uint16_t *w)
{
    uint32_t n = 0;
    for (; s[n]; n++)
        w[n] = (uint8_t)s[n];
    return n;
}

/* Writes to, reads, grows, shrinks, renames and deletes one existing entry. */
static void abuse(struct fat32_dirent *e, int i)
{
    uint16_t w[64];
    uint32_t done;
    if (fat32_read(&vol, e, 0, buf, sizeof buf, &done) == 0 && done > sizeof buf)
        __builtin_trap();
    (void)fat32_write(&vol, e, e->size > 100 ? 100 : e->size, buf, 700, &done);
    (void)fat32_write(&vol, e, e->size + 3000, buf, 100, &done);
    (void)fat32_truncate(&vol, e, 10);
    if (i & 1)
        (void)fat32_rename(&vol, e, vol.root_cluster, w, name16("Renamed by the fuzzer", w), i & 2);
    (void)fat32_set_attr(&vol, e, FAT32_ATTR_ARCHIVE);
    (void)fat32_delete(&vol, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct fat32_blkdev dev = { .read = cow_read, .write = cow_write,
                                             .sectors = DISK_SECTORS };
    struct fat32_dir_iter it;
    uint16_t w[64];
    uint32_t done;
    int n = 0;

    disk.data = data;
    disk.records = size / RECORD;
    disk.written = 0;
    disk.vol = NULL;
    if (fat32_mount(&vol, &dev) != 0)
        return 0;
    disk.vol = &vol;
    memset(buf, 0x5A, sizeof buf);

    /* The volume's own entries first (collected before anything changes the root). */
    if (fat32_dir_open(&vol, &it, vol.root_cluster) == 0)
        while (n < MAX_ENTRIES && fat32_dir_next(&vol, &it, &ents[n]) == 1)
            n++;
    for (int i = 0; i < n; i++)
        abuse(&ents[i], i);

    /* Then new files and directories on whatever the volume has become. */
    if (fat32_create(&vol, vol.root_cluster, w, name16("Fuzz Written File.txt", w), 0, &made) == 0) {
        (void)fat32_write(&vol, &made, 0, buf, 3000, &done);
        (void)fat32_write(&vol, &made, 10000, buf, sizeof buf, &done);
        if (fat32_read(&vol, &made, 0, buf, sizeof buf, &done) == 0 && done > sizeof buf)
            __builtin_trap();
        (void)fat32_truncate(&vol, &made, 700);
    }
    if (fat32_create(&vol, vol.root_cluster, w, name16("dir", w), FAT32_ATTR_DIRECTORY, &sub) == 0 &&
        fat32_create(&vol, sub.first_cluster, w, name16("inner.txt", w), 0, &inner) == 0) {
        (void)fat32_write(&vol, &inner, 0, buf, 600, &done);
        (void)fat32_rename(&vol, &inner, vol.root_cluster, w, name16("moved.txt", w), 0);
        (void)fat32_rename(&vol, &sub, sub.first_cluster, w, name16("loop", w), 0);
        (void)fat32_delete(&vol, &sub);
        (void)fat32_delete(&vol, &inner);
    }
    (void)fat32_delete(&vol, &made);
    (void)fat32_flush(&vol);
    return 0;
}
