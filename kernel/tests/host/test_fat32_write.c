/*
 * Host tests of the FAT32 write path on images mtools makes at test time: lookup and
 * reads at offsets, create/write/truncate/delete/rename/mkdir/rmdir, aliases, times, a
 * full volume, a read-only device, and power cut after every single sector write. Each
 * kind of write is checked back with mtools (mtype, mdir) and with `fsck.fat -n`.
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

static int cut_after = -1; /* writes allowed before the power cut; -1: no cut */
static int writes_seen;

static int cut_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
    if (cut_after >= 0 && writes_seen >= cut_after)
        return K_EIO; /* the power is gone: nothing more reaches the disk */
    writes_seen++;
    return mem_write(ctx, lba, count, buf);
}

static struct fat32_blkdev dev = { .read = mem_read, .write = cut_write, .sectors = IMG_BYTES / 512 };
static struct fat32_vol vol;
static char out[65536];
static char data_path[64];

/* Deterministic bytes that differ from cluster to cluster. */
static void pattern(uint8_t *buf, uint32_t len, uint32_t seed)
{
    uint32_t x = seed * 2654435761u + 1;
    for (uint32_t i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
}

static uint32_t u16(const char *s, uint16_t *w)
{
    uint32_t n = 0;
    while (s[n]) {
        w[n] = (uint8_t)s[n];
        n++;
    }
    return n;
}

static int lookup(uint32_t dir, const char *name, struct fat32_dirent *e)
{
    uint16_t w[300];
    return fat32_lookup(&vol, dir, w, u16(name, w), e);
}

static int create(uint32_t dir, const char *name, uint8_t attr, struct fat32_dirent *e)
{
    uint16_t w[300];
    return fat32_create(&vol, dir, w, u16(name, w), attr, e);
}

static int rename_to(struct fat32_dirent *f, uint32_t dir, const char *name, int replace)
{
    uint16_t w[300];
    return fat32_rename(&vol, f, dir, w, u16(name, w), replace);
}

/* fsck.fat -n finds nothing to repair. */
static void assert_fsck_clean(void)
{
    int rc = image_run("fsck.fat -n $IMG", out, sizeof out);
    if (rc != 0)
        fprintf(stderr, "fsck.fat -n said:\n%s\n", out);
    assert_int_equal(rc, 0);
}

/* mtype prints exactly data for path. */
static void assert_mtype(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(data_path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "mtype -i $IMG '::%s' | cmp - %s", path, data_path);
    int rc = image_run(cmd, out, sizeof out);
    if (rc != 0)
        fprintf(stderr, "%s: %s\n", path, out);
    assert_int_equal(rc, 0);
}

static uint8_t big[1 << 20];
static uint8_t back[1 << 20];

/* A fresh volume with a 70000-byte BIG.DAT, a long-named copy and a directory. */
static int fresh_volume(void)
{
    snprintf(data_path, sizeof data_path, "/tmp/fat32data.%d", (int)getpid());
    pattern(big, 70000, 1);
    FILE *f = fopen(data_path, "wb");
    if (!f || fwrite(big, 1, 70000, f) != 70000)
        return -1;
    fclose(f);
    char script[512];
    snprintf(script, sizeof script,
             "mcopy -i $IMG %s ::/BIG.DAT && mcopy -i $IMG %s '::/A long file name.txt' && "
             "mmd -i $IMG ::/SubDir", data_path, data_path);
    if (image_build(script) != 0)
        return -1;
    cut_after = -1;
    dev.write = cut_write;
    dev.now = NULL;
    dev.sectors = image_bytes / 512;
    return fat32_mount(&vol, &dev);
}

/* The default: 64 MiB in 512-byte clusters, one sector each, so chains are long. */
static int fresh(void **state)
{
    (void)state;
    image_bytes = IMG_BYTES;
    image_mformat = "";
    return fresh_volume();
}

/* 80 MiB in 1 KiB clusters: transfers of several sectors and part of a cluster. */
static int fresh_1k(void **state)
{
    (void)state;
    image_bytes = IMG_MAX;
    image_mformat = "-c 2";
    if (fresh_volume() != 0 || vol.sectors_per_cluster != 2)
        return -1;
    return 0;
}

static int cleanup(void **state)
{
    (void)state;
    remove(data_path);
    return 0;
}

static void lookup_and_read_at_offsets(void **state)
{
    (void)state;
    static struct fat32_dirent e;
    uint32_t done;
    assert_int_equal(lookup(vol.root_cluster, "big.dat", &e), 0);
    assert_int_equal(e.size, 70000);
    assert_int_equal(lookup(vol.root_cluster, "a LONG FILE name.TXT", &e), 0);
    assert_string_equal(e.short_name, "ALONGF~1.TXT");
    assert_int_equal(lookup(vol.root_cluster, "alongf~1.txt", &e), 0);
    assert_int_equal(e.size, 70000);
    assert_int_equal(lookup(vol.root_cluster, "SUBDIR", &e), 0);
    assert_true(e.attr & FAT32_ATTR_DIRECTORY);
    assert_int_equal(lookup(vol.root_cluster, "nothere.txt", &e), K_ENOENT);
    assert_int_equal(lookup(vol.root_cluster, "big.da", &e), K_ENOENT);
    assert_int_equal(fat32_read(&vol, &e, 0, back, 10, &done), K_EISDIR);

    assert_int_equal(lookup(vol.root_cluster, "Big.Dat", &e), 0);
    static const uint32_t offs[][2] = {
        { 0, 70000 }, { 1, 510 }, { 511, 2 }, { 512, 512 }, { 4095, 9000 }, { 69999, 100 },
        { 30000, 1 }, { 100, 50000 }, { 0, 1 },
    };
    for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
        memset(back, 0xAA, offs[i][1]);
        assert_int_equal(fat32_read(&vol, &e, offs[i][0], back, offs[i][1], &done), 0);
        uint32_t want = offs[i][0] + offs[i][1] > 70000 ? 70000 - offs[i][0] : offs[i][1];
        assert_int_equal(done, want);
        assert_memory_equal(back, big + offs[i][0], want);
    }
    assert_int_equal(fat32_read(&vol, &e, 70000, back, 10, &done), 0);
    assert_int_equal(done, 0);
    /* A size larger than the chain is reported, not read past. */
    e.size = 0x7FFFFFFF;
    e.hint_cluster = 0;
    assert_int_equal(fat32_read(&vol, &e, 200000, back, 10, &done), K_EINVAL);
}

static void create_write_read_back(void **state)
{
    (void)state;
    static struct fat32_dirent a, b, e;
    uint32_t done;
    const char hello[] = "Hello, FAT!\r\n";
    assert_int_equal(create(vol.root_cluster, "hello.txt", 0, &a), 0);
    assert_int_equal(a.slots, 1); /* a lower-case 8.3 name needs no long name */
    assert_memory_equal(a.raw83, "HELLO   TXT", 11);
    assert_int_equal(fat32_write(&vol, &a, 0, hello, sizeof hello - 1, &done), 0);
    assert_int_equal(done, sizeof hello - 1);
    assert_int_equal(create(vol.root_cluster, "HELLO.TXT", 0, &e), K_EEXIST);

    assert_int_equal(create(vol.root_cluster, "Mixed Case Name.txt", 0, &b), 0);
    assert_int_equal(b.slots, 3);
    assert_string_equal(b.short_name, "MIXEDC~1.TXT");
    pattern(big, 100000, 7);
    for (uint32_t off = 0; off < 100000; off += 777) {
        uint32_t n = 100000 - off < 777 ? 100000 - off : 777;
        assert_int_equal(fat32_write(&vol, &b, off, big + off, n, &done), 0);
    }
    assert_int_equal(b.size, 100000);
    /* Overwrite a stretch in the middle, across cluster boundaries. */
    pattern(big + 40000, 3000, 9);
    assert_int_equal(fat32_write(&vol, &b, 40000, big + 40000, 3000, &done), 0);
    assert_int_equal(b.size, 100000);

    assert_int_equal(lookup(vol.root_cluster, "mixed case name.TXT", &e), 0);
    assert_int_equal(e.size, 100000);
    assert_int_equal(fat32_read(&vol, &e, 0, back, 100000, &done), 0);
    assert_memory_equal(back, big, 100000);
    assert_fsck_clean(); /* before the flush: FSInfo says "unknown", which is clean */
    assert_int_equal(fat32_flush(&vol), 0);
    assert_fsck_clean();
    assert_mtype("/hello.txt", hello, sizeof hello - 1);
    assert_mtype("/Mixed Case Name.txt", big, 100000);
    assert_int_equal(image_run("mdir -i $IMG ::/ | grep -c 'hello    txt\\|Mixed Case Name.txt'", out,
                               sizeof out), 0);
    assert_string_equal(out, "2\n");
}

static void gaps_and_truncation(void **state)
{
    (void)state;
    static struct fat32_dirent f;
    static uint8_t want[20000];
    uint32_t done;
    assert_int_equal(create(vol.root_cluster, "gap.bin", 0, &f), 0);
    assert_int_equal(fat32_write(&vol, &f, 5000, "0123456789", 10, &done), 0);
    assert_int_equal(f.size, 5010);
    memset(want, 0, sizeof want);
    memcpy(want + 5000, "0123456789", 10);
    assert_int_equal(fat32_read(&vol, &f, 0, back, 6000, &done), 0);
    assert_int_equal(done, 5010);
    assert_memory_equal(back, want, 5010);
    assert_fsck_clean();
    assert_mtype("/gap.bin", want, 5010);

    assert_int_equal(fat32_truncate(&vol, &f, 3000), 0);
    assert_int_equal(f.size, 3000);
    assert_fsck_clean();
    assert_mtype("/gap.bin", want, 3000);
    /* Old bytes past a shrink come back as zeros when the file grows again. */
    memset(want, 0, sizeof want);
    assert_int_equal(fat32_write(&vol, &f, 0, "abc", 3, &done), 0);
    memcpy(want, "abc", 3);
    assert_int_equal(fat32_truncate(&vol, &f, 20000), 0);
    assert_int_equal(fat32_read(&vol, &f, 0, back, 20000, &done), 0);
    assert_memory_equal(back, want, 20000);
    assert_mtype("/gap.bin", want, 20000);
    assert_int_equal(fat32_truncate(&vol, &f, 0), 0);
    assert_int_equal(f.first_cluster, 0);
    assert_int_equal(fat32_flush(&vol), 0);
    assert_fsck_clean();
    assert_mtype("/gap.bin", want, 0);
    assert_int_equal(fat32_write(&vol, &f, 0xFFFFFFF0u, "x", 100, &done), K_ERANGE);
}

static void delete_frees_everything(void **state)
{
    (void)state;
    static struct fat32_dirent f, e;
    uint32_t done, before = vol.free_count;
    assert_int_not_equal(before, FAT32_UNKNOWN);
    assert_int_equal(create(vol.root_cluster, "A file to delete.dat", 0, &f), 0);
    assert_int_equal(fat32_write(&vol, &f, 0, big, 50000, &done), 0);
    assert_true(vol.free_count < before);
    assert_int_equal(fat32_delete(&vol, &f), 0);
    assert_int_equal(vol.free_count, before);
    assert_int_equal(lookup(vol.root_cluster, "a file to delete.dat", &e), K_ENOENT);
    /* A handle to the deleted entry is stale: nothing is written through it. */
    assert_int_equal(fat32_write(&vol, &f, 0, big, 10, &done), K_ENOENT);
    assert_int_equal(fat32_delete(&vol, &f), K_ENOENT);
    assert_int_equal(lookup(vol.root_cluster, "big.dat", &e), 0);
    assert_int_equal(fat32_delete(&vol, &e), 0);
    assert_int_equal(fat32_flush(&vol), 0);
    assert_fsck_clean();
    assert_int_not_equal(image_run("mtype -i $IMG ::/BIG.DAT", out, sizeof out), 0);
}

static void directories(void **state)
{
    (void)state;
    static struct fat32_dirent d, inner, e, sub;
    uint32_t done;
    assert_int_equal(create(vol.root_cluster, "New Folder", FAT32_ATTR_DIRECTORY, &d), 0);
    assert_true(d.attr & FAT32_ATTR_DIRECTORY);
    assert_int_equal(create(d.first_cluster, "inner.txt", 0, &inner), 0);
    assert_int_equal(fat32_write(&vol, &inner, 0, "inside\r\n", 8, &done), 0);
    assert_int_equal(create(d.first_cluster, "Deeper", FAT32_ATTR_DIRECTORY, &sub), 0);
    assert_fsck_clean(); /* checks "." and ".." of both */
    assert_mtype("/New Folder/inner.txt", "inside\r\n", 8);
    assert_int_equal(lookup(vol.root_cluster, "new folder", &e), 0);
    assert_int_equal(fat32_delete(&vol, &e), K_ENOTEMPTY);
    assert_int_equal(fat32_write(&vol, &e, 0, "x", 1, &done), K_EISDIR);
    assert_int_equal(fat32_delete(&vol, &inner), 0);
    assert_int_equal(fat32_delete(&vol, &e), K_ENOTEMPTY);
    assert_int_equal(fat32_delete(&vol, &sub), 0);
    assert_int_equal(fat32_delete(&vol, &e), 0);
    assert_int_equal(fat32_flush(&vol), 0);
    assert_fsck_clean();
    /* A directory that grows past one cluster keeps every name. */
    assert_int_equal(create(vol.root_cluster, "many", FAT32_ATTR_DIRECTORY, &d), 0);
    char name[64];
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "A rather long file name number %d.txt", i);
        assert_int_equal(create(d.first_cluster, name, 0, &e), 0);
    }
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "a rather long file name number %d.TXT", i);
        assert_int_equal(lookup(d.first_cluster, name, &e), 0);
    }
    assert_int_equal(fat32_flush(&vol), 0);
    assert_fsck_clean();
    assert_int_equal(image_run("mdir -i $IMG -b ::/many | wc -l", out, sizeof out), 0);
    assert_string_equal(out, "40\n");
}

static void aliases_and_bad_names(void **state)
{
    (void)state;
    static struct fat32_dirent e[12];
    char name[64];
    for (int i = 0; i < 12; i++) {
        snprintf(name, sizeof name, "Long File Name %d.txt", i);
        assert_int_equal(create(vol.root_cluster, name, 0, &e[i]), 0);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(e[i].short_name, e[j].short_name);
    }
    assert_string_equal(e[0].short_name, "LONGFI~1.TXT");
    assert_string_equal(e[9].short_name, "LONGF~10.TXT");
    /* Mixed case in a valid 8.3 name needs a long name; its alias drops the tail. */
    assert_int_equal(create(vol.root_cluster, "ReadMe.txt", 0, &e[0]), 0);
    assert_int_equal(e[0].slots, 2);
    assert_string_equal(e[0].short_name, "README.TXT");
    assert_int_equal(create(vol.root_cluster, "readme.TXT", 0, &e[1]), K_EEXIST);
    assert_int_equal(create(vol.root_cluster, "a+b.txt", 0, &e[1]), 0);
    assert_string_equal(e[1].short_name, "A_B~1.TXT");
    assert_int_equal(create(vol.root_cluster, "archive.tar.gz", 0, &e[1]), 0);
    assert_string_equal(e[1].short_name, "ARCHIV~1.GZ");
    assert_int_equal(create(vol.root_cluster, ".profile", 0, &e[1]), 0);
    assert_string_equal(e[1].short_name, "PROFIL~1");
    const char *bad[] = { "", "a:b", "a*b", "x.", "trailing ", ".", "..", "a\\b", "a/b", "q?" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(create(vol.root_cluster, bad[i], 0, &e[2]), K_EINVAL);
    char longname[300];
    memset(longname, 'n', 256);
    longname[256] = 0;
    assert_int_equal(create(vol.root_cluster, longname, 0, &e[2]), K_EINVAL);
    longname[255] = 0;
    assert_int_equal(create(vol.root_cluster, longname, 0, &e[2]), 0);
    assert_int_equal(lookup(vol.root_cluster, longname, &e[3]), 0);
    assert_int_equal(e[3].name_len, 255);
    assert_fsck_clean();
    snprintf(name, sizeof name, "mdir -i $IMG ::/ | grep -c 'Long File Name'");
    assert_int_equal(image_run(name, out, sizeof out), 0);
    assert_string_equal(out, "12\n");
}

static void renames(void **state)
{
    (void)state;
    static struct fat32_dirent f, g, d, d2, e;
    uint32_t done;
    assert_int_equal(create(vol.root_cluster, "one.txt", 0, &f), 0);
    assert_int_equal(fat32_write(&vol, &f, 0, "first", 5, &done), 0);
    assert_int_equal(rename_to(&f, vol.root_cluster, "Two Long Name.txt", 0), 0);
    assert_int_equal(lookup(vol.root_cluster, "one.txt", &e), K_ENOENT);
    assert_int_equal(lookup(vol.root_cluster, "two long name.txt", &e), 0);
    assert_fsck_clean();
    assert_mtype("/Two Long Name.txt", "first", 5);

    assert_int_equal(create(vol.root_cluster, "sub", FAT32_ATTR_DIRECTORY, &d), 0);
    assert_int_equal(rename_to(&f, d.first_cluster, "three.txt", 0), 0);
    assert_mtype("/sub/three.txt", "first", 5);
    assert_int_equal(create(vol.root_cluster, "other.txt", 0, &g), 0);
    assert_int_equal(fat32_write(&vol, &g, 0, big, 30000, &done), 0);
    assert_int_equal(rename_to(&g, d.first_cluster, "THREE.txt", 0), K_EEXIST);
    assert_int_equal(rename_to(&g, vol.root_cluster, "SubDir", 1), K_EPERM);
    assert_int_equal(rename_to(&g, d.first_cluster, "THREE.txt", 1), 0);
    assert_int_equal(lookup(d.first_cluster, "three.txt", &e), 0);
    assert_int_equal(e.size, 30000);
    assert_int_equal(fat32_delete(&vol, &f), K_ENOENT); /* f was replaced */
    assert_int_equal(fat32_flush(&vol), 0);
    assert_fsck_clean(); /* the replaced file's clusters are free again */
    assert_mtype("/sub/THREE.txt", big, 30000);
    /* Case only: the entry may collide with itself. */
    assert_int_equal(rename_to(&e, d.first_cluster, "three.TXT", 0), 0);
    assert_int_equal(image_run("mdir -i $IMG -b ::/sub", out, sizeof out), 0);
    assert_non_null(strstr(out, "three.TXT"));

    /* A directory moves with its ".." and cannot move below itself. */
    assert_int_equal(create(vol.root_cluster, "d2", FAT32_ATTR_DIRECTORY, &d2), 0);
    assert_int_equal(rename_to(&d, d2.first_cluster, "Moved Sub", 0), 0);
    assert_fsck_clean();
    assert_mtype("/d2/Moved Sub/three.TXT", big, 30000);
    assert_int_equal(rename_to(&d2, d.first_cluster, "loop", 0), K_EINVAL);
    assert_int_equal(rename_to(&d2, d2.first_cluster, "loop", 0), K_EINVAL);
    assert_int_equal(rename_to(&d, vol.root_cluster, "back", 0), 0);
    assert_int_equal(fat32_flush(&vol), 0);
    assert_fsck_clean();
    assert_mtype("/back/three.TXT", big, 30000);
}

static uint64_t fixed_now(void *ctx)
{
    (void)ctx;
    return 134095230423700000ull; /* 2025-12-06 19:30:42.37 UTC */
}

static void times(void **state)
{
    (void)state;
    uint16_t d, t;
    uint8_t cs;
    assert_int_equal(fat32_time_to_filetime((1 << 5) | 1, 0, 0), 119600064000000000ull);
    assert_int_equal(fat32_time_from_filetime(fixed_now(NULL), &d, &t, &cs), 0);
    assert_int_equal(d, ((2025 - 1980) << 9) | (12 << 5) | 6);
    assert_int_equal(t, (19 << 11) | (30 << 5) | 21);
    assert_int_equal(cs, 37);
    assert_int_equal(fat32_time_to_filetime(d, t, cs), fixed_now(NULL));
    assert_int_equal(fat32_time_to_filetime(0, 0, 0), 0);
    assert_int_equal(fat32_time_from_filetime(119600064000000000ull - 1, &d, &t, &cs), K_ERANGE);
    assert_int_equal(fat32_time_from_filetime(fat32_time_to_filetime((127 << 9) | (12 << 5) | 31,
                                                                     (23 << 11) | (59 << 5) | 29, 199),
                                              &d, &t, &cs), 0);
    assert_int_equal(fat32_time_from_filetime(fat32_time_to_filetime((127 << 9) | (12 << 5) | 31, 0, 0) +
                                              86400ull * 10000000, &d, &t, &cs), K_ERANGE);

    static struct fat32_dirent f, e;
    uint32_t done;
    dev.now = fixed_now;
    assert_int_equal(create(vol.root_cluster, "stamped.txt", 0, &f), 0);
    assert_int_equal(f.create_time, fixed_now(NULL));
    assert_int_equal(fat32_write(&vol, &f, 0, "t", 1, &done), 0);
    assert_int_equal(lookup(vol.root_cluster, "stamped.txt", &e), 0);
    assert_int_equal(e.create_time, fixed_now(NULL));
    assert_int_equal(e.write_time, fixed_now(NULL) - 37 * 100000ull);
    uint64_t y2000 = fat32_time_to_filetime((20 << 9) | (1 << 5) | 1, 0, 0);
    assert_int_equal(fat32_set_times(&vol, &e, 0, 0, y2000), 0);
    assert_int_equal(fat32_set_times(&vol, &e, 1, 0, 0), K_ERANGE);
    assert_int_equal(fat32_set_attr(&vol, &e, FAT32_ATTR_READONLY | FAT32_ATTR_HIDDEN |
                                                  FAT32_ATTR_DIRECTORY), 0);
    assert_int_equal(lookup(vol.root_cluster, "STAMPED.TXT", &f), 0);
    assert_int_equal(f.write_time, y2000);
    assert_int_equal(f.create_time, fixed_now(NULL));
    assert_int_equal(f.attr, FAT32_ATTR_READONLY | FAT32_ATTR_HIDDEN);
    assert_int_equal(image_run("mdir -a -i $IMG ::/STAMPED.TXT", out, sizeof out), 0);
    assert_non_null(strstr(out, "2000-01-01"));
    assert_fsck_clean();
}

static void full_volume(void **state)
{
    (void)state;
    static struct fat32_dirent keep, fill, e;
    uint32_t done, chunk = sizeof big;
    const char kept[] = "this must survive\r\n";
    assert_int_equal(create(vol.root_cluster, "keep.txt", 0, &keep), 0);
    assert_int_equal(fat32_write(&vol, &keep, 0, kept, sizeof kept - 1, &done), 0);
    assert_int_equal(create(vol.root_cluster, "fill.bin", 0, &fill), 0);
    pattern(big, chunk, 3);
    int rc;
    uint32_t off = 0;
    while ((rc = fat32_write(&vol, &fill, off, big, chunk, &done)) == 0)
        off += chunk;
    assert_int_equal(rc, K_ENOSPC);
    assert_int_equal(done, 0);
    assert_int_equal(fill.size, off); /* the failed write changed nothing */
    /* Smaller pieces fill what is left, then the volume is full. */
    while ((rc = fat32_write(&vol, &fill, fill.size, big, 512, &done)) == 0)
        ;
    assert_int_equal(rc, K_ENOSPC);
    assert_int_equal(create(vol.root_cluster, "Yet another long name.txt", FAT32_ATTR_DIRECTORY, &e),
                     K_ENOSPC);
    assert_int_equal(fat32_flush(&vol), 0);
    assert_fsck_clean();
    assert_mtype("/keep.txt", kept, sizeof kept - 1);
    assert_int_equal(lookup(vol.root_cluster, "FILL.BIN", &e), 0);
    assert_int_equal(fat32_read(&vol, &e, chunk, back, chunk, &done), 0);
    assert_memory_equal(back, big, chunk);
    assert_int_equal(fat32_delete(&vol, &e), 0);
    assert_int_equal(create(vol.root_cluster, "after.txt", 0, &e), 0);
    assert_int_equal(fat32_write(&vol, &e, 0, big, chunk, &done), 0);
    assert_int_equal(fat32_flush(&vol), 0);
    assert_fsck_clean();
}

static void read_only_device(void **state)
{
    (void)state;
    static struct fat32_dirent e;
    uint32_t done;
    assert_int_equal(lookup(vol.root_cluster, "big.dat", &e), 0);
    dev.write = NULL;
    assert_int_equal(fat32_write(&vol, &e, 0, "x", 1, &done), K_EROFS);
    assert_int_equal(fat32_truncate(&vol, &e, 0), K_EROFS);
    assert_int_equal(fat32_delete(&vol, &e), K_EROFS);
    assert_int_equal(create(vol.root_cluster, "new.txt", 0, &e), K_EROFS);
    assert_int_equal(lookup(vol.root_cluster, "big.dat", &e), 0);
    assert_int_equal(e.size, 70000);
}

/* fsck output after a cut: only lost clusters, a FAT copy behind, or the file being written. */
static void assert_cut_consistent(const char *victim, int cut)
{
    (void)image_run("fsck.fat -n $IMG", out, sizeof out);
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
        if (strstr(line, "share") || strstr(line, "cross") || strstr(line, "rphan"))
            fail_msg("after the cut at write %d, fsck.fat -n said: %s", cut, line);
        if (strstr(line, "fsck.fat ") == line || strstr(line, "unused cluster") ||
            strstr(line, "FATs differ") || strstr(line, "Using first FAT") ||
            strstr(line, "Leaving filesystem unchanged") || strstr(line, " files, ") ||
            strstr(line, "Auto-correcting") || strstr(line, "Free cluster summary") ||
            strstr(line, victim) || strstr(line, "Truncating file") ||
            strstr(line, "cluster chain length"))
            continue;
        fail_msg("after the cut at write %d, fsck.fat -n said: %s", cut, line);
    }
}

/* A create, two writes (the second past a cluster) and a truncate of one new file. */
static void sequence_write(void)
{
    static struct fat32_dirent f;
    static uint8_t base[12000];
    uint32_t done;
    pattern(base, sizeof base, 5);
    if (create(vol.root_cluster, "Being Written.bin", 0, &f) == 0 &&
        fat32_write(&vol, &f, 0, base, 3000, &done) == 0 &&
        fat32_write(&vol, &f, 3000, base + 3000, 9000, &done) == 0 &&
        fat32_truncate(&vol, &f, 1000) == 0)
        (void)fat32_flush(&vol);
}

/* A directory made, a file moved into it under a long name, a replace, and deletes. */
static void sequence_tree(void)
{
    static struct fat32_dirent d, f, g;
    uint16_t w[64];
    uint32_t done;
    if (create(vol.root_cluster, "Being Written", FAT32_ATTR_DIRECTORY, &d) == 0 &&
        lookup(vol.root_cluster, "a long file name.txt", &f) == 0 &&
        fat32_rename(&vol, &f, d.first_cluster, w, u16("Being Written.txt", w), 0) == 0 &&
        create(d.first_cluster, "Being Written 2", 0, &g) == 0 &&
        fat32_write(&vol, &g, 0, big, 2000, &done) == 0 &&
        fat32_rename(&vol, &g, d.first_cluster, w, u16("Being Written.txt", w), 1) == 0 &&
        fat32_delete(&vol, &g) == 0 && fat32_delete(&vol, &d) == 0)
        (void)fat32_flush(&vol);
}

/* Runs seq once to count its sector writes, then again with the cut after each write. */
static void cut_everywhere(void (*seq)(void))
{
    static uint8_t saved[IMG_BYTES];
    memcpy(saved, image, IMG_BYTES);
    int total = 0;
    for (int cut = -1; cut < total; cut++) {
        memcpy(image, saved, IMG_BYTES);
        cut_after = -1;
        assert_int_equal(fat32_mount(&vol, &dev), 0);
        cut_after = cut;
        writes_seen = 0;
        seq();
        if (cut < 0) {
            total = writes_seen;
            assert_true(total > 10);
            print_message("cutting power after each of %d writes\n", total);
            assert_fsck_clean();
            continue;
        }
        cut_after = -1;
        assert_cut_consistent("Being Written", cut);
        assert_mtype("/BIG.DAT", big, 70000);
    }
}

static void power_cut_while_writing(void **state)
{
    (void)state;
    cut_everywhere(sequence_write);
}

static void power_cut_while_changing_directories(void **state)
{
    (void)state;
    cut_everywhere(sequence_tree);
}

static void hostile_volume_writes(void **state)
{
    (void)state;
    static struct fat32_dirent f, e;
    uint32_t done;
    /* FSInfo claiming a full volume and a hint outside it: both are only hints. */
    uint8_t *fsinfo = image + (size_t)vol.fsinfo_sector * 512;
    memset(fsinfo + 488, 0, 4);
    memset(fsinfo + 492, 0xF0, 4);
    assert_int_equal(fat32_mount(&vol, &dev), 0);
    assert_int_equal(vol.free_count, 0);
    assert_int_equal(vol.next_free, 2);
    assert_int_equal(create(vol.root_cluster, "still fits.txt", 0, &f), 0);
    assert_int_equal(fat32_write(&vol, &f, 0, big, 5000, &done), 0);
    /* BIG.DAT's chain loops back onto its own start: a write past it is refused. */
    assert_int_equal(lookup(vol.root_cluster, "big.dat", &e), 0);
    uint8_t *fat = image + (size_t)vol.reserved_sectors * 512;
    uint32_t second;
    assert_int_equal(fat32_fat_get(&vol, e.first_cluster, &second), 0);
    memcpy(fat + (size_t)second * 4, &e.first_cluster, 4);
    assert_int_equal(fat32_write(&vol, &e, 69000, big, 5000, &done), K_EINVAL);
    assert_int_equal(fat32_truncate(&vol, &e, 80000), K_EINVAL);
    assert_int_equal(fat32_read(&vol, &e, 0, back, 70000, &done), K_EINVAL);
    assert_int_equal(fat32_delete(&vol, &e), K_EINVAL); /* the entry goes; the loop is cut */
    assert_int_equal(lookup(vol.root_cluster, "big.dat", &e), K_ENOENT);
    assert_int_equal(fat32_read(&vol, &f, 0, back, 5000, &done), 0);
    assert_memory_equal(back, big, 5000);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fresh, cleanup)
#define T1K(name) { #name "_1k", name, fresh_1k, cleanup, NULL }
    const struct CMUnitTest tests[] = {
        T(lookup_and_read_at_offsets), T(create_write_read_back), T(gaps_and_truncation),
        T(delete_frees_everything), T(directories), T(aliases_and_bad_names), T(renames),
        T(times), T(full_volume), T(read_only_device), T(hostile_volume_writes),
        T(power_cut_while_writing), T(power_cut_while_changing_directories),
        T1K(lookup_and_read_at_offsets), T1K(create_write_read_back), T1K(gaps_and_truncation),
        T1K(directories), T1K(renames), T1K(full_volume),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    image_free();
    return rc;
}
