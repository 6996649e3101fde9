/*
 * Files and directories over the native file calls (DmCreateFile and friends, which
 * take UTF-16 paths): the W functions do the work, the A ones convert their paths
 * from the ANSI code page. Windows' dispositions, flags and error codes are mapped here.
 */
#include "k32.h"

static dormer_handle_t open_path(const WCHAR *path, DWORD access, DWORD share, DWORD disp,
                                 DWORD options, DWORD attrs, dormer_status_t *st, DWORD *action)
{
    struct dormer_create_file a = {access, share, disp, options, attrs, 0};
    dormer_handle_t h = 0;

    *st = DmCreateFile(&h, path, k32_wcslen(path), &a);
    if (action)
        *action = a.action;
    return h;
}

HANDLE WINAPI CreateFileW(LPCWSTR path, DWORD access, DWORD share, LPSECURITY_ATTRIBUTES sa,
                          DWORD creation, DWORD flags, HANDLE tmpl)
{
    static const DWORD disp[] = {0, DORMER_FILE_CREATE, DORMER_FILE_OVERWRITE_IF,
                                 DORMER_FILE_OPEN, DORMER_FILE_OPEN_IF, DORMER_FILE_OVERWRITE};
    dormer_status_t st;
    DWORD action = 0, options = DORMER_FILE_NON_DIRECTORY_FILE;

    (void)tmpl;
    if (!path || creation < CREATE_NEW || creation > TRUNCATE_EXISTING) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return INVALID_HANDLE_VALUE;
    }
    if (path[0] == 'C' && path[1] == 'O' && path[2] == 'N' && !path[3]) {
        return access & GENERIC_WRITE ? K32_CONSOLE_OUTPUT : K32_CONSOLE_INPUT;
    }
    if (flags & FILE_FLAG_BACKUP_SEMANTICS)
        options = 0; /* directories may be opened too */
    if (flags & FILE_FLAG_DELETE_ON_CLOSE) {
        options |= DORMER_FILE_DELETE_ON_CLOSE;
        access |= DELETE; /* as Windows' CreateFile adds it */
    }
    if (flags & FILE_FLAG_WRITE_THROUGH)
        options |= DORMER_FILE_WRITE_THROUGH;
    dormer_handle_t h = open_path(path, access, share, disp[creation], options,
                                  flags & 0xffff, &st, &action);
    if (!NT_SUCCESS(st)) {
        /* CreateFile reports a name clash as ERROR_FILE_EXISTS (Wine and Windows agree). */
        if (st == (dormer_status_t)0xC0000035)
            k32_set_error(ERROR_FILE_EXISTS);
        else
            k32_fail(st);
        return INVALID_HANDLE_VALUE;
    }
    /* CREATE_ALWAYS and OPEN_ALWAYS say ERROR_ALREADY_EXISTS when the file was there. */
    k32_set_error((creation == CREATE_ALWAYS || creation == OPEN_ALWAYS) &&
                          action != DORMER_FILE_CREATED
                      ? ERROR_ALREADY_EXISTS
                      : ERROR_SUCCESS);
    if (sa && sa->bInheritHandle)
        DmSetHandleInformation(h, DORMER_HANDLE_INHERIT, DORMER_HANDLE_INHERIT);
    return (HANDLE)(uintptr_t)h;
}

HANDLE WINAPI CreateFileA(LPCSTR path, DWORD access, DWORD share, LPSECURITY_ATTRIBUTES sa,
                          DWORD creation, DWORD flags, HANDLE tmpl)
{
    WCHAR *w = path ? k32_to_wide(path) : NULL;

    if (!w) {
        k32_set_error(path ? ERROR_NOT_ENOUGH_MEMORY : ERROR_INVALID_PARAMETER);
        return INVALID_HANDLE_VALUE;
    }
    HANDLE h = CreateFileW(w, access, share, sa, creation, flags, tmpl);
    DWORD err = GetLastError();
    k32_free(w);
    k32_set_error(err);
    return h;
}

BOOL WINAPI SetFilePointerEx(HANDLE h, LARGE_INTEGER distance, PLARGE_INTEGER out, DWORD method)
{
    struct dormer_file_position pos;
    struct dormer_file_standard std;
    int64_t base = 0;
    dormer_status_t st;

    if (method == FILE_CURRENT) {
        st = DmQueryInformationFile(k32_handle(h), DORMER_FILE_POSITION_INFO, &pos, sizeof pos);
        if (!NT_SUCCESS(st))
            return k32_fail(st);
        base = pos.position;
    } else if (method == FILE_END) {
        st = DmQueryInformationFile(k32_handle(h), DORMER_FILE_STANDARD_INFO, &std, sizeof std);
        if (!NT_SUCCESS(st))
            return k32_fail(st);
        base = (int64_t)std.end_of_file;
    } else if (method != FILE_BEGIN) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    pos.position = base + distance.QuadPart;
    if (pos.position < 0) {
        k32_set_error(ERROR_NEGATIVE_SEEK);
        return FALSE;
    }
    st = DmSetInformationFile(k32_handle(h), DORMER_FILE_POSITION_INFO, &pos, sizeof pos);
    if (!NT_SUCCESS(st))
        return k32_fail(st);
    if (out)
        out->QuadPart = pos.position;
    return TRUE;
}

DWORD WINAPI SetFilePointer(HANDLE h, LONG low, PLONG high, DWORD method)
{
    LARGE_INTEGER d, out;

    d.QuadPart = high ? (LONGLONG)((uint64_t)(uint32_t)*high << 32 | (uint32_t)low) : low;
    if (!SetFilePointerEx(h, d, &out, method))
        return INVALID_SET_FILE_POINTER;
    if (high)
        *high = (LONG)(out.QuadPart >> 32);
    k32_set_error(ERROR_SUCCESS);
    return (DWORD)out.QuadPart;
}

BOOL WINAPI GetFileSizeEx(HANDLE h, PLARGE_INTEGER size)
{
    struct dormer_file_standard std;
    dormer_status_t st = DmQueryInformationFile(k32_handle(h), DORMER_FILE_STANDARD_INFO, &std,
                                                sizeof std);

    if (!NT_SUCCESS(st))
        return k32_fail(st);
    size->QuadPart = (LONGLONG)std.end_of_file;
    return TRUE;
}

DWORD WINAPI GetFileSize(HANDLE h, LPDWORD high)
{
    LARGE_INTEGER size = {0};

    if (!GetFileSizeEx(h, &size))
        return INVALID_FILE_SIZE;
    if (high)
        *high = (DWORD)(size.QuadPart >> 32);
    k32_set_error(ERROR_SUCCESS);
    return (DWORD)size.QuadPart;
}

BOOL WINAPI SetEndOfFile(HANDLE h)
{
    struct dormer_file_position pos;
    dormer_status_t st = DmQueryInformationFile(k32_handle(h), DORMER_FILE_POSITION_INFO, &pos,
                                                sizeof pos);

    if (!NT_SUCCESS(st))
        return k32_fail(st);
    struct dormer_file_end_of_file eof = {(uint64_t)pos.position};
    st = DmSetInformationFile(k32_handle(h), DORMER_FILE_END_OF_FILE_INFO, &eof, sizeof eof);
    return NT_SUCCESS(st) ? TRUE : k32_fail(st);
}

BOOL WINAPI FlushFileBuffers(HANDLE h)
{
    if (k32_is_console(h))
        return TRUE;
    dormer_status_t st = DmFlushBuffersFile(k32_handle(h));
    return NT_SUCCESS(st) ? TRUE : k32_fail(st);
}

BOOL WINAPI DuplicateHandle(HANDLE src_process, HANDLE h, HANDLE dst_process, LPHANDLE out,
                            DWORD access, BOOL inherit, DWORD options)
{
    dormer_handle_t n = 0;

    if (k32_is_console(h)) { /* console handles mean the same in every process */
        if (out)
            *out = h;
        return TRUE;
    }
    uint64_t opts = (options & (DUPLICATE_CLOSE_SOURCE | DUPLICATE_SAME_ACCESS)) |
                    (inherit ? DORMER_DUPLICATE_INHERIT : 0);
    dormer_status_t st = DmDuplicateObject(k32_handle(src_process), k32_handle(h),
                                           k32_handle(dst_process), out ? &n : NULL, access,
                                           opts);
    if (!NT_SUCCESS(st))
        return k32_fail(st);
    if (out)
        *out = (HANDLE)(uintptr_t)n;
    return TRUE;
}

BOOL WINAPI CreatePipe(PHANDLE rd, PHANDLE wr, LPSECURITY_ATTRIBUTES sa, DWORD size)
{
    dormer_handle_t r = 0, w = 0;

    (void)size;
    dormer_status_t st = DmCreatePipe(&r, &w);
    if (!NT_SUCCESS(st))
        return k32_fail(st);
    if (sa && sa->bInheritHandle) {
        DmSetHandleInformation(r, DORMER_HANDLE_INHERIT, DORMER_HANDLE_INHERIT);
        DmSetHandleInformation(w, DORMER_HANDLE_INHERIT, DORMER_HANDLE_INHERIT);
    }
    *rd = (HANDLE)(uintptr_t)r;
    *wr = (HANDLE)(uintptr_t)w;
    return TRUE;
}

/* --------------------------------------------------------- by path ---- */

static BOOL path_op(const WCHAR *path, DWORD access, DWORD disp, DWORD options, DWORD attrs)
{
    dormer_status_t st;
    dormer_handle_t h = open_path(path, access,
                                  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, disp,
                                  options, attrs, &st, NULL);

    if (!NT_SUCCESS(st)) {
        if (st == (dormer_status_t)0xC0000035)
            k32_set_error(ERROR_ALREADY_EXISTS);
        else
            k32_fail(st);
        return FALSE;
    }
    NtClose(h);
    return TRUE;
}

BOOL WINAPI DeleteFileW(LPCWSTR path)
{
    return path_op(path, DORMER_DELETE, DORMER_FILE_OPEN,
                   DORMER_FILE_NON_DIRECTORY_FILE | DORMER_FILE_DELETE_ON_CLOSE, 0);
}

BOOL WINAPI CreateDirectoryW(LPCWSTR path, LPSECURITY_ATTRIBUTES sa)
{
    (void)sa;
    return path_op(path, DORMER_FILE_READ_ATTRIBUTES, DORMER_FILE_CREATE,
                   DORMER_FILE_DIRECTORY_FILE, FILE_ATTRIBUTE_DIRECTORY);
}

BOOL WINAPI RemoveDirectoryW(LPCWSTR path)
{
    return path_op(path, DORMER_DELETE, DORMER_FILE_OPEN,
                   DORMER_FILE_DIRECTORY_FILE | DORMER_FILE_DELETE_ON_CLOSE, 0);
}

BOOL WINAPI MoveFileExW(LPCWSTR from, LPCWSTR to, DWORD flags)
{
    dormer_status_t st;
    size_t n = k32_wcslen(to);
    dormer_handle_t h = open_path(from, DORMER_DELETE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                  DORMER_FILE_OPEN, 0, 0, &st, NULL);

    if (!NT_SUCCESS(st))
        return k32_fail(st);
    struct dormer_file_rename *r = HeapAlloc(k32_process_heap(), HEAP_ZERO_MEMORY,
                                             sizeof *r + n * sizeof(WCHAR));
    if (!r) {
        NtClose(h);
        k32_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return FALSE;
    }
    r->replace = (flags & MOVEFILE_REPLACE_EXISTING) != 0;
    r->chars = (uint32_t)n;
    memcpy(r->name, to, n * sizeof(WCHAR));
    st = DmSetInformationFile(h, DORMER_FILE_RENAME_INFO, r, sizeof *r + n * sizeof(WCHAR));
    k32_free(r);
    NtClose(h);
    if (st == (dormer_status_t)0xC0000035) {
        k32_set_error(ERROR_ALREADY_EXISTS);
        return FALSE;
    }
    return NT_SUCCESS(st) ? TRUE : k32_fail(st);
}

BOOL WINAPI MoveFileW(LPCWSTR from, LPCWSTR to)
{
    return MoveFileExW(from, to, 0);
}

DWORD WINAPI GetFileAttributesW(LPCWSTR path)
{
    struct dormer_file_basic b;
    dormer_status_t st = DmQueryAttributesFile(path, k32_wcslen(path), &b);

    if (!NT_SUCCESS(st)) {
        k32_fail(st);
        return INVALID_FILE_ATTRIBUTES;
    }
    return b.attributes;
}

BOOL WINAPI GetFileAttributesExW(LPCWSTR path, GET_FILEEX_INFO_LEVELS level, LPVOID out)
{
    struct dormer_file_basic b;
    dormer_status_t st;
    WIN32_FILE_ATTRIBUTE_DATA *d = out;

    if (level != GetFileExInfoStandard) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    dormer_handle_t h = open_path(path, DORMER_FILE_READ_ATTRIBUTES,
                                  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                  DORMER_FILE_OPEN, 0, 0, &st, NULL);
    if (!NT_SUCCESS(st))
        return k32_fail(st);
    struct dormer_file_standard s;
    st = DmQueryInformationFile(h, DORMER_FILE_BASIC_INFO, &b, sizeof b);
    if (NT_SUCCESS(st))
        st = DmQueryInformationFile(h, DORMER_FILE_STANDARD_INFO, &s, sizeof s);
    NtClose(h);
    if (!NT_SUCCESS(st))
        return k32_fail(st);
    d->dwFileAttributes = b.attributes;
    d->ftCreationTime.dwLowDateTime = (DWORD)b.creation;
    d->ftCreationTime.dwHighDateTime = (DWORD)((uint64_t)b.creation >> 32);
    d->ftLastAccessTime.dwLowDateTime = (DWORD)b.last_access;
    d->ftLastAccessTime.dwHighDateTime = (DWORD)((uint64_t)b.last_access >> 32);
    d->ftLastWriteTime.dwLowDateTime = (DWORD)b.last_write;
    d->ftLastWriteTime.dwHighDateTime = (DWORD)((uint64_t)b.last_write >> 32);
    d->nFileSizeLow = (DWORD)s.end_of_file;
    d->nFileSizeHigh = (DWORD)(s.end_of_file >> 32);
    return TRUE;
}

BOOL WINAPI SetFileAttributesW(LPCWSTR path, DWORD attrs)
{
    struct dormer_file_basic b = {0, 0, 0, 0, attrs ? attrs : FILE_ATTRIBUTE_NORMAL, 0};
    dormer_status_t st;
    dormer_handle_t h = open_path(path, DORMER_FILE_WRITE_ATTRIBUTES,
                                  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                  DORMER_FILE_OPEN, 0, 0, &st, NULL);

    if (!NT_SUCCESS(st))
        return k32_fail(st);
    st = DmSetInformationFile(h, DORMER_FILE_BASIC_INFO, &b, sizeof b);
    NtClose(h);
    return NT_SUCCESS(st) ? TRUE : k32_fail(st);
}

/* ------------------------------------------------------------ find ---- */

struct find_handle {
    dormer_handle_t dir;
    WCHAR pattern[MAX_PATH];
};

static void fill_find_data(const struct dormer_find_data *f, LPWIN32_FIND_DATAW out)
{
    memset(out, 0, sizeof *out);
    out->dwFileAttributes = f->attributes;
    out->ftCreationTime.dwLowDateTime = (DWORD)f->creation;
    out->ftCreationTime.dwHighDateTime = (DWORD)((uint64_t)f->creation >> 32);
    out->ftLastAccessTime.dwLowDateTime = (DWORD)f->last_access;
    out->ftLastAccessTime.dwHighDateTime = (DWORD)((uint64_t)f->last_access >> 32);
    out->ftLastWriteTime.dwLowDateTime = (DWORD)f->last_write;
    out->ftLastWriteTime.dwHighDateTime = (DWORD)((uint64_t)f->last_write >> 32);
    out->nFileSizeLow = (DWORD)f->size;
    out->nFileSizeHigh = (DWORD)(f->size >> 32);
    memcpy(out->cFileName, f->name, sizeof out->cFileName);
    memcpy(out->cAlternateFileName, f->short_name, sizeof out->cAlternateFileName);
}

static BOOL find_next(struct find_handle *fh, LPWIN32_FIND_DATAW out, BOOL first)
{
    struct dormer_find_data f;
    dormer_status_t st = DmQueryDirectoryFile(fh->dir, &f, fh->pattern,
                                              k32_wcslen(fh->pattern), first);

    if (st == STATUS_NO_MORE_FILES || st == (dormer_status_t)0xC000000F) {
        k32_set_error(first ? ERROR_FILE_NOT_FOUND : ERROR_NO_MORE_FILES);
        return FALSE;
    }
    if (!NT_SUCCESS(st))
        return k32_fail(st);
    fill_find_data(&f, out);
    return TRUE;
}

HANDLE WINAPI FindFirstFileW(LPCWSTR spec, LPWIN32_FIND_DATAW out)
{
    size_t n = k32_wcslen(spec), cut = 0;
    WCHAR dir[MAX_PATH];
    dormer_status_t st;

    if (n == 0 || n >= MAX_PATH) {
        k32_set_error(n ? ERROR_FILENAME_EXCED_RANGE : ERROR_PATH_NOT_FOUND);
        return INVALID_HANDLE_VALUE;
    }
    for (size_t i = 0; i < n; i++)
        if (spec[i] == '\\' || spec[i] == '/' || (i == 1 && spec[i] == ':'))
            cut = i + 1;
    struct find_handle *fh = HeapAlloc(k32_process_heap(), HEAP_ZERO_MEMORY, sizeof *fh);
    if (!fh) {
        k32_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return INVALID_HANDLE_VALUE;
    }
    size_t start = cut; /* the pattern: what follows the last separator */
    memcpy(dir, spec, cut * sizeof(WCHAR));
    if (cut == 0)
        dir[cut++] = '.';
    dir[cut] = 0;
    memcpy(fh->pattern, spec + start, (n - start) * sizeof(WCHAR));
    fh->dir = open_path(dir, DORMER_FILE_READ_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE |
                        FILE_SHARE_DELETE, DORMER_FILE_OPEN, DORMER_FILE_DIRECTORY_FILE, 0,
                        &st, NULL);
    if (!NT_SUCCESS(st)) {
        k32_free(fh);
        k32_fail(st == STATUS_OBJECT_NAME_NOT_FOUND ? (dormer_status_t)0xC000003A : st);
        return INVALID_HANDLE_VALUE;
    }
    if (!find_next(fh, out, TRUE)) {
        DWORD err = GetLastError();
        NtClose(fh->dir);
        k32_free(fh);
        k32_set_error(err);
        return INVALID_HANDLE_VALUE;
    }
    return (HANDLE)fh;
}

BOOL WINAPI FindNextFileW(HANDLE h, LPWIN32_FIND_DATAW out)
{
    if (!h || h == INVALID_HANDLE_VALUE) {
        k32_set_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    return find_next((struct find_handle *)h, out, FALSE);
}

BOOL WINAPI FindClose(HANDLE h)
{
    if (!h || h == INVALID_HANDLE_VALUE) {
        k32_set_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    struct find_handle *fh = (struct find_handle *)h;
    NtClose(fh->dir);
    k32_free(fh);
    return TRUE;
}

static void find_data_to_ansi(const WIN32_FIND_DATAW *w, LPWIN32_FIND_DATAA a)
{
    memcpy(a, w, __builtin_offsetof(WIN32_FIND_DATAA, cFileName));
    WideCharToMultiByte(CP_ACP, 0, w->cFileName, -1, a->cFileName, MAX_PATH, NULL, NULL);
    WideCharToMultiByte(CP_ACP, 0, w->cAlternateFileName, -1, a->cAlternateFileName, 14,
                        NULL, NULL);
}

HANDLE WINAPI FindFirstFileA(LPCSTR spec, LPWIN32_FIND_DATAA out)
{
    WIN32_FIND_DATAW w;
    WCHAR *ws = k32_to_wide(spec);

    if (!ws)
        return INVALID_HANDLE_VALUE;
    HANDLE h = FindFirstFileW(ws, &w);
    DWORD err = GetLastError();
    k32_free(ws);
    if (h != INVALID_HANDLE_VALUE)
        find_data_to_ansi(&w, out);
    k32_set_error(err);
    return h;
}

BOOL WINAPI FindNextFileA(HANDLE h, LPWIN32_FIND_DATAA out)
{
    WIN32_FIND_DATAW w;

    if (!FindNextFileW(h, &w))
        return FALSE;
    find_data_to_ansi(&w, out);
    return TRUE;
}

/* ---------------------------------------------------- current directory ---- */

DWORD WINAPI GetCurrentDirectoryW(DWORD size, LPWSTR buf)
{
    uint64_t needed = 0;
    dormer_status_t st = DmGetCurrentDirectory(buf, buf ? size : 0, &needed);

    if (!NT_SUCCESS(st) && st != STATUS_BUFFER_TOO_SMALL && st != (dormer_status_t)0x80000005) {
        k32_fail(st);
        return 0;
    }
    return needed + 1 > size ? (DWORD)needed + 1 : (DWORD)needed;
}

DWORD WINAPI GetCurrentDirectoryA(DWORD size, LPSTR buf)
{
    WCHAR w[MAX_PATH];
    DWORD n = GetCurrentDirectoryW(MAX_PATH, w);

    if (n == 0 || n >= MAX_PATH)
        return 0;
    return k32_copy_out_ansi(w, buf, size);
}

BOOL WINAPI SetCurrentDirectoryW(LPCWSTR path)
{
    dormer_status_t st = DmSetCurrentDirectory(path, k32_wcslen(path));
    return NT_SUCCESS(st) ? TRUE : k32_fail(st);
}

/* ----------------------------------------------------------- A forms ---- */

#define WITH_WIDE(path, expr)                  \
    do {                                       \
        WCHAR *w_ = k32_to_wide(path);         \
        if (!w_)                               \
            return 0;                          \
        __typeof__(expr) r_ = (expr);          \
        DWORD e_ = GetLastError();             \
        k32_free(w_);                          \
        k32_set_error(e_);                     \
        return r_;                             \
    } while (0)

BOOL WINAPI DeleteFileA(LPCSTR path) { WITH_WIDE(path, DeleteFileW(w_)); }
BOOL WINAPI CreateDirectoryA(LPCSTR path, LPSECURITY_ATTRIBUTES sa) { WITH_WIDE(path, CreateDirectoryW(w_, sa)); }
BOOL WINAPI RemoveDirectoryA(LPCSTR path) { WITH_WIDE(path, RemoveDirectoryW(w_)); }
DWORD WINAPI GetFileAttributesA(LPCSTR path) { WITH_WIDE(path, GetFileAttributesW(w_)); }
BOOL WINAPI SetFileAttributesA(LPCSTR path, DWORD a) { WITH_WIDE(path, SetFileAttributesW(w_, a)); }
BOOL WINAPI SetCurrentDirectoryA(LPCSTR path) { WITH_WIDE(path, SetCurrentDirectoryW(w_)); }
BOOL WINAPI GetFileAttributesExA(LPCSTR path, GET_FILEEX_INFO_LEVELS l, LPVOID out) { WITH_WIDE(path, GetFileAttributesExW(w_, l, out)); }

BOOL WINAPI MoveFileExA(LPCSTR from, LPCSTR to, DWORD flags)
{
    WCHAR *f = k32_to_wide(from), *t = k32_to_wide(to);
    BOOL ok = f && t && MoveFileExW(f, t, flags);
    DWORD err = GetLastError();

    k32_free(f);
    k32_free(t);
    k32_set_error(err);
    return ok;
}

BOOL WINAPI MoveFileA(LPCSTR from, LPCSTR to)
{
    return MoveFileExA(from, to, 0);
}

/* ------------------------------------------------------ by handle ---- */

static void filetime_set(int64_t v, FILETIME *ft)
{
    ft->dwLowDateTime = (DWORD)v;
    ft->dwHighDateTime = (DWORD)((uint64_t)v >> 32);
}

static int64_t filetime_get(const FILETIME *ft)
{
    return ft ? (int64_t)((uint64_t)ft->dwHighDateTime << 32 | ft->dwLowDateTime) : 0;
}

BOOL WINAPI GetFileInformationByHandle(HANDLE h, LPBY_HANDLE_FILE_INFORMATION info)
{
    struct dormer_file_basic b;
    struct dormer_file_standard s;
    dormer_status_t st = DmQueryInformationFile(k32_handle(h), DORMER_FILE_BASIC_INFO, &b,
                                                sizeof b);

    if (NT_SUCCESS(st))
        st = DmQueryInformationFile(k32_handle(h), DORMER_FILE_STANDARD_INFO, &s, sizeof s);
    if (!NT_SUCCESS(st))
        return k32_fail(st);
    memset(info, 0, sizeof *info);
    info->dwFileAttributes = b.attributes;
    filetime_set(b.creation, &info->ftCreationTime);
    filetime_set(b.last_access, &info->ftLastAccessTime);
    filetime_set(b.last_write, &info->ftLastWriteTime);
    info->dwVolumeSerialNumber = 0x444f524d; /* "DORM" */
    info->nFileSizeHigh = (DWORD)(s.end_of_file >> 32);
    info->nFileSizeLow = (DWORD)s.end_of_file;
    info->nNumberOfLinks = s.links;
    return TRUE;
}

BOOL WINAPI GetFileTime(HANDLE h, LPFILETIME creation, LPFILETIME access, LPFILETIME write)
{
    struct dormer_file_basic b;
    dormer_status_t st = DmQueryInformationFile(k32_handle(h), DORMER_FILE_BASIC_INFO, &b,
                                                sizeof b);

    if (!NT_SUCCESS(st))
        return k32_fail(st);
    if (creation)
        filetime_set(b.creation, creation);
    if (access)
        filetime_set(b.last_access, access);
    if (write)
        filetime_set(b.last_write, write);
    return TRUE;
}

BOOL WINAPI SetFileTime(HANDLE h, const FILETIME *creation, const FILETIME *access,
                        const FILETIME *write)
{
    struct dormer_file_basic b = {filetime_get(creation), filetime_get(access),
                                  filetime_get(write), 0, 0, 0};
    dormer_status_t st = DmSetInformationFile(k32_handle(h), DORMER_FILE_BASIC_INFO, &b,
                                              sizeof b);
    return NT_SUCCESS(st) ? TRUE : k32_fail(st);
}

BOOL WINAPI CopyFileW(LPCWSTR from, LPCWSTR to, BOOL fail_if_exists)
{
    static char buf[16384];
    static struct dormer_lock buf_lock = DORMER_LOCK_INIT;
    BOOL ok = TRUE;

    HANDLE in = CreateFileW(from, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (in == INVALID_HANDLE_VALUE)
        return FALSE;
    HANDLE out = CreateFileW(to, GENERIC_WRITE, 0, NULL, fail_if_exists ? CREATE_NEW : CREATE_ALWAYS,
                             GetFileAttributesW(from) & ~FILE_ATTRIBUTE_DIRECTORY, NULL);
    if (out == INVALID_HANDLE_VALUE) {
        DWORD err = GetLastError();
        CloseHandle(in);
        k32_set_error(err);
        return FALSE;
    }
    DormerAcquireLock(&buf_lock);
    for (;;) {
        DWORD got = 0, put = 0;
        if (!ReadFile(in, buf, sizeof buf, &got, NULL)) {
            ok = FALSE;
            break;
        }
        if (got == 0)
            break;
        if (!WriteFile(out, buf, got, &put, NULL) || put != got) {
            ok = FALSE;
            break;
        }
    }
    DormerReleaseLock(&buf_lock);
    DWORD err = GetLastError();
    FILETIME write;
    if (ok && GetFileTime(in, NULL, NULL, &write))
        SetFileTime(out, NULL, NULL, &write);
    CloseHandle(in);
    CloseHandle(out);
    if (!ok)
        k32_set_error(err);
    return ok;
}

BOOL WINAPI CopyFileA(LPCSTR from, LPCSTR to, BOOL fail_if_exists)
{
    WCHAR *f = k32_to_wide(from), *t = k32_to_wide(to);
    BOOL ok = f && t && CopyFileW(f, t, fail_if_exists);
    DWORD err = GetLastError();

    k32_free(f);
    k32_free(t);
    k32_set_error(err);
    return ok;
}

/* ------------------------------------------------------------ names ---- */

/*
 * GetFullPathName: the path made absolute against the current directory, "." and ".."
 * resolved and "/" turned into "\", as Windows does it without touching the disk.
 */
DWORD WINAPI GetFullPathNameW(LPCWSTR path, DWORD size, LPWSTR buf, LPWSTR *file_part)
{
    WCHAR full[MAX_PATH * 2], cwd[MAX_PATH];
    size_t n = 0, len = path ? k32_wcslen(path) : 0;

    if (len == 0 || len >= MAX_PATH) {
        k32_set_error(len ? ERROR_FILENAME_EXCED_RANGE : ERROR_INVALID_NAME);
        return 0;
    }
    DWORD c = GetCurrentDirectoryW(MAX_PATH, cwd);
    if (c == 0 || c >= MAX_PATH)
        return 0;
    const WCHAR *rest = path;
    if (len >= 2 && path[1] == ':') { /* "C:\x" or "C:x" (relative on that drive: ours) */
        full[n++] = path[0] >= 'a' && path[0] <= 'z' ? path[0] - 32 : path[0];
        full[n++] = ':';
        rest = path + 2;
        if (*rest != '\\' && *rest != '/') {
            for (size_t i = 2; i < c; i++)
                full[n++] = cwd[i];
        }
    } else if (path[0] == '\\' || path[0] == '/') {
        full[n++] = cwd[0];
        full[n++] = ':';
    } else {
        for (size_t i = 0; i < c; i++)
            full[n++] = cwd[i];
    }
    /* Components, one at a time, onto full (which holds "X:" and maybe more). */
    while (*rest) {
        while (*rest == '\\' || *rest == '/')
            rest++;
        const WCHAR *end = rest;
        while (*end && *end != '\\' && *end != '/')
            end++;
        size_t clen = (size_t)(end - rest);
        if (clen == 1 && rest[0] == '.') {
            /* stays */
        } else if (clen == 2 && rest[0] == '.' && rest[1] == '.') {
            while (n > 2 && full[n - 1] != '\\')
                n--;
            if (n > 2)
                n--; /* the backslash; at the root ".." stays at the root */
        } else if (clen) {
            if (n + 1 + clen >= sizeof full / sizeof full[0]) {
                k32_set_error(ERROR_FILENAME_EXCED_RANGE);
                return 0;
            }
            if (full[n - 1] != '\\')
                full[n++] = '\\';
            memcpy(full + n, rest, clen * sizeof(WCHAR));
            n += clen;
        }
        rest = end;
        if (!*rest && (end > path && (end[-1] == '\\' || end[-1] == '/')) && full[n - 1] != '\\')
            full[n++] = '\\';
    }
    if (n == 2)
        full[n++] = '\\';
    full[n] = 0;
    if (n + 1 > size)
        return (DWORD)n + 1;
    memcpy(buf, full, (n + 1) * sizeof(WCHAR));
    if (file_part) {
        WCHAR *last = NULL;
        for (WCHAR *p = buf; *p; p++)
            if (*p == '\\')
                last = p;
        *file_part = last && last[1] ? last + 1 : NULL;
    }
    return (DWORD)n;
}

DWORD WINAPI GetFullPathNameA(LPCSTR path, DWORD size, LPSTR buf, LPSTR *file_part)
{
    WCHAR *w = path ? k32_to_wide(path) : NULL, full[MAX_PATH * 2];

    if (!w) {
        k32_set_error(ERROR_INVALID_NAME);
        return 0;
    }
    DWORD n = GetFullPathNameW(w, MAX_PATH * 2, full, NULL);
    k32_free(w);
    if (n == 0 || n >= MAX_PATH * 2)
        return 0;
    DWORD r = k32_copy_out_ansi(full, buf, size);
    if (r < size && file_part) {
        char *last = NULL;
        for (char *p = buf; *p; p++)
            if (*p == '\\')
                last = p;
        *file_part = last && last[1] ? last + 1 : NULL;
    }
    return r;
}

DWORD WINAPI GetTempPathW(DWORD size, LPWSTR buf)
{
    WCHAR dir[MAX_PATH];
    DWORD n = GetEnvironmentVariableW(L"TMP", dir, MAX_PATH);

    if (n == 0 || n >= MAX_PATH)
        n = GetEnvironmentVariableW(L"TEMP", dir, MAX_PATH);
    if (n == 0 || n >= MAX_PATH) {
        dir[0] = 'C';
        dir[1] = ':';
        dir[2] = 0;
        n = 2;
    }
    if (dir[n - 1] != '\\') {
        dir[n++] = '\\';
        dir[n] = 0;
    }
    if (n + 1 > size)
        return n + 1;
    memcpy(buf, dir, (n + 1) * sizeof(WCHAR));
    return n;
}

DWORD WINAPI GetTempPathA(DWORD size, LPSTR buf)
{
    WCHAR w[MAX_PATH + 2];
    DWORD n = GetTempPathW(MAX_PATH + 2, w);

    if (n == 0 || n > MAX_PATH)
        return 0;
    return k32_copy_out_ansi(w, buf, size);
}
