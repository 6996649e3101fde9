/*
 * Low-level I/O: file descriptors over Windows handles (_open, _read, _write, ...), with
 * msvcrt's text mode: "\n" is written as "\r\n", and "\r\n" reads as "\n" (Ctrl+Z ends a
 * text file). Descriptors 0-2 are the standard handles.
 */
#include "crt.h"

#define FD_MAX 512

#define FD_OPEN   0x01
#define FD_TEXT   0x02
#define FD_APPEND 0x04
#define FD_DEVICE 0x08
#define FD_EOF    0x10
#define FD_CR     0x20 /* a '\r' read at the end of the last buffer is held back */

struct fd_entry {
    HANDLE h;
    unsigned flags;
};

static struct fd_entry fds[FD_MAX];

static void fd_std_init(int fd, DWORD which)
{
    HANDLE h = GetStdHandle(which);

    if (h == INVALID_HANDLE_VALUE || !h)
        return;
    fds[fd].h = h;
    fds[fd].flags = FD_OPEN | FD_TEXT | (GetFileType(h) == FILE_TYPE_CHAR ? FD_DEVICE : 0);
}

void crt_lowio_init(void)
{
    fd_std_init(0, STD_INPUT_HANDLE);
    fd_std_init(1, STD_OUTPUT_HANDLE);
    fd_std_init(2, STD_ERROR_HANDLE);
}

static struct fd_entry *fd_get(int fd)
{
    if (fd < 0 || fd >= FD_MAX || !(fds[fd].flags & FD_OPEN)) {
        errno = EBADF;
        *__doserrno() = 0;
        return NULL;
    }
    return &fds[fd];
}

HANDLE crt_fd_handle(int fd)
{
    struct fd_entry *e = fd_get(fd);
    return e ? e->h : INVALID_HANDLE_VALUE;
}

int crt_fd_alloc(HANDLE h, int oflags)
{
    int fd = -1;

    _lock(CRT_LOCK_FDS);
    for (int i = 3; i < FD_MAX; i++) {
        if (!(fds[i].flags & FD_OPEN)) {
            fds[i].h = h;
            fds[i].flags = FD_OPEN;
            if (!(oflags & _O_BINARY) && ((oflags & _O_TEXT) || !(_fmode & _O_BINARY)))
                fds[i].flags |= FD_TEXT;
            if (oflags & _O_APPEND)
                fds[i].flags |= FD_APPEND;
            if (GetFileType(h) == FILE_TYPE_CHAR)
                fds[i].flags |= FD_DEVICE;
            fd = i;
            break;
        }
    }
    _unlock(CRT_LOCK_FDS);
    if (fd < 0)
        errno = EMFILE;
    return fd;
}

intptr_t __cdecl _get_osfhandle(int fd)
{
    return (intptr_t)crt_fd_handle(fd);
}

int __cdecl _open_osfhandle(intptr_t h, int flags)
{
    return crt_fd_alloc((HANDLE)h, flags);
}

int __cdecl _wopen(const wchar_t *path, int oflag, ...)
{
    DWORD access, disp, attrs = FILE_ATTRIBUTE_NORMAL;
    int pmode = _S_IREAD | _S_IWRITE;

    if (oflag & _O_CREAT) {
        va_list ap;
        va_start(ap, oflag);
        pmode = va_arg(ap, int);
        va_end(ap);
        if (!(pmode & _S_IWRITE))
            attrs = FILE_ATTRIBUTE_READONLY;
    }
    switch (oflag & (_O_RDONLY | _O_WRONLY | _O_RDWR)) {
    case _O_RDONLY:
        access = GENERIC_READ;
        break;
    case _O_WRONLY:
        access = GENERIC_WRITE;
        break;
    case _O_RDWR:
        access = GENERIC_READ | GENERIC_WRITE;
        break;
    default:
        errno = EINVAL;
        return -1;
    }
    switch (oflag & (_O_CREAT | _O_EXCL | _O_TRUNC)) {
    case 0:
    case _O_EXCL:
        disp = OPEN_EXISTING;
        break;
    case _O_CREAT:
        disp = OPEN_ALWAYS;
        break;
    case _O_CREAT | _O_EXCL:
    case _O_CREAT | _O_TRUNC | _O_EXCL:
        disp = CREATE_NEW;
        break;
    case _O_TRUNC:
    case _O_TRUNC | _O_EXCL:
        disp = TRUNCATE_EXISTING;
        break;
    default:
        disp = CREATE_ALWAYS;
        break;
    }
    HANDLE h = CreateFileW(path, access, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, disp,
                           attrs | ((oflag & _O_TEMPORARY) ? FILE_FLAG_DELETE_ON_CLOSE : 0),
                           NULL);
    if (h == INVALID_HANDLE_VALUE) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    int fd = crt_fd_alloc(h, oflag);
    if (fd < 0)
        CloseHandle(h);
    return fd;
}

int __cdecl _open(const char *path, int oflag, ...)
{
    int pmode = 0;
    wchar_t wide[MAX_PATH];

    if (oflag & _O_CREAT) {
        va_list ap;
        va_start(ap, oflag);
        pmode = va_arg(ap, int);
        va_end(ap);
    }
    if (!MultiByteToWideChar(CP_ACP, 0, path, -1, wide, MAX_PATH)) {
        errno = ENOENT;
        return -1;
    }
    return _wopen(wide, oflag, pmode);
}

int __cdecl _close(int fd)
{
    struct fd_entry *e;

    if (fd <= 2 && fd >= 0 && (fds[fd].flags & FD_OPEN)) {
        fds[fd].flags = 0; /* the standard handles stay open for the process */
        return 0;
    }
    _lock(CRT_LOCK_FDS);
    e = fd_get(fd);
    HANDLE h = e ? e->h : NULL;
    if (e)
        e->flags = 0;
    _unlock(CRT_LOCK_FDS);
    if (!e)
        return -1;
    if (!CloseHandle(h)) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    return 0;
}

static int write_raw(struct fd_entry *e, const char *buf, DWORD len)
{
    DWORD done = 0;

    if (e->flags & FD_APPEND)
        SetFilePointer(e->h, 0, NULL, FILE_END);
    if (!WriteFile(e->h, buf, len, &done, NULL)) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    if (done < len) {
        errno = ENOSPC;
        *__doserrno() = 0;
        return -1;
    }
    return (int)done;
}

int __cdecl _write(int fd, const void *buf, unsigned int count)
{
    struct fd_entry *e = fd_get(fd);
    const char *s = buf;
    char out[1024];
    size_t n = 0;

    if (!e)
        return -1;
    if (!(e->flags & FD_TEXT))
        return write_raw(e, s, count);
    /* Text mode: the count returned is of the caller's bytes, not of the bytes written. */
    for (unsigned int i = 0; i < count; i++) {
        if (s[i] == '\n')
            out[n++] = '\r';
        out[n++] = s[i];
        if (n >= sizeof out - 1) {
            if (write_raw(e, out, (DWORD)n) < 0)
                return -1;
            n = 0;
        }
    }
    if (n && write_raw(e, out, (DWORD)n) < 0)
        return -1;
    return (int)count;
}

int __cdecl _read(int fd, void *buf, unsigned int count)
{
    struct fd_entry *e = fd_get(fd);
    char *d = buf;
    DWORD got = 0;

    if (!e)
        return -1;
    if (count == 0 || (e->flags & FD_EOF))
        return 0;
    /* Text mode keeps one byte free for a '\r' held back from the last read. */
    unsigned held = (e->flags & FD_TEXT) && (e->flags & FD_CR) ? 1 : 0;
    if (held && count == 1) {
        e->flags &= ~FD_CR;
        d[0] = '\r'; /* no room to look further: give it as it is */
        return 1;
    }
    if (!ReadFile(e->h, d + held, count - held, &got, NULL)) {
        DWORD err = GetLastError();
        if (err != ERROR_BROKEN_PIPE && err != ERROR_HANDLE_EOF) {
            crt_set_errno_from_win32(err);
            return -1;
        }
        got = 0;
    }
    if (!(e->flags & FD_TEXT))
        return (int)got;
    if (held) {
        e->flags &= ~FD_CR;
        d[0] = '\r';
        got++;
    }
    /* A '\r' that ends this read may start a "\r\n" the next one finishes. */
    if (got > 1 && d[got - 1] == '\r' && !(e->flags & FD_DEVICE)) {
        e->flags |= FD_CR;
        got--;
    }
    /* Text mode: drop the '\r' of each "\r\n"; Ctrl+Z ends the file. */
    size_t out = 0;
    for (DWORD i = 0; i < got; i++) {
        char c = d[i];
        if (c == 0x1a && !(e->flags & FD_DEVICE)) {
            e->flags |= FD_EOF;
            break;
        }
        if (c == '\r' && i + 1 < got && d[i + 1] == '\n')
            continue;
        d[out++] = c;
    }
    return (int)out;
}

__int64 __cdecl _lseeki64(int fd, __int64 offset, int origin)
{
    struct fd_entry *e = fd_get(fd);
    LARGE_INTEGER to, at;

    if (!e)
        return -1;
    if (origin != SEEK_SET && origin != SEEK_CUR && origin != SEEK_END) {
        errno = EINVAL;
        return -1;
    }
    /* A '\r' held back by _read was read from the file but not given out yet. */
    if ((e->flags & FD_CR) && origin == SEEK_CUR)
        offset -= 1;
    e->flags &= ~FD_CR;
    to.QuadPart = offset;
    if (!SetFilePointerEx(e->h, to, &at, (DWORD)origin)) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    e->flags &= ~FD_EOF;
    return at.QuadPart;
}

__int64 __cdecl _telli64(int fd)
{
    return _lseeki64(fd, 0, SEEK_CUR);
}

/* As msvcrt does it: the end's offset found by seeking there, the position put back. */
__int64 __cdecl _filelengthi64(int fd)
{
    __int64 here = _lseeki64(fd, 0, SEEK_CUR);

    if (here < 0)
        return -1;
    __int64 end = _lseeki64(fd, 0, SEEK_END);
    _lseeki64(fd, here, SEEK_SET);
    return end;
}

long __cdecl _lseek(int fd, long offset, int origin)
{
    __int64 r = _lseeki64(fd, offset, origin);

    if (r > 0x7fffffff) {
        errno = EINVAL;
        return -1;
    }
    return (long)r;
}

int __cdecl _isatty(int fd)
{
    struct fd_entry *e = fd_get(fd);
    return e && (e->flags & FD_DEVICE) ? 1 : 0;
}

int __cdecl _setmode(int fd, int mode)
{
    struct fd_entry *e = fd_get(fd);

    if (!e)
        return -1;
    if (mode != _O_TEXT && mode != _O_BINARY && mode != _O_WTEXT && mode != _O_U8TEXT &&
        mode != _O_U16TEXT) {
        errno = EINVAL;
        return -1;
    }
    int old = (e->flags & FD_TEXT) ? _O_TEXT : _O_BINARY;
    if (mode == _O_BINARY)
        e->flags &= ~FD_TEXT;
    else
        e->flags |= FD_TEXT;
    return old;
}

int __cdecl _commit(int fd)
{
    struct fd_entry *e = fd_get(fd);

    if (!e)
        return -1;
    if (!(e->flags & FD_DEVICE) && !FlushFileBuffers(e->h)) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    return 0;
}

int __cdecl _eof(int fd)
{
    struct fd_entry *e = fd_get(fd);
    LARGE_INTEGER zero = {0}, here, size;

    if (!e)
        return -1;
    if (!SetFilePointerEx(e->h, zero, &here, FILE_CURRENT) || !GetFileSizeEx(e->h, &size))
        return -1;
    return here.QuadPart >= size.QuadPart;
}

int __cdecl _dup(int fd)
{
    struct fd_entry *e = fd_get(fd);
    HANDLE h;

    if (!e)
        return -1;
    if (!DuplicateHandle(GetCurrentProcess(), e->h, GetCurrentProcess(), &h, 0, FALSE,
                         DUPLICATE_SAME_ACCESS)) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    int nfd = crt_fd_alloc(h, (e->flags & FD_TEXT) ? _O_TEXT : _O_BINARY);
    if (nfd < 0)
        CloseHandle(h);
    return nfd;
}

int __cdecl _dup2(int fd, int to)
{
    struct fd_entry *e = fd_get(fd);
    HANDLE h;

    if (!e || to < 0 || to >= FD_MAX) {
        errno = EBADF;
        return -1;
    }
    if (fd == to)
        return 0;
    if (!DuplicateHandle(GetCurrentProcess(), e->h, GetCurrentProcess(), &h, 0, FALSE,
                         DUPLICATE_SAME_ACCESS)) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    if (fds[to].flags & FD_OPEN)
        _close(to);
    fds[to].h = h;
    fds[to].flags = e->flags & ~FD_EOF;
    return 0;
}
