/*
 * What the shell's files share: the output of a built-in (the console, a redirected file
 * or a pipe), UTF-16 path helpers, the shell's variables, the built-in table and the line
 * editor. The shell is one thread: none of this is locked.
 */
#ifndef SHELL_SHELL_H
#define SHELL_SHELL_H

#include <dormer.h>

#include "parse.h"

#define SHELL_PATH_MAX 260 /* UTF-16 units of a path the shell builds */

/* Where a built-in's output goes: 0 the console, else a file or pipe write end. */
extern dormer_handle_t sh_out;

/* Where error output goes: 0 the shell's own error output (the console), else a file or
 * pipe write end (2> FILE, or the output's handle for 2>&1). */
extern dormer_handle_t sh_err;

/* Formats to sh_out (in pieces of at most 512 bytes); returns the length. */
__attribute__((format(gnu_printf, 1, 2))) int sh_printf(const char *fmt, ...);
/* Writes len bytes to sh_out; the status of the write. */
dormer_status_t sh_write(const void *buf, uint64_t len);
/* Formats an error message to sh_err (at most 511 bytes); returns 1, a failed status. */
__attribute__((format(gnu_printf, 1, 2))) int sh_error(const char *fmt, ...);

/* ASCII <-> UTF-16 for paths (other characters: '?'). Both return the length copied,
 * always NUL-terminating (cap >= 1). */
size_t sh_to_wide(uint16_t *dst, size_t cap, const char *src);
size_t sh_from_wide(char *dst, size_t cap, const uint16_t *src);

/* DmCreateFile of an ASCII path with the given access, share, disposition and options. */
dormer_status_t sh_open(dormer_handle_t *h, const char *path, uint32_t access, uint32_t share,
                        uint32_t disposition, uint32_t options);
/* The attributes of the file at path; 0 when it does not exist. */
uint32_t sh_attributes(const char *path);
/* The current directory as ASCII ("C:\" or "C:\a\b"). */
void sh_cwd(char *buf, size_t cap);

/* A message for a status a file operation returned ("The system cannot find ..."). */
const char *sh_status_text(dormer_status_t st);

/* The shell's variables (set NAME=value). NULL when there is none; names ignore case. */
const char *sh_var_get(const char *name, size_t len);
/* Sets (value NULL or "": removes) a variable; 0, or -1 when the table is full. */
int sh_var_set(const char *name, size_t len, const char *value);
/* Prints the variables whose names start with prefix ("": all) as NAME=value, in the
 * order set; returns how many. */
int sh_var_list(const char *prefix);

/* The last exit status (%ERRORLEVEL%). */
extern int32_t sh_errorlevel;

/*
 * A built-in command: runs argv/text of c with its output on sh_out. Returns its
 * status (0 success). exit sets *quit and *exit_status.
 */
struct sh_context {
    bool quit;
    int32_t exit_status;
};
typedef int (*sh_builtin_fn)(struct shell_command *c, struct sh_context *ctx);
/* The built-in named name (case-insensitive), or NULL. */
sh_builtin_fn sh_find_builtin(const char *name);

/* Reads a line with editing, history and completion, after printing prompt. Returns the
 * length (line NUL-terminated), or -1 once the input has ended with nothing typed. */
long sh_read_line(const char *prompt, char *line, size_t cap);

#endif
