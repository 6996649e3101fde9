/*
 * Files and directories by name (remove, rename, _mkdir, _getcwd, _access, ...), on
 * kernel32's calls, with errno set from the Windows error as msvcrt does.
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

char *__cdecl _getcwd(char *buf, int size)
{
    char here[MAX_PATH];
    DWORD n = GetCurrentDirectoryA(MAX_PATH, here);

    if (n == 0 || n >= MAX_PATH) {
        crt_set_errno_from_win32(GetLastError());
        return NULL;
    }
    if (!buf) {
        size_t want = size > (int)n ? (size_t)size : n + 1;
        buf = malloc(want);
        if (!buf)
            return NULL;
    } else if ((DWORD)size <= n) {
        errno = ERANGE;
        return NULL;
    }
    memcpy(buf, here, n + 1);
    return buf;
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

int __cdecl _chmod(const char *path, int mode)
{
    DWORD attr = GetFileAttributesA(path);

    if (attr == INVALID_FILE_ATTRIBUTES)
        return result(FALSE);
    attr = (mode & _S_IWRITE) ? attr & ~FILE_ATTRIBUTE_READONLY : attr | FILE_ATTRIBUTE_READONLY;
    return result(SetFileAttributesA(path, attr));
}
