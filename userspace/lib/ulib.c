/*
 * ulib: the freestanding helpers linked statically into every Dormer image (console
 * printf, command-line splitting, constructors, test reporting) over the library shared
 * with the kernel (strings and formatting). There is no C library underneath; nothing
 * has state beyond the check counters; output goes through ntdll's DmWriteConsole.
 */
#include <dormer.h>

/* ------------------------------------------------------------- formatting ---- */

/* The memory, string and printf routines are the kernel's own (kernel/lib/string.c and
 * fmt.c, compiled again for user space and archived with this file): one copy of each.
 * Here only the two outputs: a bounded buffer, and the console in pieces. */

int uvsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
    return fmt_vsnprintf(buf, n, fmt, ap);
}

int usnprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    int len;

    va_start(ap, fmt);
    len = fmt_vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return len;
}

/* Console output is gathered into a small buffer and written in pieces. */
struct console_sink {
    char buf[256];
    size_t len;
};

static void console_put(void *ctx, char c)
{
    struct console_sink *s = ctx;

    if (s->len == sizeof(s->buf)) {
        DmWriteConsole(s->buf, s->len);
        s->len = 0;
    }
    s->buf[s->len++] = c;
}

int uprintf(const char *fmt, ...)
{
    struct console_sink s = {.len = 0};
    va_list ap;
    int len;

    va_start(ap, fmt);
    len = fmt_vformat(console_put, &s, fmt, ap);
    va_end(ap);
    if (s.len)
        DmWriteConsole(s.buf, s.len);
    return len;
}

/* ----------------------------------------------------------- command line ---- */

int ulib_split_args(char *line, char **argv, int max_args)
{
    char *out = line;
    int argc = 0;

    for (;;) {
        int quoted = 0;
        char *word = out;

        while (*line == ' ' || *line == '\t')
            line++;
        if (!*line)
            break;
        /* Copy the word down over itself, dropping the quotes. */
        for (; *line; line++) {
            if (*line == '"')
                quoted = !quoted;
            else if (!quoted && (*line == ' ' || *line == '\t'))
                break;
            else
                *out++ = *line;
        }
        if (*line)
            line++;
        *out++ = '\0';
        if (argc < max_args)
            argv[argc++] = word;
    }
    argv[argc] = NULL;
    return argc;
}

/* ----------------------------------------------------------- constructors ---- */

/*
 * GNU ld's PE script builds the list as { -1, ctor..., 0 } in .text (so the loader
 * relocates .text too); libgcc runs it last-to-first, and so do we.
 */
typedef void (*ctor_fn)(void);
extern ctor_fn __CTOR_LIST__[];

void ulib_run_constructors(void)
{
    static int done;
    size_t n = 0;

    if (done)
        return;
    done = 1;
    while (__CTOR_LIST__[n + 1])
        n++;
    for (; n; n--)
        __CTOR_LIST__[n]();
}

/* ----------------------------------------------------------- test reports ---- */

static int checks_run, checks_failed;

int ulib_check(int ok, const char *name, const char *why_fmt, ...)
{
    char why[200];
    va_list ap;

    checks_run++;
    if (ok) {
        uprintf("check %s ... ok\n", name);
        return 1;
    }
    checks_failed++;
    va_start(ap, why_fmt);
    uvsnprintf(why, sizeof(why), why_fmt, ap);
    va_end(ap);
    uprintf("check %s ... FAIL (%s)\n", name, why);
    return 0;
}

int ulib_check_summary(void)
{
    uprintf("%d checks, %d failed\n", checks_run, checks_failed);
    return checks_failed ? 1 : 0;
}

/* ------------------------------------------------------------------ files ---- */

dormer_status_t ulib_open(const char *path, uint32_t access, uint32_t options,
                          dormer_handle_t *handle)
{
    uint16_t wide[ULIB_PATH_MAX];
    uint64_t n = 0;

    for (; path[n] && n < ULIB_PATH_MAX; n++)
        wide[n] = (uint8_t)path[n];
    if (path[n])
        return STATUS_OBJECT_NAME_INVALID;
    struct dormer_create_file a = {
        access, DORMER_FILE_SHARE_READ | DORMER_FILE_SHARE_WRITE | DORMER_FILE_SHARE_DELETE,
        DORMER_FILE_OPEN, options, 0, 0,
    };
    return DmCreateFile(handle, wide, n, &a);
}
