/*
 * shell: Dormer's command line, started at boot when the kernel command line names no
 * init= program; cmd-like. It reads a line with the editor (edit.c), parses it (parse.c:
 * %NAME% expansion, words, redirections, pipes), and runs each command of the pipeline:
 * a built-in (builtins.c) in the shell itself with its output on the stage's handle, or
 * a program of C:\Windows\System32 started with DmCreateProcessStd and the stage's
 * standard handles (a file, a pipe, or the console). While programs run they are the
 * console's foreground: Ctrl+C ends them. `exit [N]`, or the end of the input (a script
 * piped into a headless run), ends the shell; a headless machine then powers off with
 * that status.
 */
#include "shell.h"

#define CMDLINE_MAX 1023

static const char system32[] = "C:\\Windows\\System32\\";

static uint64_t uptime_us(void)
{
    uint64_t ns = 0;

    DmQueryUptime(&ns);
    return ns / 1000;
}

static const char *lookup_var(void *ctx, const char *name, size_t len)
{
    (void)ctx;
    return sh_var_get(name, len);
}

static bool is_file(const char *path)
{
    uint32_t a = sh_attributes(path);
    return a && !(a & DORMER_FILE_ATTRIBUTE_DIRECTORY);
}

static bool ends_with_exe(const char *s)
{
    size_t n = strlen(s);
    return n >= 4 && ulib_strcasecmp(s + n - 4, ".exe") == 0;
}

static bool starts_with_nocase(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++) {
        char a = *s >= 'a' && *s <= 'z' ? (char)(*s - 32) : *s;
        char b = *prefix >= 'a' && *prefix <= 'z' ? (char)(*prefix - 32) : *prefix;
        if (a != b)
            return false;
    }
    return true;
}

enum found { FOUND_SYSTEM32, FOUND_NOWHERE, FOUND_ELSEWHERE };

/*
 * Where the program `word` is: the current directory first, then C:\Windows\System32,
 * with or without .exe. The kernel starts programs from System32 only, so one found
 * elsewhere is reported, not run. *exe gets the file name to start.
 */
static enum found find_program(const char *word, char *exe, size_t cap)
{
    char path[SHELL_PATH_MAX + 1], cwd[SHELL_PATH_MAX + 1];
    const char *base = word;

    for (const char *p = word; *p; p++)
        if (*p == '\\' || *p == '/' || *p == ':')
            base = p + 1;
    if (!*base || strlen(word) > SHELL_PATH_MAX - 24)
        return FOUND_NOWHERE;
    sh_cwd(cwd, sizeof cwd);
    bool in_system32 = base == word ? ulib_strcasecmp(cwd, "C:\\Windows\\System32") == 0
                                    : starts_with_nocase(word, system32) &&
                                          !strchr(word + sizeof system32 - 1, '\\');
    for (int pass = 0; pass < 2; pass++) {
        const char *ext = pass == 0 && !ends_with_exe(word) ? ".exe" : "";
        usnprintf(path, sizeof path, "%s%s", word, ext);
        if (is_file(path) && !in_system32)
            return FOUND_ELSEWHERE;
        usnprintf(path, sizeof path, "%s%s%s", system32, base, ext);
        if ((base == word || in_system32) && is_file(path)) {
            usnprintf(exe, cap, "%s%s", base, ext);
            return FOUND_SYSTEM32;
        }
    }
    return FOUND_NOWHERE;
}

/* The command line of a program stage: its file name, then the words (quoted again
 * where they hold blanks). false when it is too long. */
static bool build_cmdline(const char *exe, struct shell_command *c, int first, char *out,
                          size_t cap)
{
    size_t n = (size_t)usnprintf(out, cap, "%s", exe);

    for (int i = first + 1; i < c->argc && n < cap; i++) {
        bool quote = !*c->argv[i] || strchr(c->argv[i], ' ') || strchr(c->argv[i], '\t');
        n += (size_t)usnprintf(out + n, cap - n, quote ? " \"%s\"" : " %s", c->argv[i]);
    }
    return n < cap;
}

/* Opens the files of c's redirections; 0, or 1 after reporting why not. */
static int open_redirections(struct shell_command *c, dormer_handle_t h[3])
{
    const uint32_t share = DORMER_FILE_SHARE_READ | DORMER_FILE_SHARE_WRITE;
    dormer_status_t st = STATUS_SUCCESS;

    h[0] = h[1] = h[2] = 0;
    if (c->in_path) {
        st = sh_open(&h[0], c->in_path, DORMER_GENERIC_READ, share, DORMER_FILE_OPEN,
                     DORMER_FILE_NON_DIRECTORY_FILE);
    }
    for (int i = 1; i < 3 && NT_SUCCESS(st); i++) {
        const char *path = i == 1 ? c->out_path : c->err_path;
        bool append = i == 1 ? c->out_append : c->err_append;
        if (!path)
            continue;
        /* >> opens with append access only: every write lands at the end. */
        st = sh_open(&h[i], path,
                     append ? DORMER_FILE_APPEND_DATA | DORMER_FILE_READ_ATTRIBUTES
                            : DORMER_GENERIC_WRITE,
                     share, append ? DORMER_FILE_OPEN_IF : DORMER_FILE_OVERWRITE_IF,
                     DORMER_FILE_NON_DIRECTORY_FILE);
    }
    if (NT_SUCCESS(st))
        return 0;
    sh_error("%s\n", sh_status_text(st));
    for (int i = 0; i < 3; i++)
        if (h[i])
            NtClose(h[i]);
    h[0] = h[1] = h[2] = 0;
    return 1;
}

/* One stage of a pipeline while it runs. */
struct stage {
    dormer_handle_t std[3];   /* its input, output, error (0: the console) */
    dormer_handle_t files[3]; /* of those, the redirection files the shell opened */
    dormer_handle_t process;  /* 0 for a built-in */
    sh_builtin_fn builtin;
    int first;                /* argv index of its program (1 after `time`) */
    char exe[64];
};

static void close_handle(dormer_handle_t *h)
{
    if (*h)
        NtClose(*h);
    *h = 0;
}

/* Where the shell writes s's errors: its 2> file or 2>&1's handle, else its own. */
static dormer_handle_t stage_error(const struct stage *s)
{
    return s->std[2] == DORMER_STD_CONSOLE ? 0 : s->std[2];
}

/* Starts stage s (a program); 0, or 1 after reporting why not. */
static int start_program(struct stage *s, struct shell_command *c)
{
    static char cmdline[CMDLINE_MAX + 1];
    const char *word = c->argv[s->first];

    switch (find_program(word, s->exe, sizeof s->exe)) {
    case FOUND_NOWHERE:
        return sh_error("'%s' is not recognized as an internal or external command,\n"
                        "operable program or batch file.\n", word);
    case FOUND_ELSEWHERE:
        return sh_error("%s: programs start only from C:\\Windows\\System32\n", word);
    case FOUND_SYSTEM32:
        break;
    }
    if (!build_cmdline(s->exe, c, s->first, cmdline, sizeof cmdline))
        return sh_error("%s: the command line is too long\n", word);
    /* stderr: a 2> file, the output for 2>&1, else the console (cmd keeps error
     * output on the screen when only the output is redirected). */
    dormer_handle_t err = s->std[2] ? s->std[2] : DORMER_STD_CONSOLE;
    dormer_status_t st = DmCreateProcessStd(&s->process, cmdline, strlen(cmdline), s->std[0],
                                            s->std[1], err);
    if (!NT_SUCCESS(st)) {
        s->process = 0;
        return sh_error("%s: cannot start it (0x%08x)\n", s->exe, (uint32_t)st);
    }
    return 0;
}

/* Waits for the stage processes (the console's foreground meanwhile) and reports the
 * statuses; returns the last stage's. */
static int32_t wait_programs(struct stage *stages, int count, bool timed, uint64_t t0)
{
    dormer_handle_t procs[SHELL_MAX_CMDS];
    int n = 0;
    int32_t last = 0;

    for (int i = 0; i < count; i++)
        if (stages[i].process)
            procs[n++] = stages[i].process;
    if (n == 0)
        return 0;
    DmSetConsoleForeground(procs, (uint64_t)n);
    dormer_status_t st = DmWaitForMultipleObjects((uint64_t)n, procs, 1, DORMER_INFINITE);
    DmSetConsoleForeground(NULL, 0);
    uint64_t t1 = uptime_us();
    bool interrupted = false;
    for (int i = 0; i < count; i++) {
        struct stage *s = &stages[i];
        int32_t status = 0;
        if (!s->process)
            continue;
        if (st != STATUS_WAIT_0)
            uprintf("%s: wait failed (0x%08x)\n", s->exe, (uint32_t)st);
        else
            DmQueryExitStatus(s->process, &status);
        if (status == (int32_t)STATUS_CONTROL_C_EXIT)
            interrupted = true;
        else if (status != 0)
            uprintf("[%s exited with status %d (0x%08x)]\n", s->exe, (int)status,
                    (uint32_t)status);
        if (timed)
            uprintf("[%s took %llu.%03llu ms]\n", s->exe,
                    (unsigned long long)((t1 - t0) / 1000),
                    (unsigned long long)((t1 - t0) % 1000));
        last = status;
        close_handle(&s->process);
    }
    if (interrupted)
        uprintf("^C\n");
    return last;
}

/* Runs a parsed line. */
static void run_pipeline(struct shell_pipeline *pl, struct sh_context *ctx)
{
    static struct stage stages[SHELL_MAX_CMDS];
    dormer_handle_t pipe_read[SHELL_MAX_CMDS] = { 0 }, pipe_write[SHELL_MAX_CMDS] = { 0 };
    int failed = 0, count = pl->count;
    bool timed = false;
    int32_t status = 0;

    memset(stages, 0, sizeof stages);
    for (int i = 0; i + 1 < count; i++) {
        if (!NT_SUCCESS(DmCreatePipe(&pipe_read[i], &pipe_write[i]))) {
            uprintf("cannot create a pipe\n");
            failed = 1;
            count = i + 1;
            break;
        }
    }
    /* Handles first: every stage's files and pipe ends. */
    for (int i = 0; i < count && !failed; i++) {
        struct shell_command *c = &pl->cmds[i];
        struct stage *s = &stages[i];
        if (ulib_strcasecmp(c->argv[0], "time") == 0) {
            if (c->argc < 2) {
                uprintf("time: name a program\n");
                failed = 1;
                break;
            }
            s->first = 1;
            timed = true;
        }
        if (open_redirections(c, s->files) != 0) {
            failed = 1;
            break;
        }
        s->std[0] = s->files[0] ? s->files[0] : i > 0 ? pipe_read[i - 1] : 0;
        s->std[1] = s->files[1] ? s->files[1] : i + 1 < count ? pipe_write[i] : 0;
        s->std[2] = s->files[2] ? s->files[2] : c->err_to_out ? s->std[1] : 0;
        if (c->err_to_out && !s->std[2])
            s->std[2] = DORMER_STD_CONSOLE; /* 2>&1 with the output on the console */
        s->builtin = s->first ? NULL : sh_find_builtin(c->argv[0]);
    }
    /* Then the programs, all at once, so a pipeline's readers run while it writes. */
    uint64_t t0 = uptime_us();
    for (int i = 0; i < count && !failed; i++) {
        if (stages[i].builtin)
            continue;
        sh_err = stage_error(&stages[i]);
        failed |= start_program(&stages[i], &pl->cmds[i]);
        sh_err = 0;
    }
    /* The built-ins in order, each writing to its stage's output; closing that
     * output (below) ends the input of the next stage. */
    for (int i = 0; i < count && !failed; i++) {
        struct stage *s = &stages[i];
        if (!s->builtin)
            continue;
        sh_out = s->std[1];
        sh_err = stage_error(s);
        status = s->builtin(&pl->cmds[i], ctx);
        sh_out = sh_err = 0;
        if (s->std[1] == pipe_write[i])
            close_handle(&pipe_write[i]);
    }
    for (int i = 0; i < SHELL_MAX_CMDS; i++) {
        close_handle(&pipe_read[i]);
        close_handle(&pipe_write[i]);
        for (int k = 0; k < 3; k++)
            close_handle(&stages[i].files[k]);
    }
    if (failed) {
        for (int i = 0; i < count; i++)
            if (stages[i].process)
                NtTerminateProcess(stages[i].process, STATUS_TERMINATED);
        wait_programs(stages, count, false, t0);
        sh_errorlevel = 1;
        return;
    }
    int32_t program_status = wait_programs(stages, count, timed, t0);
    sh_errorlevel = stages[count - 1].builtin ? status : program_status;
}

int main(void)
{
    static struct shell_pipeline pl;
    char line[SHELL_LINE_MAX + 1], cwd[SHELL_PATH_MAX + 1], prompt[SHELL_PATH_MAX + 2];
    uint64_t started = uptime_us();
    struct sh_context ctx = { false, 0 };

    uprintf("Dormer shell, started %llu.%03llu ms after the kernel. Type help for commands.\n",
            (unsigned long long)(started / 1000), (unsigned long long)(started % 1000));
    for (;;) {
        sh_cwd(cwd, sizeof cwd);
        usnprintf(prompt, sizeof prompt, "%s>", cwd);
        long n = sh_read_line(prompt, line, sizeof line);
        if (n < 0)
            return 0; /* end of input (a script's end): like exit */
        enum shell_parse_result r = shell_parse(line, (size_t)n, lookup_var, NULL, &pl);
        if (r == SHELL_PARSE_EMPTY)
            continue;
        if (r != SHELL_PARSE_OK) {
            uprintf("syntax error: %s\n", shell_parse_message(r));
            sh_errorlevel = 1;
            continue;
        }
        run_pipeline(&pl, &ctx);
        if (ctx.quit)
            return ctx.exit_status;
    }
}
