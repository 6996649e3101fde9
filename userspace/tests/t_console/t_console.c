/*
 * t_console: console output through DmWriteConsole and DormerWrite (plain, empty, longer
 * than a page, cut short by the length) and ulib's formatter, whose results are compared
 * as strings so a formatting bug fails a check rather than just looking odd. Exit 0 when
 * all pass.
 */
#include <dormer.h>

#define LONG_LINE 1100

static char big[4 * LONG_LINE];

static void check_format(const char *name, const char *got, const char *want)
{
    ulib_check(strcmp(got, want) == 0, name, "got \"%s\", want \"%s\"", got, want);
}

static void test_writes(void)
{
    static const char line[] = "t_console: a line written with DmWriteConsole\n";
    static const char cut[] = "t_console: only this is written|MUST NOT APPEAR\n";
    dormer_status_t st;

    CHECK_STATUS(DmWriteConsole(line, sizeof(line) - 1), STATUS_SUCCESS, "write_line");
    CHECK_STATUS(DmWriteConsole(line, 0), STATUS_SUCCESS, "write_len_0");
    CHECK_STATUS(DormerWrite("t_console: a line written with DormerWrite\n"), STATUS_SUCCESS,
                 "dormer_write");
    CHECK_STATUS(DormerWrite(""), STATUS_SUCCESS, "dormer_write_empty");
    /* Exactly `len` bytes go out: the harness checks that the tail never shows up. */
    st = DmWriteConsole(cut, 31);
    DmWriteConsole("\n", 1);
    CHECK_STATUS(st, STATUS_SUCCESS, "write_exact_length");

    /* More than a page in one call (four long lines), from .bss: the kernel's copy has to
     * cross page boundaries. */
    memset(big, '.', sizeof(big));
    for (int i = 0; i < 4; i++) {
        char *p = big + i * LONG_LINE;

        usnprintf(p, 40, "t_console: long line %d ", i);
        p[strlen(p)] = '.';
        p[LONG_LINE - 1] = '\n';
    }
    CHECK_STATUS(DmWriteConsole(big, sizeof(big)), STATUS_SUCCESS, "write_over_a_page");
}

static void test_format(void)
{
    char buf[64];
    int n;

    usnprintf(buf, sizeof(buf), "%d %d %u", 42, -7, 4000000000u);
    check_format("format_d_u", buf, "42 -7 4000000000");
    usnprintf(buf, sizeof(buf), "%x %X %llx", 0xbeefu, 0xbeefu, 0x123456789abcdef0ull);
    check_format("format_x", buf, "beef BEEF 123456789abcdef0");
    usnprintf(buf, sizeof(buf), "%lld %llu", -9000000000ll, 18446744073709551615ull);
    check_format("format_ll", buf, "-9000000000 18446744073709551615");
    usnprintf(buf, sizeof(buf), "%p", (void *)(uintptr_t)0x1234);
    check_format("format_p", buf, "0x0000000000001234");
    usnprintf(buf, sizeof(buf), "[%c%s%%]", 'x', "yz");
    check_format("format_c_s", buf, "[xyz%]");
    usnprintf(buf, sizeof(buf), "[%5d|%-5d|%05d|%08x]", 42, 42, -42, 0xabcu);
    check_format("format_width", buf, "[   42|42   |-0042|00000abc]");
    usnprintf(buf, sizeof(buf), "%s", (const char *)NULL);
    check_format("format_null_s", buf, "(null)");
    n = usnprintf(buf, 8, "%s", "0123456789");
    ulib_check(n == 10 && strcmp(buf, "0123456") == 0, "format_truncates",
               "returned %d, buffer \"%s\"", n, buf);
    n = uprintf("t_console: uprintf %s %d\n", "works", 7);
    CHECK(n == 27, "uprintf_length");
}

int main(void)
{
    test_writes();
    test_format();
    return ulib_check_summary();
}
