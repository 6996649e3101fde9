/*
 * w_ntfile: a stock mingw-w64 program calling ntdll's native file API directly
 * (NtCreateFile, NtWriteFile, NtReadFile, NtQueryInformationFile, NtSetInformationFile,
 * NtQueryDirectoryFile, NtDeleteFile), printing each status and IO_STATUS_BLOCK result.
 * Works in C:\w_ntfile. Its expected output is Wine's.
 */
#include <windows.h>
#include <winternl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

NTSTATUS NTAPI NtReadFile(HANDLE, HANDLE, PIO_APC_ROUTINE, PVOID, PIO_STATUS_BLOCK, PVOID, ULONG,
                          PLARGE_INTEGER, PULONG);
NTSTATUS NTAPI NtWriteFile(HANDLE, HANDLE, PIO_APC_ROUTINE, PVOID, PIO_STATUS_BLOCK, PVOID,
                           ULONG, PLARGE_INTEGER, PULONG);
NTSTATUS NTAPI NtDeleteFile(POBJECT_ATTRIBUTES);
NTSTATUS NTAPI NtQueryDirectoryFile(HANDLE, HANDLE, PIO_APC_ROUTINE, PVOID, PIO_STATUS_BLOCK,
                                    PVOID, ULONG, FILE_INFORMATION_CLASS, BOOLEAN,
                                    PUNICODE_STRING, BOOLEAN);

static UNICODE_STRING us;
static OBJECT_ATTRIBUTES oa;

static OBJECT_ATTRIBUTES *name(const wchar_t *s)
{
    RtlInitUnicodeString(&us, s);
    InitializeObjectAttributes(&oa, &us, OBJ_CASE_INSENSITIVE, NULL, NULL);
    return &oa;
}

static NTSTATUS create(const wchar_t *path, ACCESS_MASK access, ULONG disposition,
                       ULONG options, HANDLE *h)
{
    IO_STATUS_BLOCK io = { .Information = 0xdead };
    HANDLE tmp;
    NTSTATUS st = NtCreateFile(h ? h : &tmp, access | SYNCHRONIZE, name(path), &io, NULL,
                               FILE_ATTRIBUTE_NORMAL, FILE_SHARE_READ | FILE_SHARE_WRITE |
                               FILE_SHARE_DELETE, disposition,
                               options | FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
    printf("create %ls disposition %lu: status 0x%08lx information %llu\n", path + 4,
           disposition, (unsigned long)st,
           NT_SUCCESS(st) ? (unsigned long long)io.Information : 0ull);
    if (!h && NT_SUCCESS(st))
        NtClose(tmp);
    return st;
}

int main(void)
{
    HANDLE h, d;
    IO_STATUS_BLOCK io;
    LARGE_INTEGER off;
    char buf[64];
    NTSTATUS st;

    create(L"\\??\\C:\\w_ntfile", FILE_LIST_DIRECTORY, FILE_OPEN_IF, FILE_DIRECTORY_FILE, NULL);
    create(L"\\??\\C:\\w_ntfile\\f.txt", GENERIC_WRITE, FILE_OVERWRITE_IF, 0, NULL);
    create(L"\\??\\C:\\w_ntfile\\f.txt", GENERIC_WRITE, FILE_CREATE, 0, NULL);
    create(L"\\??\\C:\\w_ntfile\\f.txt", GENERIC_WRITE, FILE_OPEN_IF, 0, NULL);
    create(L"\\??\\C:\\w_ntfile\\none.txt", GENERIC_READ, FILE_OPEN, 0, NULL);
    create(L"\\??\\C:\\w_ntfile\\f.txt", GENERIC_WRITE, FILE_SUPERSEDE, 0, NULL);
    if (!NT_SUCCESS(create(L"\\??\\C:\\w_ntfile\\f.txt", GENERIC_READ | GENERIC_WRITE | DELETE,
                           FILE_OVERWRITE, 0, &h)))
        return 1;

    st = NtWriteFile(h, NULL, NULL, NULL, &io, "native calls", 12, NULL, NULL);
    printf("write: 0x%08lx %llu\n", (unsigned long)st, (unsigned long long)io.Information);
    off.QuadPart = 7;
    memset(buf, 0, sizeof buf);
    st = NtReadFile(h, NULL, NULL, NULL, &io, buf, sizeof buf, &off, NULL);
    printf("read at 7: 0x%08lx %llu \"%s\"\n", (unsigned long)st,
           (unsigned long long)io.Information, buf);
    off.QuadPart = 12;
    io.Information = 99;
    st = NtReadFile(h, NULL, NULL, NULL, &io, buf, sizeof buf, &off, NULL);
    printf("read at end: 0x%08lx 0x%08lx %llu\n", (unsigned long)st, (unsigned long)io.Status,
           (unsigned long long)io.Information);

    FILE_STANDARD_INFORMATION std;
    st = NtQueryInformationFile(h, &io, &std, sizeof std, FileStandardInformation);
    printf("standard: 0x%08lx %llu size %lld dir %d links %lu\n", (unsigned long)st,
           (unsigned long long)io.Information, std.EndOfFile.QuadPart, std.Directory,
           std.NumberOfLinks);
    st = NtQueryInformationFile(h, &io, &std, sizeof std - 1, FileStandardInformation);
    printf("standard, short buffer: 0x%08lx\n", (unsigned long)st);
    FILE_POSITION_INFORMATION pos = { .CurrentByteOffset.QuadPart = 3 };
    st = NtSetInformationFile(h, &io, &pos, sizeof pos, FilePositionInformation);
    pos.CurrentByteOffset.QuadPart = 0;
    NtQueryInformationFile(h, &io, &pos, sizeof pos, FilePositionInformation);
    printf("position: 0x%08lx %lld\n", (unsigned long)st, pos.CurrentByteOffset.QuadPart);
    FILE_END_OF_FILE_INFORMATION eof = { .EndOfFile.QuadPart = 6 };
    st = NtSetInformationFile(h, &io, &eof, sizeof eof, FileEndOfFileInformation);
    NtQueryInformationFile(h, &io, &std, sizeof std, FileStandardInformation);
    printf("end of file: 0x%08lx %lld\n", (unsigned long)st, std.EndOfFile.QuadPart);

    struct {
        FILE_RENAME_INFORMATION r;
        WCHAR more[64];
    } rb;
    memset(&rb, 0, sizeof rb);
    const wchar_t *to = L"\\??\\C:\\w_ntfile\\g.txt";
    memcpy((char *)&rb + offsetof(FILE_RENAME_INFORMATION, FileName), to,
           wcslen(to) * sizeof(WCHAR));
    rb.r.FileNameLength = wcslen(to) * sizeof(WCHAR);
    st = NtSetInformationFile(h, &io, &rb, sizeof rb, FileRenameInformation);
    printf("rename: 0x%08lx\n", (unsigned long)st);
    NtClose(h);
    create(L"\\??\\C:\\w_ntfile\\f.txt", GENERIC_READ, FILE_OPEN, 0, NULL);

    if (!NT_SUCCESS(create(L"\\??\\C:\\w_ntfile", FILE_LIST_DIRECTORY, FILE_OPEN,
                           FILE_DIRECTORY_FILE, &d)))
        return 1;
    static union {
        FILE_BOTH_DIR_INFORMATION b;
        FILE_NAMES_INFORMATION n;
        char bytes[1024];
    } lb;
    UNICODE_STRING mask;
    RtlInitUnicodeString(&mask, L"G.TXT");
    st = NtQueryDirectoryFile(d, NULL, NULL, NULL, &io, &lb, sizeof lb,
                              FileBothDirectoryInformation, TRUE, &mask, TRUE);
    printf("list g.txt: 0x%08lx %llu next %lu name %.*ls size %lld\n", (unsigned long)st,
           (unsigned long long)io.Information, lb.b.NextEntryOffset,
           (int)(lb.b.FileNameLength / 2), lb.b.FileName, lb.b.EndOfFile.QuadPart);
    st = NtQueryDirectoryFile(d, NULL, NULL, NULL, &io, &lb, sizeof lb,
                              FileBothDirectoryInformation, TRUE, &mask, FALSE);
    printf("list again: 0x%08lx 0x%08lx\n", (unsigned long)st, (unsigned long)io.Status);
    st = NtQueryDirectoryFile(d, NULL, NULL, NULL, &io, &lb, sizeof lb,
                              FileNamesInformation, TRUE, &mask, TRUE);
    printf("names: 0x%08lx %llu %lu\n", (unsigned long)st, (unsigned long long)io.Information,
           lb.n.FileNameLength);
    ULONG small = (offsetof(FILE_BOTH_DIR_INFORMATION, FileName) + 2 + 7) & ~7u;
    st = NtQueryDirectoryFile(d, NULL, NULL, NULL, &io, &lb, small,
                              FileBothDirectoryInformation, TRUE, &mask, TRUE);
    printf("short buffer: 0x%08lx %llu length %lu\n", (unsigned long)st,
           (unsigned long long)io.Information, lb.b.FileNameLength);
    st = NtQueryDirectoryFile(d, NULL, NULL, NULL, &io, &lb, small - 1,
                              FileBothDirectoryInformation, TRUE, &mask, TRUE);
    printf("shorter buffer: 0x%08lx\n", (unsigned long)st);
    NtClose(d);
    RtlInitUnicodeString(&mask, L"nothing*");
    create(L"\\??\\C:\\w_ntfile", FILE_LIST_DIRECTORY, FILE_OPEN, FILE_DIRECTORY_FILE, &d);
    st = NtQueryDirectoryFile(d, NULL, NULL, NULL, &io, &lb, sizeof lb,
                              FileBothDirectoryInformation, TRUE, &mask, FALSE);
    printf("no match: 0x%08lx\n", (unsigned long)st);
    NtClose(d);

    printf("delete g.txt: 0x%08lx\n", (unsigned long)NtDeleteFile(name(L"\\??\\C:\\w_ntfile\\g.txt")));
    printf("delete again: 0x%08lx\n", (unsigned long)NtDeleteFile(name(L"\\??\\C:\\w_ntfile\\g.txt")));
    printf("delete dir: 0x%08lx\n", (unsigned long)NtDeleteFile(name(L"\\??\\C:\\w_ntfile")));
    return 0;
}
