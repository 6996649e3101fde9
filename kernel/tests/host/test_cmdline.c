/*
 * Host tests of the kernel command-line parser: words, values with '=', bare
 * flags, the last word winning, and overlong input being cut safely.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <core/cmdline.h>

static void parses_keys_values_and_flags(void **state)
{
    (void)state;
    const char *line = "loglevel=debug  headless\tinit=hello.exe a=b=c";
    assert_true(cmdline_init(line, strlen(line)));
    assert_string_equal(cmdline_get("loglevel"), "debug");
    assert_string_equal(cmdline_get("headless"), "");
    assert_string_equal(cmdline_get("init"), "hello.exe");
    assert_string_equal(cmdline_get("a"), "b=c");
    assert_null(cmdline_get("missing"));
    assert_null(cmdline_get("log"));
    assert_string_equal(cmdline_raw(), line);
}

static void later_words_override_earlier_ones(void **state)
{
    (void)state;
    const char *line = "loglevel=info loglevel=warn";
    assert_true(cmdline_init(line, strlen(line)));
    assert_string_equal(cmdline_get("loglevel"), "warn");
}

static void numbers_are_checked_against_their_range(void **state)
{
    (void)state;
    const char *line = "n=42 zero=0 big=18446744073709551615 over=18446744073709551616 "
                       "neg=-1 word=12a bare";
    assert_true(cmdline_init(line, strlen(line)));
    assert_int_equal(cmdline_get_u64("n", 1, 100, 7), 42);
    assert_int_equal(cmdline_get_u64("n", 1, 41, 7), 7);
    assert_int_equal(cmdline_get_u64("n", 43, 100, 7), 7);
    assert_int_equal(cmdline_get_u64("zero", 0, 100, 7), 0);
    assert_int_equal(cmdline_get_u64("zero", 1, 100, 7), 7);
    assert_true(cmdline_get_u64("big", 0, UINT64_MAX, 7) == UINT64_MAX);
    assert_int_equal(cmdline_get_u64("over", 0, UINT64_MAX, 7), 7);
    assert_int_equal(cmdline_get_u64("neg", 0, 100, 7), 7);
    assert_int_equal(cmdline_get_u64("word", 0, 100, 7), 7);
    assert_int_equal(cmdline_get_u64("bare", 0, 100, 7), 7);
    assert_int_equal(cmdline_get_u64("missing", 0, 100, 7), 7);
}

static void flags_understand_off_values(void **state)
{
    (void)state;
    const char *line = "a b=1 c=0 d=no e=off";
    assert_true(cmdline_init(line, strlen(line)));
    assert_true(cmdline_flag("a"));
    assert_true(cmdline_flag("b"));
    assert_false(cmdline_flag("c"));
    assert_false(cmdline_flag("d"));
    assert_false(cmdline_flag("e"));
    assert_false(cmdline_flag("f"));
}

static void length_is_taken_from_the_caller(void **state)
{
    (void)state;
    /* Not NUL-terminated where the length ends: only "x=1" counts. */
    assert_true(cmdline_init("x=1 y=2", 3));
    assert_string_equal(cmdline_get("x"), "1");
    assert_null(cmdline_get("y"));
    assert_true(cmdline_init("", 0));
    assert_null(cmdline_get("x"));
}

static void grub_escapes_are_undone(void **state)
{
    (void)state;
    const char *line = "init=t.exe alpha \\\"beta gamma\\\" c:\\\\dir";
    assert_true(cmdline_init(line, strlen(line)));
    assert_string_equal(cmdline_raw(), "init=t.exe alpha \"beta gamma\" c:\\dir");
}

static void overlong_input_is_cut_and_reported(void **state)
{
    (void)state;
    static char big[CMDLINE_MAX * 2];
    memset(big, 'a', sizeof big - 1);
    assert_false(cmdline_init(big, sizeof big - 1));
    assert_int_equal(strlen(cmdline_raw()), CMDLINE_MAX - 1);

    char many[CMDLINE_MAX];
    size_t n = 0;
    for (int i = 0; i < CMDLINE_MAX_WORDS + 5; i++)
        n += (size_t)snprintf(many + n, sizeof many - n, "k%d ", i);
    assert_false(cmdline_init(many, n));
    assert_non_null(cmdline_get("k0"));
    assert_null(cmdline_get("k70"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_keys_values_and_flags),
        cmocka_unit_test(later_words_override_earlier_ones),
        cmocka_unit_test(flags_understand_off_values),
        cmocka_unit_test(numbers_are_checked_against_their_range),
        cmocka_unit_test(length_is_taken_from_the_caller),
        cmocka_unit_test(grub_escapes_are_undone),
        cmocka_unit_test(overlong_input_is_cut_and_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
