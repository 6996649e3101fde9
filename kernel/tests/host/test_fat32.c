/*
 * Host tests of the FAT32 core against images mtools makes at test time: a fresh
 * volume mounts and its chains walk; corrupt boot sectors and looping, out-of-volume
 * or broken chains are refused with K_EINVAL instead of hanging or reading past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fat32_test_util.h"

static struct fat32_blkdev dev = { .read = mem_read, .write = mem_write, .sectors = IMG_BYTES / 512 };
static struct fat32_vol vol;

/* Builds a fresh 64 MiB FAT32 image with mformat plus one multi-cluster file. */
static int make_image(void **state)
{
    (void)state;
    return image_build("head -c 20000 /dev/urandom > $IMG.dat && mcopy -i $IMG $IMG.dat ::/BIG.DAT && "
                       "mcopy -i $IMG $IMG.dat '::/A long file name.txt' && mmd -i $IMG ::/SubDir && "
                       "rm -f $IMG.dat");
}

static int free_image(void **state)
{
    (void)state;
    image_free();
    return 0;
}

static uint8_t saved[512];

static int save_boot(void **state)
{
    (void)state;
    memcpy(saved, image, 512);
    return 0;
}

static int restore_boot(void **state)
{
    (void)state;
    memcpy(image, saved, 512);
    return 0;
}

static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static uint8_t *fat_entry(uint32_t cluster)
{
    return image + (size_t)vol.reserved_sectors * 512 + (size_t)cluster * 4;
}

static void mtools_image_mounts(void **state)
{
    (void)state;
    assert_int_equal(fat32_mount(&vol, &dev), 0);
    assert_int_equal(vol.bytes_per_sector, 512);
    assert_true(vol.cluster_count >= 65525);
    assert_int_equal(vol.root_cluster, 2);
    assert_int_not_equal(vol.fsinfo_sector, 0);
    uint32_t n = 0;
    assert_int_equal(fat32_chain_length(&vol, vol.root_cluster, &n), 0);
    assert_int_equal(n, 1);
    /* BIG.DAT is the first file: its chain starts at cluster 3 and covers 20000 bytes. */
    uint32_t csize = vol.sectors_per_cluster * 512;
    assert_int_equal(fat32_chain_length(&vol, 3, &n), 0);
    assert_int_equal(n, (20000 + csize - 1) / csize);
}

static void bad_bpb_fields_are_refused(void **state)
{
    (void)state;
    struct { size_t off; int width; uint32_t value; } cases[] = {
        { 11, 2, 1000 },        /* bytes per sector not a power of two */
        { 11, 2, 256 },         /* bytes per sector too small */
        { 13, 1, 3 },           /* sectors per cluster not a power of two */
        { 13, 1, 0 },
        { 14, 2, 0 },           /* no reserved sectors */
        { 16, 1, 0 },           /* no FAT */
        { 36, 4, 1 },           /* FAT too small for the clusters */
        { 36, 4, 0x7FFFFFFF },  /* FATs past the volume */
        { 32, 4, 0xFFFFFFFF },  /* total sectors past the device */
        { 44, 4, 0 },           /* root cluster below 2 */
        { 44, 4, 0x0FFFFFF0 },  /* root cluster past the volume */
        { 510, 1, 0 },          /* no boot signature */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(image, saved, 512);
        uint8_t *p = image + cases[i].off;
        for (int b = 0; b < cases[i].width; b++)
            p[b] = (uint8_t)(cases[i].value >> (8 * b));
        assert_int_equal(fat32_mount(&vol, &dev), K_EINVAL);
    }
    memcpy(image, saved, 512);
    assert_int_equal(fat32_mount(&vol, &dev), 0);
}

static void broken_chains_are_refused(void **state)
{
    (void)state;
    assert_int_equal(fat32_mount(&vol, &dev), 0);
    uint8_t keep[4];
    uint32_t n;
    memcpy(keep, fat_entry(3), 4);
    wr32(fat_entry(3), 3); /* loops onto itself */
    assert_int_equal(fat32_chain_length(&vol, 3, &n), K_EINVAL);
    wr32(fat_entry(3), vol.cluster_count + 2); /* first cluster past the volume */
    assert_int_equal(fat32_chain_length(&vol, 3, &n), K_EINVAL);
    wr32(fat_entry(3), 0); /* runs into a free cluster */
    assert_int_equal(fat32_chain_length(&vol, 3, &n), K_EINVAL);
    memcpy(fat_entry(3), keep, 4);
    assert_int_equal(fat32_chain_length(&vol, 3, &n), 0);
    assert_int_equal(fat32_chain_length(&vol, 0, &n), K_EINVAL);
    assert_int_equal(fat32_chain_length(&vol, vol.cluster_count + 2, &n), K_EINVAL);
}

/* Compares a UTF-16 name with an ASCII string. */
static int name_is(const struct fat32_dirent *e, const char *s)
{
    size_t n = strlen(s);
    if (e->name_len != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (e->name[i] != (uint16_t)s[i])
            return 0;
    return 1;
}

static void root_lists_long_and_short_names(void **state)
{
    (void)state;
    assert_int_equal(fat32_mount(&vol, &dev), 0);
    struct fat32_dir_iter it;
    static struct fat32_dirent ent;
    assert_int_equal(fat32_dir_open(&vol, &it, vol.root_cluster), 0);
    int seen_big = 0, seen_long = 0, seen_dir = 0, count = 0, rc;
    while ((rc = fat32_dir_next(&vol, &it, &ent)) == 1) {
        count++;
        if (name_is(&ent, "BIG.DAT") && ent.size == 20000 && ent.first_cluster == 3)
            seen_big = 1;
        if (name_is(&ent, "A long file name.txt") && ent.size == 20000)
            seen_long = 1;
        if (name_is(&ent, "SubDir") && (ent.attr & FAT32_ATTR_DIRECTORY))
            seen_dir = 1;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(count, 3);
    assert_true(seen_big && seen_long && seen_dir);
}

/* Finds the short entry named name11 in the root cluster of the mounted image. */
static uint8_t *root_entry(const char *name11)
{
    uint8_t *root = image + vol.data_start * 512 + (size_t)(vol.root_cluster - 2) *
                    vol.sectors_per_cluster * 512;
    for (size_t off = 0; off < (size_t)vol.sectors_per_cluster * 512; off += 32)
        if (memcmp(root + off, name11, 11) == 0)
            return root + off;
    return NULL;
}

static void hostile_directories_are_refused(void **state)
{
    (void)state;
    assert_int_equal(fat32_mount(&vol, &dev), 0);
    uint8_t *sub = root_entry("SUBDIR     ");
    assert_non_null(sub);
    uint8_t keep[32];
    memcpy(keep, sub, 32);
    struct fat32_dir_iter it;
    static struct fat32_dirent ent;
    int rc;
    /* The subdirectory claims the root's own cluster: its own parent. */
    sub[26] = (uint8_t)vol.root_cluster; sub[27] = 0; sub[20] = sub[21] = 0;
    assert_int_equal(fat32_dir_open(&vol, &it, vol.root_cluster), 0);
    while ((rc = fat32_dir_next(&vol, &it, &ent)) == 1)
        ;
    assert_int_equal(rc, K_EINVAL);
    /* An entry whose cluster lies past the volume. */
    memcpy(sub, keep, 32);
    sub[20] = 0xFF; sub[21] = 0x0F;
    assert_int_equal(fat32_dir_open(&vol, &it, vol.root_cluster), 0);
    while ((rc = fat32_dir_next(&vol, &it, &ent)) == 1)
        ;
    assert_int_equal(rc, K_EINVAL);
    memcpy(sub, keep, 32);
    /* A long name whose checksum does not match falls back to the 8.3 name. */
    uint8_t *lfn = sub - 32;
    assert_int_equal(lfn[11], FAT32_ATTR_LFN);
    lfn[13] ^= 0xFF;
    assert_int_equal(fat32_dir_open(&vol, &it, vol.root_cluster), 0);
    int saw_short = 0;
    while ((rc = fat32_dir_next(&vol, &it, &ent)) == 1)
        if (name_is(&ent, "SUBDIR"))
            saw_short = 1;
    lfn[13] ^= 0xFF;
    assert_int_equal(rc, 0);
    assert_true(saw_short);
    /* A root directory chain looping onto itself ends with K_EINVAL, not a hang. */
    uint8_t fkeep[4];
    memcpy(fkeep, fat_entry(vol.root_cluster), 4);
    wr32(fat_entry(vol.root_cluster), vol.root_cluster);
    uint8_t *root = root_entry("BIG     DAT");
    uint8_t *end = image + vol.data_start * 512 + (size_t)(vol.root_cluster - 2) *
                   vol.sectors_per_cluster * 512 + (size_t)vol.sectors_per_cluster * 512;
    static uint8_t saved_root[65536];
    size_t span = (size_t)(end - root);
    memcpy(saved_root, root, span);
    for (uint8_t *p = root; p < end; p += 32)
        memcpy(p, keep, 32); /* fill the cluster so the walk never meets an end marker */
    for (uint8_t *p = root; p < end; p += 32)
        p[0] = 0xE5;
    assert_int_equal(fat32_dir_open(&vol, &it, vol.root_cluster), 0);
    while ((rc = fat32_dir_next(&vol, &it, &ent)) == 1)
        ;
    assert_int_equal(rc, K_EINVAL);
    memcpy(root, saved_root, span);
    memcpy(fat_entry(vol.root_cluster), fkeep, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mtools_image_mounts),
        cmocka_unit_test_setup_teardown(bad_bpb_fields_are_refused, save_boot, restore_boot),
        cmocka_unit_test(broken_chains_are_refused),
        cmocka_unit_test(root_lists_long_and_short_names),
        cmocka_unit_test(hostile_directories_are_refused),
    };
    return cmocka_run_group_tests(tests, make_image, free_image);
}
