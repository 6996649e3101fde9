/*
 * stdlib: memory on the process heap (as msvcrt does), number conversions, sorting
 * and searching, msvcrt's rand (the same sequence Windows gives), the environment,
 * and threads started through the runtime.
 */
#include "crt.h"
#include <process.h>

/* ---------------------------------------------------------------- memory ---- */

void *__cdecl malloc(size_t n)
{
    void *p = HeapAlloc(GetProcessHeap(), 0, n);
    if (!p)
        errno = ENOMEM;
    return p;
}

void *__cdecl calloc(size_t count, size_t size)
{
    if (size && count > (size_t)-1 / size) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, count * size);
    if (!p)
        errno = ENOMEM;
    return p;
}

void __cdecl free(void *p)
{
    if (p)
        HeapFree(GetProcessHeap(), 0, p);
}

void *__cdecl realloc(void *p, size_t n)
{
    if (!p)
        return malloc(n);
    if (n == 0) {
        free(p);
        return NULL;
    }
    void *q = HeapReAlloc(GetProcessHeap(), 0, p, n);
    if (!q)
        errno = ENOMEM;
    return q;
}

size_t __cdecl _msize(void *p)
{
    return HeapSize(GetProcessHeap(), 0, p);
}

void *__cdecl _expand(void *p, size_t n)
{
    return HeapReAlloc(GetProcessHeap(), HEAP_REALLOC_IN_PLACE_ONLY, p, n);
}

void *__cdecl _recalloc(void *p, size_t count, size_t size)
{
    size_t old = p ? _msize(p) : 0, n = count * size;

    if (size && count > (size_t)-1 / size)
        return NULL;
    char *q = realloc(p, n);
    if (q && n > old)
        memset(q + old, 0, n - old);
    return q;
}

/* Aligned blocks keep the real block's address just below the aligned one. */
void *__cdecl _aligned_malloc(size_t size, size_t align)
{
    if (align & (align - 1)) {
        errno = EINVAL;
        return NULL;
    }
    if (align < sizeof(void *))
        align = sizeof(void *);
    char *raw = malloc(size + align + sizeof(void *));
    if (!raw)
        return NULL;
    uintptr_t p = ((uintptr_t)raw + sizeof(void *) + align - 1) & ~(uintptr_t)(align - 1);
    ((void **)p)[-1] = raw;
    return (void *)p;
}

void __cdecl _aligned_free(void *p)
{
    if (p)
        free(((void **)p)[-1]);
}

/* ----------------------------------------------------------- conversions ---- */

static int digit_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/* The shared core of the strto* family: the magnitude (saturated at `limit` with
 * *overflow set), the sign, and where parsing stopped. */
static unsigned long long parse_integer(const char *s, char **end, int base, int *neg,
                                        unsigned long long limit, int *overflow)
{
    const char *p = s;
    unsigned long long v = 0;
    int any = 0;

    *neg = 0;
    *overflow = 0;
    if (base < 0 || base == 1 || base > 36) {
        errno = EINVAL;
        if (end)
            *end = (char *)s;
        return 0;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '+' || *p == '-')
        *neg = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        digit_value(p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    for (;; p++) {
        int d = digit_value((unsigned char)*p);
        if (d >= base)
            break;
        any = 1;
        if (v > (limit - (unsigned)d) / (unsigned)base)
            *overflow = 1;
        else
            v = v * (unsigned)base + (unsigned)d;
    }
    if (end)
        *end = (char *)(any ? p : s);
    return *overflow ? limit : v;
}

long __cdecl strtol(const char *s, char **end, int base)
{
    int neg, of;
    unsigned long long v = parse_integer(s, end, base, &neg, (unsigned long long)LONG_MAX + 1, &of);

    if (of || (!neg && v > LONG_MAX)) {
        errno = ERANGE;
        return neg ? LONG_MIN : LONG_MAX;
    }
    return neg ? (long)(0 - v) : (long)v;
}

unsigned long __cdecl strtoul(const char *s, char **end, int base)
{
    int neg, of;
    unsigned long long v = parse_integer(s, end, base, &neg, ULONG_MAX, &of);

    if (of) {
        errno = ERANGE;
        return ULONG_MAX;
    }
    return neg ? (unsigned long)(0 - v) : (unsigned long)v;
}

long long __cdecl strtoll(const char *s, char **end, int base)
{
    int neg, of;
    unsigned long long v = parse_integer(s, end, base, &neg, (unsigned long long)LLONG_MAX + 1, &of);

    if (of || (!neg && v > LLONG_MAX)) {
        errno = ERANGE;
        return neg ? LLONG_MIN : LLONG_MAX;
    }
    return neg ? (long long)(0 - v) : (long long)v;
}

unsigned long long __cdecl strtoull(const char *s, char **end, int base)
{
    int neg, of;
    unsigned long long v = parse_integer(s, end, base, &neg, ULLONG_MAX, &of);

    if (of) {
        errno = ERANGE;
        return ULLONG_MAX;
    }
    return neg ? 0 - v : v;
}

__int64 __cdecl _strtoi64(const char *s, char **end, int base)
{
    return strtoll(s, end, base);
}

unsigned __int64 __cdecl _strtoui64(const char *s, char **end, int base)
{
    return strtoull(s, end, base);
}

int __cdecl atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}

long __cdecl atol(const char *s)
{
    return strtol(s, NULL, 10);
}

long long __cdecl atoll(const char *s)
{
    return strtoll(s, NULL, 10);
}

__int64 __cdecl _atoi64(const char *s)
{
    return strtoll(s, NULL, 10);
}

double __cdecl atof(const char *s)
{
    return __mingw_strtod(s, NULL);
}

long __cdecl wcstol(const wchar_t *s, wchar_t **end, int base)
{
    char buf[80], *e;
    size_t i = 0;

    for (; s[i] && s[i] < 128 && i < sizeof buf - 1; i++)
        buf[i] = (char)s[i];
    buf[i] = 0;
    long v = strtol(buf, &e, base);
    if (end)
        *end = (wchar_t *)s + (e - buf);
    return v;
}

unsigned long __cdecl wcstoul(const wchar_t *s, wchar_t **end, int base)
{
    char buf[80], *e;
    size_t i = 0;

    for (; s[i] && s[i] < 128 && i < sizeof buf - 1; i++)
        buf[i] = (char)s[i];
    buf[i] = 0;
    unsigned long v = strtoul(buf, &e, base);
    if (end)
        *end = (wchar_t *)s + (e - buf);
    return v;
}

static char *unsigned_to_string(unsigned long long v, char *buf, int radix, int neg)
{
    char tmp[72];
    int n = 0;

    if (radix < 2 || radix > 36) {
        buf[0] = 0;
        return buf;
    }
    do {
        int d = (int)(v % (unsigned)radix);
        tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= (unsigned)radix;
    } while (v);
    char *p = buf;
    if (neg)
        *p++ = '-';
    while (n)
        *p++ = tmp[--n];
    *p = 0;
    return buf;
}

char *__cdecl _itoa(int v, char *buf, int radix)
{
    int neg = radix == 10 && v < 0;
    return unsigned_to_string(neg ? 0u - (unsigned)v : (unsigned)v, buf, radix, neg);
}

char *__cdecl _ltoa(long v, char *buf, int radix)
{
    return _itoa((int)v, buf, radix);
}

char *__cdecl _ultoa(unsigned long v, char *buf, int radix)
{
    return unsigned_to_string(v, buf, radix, 0);
}

char *__cdecl _i64toa(__int64 v, char *buf, int radix)
{
    int neg = radix == 10 && v < 0;
    return unsigned_to_string(neg ? 0ull - (unsigned long long)v : (unsigned long long)v, buf,
                              radix, neg);
}

char *__cdecl _ui64toa(unsigned __int64 v, char *buf, int radix)
{
    return unsigned_to_string(v, buf, radix, 0);
}

/* ------------------------------------------------------------ arithmetic ---- */

int __cdecl abs(int v) { return v < 0 ? -v : v; }
long __cdecl labs(long v) { return v < 0 ? -v : v; }
long long __cdecl llabs(long long v) { return v < 0 ? -v : v; }
__int64 __cdecl _abs64(__int64 v) { return v < 0 ? -v : v; }

div_t __cdecl div(int n, int d)
{
    div_t r = {n / d, n % d};
    return r;
}

ldiv_t __cdecl ldiv(long n, long d)
{
    ldiv_t r = {n / d, n % d};
    return r;
}

/* msvcrt's generator: the same numbers for the same seed as on Windows. */
void __cdecl srand(unsigned int seed)
{
    *crt_rand_state() = seed;
}

int __cdecl rand(void)
{
    unsigned int *s = crt_rand_state();
    *s = *s * 214013u + 2531011u;
    return (int)((*s >> 16) & 0x7fff);
}

/* ---------------------------------------------------------- sort, search ---- */

static void swap_bytes(char *a, char *b, size_t n)
{
    while (n--) {
        char t = *a;
        *a++ = *b;
        *b++ = t;
    }
}

/* Introsort-free quicksort with median of three and insertion sort for short runs;
 * the recursion goes into the smaller half, so the stack stays O(log n). */
void __cdecl qsort(void *base, size_t n, size_t size, int(__cdecl *cmp)(const void *, const void *))
{
    char *a = base;

    while (n > 8) {
        char *lo = a, *mid = a + (n / 2) * size, *hi = a + (n - 1) * size;
        if (cmp(mid, lo) < 0)
            swap_bytes(mid, lo, size);
        if (cmp(hi, mid) < 0) {
            swap_bytes(hi, mid, size);
            if (cmp(mid, lo) < 0)
                swap_bytes(mid, lo, size);
        }
        swap_bytes(mid, lo, size); /* the pivot to the front */
        char *i = a + size, *j = hi;
        for (;;) {
            while (i <= j && cmp(i, a) < 0)
                i += size;
            while (i <= j && cmp(j, a) > 0)
                j -= size;
            if (i >= j)
                break;
            swap_bytes(i, j, size);
            i += size;
            j -= size;
        }
        swap_bytes(a, j, size);
        size_t left = (size_t)(j - a) / size, right = n - left - 1;
        if (left < right) {
            qsort(a, left, size, cmp);
            a = j + size;
            n = right;
        } else {
            qsort(j + size, right, size, cmp);
            n = left;
        }
    }
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && cmp(a + (k - 1) * size, a + k * size) > 0; k--)
            swap_bytes(a + (k - 1) * size, a + k * size, size);
}

void *__cdecl bsearch(const void *key, const void *base, size_t n, size_t size,
                      int(__cdecl *cmp)(const void *, const void *))
{
    const char *a = base;

    while (n) {
        const char *mid = a + (n / 2) * size;
        int c = cmp(key, mid);
        if (c == 0)
            return (void *)mid;
        if (c > 0) {
            a = mid + size;
            n = n - n / 2 - 1;
        } else {
            n /= 2;
        }
    }
    return NULL;
}

/* ----------------------------------------------------------- environment ---- */
/* _environ is rebuilt from kernel32's block whenever _putenv changes it. */

void crt_env_init(void)
{
    char *block = GetEnvironmentStringsA();
    size_t count = 0, bytes = 0;

    if (!block) {
        static char *none[1];
        _environ = none;
        return;
    }
    for (char *p = block; *p; p += strlen(p) + 1) {
        count++;
        bytes += strlen(p) + 1;
    }
    char **env = HeapAlloc(GetProcessHeap(), 0, (count + 1) * sizeof(char *) + bytes);
    if (!env) {
        FreeEnvironmentStringsA(block);
        return;
    }
    char *out = (char *)(env + count + 1);
    size_t i = 0;
    for (char *p = block; *p; p += strlen(p) + 1) {
        size_t n = strlen(p) + 1;
        memcpy(out, p, n);
        env[i++] = out;
        out += n;
    }
    env[i] = NULL;
    FreeEnvironmentStringsA(block);
    char **old = _environ;
    _environ = env;
    if (old && old != __initenv)
        HeapFree(GetProcessHeap(), 0, old);
}

char *__cdecl getenv(const char *name)
{
    size_t n = strlen(name);

    if (!_environ)
        return NULL;
    for (char **e = _environ; *e; e++)
        if (_strnicmp(*e, name, n) == 0 && (*e)[n] == '=')
            return *e + n + 1;
    return NULL;
}

int __cdecl _putenv(const char *s)
{
    const char *eq = strchr(s, '=');

    if (!eq || eq == s) {
        errno = EINVAL;
        return -1;
    }
    char name[256];
    size_t n = (size_t)(eq - s);
    if (n >= sizeof name) {
        errno = EINVAL;
        return -1;
    }
    memcpy(name, s, n);
    name[n] = 0;
    _lock(CRT_LOCK_ENV);
    BOOL ok = SetEnvironmentVariableA(name, eq[1] ? eq + 1 : NULL);
    if (ok)
        crt_env_init();
    _unlock(CRT_LOCK_ENV);
    return ok ? 0 : -1;
}

int __cdecl system(const char *command)
{
    if (!command)
        return 0; /* no command interpreter yet */
    errno = ENOENT;
    return -1;
}

/* --------------------------------------------------------------- threads ---- */

struct thread_start {
    unsigned(__stdcall *fn)(void *);
    void(__cdecl *fn_simple)(void *);
    void *arg;
};

static DWORD WINAPI thread_trampoline(LPVOID p)
{
    struct thread_start s = *(struct thread_start *)p;

    free(p);
    if (s.fn)
        return s.fn(s.arg);
    s.fn_simple(s.arg);
    return 0;
}

uintptr_t __cdecl _beginthreadex(void *security, unsigned stack, unsigned(__stdcall *fn)(void *),
                                 void *arg, unsigned flags, unsigned *id)
{
    struct thread_start *s = malloc(sizeof *s);
    DWORD tid = 0;

    if (!s)
        return 0;
    s->fn = fn;
    s->fn_simple = NULL;
    s->arg = arg;
    HANDLE h = CreateThread(security, stack, thread_trampoline, s, flags, &tid);
    if (!h) {
        free(s);
        crt_set_errno_from_win32(GetLastError());
        return 0;
    }
    if (id)
        *id = tid;
    return (uintptr_t)h;
}

void __cdecl _endthreadex(unsigned code)
{
    ExitThread(code);
}

uintptr_t __cdecl _beginthread(void(__cdecl *fn)(void *), unsigned stack, void *arg)
{
    struct thread_start *s = malloc(sizeof *s);

    if (!s)
        return (uintptr_t)-1;
    s->fn = NULL;
    s->fn_simple = fn;
    s->arg = arg;
    HANDLE h = CreateThread(NULL, stack, thread_trampoline, s, 0, NULL);
    if (!h) {
        free(s);
        return (uintptr_t)-1;
    }
    CloseHandle(h); /* _beginthread's handle closes itself */
    return (uintptr_t)h;
}

void __cdecl _endthread(void)
{
    ExitThread(0);
}

void __cdecl _sleep(unsigned long ms)
{
    Sleep(ms);
}

int __cdecl _getpid(void)
{
    return (int)GetCurrentProcessId();
}
