/*
 * ulib: the freestanding helpers linked statically into every Dormer image (strings,
 * a printf subset, command-line splitting, constructors, test reporting). There is no
 * C library underneath, so everything is written out here, small and without state
 * beyond the check counters; output goes through ntdll's DmWriteConsole.
 */
#include <dormer.h>

/* ---------------------------------------------------------------- strings ---- */

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;

    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || n == 0)
        return dst;
    if (d < s) {
        while (n--)
            *d++ = *s++;
    } else {
        d += n;
        s += n;
        while (n--)
            *--d = *--s;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x < *y ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    return strncmp(a, b, (size_t)-1);
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        if (!*a)
            break;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

char *strstr(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);

    for (; *haystack; haystack++) {
        if (strncmp(haystack, needle, n) == 0)
            return (char *)haystack;
    }
    return n == 0 ? (char *)haystack : NULL;
}

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int ulib_strcasecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = ascii_lower((unsigned char)*a), y = ascii_lower((unsigned char)*b);

        if (x != y)
            return x < y ? -1 : 1;
        if (!x)
            return 0;
    }
}

/* ------------------------------------------------------------- formatting ---- */

/* Output of the formatter: a bounded buffer, with an optional flush to the console. */
struct sink {
    char *buf;
    size_t cap;     /* bytes usable for text (the buffer is cap + 1 with the NUL) */
    size_t len;     /* bytes in buf */
    size_t total;   /* bytes the whole output has so far */
    int console;    /* flush to DmWriteConsole when full instead of dropping */
};

static void sink_flush(struct sink *s)
{
    if (s->console && s->len)
        DmWriteConsole(s->buf, s->len);
    if (s->console)
        s->len = 0;
}

static void sink_put(struct sink *s, char c)
{
    if (s->len == s->cap)
        sink_flush(s);
    if (s->len < s->cap)
        s->buf[s->len++] = c;
    s->total++;
}

static void sink_pad(struct sink *s, char c, int count)
{
    while (count-- > 0)
        sink_put(s, c);
}

/* One converted field: sign/prefix, then digits or text, padded to width. */
static void put_field(struct sink *s, const char *prefix, const char *body, size_t body_len,
                      int width, int left, int zero)
{
    int plen = (int)strlen(prefix);
    int pad = width - plen - (int)body_len;

    if (!left && !zero)
        sink_pad(s, ' ', pad);
    while (*prefix)
        sink_put(s, *prefix++);
    if (!left && zero)
        sink_pad(s, '0', pad);
    for (size_t i = 0; i < body_len; i++)
        sink_put(s, body[i]);
    if (left)
        sink_pad(s, ' ', pad);
}

static size_t utoa(uint64_t v, unsigned base, int upper, char *out)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    size_t n = 0;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
    char num[24];

    for (; *fmt; fmt++) {
        const char *start = fmt;
        int left = 0, zero = 0, width = 0, size = 4;

        if (*fmt != '%') {
            sink_put(s, *fmt);
            continue;
        }
        fmt++;
        for (;; fmt++) {
            if (*fmt == '-')
                left = 1;
            else if (*fmt == '0')
                zero = 1;
            else
                break;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        if (fmt[0] == 'l' && fmt[1] == 'l') {
            size = 8;
            fmt += 2;
        } else if (*fmt == 'l') {
            fmt++; /* long is 32 bits in LLP64 */
        } else if (*fmt == 'z') {
            size = 8;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = size == 8 ? va_arg(ap, int64_t) : va_arg(ap, int32_t);
            uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
            size_t n = utoa(mag, 10, 0, num);

            put_field(s, v < 0 ? "-" : "", num, n, width, left, zero);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = size == 8 ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t);
            size_t n = utoa(v, *fmt == 'u' ? 10 : 16, *fmt == 'X', num);

            put_field(s, "", num, n, width, left, zero);
            break;
        }
        case 'p': {
            uint64_t v = (uint64_t)(uintptr_t)va_arg(ap, void *);
            size_t n = utoa(v, 16, 0, num);

            put_field(s, "0x", "0000000000000000", 16 - n, 0, 0, 0);
            put_field(s, "", num, n, 0, 0, 0);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);

            put_field(s, "", &c, 1, width, left, 0);
            break;
        }
        case 's': {
            const char *str = va_arg(ap, const char *);

            if (!str)
                str = "(null)";
            put_field(s, "", str, strlen(str), width, left, 0);
            break;
        }
        case '%':
            sink_put(s, '%');
            break;
        default: /* unknown: print the directive as written */
            for (; start <= fmt && *start; start++)
                sink_put(s, *start);
            if (!*fmt)
                return;
            break;
        }
    }
}

int uvsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
    struct sink s = {buf, n ? n - 1 : 0, 0, 0, 0};

    format(&s, fmt, ap);
    if (n)
        buf[s.len] = '\0';
    return (int)s.total;
}

int usnprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    int len;

    va_start(ap, fmt);
    len = uvsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return len;
}

static int uvprintf(const char *fmt, va_list ap)
{
    char buf[256];
    struct sink s = {buf, sizeof(buf), 0, 0, 1};

    format(&s, fmt, ap);
    sink_flush(&s);
    return (int)s.total;
}

int uprintf(const char *fmt, ...)
{
    va_list ap;
    int len;

    va_start(ap, fmt);
    len = uvprintf(fmt, ap);
    va_end(ap);
    return len;
}

/* ----------------------------------------------------------- command line ---- */

int ulib_split_args(char *line, char **argv, int max_args)
{
    char *out = line;
    int argc = 0;

    for (;;) {
        int quoted = 0;
        char *word = out;

        while (*line == ' ' || *line == '\t')
            line++;
        if (!*line)
            break;
        /* Copy the word down over itself, dropping the quotes. */
        for (; *line; line++) {
            if (*line == '"')
                quoted = !quoted;
            else if (!quoted && (*line == ' ' || *line == '\t'))
                break;
            else
                *out++ = *line;
        }
        if (*line)
            line++;
        *out++ = '\0';
        if (argc < max_args)
            argv[argc++] = word;
    }
    argv[argc] = NULL;
    return argc;
}

/* ----------------------------------------------------------- constructors ---- */

/*
 * GNU ld's PE script builds the list as { -1, ctor..., 0 } in .text (so the loader
 * relocates .text too); libgcc runs it last-to-first, and so do we.
 */
typedef void (*ctor_fn)(void);
extern ctor_fn __CTOR_LIST__[];

void ulib_run_constructors(void)
{
    static int done;
    size_t n = 0;

    if (done)
        return;
    done = 1;
    while (__CTOR_LIST__[n + 1])
        n++;
    for (; n; n--)
        __CTOR_LIST__[n]();
}

/* ----------------------------------------------------------- test reports ---- */

static int checks_run, checks_failed;

int ulib_check(int ok, const char *name, const char *why_fmt, ...)
{
    char why[200];
    va_list ap;

    checks_run++;
    if (ok) {
        uprintf("check %s ... ok\n", name);
        return 1;
    }
    checks_failed++;
    va_start(ap, why_fmt);
    uvsnprintf(why, sizeof(why), why_fmt, ap);
    va_end(ap);
    uprintf("check %s ... FAIL (%s)\n", name, why);
    return 0;
}

int ulib_check_summary(void)
{
    uprintf("%d checks, %d failed\n", checks_run, checks_failed);
    return checks_failed ? 1 : 0;
}
