/*
 * shell: Dormer's command line, started at boot when the kernel command line names no
 * init= program. It reads a line, runs a built-in command or starts a program from the
 * boot file system (`.exe` may be left out) with the rest of the line as its arguments,
 * waits for it, and reports a non-zero exit status. `exit [N]` ends the shell with
 * status N; a headless machine then powers off with that status.
 */
#include <dormer.h>

#define LINE_MAX   256
#define NAME_MAX   64
#define MAX_PROCS  32

static uint64_t uptime_us(void)
{
    uint64_t ns = 0;

    NtQuerySystemTime(&ns);
    return ns / 1000;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static char *skip_spaces(char *s)
{
    while (is_space(*s))
        s++;
    return s;
}

/* Split off the first word of s (NUL-terminating it); returns the rest. */
static char *first_word(char *s)
{
    while (*s && !is_space(*s))
        s++;
    if (*s)
        *s++ = '\0';
    return skip_spaces(s);
}

/* Decimal (with an optional minus sign); *ok is 0 when s is not a number. */
static int32_t parse_int(const char *s, int *ok)
{
    int32_t sign = 1, v = 0;

    *ok = 0;
    if (*s == '-') {
        sign = -1;
        s++;
    }
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (*s++ - '0');
        *ok = 1;
    }
    if (*s)
        *ok = 0;
    return sign * v;
}

static void cmd_help(void)
{
    uprintf("Built-in commands:\n"
            "  help          this list\n"
            "  ls            the programs and DLLs on the boot file system\n"
            "  ps            the processes, with their threads and pages\n"
            "  mem           frames of memory: total, free, used, shared by images\n"
            "  echo TEXT     print TEXT\n"
            "  time NAME ... run a program and print how long it took\n"
            "  exit [N]      end the shell with status N (default 0)\n"
            "Anything else starts a program: NAME[.exe] [arguments], for example\n"
            "  hello a b     (hello.exe with two arguments)\n"
            "  together      (three programs at once)\n");
}

static void cmd_ls(void)
{
    struct dormer_dir_entry e;
    uint64_t i = 0, bytes = 0;

    while (NtQueryDirectoryFile(i, &e, sizeof e) == STATUS_SUCCESS) {
        uprintf("  %8llu  %s\n", (unsigned long long)e.size, e.name);
        bytes += e.size;
        i++;
    }
    uprintf("%llu files, %llu bytes\n", (unsigned long long)i, (unsigned long long)bytes);
}

static void cmd_ps(void)
{
    static struct dormer_process_info list[MAX_PROCS];
    uint64_t total = 0;
    dormer_status_t st = NtQuerySystemProcesses(list, MAX_PROCS, &total);

    if (!NT_SUCCESS(st) && st != STATUS_BUFFER_TOO_SMALL) {
        uprintf("ps: cannot list processes (0x%08x)\n", (uint32_t)st);
        return;
    }
    uprintf("  pid  parent threads  pages  state    name\n");
    for (uint64_t i = 0; i < total && i < MAX_PROCS; i++)
        uprintf("  %3u  %6u %7u %6u  %-8s %s\n", (unsigned)list[i].pid,
                (unsigned)list[i].parent_pid, (unsigned)list[i].threads,
                (unsigned)list[i].resident_pages,
                list[i].state == DORMER_PROCESS_RUNNING ? "running" : "exited", list[i].name);
    if (total > MAX_PROCS)
        uprintf("  ... and %u more\n", (unsigned)(total - MAX_PROCS));
}

static void cmd_mem(void)
{
    struct dormer_memory_counters c;
    dormer_status_t st = NtQuerySystemInformation(DORMER_INFO_MEMORY, &c, sizeof c);

    if (!NT_SUCCESS(st)) {
        uprintf("mem: cannot read the counters (0x%08x)\n", (uint32_t)st);
        return;
    }
    uprintf("memory: %llu frames of %u KiB, %llu free, %llu used (%llu shared by images)\n"
            "this shell maps %llu pages\n",
            (unsigned long long)c.total_frames, (unsigned)(c.page_size / 1024),
            (unsigned long long)c.free_frames, (unsigned long long)c.used_frames,
            (unsigned long long)c.shared_frames, (unsigned long long)c.process_pages);
}

/* Start the program the line names, wait for it; 1 if it could not be started. */
static int run_program(char *line, int timed)
{
    char cmdline[LINE_MAX + 8], name[NAME_MAX + 8];
    char *rest = first_word(line);
    size_t len = strlen(line);
    dormer_handle_t h = 0;
    int32_t status = 0;

    if (len > NAME_MAX) {
        uprintf("%s: name too long\n", line);
        return 1;
    }
    memcpy(name, line, len + 1);
    if (len < 4 || ulib_strcasecmp(name + len - 4, ".exe") != 0)
        memcpy(name + len, ".exe", 5);
    usnprintf(cmdline, sizeof cmdline, "%s%s%s", name, *rest ? " " : "", rest);

    uint64_t t0 = uptime_us();
    dormer_status_t st = DormerSpawn(cmdline, 0, &h);
    if (st == STATUS_OBJECT_NAME_NOT_FOUND) {
        uprintf("%s: no such program or command (try help)\n", line);
        return 1;
    }
    if (!NT_SUCCESS(st)) {
        uprintf("%s: cannot start it (0x%08x)\n", name, (uint32_t)st);
        return 1;
    }
    st = DormerWait(h, DORMER_INFINITE);
    uint64_t t1 = uptime_us();
    if (st == STATUS_WAIT_0)
        NtQueryExitStatus(h, &status);
    NtClose(h);
    if (st != STATUS_WAIT_0)
        uprintf("%s: wait failed (0x%08x)\n", name, (uint32_t)st);
    else if (status != 0)
        uprintf("[%s exited with status %d (0x%08x)]\n", name, (int)status, (uint32_t)status);
    if (timed)
        uprintf("[%s took %llu.%03llu ms]\n", name, (unsigned long long)((t1 - t0) / 1000),
                (unsigned long long)((t1 - t0) % 1000));
    return 0;
}

/* Is the line's first word `word`? Then *args gets what follows it. */
static int is_command(char *line, const char *word, char **args)
{
    size_t n = strlen(word);

    if (strncmp(line, word, n) != 0 || (line[n] && !is_space(line[n])))
        return 0;
    *args = skip_spaces(line + n);
    return 1;
}

/* Run one line; returns 1 and sets *exit_status when the shell should end. */
static int run_line(char *line, int32_t *exit_status)
{
    char *cmd = skip_spaces(line), *args;
    char *end = cmd + strlen(cmd);

    while (end > cmd && is_space(end[-1]))
        *--end = '\0';
    if (!*cmd)
        return 0;
    if (is_command(cmd, "help", &args)) {
        cmd_help();
    } else if (is_command(cmd, "ls", &args)) {
        cmd_ls();
    } else if (is_command(cmd, "ps", &args)) {
        cmd_ps();
    } else if (is_command(cmd, "mem", &args)) {
        cmd_mem();
    } else if (is_command(cmd, "echo", &args)) {
        uprintf("%s\n", args);
    } else if (is_command(cmd, "time", &args)) {
        if (*args)
            run_program(args, 1);
        else
            uprintf("time: name a program\n");
    } else if (is_command(cmd, "exit", &args)) {
        int ok = 1;
        *exit_status = *args ? parse_int(args, &ok) : 0;
        if (ok)
            return 1;
        uprintf("exit: not a number: %s\n", args);
    } else {
        run_program(cmd, 0);
    }
    return 0;
}

int main(void)
{
    char line[LINE_MAX];
    uint64_t started = uptime_us();
    int32_t status = 0;

    uprintf("Dormer shell, started %llu.%03llu ms after the kernel. Type help for commands.\n",
            (unsigned long long)(started / 1000), (unsigned long long)(started % 1000));
    for (;;) {
        uint64_t got = 0;
        uprintf("dormer> ");
        dormer_status_t st = NtReadConsole(line, sizeof line, &got);
        if (st == STATUS_END_OF_FILE) {
            uprintf("\n");
            return 0; /* end of input (a script's end): like exit */
        }
        if (!NT_SUCCESS(st))
            return 1;
        line[got < sizeof line ? got : sizeof line - 1] = '\0';
        if (run_line(line, &status))
            return status;
    }
}
