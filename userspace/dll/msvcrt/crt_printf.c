/*
 * The printf and scanf families. Conversions are mingw-w64's (libmingwex), a well-tested
 * implementation of every one of them, floating point included, given msvcrt's output
 * conventions by crt_format.c; scanning is libmingwex's as it is.
 */
#include "crt.h"

int __cdecl vfprintf(FILE *f, const char *fmt, va_list ap)
{
    return crt_vfprintf(f, fmt, ap);
}

int __cdecl fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}

int __cdecl vprintf(const char *fmt, va_list ap)
{
    return vfprintf(stdout, fmt, ap);
}

int __cdecl printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(stdout, fmt, ap);
    va_end(ap);
    return n;
}

int __cdecl vsprintf(char *buf, const char *fmt, va_list ap)
{
    return crt_vsnprintf(buf, (size_t)INT_MAX, fmt, ap);
}

int __cdecl sprintf(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsprintf(buf, fmt, ap);
    va_end(ap);
    return n;
}

/* msvcrt's _vsnprintf: -1 when the output does not fit (and then no NUL); exactly n
 * bytes fit without one. */
int __cdecl _vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int need = crt_vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (need < 0)
        return -1;
    if ((size_t)need < n)
        return crt_vsnprintf(buf, n, fmt, ap);
    if (n) {
        char *tmp = HeapAlloc(GetProcessHeap(), 0, (size_t)need + 1);
        if (!tmp)
            return -1;
        crt_vsnprintf(tmp, (size_t)need + 1, fmt, ap);
        memcpy(buf, tmp, n);
        HeapFree(GetProcessHeap(), 0, tmp);
    }
    return (size_t)need == n ? need : -1;
}

int __cdecl _snprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = _vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

int __cdecl _vscprintf(const char *fmt, va_list ap)
{
    return crt_vsnprintf(NULL, 0, fmt, ap);
}

int __cdecl _scprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = _vscprintf(fmt, ap);
    va_end(ap);
    return r;
}

int __cdecl sscanf(const char *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = __mingw_vsscanf(s, fmt, ap);
    va_end(ap);
    return r;
}

int __cdecl fscanf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = __mingw_vfscanf(f, fmt, ap);
    va_end(ap);
    return r;
}

int __cdecl scanf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = __mingw_vfscanf(stdin, fmt, ap);
    va_end(ap);
    return r;
}

int __cdecl vfwprintf(FILE *f, const wchar_t *fmt, va_list ap)
{
    return __mingw_vfwprintf(f, fmt, ap);
}

int __cdecl fwprintf(FILE *f, const wchar_t *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfwprintf(f, fmt, ap);
    va_end(ap);
    return n;
}

int __cdecl wprintf(const wchar_t *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfwprintf(stdout, fmt, ap);
    va_end(ap);
    return n;
}

int __cdecl vwprintf(const wchar_t *fmt, va_list ap)
{
    return vfwprintf(stdout, fmt, ap);
}

int __cdecl _vsnwprintf(wchar_t *buf, size_t n, const wchar_t *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int need = __mingw_vsnwprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (need < 0)
        return -1;
    if ((size_t)need < n)
        return __mingw_vsnwprintf(buf, n, fmt, ap);
    return -1;
}

int __cdecl _snwprintf(wchar_t *buf, size_t n, const wchar_t *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = _vsnwprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

/* What libmingwex's wide formatter calls to put text on a stream. */
int __cdecl __ms_fwprintf(FILE *f, const wchar_t *fmt, ...);
int __cdecl __ms_fwprintf(FILE *f, const wchar_t *fmt, ...)
{
    wchar_t buf[512];
    va_list ap;

    va_start(ap, fmt);
    int n = __mingw_vsnwprintf(buf, sizeof buf / sizeof buf[0], fmt, ap);
    va_end(ap);
    if (n < 0)
        return n;
    buf[sizeof buf / sizeof buf[0] - 1] = 0;
    return fputws(buf, f) == EOF ? -1 : n;
}
