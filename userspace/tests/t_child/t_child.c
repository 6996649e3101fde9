/*
 * t_child: the program the process tests start, doing what its first argument says.
 * Alone (as utest=all runs it) it does nothing and exits 0. The modes:
 *   N                  exit with status N (decimal)
 *   spin               loop forever without a system call (t_terminate kills it)
 *   print              write "child says hello" to its console (t_pipe's pipe), exit 0
 *   sleep              sleep 200 ms, exit 5
 *   busy MS [START]    sleep until START (ns since boot, default now), then count for MS
 *                      ms of wall time; exit with the count / 1000 (t_fair)
 *   lastthread         main thread ends first; a thread ending 100 ms later returns 9,
 *                      which must become the process's exit status
 *   threadkill         a thread ends the process (status 0x77) while main waits forever
 *   read               read a line from the console (nobody types in the tests: it waits
 *                      until t_terminate kills it); exit 6 if a line comes
 *   stderr             "child to stderr" on its error output, then "child to stdout" on
 *                      its output (t_stdhandles), exit 0
 *   lines              read console lines until the input ends, writing "line: TEXT"
 *                      for each; exit with the count (t_stdhandles, from a file)
 *   spawnprint         start "t_child.exe print" with its standard handles inherited,
 *                      wait for it, exit with its status
 */
#include <dormer.h>

/* Decimal digits at the start of s; 0 when there are none. */
static uint64_t parse_u64(const char *s)
{
    uint64_t v = 0;

    while (*s >= '0' && *s <= '9')
        v = v * 10 + (uint64_t)(*s++ - '0');
    return v;
}

static uint64_t now_ns(void)
{
    uint64_t ns = 0;

    DmQueryUptime(&ns);
    return ns;
}

static volatile uint64_t busy_sink;

/*
 * Both t_fair children get the same window [start, start + ms): each counts blocks of
 * 1000 increments and reads the clock after every 16th block, so the count measures the
 * CPU time it got inside the window.
 */
static uint32_t busy(uint64_t ms, uint64_t start)
{
    uint64_t now = now_ns(), end, blocks = 0;

    if (start == 0)
        start = now;
    if (start > now + 1000000)
        DmDelayExecution((start - now) / 1000000);
    while (now_ns() < start)
        NtYieldExecution();
    end = start + ms * 1000000;
    for (;;) {
        for (int b = 0; b < 16; b++) {
            for (int i = 0; i < 1000; i++)
                busy_sink++;
        }
        blocks += 16;
        if (now_ns() >= end)
            break;
    }
    return (uint32_t)blocks;
}

static uint32_t late_thread(uint64_t arg)
{
    DmDelayExecution(100);
    return (uint32_t)arg;
}

static uint32_t killer_thread(uint64_t arg)
{
    DmDelayExecution(50);
    NtTerminateProcess(DORMER_CURRENT_PROCESS, (uint32_t)arg);
    return 0xbad; /* not reached */
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : NULL;
    dormer_handle_t h = 0;

    if (!mode)
        return 0;
    if (strcmp(mode, "spin") == 0) {
        for (;;)
            busy_sink++;
    }
    if (strcmp(mode, "print") == 0) {
        uprintf("child says hello\n");
        return 0;
    }
    if (strcmp(mode, "read") == 0) {
        char line[64];
        uint64_t got = 0;
        DmReadConsole(line, sizeof line, &got);
        return 6;
    }
    if (strcmp(mode, "stderr") == 0) {
        DmWriteConsoleError("child to stderr\n", 16);
        uprintf("child to stdout\n");
        return 0;
    }
    if (strcmp(mode, "lines") == 0) {
        char line[128];
        uint64_t got = 0;
        int count = 0;
        while (DmReadConsole(line, sizeof line - 1, &got) == STATUS_SUCCESS) {
            line[got] = '\0';
            uprintf("line: %s", line);
            count++;
        }
        return count;
    }
    if (strcmp(mode, "spawnprint") == 0) {
        int32_t status = 0xbad;
        if (!NT_SUCCESS(DormerSpawn("t_child.exe print", 0, &h)) ||
            DormerWait(h, DORMER_INFINITE) != STATUS_WAIT_0)
            return 0xbad;
        DmQueryExitStatus(h, &status);
        return status;
    }
    if (strcmp(mode, "sleep") == 0) {
        DmDelayExecution(200);
        return 5;
    }
    if (strcmp(mode, "busy") == 0)
        return (int)busy(argc > 2 ? parse_u64(argv[2]) : 1000, argc > 3 ? parse_u64(argv[3]) : 0);
    if (strcmp(mode, "lastthread") == 0) {
        if (!NT_SUCCESS(DormerCreateThread(&h, late_thread, 9, 0)))
            return 0xbad;
        DmExitThread(3);
        return 0xbad; /* not reached: crt0 would end the whole process with it */
    }
    if (strcmp(mode, "threadkill") == 0) {
        dormer_handle_t never = 0;

        if (!NT_SUCCESS(DmCreateEvent(&never, 1, 0)) ||
            !NT_SUCCESS(DormerCreateThread(&h, killer_thread, 0x77, 0)))
            return 0xbad;
        DormerWait(never, DORMER_INFINITE);
        return 0xbad; /* not reached */
    }
    return (int)parse_u64(mode);
}
