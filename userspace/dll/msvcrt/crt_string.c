/*
 * The string functions not shared with the kernel (kernel/lib/string.c provides the
 * mem* and basic str* routines to both), the wide-character ones, and strerror with
 * msvcrt's messages.
 */
#include "crt.h"

char *__cdecl strcpy(char *d, const char *s)
{
    return memcpy(d, s, strlen(s) + 1);
}

char *__cdecl strncpy(char *d, const char *s, size_t n)
{
    size_t i = 0;

    for (; i < n && s[i]; i++)
        d[i] = s[i];
    for (; i < n; i++)
        d[i] = 0;
    return d;
}

char *__cdecl strcat(char *d, const char *s)
{
    strcpy(d + strlen(d), s);
    return d;
}

char *__cdecl strncat(char *d, const char *s, size_t n)
{
    char *e = d + strlen(d);
    size_t i = 0;

    for (; i < n && s[i]; i++)
        e[i] = s[i];
    e[i] = 0;
    return d;
}

char *__cdecl strrchr(const char *s, int c)
{
    const char *last = NULL;

    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (!*s)
            return (char *)last;
    }
}

void *__cdecl memchr(const void *p, int c, size_t n)
{
    const unsigned char *s = p;

    for (size_t i = 0; i < n; i++)
        if (s[i] == (unsigned char)c)
            return (void *)(s + i);
    return NULL;
}

size_t __cdecl strspn(const char *s, const char *accept)
{
    size_t n = 0;

    while (s[n] && strchr(accept, s[n]))
        n++;
    return n;
}

size_t __cdecl strcspn(const char *s, const char *reject)
{
    size_t n = 0;

    while (s[n] && !strchr(reject, s[n]))
        n++;
    return n;
}

char *__cdecl strpbrk(const char *s, const char *accept)
{
    s += strcspn(s, accept);
    return *s ? (char *)s : NULL;
}

char *__cdecl strtok(char *s, const char *delim)
{
    char **next = crt_strtok_state();

    if (!s)
        s = *next;
    if (!s)
        return NULL;
    s += strspn(s, delim);
    if (!*s) {
        *next = NULL;
        return NULL;
    }
    char *end = s + strcspn(s, delim);
    if (*end)
        *end++ = 0;
    *next = end;
    return s;
}

char *__cdecl _strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);

    return d ? memcpy(d, s, n) : NULL;
}

char *__cdecl _strlwr(char *s)
{
    for (char *p = s; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return s;
}

char *__cdecl _strupr(char *s)
{
    for (char *p = s; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return s;
}

char *__cdecl _strrev(char *s)
{
    size_t n = strlen(s);

    for (size_t i = 0; i < n / 2; i++) {
        char t = s[i];
        s[i] = s[n - 1 - i];
        s[n - 1 - i] = t;
    }
    return s;
}

int __cdecl _memicmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (size_t i = 0; i < n; i++) {
        int c = tolower(x[i]) - tolower(y[i]);
        if (c)
            return c;
    }
    return 0;
}

int __cdecl strcoll(const char *a, const char *b)
{
    return strcmp(a, b);
}

size_t __cdecl strxfrm(char *d, const char *s, size_t n)
{
    size_t len = strlen(s);

    if (len < n)
        memcpy(d, s, len + 1);
    return len;
}

/* The "C" locale's collation (the only locale): code-unit order, as wcscmp. */
int __cdecl wcscoll(const wchar_t *a, const wchar_t *b)
{
    return wcscmp(a, b);
}

size_t __cdecl wcsxfrm(wchar_t *d, const wchar_t *s, size_t n)
{
    size_t len = wcslen(s);

    if (len < n)
        memcpy(d, s, (len + 1) * sizeof *s);
    return len;
}

/* msvcrt's messages, by errno value. */
static const char *const messages[] = {
    "No error", "Operation not permitted", "No such file or directory", "No such process",
    "Interrupted function call", "Input/output error", "No such device or address",
    "Arg list too long", "Exec format error", "Bad file descriptor", "No child processes",
    "Resource temporarily unavailable", "Not enough space", "Permission denied", "Bad address",
    "Unknown error", "Resource device", "File exists", "Improper link", "No such device",
    "Not a directory", "Is a directory", "Invalid argument", "Too many open files in system",
    "Too many open files", "Inappropriate I/O control operation", "Unknown error",
    "File too large", "No space left on device", "Invalid seek", "Read-only file system",
    "Too many links", "Broken pipe", "Domain error", "Result too large", "Unknown error",
    "Resource deadlock avoided", "Unknown error", "Filename too long", "No locks available",
    "Function not implemented", "Directory not empty", "Illegal byte sequence",
};

char *__cdecl strerror(int err)
{
    if (err >= 0 && (size_t)err < sizeof messages / sizeof messages[0])
        return (char *)messages[err];
    return (char *)"Unknown error";
}

/* ------------------------------------------------------------- wide ---- */

size_t __cdecl wcslen(const wchar_t *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t __cdecl wcsnlen(const wchar_t *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

wchar_t *__cdecl wcscpy(wchar_t *d, const wchar_t *s)
{
    return memcpy(d, s, (wcslen(s) + 1) * sizeof *s);
}

wchar_t *__cdecl wcsncpy(wchar_t *d, const wchar_t *s, size_t n)
{
    size_t i = 0;

    for (; i < n && s[i]; i++)
        d[i] = s[i];
    for (; i < n; i++)
        d[i] = 0;
    return d;
}

wchar_t *__cdecl wcscat(wchar_t *d, const wchar_t *s)
{
    wcscpy(d + wcslen(d), s);
    return d;
}

int __cdecl wcscmp(const wchar_t *a, const wchar_t *b)
{
    for (;; a++, b++)
        if (*a != *b || !*a)
            return *a < *b ? -1 : *a > *b;
}

int __cdecl wcsncmp(const wchar_t *a, const wchar_t *b, size_t n)
{
    for (; n; a++, b++, n--)
        if (*a != *b || !*a)
            return *a < *b ? -1 : *a > *b;
    return 0;
}

static wchar_t wfold(wchar_t c)
{
    return c >= L'A' && c <= L'Z' ? c + 32 : c;
}

int __cdecl _wcsicmp(const wchar_t *a, const wchar_t *b)
{
    for (;; a++, b++) {
        int c = wfold(*a) - wfold(*b);
        if (c || !*a)
            return c;
    }
}

int __cdecl _wcsnicmp(const wchar_t *a, const wchar_t *b, size_t n)
{
    for (; n; a++, b++, n--) {
        int c = wfold(*a) - wfold(*b);
        if (c || !*a)
            return c;
    }
    return 0;
}

wchar_t *__cdecl wcschr(const wchar_t *s, wchar_t c)
{
    for (;; s++) {
        if (*s == c)
            return (wchar_t *)s;
        if (!*s)
            return NULL;
    }
}

wchar_t *__cdecl wcsrchr(const wchar_t *s, wchar_t c)
{
    const wchar_t *last = NULL;

    for (;; s++) {
        if (*s == c)
            last = s;
        if (!*s)
            return (wchar_t *)last;
    }
}

wchar_t *__cdecl wcsstr(const wchar_t *h, const wchar_t *n)
{
    size_t len = wcslen(n);

    for (; *h; h++)
        if (wcsncmp(h, n, len) == 0)
            return (wchar_t *)h;
    return len == 0 ? (wchar_t *)h : NULL;
}

wchar_t *__cdecl _wcsdup(const wchar_t *s)
{
    size_t n = (wcslen(s) + 1) * sizeof *s;
    wchar_t *d = malloc(n);

    return d ? memcpy(d, s, n) : NULL;
}

size_t __cdecl wcsspn(const wchar_t *s, const wchar_t *accept)
{
    size_t n = 0;

    while (s[n] && wcschr(accept, s[n]))
        n++;
    return n;
}

size_t __cdecl wcscspn(const wchar_t *s, const wchar_t *reject)
{
    size_t n = 0;

    while (s[n] && !wcschr(reject, s[n]))
        n++;
    return n;
}

wchar_t *__cdecl wcspbrk(const wchar_t *s, const wchar_t *accept)
{
    s += wcscspn(s, accept);
    return *s ? (wchar_t *)s : NULL;
}

/* ------------------------------------------------------ multibyte ---- */

int __cdecl mblen(const char *s, size_t n)
{
    return !s ? 0 : (n == 0 ? -1 : (*s ? 1 : 0));
}

size_t __cdecl mbstowcs(wchar_t *d, const char *s, size_t n)
{
    size_t len = strlen(s);

    if (!d)
        return len;
    size_t i = 0;
    for (; i < n && i <= len; i++) {
        MultiByteToWideChar(CP_ACP, 0, s + i, 1, d + i, 1);
        if (!s[i])
            return i;
    }
    return i;
}

size_t __cdecl wcstombs(char *d, const wchar_t *s, size_t n)
{
    size_t len = wcslen(s);

    if (!d)
        return len;
    size_t i = 0;
    for (; i < n && i <= len; i++) {
        BOOL bad = FALSE;
        WideCharToMultiByte(CP_ACP, 0, s + i, 1, d + i, 1, NULL, &bad);
        if (bad) {
            errno = EILSEQ;
            return (size_t)-1;
        }
        if (!s[i])
            return i;
    }
    return i;
}

int __cdecl mbtowc(wchar_t *w, const char *s, size_t n)
{
    if (!s)
        return 0;
    if (n == 0)
        return -1;
    if (w)
        MultiByteToWideChar(CP_ACP, 0, s, 1, w, 1);
    return *s ? 1 : 0;
}

int __cdecl wctomb(char *s, wchar_t w)
{
    BOOL bad = FALSE;

    if (!s)
        return 0;
    WideCharToMultiByte(CP_ACP, 0, &w, 1, s, 1, NULL, &bad);
    if (bad) {
        errno = EILSEQ;
        return -1;
    }
    return 1;
}

size_t __cdecl mbrtowc(wchar_t *w, const char *s, size_t n, mbstate_t *st)
{
    (void)st;
    if (!s)
        return 0;
    if (n == 0)
        return (size_t)-2;
    wchar_t c;
    MultiByteToWideChar(CP_ACP, 0, s, 1, &c, 1);
    if (w)
        *w = c;
    return c ? 1 : 0;
}

size_t __cdecl wcrtomb(char *s, wchar_t w, mbstate_t *st)
{
    (void)st;
    if (!s)
        return 1;
    return (size_t)wctomb(s, w);
}

size_t __cdecl mbrlen(const char *s, size_t n, mbstate_t *st)
{
    return mbrtowc(NULL, s, n, st);
}

wint_t __cdecl btowc(int c)
{
    if (c == EOF)
        return WEOF;
    char b = (char)c;
    wchar_t w;
    MultiByteToWideChar(CP_ACP, 0, &b, 1, &w, 1);
    return w;
}

int __cdecl _stricmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int c = tolower((unsigned char)*a) - tolower((unsigned char)*b);
        if (c || !*a)
            return c;
    }
}

int __cdecl _strnicmp(const char *a, const char *b, size_t n)
{
    for (; n; a++, b++, n--) {
        int c = tolower((unsigned char)*a) - tolower((unsigned char)*b);
        if (c || !*a)
            return c;
    }
    return 0;
}
