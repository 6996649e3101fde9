/*
 * Host tests of the shell's line parser (userspace/apps/shell/parse.c): words and
 * quotes, echo's raw text, every redirection form (touching or spaced, later ones
 * winning), pipes, %NAME% expansion, and the refusals (open quotes, missing targets,
 * empty commands, too many words or commands, lines too long), plus the word start
 * that Tab completion uses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "parse.h"

static struct shell_pipeline pl;

static const char *vars(void *ctx, const char *name, size_t len)
{
    (void)ctx;
    if (len == 3 && memcmp(name, "FOO", 3) == 0)
        return "bar";
    if (len == 4 && memcmp(name, "PIPE", 4) == 0)
        return "x | y";
    if (len == 4 && memcmp(name, "HUGE", 4) == 0) {
        static char big[SHELL_EXPANDED_MAX + 10];
        memset(big, 'h', sizeof big - 1);
        return big;
    }
    return NULL;
}

static enum shell_parse_result parse(const char *line)
{
    return shell_parse(line, strlen(line), vars, NULL, &pl);
}

static void test_words_and_quotes(void **state)
{
    (void)state;
    assert_int_equal(parse("  hello   a  \"b c\" \"\"d\"\"  "), SHELL_PARSE_OK);
    assert_int_equal(pl.count, 1);
    struct shell_command *c = &pl.cmds[0];
    assert_int_equal(c->argc, 4);
    assert_string_equal(c->argv[0], "hello");
    assert_string_equal(c->argv[1], "a");
    assert_string_equal(c->argv[2], "b c");
    assert_string_equal(c->argv[3], "d");
    assert_null(c->argv[4]);
    assert_string_equal(c->text, "a  \"b c\" \"\"d\"\"");
    assert_null(c->in_path);
    assert_null(c->out_path);
}

static void test_echo_text(void **state)
{
    (void)state;
    assert_int_equal(parse("echo hi  there"), SHELL_PARSE_OK);
    assert_string_equal(pl.cmds[0].text, "hi  there");
    assert_int_equal(parse("echo"), SHELL_PARSE_OK);
    assert_string_equal(pl.cmds[0].text, "");
    assert_int_equal(parse("echo first line> a.txt"), SHELL_PARSE_OK);
    assert_string_equal(pl.cmds[0].text, "first line");
    assert_string_equal(pl.cmds[0].out_path, "a.txt");
    assert_int_equal(parse("echo a > f b"), SHELL_PARSE_OK);
    assert_string_equal(pl.cmds[0].text, "a b");
}

/* cmd's internal names end at . \\ / : and the like; programs' names do not. */
static void test_name_split(void **state)
{
    (void)state;
    assert_int_equal(parse("cd.."), SHELL_PARSE_OK);
    assert_int_equal(pl.cmds[0].argc, 2);
    assert_string_equal(pl.cmds[0].argv[0], "cd");
    assert_string_equal(pl.cmds[0].argv[1], "..");
    assert_int_equal(parse("CD\\windows"), SHELL_PARSE_OK);
    assert_string_equal(pl.cmds[0].argv[0], "CD");
    assert_string_equal(pl.cmds[0].argv[1], "\\windows");
    assert_int_equal(parse("dir/b *.txt"), SHELL_PARSE_OK);
    assert_int_equal(pl.cmds[0].argc, 3);
    assert_string_equal(pl.cmds[0].argv[1], "/b");
    assert_int_equal(parse("echo."), SHELL_PARSE_OK);
    assert_int_equal(pl.cmds[0].argc, 1);
    assert_true(pl.cmds[0].echo_blank);
    assert_string_equal(pl.cmds[0].text, "");
    assert_int_equal(parse("echo:two  words"), SHELL_PARSE_OK);
    assert_string_equal(pl.cmds[0].text, "two  words");
    assert_int_equal(parse("echo hi"), SHELL_PARSE_OK);
    assert_false(pl.cmds[0].echo_blank);
    assert_int_equal(parse("exit.5"), SHELL_PARSE_OK);
    assert_string_equal(pl.cmds[0].argv[1], ".5");
    assert_false(pl.cmds[0].echo_blank);
    assert_int_equal(parse("hello.exe a"), SHELL_PARSE_OK);
    assert_int_equal(pl.cmds[0].argc, 2);
    assert_string_equal(pl.cmds[0].argv[0], "hello.exe");
    assert_int_equal(parse("echo x | cd.."), SHELL_PARSE_OK);
    assert_string_equal(pl.cmds[1].argv[1], "..");
    assert_int_equal(parse("cdrom.exe"), SHELL_PARSE_OK);
    assert_string_equal(pl.cmds[0].argv[0], "cdrom.exe");
}

static void test_redirections(void **state)
{
    (void)state;
    assert_int_equal(parse("prog <in.txt >>out.txt 2>err.txt"), SHELL_PARSE_OK);
    struct shell_command *c = &pl.cmds[0];
    assert_int_equal(c->argc, 1);
    assert_string_equal(c->in_path, "in.txt");
    assert_string_equal(c->out_path, "out.txt");
    assert_true(c->out_append);
    assert_string_equal(c->err_path, "err.txt");
    assert_false(c->err_append);
    assert_false(c->err_to_out);

    assert_int_equal(parse("prog > a 1> b 2>> c 2>&1"), SHELL_PARSE_OK);
    assert_string_equal(c->out_path, "b");
    assert_false(c->out_append);
    assert_true(c->err_to_out);
    assert_null(c->err_path);

    assert_int_equal(parse("prog > \"my file.txt\""), SHELL_PARSE_OK);
    assert_string_equal(c->out_path, "my file.txt");
    /* 2 is a redirection only at a word's start */
    assert_int_equal(parse("echo a2>f"), SHELL_PARSE_OK);
    assert_string_equal(c->argv[1], "a2");
    assert_string_equal(c->out_path, "f");
    /* quoted operators are text */
    assert_int_equal(parse("echo \"a > b | c\""), SHELL_PARSE_OK);
    assert_int_equal(pl.count, 1);
    assert_null(c->out_path);
    assert_string_equal(c->argv[1], "a > b | c");
}

static void test_pipes(void **state)
{
    (void)state;
    assert_int_equal(parse("hello x|upper | upper > o.txt"), SHELL_PARSE_OK);
    assert_int_equal(pl.count, 3);
    assert_string_equal(pl.cmds[0].argv[0], "hello");
    assert_string_equal(pl.cmds[0].argv[1], "x");
    assert_string_equal(pl.cmds[1].argv[0], "upper");
    assert_int_equal(pl.cmds[1].argc, 1);
    assert_string_equal(pl.cmds[2].out_path, "o.txt");
    assert_string_equal(pl.cmds[0].text, "x");
    assert_string_equal(pl.cmds[2].text, "");
}

static void test_expansion(void **state)
{
    (void)state;
    assert_int_equal(parse("echo %FOO%!%NOPE%%"), SHELL_PARSE_OK);
    assert_string_equal(pl.cmds[0].text, "bar!%NOPE%%");
    assert_int_equal(parse("echo %PIPE%"), SHELL_PARSE_OK);
    assert_int_equal(pl.count, 2); /* as in cmd: expansion comes first */
    assert_int_equal(parse("echo %HUGE%"), SHELL_PARSE_TOO_LONG);
    assert_int_equal(shell_parse("echo %FOO%", 10, NULL, NULL, &pl), SHELL_PARSE_OK);
    assert_string_equal(pl.cmds[0].text, "%FOO%");
}

static void test_refusals(void **state)
{
    (void)state;
    assert_int_equal(parse(""), SHELL_PARSE_EMPTY);
    assert_int_equal(parse(" \t "), SHELL_PARSE_EMPTY);
    assert_int_equal(parse("echo \"open"), SHELL_PARSE_OPEN_QUOTE);
    assert_int_equal(parse("echo > \"open"), SHELL_PARSE_OPEN_QUOTE);
    assert_int_equal(parse("echo >"), SHELL_PARSE_NO_TARGET);
    assert_int_equal(parse("echo > | x"), SHELL_PARSE_NO_TARGET);
    assert_int_equal(parse("echo < \"\""), SHELL_PARSE_NO_TARGET);
    assert_int_equal(parse("| x"), SHELL_PARSE_EMPTY_COMMAND);
    assert_int_equal(parse("x |"), SHELL_PARSE_EMPTY_COMMAND);
    assert_int_equal(parse("x || y"), SHELL_PARSE_EMPTY_COMMAND);
    assert_int_equal(parse("> f"), SHELL_PARSE_EMPTY_COMMAND);
    assert_int_equal(parse("a|b|c|d|e|f|g|h"), SHELL_PARSE_OK);
    assert_int_equal(parse("a|b|c|d|e|f|g|h|i"), SHELL_PARSE_TOO_MANY);
    char line[200] = "w";
    for (int i = 1; i < SHELL_MAX_ARGS; i++)
        strcat(line, " w");
    assert_int_equal(parse(line), SHELL_PARSE_OK);
    assert_int_equal(pl.cmds[0].argc, SHELL_MAX_ARGS);
    strcat(line, " w");
    assert_int_equal(parse(line), SHELL_PARSE_TOO_MANY);
    char big[SHELL_LINE_MAX + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(parse(big), SHELL_PARSE_TOO_LONG);
    big[SHELL_LINE_MAX] = '\0';
    assert_int_equal(parse(big), SHELL_PARSE_OK);
    assert_int_equal(strlen(pl.cmds[0].argv[0]), SHELL_LINE_MAX);
    /* A NUL ends the line early. */
    assert_int_equal(shell_parse("ab\0cd", 5, NULL, NULL, &pl), SHELL_PARSE_OK);
    assert_string_equal(pl.cmds[0].argv[0], "ab");
    for (int r = SHELL_PARSE_OK; r <= SHELL_PARSE_OPEN_QUOTE; r++)
        assert_non_null(shell_parse_message((enum shell_parse_result)r));
}

static void test_word_start(void **state)
{
    (void)state;
    const char *l = "type C:\\Win";
    assert_int_equal(shell_word_start(l, strlen(l), strlen(l)), 5);
    l = "a|b>\"c d";
    assert_int_equal(shell_word_start(l, strlen(l), strlen(l)), 5);
    assert_int_equal(shell_word_start(l, strlen(l), 1), 0);
    assert_int_equal(shell_word_start("abc", 3, 99), 0);
    assert_int_equal(shell_word_start("ab ", 3, 3), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_and_quotes), cmocka_unit_test(test_echo_text),
        cmocka_unit_test(test_redirections),     cmocka_unit_test(test_pipes),
        cmocka_unit_test(test_expansion),        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_word_start),       cmocka_unit_test(test_name_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
