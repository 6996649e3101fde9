/*
 * Host tests of the block cache (kernel/fs/bcache.c) over a fake device in memory:
 * reads and writes of any sector range come back as written, memory stays at the
 * blocks given, a read-only device and ranges past the end are refused, a failing
 * device loses nothing, and the write-order rule: after every single device write the
 * device holds exactly what the writes up to some point made, never a later change
 * without an earlier one (checked against a snapshot after each write, with a cache
 * small enough that evictions and ordered write-backs happen all the time).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <fs/bcache.h>
#include <lib/errno.h>

#define DEV_SECTORS (40 * BCACHE_BLOCK_SECTORS + 3) /* a short last block */
#define DEV_BYTES   (DEV_SECTORS * BCACHE_SECTOR)
#define MAX_SNAPS   1200

static uint8_t disk[DEV_BYTES];       /* the device */
static uint8_t model[DEV_BYTES];      /* what the file system wrote, in order */
static uint8_t *snaps[MAX_SNAPS];     /* model after each write call */
static int snap_count, snap_seen;     /* device matched snaps[snap_seen] last */
static int prefix_failures, dev_writes, fail_writes;

static int fake_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    (void)ctx;
    assert_true(lba + count <= DEV_SECTORS);
    memcpy(buf, disk + lba * BCACHE_SECTOR, count * BCACHE_SECTOR);
    return 0;
}

/* After each device write, the device must equal a snapshot no older than the last
 * one it matched. */
static void check_prefix(void)
{
    if (!snap_count)
        return;
    for (int k = snap_seen; k < snap_count; k++) {
        if (memcmp(disk, snaps[k], DEV_BYTES) == 0) {
            snap_seen = k;
            return;
        }
    }
    prefix_failures++;
}

static int fake_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
    (void)ctx;
    assert_true(lba + count <= DEV_SECTORS);
    if (fail_writes)
        return K_EIO;
    memcpy(disk + lba * BCACHE_SECTOR, buf, count * BCACHE_SECTOR);
    dev_writes++;
    check_prefix();
    return 0;
}

static struct bcache cache;
static struct bcache_block blocks[16];
static uint8_t block_data[16][BCACHE_BLOCK_SIZE];

static void setup_cache(uint32_t count, bool writable)
{
    struct bcache_dev dev = { .ctx = NULL, .sectors = DEV_SECTORS, .read = fake_read,
                              .write = writable ? fake_write : NULL };

    for (uint32_t i = 0; i < count; i++)
        blocks[i].data = block_data[i];
    bcache_init(&cache, &dev, blocks, count);
}

static void reset_disk(void)
{
    for (size_t i = 0; i < DEV_BYTES; i++)
        disk[i] = (uint8_t)(i * 13 + 1);
    memcpy(model, disk, DEV_BYTES);
    for (int i = 0; i < snap_count; i++)
        free(snaps[i]);
    snap_count = snap_seen = prefix_failures = dev_writes = fail_writes = 0;
}

static void snapshot(void)
{
    assert_true(snap_count < MAX_SNAPS);
    snaps[snap_count] = malloc(DEV_BYTES);
    memcpy(snaps[snap_count++], model, DEV_BYTES);
}

static void cached_write(uint64_t lba, uint32_t count, uint8_t seed)
{
    static uint8_t buf[64 * BCACHE_SECTOR];

    for (uint32_t i = 0; i < count * BCACHE_SECTOR; i++)
        buf[i] = (uint8_t)(seed + i * 3);
    memcpy(model + lba * BCACHE_SECTOR, buf, count * BCACHE_SECTOR);
    snapshot();
    assert_int_equal(bcache_write(&cache, lba, count, buf), 0);
}

static void check_reads_match_model(void)
{
    static uint8_t buf[DEV_BYTES];

    assert_int_equal(bcache_read(&cache, 0, DEV_SECTORS, buf), 0);
    assert_memory_equal(buf, model, DEV_BYTES);
}

static void test_read_write_any_range(void **state)
{
    (void)state;
    reset_disk();
    setup_cache(6, true);
    srand(1);
    for (int i = 0; i < 400; i++) {
        uint32_t count = 1 + (uint32_t)rand() % 40;
        uint64_t lba = (uint64_t)rand() % (DEV_SECTORS - count + 1);
        cached_write(lba, count, (uint8_t)i);
        if (i % 50 == 0)
            check_reads_match_model();
    }
    check_reads_match_model();
    assert_int_equal(bcache_sync(&cache), 0);
    assert_memory_equal(disk, model, DEV_BYTES);
    assert_int_equal(cache.dirty, 0);
}

static void test_write_order_is_a_prefix(void **state)
{
    (void)state;
    reset_disk();
    setup_cache(4, true);
    srand(7);
    /* Writes inside one block each (one step of the order), reads in between. */
    for (int i = 0; i < 1000; i++) {
        uint64_t blk = (uint64_t)rand() % 12; /* more blocks than the cache holds */
        uint32_t at = (uint32_t)rand() % BCACHE_BLOCK_SECTORS;
        uint32_t count = 1 + (uint32_t)rand() % (BCACHE_BLOCK_SECTORS - at);
        cached_write(blk * BCACHE_BLOCK_SECTORS + at, count, (uint8_t)(i * 5));
        if (rand() % 4 == 0) {
            uint8_t buf[BCACHE_SECTOR];
            assert_int_equal(bcache_read(&cache, (uint64_t)rand() % DEV_SECTORS, 1, buf), 0);
        }
    }
    assert_int_equal(bcache_sync(&cache), 0);
    assert_int_equal(prefix_failures, 0);
    assert_memory_equal(disk, model, DEV_BYTES);
    assert_true(cache.stats.ordered_writes > 0 && cache.stats.evictions > 0);
    assert_true(dev_writes > 100);
}

static void test_rewriting_the_newest_block_stays_cached(void **state)
{
    (void)state;
    reset_disk();
    setup_cache(4, true);
    for (int i = 0; i < 50; i++)
        cached_write(3, 1, (uint8_t)i);
    assert_int_equal(dev_writes, 0); /* the same newest block: nothing to order */
    cached_write(100, 1, 1);
    cached_write(3, 1, 2); /* behind a newer block now: written out first, in order */
    assert_int_equal(dev_writes, 1);
    assert_int_equal(prefix_failures, 0);
    assert_int_equal(bcache_sync(&cache), 0);
    assert_memory_equal(disk, model, DEV_BYTES);
}

static void test_refused_ranges_and_read_only(void **state)
{
    uint8_t buf[2 * BCACHE_SECTOR] = { 0 };

    (void)state;
    reset_disk();
    setup_cache(4, true);
    assert_int_equal(bcache_read(&cache, DEV_SECTORS, 1, buf), K_EINVAL);
    assert_int_equal(bcache_write(&cache, DEV_SECTORS - 1, 2, buf), K_EINVAL);
    assert_int_equal(bcache_read(&cache, UINT64_MAX, 2, buf), K_EINVAL);
    /* The short last block: its 3 sectors work, the one past them does not. */
    assert_int_equal(bcache_write(&cache, DEV_SECTORS - 2, 2, buf), 0);
    assert_int_equal(bcache_sync(&cache), 0);
    assert_memory_equal(disk + (DEV_SECTORS - 2) * BCACHE_SECTOR, buf, sizeof buf);
    setup_cache(4, false);
    assert_int_equal(bcache_write(&cache, 0, 1, buf), K_EROFS);
    assert_int_equal(bcache_read(&cache, 0, 2, buf), 0);
    assert_int_equal(bcache_sync(&cache), 0);
}

static void test_device_errors_lose_nothing(void **state)
{
    (void)state;
    reset_disk();
    setup_cache(4, true);
    cached_write(0, 8, 1);
    cached_write(8, 8, 2);
    fail_writes = 1;
    assert_int_equal(bcache_sync(&cache), K_EIO);
    assert_int_equal(cache.dirty, 2);
    check_reads_match_model();
    fail_writes = 0;
    assert_int_equal(bcache_sync(&cache), 0);
    assert_memory_equal(disk, model, DEV_BYTES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_write_any_range),
        cmocka_unit_test(test_write_order_is_a_prefix),
        cmocka_unit_test(test_rewriting_the_newest_block_stays_cached),
        cmocka_unit_test(test_refused_ranges_and_read_only),
        cmocka_unit_test(test_device_errors_lose_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
