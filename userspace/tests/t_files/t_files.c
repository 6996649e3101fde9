/*
 * t_files: the native file calls (DmCreateFile .. DmQueryAttributesFile) on RAM C:\,
 * working in C:\t_files: create, write, read, seek and overwrite; every disposition;
 * share violations; directories and wildcard enumeration; rename and replace;
 * delete-on-close and delete dispositions; the current directory, relative paths and
 * a child inheriting it ("t_files.exe cwdchild" is that child); a full handle table;
 * files a process leaves open closed at its end ("holdopen"); bad paths and bad
 * pointers; System32's boot files (readable, never writable); pipes through the same
 * calls; and 1000 create+delete cycles that must give every frame back. Exit 0 if all pass.
 */
#include <dormer.h>

#define MAXW 600
#define SHARE_ALL (DORMER_FILE_SHARE_READ | DORMER_FILE_SHARE_WRITE | DORMER_FILE_SHARE_DELETE)
#define RW (DORMER_GENERIC_READ | DORMER_GENERIC_WRITE)
#define KERNEL_ADDR 0xffff800000001000ull

static uint16_t wpath[MAXW];

/* s as UTF-16 in a static buffer; *n its length. */
static const uint16_t *W(const char *s, uint64_t *n)
{
    uint64_t i = 0;

    for (; s[i] && i < MAXW; i++)
        wpath[i] = (uint8_t)s[i];
    *n = i;
    return wpath;
}

static dormer_status_t open_ex(const char *path, uint32_t access, uint32_t share,
                               uint32_t disposition, uint32_t options, uint32_t attributes,
                               dormer_handle_t *h, uint32_t *action)
{
    struct dormer_create_file a = { access, share, disposition, options, attributes, 99 };
    uint64_t n;
    const uint16_t *p = W(path, &n);
    dormer_handle_t tmp = 0;
    dormer_status_t st = DmCreateFile(h ? h : &tmp, p, n, &a);

    if (action)
        *action = a.action;
    if (!h && NT_SUCCESS(st))
        NtClose(tmp);
    return st;
}

static dormer_status_t open_file(const char *path, uint32_t access, uint32_t disposition,
                                 dormer_handle_t *h)
{
    return open_ex(path, access, SHARE_ALL, disposition, 0, 0, h, NULL);
}

static dormer_status_t make_dir(const char *path)
{
    return open_ex(path, DORMER_FILE_READ_DATA, SHARE_ALL, DORMER_FILE_CREATE,
                   DORMER_FILE_DIRECTORY_FILE, 0, NULL, NULL);
}

/* Removes path (a file or an empty directory) through a delete disposition. */
static dormer_status_t remove_path(const char *path)
{
    dormer_handle_t h;
    struct dormer_file_disposition d = { 1, { 0 } };
    dormer_status_t st = open_file(path, DORMER_DELETE, DORMER_FILE_OPEN, &h);

    if (!NT_SUCCESS(st))
        return st;
    st = DmSetInformationFile(h, DORMER_FILE_DISPOSITION_INFO, &d, sizeof d);
    NtClose(h);
    return st;
}

static uint64_t wr(dormer_handle_t h, const char *s, const int64_t *off)
{
    uint64_t done = 0;
    dormer_status_t st = DmWriteFile(h, s, strlen(s), off, &done);
    return NT_SUCCESS(st) ? done : 0;
}

static uint64_t size_of(dormer_handle_t h)
{
    struct dormer_file_standard s;

    memset(&s, 0, sizeof s);
    DmQueryInformationFile(h, DORMER_FILE_STANDARD_INFO, &s, sizeof s);
    return s.end_of_file;
}

static int exists(const char *path)
{
    struct dormer_file_basic b;
    uint64_t n;
    const uint16_t *p = W(path, &n);
    return DmQueryAttributesFile(p, n, &b) == STATUS_SUCCESS;
}

static void test_create_write_read(void)
{
    dormer_handle_t h = 0;
    char buf[64];
    uint64_t done = 0;
    int64_t off = 0;
    uint32_t action = 0;

    CHECK_STATUS(open_ex("C:\\t_files\\a.txt", RW, 0, DORMER_FILE_CREATE, 0, 0, &h, &action),
                 STATUS_SUCCESS, "create_file");
    CHECK(action == DORMER_FILE_CREATED, "create_action");
    CHECK(wr(h, "hello world", NULL) == 11, "write_11");
    struct dormer_file_position pos = { -1 };
    DmQueryInformationFile(h, DORMER_FILE_POSITION_INFO, &pos, sizeof pos);
    CHECK(pos.position == 11, "position_after_write");
    CHECK_STATUS(DmReadFile(h, buf, sizeof buf, NULL, &done), STATUS_SUCCESS, "read_at_eof_ok");
    CHECK(done == 0, "read_at_eof_nothing");
    off = 11;
    CHECK_STATUS(DmReadFile(h, buf, sizeof buf, &off, &done), STATUS_END_OF_FILE,
                 "read_explicit_eof");
    off = 0;
    memset(buf, 0, sizeof buf);
    CHECK_STATUS(DmReadFile(h, buf, sizeof buf, &off, &done), STATUS_SUCCESS, "read_offset_0");
    CHECK(done == 11 && memcmp(buf, "hello world", 11) == 0, "read_back");
    pos.position = 6;
    CHECK_STATUS(DmSetInformationFile(h, DORMER_FILE_POSITION_INFO, &pos, sizeof pos),
                 STATUS_SUCCESS, "seek");
    CHECK_STATUS(DmReadFile(h, buf, 5, NULL, &done), STATUS_SUCCESS, "read_after_seek");
    CHECK(done == 5 && memcmp(buf, "world", 5) == 0, "read_after_seek_data");
    off = 6;
    CHECK(wr(h, "WORLD", &off) == 5, "overwrite_in_place");
    off = 0;
    DmReadFile(h, buf, sizeof buf, &off, &done);
    CHECK(done == 11 && memcmp(buf, "hello WORLD", 11) == 0, "overwrite_read_back");
    pos.position = -5;
    CHECK_STATUS(DmSetInformationFile(h, DORMER_FILE_POSITION_INFO, &pos, sizeof pos),
                 STATUS_INVALID_PARAMETER, "seek_negative");
    /* A gap past the end reads as zeros. */
    off = 9000;
    CHECK(wr(h, "Z", &off) == 1, "write_past_end");
    CHECK(size_of(h) == 9001, "size_after_gap");
    off = 4000;
    memset(buf, 1, sizeof buf);
    DmReadFile(h, buf, 16, &off, &done);
    CHECK(done == 16 && buf[0] == 0 && buf[15] == 0, "gap_reads_zeros");
    struct dormer_file_end_of_file eof = { 5 };
    CHECK_STATUS(DmSetInformationFile(h, DORMER_FILE_END_OF_FILE_INFO, &eof, sizeof eof),
                 STATUS_SUCCESS, "truncate");
    CHECK(size_of(h) == 5, "size_after_truncate");
    /* Growing again shows zeros where the cut bytes were. */
    eof.end_of_file = 11;
    DmSetInformationFile(h, DORMER_FILE_END_OF_FILE_INFO, &eof, sizeof eof);
    off = 0;
    DmReadFile(h, buf, sizeof buf, &off, &done);
    CHECK(done == 11 && memcmp(buf, "hello\0\0\0\0\0\0", 11) == 0, "regrow_zeros");
    /* Special offsets: write at the end, and at the position. */
    off = DORMER_FILE_WRITE_TO_END_OF_FILE;
    CHECK(wr(h, "!", &off) == 1 && size_of(h) == 12, "write_to_end_offset");
    /* Times and attributes. */
    struct dormer_file_basic b;
    memset(&b, 0, sizeof b);
    CHECK_STATUS(DmQueryInformationFile(h, DORMER_FILE_BASIC_INFO, &b, sizeof b),
                 STATUS_SUCCESS, "query_basic");
    /* FAT keeps the write time in 2 s steps and the creation time in 10 ms ones, so on a
     * disk C:\ the write time may read up to 2 s before the creation time. */
    CHECK(b.creation > 116444736000000000ll && b.last_write + 20000000ll >= b.creation,
          "times_filetime");
    CHECK(b.attributes & DORMER_FILE_ATTRIBUTE_ARCHIVE, "archive_bit");
    struct dormer_file_basic set = { 0, 0, 130000000000000000ll, 0, DORMER_FILE_ATTRIBUTE_HIDDEN,
                                     0 };
    CHECK_STATUS(DmSetInformationFile(h, DORMER_FILE_BASIC_INFO, &set, sizeof set),
                 STATUS_SUCCESS, "set_basic");
    DmQueryInformationFile(h, DORMER_FILE_BASIC_INFO, &b, sizeof b);
    CHECK(b.last_write == 130000000000000000ll && b.attributes == DORMER_FILE_ATTRIBUTE_HIDDEN,
          "set_basic_kept");
    set.last_write = 0;
    set.attributes = DORMER_FILE_ATTRIBUTE_NORMAL;
    DmSetInformationFile(h, DORMER_FILE_BASIC_INFO, &set, sizeof set);
    DmQueryInformationFile(h, DORMER_FILE_BASIC_INFO, &b, sizeof b);
    CHECK(b.attributes == DORMER_FILE_ATTRIBUTE_NORMAL, "attributes_normal");
    CHECK_STATUS(DmQueryInformationFile(h, DORMER_FILE_BASIC_INFO, &b, sizeof b - 1),
                 STATUS_INFO_LENGTH_MISMATCH, "query_small");
    CHECK_STATUS(DmQueryInformationFile(h, 99, &b, sizeof b), STATUS_INVALID_INFO_CLASS,
                 "query_bad_class");
    CHECK_STATUS(DmFlushBuffersFile(h), STATUS_SUCCESS, "flush");
    /* The full name. */
    struct {
        struct dormer_file_name n;
        uint16_t buf[64];
    } name;
    CHECK_STATUS(DmQueryInformationFile(h, DORMER_FILE_NAME_INFO, &name, sizeof name),
                 STATUS_SUCCESS, "query_name");
    uint64_t n;
    const uint16_t *expect = W("C:\\t_files\\a.txt", &n);
    CHECK(name.n.chars == n && memcmp(name.n.name, expect, n * 2) == 0, "name_is_full_path");
    CHECK_STATUS(DmQueryInformationFile(h, DORMER_FILE_NAME_INFO, &name, 4 + 6),
                 STATUS_BUFFER_OVERFLOW, "query_name_overflow");
    CHECK(name.n.chars == n, "overflow_gives_length");
    struct dormer_file_type t = { 0, 0 };
    DmQueryInformationFile(h, DORMER_FILE_TYPE_INFO, &t, sizeof t);
    CHECK(t.type == DORMER_FILE_TYPE_DISK, "type_disk");
    /* Duplicates share the position. */
    dormer_handle_t d = 0;
    CHECK_STATUS(DmDuplicateHandle(h, &d), STATUS_SUCCESS, "duplicate");
    pos.position = 1;
    DmSetInformationFile(h, DORMER_FILE_POSITION_INFO, &pos, sizeof pos);
    DmReadFile(d, buf, 2, NULL, &done);
    CHECK(done == 2 && buf[0] == 'e' && buf[1] == 'l', "duplicate_shares_position");
    NtClose(d);
    CHECK_STATUS(NtClose(h), STATUS_SUCCESS, "close_file");
    CHECK_STATUS(DmReadFile(h, buf, 1, NULL, &done), STATUS_INVALID_HANDLE, "read_closed");
}

static void test_access(void)
{
    dormer_handle_t h = 0;
    char buf[8];
    uint64_t done;

    open_file("C:\\t_files\\acc.txt", DORMER_GENERIC_READ, DORMER_FILE_CREATE, &h);
    CHECK_STATUS(DmWriteFile(h, "x", 1, NULL, &done), STATUS_ACCESS_DENIED, "write_no_access");
    NtClose(h);
    open_file("C:\\t_files\\acc.txt", DORMER_FILE_WRITE_DATA, DORMER_FILE_OPEN, &h);
    CHECK_STATUS(DmReadFile(h, buf, 1, NULL, &done), STATUS_ACCESS_DENIED, "read_no_access");
    CHECK(wr(h, "abc", NULL) == 3, "write_data_ok");
    NtClose(h);
    /* Append-only: every write lands at the end, whatever the offset. */
    open_file("C:\\t_files\\acc.txt", DORMER_FILE_APPEND_DATA | DORMER_FILE_READ_DATA,
              DORMER_FILE_OPEN, &h);
    int64_t off = 0;
    CHECK(wr(h, "de", &off) == 2, "append_write");
    off = 0;
    DmReadFile(h, buf, sizeof buf, &off, &done);
    CHECK(done == 5 && memcmp(buf, "abcde", 5) == 0, "append_at_end");
    struct dormer_file_end_of_file eof = { 0 };
    CHECK_STATUS(DmSetInformationFile(h, DORMER_FILE_END_OF_FILE_INFO, &eof, sizeof eof),
                 STATUS_ACCESS_DENIED, "truncate_needs_write_data");
    struct dormer_file_basic b = { 0, 0, 0, 0, DORMER_FILE_ATTRIBUTE_READONLY, 0 };
    CHECK_STATUS(DmSetInformationFile(h, DORMER_FILE_BASIC_INFO, &b, sizeof b),
                 STATUS_ACCESS_DENIED, "set_basic_needs_write_attributes");
    NtClose(h);
    /* A read-only file: no write opens, no delete. */
    open_file("C:\\t_files\\acc.txt", DORMER_FILE_WRITE_ATTRIBUTES, DORMER_FILE_OPEN, &h);
    CHECK_STATUS(DmSetInformationFile(h, DORMER_FILE_BASIC_INFO, &b, sizeof b), STATUS_SUCCESS,
                 "make_read_only");
    NtClose(h);
    CHECK_STATUS(open_file("C:\\t_files\\acc.txt", DORMER_GENERIC_WRITE, DORMER_FILE_OPEN, NULL),
                 STATUS_ACCESS_DENIED, "read_only_no_write");
    CHECK_STATUS(open_file("C:\\t_files\\acc.txt", DORMER_GENERIC_READ, DORMER_FILE_OVERWRITE,
                           NULL),
                 STATUS_ACCESS_DENIED, "read_only_no_overwrite");
    CHECK_STATUS(open_ex("C:\\t_files\\acc.txt", DORMER_DELETE, SHARE_ALL, DORMER_FILE_OPEN,
                         DORMER_FILE_DELETE_ON_CLOSE, 0, NULL, NULL),
                 STATUS_CANNOT_DELETE, "read_only_no_delete_on_close");
    CHECK_STATUS(remove_path("C:\\t_files\\acc.txt"), STATUS_CANNOT_DELETE,
                 "read_only_no_disposition");
    CHECK_STATUS(open_file("C:\\t_files\\acc.txt", DORMER_GENERIC_READ, DORMER_FILE_OPEN, NULL),
                 STATUS_SUCCESS, "read_only_readable");
    open_file("C:\\t_files\\acc.txt", DORMER_FILE_WRITE_ATTRIBUTES, DORMER_FILE_OPEN, &h);
    b.attributes = DORMER_FILE_ATTRIBUTE_NORMAL;
    DmSetInformationFile(h, DORMER_FILE_BASIC_INFO, &b, sizeof b);
    NtClose(h);
    CHECK_STATUS(remove_path("C:\\t_files\\acc.txt"), STATUS_SUCCESS, "writable_again_deletes");
}

static void test_dispositions(void)
{
    dormer_handle_t h = 0;
    uint32_t action = 0;
    const char *p = "C:\\t_files\\disp.txt";

#define DISP(d, want_st, want_action, name)                                                    \
    do {                                                                                       \
        action = 99;                                                                           \
        CHECK_STATUS(open_ex(p, RW, SHARE_ALL, d, 0, 0, &h, &action), want_st, name);          \
        if (NT_SUCCESS(want_st))                                                               \
            ulib_check(action == (want_action), name "_action", "action %u", action);          \
        if (action != 99 && NT_SUCCESS(want_st)) {                                             \
            wr(h, "data", NULL);                                                               \
            NtClose(h);                                                                        \
        }                                                                                      \
    } while (0)

    DISP(DORMER_FILE_OPEN, STATUS_OBJECT_NAME_NOT_FOUND, 0, "open_missing");
    DISP(DORMER_FILE_OVERWRITE, STATUS_OBJECT_NAME_NOT_FOUND, 0, "overwrite_missing");
    DISP(DORMER_FILE_SUPERSEDE, STATUS_SUCCESS, DORMER_FILE_CREATED, "supersede_missing");
    DISP(DORMER_FILE_SUPERSEDE, STATUS_SUCCESS, DORMER_FILE_SUPERSEDED, "supersede_existing");
    DISP(DORMER_FILE_CREATE, STATUS_OBJECT_NAME_COLLISION, 0, "create_existing");
    DISP(DORMER_FILE_OPEN, STATUS_SUCCESS, DORMER_FILE_OPENED, "open_existing");
    DISP(DORMER_FILE_OPEN_IF, STATUS_SUCCESS, DORMER_FILE_OPENED, "open_if_existing");
    /* Opening keeps the data: "data" written twice (supersede left 4 bytes, open and
     * open_if wrote at position 0). */
    open_file(p, DORMER_GENERIC_READ, DORMER_FILE_OPEN, &h);
    CHECK(size_of(h) == 4, "open_keeps_data");
    NtClose(h);
    DISP(DORMER_FILE_OVERWRITE, STATUS_SUCCESS, DORMER_FILE_OVERWRITTEN, "overwrite_existing");
    DISP(DORMER_FILE_OVERWRITE_IF, STATUS_SUCCESS, DORMER_FILE_OVERWRITTEN,
         "overwrite_if_existing");
    open_file(p, DORMER_GENERIC_READ | DORMER_GENERIC_WRITE, DORMER_FILE_OVERWRITE_IF, &h);
    CHECK(size_of(h) == 0, "overwrite_truncates");
    NtClose(h);
    remove_path(p);
    DISP(DORMER_FILE_OVERWRITE_IF, STATUS_SUCCESS, DORMER_FILE_CREATED, "overwrite_if_missing");
    remove_path(p);
    DISP(DORMER_FILE_OPEN_IF, STATUS_SUCCESS, DORMER_FILE_CREATED, "open_if_missing");
    remove_path(p);
    DISP(DORMER_FILE_CREATE, STATUS_SUCCESS, DORMER_FILE_CREATED, "create_missing");
    DISP(6, STATUS_INVALID_PARAMETER, 0, "bad_disposition");
    CHECK_STATUS(open_ex(p, RW, 8, DORMER_FILE_OPEN, 0, 0, NULL, NULL), STATUS_INVALID_PARAMETER,
                 "bad_share");
    CHECK_STATUS(open_ex(p, RW, SHARE_ALL, DORMER_FILE_OPEN,
                         DORMER_FILE_DIRECTORY_FILE | DORMER_FILE_NON_DIRECTORY_FILE, 0, NULL,
                         NULL),
                 STATUS_INVALID_PARAMETER, "dir_and_non_dir");
    CHECK_STATUS(open_ex(p, RW, SHARE_ALL, DORMER_FILE_OPEN, DORMER_FILE_DELETE_ON_CLOSE, 0,
                         NULL, NULL),
                 STATUS_INVALID_PARAMETER, "delete_on_close_needs_delete");
    remove_path(p);
#undef DISP
}

static void test_sharing(void)
{
    dormer_handle_t a = 0, b = 0;
    const char *p = "C:\\t_files\\share.txt";

    open_ex(p, DORMER_GENERIC_READ, DORMER_FILE_SHARE_READ, DORMER_FILE_CREATE, 0, 0, &a, NULL);
    CHECK_STATUS(open_ex(p, DORMER_GENERIC_WRITE, SHARE_ALL, DORMER_FILE_OPEN, 0, 0, NULL, NULL),
                 STATUS_SHARING_VIOLATION, "share_write_refused");
    CHECK_STATUS(open_ex(p, DORMER_GENERIC_READ, DORMER_FILE_SHARE_READ | DORMER_FILE_SHARE_WRITE,
                         DORMER_FILE_OPEN, 0, 0, &b, NULL),
                 STATUS_SUCCESS, "share_read_allowed");
    NtClose(b);
    CHECK_STATUS(open_ex(p, DORMER_GENERIC_READ, DORMER_FILE_SHARE_WRITE, DORMER_FILE_OPEN, 0, 0,
                         NULL, NULL),
                 STATUS_SHARING_VIOLATION, "share_must_allow_existing_readers");
    CHECK_STATUS(open_ex(p, DORMER_DELETE, SHARE_ALL, DORMER_FILE_OPEN, 0, 0, NULL, NULL),
                 STATUS_SHARING_VIOLATION, "share_delete_refused");
    CHECK_STATUS(open_ex(p, DORMER_FILE_READ_ATTRIBUTES, 0, DORMER_FILE_OPEN, 0, 0, NULL, NULL),
                 STATUS_SUCCESS, "attributes_only_ignores_sharing");
    CHECK_STATUS(open_ex(p, RW, SHARE_ALL, DORMER_FILE_OVERWRITE_IF, 0, 0, NULL, NULL),
                 STATUS_SHARING_VIOLATION, "overwrite_refused_while_shared_read_only");
    struct dormer_file_basic basic;
    uint64_t n;
    const uint16_t *w = W(p, &n);
    CHECK_STATUS(DmQueryAttributesFile(w, n, &basic), STATUS_SUCCESS, "query_attributes_no_share");
    NtClose(a);
    CHECK_STATUS(open_ex(p, DORMER_GENERIC_WRITE, 0, DORMER_FILE_OPEN, 0, 0, &a, NULL),
                 STATUS_SUCCESS, "exclusive_after_close");
    CHECK_STATUS(open_ex(p, DORMER_GENERIC_READ, SHARE_ALL, DORMER_FILE_OPEN, 0, 0, NULL, NULL),
                 STATUS_SHARING_VIOLATION, "exclusive_refuses_readers");
    NtClose(a);
    remove_path(p);
}

/* Names DmQueryDirectoryFile returns for pattern (NULL: all), as a count and a mask of
 * which of "a.txt", "b.txt", "c.log", "sub", ".", ".." were seen. */
static int list_dir(dormer_handle_t d, const char *pattern, uint32_t *mask,
                    dormer_status_t *first, dormer_status_t *last)
{
    static const char *const names[] = { "a.txt", "b.txt", "c.log", "sub", ".", ".." };
    struct dormer_find_data fd;
    uint16_t pw[32];
    uint64_t pn = 0;
    int count = 0;

    if (pattern)
        for (; pattern[pn]; pn++)
            pw[pn] = (uint8_t)pattern[pn];
    *mask = 0;
    dormer_status_t st = DmQueryDirectoryFile(d, &fd, pattern ? pw : NULL, pn, 1);
    *first = st;
    while (st == STATUS_SUCCESS && count < 50) {
        count++;
        for (int i = 0; i < 6; i++) {
            uint64_t len = strlen(names[i]), k = 0;
            while (k < len && fd.name[k] == (uint8_t)names[i][k])
                k++;
            if (k == len && fd.name[len] == 0)
                *mask |= 1u << i;
        }
        st = DmQueryDirectoryFile(d, &fd, pattern ? pw : NULL, pn, 0);
    }
    *last = st;
    return count;
}

/* DmQueryDirectoryEntries over d from the start with a size-byte buffer and pattern:
 * the names, "|"-separated, into out; the number of entries; *calls the calls that
 * returned entries; *last the final status. Every record is checked for its shape. */
static int list_batched(dormer_handle_t d, uint64_t size, const char *pattern, char *out,
                        size_t cap, int *calls, dormer_status_t *last)
{
    static uint64_t buf[4096 / 8];
    uint16_t pw[32];
    struct dormer_dir_query q = { 0, 0, DORMER_DIR_RESTART };
    size_t used = 0;
    int count = 0;

    if (pattern) {
        for (; pattern[q.pattern_chars]; q.pattern_chars++)
            pw[q.pattern_chars] = (uint8_t)pattern[q.pattern_chars];
        q.pattern = (uint64_t)(uintptr_t)pw;
    }
    out[0] = 0;
    *calls = 0;
    while ((*last = DmQueryDirectoryEntries(d, buf, size, &q)) == STATUS_SUCCESS &&
           *calls < 50) {
        const uint8_t *at = (const uint8_t *)buf;
        (*calls)++;
        q.flags = 0;
        for (;;) {
            const struct dormer_dir_info *e = (const struct dormer_dir_info *)at;
            if (((uintptr_t)at & 7) || at + sizeof *e + e->name_chars * 2u >
                                             (const uint8_t *)buf + size + 4)
                return -1;
            for (uint16_t i = 0; i < e->name_chars && used + 2 < cap; i++)
                out[used++] = (char)e->name[i];
            out[used++] = '|';
            out[used] = 0;
            count++;
            if (!e->next)
                break;
            at += e->next;
        }
    }
    return count;
}

static void test_directories(void)
{
    dormer_handle_t d = 0, h = 0;
    uint32_t mask;
    dormer_status_t first, last;
    char buf[4];
    uint64_t done;

    CHECK_STATUS(make_dir("C:\\t_files\\dir"), STATUS_SUCCESS, "mkdir");
    CHECK_STATUS(make_dir("C:\\t_files\\DIR"), STATUS_OBJECT_NAME_COLLISION, "mkdir_again_case");
    open_file("C:\\t_files\\dir\\a.txt", RW, DORMER_FILE_CREATE, NULL);
    open_file("C:\\t_files\\dir\\b.txt", RW, DORMER_FILE_CREATE, NULL);
    open_file("C:\\t_files\\dir\\c.log", RW, DORMER_FILE_CREATE, NULL);
    make_dir("C:\\t_files\\dir\\sub");
    CHECK_STATUS(open_ex("C:\\t_files\\dir", DORMER_FILE_READ_DATA, SHARE_ALL, DORMER_FILE_OPEN,
                         DORMER_FILE_DIRECTORY_FILE, 0, &d, NULL),
                 STATUS_SUCCESS, "open_dir");
    CHECK(list_dir(d, NULL, &mask, &first, &last) == 6 && mask == 0x3f, "list_all");
    CHECK(first == STATUS_SUCCESS && last == STATUS_NO_MORE_FILES, "list_ends_no_more_files");
    CHECK(list_dir(d, "*.txt", &mask, &first, &last) == 2 && mask == 0x3, "list_star_txt");
    CHECK(list_dir(d, "?.log", &mask, &first, &last) == 1 && mask == 0x4, "list_question");
    CHECK(list_dir(d, "*.*", &mask, &first, &last) == 6, "list_star_dot_star");
    CHECK(list_dir(d, "S*", &mask, &first, &last) == 1 && mask == 0x8, "list_case_insensitive");
    list_dir(d, "x*", &mask, &first, &last);
    CHECK(first == STATUS_NO_SUCH_FILE, "list_no_match");
    struct dormer_find_data fd;
    uint16_t pw[1] = { 'a' };
    CHECK_STATUS(DmQueryDirectoryFile(d, (struct dormer_find_data *)KERNEL_ADDR, NULL, 0, 1),
                 STATUS_ACCESS_VIOLATION, "list_kernel_pointer");
    CHECK_STATUS(DmQueryDirectoryFile(d, &fd, (const uint16_t *)KERNEL_ADDR, 3, 1),
                 STATUS_ACCESS_VIOLATION, "list_pattern_kernel_pointer");
    CHECK_STATUS(DmQueryDirectoryFile(d, &fd, pw, 1000, 1), STATUS_OBJECT_NAME_INVALID,
                 "list_pattern_too_long");
    /* Many entries per call, in the same order; one per call in a buffer that takes
     * one; the next entry stays next when it does not fit. */
    char names[128];
    int calls;
    CHECK(list_batched(d, 4096, NULL, names, sizeof names, &calls, &last) == 6 &&
              calls == 1 && last == STATUS_NO_MORE_FILES &&
              !strcmp(names, ".|..|a.txt|b.txt|c.log|sub|"),
          "batch_all_one_call");
    CHECK(list_batched(d, 80, NULL, names, sizeof names, &calls, &last) == 6 && calls == 6 &&
              !strcmp(names, ".|..|a.txt|b.txt|c.log|sub|"),
          "batch_one_per_call");
    CHECK(list_batched(d, 4096, "*.TXT", names, sizeof names, &calls, &last) == 2 &&
              !strcmp(names, "a.txt|b.txt|"),
          "batch_pattern");
    CHECK(list_batched(d, 4096, "x*", names, sizeof names, &calls, &last) == 0 &&
              last == STATUS_NO_SUCH_FILE,
          "batch_no_match");
    struct dormer_dir_query rq = { 0, 0, DORMER_DIR_RESTART };
    static uint64_t small[10];
    CHECK_STATUS(DmQueryDirectoryEntries(d, small, sizeof small, &rq), STATUS_SUCCESS,
                 "batch_dot");
    CHECK_STATUS(DmQueryDirectoryEntries(d, small, 71, NULL), STATUS_INFO_LENGTH_MISMATCH,
                 "batch_below_header");
    CHECK_STATUS(DmQueryDirectoryEntries(d, small, 72, NULL), STATUS_SUCCESS, "batch_dotdot");
    CHECK_STATUS(DmQueryDirectoryEntries(d, small, 72, NULL), STATUS_BUFFER_TOO_SMALL,
                 "batch_name_does_not_fit");
    CHECK_STATUS(DmQueryDirectoryEntries(d, small, sizeof small, NULL), STATUS_SUCCESS,
                 "batch_then_fits");
    CHECK(((struct dormer_dir_info *)small)->name_chars == 5 &&
              ((struct dormer_dir_info *)small)->name[0] == 'a',
          "batch_nothing_skipped");
    CHECK_STATUS(DmQueryDirectoryEntries(d, (void *)KERNEL_ADDR, 4096, &rq),
                 STATUS_ACCESS_VIOLATION, "batch_kernel_pointer");
    CHECK_STATUS(DmQueryDirectoryEntries(d, small, sizeof small,
                                         (const struct dormer_dir_query *)KERNEL_ADDR),
                 STATUS_ACCESS_VIOLATION, "batch_query_kernel_pointer");
    struct dormer_dir_query bad = { 0, 0, 4 };
    CHECK_STATUS(DmQueryDirectoryEntries(d, small, sizeof small, &bad),
                 STATUS_INVALID_PARAMETER, "batch_bad_flags");
    bad.flags = 7u << DORMER_DIR_FORMAT_SHIFT; /* not a directory record class */
    CHECK_STATUS(DmQueryDirectoryEntries(d, small, sizeof small, &bad),
                 STATUS_INVALID_PARAMETER, "batch_bad_format");
    /* The root lists no dots; a file is not a directory. */
    dormer_handle_t root = 0;
    open_ex("C:\\", DORMER_FILE_READ_DATA, SHARE_ALL, DORMER_FILE_OPEN,
            DORMER_FILE_DIRECTORY_FILE, 0, &root, NULL);
    CHECK(list_dir(root, NULL, &mask, &first, &last) >= 2 && !(mask & 0x30), "root_no_dots");
    NtClose(root);
    CHECK_STATUS(open_ex("C:\\t_files\\dir\\a.txt", DORMER_GENERIC_READ, SHARE_ALL,
                         DORMER_FILE_OPEN, DORMER_FILE_DIRECTORY_FILE, 0, &h, NULL),
                 STATUS_NOT_A_DIRECTORY, "file_as_directory");
    open_file("C:\\t_files\\dir\\a.txt", DORMER_GENERIC_READ, DORMER_FILE_OPEN, &h);
    CHECK_STATUS(DmQueryDirectoryFile(h, &fd, NULL, 0, 1), STATUS_NOT_A_DIRECTORY, "list_a_file");
    CHECK_STATUS(DmQueryDirectoryEntries(h, small, sizeof small, NULL), STATUS_NOT_A_DIRECTORY,
                 "batch_a_file");
    NtClose(h);
    CHECK_STATUS(open_ex("C:\\t_files\\dir", DORMER_GENERIC_READ, SHARE_ALL, DORMER_FILE_OPEN,
                         DORMER_FILE_NON_DIRECTORY_FILE, 0, NULL, NULL),
                 STATUS_FILE_IS_A_DIRECTORY, "directory_as_file");
    CHECK_STATUS(open_file("C:\\t_files\\dir", DORMER_GENERIC_WRITE, DORMER_FILE_OPEN, NULL),
                 STATUS_FILE_IS_A_DIRECTORY, "directory_for_write");
    CHECK_STATUS(DmReadFile(d, buf, 1, NULL, &done), STATUS_FILE_IS_A_DIRECTORY, "read_dir");
    struct dormer_file_standard s;
    DmQueryInformationFile(d, DORMER_FILE_STANDARD_INFO, &s, sizeof s);
    CHECK(s.directory == 1, "standard_says_directory");
    /* A trailing separator means a directory. */
    CHECK_STATUS(open_file("C:\\t_files\\dir\\a.txt\\", DORMER_GENERIC_READ, DORMER_FILE_OPEN,
                           NULL),
                 STATUS_OBJECT_NAME_INVALID, "file_with_trailing_separator");
    CHECK_STATUS(open_ex("C:\\t_files\\dir\\", DORMER_FILE_READ_DATA, SHARE_ALL,
                         DORMER_FILE_OPEN, 0, 0, NULL, NULL),
                 STATUS_SUCCESS, "dir_with_trailing_separator");
    CHECK_STATUS(remove_path("C:\\t_files\\dir"), STATUS_DIRECTORY_NOT_EMPTY, "rmdir_not_empty");
    CHECK_STATUS(open_ex("C:\\t_files\\dir", DORMER_DELETE, SHARE_ALL, DORMER_FILE_OPEN,
                         DORMER_FILE_DIRECTORY_FILE | DORMER_FILE_DELETE_ON_CLOSE, 0, NULL, NULL),
                 STATUS_DIRECTORY_NOT_EMPTY, "delete_on_close_not_empty");
    NtClose(d);
    CHECK_STATUS(open_ex("C:\\t_files\\dir\\sub", DORMER_DELETE, SHARE_ALL, DORMER_FILE_OPEN,
                         DORMER_FILE_DIRECTORY_FILE | DORMER_FILE_DELETE_ON_CLOSE, 0, NULL, NULL),
                 STATUS_SUCCESS, "rmdir_empty");
    CHECK(!exists("C:\\t_files\\dir\\sub"), "rmdir_gone");
}

static dormer_status_t rename_to(dormer_handle_t h, const char *to, int replace)
{
    struct {
        struct dormer_file_rename r;
        uint16_t name[MAXW];
    } ri;
    uint64_t n;
    const uint16_t *w = W(to, &n);

    memset(&ri, 0, sizeof ri);
    ri.r.replace = (uint8_t)replace;
    ri.r.chars = (uint32_t)n;
    memcpy(ri.name, w, n * 2);
    return DmSetInformationFile(h, DORMER_FILE_RENAME_INFO, &ri, sizeof ri.r + n * 2);
}

static void test_rename(void)
{
    dormer_handle_t h = 0, other = 0;
    char buf[8];
    uint64_t done;
    int64_t off = 0;

    open_file("C:\\t_files\\dir\\a.txt", RW | DORMER_DELETE, DORMER_FILE_OPEN, &h);
    wr(h, "AAA", NULL);
    open_file("C:\\t_files\\dir\\b.txt", RW, DORMER_FILE_OPEN, &other);
    wr(other, "B", NULL);
    dormer_handle_t seer = 0;
    open_file("C:\\t_files\\dir\\A.TXT", DORMER_FILE_READ_ATTRIBUTES, DORMER_FILE_OPEN, &seer);
    CHECK_STATUS(rename_to(h, "C:\\t_files\\dir\\renamed.txt", 0), STATUS_SUCCESS, "rename");
    {
        struct {
            struct dormer_file_name n;
            uint16_t buf[64];
        } sn;
        uint64_t k;
        const uint16_t *want = W("C:\\t_files\\dir\\renamed.txt", &k);
        DmQueryInformationFile(seer, DORMER_FILE_NAME_INFO, &sn, sizeof sn);
        CHECK(sn.n.chars == k && memcmp(sn.n.name, want, k * 2) == 0,
              "other_handle_sees_rename");
        NtClose(seer);
    }
    CHECK(!exists("C:\\t_files\\dir\\a.txt") && exists("C:\\t_files\\dir\\renamed.txt"),
          "rename_moved_name");
    CHECK_STATUS(rename_to(h, "C:\\t_files\\dir\\b.txt", 0), STATUS_OBJECT_NAME_COLLISION,
                 "rename_collision");
    CHECK_STATUS(rename_to(h, "C:\\t_files\\dir\\b.txt", 1), STATUS_ACCESS_DENIED,
                 "replace_open_target_refused");
    NtClose(other);
    CHECK_STATUS(rename_to(h, "C:\\t_files\\dir\\b.txt", 1), STATUS_SUCCESS, "rename_replace");
    open_file("C:\\t_files\\dir\\b.txt", DORMER_GENERIC_READ, DORMER_FILE_OPEN, &other);
    DmReadFile(other, buf, sizeof buf, &off, &done);
    CHECK(done == 3 && memcmp(buf, "AAA", 3) == 0, "replaced_with_source");
    NtClose(other);
    CHECK_STATUS(rename_to(h, "D:\\x.txt", 0), STATUS_NOT_SAME_DEVICE, "rename_other_drive");
    CHECK_STATUS(rename_to(h, "C:\\nodir\\x.txt", 0), STATUS_OBJECT_PATH_NOT_FOUND,
                 "rename_missing_dir");
    CHECK_STATUS(rename_to(h, "C:\\t_files\\bad|name", 0), STATUS_OBJECT_NAME_INVALID,
                 "rename_bad_name");
    /* Relative to the current directory (C:\ here): moves it up to C:\t_files. */
    CHECK_STATUS(rename_to(h, "t_files\\moved.TXT", 0), STATUS_SUCCESS, "rename_relative_move");
    CHECK(exists("C:\\t_files\\moved.txt"), "moved_across_dirs");
    struct {
        struct dormer_file_name n;
        uint16_t buf[64];
    } name;
    DmQueryInformationFile(h, DORMER_FILE_NAME_INFO, &name, sizeof name);
    uint64_t n;
    const uint16_t *expect = W("C:\\t_files\\moved.TXT", &n);
    CHECK(name.n.chars == n && memcmp(name.n.name, expect, n * 2) == 0, "name_after_rename");
    NtClose(h);
    /* Without delete access a handle cannot rename. */
    open_file("C:\\t_files\\moved.txt", RW, DORMER_FILE_OPEN, &h);
    CHECK_STATUS(rename_to(h, "C:\\t_files\\x.txt", 0), STATUS_ACCESS_DENIED,
                 "rename_needs_delete");
    NtClose(h);
    remove_path("C:\\t_files\\moved.txt");
    /* A directory cannot move into itself. */
    open_file("C:\\t_files\\dir", DORMER_DELETE | DORMER_FILE_READ_DATA, DORMER_FILE_OPEN, &h);
    CHECK_STATUS(rename_to(h, "C:\\t_files\\dir\\inner", 0), STATUS_INVALID_PARAMETER,
                 "rename_dir_into_itself");
    CHECK_STATUS(rename_to(h, "C:\\t_files\\dir2", 0), STATUS_SUCCESS, "rename_dir");
    CHECK(exists("C:\\t_files\\dir2\\c.log"), "renamed_dir_keeps_children");
    NtClose(h);
}

static void test_delete(void)
{
    dormer_handle_t a = 0, b = 0;
    const char *p = "C:\\t_files\\doc.txt";

    CHECK_STATUS(open_ex(p, RW | DORMER_DELETE, SHARE_ALL, DORMER_FILE_CREATE,
                         DORMER_FILE_DELETE_ON_CLOSE, 0, &a, NULL),
                 STATUS_SUCCESS, "create_delete_on_close");
    wr(a, "temp", NULL);
    CHECK_STATUS(open_file(p, DORMER_GENERIC_READ, DORMER_FILE_OPEN, &b), STATUS_SUCCESS,
                 "open_while_delete_on_close_open");
    struct dormer_file_standard s;
    DmQueryInformationFile(a, DORMER_FILE_STANDARD_INFO, &s, sizeof s);
    CHECK(s.delete_pending == 1, "standard_delete_pending");
    NtClose(a);
    CHECK(size_of(b) == 4, "still_readable_while_pending");
    CHECK_STATUS(open_file(p, DORMER_GENERIC_READ, DORMER_FILE_OPEN, NULL), STATUS_DELETE_PENDING,
                 "open_delete_pending");
    CHECK_STATUS(open_file(p, DORMER_GENERIC_READ, DORMER_FILE_CREATE, NULL),
                 STATUS_OBJECT_NAME_COLLISION, "create_over_pending");
    NtClose(b);
    CHECK(!exists(p), "deleted_at_last_close");
    /* A disposition, then undone. */
    open_file(p, RW | DORMER_DELETE, DORMER_FILE_CREATE, &a);
    struct dormer_file_disposition d = { 1, { 0 } };
    CHECK_STATUS(DmSetInformationFile(a, DORMER_FILE_DISPOSITION_INFO, &d, sizeof d),
                 STATUS_SUCCESS, "set_disposition");
    CHECK_STATUS(open_file(p, DORMER_GENERIC_READ, DORMER_FILE_OPEN, NULL), STATUS_DELETE_PENDING,
                 "disposition_pending");
    d.delete_file = 0;
    DmSetInformationFile(a, DORMER_FILE_DISPOSITION_INFO, &d, sizeof d);
    NtClose(a);
    CHECK(exists(p), "disposition_cancelled");
    open_file(p, RW, DORMER_FILE_OPEN, &a);
    d.delete_file = 1;
    CHECK_STATUS(DmSetInformationFile(a, DORMER_FILE_DISPOSITION_INFO, &d, sizeof d),
                 STATUS_ACCESS_DENIED, "disposition_needs_delete");
    NtClose(a);
    CHECK_STATUS(remove_path(p), STATUS_SUCCESS, "delete");
    CHECK(!exists(p), "delete_gone");
    /* The root cannot go. */
    CHECK_STATUS(remove_path("C:\\"), STATUS_CANNOT_DELETE, "root_cannot_delete");
}

static void test_current_directory(void)
{
    uint16_t buf[64];
    uint64_t needed = 0, n;
    const uint16_t *w;

    CHECK_STATUS(DmGetCurrentDirectory(buf, 64, &needed), STATUS_SUCCESS, "getcwd_initial");
    CHECK(needed == 3 && buf[0] == 'C' && buf[1] == ':' && buf[2] == '\\' && buf[3] == 0,
          "initial_cwd_root");
    w = W("c:/t_files/", &n);
    CHECK_STATUS(DmSetCurrentDirectory(w, n), STATUS_SUCCESS, "setcwd");
    DmGetCurrentDirectory(buf, 64, &needed);
    w = W("C:\\t_files", &n);
    CHECK(needed == n && memcmp(buf, w, n * 2) == 0 && buf[n] == 0, "getcwd_normalized");
    CHECK_STATUS(DmGetCurrentDirectory(buf, 5, &needed), STATUS_BUFFER_TOO_SMALL,
                 "getcwd_small");
    CHECK(needed == n, "getcwd_small_needed");
    open_file("C:\\t_files\\rel.txt", RW, DORMER_FILE_CREATE, NULL);
    CHECK_STATUS(open_file("rel.txt", DORMER_GENERIC_READ, DORMER_FILE_OPEN, NULL),
                 STATUS_SUCCESS, "open_relative");
    CHECK_STATUS(open_file(".\\REL.TXT", DORMER_GENERIC_READ, DORMER_FILE_OPEN, NULL),
                 STATUS_SUCCESS, "open_dot_relative");
    CHECK_STATUS(open_file("..\\t_files\\rel.txt", DORMER_GENERIC_READ, DORMER_FILE_OPEN, NULL),
                 STATUS_SUCCESS, "open_dotdot_relative");
    CHECK_STATUS(open_file("\\t_files\\rel.txt", DORMER_GENERIC_READ, DORMER_FILE_OPEN, NULL),
                 STATUS_SUCCESS, "open_rooted");
    CHECK_STATUS(open_file("dir2\\..\\rel.txt.", DORMER_GENERIC_READ, DORMER_FILE_OPEN, NULL),
                 STATUS_SUCCESS, "open_dots_and_trailing_dot");
    /* A child starts here too. */
    dormer_handle_t child = 0;
    int32_t status = -1;
    if (DormerSpawn("t_files.exe cwdchild", 0, &child) == STATUS_SUCCESS) {
        DormerWait(child, 30000);
        DmQueryExitStatus(child, &status);
        NtClose(child);
    }
    CHECK(status == 0, "child_inherits_cwd");
    w = W("C:\\t_files\\rel.txt", &n);
    CHECK_STATUS(DmSetCurrentDirectory(w, n), STATUS_NOT_A_DIRECTORY, "setcwd_file");
    w = W("C:\\nowhere", &n);
    CHECK_STATUS(DmSetCurrentDirectory(w, n), STATUS_OBJECT_NAME_NOT_FOUND, "setcwd_missing");
    CHECK_STATUS(DmSetCurrentDirectory((const uint16_t *)KERNEL_ADDR, 4), STATUS_ACCESS_VIOLATION,
                 "setcwd_kernel_pointer");
    CHECK_STATUS(DmGetCurrentDirectory((uint16_t *)KERNEL_ADDR, 64, &needed),
                 STATUS_ACCESS_VIOLATION, "getcwd_kernel_pointer");
    CHECK_STATUS(DmGetCurrentDirectory(buf, 64, NULL), STATUS_ACCESS_VIOLATION, "getcwd_null");
    remove_path("rel.txt");
    w = W("\\", &n);
    CHECK_STATUS(DmSetCurrentDirectory(w, n), STATUS_SUCCESS, "setcwd_root");
}

static void test_bad_paths(void)
{
    uint64_t n;
    const uint16_t *w;
    struct dormer_file_basic b;

#define BAD(path, want, name) \
    CHECK_STATUS(open_file(path, DORMER_GENERIC_READ, DORMER_FILE_OPEN, NULL), want, name)
    BAD("C:\\t_files\\a<b", STATUS_OBJECT_NAME_INVALID, "bad_char_lt");
    BAD("C:\\t_files\\a?b", STATUS_OBJECT_NAME_INVALID, "bad_char_question");
    BAD("C:\\t_files\\a*", STATUS_OBJECT_NAME_INVALID, "bad_char_star");
    BAD("C:\\t_files\\a:b", STATUS_OBJECT_NAME_INVALID, "bad_char_colon");
    BAD("C:\\t_files\\a\x01", STATUS_OBJECT_NAME_INVALID, "bad_char_control");
    BAD("C:\\CON", STATUS_OBJECT_NAME_INVALID, "device_con");
    BAD("C:\\t_files\\nul.txt", STATUS_OBJECT_NAME_INVALID, "device_nul_ext");
    BAD("C:\\t_files\\com1", STATUS_OBJECT_NAME_INVALID, "device_com1");
    BAD("C:\\t_files\\missing", STATUS_OBJECT_NAME_NOT_FOUND, "missing_file");
    BAD("C:\\nodir\\x", STATUS_OBJECT_PATH_NOT_FOUND, "missing_dir");
    BAD("C:\\t_files\\dir2\\c.log\\x", STATUS_OBJECT_PATH_NOT_FOUND, "file_as_middle");
    BAD("Q:\\x", STATUS_OBJECT_PATH_NOT_FOUND, "unknown_drive");
    BAD("\\\\server\\share\\x", STATUS_OBJECT_PATH_SYNTAX_BAD, "unc");
    static char longname[300];
    memcpy(longname, "C:\\", 3);
    memset(longname + 3, 'n', 256);
    BAD(longname, STATUS_OBJECT_NAME_INVALID, "component_too_long");
#undef BAD
    w = W("C:\\x", &n);
    dormer_handle_t h;
    struct dormer_create_file a = { DORMER_GENERIC_READ, SHARE_ALL, DORMER_FILE_OPEN_IF, 0, 0, 0 };
    CHECK_STATUS(DmCreateFile(&h, w, 0, &a), STATUS_OBJECT_NAME_INVALID, "empty_path");
    CHECK_STATUS(DmCreateFile(&h, w, 40000, &a), STATUS_OBJECT_NAME_INVALID, "path_too_long");
    CHECK_STATUS(DmQueryAttributesFile(w, 0, &b), STATUS_OBJECT_NAME_INVALID,
                 "attributes_empty_path");
}

static void test_bad_pointers(void)
{
    uint64_t n, done;
    const uint16_t *w = W("C:\\t_files\\ptr.txt", &n);
    dormer_handle_t h = 0;
    struct dormer_create_file a = { RW, SHARE_ALL, DORMER_FILE_OPEN_IF, 0, 0, 0 };
    struct dormer_file_basic b;
    char buf[8];

    /* An address that was committed and then released: unmapped. */
    uint64_t base = 0, size = 4096;
    DmAllocateVirtualMemory(&base, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    size = 0;
    DmFreeVirtualMemory(&base, &size, MEM_RELEASE);
    void *gone = (void *)(uintptr_t)base;

    CHECK_STATUS(DmCreateFile(NULL, w, n, &a), STATUS_ACCESS_VIOLATION, "create_null_handle");
    CHECK_STATUS(DmCreateFile((dormer_handle_t *)KERNEL_ADDR, w, n, &a), STATUS_ACCESS_VIOLATION,
                 "create_kernel_handle");
    CHECK_STATUS(DmCreateFile(&h, NULL, n, &a), STATUS_ACCESS_VIOLATION, "create_null_path");
    CHECK_STATUS(DmCreateFile(&h, (const uint16_t *)KERNEL_ADDR, n, &a), STATUS_ACCESS_VIOLATION,
                 "create_kernel_path");
    CHECK_STATUS(DmCreateFile(&h, gone, n, &a), STATUS_ACCESS_VIOLATION, "create_unmapped_path");
    CHECK_STATUS(DmCreateFile(&h, w, n, NULL), STATUS_ACCESS_VIOLATION, "create_null_args");
    CHECK_STATUS(DmCreateFile(&h, w, n, gone), STATUS_ACCESS_VIOLATION, "create_unmapped_args");
    CHECK(!exists("C:\\t_files\\ptr.txt"), "bad_pointer_created_nothing");
    CHECK_STATUS(DmCreateFile(&h, w, n, &a), STATUS_SUCCESS, "create_for_pointers");
    wr(h, "abc", NULL);
    int64_t off = 0;
    CHECK_STATUS(DmReadFile(h, (void *)KERNEL_ADDR, 3, &off, &done), STATUS_ACCESS_VIOLATION,
                 "read_kernel_buffer");
    CHECK_STATUS(DmReadFile(h, gone, 3, &off, &done), STATUS_ACCESS_VIOLATION,
                 "read_unmapped_buffer");
    CHECK_STATUS(DmReadFile(h, buf, 3, &off, NULL), STATUS_ACCESS_VIOLATION, "read_null_done");
    CHECK_STATUS(DmReadFile(h, buf, 3, (const int64_t *)KERNEL_ADDR, &done),
                 STATUS_ACCESS_VIOLATION, "read_kernel_offset");
    CHECK_STATUS(DmWriteFile(h, (const void *)KERNEL_ADDR, 3, &off, &done),
                 STATUS_ACCESS_VIOLATION, "write_kernel_buffer");
    CHECK_STATUS(DmWriteFile(h, gone, 3, &off, &done), STATUS_ACCESS_VIOLATION,
                 "write_unmapped_buffer");
    CHECK(size_of(h) == 3, "bad_write_changed_nothing");
    CHECK_STATUS(DmReadFile(h, buf, ~0ull, &off, &done), STATUS_ACCESS_VIOLATION,
                 "read_huge_length");
    CHECK_STATUS(DmQueryInformationFile(h, DORMER_FILE_BASIC_INFO, (void *)KERNEL_ADDR, 40),
                 STATUS_ACCESS_VIOLATION, "query_kernel_buffer");
    CHECK_STATUS(DmQueryInformationFile(h, DORMER_FILE_NAME_INFO, gone, 200),
                 STATUS_ACCESS_VIOLATION, "query_name_unmapped");
    CHECK_STATUS(DmSetInformationFile(h, DORMER_FILE_BASIC_INFO, gone, 40),
                 STATUS_ACCESS_VIOLATION, "set_unmapped");
    struct dormer_file_rename r = { 0, { 0 }, 0x7fffffff };
    CHECK_STATUS(DmSetInformationFile(h, DORMER_FILE_RENAME_INFO, &r, sizeof r),
                 STATUS_OBJECT_NAME_INVALID, "rename_huge_chars");
    r.chars = 10;
    CHECK_STATUS(DmSetInformationFile(h, DORMER_FILE_RENAME_INFO, &r, sizeof r),
                 STATUS_INFO_LENGTH_MISMATCH, "rename_chars_past_size");
    CHECK_STATUS(DmDuplicateHandle(h, NULL), STATUS_ACCESS_VIOLATION, "duplicate_null");
    CHECK_STATUS(DmQueryAttributesFile(w, n, (struct dormer_file_basic *)KERNEL_ADDR),
                 STATUS_ACCESS_VIOLATION, "attributes_kernel_out");
    CHECK_STATUS(DmQueryAttributesFile((const uint16_t *)KERNEL_ADDR, n, &b),
                 STATUS_ACCESS_VIOLATION, "attributes_kernel_path");
    CHECK_STATUS(DmReadFile(0x123, buf, 1, NULL, &done), STATUS_INVALID_HANDLE, "read_bad_handle");
    CHECK_STATUS(DmFlushBuffersFile(0x123), STATUS_INVALID_HANDLE, "flush_bad_handle");
    CHECK_STATUS(DmReadFile(DORMER_CURRENT_PROCESS, buf, 1, NULL, &done),
                 STATUS_OBJECT_TYPE_MISMATCH, "read_process_handle");
    NtClose(h);
    remove_path("C:\\t_files\\ptr.txt");
}

static void test_system32(void)
{
    dormer_handle_t h = 0;
    uint8_t mz[2] = { 0, 0 };
    uint64_t done = 0, size, total = 2;
    static uint8_t buf[4096];

    CHECK_STATUS(open_file("c:/windows/SYSTEM32/Hello.exe", DORMER_GENERIC_READ,
                           DORMER_FILE_OPEN, &h),
                 STATUS_SUCCESS, "system32_open");
    CHECK_STATUS(DmReadFile(h, mz, 2, NULL, &done), STATUS_SUCCESS, "system32_read");
    CHECK(done == 2 && mz[0] == 'M' && mz[1] == 'Z', "system32_is_pe");
    size = size_of(h);
    while (NT_SUCCESS(DmReadFile(h, buf, sizeof buf, NULL, &done)) && done > 0 && total <= size)
        total += done;
    CHECK(size > 0x200 && total == size, "system32_reads_its_size");
    struct dormer_file_basic b;
    DmQueryInformationFile(h, DORMER_FILE_BASIC_INFO, &b, sizeof b);
    CHECK(b.attributes & DORMER_FILE_ATTRIBUTE_READONLY, "system32_read_only");
    CHECK_STATUS(DmWriteFile(h, "x", 1, NULL, &done), STATUS_ACCESS_DENIED, "system32_write_handle");
    NtClose(h);
    CHECK_STATUS(open_file("C:\\Windows\\System32\\hello.exe", DORMER_GENERIC_WRITE,
                           DORMER_FILE_OPEN, NULL),
                 STATUS_ACCESS_DENIED, "system32_open_write");
    CHECK_STATUS(open_file("C:\\Windows\\System32\\hello.exe", DORMER_GENERIC_READ,
                           DORMER_FILE_OVERWRITE_IF, NULL),
                 STATUS_ACCESS_DENIED, "system32_overwrite");
    CHECK_STATUS(remove_path("C:\\Windows\\System32\\hello.exe"), STATUS_CANNOT_DELETE,
                 "system32_delete");
    open_file("C:\\Windows\\System32\\hello.exe", DORMER_DELETE | DORMER_FILE_WRITE_ATTRIBUTES,
              DORMER_FILE_OPEN, &h);
    CHECK_STATUS(rename_to(h, "C:\\Windows\\System32\\x.exe", 0), STATUS_ACCESS_DENIED,
                 "system32_rename");
    b.attributes = DORMER_FILE_ATTRIBUTE_NORMAL;
    CHECK_STATUS(DmSetInformationFile(h, DORMER_FILE_BASIC_INFO, &b, sizeof b),
                 STATUS_ACCESS_DENIED, "system32_set_attributes");
    NtClose(h);
    CHECK(exists("C:\\Windows\\System32\\hello.exe"), "system32_still_there");
    dormer_handle_t d = 0;
    struct dormer_find_data fd;
    uint16_t pat[5] = { '*', '.', 'e', 'x', 'e' };
    open_ex("C:\\Windows\\System32", DORMER_FILE_READ_DATA, SHARE_ALL, DORMER_FILE_OPEN,
            DORMER_FILE_DIRECTORY_FILE, 0, &d, NULL);
    int exes = 0, hello = 0;
    dormer_status_t st = DmQueryDirectoryFile(d, &fd, pat, 5, 1);
    while (st == STATUS_SUCCESS && exes < 500) {
        exes++;
        hello += fd.name[0] == 'h' && fd.name[5] == '.' && fd.size == size;
        st = DmQueryDirectoryFile(d, &fd, pat, 5, 0);
    }
    CHECK(exes >= 3 && hello == 1 && st == STATUS_NO_MORE_FILES, "system32_lists_exes");
    NtClose(d);
}

static void test_pipes(void)
{
    dormer_handle_t r = 0, w = 0;
    char buf[8];
    uint64_t done = 0;
    struct dormer_file_type t = { 0, 0 };

    DmCreatePipe(&r, &w);
    CHECK_STATUS(DmWriteFile(w, "pipe", 4, NULL, &done), STATUS_SUCCESS, "pipe_write");
    CHECK_STATUS(DmReadFile(r, buf, sizeof buf, NULL, &done), STATUS_SUCCESS, "pipe_read");
    CHECK(done == 4 && memcmp(buf, "pipe", 4) == 0, "pipe_data");
    DmQueryInformationFile(r, DORMER_FILE_TYPE_INFO, &t, sizeof t);
    CHECK(t.type == DORMER_FILE_TYPE_PIPE, "pipe_type");
    CHECK_STATUS(DmReadFile(w, buf, 1, NULL, &done), STATUS_ACCESS_DENIED, "pipe_read_write_end");
    CHECK_STATUS(DmFlushBuffersFile(w), STATUS_SUCCESS, "pipe_flush");
    NtClose(w);
    CHECK_STATUS(DmReadFile(r, buf, 1, NULL, &done), STATUS_PIPE_BROKEN, "pipe_broken");
    NtClose(r);
}

static uint64_t free_frames(void)
{
    struct dormer_memory_counters c;

    memset(&c, 0, sizeof c);
    DmQuerySystemInformation(DORMER_INFO_MEMORY, &c, sizeof c);
    return c.free_frames;
}

static int cycle(int i)
{
    static uint8_t data[9000];
    char path[64];
    dormer_handle_t h;
    uint64_t done = 0;

    usnprintf(path, sizeof path, "C:\\t_files\\cycle%d.bin", i % 7);
    if (open_ex(path, RW | DORMER_DELETE, 0, DORMER_FILE_CREATE, DORMER_FILE_DELETE_ON_CLOSE, 0,
                &h, NULL) != STATUS_SUCCESS)
        return 0;
    data[0] = (uint8_t)i;
    DmWriteFile(h, data, sizeof data, NULL, &done);
    NtClose(h);
    return done == sizeof data && !exists(path);
}

static void test_frames_come_back(void)
{
    int ok = 1;

    for (int i = 0; i < 20; i++)
        ok &= cycle(i);
    uint64_t before = free_frames();
    for (int i = 0; i < 1000; i++)
        ok &= cycle(i);
    uint64_t after = free_frames();
    CHECK(ok, "cycles_create_write_delete");
    ulib_check(after == before, "cycles_frames_unchanged", "free frames %llu -> %llu",
               (unsigned long long)before, (unsigned long long)after);
}

/* Handles count against the process's table; a refused open leaves no open behind. */
static void test_handle_limit(void)
{
    static dormer_handle_t hs[300];
    int opened = 0;
    dormer_status_t st = STATUS_SUCCESS;

    open_file("C:\\t_files\\many.txt", RW, DORMER_FILE_CREATE, NULL);
    while (opened < 300) {
        st = open_file("C:\\t_files\\many.txt", DORMER_GENERIC_READ, DORMER_FILE_OPEN,
                       &hs[opened]);
        if (st != STATUS_SUCCESS)
            break;
        opened++;
    }
    ulib_check(st == STATUS_INSUFFICIENT_RESOURCES && opened > 200 && opened <= 256,
               "handle_table_full", "status 0x%08x after %d opens", (uint32_t)st, opened);
    for (int i = 0; i < opened; i++)
        NtClose(hs[i]);
    /* An exclusive open works only if the refused one let go of the file. */
    CHECK_STATUS(open_ex("C:\\t_files\\many.txt", RW | DORMER_DELETE, 0, DORMER_FILE_OPEN,
                         DORMER_FILE_DELETE_ON_CLOSE, 0, NULL, NULL),
                 STATUS_SUCCESS, "no_open_left_behind");
    CHECK(!exists("C:\\t_files\\many.txt"), "many_deleted");
}

/* A process that ends with files open closes them: its exclusive open goes, and its
 * delete-on-close file is deleted. */
static void test_exit_closes_files(void)
{
    dormer_handle_t child = 0;
    int32_t status = -1;

    open_file("C:\\t_files\\held.txt", RW, DORMER_FILE_CREATE, NULL);
    if (DormerSpawn("t_files.exe holdopen", 0, &child) == STATUS_SUCCESS) {
        DormerWait(child, 30000);
        DmQueryExitStatus(child, &status);
        NtClose(child);
    }
    CHECK(status == 0, "child_held_files");
    CHECK_STATUS(open_ex("C:\\t_files\\held.txt", RW, 0, DORMER_FILE_OPEN, 0, 0, NULL, NULL),
                 STATUS_SUCCESS, "exit_released_exclusive_open");
    CHECK(!exists("C:\\t_files\\temp.txt"), "exit_deleted_delete_on_close");
    remove_path("C:\\t_files\\held.txt");
}

/* The child of test_exit_closes_files: opens and leaves open. */
static int hold_open_child(void)
{
    dormer_handle_t a = 0, b = 0;

    if (open_ex("C:\\t_files\\held.txt", RW, 0, DORMER_FILE_OPEN, 0, 0, &a, NULL) !=
            STATUS_SUCCESS ||
        open_ex("C:\\t_files\\temp.txt", RW | DORMER_DELETE, SHARE_ALL, DORMER_FILE_CREATE,
                DORMER_FILE_DELETE_ON_CLOSE, 0, &b, NULL) != STATUS_SUCCESS)
        return 1;
    /* The parent's exclusive open must fail while this one is held. */
    return open_ex("C:\\t_files\\held.txt", RW, 0, DORMER_FILE_OPEN, 0, 0, NULL, NULL) ==
                   STATUS_SHARING_VIOLATION
               ? 0
               : 2;
}

/* The child of test_current_directory: its cwd must be its parent's. */
static int cwd_child(void)
{
    uint16_t buf[64];
    uint64_t needed = 0, n;
    const uint16_t *w = W("C:\\t_files", &n);

    if (DmGetCurrentDirectory(buf, 64, &needed) != STATUS_SUCCESS || needed != n ||
        memcmp(buf, w, n * 2) != 0)
        return 1;
    return open_file("rel.txt", DORMER_GENERIC_READ, DORMER_FILE_OPEN, NULL) == STATUS_SUCCESS
               ? 0
               : 2;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "cwdchild") == 0)
        return cwd_child();
    if (argc > 1 && strcmp(argv[1], "holdopen") == 0)
        return hold_open_child();
    /* A leftover from an earlier run in the same boot would only be a collision. */
    CHECK_STATUS(make_dir("C:\\t_files"), STATUS_SUCCESS, "mkdir_work_dir");
    test_create_write_read();
    test_access();
    test_dispositions();
    test_sharing();
    test_directories();
    test_rename();
    test_delete();
    test_current_directory();
    test_bad_paths();
    test_bad_pointers();
    test_system32();
    test_pipes();
    test_handle_limit();
    test_exit_closes_files();
    test_frames_come_back();
    /* Leave C:\ as it was: the boot's frame check counts what RAM C:\ holds. */
    CHECK(remove_path("C:\\t_files\\a.txt") == STATUS_SUCCESS &&
              remove_path("C:\\t_files\\dir2\\c.log") == STATUS_SUCCESS &&
              remove_path("C:\\t_files\\dir2") == STATUS_SUCCESS &&
              remove_path("C:\\t_files") == STATUS_SUCCESS,
          "clean_up");
    return ulib_check_summary();
}
