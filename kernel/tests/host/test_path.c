/*
 * Host tests of the path parser (kernel/fs/path.c): every form Windows accepts, the
 * lexical "." / ".." rules, stripping of trailing dots and spaces, reserved characters
 * and device names, length limits, case folding and wildcard matching.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <fs/path.h>
#include <lib/errno.h>

#define BIG (PATH_MAX_CHARS + 8)

static uint16_t in16[BIG], cwd16[BIG], out16[PATH_MAX_CHARS + 1];
static char out8[PATH_MAX_CHARS + 1];

static size_t to16(uint16_t *dst, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        dst[i] = (uint8_t)s[i];
    return n;
}

/* Normalizes s against cwd; returns the result as ASCII, or NULL with *rc the error. */
static const char *norm_dir(const char *s, const char *cwd, long *rc, bool *dir_only)
{
    size_t n = to16(in16, s), c = cwd ? to16(cwd16, cwd) : 0;
    *rc = path_normalize(in16, n, cwd ? cwd16 : NULL, c, out16, PATH_MAX_CHARS + 1, dir_only);
    if (*rc < 0)
        return NULL;
    for (long i = 0; i < *rc; i++)
        out8[i] = (char)out16[i];
    out8[*rc] = 0;
    assert_int_equal(out16[*rc], 0);
    return out8;
}

static const char *norm(const char *s, const char *cwd)
{
    long rc;
    const char *r = norm_dir(s, cwd, &rc, NULL);
    return r ? r : "ERROR";
}

static long norm_err(const char *s, const char *cwd)
{
    long rc;
    norm_dir(s, cwd, &rc, NULL);
    return rc < 0 ? rc : 0;
}

static void test_absolute_forms(void **state)
{
    (void)state;
    assert_string_equal(norm("C:\\a\\b", "C:\\"), "C:\\a\\b");
    assert_string_equal(norm("C:/a/b", "C:\\"), "C:\\a\\b");
    assert_string_equal(norm("c:\\a/b\\", "C:\\"), "C:\\a\\b");
    assert_string_equal(norm("C:\\", "C:\\x"), "C:\\");
    assert_string_equal(norm("C:/", "C:\\x"), "C:\\");
    assert_string_equal(norm("C:\\\\a\\\\\\b//", "C:\\"), "C:\\a\\b");
    assert_string_equal(norm("D:\\Data", "C:\\"), "D:\\Data");
    assert_string_equal(norm("\\\\?\\C:\\a", "C:\\"), "C:\\a");
}

static void test_relative_forms(void **state)
{
    (void)state;
    assert_string_equal(norm("\\a\\b", "C:\\x\\y"), "C:\\a\\b");
    assert_string_equal(norm("/a", "D:\\x"), "D:\\a");
    assert_string_equal(norm("a\\b", "C:\\x\\y"), "C:\\x\\y\\a\\b");
    assert_string_equal(norm("a", "C:\\"), "C:\\a");
    assert_string_equal(norm(".\\a", "C:\\x"), "C:\\x\\a");
    assert_string_equal(norm("..\\a", "C:\\x\\y"), "C:\\x\\a");
    assert_string_equal(norm("..", "C:\\x"), "C:\\");
    assert_string_equal(norm(".", "C:\\x"), "C:\\x");
    /* "C:a" is relative to C's directory when the cwd is on C, else to the root. */
    assert_string_equal(norm("C:a", "C:\\x"), "C:\\x\\a");
    assert_string_equal(norm("c:", "C:\\x"), "C:\\x");
    assert_string_equal(norm("D:a", "C:\\x"), "D:\\a");
    /* No current directory: only absolute paths work. */
    assert_int_equal(norm_err("a", NULL), K_ESYNTAX);
    assert_int_equal(norm_err("\\a", NULL), K_ESYNTAX);
    assert_string_equal(norm("C:\\a", NULL), "C:\\a");
}

static void test_dots(void **state)
{
    (void)state;
    assert_string_equal(norm("C:\\a\\..\\b", "C:\\"), "C:\\b");
    assert_string_equal(norm("C:\\..\\..\\a", "C:\\"), "C:\\a");
    assert_string_equal(norm("C:\\a\\.\\b\\.", "C:\\"), "C:\\a\\b");
    assert_string_equal(norm("C:\\a\\b\\..\\..\\..", "C:\\"), "C:\\");
    assert_string_equal(norm("..\\..\\..\\z", "C:\\x\\y"), "C:\\z");
    /* Lexical: a name dropped by ".." is never checked, as on Windows. */
    assert_string_equal(norm("C:\\a<b\\..\\c", "C:\\"), "C:\\c");
}

static void test_trailing_dots_and_spaces(void **state)
{
    (void)state;
    assert_string_equal(norm("C:\\file.txt.", "C:\\"), "C:\\file.txt");
    assert_string_equal(norm("C:\\file.txt . .", "C:\\"), "C:\\file.txt");
    assert_string_equal(norm("C:\\dir.\\f", "C:\\"), "C:\\dir\\f");
    assert_string_equal(norm("C:\\ lead", "C:\\"), "C:\\ lead");
    assert_string_equal(norm("C:\\a\\...", "C:\\"), "C:\\a");
    assert_string_equal(norm("C:\\a\\ \\b", "C:\\"), "C:\\a\\b");
    assert_string_equal(norm("C:\\.hidden", "C:\\"), "C:\\.hidden");
}

static void test_trailing_separator_means_directory(void **state)
{
    (void)state;
    long rc;
    bool dir = false;
    assert_non_null(norm_dir("C:\\a\\", "C:\\", &rc, &dir));
    assert_true(dir);
    assert_non_null(norm_dir("C:\\a", "C:\\", &rc, &dir));
    assert_false(dir);
    assert_non_null(norm_dir("C:\\", "C:\\", &rc, &dir));
    assert_false(dir); /* the root is a directory anyway */
}

static void test_reserved_characters(void **state)
{
    (void)state;
    const char *bad[] = { "C:\\a<b", "C:\\a>b", "C:\\a:b", "C:\\a\"b", "C:\\a|b", "C:\\a?b",
                          "C:\\a*", "C:\\x\\*.txt", "C:\\x:y", "C:\\a\tb" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(norm_err(bad[i], "C:\\"), K_EBADNAME);
    for (uint16_t c = 1; c < 0x20; c++) {
        uint16_t p[5] = { 'C', ':', '\\', 'a', c };
        assert_int_equal(path_normalize(p, 5, NULL, 0, out16, PATH_MAX_CHARS + 1, NULL),
                         K_EBADNAME);
    }
    /* A NUL ends the path early, as it would in a C string. */
    uint16_t p[6] = { 'C', ':', '\\', 'a', 0, '<' };
    assert_int_equal(path_normalize(p, 6, NULL, 0, out16, PATH_MAX_CHARS + 1, NULL), 4);
    assert_int_equal(norm_err("", "C:\\"), K_EBADNAME);
    /* Non-ASCII names are fine. */
    uint16_t u[6] = { 'C', ':', '\\', 0xE9, 0x4E2D, 0xD83D };
    assert_int_equal(path_normalize(u, 6, NULL, 0, out16, PATH_MAX_CHARS + 1, NULL), 6);
}

static void test_device_names(void **state)
{
    (void)state;
    const char *bad[] = { "C:\\CON", "C:\\con", "C:\\prn.txt", "C:\\AUX", "C:\\nul.tar.gz",
                          "C:\\COM1", "C:\\com9.log", "C:\\LPT1", "C:\\lpt5", "C:\\d\\NUL\\x",
                          "NUL", "C:\\nul .txt", "C:\\CON " };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(norm_err(bad[i], "C:\\"), K_EBADNAME);
    const char *good[] = { "C:\\CONSOLE", "C:\\com0", "C:\\COM10", "C:\\lpt", "C:\\xnul",
                           "C:\\nulx.txt", "C:\\aux_file" };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_int_equal(norm_err(good[i], "C:\\"), 0);
}

static void test_unc_and_device_paths(void **state)
{
    (void)state;
    assert_int_equal(norm_err("\\\\server\\share\\f", "C:\\"), K_ESYNTAX);
    assert_int_equal(norm_err("\\\\.\\PhysicalDrive0", "C:\\"), K_ESYNTAX);
    assert_int_equal(norm_err("//server/share", "C:\\"), K_ESYNTAX);
    assert_int_equal(norm_err("\\\\?\\", "C:\\"), K_ESYNTAX);
}

static void test_lengths(void **state)
{
    (void)state;
    static char s[BIG + 16];
    /* A component of 255 is fine, 256 is not (also after stripping dots). */
    strcpy(s, "C:\\");
    memset(s + 3, 'n', 255);
    s[258] = 0;
    assert_int_equal(norm_err(s, NULL), 0);
    strcat(s, "n");
    assert_int_equal(norm_err(s, NULL), K_EBADNAME);
    s[258] = '.';
    assert_int_equal(norm_err(s, NULL), 0);
    /* Whole path: 32767 units accepted, one more refused. */
    size_t n = 3;
    strcpy(s, "C:\\");
    while (n + 101 <= PATH_MAX_CHARS) {
        memset(s + n, 'd', 100);
        s[n + 100] = '\\';
        n += 101;
    }
    memset(s + n, 'f', PATH_MAX_CHARS - n);
    s[PATH_MAX_CHARS] = 0;
    long rc;
    assert_non_null(norm_dir(s, NULL, &rc, NULL));
    assert_int_equal(rc, PATH_MAX_CHARS);
    s[PATH_MAX_CHARS] = 'g';
    s[PATH_MAX_CHARS + 1] = 0;
    assert_int_equal(norm_err(s, NULL), K_EBADNAME);
    /* Relative to a long cwd, the result may not pass the limit either. */
    s[PATH_MAX_CHARS - 10] = 0;
    assert_int_equal(norm_err("abcdefghijklmnop", s), K_EBADNAME);
    /* A small output buffer is K_ERANGE, never an overrun. */
    uint16_t small[8];
    size_t m = to16(in16, "C:\\abcdefgh");
    assert_int_equal(path_normalize(in16, m, NULL, 0, small, 8, NULL), K_ERANGE);
}

static void test_bad_cwd_is_ignored_safely(void **state)
{
    (void)state;
    assert_int_equal(norm_err("a", "relative"), K_ESYNTAX);
    assert_int_equal(norm_err("a", "C:"), K_ESYNTAX);
    assert_string_equal(norm("C:\\a", "garbage"), "C:\\a");
}

static void test_components_and_split(void **state)
{
    (void)state;
    long rc;
    norm_dir("C:\\one\\two\\three", NULL, &rc, NULL);
    size_t pos = 0, n, count = 0;
    const uint16_t *c;
    while (path_next_component(out16, (size_t)rc, &pos, &c, &n))
        count++;
    assert_int_equal(count, 3);
    const uint16_t *last;
    size_t plen = path_split_last(out16, (size_t)rc, &last, &n);
    assert_int_equal(plen, 10); /* C:\one\two */
    assert_int_equal(n, 5);
    assert_int_equal(last[0], 't');
    norm_dir("C:\\one", NULL, &rc, NULL);
    assert_int_equal(path_split_last(out16, (size_t)rc, &last, &n), 3);
    assert_int_equal(n, 3);
    norm_dir("C:\\", NULL, &rc, NULL);
    assert_int_equal(path_split_last(out16, (size_t)rc, &last, &n), 3);
    assert_int_equal(n, 0);
    pos = 0;
    assert_false(path_next_component(out16, (size_t)rc, &pos, &c, &n));
}

static void test_case_folding(void **state)
{
    (void)state;
    uint16_t a[4] = { 'a', 0xE9, 0xFF, 'z' }, b[4] = { 'A', 0xC9, 0x178, 'Z' };
    assert_true(path_name_equal(a, 4, b, 4));
    assert_false(path_name_equal(a, 4, b, 3));
    assert_int_equal(path_fold(0xF7), 0xF7); /* division sign has no case */
    assert_int_equal(path_fold(0xD7), 0xD7);
    assert_int_equal(path_fold('5'), '5');
    /* Case is kept in the result. */
    assert_string_equal(norm("c:\\MiXeD\\Case.TXT", NULL), "C:\\MiXeD\\Case.TXT");
}

static bool match(const char *p, const char *n)
{
    uint16_t p16[300], n16[300];
    size_t pl = to16(p16, p), nl = to16(n16, n);
    return path_match(p16, pl, n16, nl);
}

static void test_wildcards(void **state)
{
    (void)state;
    assert_true(match("*", "anything.txt"));
    assert_true(match("*", ""));
    assert_true(match("*.*", "noext"));
    assert_true(match("*.txt", "a.TXT"));
    assert_true(match("*.txt", ".txt"));
    assert_false(match("*.txt", "a.txt.bak"));
    assert_true(match("a?c", "abc"));
    assert_false(match("a?c", "ac"));
    assert_true(match("?", "x"));
    assert_false(match("?", "xy"));
    assert_true(match("*a*b*c*", "xxaxxbxxcxx"));
    assert_false(match("*a*b*c*", "xxaxxcxxbxx"));
    assert_true(match("file", "FILE"));
    assert_false(match("file", "file1"));
    assert_true(match("f*1", "file1"));
    assert_true(match("", "x"));
    assert_true(match("**", "x"));
    /* Many stars over a long name end quickly (bounded backtracking). */
    char pat[200], name[256];
    memset(pat, 0, sizeof pat);
    for (int i = 0; i < 99; i++) {
        pat[2 * i] = '*';
        pat[2 * i + 1] = 'a';
    }
    memset(name, 'a', 255);
    name[255] = 0;
    name[254] = 'b';
    assert_false(match(pat, name));
}

static void test_name_valid(void **state)
{
    (void)state;
    uint16_t n[300];
    assert_true(path_name_valid(n, to16(n, "ok.txt")));
    assert_false(path_name_valid(n, 0));
    assert_false(path_name_valid(n, to16(n, ".")));
    assert_false(path_name_valid(n, to16(n, "..")));
    assert_true(path_name_valid(n, to16(n, "...x")));
    assert_false(path_name_valid(n, to16(n, "a/b")));
    assert_false(path_name_valid(n, to16(n, "a\\b")));
    assert_false(path_name_valid(n, to16(n, "lpt3.doc")));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_absolute_forms),
        cmocka_unit_test(test_relative_forms),
        cmocka_unit_test(test_dots),
        cmocka_unit_test(test_trailing_dots_and_spaces),
        cmocka_unit_test(test_trailing_separator_means_directory),
        cmocka_unit_test(test_reserved_characters),
        cmocka_unit_test(test_device_names),
        cmocka_unit_test(test_unc_and_device_paths),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_bad_cwd_is_ignored_safely),
        cmocka_unit_test(test_components_and_split),
        cmocka_unit_test(test_case_folding),
        cmocka_unit_test(test_wildcards),
        cmocka_unit_test(test_name_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
