/*
 * Host unit tests for lib/fmt.c (cmocka). Hand-written expectations pin the
 * exact output of every conversion, flag and extension; a generated sweep then
 * compares integer/char/string output with the host C library's snprintf over
 * all flag/width/precision/length combinations, where C defines the result.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <lib/fmt.h>

#define BUF_SIZE 512

static char buf[BUF_SIZE];

/* Formats into buf and checks both the text and the C99 return value. */
#define CHECK(expected, ...)                                                   \
    do {                                                                       \
        memset(buf, 'Z', sizeof(buf));                                        \
        int n_ = fmt_snprintf(buf, sizeof(buf), __VA_ARGS__);                  \
        assert_string_equal(buf, (expected));                                  \
        assert_int_equal(n_, (int)strlen(expected));                           \
    } while (0)

/* No format attribute: lets tests feed deliberately odd format strings. */
static int fmt_nocheck(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = fmt_vsnprintf(out, size, fmt, ap);
    va_end(ap);
    return n;
}

#define CHECK_NOCHECK(expected, ...)                                           \
    do {                                                                       \
        memset(buf, 'Z', sizeof(buf));                                        \
        int n_ = fmt_nocheck(buf, sizeof(buf), __VA_ARGS__);                   \
        assert_string_equal(buf, (expected));                                  \
        assert_int_equal(n_, (int)strlen(expected));                           \
    } while (0)

static void test_literal_and_percent(void **state)
{
    (void)state;
    CHECK("", "%s", "");
    CHECK("hello, world", "hello, world");
    CHECK("100%", "100%%");
    CHECK("%%", "%%%%");
    CHECK("a%b", "a%cb", '%');
}

static void test_signed_decimal(void **state)
{
    (void)state;
    CHECK("0", "%d", 0);
    CHECK("42", "%d", 42);
    CHECK("-42", "%d", -42);
    CHECK("-42", "%i", -42);
    CHECK("2147483647", "%d", INT_MAX);
    CHECK("-2147483648", "%d", INT_MIN);
    CHECK("-2147483648", "%i", INT_MIN);
    CHECK("1 -2 3", "%d %d %d", 1, -2, 3);
}

static void test_int64_extremes(void **state)
{
    (void)state;
    CHECK("-9223372036854775808", "%lld", (long long)INT64_MIN);
    CHECK("-9223372036854775808", "%ld", (long)INT64_MIN);
    CHECK("-9223372036854775808", "%jd", INTMAX_MIN);
    CHECK("9223372036854775807", "%lld", (long long)INT64_MAX);
    CHECK("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
    CHECK("18446744073709551615", "%zu", SIZE_MAX);
    CHECK("ffffffffffffffff", "%llx", (unsigned long long)UINT64_MAX);
    CHECK("1777777777777777777777", "%llo", (unsigned long long)UINT64_MAX);
    CHECK("-0009223372036854775808", "%023lld", (long long)INT64_MIN);
    CHECK("  -9223372036854775808", "%22lld", (long long)INT64_MIN);
    CHECK("-9223372036854775808  |", "%-22lld|", (long long)INT64_MIN);
    CHECK("-09223372036854775808", "%.20lld", (long long)INT64_MIN);
}

static void test_unsigned_hex_octal(void **state)
{
    (void)state;
    CHECK("4294967295", "%u", UINT_MAX);
    CHECK("0", "%u", 0u);
    CHECK("deadbeef", "%x", 0xdeadbeefu);
    CHECK("DEADBEEF", "%X", 0xdeadbeefu);
    CHECK("0xdeadbeef", "%#x", 0xdeadbeefu);
    CHECK("0XDEADBEEF", "%#X", 0xdeadbeefu);
    CHECK("0", "%#x", 0u); /* no prefix on zero */
    CHECK("10", "%o", 8u);
    CHECK("010", "%#o", 8u);
    CHECK("0", "%#o", 0u);
    CHECK("0", "%#.0o", 0u); /* '#' forces the single 0 even at precision 0 */
    CHECK("", "%.0o", 0u);
    CHECK("00012", "%#.5o", 10u); /* precision already gives a leading 0 */
    CHECK("ffffffff", "%x", -1);  /* int -1 read as unsigned */
}

static void test_length_modifiers(void **state)
{
    (void)state;
    CHECK("44", "%hhd", 300);
    CHECK("-128", "%hhd", 128);
    CHECK("255", "%hhu", -1);
    CHECK("ff", "%hhx", 0x1ff);
    CHECK("-1", "%hd", 65535);
    CHECK("65535", "%hu", -1);
    CHECK("8000", "%hx", 0x18000);
    CHECK("-1", "%ld", -1L);
    CHECK("ffffffffffffffff", "%lx", -1L);
    CHECK("-5", "%zd", (ptrdiff_t)-5);
    CHECK("123", "%zx", (size_t)0x123);
    CHECK("-7", "%td", (ptrdiff_t)-7);
    CHECK("ffffffffffffffff", "%tx", (ptrdiff_t)-1);
    CHECK("ffffffffffffffff", "%jx", UINTMAX_MAX);
    /* A 64-bit argument after a short one: arguments must stay in step. */
    CHECK("1 2 3", "%hhd %lld %hd", 1, 2LL, 3);
}

static void test_flags(void **state)
{
    (void)state;
    CHECK("+5", "%+d", 5);
    CHECK("-5", "%+d", -5);
    CHECK("+0", "%+d", 0);
    CHECK(" 5", "% d", 5);
    CHECK("-5", "% d", -5);
    CHECK_NOCHECK("+5", "%+ d", 5); /* '+' wins over ' ' */
    CHECK_NOCHECK("+5", "% +d", 5);
    CHECK_NOCHECK("5", "%+u", 5u);  /* sign flags only affect signed conversions */
    CHECK_NOCHECK("ff", "% x", 0xffu);
    CHECK("   42", "%5d", 42);
    CHECK("42   |", "%-5d|", 42);
    CHECK_NOCHECK("42   |", "%-05d|", 42); /* '-' wins over '0' */
    CHECK("00042", "%05d", 42);
    CHECK("-0042", "%05d", -42);
    CHECK("+0042", "%+05d", 42);
    CHECK(" 0042", "% 05d", 42);
    CHECK("0x0000ab", "%#08x", 0xabu);
    CHECK("0X00AB", "%#06X", 0xabu);
    CHECK("00000000", "%#08x", 0u);
    CHECK_NOCHECK("     042", "%08.3d", 42); /* precision disables '0' */
    CHECK("42", "%1d", 42);           /* width never truncates */
}

static void test_precision(void **state)
{
    (void)state;
    CHECK("00042", "%.5d", 42);
    CHECK("-007", "%.3d", -7);
    CHECK("", "%.0d", 0);
    CHECK("", "%.d", 0); /* "." alone means precision 0 */
    CHECK("     ", "%5.0d", 0);
    CHECK("+", "%+.0d", 0);
    CHECK("0x0042", "%#.4x", 0x42u);
    CHECK("  0042", "%6.4x", 0x42u);
    CHECK("0042  |", "%-6.4x|", 0x42u);
    CHECK("123456", "%.2d", 123456);
}

static void test_star(void **state)
{
    (void)state;
    CHECK("   42", "%*d", 5, 42);
    CHECK("42   |", "%-*d|", 5, 42);
    CHECK("42   |", "%*d|", -5, 42); /* negative width: left-justified */
    CHECK("0007", "%.*d", 4, 7);
    CHECK("7", "%.*d", -1, 7);       /* negative precision: as if omitted */
    CHECK_NOCHECK("00007", "%0*.*d", 5, -1, 7);
    CHECK("  abc", "%*.*s", 5, 3, "abcdef");
    CHECK("ab|cd", "%.*s|%.*s", 2, "abc", 2, "cde");
}

static void test_char(void **state)
{
    (void)state;
    CHECK("A", "%c", 'A');
    CHECK("  A", "%3c", 'A');
    CHECK("A  |", "%-3c|", 'A');
    CHECK("\xff", "%c", 0xff);

    /* A NUL character is emitted and counted like any other. */
    memset(buf, 'Z', sizeof(buf));
    int n = fmt_snprintf(buf, sizeof(buf), "a%cb", '\0');
    assert_int_equal(n, 3);
    assert_int_equal(buf[0], 'a');
    assert_int_equal(buf[1], '\0');
    assert_int_equal(buf[2], 'b');
    assert_int_equal(buf[3], '\0');
}

static void test_string(void **state)
{
    (void)state;
    CHECK("hi", "%s", "hi");
    CHECK_NOCHECK("(null)", "%s", (char *)NULL);
    CHECK_NOCHECK("(nu", "%.3s", (char *)NULL);
    CHECK_NOCHECK("  (null)", "%8s", (char *)NULL);
    CHECK("he", "%.2s", "hello");
    CHECK("", "%.0s", "hello");
    CHECK("hello", "%.10s", "hello");
    CHECK("   hi", "%5s", "hi");
    CHECK("hi   |", "%-5s|", "hi");
    CHECK_NOCHECK("   hi", "%05s", "hi"); /* '0' does not apply to strings */

    /* The precision bounds the read: this array has no terminator. */
    static const char raw[4] = { 'w', 'x', 'y', 'z' };
    CHECK("wxyz", "%.4s", raw);
    CHECK("wx", "%.*s", 2, raw);
}

static void test_pointer(void **state)
{
    (void)state;
    CHECK("0x0000000000001234", "%p", (void *)0x1234);
    CHECK("0x0000000000000000", "%p", NULL);
    CHECK("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
    CHECK("0xffffffff80001000", "%p", (void *)0xffffffff80001000ull);
    CHECK("  0x00000000000000ab", "%20p", (void *)0xab);
    CHECK("0x00000000000000ab  |", "%-20p|", (void *)0xab);
    CHECK("0x00000000000000ab", "%5p", (void *)0xab);
    CHECK("[0x0000000000000001]", "[%p]", (void *)1);
}

static uintptr_t sym_last_addr;
static int sym_calls;

/* Resolves addresses in [0x1000, 0x2000) to "foo+0x<off>" via fmt itself. */
static size_t sym_foo(char *out, size_t len, uintptr_t addr)
{
    sym_last_addr = addr;
    sym_calls++;
    if (addr < 0x1000 || addr >= 0x2000)
        return 0;
    int n = fmt_snprintf(out, len, "foo+0x%lx", (unsigned long)(addr - 0x1000));
    return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}

/* A buggy hook that fills the buffer and claims more than it was given. */
static size_t sym_liar(char *out, size_t len, uintptr_t addr)
{
    (void)addr;
    memset(out, 'q', len);
    return len + 100;
}

static int sym_teardown(void **state)
{
    (void)state;
    fmt_set_symbolizer(NULL);
    sym_calls = 0;
    sym_last_addr = 0;
    return 0;
}

static void test_pS_without_hook(void **state)
{
    (void)state;
    fmt_set_symbolizer(NULL);
    CHECK("0x0000000000001010", "%pS", (void *)0x1010);
    CHECK("at 0x0000000000001010!", "at %pS!", (void *)0x1010);
    CHECK("  0x0000000000001010", "%20pS", (void *)0x1010);
}

static void test_pS_with_hook(void **state)
{
    (void)state;
    fmt_set_symbolizer(sym_foo);
    CHECK("foo+0x10", "%pS", (void *)0x1010);
    assert_int_equal(sym_last_addr, 0x1010);
    assert_int_equal(sym_calls, 1);
    CHECK("at foo+0x0!", "at %pS!", (void *)0x1000);
    CHECK("     foo+0x4|", "%12pS|", (void *)0x1004);
    CHECK("foo+0x4     |", "%-12pS|", (void *)0x1004);
    /* Plain %p never consults the hook. */
    sym_calls = 0;
    CHECK("0x0000000000001010 Sx", "%p Sx", (void *)0x1010);
    assert_int_equal(sym_calls, 0);
    /* Unresolvable addresses fall back to the %p form. */
    CHECK("0x0000000000003000", "%pS", (void *)0x3000);
    assert_int_equal(sym_last_addr, 0x3000);
    /* Arguments after %pS stay in step. */
    CHECK("foo+0x8 7 bar", "%pS %d %s", (void *)0x1008, 7, "bar");
}

static void test_pS_hook_overreports(void **state)
{
    (void)state;
    char expected[FMT_SYM_MAX + 1];

    fmt_set_symbolizer(sym_liar);
    memset(expected, 'q', FMT_SYM_MAX);
    expected[FMT_SYM_MAX] = '\0';
    CHECK(expected, "%pS", (void *)0x1234);
}

static void test_truncation(void **state)
{
    (void)state;
    char small[16];

    memset(small, 'X', sizeof(small));
    assert_int_equal(fmt_snprintf(small, 5, "hello world"), 11);
    assert_string_equal(small, "hell");
    assert_int_equal(small[5], 'X'); /* nothing written past size */

    memset(small, 'X', sizeof(small));
    assert_int_equal(fmt_snprintf(small, 1, "abc"), 3);
    assert_int_equal(small[0], '\0');
    assert_int_equal(small[1], 'X');

    /* size 0: nothing written at all, NULL buffer allowed. */
    assert_int_equal(fmt_snprintf(NULL, 0, "%d-%s", 12345, "abc"), 9);
    memset(small, 'X', sizeof(small));
    assert_int_equal(fmt_snprintf(small, 0, "abc"), 3);
    assert_int_equal(small[0], 'X');

    /* Exactly fitting and one short. */
    memset(small, 'X', sizeof(small));
    assert_int_equal(fmt_snprintf(small, 4, "%03d", 7), 3);
    assert_string_equal(small, "007");
    assert_int_equal(fmt_snprintf(small, 3, "%03d", 7), 3);
    assert_string_equal(small, "00");

    /* Truncation in the middle of padding and of a %p. */
    memset(small, 'X', sizeof(small));
    assert_int_equal(fmt_snprintf(small, 8, "%-10d|", -1), 11);
    assert_string_equal(small, "-1     ");
    memset(small, 'X', sizeof(small));
    assert_int_equal(fmt_snprintf(small, 6, "%p", NULL), 18);
    assert_string_equal(small, "0x000");
    assert_int_equal(small[6], 'X');
}

/* Sink for fmt_vformat: appends to a bounded buffer and counts every call. */
struct rec_sink {
    char text[64];
    size_t calls;
};

static void rec_put(void *ctx, char c)
{
    struct rec_sink *r = ctx;
    if (r->calls < sizeof(r->text) - 1)
        r->text[r->calls] = c;
    r->calls++;
}

static int rec_format(struct rec_sink *r, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = fmt_vformat(rec_put, r, fmt, ap);
    va_end(ap);
    return n;
}

static void test_vformat_counts(void **state)
{
    (void)state;
    struct rec_sink r = { .calls = 0 };

    int n = rec_format(&r, "x=%5d y=%s", -3, "ok");
    assert_int_equal(n, 12);
    assert_int_equal(r.calls, 12);
    assert_string_equal(r.text, "x=   -3 y=ok");

    struct rec_sink e = { .calls = 0 };
    assert_int_equal(rec_format(&e, "%s", ""), 0);
    assert_int_equal(e.calls, 0);
}

static void test_unknown_conversions(void **state)
{
    (void)state;
    CHECK_NOCHECK("%y", "%y");
    CHECK_NOCHECK("[%5y]", "[%5y]");
    CHECK_NOCHECK("abc%", "abc%");
    CHECK_NOCHECK("abc%-08.3l", "abc%-08.3l");
    CHECK_NOCHECK("%f 1", "%f %d", 1);   /* no float: %f consumes nothing */
    CHECK_NOCHECK("%n 5", "%n %d", 5);   /* %n is never honoured */
}

static void test_padding_clamp(void **state)
{
    (void)state;
    static char big[FMT_PAD_MAX * 2 + 16];
    static char src[5001];

    /* A garbage width is clamped, not honoured for a billion iterations. */
    int n = fmt_snprintf(big, sizeof(big), "%*d", 1000000000, 7);
    assert_int_equal(n, FMT_PAD_MAX);
    assert_int_equal(big[FMT_PAD_MAX - 1], '7');
    assert_int_equal(big[0], ' ');
    n = fmt_snprintf(big, sizeof(big), "%.999999999d", 7);
    assert_int_equal(n, FMT_PAD_MAX);
    n = fmt_nocheck(big, sizeof(big), "%99999999999999999999999d", 7);
    assert_int_equal(n, FMT_PAD_MAX);
    n = fmt_nocheck(big, sizeof(big), "%18446744073709551621d", 7); /* 2^64 + 5 */
    assert_int_equal(n, FMT_PAD_MAX);

    /* ...but a string precision only bounds the read and is not clamped. */
    memset(src, 'a', 5000);
    src[5000] = '\0';
    n = fmt_snprintf(NULL, 0, "%.5000s", src);
    assert_int_equal(n, 5000);
}

/* ---- Generated comparison with the host libc ---------------------------- */

static const char *const flag_sets[] = {
    "", "-", "+", " ", "0", "#", "-+", "- ", "-0", "-#", "+ ", "+0", "+#",
    " 0", " #", "0#", "-+ 0#", "+0#", " 0#", "-+#",
};
static const char *const widths[] = { "", "1", "6", "24" };
static const char *const precs[] = { "", ".", ".0", ".1", ".4", ".23" };
static const char *const lens[] = { "hh", "h", "", "l", "ll", "z", "j", "t" };

static const int64_t values[] = {
    0, 1, -1, 7, 8, 42, -42, 127, 128, 255, 256, -129, 0xffff, 65536, -32769,
    INT32_MAX, INT32_MIN, (int64_t)UINT32_MAX, 0x123456789abcLL, INT64_MAX, INT64_MIN,
};

static void call_both(char *mine, char *theirs, size_t size, const char *fmt, const char *len,
                     bool is_signed, int64_t v, int *rmine, int *rtheirs)
{
#define BOTH(arg)                                                              \
    do {                                                                       \
        *rmine = fmt_nocheck(mine, size, fmt, arg);                            \
        *rtheirs = snprintf(theirs, size, fmt, arg);                           \
    } while (0)
    if (strcmp(len, "hh") == 0 || strcmp(len, "h") == 0 || len[0] == '\0')
        BOTH((int)v); /* promoted, the conversion narrows it */
    else if (strcmp(len, "l") == 0)
        BOTH((long)v);
    else if (strcmp(len, "ll") == 0)
        BOTH((long long)v);
    else if (strcmp(len, "z") == 0 && is_signed)
        BOTH((ptrdiff_t)v);
    else if (strcmp(len, "z") == 0)
        BOTH((size_t)v);
    else if (strcmp(len, "j") == 0)
        BOTH((intmax_t)v);
    else
        BOTH((ptrdiff_t)v);
#undef BOTH
}

static void test_matches_libc_integers(void **state)
{
    (void)state;
    static const char convs[] = "diuxXo";
    char fmt[32], mine[128], theirs[128];
    unsigned long compared = 0;

    for (size_t f = 0; f < sizeof(flag_sets) / sizeof(flag_sets[0]); f++)
    for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
    for (size_t p = 0; p < sizeof(precs) / sizeof(precs[0]); p++)
    for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++)
    for (size_t c = 0; convs[c] != '\0'; c++) {
        bool is_signed = convs[c] == 'd' || convs[c] == 'i';
        /* '#' on d/i/u is undefined behaviour in C: nothing to compare. */
        if (strchr(flag_sets[f], '#') && (is_signed || convs[c] == 'u'))
            continue;
        snprintf(fmt, sizeof(fmt), "%%%s%s%s%s%c", flag_sets[f], widths[w], precs[p],
                 lens[l], convs[c]);
        for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
            int rm, rt;
            call_both(mine, theirs, sizeof(mine), fmt, lens[l], is_signed, values[v], &rm,
                      &rt);
            if (rm != rt || strcmp(mine, theirs) != 0)
                fail_msg("format \"%s\" value %lld: got \"%s\" (%d), libc \"%s\" (%d)", fmt,
                         (long long)values[v], mine, rm, theirs, rt);
            /* And again truncated to 5 bytes: same prefix, same return. */
            call_both(mine, theirs, 5, fmt, lens[l], is_signed, values[v], &rm, &rt);
            if (rm != rt || strcmp(mine, theirs) != 0)
                fail_msg("truncated \"%s\" value %lld: got \"%s\", libc \"%s\"", fmt,
                         (long long)values[v], mine, theirs);
            compared++;
        }
    }
    assert_true(compared > 50000);
}

static void test_matches_libc_text(void **state)
{
    (void)state;
    static const char *const strs[] = { "", "a", "hello", "exactly-twenty-four-chr" };
    static const char *const tflags[] = { "", "-" };
    char fmt[32], mine[128], theirs[128];

    for (size_t f = 0; f < 2; f++)
    for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
        for (size_t p = 0; p < sizeof(precs) / sizeof(precs[0]); p++)
        for (size_t s = 0; s < sizeof(strs) / sizeof(strs[0]); s++) {
            snprintf(fmt, sizeof(fmt), "<%%%s%s%ss>", tflags[f], widths[w], precs[p]);
            int rm = fmt_nocheck(mine, sizeof(mine), fmt, strs[s]);
            int rt = snprintf(theirs, sizeof(theirs), fmt, strs[s]);
            if (rm != rt || strcmp(mine, theirs) != 0)
                fail_msg("format \"%s\" on \"%s\": got \"%s\", libc \"%s\"", fmt, strs[s], mine,
                         theirs);
        }
        snprintf(fmt, sizeof(fmt), "<%%%s%sc>", tflags[f], widths[w]);
        int rm = fmt_nocheck(mine, sizeof(mine), fmt, 'Q');
        int rt = snprintf(theirs, sizeof(theirs), fmt, 'Q');
        if (rm != rt || strcmp(mine, theirs) != 0)
            fail_msg("format \"%s\": got \"%s\", libc \"%s\"", fmt, mine, theirs);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal_and_percent),
        cmocka_unit_test(test_signed_decimal),
        cmocka_unit_test(test_int64_extremes),
        cmocka_unit_test(test_unsigned_hex_octal),
        cmocka_unit_test(test_length_modifiers),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_precision),
        cmocka_unit_test(test_star),
        cmocka_unit_test(test_char),
        cmocka_unit_test(test_string),
        cmocka_unit_test(test_pointer),
        cmocka_unit_test_teardown(test_pS_without_hook, sym_teardown),
        cmocka_unit_test_teardown(test_pS_with_hook, sym_teardown),
        cmocka_unit_test_teardown(test_pS_hook_overreports, sym_teardown),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_vformat_counts),
        cmocka_unit_test(test_unknown_conversions),
        cmocka_unit_test(test_padding_clamp),
        cmocka_unit_test(test_matches_libc_integers),
        cmocka_unit_test(test_matches_libc_text),
    };

    return cmocka_run_group_tests_name("fmt", tests, NULL, NULL);
}
