/*
 * The shell's command-line parser: pure code (no system calls, no globals), so the host
 * tests and a libFuzzer harness run it too. All input is hostile: a typed line, a script,
 * or the value of a variable; every copy is bounded and every result points into the
 * caller's struct shell_pipeline, never past its buffers.
 */
#ifndef SHELL_PARSE_H
#define SHELL_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#define SHELL_LINE_MAX     512  /* a typed line, bytes */
#define SHELL_EXPANDED_MAX 1024 /* the line once %NAME% references are replaced */
#define SHELL_MAX_ARGS     32   /* words of one command */
#define SHELL_MAX_CMDS     8    /* commands of one pipeline */

enum shell_parse_result {
    SHELL_PARSE_OK = 0,
    SHELL_PARSE_EMPTY,         /* nothing but blanks */
    SHELL_PARSE_TOO_LONG,      /* over SHELL_LINE_MAX, or SHELL_EXPANDED_MAX expanded */
    SHELL_PARSE_TOO_MANY,      /* over SHELL_MAX_ARGS words or SHELL_MAX_CMDS commands */
    SHELL_PARSE_NO_TARGET,     /* > >> < 2> without a file name after it */
    SHELL_PARSE_EMPTY_COMMAND, /* a | with no command on one side, or only redirections */
    SHELL_PARSE_OPEN_QUOTE,    /* a " never closed */
};

/* One command of a pipeline. Strings are NUL-terminated and live in the pipeline. */
struct shell_command {
    int argc;                        /* >= 1 */
    char *argv[SHELL_MAX_ARGS + 1];  /* the words, quotes removed; argv[argc] = NULL */
    char *text;      /* what follows the first word as typed (quotes kept, blanks
                      * between words kept), minus redirections, trimmed: echo's text */
    char *in_path;   /* < FILE, or NULL */
    char *out_path;  /* > FILE or >> FILE (1> and 1>> too), or NULL */
    bool out_append; /* it was >> */
    char *err_path;  /* 2> FILE or 2>> FILE, or NULL */
    bool err_append;
    bool err_to_out; /* 2>&1: error output goes where the output goes */
    bool echo_blank; /* echo. (echo: echo/ ...): the name touched a delimiter, which is
                      * not text, so an empty text prints an empty line */
};

struct shell_pipeline {
    int count; /* commands, 1..SHELL_MAX_CMDS on success */
    struct shell_command cmds[SHELL_MAX_CMDS];
    /* private: where the strings live */
    char expanded[SHELL_EXPANDED_MAX + 1];
    char words[2 * SHELL_EXPANDED_MAX + 2];
    char texts[SHELL_EXPANDED_MAX + SHELL_MAX_CMDS + 1];
};

/*
 * A variable's value for %NAME% (name is not NUL-terminated: len bytes), or NULL when
 * there is no such variable (the reference then stays as typed, as in cmd).
 */
typedef const char *(*shell_lookup_fn)(void *ctx, const char *name, size_t len);

/*
 * Parses len bytes of line (a NUL ends it early) into out: %NAME% references are
 * replaced through lookup (NULL: none are), then the line splits at | into commands, each
 * into words at blanks (spaces, tabs) outside double quotes, with the redirections
 * < > >> 1> 1>> 2> 2>> 2>&1 taken out (a later one of a kind wins, as in cmd; the operator
 * may touch its file name or the words around it). The name of an internal command
 * ends at . \ / : ( + = , ; as in cmd (`cd..` is cd with "..", `echo.` is echo with an
 * empty text and echo_blank). Returns SHELL_PARSE_OK or why not;
 * out's contents are meaningful only on SHELL_PARSE_OK.
 */
enum shell_parse_result shell_parse(const char *line, size_t len, shell_lookup_fn lookup,
                                    void *ctx, struct shell_pipeline *out);

/* A short English description of a result, never NULL. */
const char *shell_parse_message(enum shell_parse_result r);

/*
 * The start of the word the cursor at pos of line (len bytes) is in or after: where a
 * file name to complete begins (after a blank, a quote, |, < or >). Returns an index
 * in 0..pos; pos > len is taken as len.
 */
size_t shell_word_start(const char *line, size_t len, size_t pos);

#endif
