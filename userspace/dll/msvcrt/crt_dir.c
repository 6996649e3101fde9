/*
 * Files and directories by name (remove, rename, _mkdir, _getcwd, _access, ...), and
 * their wide forms (_wmkdir, _wgetcwd, ...), on kernel32's calls, with errno set from
 * the Windows error as msvcrt does.
 */
#include "crt.h"
#include <direct.h>

static int result(BOOL ok)
{
    if (ok)
        return 0;
    crt_set_errno_from_win32(GetLastError());
    return -1;
}

int __cdecl remove(const char *path)
{
    return result(DeleteFileA(path));
}

int __cdecl _unlink(const char *path)
{
    return result(DeleteFileA(path));
}

int __cdecl rename(const char *from, const char *to)
{
    return result(MoveFileExA(from, to, MOVEFILE_COPY_ALLOWED));
}

int __cdecl _mkdir(const char *path)
{
    return result(CreateDirectoryA(path, NULL));
}

int __cdecl _rmdir(const char *path)
{
    return result(RemoveDirectoryA(path));
}

int __cdecl _chdir(const char *path)
{
    return result(SetCurrentDirectoryA(path));
}

/* A path (n units, its terminator at here[n]) into buf of size units,
 * or a malloc'd buffer of max(size, n + 1) units when buf is NULL. unit: 1 or 2. */
static void *give_cwd(const void *here, DWORD n, void *buf, int size, size_t unit)
{
    if (!buf) {
        size_t want = size > (int)n ? (size_t)size : n + 1;
        buf = malloc(want * unit);
        if (!buf)
            return NULL;
    } else if ((DWORD)size <= n) {
        errno = ERANGE;
        return NULL;
    }
    memcpy(buf, here, (n + 1) * unit);
    return buf;
}

char *__cdecl _getcwd(char *buf, int size)
{
    char here[MAX_PATH];
    DWORD n = GetCurrentDirectoryA(MAX_PATH, here);

    if (n == 0 || n >= MAX_PATH) {
        crt_set_errno_from_win32(GetLastError());
        return NULL;
    }
    return give_cwd(here, n, buf, size, 1);
}

wchar_t *__cdecl _wgetcwd(wchar_t *buf, int size)
{
    wchar_t here[MAX_PATH];
    DWORD n = GetCurrentDirectoryW(MAX_PATH, here);

    if (n == 0 || n >= MAX_PATH) {
        crt_set_errno_from_win32(GetLastError());
        return NULL;
    }
    return give_cwd(here, n, buf, size, 2);
}

/* The full path of rel (NULL or empty: the current directory) into abs of max units,
 * or a malloc'd buffer when abs is NULL (max is then ignored, as msvcrt does). */
wchar_t *__cdecl _wfullpath(wchar_t *abs, const wchar_t *rel, size_t max)
{
    wchar_t full[MAX_PATH];

    if (!rel || !*rel)
        return _wgetcwd(abs, (int)max);
    DWORD n = GetFullPathNameW(rel, MAX_PATH, full, NULL);
    if (n == 0 || n >= MAX_PATH) {
        crt_set_errno_from_win32(n ? ERROR_FILENAME_EXCED_RANGE : GetLastError());
        return NULL;
    }
    return give_cwd(full, n, abs, abs ? (int)max : 0, 2);
}

int __cdecl _wunlink(const wchar_t *path)
{
    return result(DeleteFileW(path));
}

int __cdecl _wrmdir(const wchar_t *path)
{
    return result(RemoveDirectoryW(path));
}

int __cdecl _wmkdir(const wchar_t *path)
{
    return result(CreateDirectoryW(path, NULL));
}

int __cdecl _wchdir(const wchar_t *path)
{
    return result(SetCurrentDirectoryW(path));
}

int __cdecl _access(const char *path, int mode)
{
    DWORD attr = GetFileAttributesA(path);

    if (attr == INVALID_FILE_ATTRIBUTES) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    if ((mode & 2) && (attr & FILE_ATTRIBUTE_READONLY) && !(attr & FILE_ATTRIBUTE_DIRECTORY)) {
        errno = EACCES;
        return -1;
    }
    return 0;
}

/* _S_IWRITE in mode clears the read-only attribute, its absence sets it. */
static DWORD chmod_attributes(DWORD attr, int mode)
{
    return (mode & _S_IWRITE) ? attr & ~FILE_ATTRIBUTE_READONLY : attr | FILE_ATTRIBUTE_READONLY;
}

int __cdecl _chmod(const char *path, int mode)
{
    DWORD attr = GetFileAttributesA(path);

    if (attr == INVALID_FILE_ATTRIBUTES)
        return result(FALSE);
    return result(SetFileAttributesA(path, chmod_attributes(attr, mode)));
}

int __cdecl _wchmod(const wchar_t *path, int mode)
{
    DWORD attr = GetFileAttributesW(path);

    if (attr == INVALID_FILE_ATTRIBUTES)
        return result(FALSE);
    return result(SetFileAttributesW(path, chmod_attributes(attr, mode)));
}
