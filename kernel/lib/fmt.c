/*
 * printf core: parses one conversion spec at a time into struct fmt_spec and
 * renders it through a per-call output sink (struct fmt_out), so there is no
 * shared buffer and the formatter is reentrant. Integers are widened to
 * uintmax_t magnitude + sign once, then one routine handles every base/flag.
 */
#include <lib/fmt.h>

#include <stdbool.h>

#define FMT_INT_MAX ((int)(~0u >> 1))

_Static_assert(sizeof(size_t) == sizeof(ptrdiff_t),
               "%zd and %tu read the other type's signed/unsigned twin");

enum fmt_len {
    FMT_LEN_NONE,
    FMT_LEN_HH,
    FMT_LEN_H,
    FMT_LEN_L,
    FMT_LEN_LL,
    FMT_LEN_Z,
    FMT_LEN_J,
    FMT_LEN_T,
};

struct fmt_spec {
    bool left;     /* '-': pad on the right */
    bool plus;     /* '+': always print a sign on signed conversions */
    bool space;    /* ' ': a space where '+' would go */
    bool zero;     /* '0': pad numbers with zeros after sign/prefix */
    bool alt;      /* '#': 0x prefix for hex, leading 0 for octal */
    bool has_prec;
    size_t width;
    size_t prec;
    enum fmt_len len;
};

struct fmt_out {
    fmt_put_fn put;
    void *ctx;
    size_t count;
};

struct fmt_buf {
    char *buf;
    size_t size;
    size_t pos;
};

static fmt_sym_fn fmt_symbolizer;

static void out_char(struct fmt_out *o, char c)
{
    o->put(o->ctx, c);
    o->count++;
}

static void out_text(struct fmt_out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out_char(o, s[i]);
}

static void out_repeat(struct fmt_out *o, char c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out_char(o, c);
}

static size_t clamp_pad(size_t n)
{
    return n > FMT_PAD_MAX ? FMT_PAD_MAX : n;
}

/* Text field (%c %s %p %pS): space padding only; '0' is ignored here. */
static void out_field(struct fmt_out *o, const struct fmt_spec *sp, const char *s, size_t n)
{
    size_t width = clamp_pad(sp->width);
    size_t pad = width > n ? width - n : 0;

    if (!sp->left)
        out_repeat(o, ' ', pad);
    out_text(o, s, n);
    if (sp->left)
        out_repeat(o, ' ', pad);
}

static void out_integer(struct fmt_out *o, const struct fmt_spec *sp, uintmax_t mag,
                        bool negative, bool is_signed, unsigned base, bool upper)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char digits[sizeof(uintmax_t) * 3]; /* octal needs 22 for 64 bits */
    char prefix[2];
    size_t nd = 0, np = 0;
    bool nonzero = mag != 0;

    while (mag != 0) {
        digits[nd++] = set[mag % base];
        mag /= base;
    }

    /* Precision is the minimum digit count; "%.0d" of 0 prints no digits. */
    size_t min_digits = sp->has_prec ? clamp_pad(sp->prec) : 1;
    size_t zeros = min_digits > nd ? min_digits - nd : 0;
    if (base == 8 && sp->alt && zeros == 0)
        zeros = 1; /* '#' makes the first octal digit a 0 (nd > 0 here) */

    if (negative)
        prefix[np++] = '-';
    else if (is_signed && sp->plus)
        prefix[np++] = '+';
    else if (is_signed && sp->space)
        prefix[np++] = ' ';
    if (base == 16 && sp->alt && nonzero) {
        prefix[np++] = '0';
        prefix[np++] = upper ? 'X' : 'x';
    }

    size_t body = np + zeros + nd;
    size_t width = clamp_pad(sp->width);
    size_t pad = width > body ? width - body : 0;
    if (!sp->left && sp->zero && !sp->has_prec) {
        zeros += pad;
        pad = 0;
    }

    if (!sp->left)
        out_repeat(o, ' ', pad);
    out_text(o, prefix, np);
    out_repeat(o, '0', zeros);
    while (nd > 0)
        out_char(o, digits[--nd]);
    if (sp->left)
        out_repeat(o, ' ', pad);
}

static intmax_t fetch_signed(va_list *ap, enum fmt_len len)
{
    switch (len) {
    case FMT_LEN_HH: return (signed char)va_arg(*ap, int);
    case FMT_LEN_H:  return (short)va_arg(*ap, int);
    case FMT_LEN_L:  return va_arg(*ap, long);
    case FMT_LEN_LL: return va_arg(*ap, long long);
    case FMT_LEN_Z:  return va_arg(*ap, ptrdiff_t); /* signed twin of size_t */
    case FMT_LEN_J:  return va_arg(*ap, intmax_t);
    case FMT_LEN_T:  return va_arg(*ap, ptrdiff_t);
    default:         return va_arg(*ap, int);
    }
}

static uintmax_t fetch_unsigned(va_list *ap, enum fmt_len len)
{
    switch (len) {
    case FMT_LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
    case FMT_LEN_H:  return (unsigned short)va_arg(*ap, unsigned int);
    case FMT_LEN_L:  return va_arg(*ap, unsigned long);
    case FMT_LEN_LL: return va_arg(*ap, unsigned long long);
    case FMT_LEN_Z:  return va_arg(*ap, size_t);
    case FMT_LEN_J:  return va_arg(*ap, uintmax_t);
    case FMT_LEN_T:  return va_arg(*ap, size_t); /* unsigned twin of ptrdiff_t */
    default:         return va_arg(*ap, unsigned int);
    }
}

/* Decimal digits at *p, saturating instead of wrapping on absurd lengths. */
static size_t parse_number(const char **p)
{
    size_t v = 0;

    while (**p >= '0' && **p <= '9') {
        unsigned d = (unsigned)(**p - '0');
        v = v <= ((size_t)-1 - d) / 10 ? v * 10 + d : (size_t)-1;
        (*p)++;
    }
    return v;
}

/* Parses flags, width, precision and length after the '%'; returns the
 * position of the conversion character (which may be the terminating NUL). */
static const char *parse_spec(const char *p, struct fmt_spec *sp, va_list *ap)
{
    *sp = (struct fmt_spec){ .len = FMT_LEN_NONE };

    for (;; p++) {
        if (*p == '-')
            sp->left = true;
        else if (*p == '+')
            sp->plus = true;
        else if (*p == ' ')
            sp->space = true;
        else if (*p == '0')
            sp->zero = true;
        else if (*p == '#')
            sp->alt = true;
        else
            break;
    }

    if (*p == '*') {
        int w = va_arg(*ap, int);
        p++;
        if (w < 0) {
            sp->left = true; /* C: a negative '*' width is '-' plus its magnitude */
            sp->width = (size_t)(-(long long)w);
        } else {
            sp->width = (size_t)w;
        }
    } else {
        sp->width = parse_number(&p);
    }

    if (*p == '.') {
        p++;
        if (*p == '*') {
            int pr = va_arg(*ap, int);
            p++;
            sp->has_prec = pr >= 0; /* negative: as if omitted */
            sp->prec = pr >= 0 ? (size_t)pr : 0;
        } else {
            sp->has_prec = true;
            sp->prec = parse_number(&p);
        }
    }

    switch (*p) {
    case 'h':
        p++;
        sp->len = FMT_LEN_H;
        if (*p == 'h') {
            p++;
            sp->len = FMT_LEN_HH;
        }
        break;
    case 'l':
        p++;
        sp->len = FMT_LEN_L;
        if (*p == 'l') {
            p++;
            sp->len = FMT_LEN_LL;
        }
        break;
    case 'z': p++; sp->len = FMT_LEN_Z; break;
    case 'j': p++; sp->len = FMT_LEN_J; break;
    case 't': p++; sp->len = FMT_LEN_T; break;
    default: break;
    }
    return p;
}

static void out_pointer(struct fmt_out *o, const struct fmt_spec *sp, uintptr_t v)
{
    char text[2 + sizeof(uintptr_t) * 2];
    size_t n = sizeof(text);

    text[0] = '0';
    text[1] = 'x';
    for (size_t i = n; i > 2; i--) {
        text[i - 1] = "0123456789abcdef"[v & 0xf];
        v >>= 4;
    }
    out_field(o, sp, text, n);
}

static void out_symbol(struct fmt_out *o, const struct fmt_spec *sp, uintptr_t addr)
{
    fmt_sym_fn fn = fmt_symbolizer;
    char text[FMT_SYM_MAX];
    size_t n = fn ? fn(text, sizeof(text), addr) : 0;

    if (n == 0) {
        out_pointer(o, sp, addr);
        return;
    }
    if (n > sizeof(text))
        n = sizeof(text); /* a hook that over-reports must not make us over-read */
    out_field(o, sp, text, n);
}

int fmt_vformat(fmt_put_fn put, void *ctx, const char *fmt, va_list ap)
{
    struct fmt_out o = { .put = put, .ctx = ctx, .count = 0 };
    struct fmt_spec sp;
    va_list args;

    /* Work on a copy so helpers can take a real va_list pointer. */
    va_copy(args, ap);
    while (*fmt != '\0') {
        if (*fmt != '%') {
            out_char(&o, *fmt++);
            continue;
        }

        const char *start = fmt;
        fmt = parse_spec(fmt + 1, &sp, &args);
        char conv = *fmt;
        if (conv == '\0') {
            out_text(&o, start, (size_t)(fmt - start)); /* dangling spec: show it */
            break;
        }
        fmt++;

        switch (conv) {
        case 'd':
        case 'i': {
            intmax_t v = fetch_signed(&args, sp.len);
            /* 0 - (uintmax_t)v is exact even for INTMAX_MIN. */
            uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
            out_integer(&o, &sp, mag, v < 0, true, 10, false);
            break;
        }
        case 'u':
            out_integer(&o, &sp, fetch_unsigned(&args, sp.len), false, false, 10, false);
            break;
        case 'x':
        case 'X':
            out_integer(&o, &sp, fetch_unsigned(&args, sp.len), false, false, 16, conv == 'X');
            break;
        case 'o':
            out_integer(&o, &sp, fetch_unsigned(&args, sp.len), false, false, 8, false);
            break;
        case 'c': {
            char c = (char)va_arg(args, int);
            out_field(&o, &sp, &c, 1);
            break;
        }
        case 's': {
            const char *s = va_arg(args, const char *);
            size_t limit = sp.has_prec ? sp.prec : (size_t)-1;
            size_t n = 0;
            if (s == NULL)
                s = "(null)";
            while (n < limit && s[n] != '\0') /* never read past the precision */
                n++;
            out_field(&o, &sp, s, n);
            break;
        }
        case 'p': {
            uintptr_t v = (uintptr_t)va_arg(args, void *);
            if (*fmt == 'S') {
                fmt++;
                out_symbol(&o, &sp, v);
            } else {
                out_pointer(&o, &sp, v);
            }
            break;
        }
        case '%':
            out_char(&o, '%');
            break;
        default:
            out_text(&o, start, (size_t)(fmt - start));
            break;
        }
    }
    va_end(args);

    return o.count > (size_t)FMT_INT_MAX ? FMT_INT_MAX : (int)o.count;
}

static void fmt_buf_put(void *ctx, char c)
{
    struct fmt_buf *b = ctx;

    if (b->pos + 1 < b->size)
        b->buf[b->pos] = c;
    b->pos++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct fmt_buf b = { .buf = buf, .size = size, .pos = 0 };
    int n = fmt_vformat(fmt_buf_put, &b, fmt, ap);

    if (size > 0)
        buf[b.pos < size ? b.pos : size - 1] = '\0';
    return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void fmt_set_symbolizer(fmt_sym_fn fn)
{
    fmt_symbolizer = fn;
}
