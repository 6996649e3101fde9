/*
 * t_ntfile: ntdll's Windows-prototype file calls (NtCreateFile .. NtQueryDirectoryFile),
 * declared as Windows declares them (mingw's <winternl.h>), in C:\t_ntfile: every create
 * disposition and the IO_STATUS_BLOCK each leaves, reads and writes at offsets and at
 * the end, the common information classes, rename and delete, directory listing in each
 * record class with masks, restart, single entries and short buffers. Exit 0 if all pass.
 */
#define DORMER_WITH_WINTERNL
#include <dormer.h>
#include <windows.h>
#include <winternl.h>
#include <dormer_nt.h>

#include <stddef.h>

#define DIR_NT "\\??\\C:\\t_ntfile"
#define SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
#define OUR_STATUS_OBJECT_NAME_COLLISION ((NTSTATUS)0xC0000035)
#define OUR_STATUS_NO_SUCH_FILE ((NTSTATUS)0xC000000F)
#define OUR_STATUS_INFO_LENGTH_MISMATCH ((NTSTATUS)0xC0000004)

/* An NT name from ASCII, in one of two static buffers (some calls take two names). */
static WCHAR name_buf[2][300];
static UNICODE_STRING name_us[2];
static OBJECT_ATTRIBUTES name_oa[2];

static OBJECT_ATTRIBUTES *oa_root(int slot, HANDLE root, const char *s)
{
    ULONG n = 0;

    for (; s[n] && n < 299; n++)
        name_buf[slot][n] = (WCHAR)(uint8_t)s[n];
    name_buf[slot][n] = 0;
    name_us[slot].Buffer = name_buf[slot];
    name_us[slot].Length = (USHORT)(n * sizeof(WCHAR));
    name_us[slot].MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
    InitializeObjectAttributes(&name_oa[slot], &name_us[slot], OBJ_CASE_INSENSITIVE, root, NULL);
    return &name_oa[slot];
}

static OBJECT_ATTRIBUTES *oa(const char *s)
{
    return oa_root(0, NULL, s);
}

/* NtCreateFile with every-day arguments; *info gets IO_STATUS_BLOCK.Information. */
static NTSTATUS create(const char *path, ACCESS_MASK access, ULONG disposition, ULONG options,
                       HANDLE *h, ULONG_PTR *info)
{
    IO_STATUS_BLOCK io = { .Status = (NTSTATUS)0xdeadbeef, .Information = 0xdeadbeef };
    HANDLE tmp = NULL;
    NTSTATUS st = NtCreateFile(h ? h : &tmp, access | SYNCHRONIZE, oa(path), &io, NULL,
                               FILE_ATTRIBUTE_NORMAL, SHARE_ALL, disposition,
                               options | FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
    if (info)
        *info = NT_SUCCESS(st) && io.Status == st ? io.Information : (ULONG_PTR)-1;
    if (!h && NT_SUCCESS(st))
        NtClose(tmp);
    return st;
}

/* out = a then b (out has room: the callers' strings are short). */
static void join(char *out, const char *a, const char *b)
{
    size_t n = strlen(a);

    memcpy(out, a, n);
    memcpy(out + n, b, strlen(b) + 1);
}

static NTSTATUS remove_path(const char *path)
{
    return NtDeleteFile(oa(path));
}

static void test_dispositions(void)
{
    ULONG_PTR info;

    /* In order: each row's file is as the rows before it left it. */
    static const struct {
        const char *name, *check;
        ULONG disposition;
        NTSTATUS status;
        ULONG_PTR info; /* IO_STATUS_BLOCK.Information on success */
    } rows[] = {
        { "a.txt", "create_new", FILE_CREATE, STATUS_SUCCESS, FILE_CREATED },
        { "a.txt", "create_existing_collision", FILE_CREATE, OUR_STATUS_OBJECT_NAME_COLLISION, 0 },
        { "none.txt", "open_missing_not_found", FILE_OPEN, STATUS_OBJECT_NAME_NOT_FOUND, 0 },
        { "a.txt", "open_existing", FILE_OPEN, STATUS_SUCCESS, FILE_OPENED },
        { "a.txt", "open_if_existing", FILE_OPEN_IF, STATUS_SUCCESS, FILE_OPENED },
        { "b.txt", "open_if_missing", FILE_OPEN_IF, STATUS_SUCCESS, FILE_CREATED },
        { "a.txt", "overwrite_if_existing", FILE_OVERWRITE_IF, STATUS_SUCCESS, FILE_OVERWRITTEN },
        { "c.txt", "overwrite_if_missing", FILE_OVERWRITE_IF, STATUS_SUCCESS, FILE_CREATED },
        { "none.txt", "overwrite_missing_not_found", FILE_OVERWRITE, STATUS_OBJECT_NAME_NOT_FOUND,
          0 },
        { "c.txt", "supersede_existing", FILE_SUPERSEDE, STATUS_SUCCESS, FILE_SUPERSEDED },
        { "e.txt", "supersede_missing", FILE_SUPERSEDE, STATUS_SUCCESS, FILE_CREATED },
    };
    char path[64], info_check[64];

    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        join(path, DIR_NT "\\", rows[i].name);
        CHECK_STATUS(create(path, GENERIC_WRITE, rows[i].disposition, 0, NULL, &info),
                     rows[i].status, rows[i].check);
        if (rows[i].status != STATUS_SUCCESS)
            continue;
        join(info_check, rows[i].check, "_info");
        ulib_check(info == rows[i].info, info_check, "Information %llu, expected %llu",
                   (unsigned long long)info, (unsigned long long)rows[i].info);
    }
    CHECK_STATUS(remove_path(DIR_NT "\\e.txt"), STATUS_SUCCESS, "delete_file");
    CHECK_STATUS(create(DIR_NT "\\a.txt", GENERIC_READ, FILE_OPEN, FILE_DIRECTORY_FILE, NULL,
                        NULL),
                 STATUS_NOT_A_DIRECTORY, "open_file_as_directory");
    CHECK_STATUS(create(DIR_NT "\\none\\x.txt", GENERIC_READ, FILE_OPEN, 0, NULL, NULL),
                 STATUS_OBJECT_PATH_NOT_FOUND, "open_through_missing_dir");
    CHECK_STATUS(NtCreateFile(&(HANDLE){ 0 }, GENERIC_READ, oa("C:\\t_ntfile\\a.txt"),
                              &(IO_STATUS_BLOCK){ 0 }, NULL, 0, SHARE_ALL, FILE_OPEN, 0,
                              NULL, 0),
                 STATUS_OBJECT_PATH_SYNTAX_BAD, "dos_name_without_root_refused");
    CHECK_STATUS(create(DIR_NT "\\a.txt", GENERIC_READ, 7, 0, NULL, NULL),
                 STATUS_INVALID_PARAMETER, "bad_disposition_refused");
}

static void test_read_write(void)
{
    HANDLE h = NULL;
    IO_STATUS_BLOCK io;
    LARGE_INTEGER off;
    char buf[32];

    CHECK_STATUS(create(DIR_NT "\\a.txt", GENERIC_READ | GENERIC_WRITE, FILE_OPEN, 0, &h, NULL),
                 STATUS_SUCCESS, "open_read_write");
    io.Information = 0;
    CHECK_STATUS(NtWriteFile(h, NULL, NULL, NULL, &io, "hello world", 11, NULL, NULL),
                 STATUS_SUCCESS, "write");
    CHECK(io.Status == STATUS_SUCCESS && io.Information == 11, "write_iosb");
    off.QuadPart = 6;
    memset(buf, 0, sizeof buf);
    CHECK_STATUS(NtReadFile(h, NULL, NULL, NULL, &io, buf, sizeof buf, &off, NULL),
                 STATUS_SUCCESS, "read_at_offset");
    CHECK(io.Information == 5 && memcmp(buf, "world", 5) == 0, "read_at_offset_data");
    off.QuadPart = 11;
    io.Information = 99;
    CHECK_STATUS(NtReadFile(h, NULL, NULL, NULL, &io, buf, sizeof buf, &off, NULL),
                 STATUS_END_OF_FILE, "read_at_end_eof");
    CHECK(io.Status == STATUS_END_OF_FILE && io.Information == 0, "read_at_end_iosb");
    off.QuadPart = -1; /* FILE_WRITE_TO_END_OF_FILE */
    CHECK_STATUS(NtWriteFile(h, NULL, NULL, NULL, &io, "!", 1, &off, NULL), STATUS_SUCCESS,
                 "write_to_end");

    FILE_STANDARD_INFORMATION std;
    io.Information = 0;
    CHECK_STATUS(NtQueryInformationFile(h, &io, &std, sizeof std, FileStandardInformation),
                 STATUS_SUCCESS, "query_standard");
    CHECK(io.Information == sizeof std, "query_standard_info");
    CHECK(std.EndOfFile.QuadPart == 12 && !std.Directory && std.NumberOfLinks == 1 &&
              !std.DeletePending && std.AllocationSize.QuadPart >= 12,
          "query_standard_fields");
    CHECK_STATUS(NtQueryInformationFile(h, &io, &std, sizeof std - 1, FileStandardInformation),
                 OUR_STATUS_INFO_LENGTH_MISMATCH, "query_standard_short");

    FILE_POSITION_INFORMATION pos = { .CurrentByteOffset.QuadPart = 6 };
    CHECK_STATUS(NtSetInformationFile(h, &io, &pos, sizeof pos, FilePositionInformation),
                 STATUS_SUCCESS, "set_position");
    pos.CurrentByteOffset.QuadPart = 0;
    CHECK_STATUS(NtQueryInformationFile(h, &io, &pos, sizeof pos, FilePositionInformation),
                 STATUS_SUCCESS, "query_position");
    CHECK(pos.CurrentByteOffset.QuadPart == 6 && io.Information == sizeof pos,
          "query_position_value");
    memset(buf, 0, sizeof buf);
    CHECK_STATUS(NtReadFile(h, NULL, NULL, NULL, &io, buf, sizeof buf, NULL, NULL),
                 STATUS_SUCCESS, "read_at_position");
    CHECK(io.Information == 6 && memcmp(buf, "world!", 6) == 0, "read_at_position_data");

    FILE_END_OF_FILE_INFORMATION eof = { .EndOfFile.QuadPart = 5 };
    CHECK_STATUS(NtSetInformationFile(h, &io, &eof, sizeof eof, FileEndOfFileInformation),
                 STATUS_SUCCESS, "set_end_of_file");
    CHECK(NT_SUCCESS(NtQueryInformationFile(h, &io, &std, sizeof std,
                                            FileStandardInformation)) &&
              std.EndOfFile.QuadPart == 5,
          "end_of_file_truncated");

    FILE_BASIC_INFORMATION basic;
    CHECK_STATUS(NtQueryInformationFile(h, &io, &basic, sizeof basic, FileBasicInformation),
                 STATUS_SUCCESS, "query_basic");
    CHECK(basic.FileAttributes && !(basic.FileAttributes & FILE_ATTRIBUTE_DIRECTORY) &&
              basic.LastWriteTime.QuadPart > 0 && io.Information == sizeof basic,
          "query_basic_fields");
    FILE_BASIC_INFORMATION set = { .FileAttributes = FILE_ATTRIBUTE_HIDDEN }; /* 0 times: kept */
    CHECK_STATUS(NtSetInformationFile(h, &io, &set, sizeof set, FileBasicInformation),
                 STATUS_SUCCESS, "set_basic_hidden");
    FILE_BASIC_INFORMATION again;
    CHECK(NT_SUCCESS(NtQueryInformationFile(h, &io, &again, sizeof again,
                                            FileBasicInformation)) &&
              (again.FileAttributes & FILE_ATTRIBUTE_HIDDEN) &&
              again.LastWriteTime.QuadPart == basic.LastWriteTime.QuadPart,
          "basic_hidden_times_kept");
    FILE_BASIC_INFORMATION by_name;
    CHECK_STATUS(NtQueryAttributesFile(oa(DIR_NT "\\a.txt"), &by_name), STATUS_SUCCESS,
                 "query_attributes_file");
    CHECK(by_name.FileAttributes == again.FileAttributes, "query_attributes_file_same");
    set.FileAttributes = FILE_ATTRIBUTE_NORMAL;
    NtSetInformationFile(h, &io, &set, sizeof set, FileBasicInformation);
    CHECK_STATUS(NtQueryInformationFile(h, &io, &basic, sizeof basic, (FILE_INFORMATION_CLASS)200),
                 STATUS_INVALID_INFO_CLASS, "query_unknown_class");
    CHECK_STATUS(NtClose(h), STATUS_SUCCESS, "close");
    CHECK_STATUS(NtClose(h), STATUS_INVALID_HANDLE, "close_again_invalid");
    CHECK_STATUS(NtReadFile(h, NULL, NULL, NULL, &io, buf, 1, NULL, NULL), STATUS_INVALID_HANDLE,
                 "read_closed_handle");
}

/* A FILE_RENAME_INFORMATION with room for a name. */
struct rename_buf {
    FILE_RENAME_INFORMATION r;
    WCHAR more[300];
};

static ULONG set_rename(struct rename_buf *b, BOOLEAN replace, const char *s)
{
    ULONG n = 0;
    /* Through the bytes: r.FileName[1] is not the object's last member here. */
    WCHAR *name = (WCHAR *)((uint8_t *)b + offsetof(FILE_RENAME_INFORMATION, FileName));

    memset(b, 0, sizeof *b);
    for (; s[n]; n++)
        name[n] = (WCHAR)(uint8_t)s[n];
    b->r.ReplaceIfExists = replace;
    b->r.FileNameLength = n * sizeof(WCHAR);
    return offsetof(FILE_RENAME_INFORMATION, FileName) + b->r.FileNameLength;
}

static void test_rename_delete(void)
{
    HANDLE h = NULL;
    IO_STATUS_BLOCK io;
    struct rename_buf rb;

    CHECK_STATUS(create(DIR_NT "\\b.txt", DELETE, FILE_OPEN, 0, &h, NULL), STATUS_SUCCESS,
                 "open_for_rename");
    ULONG len = set_rename(&rb, FALSE, "c.txt");
    CHECK_STATUS(NtSetInformationFile(h, &io, &rb, len, FileRenameInformation),
                 OUR_STATUS_OBJECT_NAME_COLLISION, "rename_onto_existing_refused");
    len = set_rename(&rb, FALSE, "d.txt");
    CHECK_STATUS(NtSetInformationFile(h, &io, &rb, len, FileRenameInformation), STATUS_SUCCESS,
                 "rename_bare_name");
    CHECK_STATUS(create(DIR_NT "\\b.txt", GENERIC_READ, FILE_OPEN, 0, NULL, NULL),
                 STATUS_OBJECT_NAME_NOT_FOUND, "renamed_old_name_gone");
    CHECK_STATUS(create(DIR_NT "\\d.txt", GENERIC_READ, FILE_OPEN, 0, NULL, NULL),
                 STATUS_SUCCESS, "renamed_new_name_there");
    len = set_rename(&rb, TRUE, DIR_NT "\\c.txt");
    CHECK_STATUS(NtSetInformationFile(h, &io, &rb, len, FileRenameInformation), STATUS_SUCCESS,
                 "rename_full_path_replace");
    CHECK_STATUS(create(DIR_NT "\\d.txt", GENERIC_READ, FILE_OPEN, 0, NULL, NULL),
                 STATUS_OBJECT_NAME_NOT_FOUND, "replaced_old_name_gone");

    FILE_DISPOSITION_INFORMATION d = { .DoDeleteFile = TRUE };
    CHECK_STATUS(NtSetInformationFile(h, &io, &d, sizeof d, FileDispositionInformation),
                 STATUS_SUCCESS, "set_delete_disposition");
    FILE_STANDARD_INFORMATION std;
    CHECK(NT_SUCCESS(NtQueryInformationFile(h, &io, &std, sizeof std,
                                            FileStandardInformation)) &&
              std.DeletePending,
          "delete_pending_reported");
    NtClose(h);
    CHECK_STATUS(create(DIR_NT "\\c.txt", GENERIC_READ, FILE_OPEN, 0, NULL, NULL),
                 STATUS_OBJECT_NAME_NOT_FOUND, "deleted_on_close");
    CHECK_STATUS(remove_path(DIR_NT "\\c.txt"), STATUS_OBJECT_NAME_NOT_FOUND,
                 "delete_missing_not_found");
}

/* The names in a chain of FILE_BOTH_DIR_INFORMATION records, as "a|b|c|". */
static void both_names(const void *buf, char *out, size_t room)
{
    const FILE_BOTH_DIR_INFORMATION *r = buf;
    size_t used = 0;

    for (;;) {
        for (ULONG i = 0; i < r->FileNameLength / 2 && used + 2 < room; i++)
            out[used++] = (char)r->FileName[i];
        out[used++] = '|';
        if (!r->NextEntryOffset)
            break;
        r = (const FILE_BOTH_DIR_INFORMATION *)((const uint8_t *)r + r->NextEntryOffset);
    }
    out[used] = 0;
}

static UNICODE_STRING *mask(const char *s)
{
    return &oa_root(1, NULL, s)->ObjectName[0];
}

/* NtQueryDirectoryFile without event or APC. */
static NTSTATUS list(HANDLE d, IO_STATUS_BLOCK *io, void *buf, ULONG len,
                     FILE_INFORMATION_CLASS c, BOOLEAN single, UNICODE_STRING *m,
                     BOOLEAN restart)
{
    return NtQueryDirectoryFile(d, NULL, NULL, NULL, io, buf, len, c, single, m, restart);
}

static void test_directory(void)
{
    static uint8_t buf[4096] __attribute__((aligned(8)));
    IO_STATUS_BLOCK io;
    HANDLE d = NULL, f = NULL;
    char names[256];

    CHECK_STATUS(create(DIR_NT "\\dir", FILE_LIST_DIRECTORY, FILE_CREATE, FILE_DIRECTORY_FILE,
                        NULL, NULL),
                 STATUS_SUCCESS, "mkdir");
    CHECK(NT_SUCCESS(create(DIR_NT "\\dir\\x1.txt", GENERIC_WRITE, FILE_CREATE, 0, &f, NULL)) &&
              NT_SUCCESS(NtWriteFile(f, NULL, NULL, NULL, &io, "12345", 5, NULL, NULL)),
          "make_x1");
    NtClose(f);
    CHECK(NT_SUCCESS(create(DIR_NT "\\dir\\x2.txt", GENERIC_WRITE, FILE_CREATE, 0, NULL, NULL)) &&
              NT_SUCCESS(create(DIR_NT "\\dir\\y.log", GENERIC_WRITE, FILE_CREATE, 0, NULL, NULL)),
          "make_x2_y");
    CHECK_STATUS(create(DIR_NT "\\dir", FILE_LIST_DIRECTORY, FILE_OPEN, FILE_DIRECTORY_FILE, &d,
                        NULL),
                 STATUS_SUCCESS, "open_dir");

    /* Everything at once: the dots first, then the files in the file system's order. */
    io.Information = 0;
    CHECK_STATUS(list(d, &io, buf, sizeof buf,
                                      FileBothDirectoryInformation, FALSE, NULL, TRUE),
                 STATUS_SUCCESS, "list_all");
    both_names(buf, names, sizeof names);
    CHECK(strncmp(names, ".|..|", 5) == 0 && strstr(names, "|x1.txt|") &&
              strstr(names, "|x2.txt|") && strstr(names, "|y.log|") && strlen(names) == 25,
          "list_all_names");
    const FILE_BOTH_DIR_INFORMATION *b = (const void *)buf;
    CHECK(b->NextEntryOffset == ((offsetof(FILE_BOTH_DIR_INFORMATION, FileName) + 2 + 7) & ~7u) &&
              (b->FileAttributes & FILE_ATTRIBUTE_DIRECTORY),
          "list_all_dot_record");
    const uint8_t *last = buf;
    while (((const FILE_BOTH_DIR_INFORMATION *)last)->NextEntryOffset)
        last += ((const FILE_BOTH_DIR_INFORMATION *)last)->NextEntryOffset;
    CHECK(io.Status == STATUS_SUCCESS && /* the last name ends the count, unpadded */
              io.Information == (ULONG_PTR)(last - buf) +
                                    offsetof(FILE_BOTH_DIR_INFORMATION, FileName) +
                                    ((const FILE_BOTH_DIR_INFORMATION *)last)->FileNameLength,
          "list_all_iosb");
    io.Information = 99;
    CHECK_STATUS(list(d, &io, buf, sizeof buf,
                                      FileBothDirectoryInformation, FALSE, NULL, FALSE),
                 STATUS_NO_MORE_FILES, "list_then_no_more");
    CHECK(io.Status == STATUS_NO_MORE_FILES && io.Information == 0, "no_more_iosb");

    /* A mask, one entry at a time. */
    CHECK_STATUS(list(d, &io, buf, sizeof buf,
                                      FileBothDirectoryInformation, TRUE, mask("*.TXT"), TRUE),
                 STATUS_SUCCESS, "mask_single_first");
    CHECK(b->NextEntryOffset == 0 && b->FileNameLength == 12 && b->FileName[0] == 'x' &&
              io.Information == offsetof(FILE_BOTH_DIR_INFORMATION, FileName) + 12,
          "mask_single_first_record");
    CHECK_STATUS(list(d, &io, buf, sizeof buf,
                                      FileBothDirectoryInformation, TRUE, mask("*.TXT"), FALSE),
                 STATUS_SUCCESS, "mask_single_second");
    CHECK(b->FileNameLength == 12 && b->FileName[0] == 'x', "mask_single_second_record");
    CHECK_STATUS(list(d, &io, buf, sizeof buf,
                                      FileBothDirectoryInformation, TRUE, mask("*.TXT"), FALSE),
                 STATUS_NO_MORE_FILES, "mask_single_end");

    /* FileDirectoryInformation: sizes. */
    const FILE_DIRECTORY_INFORMATION *di = (const void *)buf;
    CHECK_STATUS(list(d, &io, buf, sizeof buf,
                                      FileDirectoryInformation, FALSE, mask("x1.txt"), TRUE),
                 STATUS_SUCCESS, "directory_info");
    CHECK(di->NextEntryOffset == 0 && di->EndOfFile.QuadPart == 5 &&
              !(di->FileAttributes & FILE_ATTRIBUTE_DIRECTORY) && di->FileNameLength == 12 &&
              io.Information == offsetof(FILE_DIRECTORY_INFORMATION, FileName) + 12,
          "directory_info_record");
    /* FileNamesInformation: names only. */
    const FILE_NAMES_INFORMATION *ni = (const void *)buf;
    CHECK_STATUS(list(d, &io, buf, sizeof buf,
                                      FileNamesInformation, FALSE, mask("y*"), TRUE),
                 STATUS_SUCCESS, "names_info");
    CHECK(ni->NextEntryOffset == 0 && ni->FileNameLength == 10 && ni->FileName[0] == 'y' &&
              io.Information == offsetof(FILE_NAMES_INFORMATION, FileName) + 10,
          "names_info_record");

    /* A buffer with room for one unit of the name: the rest is cut. */
    ULONG small = (offsetof(FILE_BOTH_DIR_INFORMATION, FileName) + 2 + 7) & ~7u;
    memset(buf, 0x55, sizeof buf);
    CHECK_STATUS(list(d, &io, buf, small,
                      FileBothDirectoryInformation, TRUE, mask("x1.txt"), TRUE),
                 STATUS_BUFFER_OVERFLOW, "short_buffer_overflow");
    CHECK(io.Status == STATUS_BUFFER_OVERFLOW && io.Information == small &&
              b->NextEntryOffset == 0 && b->FileNameLength == 12 && b->FileName[0] == 'x' &&
              buf[small] == 0x55,
          "short_buffer_record");
    CHECK_STATUS(list(d, &io, buf, small - 1,
                      FileBothDirectoryInformation, TRUE, NULL, TRUE),
                 OUR_STATUS_INFO_LENGTH_MISMATCH, "shorter_buffer_length_mismatch");
    CHECK_STATUS(list(d, &io, buf, sizeof buf,
                                      FileStandardInformation, FALSE, NULL, TRUE),
                 STATUS_INVALID_INFO_CLASS, "list_bad_class");
    /* Two records where the second has no room: only the first comes. */
    CHECK_STATUS(list(d, &io, buf, small + 8,
                      FileBothDirectoryInformation, FALSE, NULL, TRUE),
                 STATUS_SUCCESS, "two_do_not_fit");
    CHECK(b->NextEntryOffset == 0 && b->FileNameLength == 2 &&
              io.Information == offsetof(FILE_BOTH_DIR_INFORMATION, FileName) + 2,
          "two_do_not_fit_one_came");
    NtClose(d);

    /* A fresh handle whose mask matches nothing. */
    CHECK_STATUS(create(DIR_NT "\\dir", FILE_LIST_DIRECTORY, FILE_OPEN, FILE_DIRECTORY_FILE, &d,
                        NULL),
                 STATUS_SUCCESS, "reopen_dir");
    CHECK_STATUS(list(d, &io, buf, sizeof buf,
                                      FileBothDirectoryInformation, FALSE, mask("nomatch*"),
                                      FALSE),
                 OUR_STATUS_NO_SUCH_FILE, "mask_no_match_no_such_file");
    /* A name relative to an open directory (RootDirectory). */
    HANDLE rel = NULL;
    IO_STATUS_BLOCK io2;
    CHECK_STATUS(NtOpenFile(&rel, GENERIC_READ | SYNCHRONIZE, oa_root(0, d, "x1.txt"), &io2,
                            SHARE_ALL, FILE_SYNCHRONOUS_IO_NONALERT),
                 STATUS_SUCCESS, "open_relative_to_root");
    CHECK(io2.Information == FILE_OPENED, "open_relative_info");
    struct {
        FILE_NAME_INFORMATION n;
        WCHAR more[64];
    } nb;
    CHECK_STATUS(NtQueryInformationFile(rel, &io2, &nb, sizeof nb, FileNameInformation),
                 STATUS_SUCCESS, "query_name");
    const WCHAR *got = nb.n.FileName;
    CHECK(nb.n.FileNameLength == 40 && got[0] == '\\' && got[9] == '\\' && got[14] == 'x',
          "query_name_in_volume"); /* "\t_ntfile\dir\x1.txt" */
    NtClose(rel);
    NtClose(d);
    CHECK(remove_path(DIR_NT "\\dir\\x1.txt") == STATUS_SUCCESS &&
              remove_path(DIR_NT "\\dir\\x2.txt") == STATUS_SUCCESS &&
              remove_path(DIR_NT "\\dir\\y.log") == STATUS_SUCCESS &&
              remove_path(DIR_NT "\\dir") == STATUS_SUCCESS,
          "remove_dir");
}

int main(void)
{
    CHECK_STATUS(create(DIR_NT, FILE_LIST_DIRECTORY, FILE_CREATE, FILE_DIRECTORY_FILE, NULL,
                        NULL),
                 STATUS_SUCCESS, "mkdir_work_dir");
    test_dispositions();
    test_read_write();
    test_rename_delete();
    test_directory();
    CHECK(remove_path(DIR_NT "\\a.txt") == STATUS_SUCCESS && remove_path(DIR_NT) == STATUS_SUCCESS,
          "clean_up");
    return ulib_check_summary();
}
