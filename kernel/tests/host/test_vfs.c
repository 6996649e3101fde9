/*
 * Host tests of the file-system layer (kernel/fs/vfs.c) over the RAM file system
 * (kernel/fs/ramfs.c), with this file as the glue: heap, pages, clock and a lock that
 * asserts it is never taken twice or released unheld. Covers opens by disposition,
 * share modes, delete-pending, rename, enumeration while entries come and go, static
 * files, and out-of-memory at every allocation (nothing half done, nothing leaked).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <abi/file.h>
#include <fs/path.h>
#include <fs/ramfs.h>
#include <fs/vfs.h>
#include <lib/errno.h>
#include <mm/kheap.h>

/* ---- glue ---- */

#define VFS_GLUE_FAIL(what) fail_msg("%s", what)
#include "vfs_test_glue.h"

/* ---- helpers ---- */

static uint16_t pbuf[PATH_MAX_CHARS + 1];
static size_t plen;
static bool pdir;

/* Normalizes an ASCII path against C:\ into pbuf. */
static void P(const char *s)
{
    uint16_t in[600];
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        in[i] = (uint8_t)s[i];
    static const uint16_t root[] = { 'C', ':', '\\' };
    long r = path_normalize(in, n, root, 3, pbuf, PATH_MAX_CHARS + 1, &pdir);
    assert_true(r > 0);
    plen = (size_t)r;
}

#define SHARE_ALL 7u
#define RW (DORMER_GENERIC_READ | DORMER_GENERIC_WRITE)

static int op(const char *path, uint32_t access, uint32_t share, uint32_t disp, uint32_t options,
              struct vfs_file **f, uint32_t *action)
{
    struct vfs_open_args a = { access, share, disp, options, 0 };
    struct vfs_file *tmp;
    uint32_t act;
    P(path);
    int rc = vfs_open(pbuf, plen, pdir, &a, f ? f : &tmp, action ? action : &act);
    if (rc == 0 && !f)
        vfs_close(tmp);
    return rc;
}

static int del(const char *path)
{
    struct vfs_file *f;
    int rc = op(path, DORMER_DELETE, SHARE_ALL, DORMER_FILE_OPEN, 0, &f, NULL);
    if (rc)
        return rc;
    rc = vfs_set_disposition(f, true);
    vfs_close(f);
    return rc;
}

/* Renames from to to (no replace). */
static int ren(const char *from, const char *to)
{
    struct vfs_file *f;
    int rc = op(from, DORMER_DELETE, SHARE_ALL, DORMER_FILE_OPEN, 0, &f, NULL);
    if (rc)
        return rc;
    P(to);
    rc = vfs_rename(f, pbuf, plen, false);
    vfs_close(f);
    return rc;
}

static bool there(const char *path)
{
    struct vfs_stat st;
    P(path);
    return vfs_stat_path(pbuf, plen, pdir, &st) == 0;
}

static int setup(void **state)
{
    static bool mounted;
    (void)state;
    if (!mounted) {
        assert_int_equal(ramfs_mount('C', &pages), 0);
        assert_int_equal(ramfs_mount('c', &pages), K_EEXIST);
        mounted = true;
    }
    return 0;
}

/* Every test leaves the volume as it found it: no pages, no nodes beyond the root. */
static int teardown(void **state)
{
    (void)state;
    assert_int_equal(lock_depth, 0);
    assert_int_equal(pages_live, 0);
    assert_int_equal(ramfs_pages_in_use(), 0);
    return 0;
}

/* ---- tests ---- */

static void test_read_write_sparse(void **state)
{
    (void)state;
    struct vfs_file *f;
    static uint8_t buf[16384];
    size_t done;
    int live = heap_live;

    assert_int_equal(op("C:\\f.bin", RW, 0, DORMER_FILE_CREATE, 0, &f, NULL), 0);
    memset(buf, 0xab, sizeof buf);
    assert_int_equal(vfs_write(f, VFS_AT_OFFSET, 3 * RAMFS_PAGE_SIZE - 5, buf, 10, &done), 0);
    assert_int_equal(done, 10);
    assert_int_equal(pages_live, 2); /* the hole before takes no page */
    assert_int_equal(vfs_read(f, VFS_AT_OFFSET, 0, buf, sizeof buf, &done), 0);
    assert_int_equal(done, 3 * RAMFS_PAGE_SIZE + 5);
    assert_int_equal(buf[0], 0);
    assert_int_equal(buf[3 * RAMFS_PAGE_SIZE - 6], 0);
    assert_int_equal(buf[3 * RAMFS_PAGE_SIZE - 5], 0xab);
    assert_int_equal(vfs_get_position(f), 3 * RAMFS_PAGE_SIZE + 5);
    assert_int_equal(vfs_read(f, VFS_AT_POSITION, 0, buf, 1, &done), 0);
    assert_int_equal(done, 0);
    assert_int_equal(vfs_read(f, VFS_AT_OFFSET, 1u << 20, buf, 1, &done), K_EEOF);
    assert_int_equal(vfs_read(f, VFS_AT_OFFSET, 1u << 20, buf, 0, &done), 0);
    /* Truncating frees pages and a regrow reads zeros. */
    assert_int_equal(vfs_set_end_of_file(f, 3 * RAMFS_PAGE_SIZE - 2), 0);
    assert_int_equal(pages_live, 1);
    assert_int_equal(vfs_set_end_of_file(f, 3 * RAMFS_PAGE_SIZE + 5), 0);
    assert_int_equal(vfs_read(f, VFS_AT_OFFSET, 3 * RAMFS_PAGE_SIZE - 5, buf, 10, &done), 0);
    assert_memory_equal(buf, "\xab\xab\xab\0\0\0\0\0\0\0", 10);
    /* Past the largest size, and past what an int64 offset can say. */
    assert_int_equal(vfs_write(f, VFS_AT_OFFSET, RAMFS_MAX_SIZE, buf, 1, &done), K_EFULL);
    assert_int_equal(vfs_write(f, VFS_AT_OFFSET, UINT64_MAX - 1, buf, 4, &done), K_EINVAL);
    /* Out of pages in the middle of a write: the volume is full (STATUS_DISK_FULL),
     * nothing written, nothing kept. */
    struct vfs_stat st;
    vfs_stat_file(f, &st);
    page_fail_after = 2;
    assert_int_equal(vfs_write(f, VFS_AT_OFFSET, 10 * RAMFS_PAGE_SIZE, buf, 5 * RAMFS_PAGE_SIZE,
                               &done),
                     K_EFULL);
    page_fail_after = -1;
    assert_int_equal(done, 0);
    struct vfs_stat st2;
    vfs_stat_file(f, &st2);
    assert_int_equal(st2.size, st.size);
    assert_int_equal(pages_live, 1);
    vfs_close(f);
    assert_int_equal(del("C:\\f.bin"), 0);
    assert_false(there("C:\\f.bin"));
    assert_int_equal(heap_live, live);
}

static void test_dispositions_and_checks(void **state)
{
    (void)state;
    uint32_t action;
    struct vfs_file *f;
    int live = heap_live;

    assert_int_equal(op("C:\\d.txt", RW, 7, DORMER_FILE_OPEN, 0, NULL, NULL), K_ENOENT);
    assert_int_equal(op("C:\\no\\d.txt", RW, 7, DORMER_FILE_OPEN_IF, 0, NULL, NULL), K_ENOPATH);
    assert_int_equal(op("D:\\d.txt", RW, 7, DORMER_FILE_OPEN_IF, 0, NULL, NULL), K_ENOPATH);
    assert_int_equal(op("C:\\d.txt", RW, 7, DORMER_FILE_OPEN_IF, 0, NULL, &action), 0);
    assert_int_equal(action, DORMER_FILE_CREATED);
    assert_int_equal(op("C:\\D.TXT", RW, 7, DORMER_FILE_CREATE, 0, NULL, NULL), K_ECOLLIDE);
    assert_int_equal(op("C:\\d.txt\\x", RW, 7, DORMER_FILE_OPEN_IF, 0, NULL, NULL), K_ENOPATH);
    assert_int_equal(op("C:\\d.txt", RW, 7, DORMER_FILE_OPEN, DORMER_FILE_DIRECTORY_FILE, NULL,
                        NULL),
                     K_ENOTDIR);
    assert_int_equal(op("C:\\d.txt", RW, 7, DORMER_FILE_OVERWRITE, 0, NULL, &action), 0);
    assert_int_equal(action, DORMER_FILE_OVERWRITTEN);
    assert_int_equal(op("C:\\d.txt", RW, 7, DORMER_FILE_SUPERSEDE, 0, NULL, &action), 0);
    assert_int_equal(action, DORMER_FILE_SUPERSEDED);
    assert_int_equal(op("C:\\", RW, 7, DORMER_FILE_OPEN, 0, NULL, NULL), K_EISDIR);
    assert_int_equal(op("C:\\", DORMER_FILE_READ_DATA, 7, DORMER_FILE_OPEN, 0, &f, NULL), 0);
    uint8_t b;
    size_t done;
    assert_int_equal(vfs_read(f, VFS_AT_POSITION, 0, &b, 1, &done), K_EISDIR);
    assert_int_equal(vfs_set_disposition(f, true), K_EACCES);
    vfs_close(f);
    assert_int_equal(del("C:\\"), K_ENODEL);
    /* A file that is being deleted refuses opens, and new files in a pending directory. */
    assert_int_equal(op("C:\\pd", DORMER_FILE_READ_DATA | DORMER_DELETE, 7, DORMER_FILE_CREATE,
                        DORMER_FILE_DIRECTORY_FILE, &f, NULL),
                     0);
    assert_int_equal(vfs_set_disposition(f, true), 0);
    assert_int_equal(op("C:\\pd", DORMER_FILE_READ_DATA, 7, DORMER_FILE_OPEN, 0, NULL, NULL),
                     K_EDELPEND);
    assert_int_equal(op("C:\\pd\\x", RW, 7, DORMER_FILE_CREATE, 0, NULL, NULL), K_EDELPEND);
    vfs_close(f);
    assert_false(there("C:\\pd"));
    assert_int_equal(del("C:\\d.txt"), 0);
    /* Out of heap at each allocation of an open that creates: a clean error, nothing made. */
    for (int i = 0; i < 4; i++) {
        heap_fail_after = i;
        int rc = op("C:\\oom.txt", RW, 7, DORMER_FILE_CREATE, 0, NULL, NULL);
        heap_fail_after = -1;
        if (rc == 0) {
            assert_int_equal(del("C:\\oom.txt"), 0);
            break;
        }
        assert_int_equal(rc, K_ENOMEM);
        assert_false(there("C:\\oom.txt"));
    }
    assert_int_equal(heap_live, live);
}

static void test_sharing(void **state)
{
    (void)state;
    struct vfs_file *a, *b;

    assert_int_equal(op("C:\\s", DORMER_GENERIC_READ, DORMER_FILE_SHARE_READ, DORMER_FILE_CREATE,
                        0, &a, NULL),
                     0);
    assert_int_equal(op("C:\\s", DORMER_GENERIC_WRITE, 7, DORMER_FILE_OPEN, 0, NULL, NULL),
                     K_ESHARE);
    assert_int_equal(op("C:\\s", DORMER_GENERIC_READ, 1, DORMER_FILE_OPEN, 0, &b, NULL), 0);
    assert_int_equal(op("C:\\s", DORMER_GENERIC_READ, 7, DORMER_FILE_OPEN, 0, NULL, NULL), 0);
    assert_int_equal(op("C:\\s", DORMER_GENERIC_READ, 2, DORMER_FILE_OPEN, 0, NULL, NULL),
                     K_ESHARE);
    vfs_close(a);
    /* b still refuses writers; once it closes, anything goes. */
    assert_int_equal(op("C:\\s", DORMER_GENERIC_WRITE, 7, DORMER_FILE_OPEN, 0, NULL, NULL),
                     K_ESHARE);
    vfs_close(b);
    assert_int_equal(op("C:\\s", DORMER_GENERIC_WRITE, 0, DORMER_FILE_OPEN, 0, NULL, NULL), 0);
    assert_int_equal(del("C:\\s"), 0);
}

static void test_delete_on_close(void **state)
{
    (void)state;
    struct vfs_file *a, *b;
    size_t done;

    assert_int_equal(op("C:\\t", RW | DORMER_DELETE, 7, DORMER_FILE_CREATE,
                        DORMER_FILE_DELETE_ON_CLOSE, &a, NULL),
                     0);
    assert_int_equal(vfs_write(a, VFS_AT_POSITION, 0, "abcd", 4, &done), 0);
    assert_int_equal(op("C:\\t", DORMER_GENERIC_READ, 7, DORMER_FILE_OPEN, 0, &b, NULL), 0);
    vfs_close(a);
    assert_true(there("C:\\t") == false); /* pending: stat says DELETE_PENDING */
    struct vfs_stat st;
    P("C:\\t");
    assert_int_equal(vfs_stat_path(pbuf, plen, false, &st), K_EDELPEND);
    char buf[4];
    assert_int_equal(vfs_read(b, VFS_AT_OFFSET, 0, buf, 4, &done), 0);
    assert_memory_equal(buf, "abcd", 4);
    vfs_close(b);
    P("C:\\t");
    assert_int_equal(vfs_stat_path(pbuf, plen, false, &st), K_ENOENT);
    /* A directory: not while it has entries. */
    assert_int_equal(op("C:\\dd", DORMER_FILE_READ_DATA, 7, DORMER_FILE_CREATE,
                        DORMER_FILE_DIRECTORY_FILE, NULL, NULL),
                     0);
    assert_int_equal(op("C:\\dd\\f", RW, 7, DORMER_FILE_CREATE, 0, NULL, NULL), 0);
    assert_int_equal(del("C:\\dd"), K_ENOTEMPTY);
    assert_int_equal(op("C:\\dd", DORMER_DELETE, 7, DORMER_FILE_OPEN, DORMER_FILE_DELETE_ON_CLOSE,
                        NULL, NULL),
                     K_ENOTEMPTY);
    assert_int_equal(op("C:\\", DORMER_DELETE, 7, DORMER_FILE_OPEN, DORMER_FILE_DELETE_ON_CLOSE,
                        NULL, NULL),
                     K_ENODEL);
    assert_int_equal(del("C:\\dd\\f"), 0);
    assert_int_equal(del("C:\\dd"), 0);
}

static void test_rename(void **state)
{
    (void)state;
    struct vfs_file *f, *g;

    assert_int_equal(op("C:\\r", DORMER_FILE_READ_DATA | DORMER_DELETE, 7, DORMER_FILE_CREATE,
                        DORMER_FILE_DIRECTORY_FILE, &f, NULL),
                     0);
    assert_int_equal(op("C:\\r\\in", DORMER_FILE_READ_DATA, 7, DORMER_FILE_CREATE,
                        DORMER_FILE_DIRECTORY_FILE, NULL, NULL),
                     0);
    P("C:\\r\\in\\deeper");
    assert_int_equal(vfs_rename(f, pbuf, plen, false), K_EINVAL);
    P("C:\\r");
    assert_int_equal(vfs_rename(f, pbuf, plen, false), 0); /* onto itself */
    P("C:\\R2");
    assert_int_equal(vfs_rename(f, pbuf, plen, false), 0);
    assert_true(there("C:\\r2\\in"));
    P("E:\\x");
    assert_int_equal(vfs_rename(f, pbuf, plen, false), K_EXDEV);
    P("C:\\");
    assert_int_equal(vfs_rename(f, pbuf, plen, false), K_EACCES);
    uint16_t name[16];
    size_t chars;
    assert_int_equal(vfs_query_name(f, name, 16, &chars), 0);
    assert_int_equal(chars, 5);
    assert_int_equal(name[3], 'R');
    assert_int_equal(vfs_query_name(f, name, 2, &chars), K_ERANGE);
    /* The name is the node's: another handle sees the rename too. */
    assert_int_equal(op("C:\\r2", DORMER_FILE_READ_DATA | DORMER_DELETE, 7, DORMER_FILE_OPEN,
                        0, &g, NULL),
                     0);
    P("C:\\r3");
    assert_int_equal(vfs_rename(f, pbuf, plen, false), 0);
    assert_int_equal(vfs_query_name(g, name, 16, &chars), 0);
    assert_int_equal(chars, 5);
    assert_int_equal(name[4], '3');
    P("C:\\R2");
    assert_int_equal(vfs_rename(g, pbuf, plen, false), 0);
    vfs_close(g);
    vfs_close(f);
    /* Replace: a file over a file, never over a directory or an open file. */
    assert_int_equal(op("C:\\r2\\a", RW | DORMER_DELETE, 7, DORMER_FILE_CREATE, 0, &f, NULL), 0);
    assert_int_equal(op("C:\\r2\\b", RW, 7, DORMER_FILE_CREATE, 0, &g, NULL), 0);
    P("C:\\r2\\b");
    assert_int_equal(vfs_rename(f, pbuf, plen, false), K_ECOLLIDE);
    assert_int_equal(vfs_rename(f, pbuf, plen, true), K_EACCES);
    vfs_close(g);
    assert_int_equal(vfs_rename(f, pbuf, plen, true), 0);
    P("C:\\r2\\in");
    assert_int_equal(vfs_rename(f, pbuf, plen, true), K_EACCES);
    vfs_close(f);
    assert_false(there("C:\\r2\\a"));
    assert_int_equal(del("C:\\r2\\b"), 0);
    assert_int_equal(del("C:\\r2\\in"), 0);
    assert_int_equal(del("C:\\r2"), 0);
}

static int enum_count(struct vfs_file *d, const char *pattern, bool restart)
{
    uint16_t p[32];
    size_t n = pattern ? strlen(pattern) : 0;
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)pattern[i];
    struct vfs_dirent e;
    int count = 0, rc;
    while ((rc = vfs_enumerate(d, p, n, restart, &e)) == 1) {
        restart = false;
        count++;
    }
    return rc == K_ENOENT ? -1 : count;
}

static void test_enumerate(void **state)
{
    (void)state;
    struct vfs_file *d;
    char name[32];

    assert_int_equal(op("C:\\e", DORMER_FILE_READ_DATA, 7, DORMER_FILE_CREATE,
                        DORMER_FILE_DIRECTORY_FILE, &d, NULL),
                     0);
    assert_int_equal(enum_count(d, NULL, true), 2); /* . and .. */
    for (int i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "C:\\e\\f%d.%s", i, i % 2 ? "txt" : "log");
        assert_int_equal(op(name, RW, 7, DORMER_FILE_CREATE, 0, NULL, NULL), 0);
    }
    assert_int_equal(enum_count(d, NULL, true), 12);
    assert_int_equal(enum_count(d, "*.txt", true), 5);
    assert_int_equal(enum_count(d, "F?.LOG", true), 5);
    assert_int_equal(enum_count(d, "nothing*", true), -1);
    /* Deleting behind and ahead of the cursor: nothing twice, the removed never. */
    struct vfs_dirent e;
    assert_int_equal(vfs_enumerate(d, NULL, 0, true, &e), 1); /* . */
    assert_int_equal(vfs_enumerate(d, NULL, 0, false, &e), 1); /* .. */
    assert_int_equal(vfs_enumerate(d, NULL, 0, false, &e), 1); /* f0 */
    assert_int_equal(e.name[1], '0');
    assert_int_equal(del("C:\\e\\f0.log"), 0);
    assert_int_equal(del("C:\\e\\f1.txt"), 0);
    assert_int_equal(op("C:\\e\\new", RW, 7, DORMER_FILE_CREATE, 0, NULL, NULL), 0);
    int rest = 0;
    while (vfs_enumerate(d, NULL, 0, false, &e) == 1) {
        assert_false(e.name[0] == 'f' && (e.name[1] == '0' || e.name[1] == '1'));
        rest++;
    }
    assert_int_equal(rest, 9); /* f2..f9 and new */
    vfs_close(d);
    for (int i = 2; i < 10; i++) {
        snprintf(name, sizeof name, "C:\\e\\f%d.%s", i, i % 2 ? "txt" : "log");
        assert_int_equal(del(name), 0);
    }
    assert_int_equal(del("C:\\e\\new"), 0);
    assert_int_equal(del("C:\\e"), 0);
}

/* Names differing only in case are one entry; every one of a full directory is found
 * through its chain (40 names over 16, then 32 buckets: chains of several), also
 * after removals from the middle of chains and renames that change the hash; an
 * emptied directory gives its table back. */
static void test_lookup_table(void **state)
{
    (void)state;
    char name[48], other[48];
    struct vfs_file *f;
    int live = heap_live;

    assert_int_equal(op("C:\\h", DORMER_FILE_READ_DATA, 7, DORMER_FILE_CREATE,
                        DORMER_FILE_DIRECTORY_FILE, NULL, NULL),
                     0);
    assert_int_equal(op("C:\\h\\MixedCase.Txt", RW, 7, DORMER_FILE_CREATE, 0, NULL, NULL), 0);
    assert_int_equal(op("C:\\h\\mixedcase.txt", RW, 7, DORMER_FILE_CREATE, 0, NULL, NULL),
                     K_ECOLLIDE);
    assert_true(there("C:\\H\\MIXEDCASE.TXT"));
    assert_int_equal(del("C:\\h\\mixedCASE.txt"), 0);
    assert_false(there("C:\\h\\MixedCase.Txt"));
    /* Latin-1 letters fold too: "\xe9" (e acute) and "\xc9" are one name. */
    uint16_t lower[2] = { 'x', 0xe9 }, upper[2] = { 'X', 0xc9 };
    static const uint16_t dir[] = { 'C', ':', '\\', 'h', '\\' };
    uint16_t path[8];
    memcpy(path, dir, sizeof dir);
    memcpy(path + 5, lower, sizeof lower);
    struct vfs_open_args a = { RW, 7, DORMER_FILE_CREATE, 0, 0 };
    uint32_t act;
    assert_int_equal(vfs_open(path, 7, false, &a, &f, &act), 0);
    vfs_close(f);
    memcpy(path + 5, upper, sizeof upper);
    assert_int_equal(vfs_open(path, 7, false, &a, &f, &act), K_ECOLLIDE);
    a.disposition = DORMER_FILE_OPEN;
    a.access = DORMER_DELETE;
    assert_int_equal(vfs_open(path, 7, false, &a, &f, &act), 0);
    assert_int_equal(vfs_set_disposition(f, true), 0);
    vfs_close(f);
    for (unsigned i = 0; i < RAMFS_MAX_ENTRIES; i++) {
        snprintf(name, sizeof name, "C:\\h\\Entry%u", i);
        assert_int_equal(op(name, RW, 7, DORMER_FILE_CREATE, 0, NULL, NULL), 0);
    }
    for (unsigned i = 0; i < RAMFS_MAX_ENTRIES; i++) {
        snprintf(name, sizeof name, "C:\\H\\eNTRY%u", i);
        assert_true(there(name));
    }
    assert_false(there("C:\\h\\Entry"));
    assert_false(there("C:\\h\\Entry40x"));
    /* Every third goes; every other of the rest is renamed (a long name: kept off the
     * node) within the directory. */
    for (unsigned i = 0; i < RAMFS_MAX_ENTRIES; i += 3) {
        snprintf(name, sizeof name, "C:\\h\\entry%u", i);
        assert_int_equal(del(name), 0);
    }
    for (unsigned i = 1; i < RAMFS_MAX_ENTRIES; i += 3) {
        snprintf(name, sizeof name, "C:\\h\\entry%u", i);
        snprintf(other, sizeof other, "C:\\h\\a-much-longer-name-than-fits-inline-%u", i);
        assert_int_equal(ren(name, other), 0);
    }
    for (unsigned i = 0; i < RAMFS_MAX_ENTRIES; i++) {
        snprintf(name, sizeof name, "C:\\h\\entry%u", i);
        snprintf(other, sizeof other, "C:\\h\\A-MUCH-LONGER-NAME-THAN-FITS-INLINE-%u", i);
        assert_int_equal(there(name), i % 3 == 2);
        assert_int_equal(there(other), i % 3 == 1);
    }
    /* Renamed back, into a new directory (its first table), and removed. */
    assert_int_equal(op("C:\\h2", DORMER_FILE_READ_DATA, 7, DORMER_FILE_CREATE,
                        DORMER_FILE_DIRECTORY_FILE, NULL, NULL),
                     0);
    for (unsigned i = 1; i < RAMFS_MAX_ENTRIES; i += 3) {
        snprintf(other, sizeof other, "C:\\h\\a-much-longer-name-than-fits-inline-%u", i);
        snprintf(name, sizeof name, "C:\\h2\\e%u", i);
        assert_int_equal(ren(other, name), 0);
        assert_true(there(name));
        assert_int_equal(del(name), 0);
    }
    for (unsigned i = 2; i < RAMFS_MAX_ENTRIES; i += 3) {
        snprintf(name, sizeof name, "C:\\h\\ENTRY%u", i);
        assert_int_equal(del(name), 0);
    }
    assert_int_equal(del("C:\\h2"), 0);
    assert_int_equal(del("C:\\h"), 0);
    assert_int_equal(heap_live, live);
}

/* vfs_enumerate_each's sink for the tests: up to room entries' names, concatenated;
 * -1 once full. */
struct names {
    char got[256];
    size_t len;
    int n, room;
};

static int take(void *ctx, const struct vfs_dirent *e)
{
    struct names *s = ctx;
    if (s->n >= s->room)
        return -1;
    for (uint32_t i = 0; i < e->name_len && s->len + 1 < sizeof s->got; i++)
        s->got[s->len++] = (char)e->name_at[i];
    s->got[s->len] = 0;
    s->n++;
    return 1;
}

/* Lists d (from the start) into out as "name,name,...", in batches of room entries. */
static int list_batches(struct vfs_file *d, int room, char *out, size_t cap)
{
    struct vfs_dirent e;
    bool restart = true;
    int total = 0, rc;

    out[0] = 0;
    for (;;) {
        struct names s;
        memset(&s, 0, sizeof s);
        s.room = room;
        rc = vfs_enumerate_each(d, NULL, 0, restart, &e, take, &s);
        restart = false;
        if (rc <= 0)
            break;
        total += rc;
        strncat(out, s.got, cap - strlen(out) - 1);
    }
    assert_int_equal(rc, 0);
    return total;
}

/* What a listing sees while the directory changes (docs/files.md): each entry there
 * throughout once, in creation order; entries created meanwhile at the end; removed
 * ones not yet returned never; two listings at once do not disturb each other. */
static void test_enumerate_changes(void **state)
{
    (void)state;
    struct vfs_file *d, *d2, *f;
    struct vfs_dirent e;
    char name[32], seen[64];
    int live = heap_live;

    assert_int_equal(op("C:\\c", DORMER_FILE_READ_DATA, 7, DORMER_FILE_CREATE,
                        DORMER_FILE_DIRECTORY_FILE, &d, NULL),
                     0);
    assert_int_equal(op("C:\\c", DORMER_FILE_READ_DATA, 7, DORMER_FILE_OPEN,
                        DORMER_FILE_DIRECTORY_FILE, &d2, NULL),
                     0);
    for (char c = 'a'; c <= 'j'; c++) {
        snprintf(name, sizeof name, "C:\\c\\%c", c);
        assert_int_equal(op(name, RW, 7, DORMER_FILE_CREATE, 0, NULL, NULL), 0);
    }
    /* Batches of every size give the same listing, dots first. */
    for (int room = 1; room <= 13; room++) {
        assert_int_equal(list_batches(d, room, seen, sizeof seen), 12);
        assert_string_equal(seen, "...abcdefghij");
    }
    /* A batch that stops for room leaves its next entry next. */
    struct names s;
    memset(&s, 0, sizeof s);
    s.room = 0;
    assert_int_equal(vfs_enumerate_each(d, NULL, 0, true, &e, take, &s), K_ERANGE);
    assert_int_equal(vfs_enumerate(d, NULL, 0, false, &e), 1);
    assert_int_equal(e.name_len, 1); /* "." */
    /* Deleting each entry just returned, as "del *" does, with a second listing
     * interleaved half as fast: neither skips or repeats one. */
    assert_int_equal(vfs_enumerate(d, NULL, 0, false, &e), 1); /* .. */
    assert_int_equal(vfs_enumerate(d2, NULL, 0, true, &e), 1);
    assert_int_equal(vfs_enumerate(d2, NULL, 0, false, &e), 1);
    char d2seen[16] = "";
    int k = 0;
    for (char c = 'a'; c <= 'e'; c++) {
        assert_int_equal(vfs_enumerate(d, NULL, 0, false, &e), 1);
        assert_int_equal(e.name[0], c);
        if (k++ % 2 == 0) {
            assert_int_equal(vfs_enumerate(d2, NULL, 0, false, &e), 1);
            d2seen[strlen(d2seen)] = (char)e.name[0];
        }
        snprintf(name, sizeof name, "C:\\c\\%c", c);
        assert_int_equal(del(name), 0);
    }
    assert_string_equal(d2seen, "ace"); /* b and d were gone when it got there */
    /* Removed ahead of both (g), created (k), renamed in place (h to H2), moved in from
     * elsewhere (m): seen as the order says. */
    assert_int_equal(del("C:\\c\\g"), 0);
    assert_int_equal(op("C:\\c\\k", RW, 7, DORMER_FILE_CREATE, 0, NULL, NULL), 0);
    assert_int_equal(op("C:\\c\\h", DORMER_DELETE, 7, DORMER_FILE_OPEN, 0, &f, NULL), 0);
    P("C:\\c\\H2");
    assert_int_equal(vfs_rename(f, pbuf, plen, false), 0);
    vfs_close(f);
    assert_int_equal(op("C:\\m", RW | DORMER_DELETE, 7, DORMER_FILE_CREATE, 0, &f, NULL), 0);
    P("C:\\c\\m");
    assert_int_equal(vfs_rename(f, pbuf, plen, false), 0);
    vfs_close(f);
    char rest[16] = ""; /* (zero-filled: each name's letter goes at strlen) */
    while (vfs_enumerate(d, NULL, 0, false, &e) == 1)
        rest[strlen(rest)] = (char)e.name[0];
    assert_string_equal(rest, "fHijkm");
    memset(rest, 0, sizeof rest);
    while (vfs_enumerate(d2, NULL, 0, false, &e) == 1)
        rest[strlen(rest)] = (char)e.name[0];
    assert_string_equal(rest, "fHijkm");
    assert_int_equal(list_batches(d2, 4, seen, sizeof seen), 8);
    assert_string_equal(seen, "...fH2ijkm");
    vfs_close(d2);
    vfs_close(d);
    static const char *const left[] = { "f", "h2", "i", "j", "k", "m" };
    for (size_t i = 0; i < sizeof left / sizeof left[0]; i++) {
        snprintf(name, sizeof name, "C:\\c\\%s", left[i]);
        assert_int_equal(del(name), 0);
    }
    assert_int_equal(del("C:\\c"), 0);
    assert_int_equal(heap_live, live);
}

static void test_static_files(void **state)
{
    (void)state;
    static const uint8_t data[] = "MZ static bytes";
    struct vfs_file *d, *f;
    uint16_t name[8] = { 'b', 'o', 'o', 't', '.', 'e', 'x', 'e' };
    uint8_t buf[32];
    size_t done;

    assert_int_equal(op("C:\\sys", DORMER_FILE_READ_DATA, 7, DORMER_FILE_CREATE,
                        DORMER_FILE_DIRECTORY_FILE, &d, NULL),
                     0);
    assert_int_equal(ramfs_add_static(d->node, name, 8, data, sizeof data), 0);
    assert_int_equal(ramfs_add_static(d->node, name, 8, data, sizeof data), K_ECOLLIDE);
    assert_int_equal(ramfs_add_static(d->node, name, 0, data, sizeof data), K_EINVAL);
    vfs_close(d);
    assert_int_equal(op("C:\\sys\\BOOT.EXE", DORMER_GENERIC_READ, 7, DORMER_FILE_OPEN, 0, &f,
                        NULL),
                     0);
    assert_int_equal(vfs_read(f, VFS_AT_POSITION, 0, buf, sizeof buf, &done), 0);
    assert_int_equal(done, sizeof data);
    assert_memory_equal(buf, data, sizeof data);
    vfs_close(f);
    assert_int_equal(op("C:\\sys\\boot.exe", RW, 7, DORMER_FILE_OPEN, 0, NULL, NULL), K_EACCES);
    assert_int_equal(del("C:\\sys\\boot.exe"), K_ENODEL);
    assert_int_equal(op("C:\\sys\\boot.exe", DORMER_DELETE | DORMER_FILE_WRITE_ATTRIBUTES, 7,
                        DORMER_FILE_OPEN, 0, &f, NULL),
                     0);
    int64_t t[4] = { 0, 0, 0, 0 };
    assert_int_equal(vfs_set_basic(f, DORMER_FILE_ATTRIBUTE_NORMAL, t), K_EACCES);
    P("C:\\sys\\moved.exe");
    assert_int_equal(vfs_rename(f, pbuf, plen, false), K_EACCES);
    vfs_close(f);
    assert_true(there("C:\\sys\\boot.exe"));
    assert_int_equal(pages_live, 0); /* zero-copy */
}

static void test_directory_entry_limit(void **state)
{
    (void)state;
    char name[32];
    struct vfs_file *f;

    assert_int_equal(op("C:\\full", DORMER_FILE_READ_DATA, 7, DORMER_FILE_CREATE,
                        DORMER_FILE_DIRECTORY_FILE, NULL, NULL),
                     0);
    for (unsigned i = 0; i < RAMFS_MAX_ENTRIES; i++) {
        snprintf(name, sizeof name, "C:\\full\\f%u", i);
        assert_int_equal(op(name, RW, 7, DORMER_FILE_CREATE, 0, NULL, NULL), 0);
    }
    assert_int_equal(op("C:\\full\\one-more", RW, 7, DORMER_FILE_CREATE, 0, NULL, NULL),
                     K_EFULL);
    /* Nor by a move from elsewhere; a rename within it is fine. */
    assert_int_equal(op("C:\\outside", RW | DORMER_DELETE, 7, DORMER_FILE_CREATE, 0, &f, NULL),
                     0);
    P("C:\\full\\moved");
    assert_int_equal(vfs_rename(f, pbuf, plen, false), K_EFULL);
    vfs_close(f);
    assert_int_equal(op("C:\\full\\f0", RW | DORMER_DELETE, 7, DORMER_FILE_OPEN, 0, &f, NULL),
                     0);
    P("C:\\full\\f0-renamed");
    assert_int_equal(vfs_rename(f, pbuf, plen, false), 0);
    vfs_close(f);
    assert_int_equal(del("C:\\full\\f0-renamed"), 0);
    assert_int_equal(op("C:\\full\\one-more", RW, 7, DORMER_FILE_CREATE, 0, NULL, NULL), 0);
    assert_int_equal(del("C:\\full\\one-more"), 0);
    for (unsigned i = 1; i < RAMFS_MAX_ENTRIES; i++) {
        snprintf(name, sizeof name, "C:\\full\\f%u", i);
        assert_int_equal(del(name), 0);
    }
    assert_int_equal(del("C:\\full"), 0);
    assert_int_equal(del("C:\\outside"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_read_write_sparse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dispositions_and_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sharing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_on_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rename, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enumerate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enumerate_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory_entry_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_static_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
