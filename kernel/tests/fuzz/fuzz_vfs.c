/*
 * libFuzzer harness for the file-system layer over RAM C:\ (vfs.c, ramfs.c, path.c):
 * the input is a program of 4-byte operations (open with any access, share, disposition
 * and options; close; read; write; truncate; delete disposition; rename; enumerate;
 * attributes; stat; name; make the next allocations fail) on 8 paths and 8 open files.
 * It traps when the lock is left held or taken twice, a read returns more than asked,
 * a write leaves the file ending before the bytes it wrote, or when, after every file is closed
 * and the tree is wiped, a page or a heap block is still held.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <abi/file.h>
#include <fs/path.h>
#include <lib/errno.h>

#define VFS_GLUE_FAIL(what) __builtin_trap()
#include "../host/vfs_test_glue.h"

#define SLOTS 8
#define MAX_IO 9000

static const char *const paths[8] = { "C:\\a", "C:\\B", "C:\\d", "C:\\d\\a",
                                      "C:\\D\\b.txt", "C:\\d\\e", "C:\\d\\e\\a", "C:\\" };
static const uint32_t accesses[8] = {
    0,
    DORMER_GENERIC_READ,
    DORMER_GENERIC_WRITE,
    DORMER_GENERIC_READ | DORMER_GENERIC_WRITE,
    DORMER_DELETE,
    DORMER_GENERIC_ALL,
    DORMER_FILE_APPEND_DATA | DORMER_FILE_READ_DATA,
    DORMER_FILE_WRITE_ATTRIBUTES | DORMER_DELETE,
};
static const uint32_t options[4] = { 0, DORMER_FILE_DIRECTORY_FILE,
                                     DORMER_FILE_NON_DIRECTORY_FILE,
                                     DORMER_FILE_DELETE_ON_CLOSE };
static const char *const patterns[4] = { "", "*", "?", "*.txt" };

static struct vfs_file *slot[SLOTS];
static uint8_t io[MAX_IO];
static uint16_t norm[64];
static int baseline = -1;

static size_t path_of(const char *s)
{
    uint16_t in[64];
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        in[i] = (uint8_t)s[i];
    long r = path_normalize(in, n, NULL, 0, norm, sizeof norm / sizeof norm[0], NULL);
    if (r < 0)
        __builtin_trap();
    return (size_t)r;
}

static int open_path(const char *s, uint32_t access, uint32_t share, uint32_t disp,
                     uint32_t opts, struct vfs_file **out)
{
    struct vfs_open_args a = { access, share, disp, opts, 0 };
    uint32_t action;
    size_t n = path_of(s);
    return vfs_open(norm, n, false, &a, out, &action);
}

static uint64_t size_of(struct vfs_file *f)
{
    struct vfs_stat st;
    vfs_stat_file(f, &st);
    return st.size;
}

/* vfs_enumerate_each's sink: takes *room entries (each checked), then has no room. */
static int take_some(void *ctx, const struct vfs_dirent *e)
{
    int *room = ctx;
    if (e->name_len == 0 || e->name_len > VFS_NAME_MAX || !e->name_at)
        __builtin_trap();
    for (uint32_t i = 0; i < e->name_len; i++) /* the name is readable (ASan checks) */
        if (e->name_at[i] == 0)
            __builtin_trap();
    if (*room == 0)
        return -1;
    --*room;
    return 1;
}

static void run_op(const uint8_t *op)
{
    struct vfs_file **f = &slot[op[1] % SLOTS];
    uint32_t arg = op[2] | (uint32_t)op[3] << 8;
    size_t done = 0;
    int rc;

    switch (op[0] % 12) {
    case 0:
        if (*f)
            break;
        if (open_path(paths[op[1] >> 5], accesses[op[2] & 7], (op[2] >> 3) & 7, op[3] % 6,
                      options[(op[3] >> 3) & 3], f) != 0)
            *f = NULL;
        break;
    case 1:
        if (*f)
            vfs_close(*f);
        *f = NULL;
        break;
    case 2:
        if (*f) {
            size_t len = arg % MAX_IO;
            enum vfs_at at = op[1] & 0x80 ? VFS_AT_OFFSET : VFS_AT_POSITION;
            rc = vfs_read(*f, at, (uint64_t)(arg & 0xff) * 97, io, len, &done);
            if (done > len || (rc && done))
                __builtin_trap();
        }
        break;
    case 3:
        if (*f) {
            size_t len = (arg >> 4) % MAX_IO;
            uint64_t off = (uint64_t)(arg & 0xf) * 4093;
            enum vfs_at at = op[1] & 0x80 ? VFS_AT_OFFSET : (op[1] & 0x40 ? VFS_AT_END
                                                                          : VFS_AT_POSITION);
            memset(io, op[3], len);
            rc = vfs_write(*f, at, off, io, len, &done);
            if ((rc == 0 && done != len) || (rc && done) ||
                (rc == 0 && len && size_of(*f) < vfs_get_position(*f)))
                __builtin_trap();
        }
        break;
    case 4:
        if (*f)
            vfs_set_end_of_file(*f, (uint64_t)arg * 13);
        break;
    case 5:
        if (*f)
            vfs_set_disposition(*f, arg & 1);
        break;
    case 6:
        if (*f) {
            size_t n = path_of(paths[arg & 7]);
            vfs_rename(*f, norm, n, (arg >> 3) & 1);
        }
        break;
    case 7:
        if (*f) {
            struct vfs_dirent e;
            uint16_t p[8];
            const char *s = patterns[arg & 3];
            size_t n = strlen(s);
            for (size_t i = 0; i < n; i++)
                p[i] = (uint8_t)s[i];
            if ((arg >> 3) & 1) { /* a batch of up to room entries */
                int room = (arg >> 4) & 3;
                rc = vfs_enumerate_each(*f, p, n, (arg >> 2) & 1, &e, take_some, &room);
                if (rc > 3 || (rc == K_ERANGE && ((arg >> 4) & 3) != 0))
                    __builtin_trap();
            } else {
                rc = vfs_enumerate(*f, p, n, (arg >> 2) & 1, &e);
            }
            if (rc == 1 && (e.name_len == 0 || e.name_len > VFS_NAME_MAX))
                __builtin_trap();
        }
        break;
    case 8:
        if (*f) {
            int64_t t[4] = { (int64_t)arg, 0, -1, 0 };
            vfs_set_basic(*f, arg & 0xff, t);
        }
        break;
    case 9: {
        struct vfs_stat st;
        size_t n = path_of(paths[arg & 7]);
        vfs_stat_path(norm, n, false, &st);
        break;
    }
    case 10:
        if (*f) {
            uint16_t name[8];
            size_t chars;
            rc = vfs_query_name(*f, name, arg % 8, &chars);
            if ((rc == 0) != (chars <= arg % 8))
                __builtin_trap();
        }
        break;
    case 11:
        heap_fail_after = op[2] & 0x80 ? op[2] & 0x7 : -1;
        page_fail_after = op[3] & 0x80 ? op[3] & 0x7 : -1;
        return; /* stays armed for the next operation only */
    }
    heap_fail_after = page_fail_after = -1;
    if (lock_depth != 0)
        __builtin_trap();
}

/* Deletes everything below dir (depth-first), read-only or not; every delete must work. */
static void wipe(const char *dir, int depth)
{
    struct vfs_file *d;
    char names[64][300];
    int count = 0;

    if (depth > 4 || open_path(dir, DORMER_FILE_READ_DATA, 7, DORMER_FILE_OPEN,
                               DORMER_FILE_DIRECTORY_FILE, &d) != 0)
        __builtin_trap();
    struct vfs_dirent e;
    bool restart = true;
    while (count < 64 && vfs_enumerate(d, NULL, 0, restart, &e) == 1) {
        restart = false;
        if ((e.name_len == 1 && e.name[0] == '.') ||
            (e.name_len == 2 && e.name[0] == '.' && e.name[1] == '.'))
            continue;
        size_t n = (size_t)snprintf(names[count], sizeof names[count], "%s%s", dir,
                                    dir[strlen(dir) - 1] == '\\' ? "" : "\\");
        for (uint32_t i = 0; i < e.name_len && n + 1 < sizeof names[count]; i++)
            names[count][n++] = (char)e.name[i];
        names[count][n] = 0;
        if (e.st.attributes & DORMER_FILE_ATTRIBUTE_DIRECTORY)
            wipe(names[count], depth + 1);
        count++;
    }
    vfs_close(d);
    for (int i = 0; i < count; i++) {
        struct vfs_file *f;
        int64_t t[4] = { 0, 0, 0, 0 };
        if (open_path(names[i], DORMER_FILE_WRITE_ATTRIBUTES | DORMER_DELETE, 7,
                      DORMER_FILE_OPEN, 0, &f) != 0)
            __builtin_trap();
        if (vfs_set_basic(f, DORMER_FILE_ATTRIBUTE_NORMAL, t) != 0 ||
            vfs_set_disposition(f, true) != 0)
            __builtin_trap();
        vfs_close(f);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (baseline < 0) {
        if (ramfs_mount('C', &pages) != 0)
            __builtin_trap();
        baseline = heap_live;
    }
    for (size_t i = 0; i + 4 <= size && i < 4 * 256; i += 4)
        run_op(data + i);
    heap_fail_after = page_fail_after = -1; /* a last "fail" op must not hit the clean-up */
    for (int i = 0; i < SLOTS; i++) {
        if (slot[i])
            vfs_close(slot[i]);
        slot[i] = NULL;
    }
    wipe("C:\\", 0);
    if (pages_live != 0 || heap_live != baseline || lock_depth != 0)
        __builtin_trap(); /* something outlived its last open and its name */
    return 0;
}
