/*
 * File status (_stat64, _wstat64, _fstat64), directory search (_findfirst64 and
 * _wfindfirst64 families), temporary
 * files (tmpfile, tmpnam), assertions, and the time-zone globals (_tzset): the parts of
 * msvcrt that sit on kernel32's file calls and need msvcrt's own structures.
 */
#include "crt.h"
#include <assert.h>
#include <time.h>

#define FILETIME_UNIX_EPOCH 116444736000000000ll

static __time64_t to_time(const FILETIME *ft)
{
    int64_t v = (int64_t)((uint64_t)ft->dwHighDateTime << 32 | ft->dwLowDateTime);
    return v <= FILETIME_UNIX_EPOCH ? 0 : (v - FILETIME_UNIX_EPOCH) / 10000000;
}

/* msvcrt's st_mode: type, read always, write unless read-only, execute for directories
 * and programs; the owner's bits copied to group and others. */
static unsigned short mode_of_ext(DWORD attrs, int program)
{
    unsigned short m;

    if (attrs & FILE_ATTRIBUTE_DIRECTORY) {
        m = _S_IFDIR | _S_IREAD | _S_IWRITE | _S_IEXEC;
    } else {
        m = _S_IFREG | _S_IREAD;
        if (!(attrs & FILE_ATTRIBUTE_READONLY))
            m |= _S_IWRITE;
        if (program)
            m |= _S_IEXEC;
    }
    return (unsigned short)(m | (m & 0700) >> 3 | (m & 0700) >> 6);
}

static unsigned short mode_of(DWORD attrs, const char *name)
{
    const char *dot = name ? strrchr(name, '.') : NULL;

    return mode_of_ext(attrs, dot && (_stricmp(dot, ".exe") == 0 || _stricmp(dot, ".com") == 0 ||
                                      _stricmp(dot, ".bat") == 0 || _stricmp(dot, ".cmd") == 0));
}

static unsigned short mode_of_w(DWORD attrs, const wchar_t *name)
{
    const wchar_t *dot = name ? wcsrchr(name, L'.') : NULL;

    return mode_of_ext(attrs, dot && (_wcsicmp(dot, L".exe") == 0 || _wcsicmp(dot, L".com") == 0 ||
                                      _wcsicmp(dot, L".bat") == 0 || _wcsicmp(dot, L".cmd") == 0));
}

/* _stat64 (path is char) or _wstat64 (wide: path is wchar_t). */
static int stat_path(const void *path, int wide, struct _stat64 *st)
{
    WIN32_FILE_ATTRIBUTE_DATA d;

    if (!path || !st) {
        errno = EINVAL;
        return -1;
    }
    if (!(wide ? GetFileAttributesExW(path, GetFileExInfoStandard, &d)
               : GetFileAttributesExA(path, GetFileExInfoStandard, &d))) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    memset(st, 0, sizeof *st);
    st->st_mode = wide ? mode_of_w(d.dwFileAttributes, path) : mode_of(d.dwFileAttributes, path);
    st->st_nlink = 1;
    st->st_dev = st->st_rdev = 2; /* drive C: */
    st->st_size = (__int64)((uint64_t)d.nFileSizeHigh << 32 | d.nFileSizeLow);
    st->st_atime = to_time(&d.ftLastAccessTime);
    st->st_mtime = to_time(&d.ftLastWriteTime);
    st->st_ctime = to_time(&d.ftCreationTime);
    return 0;
}

int __cdecl _stat64(const char *path, struct _stat64 *st)
{
    return stat_path(path, 0, st);
}

int __cdecl _wstat64(const wchar_t *path, struct _stat64 *st)
{
    return stat_path(path, 1, st);
}

int __cdecl _fstat64(int fd, struct _stat64 *st)
{
    HANDLE h = crt_fd_handle(fd);
    BY_HANDLE_FILE_INFORMATION info;

    if (h == INVALID_HANDLE_VALUE)
        return -1;
    if (!st) {
        errno = EINVAL;
        return -1;
    }
    memset(st, 0, sizeof *st);
    DWORD type = GetFileType(h);
    if (type == FILE_TYPE_CHAR || type == FILE_TYPE_PIPE) {
        st->st_mode = type == FILE_TYPE_CHAR ? _S_IFCHR : _S_IFIFO;
        st->st_mode |= _S_IREAD | _S_IWRITE;
        st->st_nlink = 1;
        st->st_dev = st->st_rdev = (unsigned)fd;
        return 0;
    }
    if (!GetFileInformationByHandle(h, &info)) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    st->st_mode = mode_of(info.dwFileAttributes, NULL);
    st->st_nlink = (short)info.nNumberOfLinks;
    st->st_dev = st->st_rdev = 2;
    st->st_size = (__int64)((uint64_t)info.nFileSizeHigh << 32 | info.nFileSizeLow);
    st->st_atime = to_time(&info.ftLastAccessTime);
    st->st_mtime = to_time(&info.ftLastWriteTime);
    st->st_ctime = to_time(&info.ftCreationTime);
    return 0;
}

/* ---------------------------------------------------------------- _find ---- */

/* The fields shared by __finddata64_t and _wfinddata64_t (all but the name). */
#define FILL_FIND(w, out)                                                                  \
    do {                                                                                   \
        (out)->attrib = (w)->dwFileAttributes == FILE_ATTRIBUTE_NORMAL ? 0                 \
                                                                       : (w)->dwFileAttributes; \
        (out)->time_create = to_time(&(w)->ftCreationTime);                                \
        (out)->time_access = to_time(&(w)->ftLastAccessTime);                              \
        (out)->time_write = to_time(&(w)->ftLastWriteTime);                                \
        (out)->size = (__int64)((uint64_t)(w)->nFileSizeHigh << 32 | (w)->nFileSizeLow);   \
    } while (0)

static void fill_find(const WIN32_FIND_DATAA *w, struct __finddata64_t *out)
{
    FILL_FIND(w, out);
    strcpy(out->name, w->cFileName);
}

static void fill_wfind(const WIN32_FIND_DATAW *w, struct _wfinddata64_t *out)
{
    FILL_FIND(w, out);
    wcscpy(out->name, w->cFileName);
}

/* -1 with errno as _findfirst64 sets it when FindFirstFile failed. */
static intptr_t find_failed(void)
{
    DWORD err = GetLastError();

    crt_set_errno_from_win32(err);
    if (err == ERROR_NO_MORE_FILES || err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND)
        errno = ENOENT;
    return -1;
}

/* _findfirst64 (spec is char, wide 0) or _wfindfirst64 (wide 1). */
static intptr_t find_first(const void *spec, void *out, int wide)
{
    union {
        WIN32_FIND_DATAA a;
        WIN32_FIND_DATAW w;
    } d;
    HANDLE h = wide ? FindFirstFileW(spec, &d.w) : FindFirstFileA(spec, &d.a);

    if (h == INVALID_HANDLE_VALUE)
        return find_failed();
    if (wide)
        fill_wfind(&d.w, out);
    else
        fill_find(&d.a, out);
    return (intptr_t)h;
}

intptr_t __cdecl _findfirst64(const char *spec, struct __finddata64_t *out)
{
    return find_first(spec, out, 0);
}

intptr_t __cdecl _wfindfirst64(const wchar_t *spec, struct _wfinddata64_t *out)
{
    return find_first(spec, out, 1);
}

/* _findnext64 (wide 0) or _wfindnext64 (wide 1). */
static int find_next(intptr_t h, void *out, int wide)
{
    union {
        WIN32_FIND_DATAA a;
        WIN32_FIND_DATAW w;
    } d;

    if (!(wide ? FindNextFileW((HANDLE)h, &d.w) : FindNextFileA((HANDLE)h, &d.a))) {
        errno = ENOENT;
        return -1;
    }
    if (wide)
        fill_wfind(&d.w, out);
    else
        fill_find(&d.a, out);
    return 0;
}

int __cdecl _findnext64(intptr_t h, struct __finddata64_t *out)
{
    return find_next(h, out, 0);
}

int __cdecl _wfindnext64(intptr_t h, struct _wfinddata64_t *out)
{
    return find_next(h, out, 1);
}

int __cdecl _findclose(intptr_t h)
{
    if (!FindClose((HANDLE)h)) {
        errno = ENOENT;
        return -1;
    }
    return 0;
}

/* -------------------------------------------------------- temporary files ---- */

/* msvcrt's names: "\s" then letters from the process id, a dot, a counter, in the
 * root of the current drive. */
static char *next_temp_name(char *buf)
{
    static LONG counter;
    unsigned pid = (unsigned)GetCurrentProcessId();
    char letters[8];
    int n = 0;

    do {
        letters[n++] = (char)('a' + pid % 26);
        pid /= 26;
    } while (pid && n < 7);
    letters[n] = 0;
    snprintf(buf, L_tmpnam, "\\s%s.%ld", letters, InterlockedIncrement(&counter));
    return buf;
}

char *__cdecl tmpnam(char *buf)
{
    static char own[L_tmpnam];

    if (!buf)
        buf = own;
    for (int tries = 0; tries < 1000; tries++) {
        next_temp_name(buf);
        if (GetFileAttributesA(buf) == INVALID_FILE_ATTRIBUTES)
            return buf;
    }
    return NULL;
}

FILE *__cdecl tmpfile(void)
{
    char name[L_tmpnam];

    for (int tries = 0; tries < 1000; tries++) {
        int fd = _open(next_temp_name(name),
                       _O_CREAT | _O_EXCL | _O_RDWR | _O_BINARY | _O_TEMPORARY,
                       _S_IREAD | _S_IWRITE);
        if (fd >= 0) {
            FILE *f = _fdopen(fd, "w+b");
            if (!f)
                _close(fd);
            return f;
        }
        if (errno != EEXIST)
            return NULL;
    }
    return NULL;
}

/* --------------------------------------------------------------- assert ---- */

void __cdecl _assert(const char *message, const char *file, unsigned line)
{
    fflush(stdout);
    fprintf(stderr, "Assertion failed: %s, file %s, line %u\n", message, file, line);
    abort();
}

void __cdecl _wassert(const wchar_t *message, const wchar_t *file, unsigned line)
{
    fflush(stdout);
    fprintf(stderr, "Assertion failed: %ls, file %ls, line %u\n", message, file, line);
    abort();
}

/* ---------------------------------------------------------- time zones ---- */
/* Dormer keeps UTC: no offset, no daylight saving. */

static long tz_offset;
static int tz_daylight;
static long tz_dstbias;
static char tz_std[] = "UTC", tz_dst[] = "UTC";
static char *tz_names[2] = {tz_std, tz_dst};

long *__cdecl __timezone(void);
int *__cdecl __daylight(void);
long *__cdecl __dstbias(void);
char **__cdecl __tzname(void);

void __cdecl _tzset(void)
{
    tz_offset = 0;
    tz_daylight = 0;
}

long *__cdecl __timezone(void)
{
    return &tz_offset;
}

int *__cdecl __daylight(void)
{
    return &tz_daylight;
}

long *__cdecl __dstbias(void)
{
    return &tz_dstbias;
}

char **__cdecl __tzname(void)
{
    return tz_names;
}

/* ------------------------------------------------------------- file times ---- */

#include <sys/utime.h>

/* _futime64: the access and modification times of an open file (NULL: now), as msvcrt
 * sets them through SetFileTime; times before 1970 are EINVAL. */
int __cdecl _futime64(int fd, struct __utimbuf64 *t)
{
    HANDLE h = crt_fd_handle(fd);
    FILETIME at, wt;
    __time64_t a, m;

    if (h == INVALID_HANDLE_VALUE)
        return -1;
    if (t) {
        a = t->actime;
        m = t->modtime;
    } else {
        a = m = _time64(NULL);
    }
    if (a < 0 || m < 0) {
        errno = EINVAL;
        return -1;
    }
    uint64_t av = (uint64_t)a * 10000000u + FILETIME_UNIX_EPOCH;
    uint64_t mv = (uint64_t)m * 10000000u + FILETIME_UNIX_EPOCH;
    at.dwLowDateTime = (DWORD)av;
    at.dwHighDateTime = (DWORD)(av >> 32);
    wt.dwLowDateTime = (DWORD)mv;
    wt.dwHighDateTime = (DWORD)(mv >> 32);
    if (!SetFileTime(h, NULL, &at, &wt)) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    return 0;
}

/* _futime64 on fd (from _open or _wopen, -1 with errno set when it failed), then closed. */
static int utime_and_close(int fd, struct __utimbuf64 *t)
{
    if (fd < 0)
        return -1;
    int r = _futime64(fd, t);
    int err = errno;
    _close(fd);
    errno = err;
    return r;
}

/* _wutime64 and _utime64 open the file for writing, as msvcrt does: a read-only file or a
 * directory is EACCES, a missing one ENOENT. */
int __cdecl _wutime64(const wchar_t *path, struct __utimbuf64 *t)
{
    return utime_and_close(_wopen(path, _O_WRONLY | _O_BINARY), t);
}

int __cdecl _utime64(const char *path, struct __utimbuf64 *t)
{
    return utime_and_close(_open(path, _O_WRONLY | _O_BINARY), t);
}
