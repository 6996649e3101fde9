/*
 * together: starts three tickers at once, shows the process list while they run,
 * then waits for all of them and prints their exit codes. Several programs sharing
 * the CPU, on one screen.
 */
#include <dormer.h>

#define CHILDREN 3

static void show_processes(void)
{
    struct dormer_process_info list[16];
    uint64_t total = 0;

    DmQuerySystemProcesses(list, 16, &total);
    uprintf("  pid  parent threads  pages  state    name\n");
    for (uint64_t i = 0; i < total && i < 16; i++)
        uprintf("  %3u  %6u %7u %6u  %-8s %s\n", (unsigned)list[i].pid,
                (unsigned)list[i].parent_pid, (unsigned)list[i].threads,
                (unsigned)list[i].resident_pages,
                list[i].state == DORMER_PROCESS_RUNNING ? "running" : "exited", list[i].name);
}

int main(void)
{
    static const char *const cmdlines[CHILDREN] = {
        "ticker.exe alpha 4 120",
        "ticker.exe beta 3 170",
        "ticker.exe gamma 5 90",
    };
    dormer_handle_t children[CHILDREN];

    for (int i = 0; i < CHILDREN; i++) {
        dormer_status_t st = DormerSpawn(cmdlines[i], 0, &children[i]);
        if (!NT_SUCCESS(st)) {
            uprintf("together: cannot start %s (0x%x)\n", cmdlines[i], (unsigned)st);
            return 1;
        }
    }
    DmDelayExecution(150);
    show_processes();
    DmWaitForMultipleObjects(CHILDREN, children, 1, DORMER_INFINITE);
    for (int i = 0; i < CHILDREN; i++) {
        int32_t status = 0;
        DmQueryExitStatus(children[i], &status);
        uprintf("together: \"%s\" exited with %d\n", cmdlines[i], (int)status);
        NtClose(children[i]);
    }
    return 0;
}
