/*
 * msvcrt's own printf conventions over mingw-w64's conversions. The format is walked one
 * conversion at a time; each is formatted by libmingwex (__mingw_snprintf) and then given
 * the shape msvcrt.dll prints: exponents of at least three digits (1.0e+000), %p as 16
 * upper-case hex digits, infinities and NaNs as 1.#INF / 1.#QNAN / -1.#IND. Programs'
 * own printf (mingw's, linked into them) is not affected.
 */
#include "crt.h"

struct out {
    char *buf;   /* NULL: count only */
    size_t size; /* room in buf, with the NUL */
    size_t len;  /* bytes produced (may exceed size) */
    FILE *f;     /* or a stream */
    int error;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->f) {
        if (fwrite(s, 1, n, o->f) != n)
            o->error = 1;
    } else if (o->buf) {
        for (size_t i = 0; i < n; i++)
            if (o->len + i + 1 < o->size)
                o->buf[o->len + i] = s[i];
    }
    o->len += n;
}

/* Widens a two-digit exponent ("e+05" -> "e+005") in s (a formatted float), keeping a
 * field width by taking the extra digit out of leading padding when there is some. */
static size_t msvcrt_exponent(char *s, size_t n, size_t cap)
{
    char *e = NULL;

    for (size_t i = 0; i < n; i++)
        if ((s[i] == 'e' || s[i] == 'E') && i + 1 < n && (s[i + 1] == '+' || s[i + 1] == '-'))
            e = s + i;
    size_t digits = 0;
    while (e && e + 2 + digits < s + n && e[2 + digits] >= '0' && e[2 + digits] <= '9')
        digits++;
    if (!e || digits != 2 || n + 1 >= cap)
        return n;
    size_t at = (size_t)(e + 2 - s);
    memmove(s + at + 1, s + at, n - at + 1);
    s[at] = '0';
    n++;
    if (s[0] == ' ') { /* right-aligned in a field: the field keeps its width */
        memmove(s, s + 1, n);
        n--;
    } else if (n >= 2 && s[n - 1] == ' ') {
        s[--n] = 0;
    }
    return n;
}

/* msvcrt's spelling of infinities and NaNs for %e/%f/%g. */
static int special_float(char *s, size_t cap, double v, char conv, int precision)
{
    const char *word;

    if (v != v)
        word = "1.#QNAN";
    else if (v == __builtin_inf() || v == -__builtin_inf())
        word = "1.#INF";
    else
        return -1;
    int neg = __builtin_signbit(v);
    if (v != v && neg) {
        word = "1.#IND";
    }
    char digits[64];
    int prec = precision < 0 ? 6 : precision;
    size_t n = strlen(word);
    memcpy(digits, word, n);
    while ((int)n - 2 < prec && n < sizeof digits - 1)
        digits[n++] = '0';
    if (conv == 'g' || conv == 'G')
        n = strlen(word);
    digits[n] = 0;
    if (conv == 'e' || conv == 'E') { /* msvcrt gives these an exponent too */
        digits[n++] = conv;
        digits[n++] = '+';
        digits[n++] = '0';
        digits[n++] = '0';
        digits[n++] = '0';
        digits[n] = 0;
    }
    return snprintf(s, cap, "%s%s", neg ? "-" : "", digits);
}

/*
 * Is v exactly halfway between two results of this conversion? mingw rounds such ties to
 * even, msvcrt away from zero (2.5 with %.0f: "2" against "3"); the caller then formats
 * the next double away from zero, which is no longer a tie and rounds the msvcrt way.
 * The test prints 30 more digits than asked: a tie ends in "5" and zeros only.
 */
static int exact_tie(double v, char conv, int precision)
{
    char digits[400], spec[16];
    int p = precision < 0 ? 6 : precision;

    if (v != v || v == __builtin_inf() || v == -__builtin_inf() || p > 300)
        return 0;
    char c = conv == 'f' || conv == 'F' ? 'f' : 'e';
    if (conv == 'g' || conv == 'G')
        p = p == 0 ? 0 : p - 1; /* significant digits: one before the point */
    if (c == 'f' && (v > 1e20 || v < -1e20))
        return 0; /* every digit is exact there: no halves after the point */
    snprintf(spec, sizeof spec, "%%.%d%c", p + 30, c);
    int n = __mingw_snprintf(digits, sizeof digits, spec, v);
    if (n <= 0 || n >= (int)sizeof digits)
        return 0;
    char *end = c == 'e' ? strchr(digits, 'e') : digits + n;
    if (!end)
        return 0;
    char *dot = strchr(digits, '.');
    if (!dot)
        return 0;
    char *first = dot + 1 + p; /* the first digit past those asked for */
    if (first >= end || *first != '5')
        return 0;
    for (char *q = first + 1; q < end; q++)
        if (*q != '0')
            return 0;
    return 1;
}

/* The neighbouring double of larger magnitude (v finite and not 0). */
static double next_away_from_zero(double v)
{
    union {
        double d;
        uint64_t u;
    } x = {v};

    x.u++; /* the magnitude's bits count up in the same order as the values */
    return x.d;
}

static int crt_vformat(struct out *o, const char *fmt, va_list ap)
{
    char spec[48], piece[512];

    for (const char *p = fmt; *p;) {
        if (*p != '%') {
            const char *q = p;
            while (*q && *q != '%')
                q++;
            put(o, p, (size_t)(q - p));
            p = q;
            continue;
        }
        /* One conversion: %[flags][width][.precision][length]conv */
        size_t k = 0;
        int precision = -1;
        spec[k++] = *p++;
        while (*p && strchr("-+ #0", *p) && k < 20)
            spec[k++] = *p++;
        if (*p == '*') {
            k += (size_t)snprintf(spec + k, sizeof spec - k, "%d", va_arg(ap, int));
            p++;
        } else {
            while (*p >= '0' && *p <= '9' && k < 30)
                spec[k++] = *p++;
        }
        if (*p == '.') {
            spec[k++] = *p++;
            if (*p == '*') {
                precision = va_arg(ap, int);
                k += (size_t)snprintf(spec + k, sizeof spec - k, "%d", precision);
                p++;
            } else {
                precision = 0;
                while (*p >= '0' && *p <= '9' && k < 38) {
                    precision = precision * 10 + (*p - '0');
                    spec[k++] = *p++;
                }
            }
        }
        int size = 0; /* 0 int, 1 long (32-bit), 2 64-bit, -1 short, 3 long double */
        int wide = 0;
        for (;;) {
            if (*p == 'l' && p[1] == 'l') { size = 2; p += 2; }
            else if (*p == 'l') { size = size ? size : 1; wide = 1; p++; }
            else if (*p == 'h') { size = -1; p++; }
            else if (*p == 'I' && p[1] == '6' && p[2] == '4') { size = 2; p += 3; }
            else if (*p == 'I' && p[1] == '3' && p[2] == '2') { size = 0; p += 3; }
            else if (*p == 'I' || *p == 'z' || *p == 't' || *p == 'j') { size = 2; p++; }
            else if (*p == 'L') { size = 3; p++; }
            else if (*p == 'w') { wide = 1; p++; }
            else break;
        }
        char conv = *p ? *p++ : 0;
        int n = 0;
        switch (conv) {
        case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
            spec[k++] = 'l';
            spec[k++] = 'l';
            spec[k++] = conv;
            spec[k] = 0;
            if (size == 2)
                n = __mingw_snprintf(piece, sizeof piece, spec, va_arg(ap, long long));
            else if (conv == 'd' || conv == 'i')
                n = __mingw_snprintf(piece, sizeof piece, spec,
                                     size < 0 ? (long long)(short)va_arg(ap, int)
                                              : (long long)va_arg(ap, int));
            else
                n = __mingw_snprintf(piece, sizeof piece, spec,
                                     size < 0 ? (unsigned long long)(unsigned short)va_arg(ap, int)
                                              : (unsigned long long)va_arg(ap, unsigned int));
            break;
        case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A': {
            double v = size == 3 ? (double)va_arg(ap, long double) : va_arg(ap, double);
            if (conv != 'a' && conv != 'A' && special_float(piece, sizeof piece, v, conv, precision) >= 0) {
                /* the width still applies to the word */
                char word[64];
                strcpy(word, piece);
                spec[k++] = 's';
                spec[k] = 0;
                for (size_t i = 0; i < k; i++)
                    if (spec[i] == '.') { spec[i] = 's'; spec[i + 1] = 0; break; }
                n = __mingw_snprintf(piece, sizeof piece, spec, word);
                break;
            }
            spec[k++] = conv;
            spec[k] = 0;
            if (conv != 'a' && conv != 'A' && exact_tie(v, conv, precision))
                v = next_away_from_zero(v);
            n = __mingw_snprintf(piece, sizeof piece, spec, v);
            if (n > 0 && n < (int)sizeof piece && conv != 'a' && conv != 'A')
                n = (int)msvcrt_exponent(piece, (size_t)n, sizeof piece);
            break;
        }
        case 'c': case 'C':
            spec[k++] = (conv == 'C') != wide ? 'C' : 'c';
            spec[k] = 0;
            if (spec[k - 1] == 'C') {
                spec[k - 1] = 'l';
                spec[k++] = 'c';
                spec[k] = 0;
            }
            n = __mingw_snprintf(piece, sizeof piece, spec, va_arg(ap, int));
            break;
        case 's': case 'S': {
            int w = (conv == 'S') != wide;
            if (w) {
                spec[k++] = 'l';
            }
            spec[k++] = 's';
            spec[k] = 0;
            const void *str = va_arg(ap, const void *);
            if (!str)
                str = w ? (const void *)L"(null)" : (const void *)"(null)";
            int need = __mingw_snprintf(NULL, 0, spec, str);
            if (need >= (int)sizeof piece) { /* long strings: straight through */
                char *big = malloc((size_t)need + 1);
                if (!big) {
                    o->error = 1;
                    return -1;
                }
                __mingw_snprintf(big, (size_t)need + 1, spec, str);
                put(o, big, (size_t)need);
                free(big);
                continue;
            }
            n = __mingw_snprintf(piece, sizeof piece, spec, str);
            break;
        }
        case 'p': {
            /* msvcrt: 16 upper-case digits, no 0x */
            spec[k++] = 'l';
            spec[k++] = 'l';
            spec[k++] = 'X';
            spec[k] = 0;
            char *dot = strchr(spec, '.');
            if (!dot) { /* precision 16 gives the leading zeros */
                spec[k - 3] = '.';
                spec[k - 2] = '1';
                spec[k - 1] = '6';
                spec[k++] = 'l';
                spec[k++] = 'l';
                spec[k++] = 'X';
                spec[k] = 0;
            }
            n = __mingw_snprintf(piece, sizeof piece, spec,
                                 (unsigned long long)(uintptr_t)va_arg(ap, void *));
            break;
        }
        case 'n': {
            void *where = va_arg(ap, void *);
            if (size == 2)
                *(long long *)where = (long long)o->len;
            else if (size < 0)
                *(short *)where = (short)o->len;
            else
                *(int *)where = (int)o->len;
            continue;
        }
        case '%':
            put(o, "%", 1);
            continue;
        default: /* msvcrt prints an unknown conversion character itself */
            if (conv)
                put(o, &conv, 1);
            continue;
        }
        if (n < 0) {
            o->error = 1;
            return -1;
        }
        put(o, piece, (size_t)n < sizeof piece ? (size_t)n : sizeof piece - 1);
    }
    return o->error ? -1 : (int)o->len;
}

int crt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
    struct out o = {buf, n, 0, NULL, 0};
    int r = crt_vformat(&o, fmt, ap);

    if (buf && n)
        buf[o.len < n ? o.len : n - 1] = 0;
    return r;
}

int crt_vfprintf(FILE *f, const char *fmt, va_list ap)
{
    struct out o = {NULL, 0, 0, f, 0};

    crt_lock_stream(f);
    int r = crt_vformat(&o, fmt, ap);
    crt_unlock_stream(f);
    return r;
}
