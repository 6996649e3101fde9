/*
 * libFuzzer harness for the shell's line parser (userspace/apps/shell/parse.c). Input:
 * the line itself; variables %A%..%Z% expand to values that hold operators, quotes and
 * long runs, so expansion feeds the scanner hostile text too. It traps when a parsed
 * result breaks the parser's promises: 1..SHELL_MAX_CMDS commands, each with 1..
 * SHELL_MAX_ARGS words, argv NULL-terminated, and every string inside the pipeline's own
 * buffers and NUL-terminated there; and when the completion word start passes the cursor.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "parse.h"

static struct shell_pipeline pl;

static const char *lookup(void *ctx, const char *name, size_t len)
{
    static char big[700];
    (void)ctx;
    if (len != 1 || name[0] < 'A' || name[0] > 'Z')
        return NULL;
    switch (name[0] % 4) {
    case 0:
        return "a | b > \"c";
    case 1:
        return "2>&1 <";
    case 2:
        memset(big, 'x', sizeof big - 1);
        return big;
    default:
        return "";
    }
}

static void check_string(const char *s)
{
    const char *lo = (const char *)&pl, *hi = lo + sizeof pl;
    if (!s || s < lo || s >= hi)
        __builtin_trap();
    if (!memchr(s, '\0', (size_t)(hi - s)))
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *line = (const char *)data;
    enum shell_parse_result r = shell_parse(line, size, lookup, NULL, &pl);

    if (r > SHELL_PARSE_OPEN_QUOTE)
        __builtin_trap();
    if (r == SHELL_PARSE_OK) {
        if (pl.count < 1 || pl.count > SHELL_MAX_CMDS)
            __builtin_trap();
        for (int i = 0; i < pl.count; i++) {
            struct shell_command *c = &pl.cmds[i];
            if (c->argc < 1 || c->argc > SHELL_MAX_ARGS || c->argv[c->argc])
                __builtin_trap();
            for (int k = 0; k < c->argc; k++)
                check_string(c->argv[k]);
            check_string(c->text);
            if (c->in_path)
                check_string(c->in_path);
            if (c->out_path)
                check_string(c->out_path);
            if (c->err_path)
                check_string(c->err_path);
        }
    }
    size_t pos = size / 2;
    if (shell_word_start(line, size, pos) > pos)
        __builtin_trap();
    return 0;
}
