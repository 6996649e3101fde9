/*
 * ntdll's Windows-prototype file calls (NtCreateFile, NtReadFile, NtQueryInformationFile,
 * ...), in C over Dormer's own file calls (DmCreateFile .. DmQueryAttributesFile). Built
 * against mingw's <winternl.h>, so each definition is checked against the prototype
 * Windows code compiles with. Every handle behaves as a synchronous one: the I/O is done
 * when the call returns, and the handle keeps a position (FILE_SYNCHRONOUS_IO_* or not).
 */
#include "nt_priv.h"

/* ------------------------------------------------------------------ names ---- */

static BOOL name_has_prefix(const WCHAR *s, ULONG n, const char *prefix)
{
    ULONG i = 0;

    for (; prefix[i]; i++)
        if (i >= n || s[i] != (WCHAR)prefix[i])
            return FALSE;
    return TRUE;
}

NTSTATUS nt_dos_path(const OBJECT_ATTRIBUTES *oa, struct nt_path *out)
{
    if (!oa || !oa->ObjectName)
        return STATUS_INVALID_PARAMETER;
    const UNICODE_STRING *name = oa->ObjectName;
    ULONG n = name->Length / sizeof(WCHAR);
    const WCHAR *s = name->Buffer;

    if ((name->Length & 1) || name->Length > name->MaximumLength || (n && !s))
        return STATUS_INVALID_PARAMETER;
    out->chars = 0;
    if (oa->RootDirectory) {
        /* Relative to an open directory: its full path, a separator, then the name. */
        if (n && (s[0] == '\\' || s[0] == '/'))
            return STATUS_OBJECT_PATH_SYNTAX_BAD;
        struct dormer_file_name *fn = (struct dormer_file_name *)out->buf;
        NTSTATUS st = DmQueryInformationFile((dormer_handle_t)(uintptr_t)oa->RootDirectory,
                                             DORMER_FILE_NAME_INFO, fn, sizeof out->buf);
        if (st == STATUS_BUFFER_OVERFLOW)
            return STATUS_OBJECT_NAME_INVALID;
        if (st == STATUS_OBJECT_TYPE_MISMATCH)
            return STATUS_INVALID_HANDLE;
        if (!NT_SUCCESS(st))
            return st;
        ULONG root = fn->chars;
        for (ULONG i = 0; i < root; i++) /* name[] sits 4 bytes in: move it to the front */
            out->buf[i] = fn->name[i];
        if (n == 0) {
            out->chars = root;
            return STATUS_SUCCESS;
        }
        if (root + 1 + n > NT_PATH_MAX)
            return STATUS_OBJECT_NAME_INVALID;
        if (root == 0 || out->buf[root - 1] != '\\')
            out->buf[root++] = '\\';
        for (ULONG i = 0; i < n; i++)
            out->buf[root + i] = s[i];
        out->chars = root + n;
        return STATUS_SUCCESS;
    }
    /* Absolute NT names only: "\??\C:\..." (the DOS devices directory) is the file
     * system; any other object directory holds no files here. */
    if (n == 0 || s[0] != '\\')
        return STATUS_OBJECT_PATH_SYNTAX_BAD;
    if (!name_has_prefix(s, n, "\\??\\"))
        return STATUS_OBJECT_PATH_NOT_FOUND;
    s += 4;
    n -= 4;
    if (n < 2 || s[1] != ':' || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z'))
        return STATUS_OBJECT_NAME_NOT_FOUND; /* "\??\NUL", "\??\UNC\..." and the like */
    if (n == 2 || (n > 2 && s[2] != '\\'))
        return STATUS_OBJECT_NAME_INVALID; /* the volume itself, or "C:rel" */
    if (n > NT_PATH_MAX)
        return STATUS_OBJECT_NAME_INVALID;
    for (ULONG i = 0; i < n; i++)
        out->buf[i] = s[i];
    out->chars = n;
    return STATUS_SUCCESS;
}

/* ------------------------------------------------------- create and open ---- */

#define NT_FILE_MAX_DISPOSITION FILE_OVERWRITE_IF
/* Options that change nothing here: every handle is synchronous, nothing is cached. */
#define NT_OPTIONS_PASSED (FILE_DIRECTORY_FILE | FILE_WRITE_THROUGH | FILE_NON_DIRECTORY_FILE | \
                           FILE_DELETE_ON_CLOSE)

NT_EXPORT NTSTATUS NTAPI NtCreateFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess,
                            POBJECT_ATTRIBUTES ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock,
                            PLARGE_INTEGER AllocationSize, ULONG FileAttributes, ULONG ShareAccess,
                            ULONG CreateDisposition, ULONG CreateOptions, PVOID EaBuffer,
                            ULONG EaLength)
{
    struct nt_path path;
    dormer_handle_t h = 0;

    (void)AllocationSize; /* a hint: files grow as they are written */
    if (!FileHandle || !IoStatusBlock)
        return STATUS_ACCESS_VIOLATION;
    if (CreateDisposition > NT_FILE_MAX_DISPOSITION ||
        (CreateOptions & FILE_DIRECTORY_FILE && CreateOptions & FILE_NON_DIRECTORY_FILE) ||
        (CreateOptions & FILE_DIRECTORY_FILE && CreateDisposition != FILE_CREATE &&
         CreateDisposition != FILE_OPEN && CreateDisposition != FILE_OPEN_IF) ||
        (CreateOptions & FILE_DELETE_ON_CLOSE && !(DesiredAccess & DELETE)) ||
        (ShareAccess & ~(ULONG)(FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)))
        return STATUS_INVALID_PARAMETER;
    if (EaBuffer && EaLength)
        return STATUS_EAS_NOT_SUPPORTED;
    NTSTATUS st = nt_dos_path(ObjectAttributes, &path);
    if (!NT_SUCCESS(st))
        return st;
    struct dormer_create_file a = {
        .access = DesiredAccess,
        .share = ShareAccess,
        .disposition = CreateDisposition,
        .options = CreateOptions & NT_OPTIONS_PASSED,
        .attributes = FileAttributes & (FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN |
                                        FILE_ATTRIBUTE_SYSTEM | FILE_ATTRIBUTE_ARCHIVE),
    };
    st = DmCreateFile(&h, path.buf, path.chars, &a);
    if (!NT_SUCCESS(st))
        return st;
    *FileHandle = (HANDLE)(uintptr_t)h;
    IoStatusBlock->Status = st;
    IoStatusBlock->Information = a.action; /* FILE_SUPERSEDED .. FILE_OVERWRITTEN */
    return st;
}

NT_EXPORT NTSTATUS NTAPI NtOpenFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess,
                          POBJECT_ATTRIBUTES ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock,
                          ULONG ShareAccess, ULONG OpenOptions)
{
    return NtCreateFile(FileHandle, DesiredAccess, ObjectAttributes, IoStatusBlock, NULL, 0,
                        ShareAccess, FILE_OPEN, OpenOptions, NULL, 0);
}

/* ------------------------------------------------------------ read, write ---- */

/* The completion of a synchronous call: the block, and the event set if there is one. */
static NTSTATUS io_done(HANDLE event, PIO_STATUS_BLOCK iosb, NTSTATUS st, ULONG_PTR info)
{
    iosb->Status = st;
    iosb->Information = info;
    if (event)
        DmSetEvent((dormer_handle_t)(uintptr_t)event, NULL);
    return st;
}

static NTSTATUS read_write(BOOL write, HANDLE FileHandle, HANDLE Event,
                           PIO_APC_ROUTINE ApcRoutine, PIO_STATUS_BLOCK IoStatusBlock,
                           PVOID Buffer, ULONG Length, PLARGE_INTEGER ByteOffset)
{
    uint64_t done = 0;
    int64_t off;
    NTSTATUS st;

    if (!IoStatusBlock)
        return STATUS_ACCESS_VIOLATION;
    if (ApcRoutine)
        return STATUS_NOT_SUPPORTED; /* no APCs: completion routines never run */
    if (ByteOffset) {
        off = ByteOffset->QuadPart;
        if (off < 0 && off != DORMER_FILE_USE_FILE_POINTER &&
            !(write && off == DORMER_FILE_WRITE_TO_END_OF_FILE))
            return STATUS_INVALID_PARAMETER;
    }
    if (Event) {
        st = DmResetEvent((dormer_handle_t)(uintptr_t)Event, NULL);
        if (!NT_SUCCESS(st))
            return st;
    }
    dormer_handle_t h = (dormer_handle_t)(uintptr_t)FileHandle;
    if (write)
        st = DmWriteFile(h, Buffer, Length, ByteOffset ? &off : NULL, &done);
    else
        st = DmReadFile(h, Buffer, Length, ByteOffset ? &off : NULL, &done);
    /* End of file and a broken pipe are completions (the block says so); a bad handle,
     * buffer or access right fails the call before any I/O. */
    if (NT_SUCCESS(st) || st == STATUS_END_OF_FILE || st == STATUS_PIPE_BROKEN)
        return io_done(Event, IoStatusBlock, st, (ULONG_PTR)done);
    return st;
}

NT_EXPORT NTSTATUS NTAPI NtReadFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
                          PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer,
                          ULONG Length, PLARGE_INTEGER ByteOffset, PULONG Key)
{
    (void)ApcContext;
    (void)Key; /* byte-range locks do not exist here */
    return read_write(FALSE, FileHandle, Event, ApcRoutine, IoStatusBlock, Buffer, Length,
                      ByteOffset);
}

NT_EXPORT NTSTATUS NTAPI NtWriteFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
                           PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer,
                           ULONG Length, PLARGE_INTEGER ByteOffset, PULONG Key)
{
    (void)ApcContext;
    (void)Key;
    return read_write(TRUE, FileHandle, Event, ApcRoutine, IoStatusBlock, Buffer, Length,
                      ByteOffset);
}

NT_EXPORT NTSTATUS NTAPI NtFlushBuffersFile(HANDLE FileHandle, PIO_STATUS_BLOCK IoStatusBlock)
{
    if (!IoStatusBlock)
        return STATUS_ACCESS_VIOLATION;
    NTSTATUS st = DmFlushBuffersFile((dormer_handle_t)(uintptr_t)FileHandle);
    if (st == STATUS_OBJECT_TYPE_MISMATCH)
        st = STATUS_INVALID_HANDLE; /* an event, a process: not something to flush */
    return NT_SUCCESS(st) ? io_done(NULL, IoStatusBlock, st, 0) : st;
}

/* ------------------------------------------------- attributes, deletion ---- */

static ULONG nt_attributes(uint32_t dormer)
{
    return dormer ? dormer : FILE_ATTRIBUTE_NORMAL; /* NT never reports "none" */
}

NT_EXPORT NTSTATUS NTAPI NtQueryAttributesFile(POBJECT_ATTRIBUTES ObjectAttributes,
                                     PFILE_BASIC_INFORMATION FileInformation)
{
    struct nt_path path;
    struct dormer_file_basic b;

    if (!FileInformation)
        return STATUS_ACCESS_VIOLATION;
    NTSTATUS st = nt_dos_path(ObjectAttributes, &path);
    if (!NT_SUCCESS(st))
        return st;
    st = DmQueryAttributesFile(path.buf, path.chars, &b);
    if (!NT_SUCCESS(st))
        return st;
    FileInformation->CreationTime.QuadPart = b.creation;
    FileInformation->LastAccessTime.QuadPart = b.last_access;
    FileInformation->LastWriteTime.QuadPart = b.last_write;
    FileInformation->ChangeTime.QuadPart = b.change;
    FileInformation->FileAttributes = nt_attributes(b.attributes);
    return STATUS_SUCCESS;
}

NT_EXPORT NTSTATUS NTAPI NtDeleteFile(POBJECT_ATTRIBUTES ObjectAttributes)
{
    IO_STATUS_BLOCK io;
    HANDLE h;

    /* Windows' way: open for DELETE with delete-on-close, then close. */
    NTSTATUS st = NtCreateFile(&h, DELETE, ObjectAttributes, &io, NULL, 0,
                               FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                               FILE_OPEN, FILE_DELETE_ON_CLOSE, NULL, 0);
    if (!NT_SUCCESS(st))
        return st;
    return NtClose(h);
}

/* ------------------------------------------------ query, set information ---- */

static NTSTATUS query_name(dormer_handle_t h, PFILE_NAME_INFORMATION out, ULONG len,
                           ULONG_PTR *info)
{
    struct nt_path path;
    struct dormer_file_name *fn = (struct dormer_file_name *)path.buf;
    NTSTATUS st = DmQueryInformationFile(h, DORMER_FILE_NAME_INFO, fn, sizeof path.buf);

    if (!NT_SUCCESS(st))
        return st == STATUS_BUFFER_OVERFLOW ? STATUS_OBJECT_NAME_INVALID : st;
    /* NT names the file within its volume: "\dir\name", without the drive. */
    const uint16_t *name = fn->name;
    ULONG chars = fn->chars;
    if (chars >= 2 && name[1] == ':') {
        name += 2;
        chars -= 2;
    }
    ULONG room = (len - offsetof(FILE_NAME_INFORMATION, FileName)) / sizeof(WCHAR);
    ULONG copy = chars < room ? chars : room;
    out->FileNameLength = chars * sizeof(WCHAR);
    for (ULONG i = 0; i < copy; i++)
        out->FileName[i] = name[i];
    *info = offsetof(FILE_NAME_INFORMATION, FileName) + copy * sizeof(WCHAR);
    return copy < chars ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

NT_EXPORT NTSTATUS NTAPI NtQueryInformationFile(HANDLE hFile, PIO_STATUS_BLOCK io, PVOID ptr, ULONG len,
                                      FILE_INFORMATION_CLASS FileInformationClass)
{
    dormer_handle_t h = (dormer_handle_t)(uintptr_t)hFile;
    ULONG_PTR info = 0;
    NTSTATUS st;
    ULONG need;

    switch ((int)FileInformationClass) {
    case FileBasicInformation: need = sizeof(FILE_BASIC_INFORMATION); break;
    case FileStandardInformation: need = sizeof(FILE_STANDARD_INFORMATION); break;
    case FilePositionInformation: need = sizeof(FILE_POSITION_INFORMATION); break;
    case FileNameInformation: need = sizeof(FILE_NAME_INFORMATION); break;
    default: return STATUS_INVALID_INFO_CLASS;
    }
    if (len < need)
        return STATUS_INFO_LENGTH_MISMATCH;
    if (!io || !ptr)
        return STATUS_ACCESS_VIOLATION;
    switch ((int)FileInformationClass) {
    case FileBasicInformation: {
        struct dormer_file_basic b;
        PFILE_BASIC_INFORMATION o = ptr;
        st = DmQueryInformationFile(h, DORMER_FILE_BASIC_INFO, &b, sizeof b);
        if (!NT_SUCCESS(st))
            break;
        o->CreationTime.QuadPart = b.creation;
        o->LastAccessTime.QuadPart = b.last_access;
        o->LastWriteTime.QuadPart = b.last_write;
        o->ChangeTime.QuadPart = b.change;
        o->FileAttributes = nt_attributes(b.attributes);
        info = sizeof *o;
        break;
    }
    case FileStandardInformation: {
        struct dormer_file_standard s;
        PFILE_STANDARD_INFORMATION o = ptr;
        st = DmQueryInformationFile(h, DORMER_FILE_STANDARD_INFO, &s, sizeof s);
        if (!NT_SUCCESS(st))
            break;
        o->AllocationSize.QuadPart = (LONGLONG)s.allocation;
        o->EndOfFile.QuadPart = (LONGLONG)s.end_of_file;
        o->NumberOfLinks = s.links;
        o->DeletePending = s.delete_pending;
        o->Directory = s.directory;
        info = sizeof *o;
        break;
    }
    case FilePositionInformation: {
        struct dormer_file_position p;
        st = DmQueryInformationFile(h, DORMER_FILE_POSITION_INFO, &p, sizeof p);
        if (!NT_SUCCESS(st))
            break;
        ((PFILE_POSITION_INFORMATION)ptr)->CurrentByteOffset.QuadPart = p.position;
        info = sizeof(FILE_POSITION_INFORMATION);
        break;
    }
    default: /* FileNameInformation */
        st = query_name(h, ptr, len, &info);
        break;
    }
    if (st == STATUS_OBJECT_TYPE_MISMATCH)
        st = STATUS_INVALID_HANDLE;
    if (NT_SUCCESS(st) || st == STATUS_BUFFER_OVERFLOW) {
        io->Status = st;
        io->Information = info;
    }
    return st;
}

/* FileRenameInformation: the new name is an NT path, a name relative to RootDirectory, or a
 * bare name (no separator), which renames within the file's own directory. */
static NTSTATUS set_rename(dormer_handle_t h, const FILE_RENAME_INFORMATION *r, ULONG len)
{
    struct nt_path path; /* 64 KiB each: the stack grows on touch within its reserve */
    struct {
        struct dormer_file_rename head;
        uint16_t name[NT_PATH_MAX];
    } req;
    ULONG n = r->FileNameLength / sizeof(WCHAR);
    NTSTATUS st;

    if ((r->FileNameLength & 1) || n == 0 ||
        len < offsetof(FILE_RENAME_INFORMATION, FileName) + r->FileNameLength)
        return STATUS_INVALID_PARAMETER;
    BOOL bare = !r->RootDirectory;
    for (ULONG i = 0; bare && i < n; i++)
        if (r->FileName[i] == '\\' || r->FileName[i] == '/')
            bare = FALSE;
    if (bare) {
        /* The file's own path, up to and including its last separator, then the name. */
        struct dormer_file_name *fn = (struct dormer_file_name *)path.buf;
        st = DmQueryInformationFile(h, DORMER_FILE_NAME_INFO, fn, sizeof path.buf);
        if (st == STATUS_BUFFER_OVERFLOW)
            st = STATUS_OBJECT_NAME_INVALID;
        if (!NT_SUCCESS(st))
            goto out;
        ULONG dir = fn->chars;
        while (dir > 0 && fn->name[dir - 1] != '\\')
            dir--;
        if (dir + n > NT_PATH_MAX) {
            st = STATUS_OBJECT_NAME_INVALID;
            goto out;
        }
        for (ULONG i = 0; i < dir; i++)
            req.name[i] = fn->name[i];
        for (ULONG i = 0; i < n; i++)
            req.name[dir + i] = r->FileName[i];
        req.head.chars = dir + n;
    } else {
        UNICODE_STRING us = { (USHORT)r->FileNameLength, (USHORT)r->FileNameLength,
                              (PWSTR)r->FileName };
        OBJECT_ATTRIBUTES oa;
        if (r->FileNameLength > 0xfffe) {
            st = STATUS_OBJECT_NAME_INVALID;
            goto out;
        }
        InitializeObjectAttributes(&oa, &us, OBJ_CASE_INSENSITIVE, r->RootDirectory, NULL);
        st = nt_dos_path(&oa, &path);
        if (!NT_SUCCESS(st))
            goto out;
        for (ULONG i = 0; i < path.chars; i++)
            req.name[i] = path.buf[i];
        req.head.chars = path.chars;
    }
    req.head.replace = r->ReplaceIfExists ? 1 : 0;
    st = DmSetInformationFile(h, DORMER_FILE_RENAME_INFO, &req,
                              sizeof req.head + req.head.chars * sizeof(uint16_t));
out:
    return st;
}

NT_EXPORT NTSTATUS NTAPI NtSetInformationFile(HANDLE hFile, PIO_STATUS_BLOCK io, PVOID ptr, ULONG len,
                                    FILE_INFORMATION_CLASS FileInformationClass)
{
    dormer_handle_t h = (dormer_handle_t)(uintptr_t)hFile;
    NTSTATUS st;
    ULONG need;

    switch ((int)FileInformationClass) {
    case FileBasicInformation: need = sizeof(FILE_BASIC_INFORMATION); break;
    case FilePositionInformation: need = sizeof(FILE_POSITION_INFORMATION); break;
    case FileEndOfFileInformation: need = sizeof(FILE_END_OF_FILE_INFORMATION); break;
    case FileDispositionInformation: need = sizeof(FILE_DISPOSITION_INFORMATION); break;
    case FileRenameInformation: need = offsetof(FILE_RENAME_INFORMATION, FileName); break;
    default: return STATUS_INVALID_INFO_CLASS;
    }
    if (len < need)
        return STATUS_INFO_LENGTH_MISMATCH;
    if (!io || !ptr)
        return STATUS_ACCESS_VIOLATION;
    switch ((int)FileInformationClass) {
    case FileBasicInformation: {
        const FILE_BASIC_INFORMATION *i = ptr;
        struct dormer_file_basic b = {
            i->CreationTime.QuadPart, i->LastAccessTime.QuadPart, i->LastWriteTime.QuadPart,
            i->ChangeTime.QuadPart, (uint32_t)i->FileAttributes, 0 };
        st = DmSetInformationFile(h, DORMER_FILE_BASIC_INFO, &b, sizeof b);
        break;
    }
    case FilePositionInformation: {
        struct dormer_file_position p = {
            ((const FILE_POSITION_INFORMATION *)ptr)->CurrentByteOffset.QuadPart };
        st = DmSetInformationFile(h, DORMER_FILE_POSITION_INFO, &p, sizeof p);
        break;
    }
    case FileEndOfFileInformation: {
        LONGLONG eof = ((const FILE_END_OF_FILE_INFORMATION *)ptr)->EndOfFile.QuadPart;
        struct dormer_file_end_of_file e = { (uint64_t)eof };
        if (eof < 0)
            st = STATUS_INVALID_PARAMETER;
        else
            st = DmSetInformationFile(h, DORMER_FILE_END_OF_FILE_INFO, &e, sizeof e);
        break;
    }
    case FileDispositionInformation: {
        struct dormer_file_disposition d = {
            ((const FILE_DISPOSITION_INFORMATION *)ptr)->DoDeleteFile ? 1 : 0, { 0 } };
        st = DmSetInformationFile(h, DORMER_FILE_DISPOSITION_INFO, &d, sizeof d);
        break;
    }
    default: /* FileRenameInformation */
        st = set_rename(h, ptr, len);
        break;
    }
    if (st == STATUS_OBJECT_TYPE_MISMATCH)
        st = STATUS_INVALID_HANDLE;
    return NT_SUCCESS(st) ? io_done(NULL, io, st, 0) : st;
}

/* ------------------------------------------------------------- directories ---- */

/* FileName's offset in each directory record class, or 0 for a class not served. */
static ULONG dir_name_offset(FILE_INFORMATION_CLASS c)
{
    switch ((int)c) {
    case FileDirectoryInformation: return offsetof(FILE_DIRECTORY_INFORMATION, FileName);
    case FileFullDirectoryInformation: return offsetof(FILE_FULL_DIR_INFORMATION, FileName);
    case FileBothDirectoryInformation: return offsetof(FILE_BOTH_DIR_INFORMATION, FileName);
    case FileNamesInformation: return offsetof(FILE_NAMES_INFORMATION, FileName);
    default: return 0;
    }
}

_Static_assert(offsetof(FILE_DIRECTORY_INFORMATION, FileName) == 64, "kernel's layout");
_Static_assert(offsetof(FILE_FULL_DIR_INFORMATION, FileName) == 68, "kernel's layout");
_Static_assert(offsetof(FILE_BOTH_DIR_INFORMATION, FileName) == 94, "kernel's layout");
_Static_assert(offsetof(FILE_NAMES_INFORMATION, FileName) == 12, "kernel's layout");
_Static_assert(FileDirectoryInformation == DORMER_DIR_NT_DIRECTORY &&
               FileFullDirectoryInformation == DORMER_DIR_NT_FULL &&
               FileBothDirectoryInformation == DORMER_DIR_NT_BOTH &&
               FileNamesInformation == DORMER_DIR_NT_NAMES, "the kernel takes the class");

/* The kernel writes the records in Windows' layout (DmQueryDirectoryEntries with a
 * format); the byte count is the last record's end. The mask applies on every call
 * (Windows keeps the first call's), and an entry whose name did not fit a buffer too
 * small for it is taken (STATUS_BUFFER_OVERFLOW, the name cut). */
NT_EXPORT NTSTATUS NTAPI NtQueryDirectoryFile(HANDLE FileHandle, HANDLE Event,
                                              PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
                                              PIO_STATUS_BLOCK IoStatusBlock,
                                              PVOID FileInformation, ULONG Length,
                                              FILE_INFORMATION_CLASS FileInformationClass,
                                              BOOLEAN ReturnSingleEntry,
                                              PUNICODE_STRING FileName, BOOLEAN RestartScan)
{
    ULONG fixed = dir_name_offset(FileInformationClass);
    NTSTATUS st;

    (void)ApcContext;
    if (!fixed)
        return STATUS_INVALID_INFO_CLASS;
    if (Length < ((fixed + sizeof(WCHAR) + 7) & ~7u)) /* room for a one-unit name */
        return STATUS_INFO_LENGTH_MISMATCH;
    if (!IoStatusBlock || !FileInformation)
        return STATUS_ACCESS_VIOLATION;
    if (ApcRoutine)
        return STATUS_NOT_SUPPORTED;
    struct dormer_dir_query q = {
        .flags = (RestartScan ? DORMER_DIR_RESTART : 0) |
                 (ReturnSingleEntry ? DORMER_DIR_SINGLE : 0) |
                 ((uint32_t)FileInformationClass << DORMER_DIR_FORMAT_SHIFT),
    };
    if (FileName && FileName->Length) {
        if ((FileName->Length & 1) || !FileName->Buffer)
            return STATUS_INVALID_PARAMETER;
        q.pattern = (uint64_t)(uintptr_t)FileName->Buffer;
        q.pattern_chars = FileName->Length / sizeof(WCHAR);
    }
    if (Event) {
        st = DmResetEvent((dormer_handle_t)(uintptr_t)Event, NULL);
        if (!NT_SUCCESS(st))
            return st;
    }
    st = DmQueryDirectoryEntries((dormer_handle_t)(uintptr_t)FileHandle, FileInformation,
                                 Length, &q);
    if (st == STATUS_OBJECT_TYPE_MISMATCH)
        st = STATUS_INVALID_HANDLE;
    if (st == STATUS_NO_MORE_FILES)
        return io_done(Event, IoStatusBlock, st, 0);
    if (!NT_SUCCESS(st) && st != STATUS_BUFFER_OVERFLOW)
        return st;
    if (st == STATUS_BUFFER_OVERFLOW)
        return io_done(Event, IoStatusBlock, st, Length);
    /* Walk the chain to the last record: its name's end is the byte count. */
    uint8_t *r = FileInformation;
    for (;;) {
        ULONG next = *(ULONG *)r;
        if (!next)
            break;
        r += next;
    }
    ULONG name_bytes = FileInformationClass == FileNamesInformation
                           ? ((FILE_NAMES_INFORMATION *)r)->FileNameLength
                           : ((FILE_DIRECTORY_INFORMATION *)r)->FileNameLength;
    ULONG_PTR info = (ULONG_PTR)(r - (uint8_t *)FileInformation) + fixed + name_bytes;
    return io_done(Event, IoStatusBlock, st, info);
}
