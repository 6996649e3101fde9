/*
 * t_terminate: ending processes from outside and from inside. A spinning child is
 * killed with NtTerminateProcess(child, 0x1234) and its handle reports that status;
 * DmQuerySystemProcesses lists this process and the ended child while the child's handle
 * is open, and no longer lists the child once it is closed. Also: a child blocked in the
 * kernel (asleep, or waiting for a typed line) can be killed, a process whose main thread ends first takes its last thread's
 * status, and any thread can end its whole process.
 */
#include "../threads.h"

#define MAX_PROCESSES 64
#define KILL_STATUS 0x1234

static struct dormer_process_info procs[MAX_PROCESSES];
static uint64_t self_pid;

/* Lists every process into procs; returns how many there are (0 on failure). */
static uint64_t list_processes(void)
{
    uint64_t needed = 0;

    memset(procs, 0xcc, sizeof(procs));
    if (DmQuerySystemProcesses(procs, MAX_PROCESSES, &needed) != STATUS_SUCCESS)
        return 0;
    return needed;
}

static int name_is(const struct dormer_process_info *p, const char *name)
{
    for (size_t i = 0; i < sizeof(p->name); i++) {
        if (p->name[i] == '\0')
            return ulib_strcasecmp(p->name, name) == 0;
    }
    return 0; /* not terminated */
}

/* This process's entry; NULL if absent. */
static const struct dormer_process_info *find_self(uint64_t n)
{
    for (uint64_t i = 0; i < n && i < MAX_PROCESSES; i++) {
        if (procs[i].pid == self_pid)
            return &procs[i];
    }
    return NULL;
}

/* The one child of this process named t_child.exe; NULL if there is none or more. */
static const struct dormer_process_info *find_child(uint64_t n)
{
    const struct dormer_process_info *found = NULL;

    for (uint64_t i = 0; i < n && i < MAX_PROCESSES; i++) {
        if (procs[i].parent_pid == self_pid && name_is(&procs[i], "t_child.exe")) {
            if (found)
                return NULL; /* two: not what the test set up */
            found = &procs[i];
        }
    }
    return found;
}

static void print_entry(const char *what, const struct dormer_process_info *p)
{
    if (!p) {
        uprintf("t_terminate: %s: not listed\n", what);
        return;
    }
    uprintf("t_terminate: %s: pid %llu parent %llu threads %llu pages %llu state %u "
            "status 0x%08x\n", what, (unsigned long long)p->pid,
            (unsigned long long)p->parent_pid, (unsigned long long)p->threads,
            (unsigned long long)p->resident_pages, p->state, (uint32_t)p->exit_status);
}

static void check_self(uint64_t n, const char *name)
{
    const struct dormer_process_info *me = find_self(n);

    ulib_check(me && me->state == DORMER_PROCESS_RUNNING && me->threads >= 1 &&
                   me->resident_pages > 0 && name_is(me, "t_terminate.exe"),
               name, "%s", me ? "wrong fields" : "pid not listed");
}

static void test_kill_spinning(void)
{
    dormer_handle_t child = 0;
    const struct dormer_process_info *p;
    uint64_t n, needed = 0, child_pid = 0;

    CHECK_STATUS(DormerSpawn("t_child.exe spin", 0, &child), STATUS_SUCCESS, "spawn_spinner");
    DmDelayExecution(100);
    CHECK(threads_exit_status(child) == STATUS_PENDING, "spinner_pending");
    CHECK_STATUS(DormerWait(child, 0), STATUS_TIMEOUT, "spinner_not_signaled");

    n = list_processes();
    CHECK(n >= 2, "list_processes");
    check_self(n, "lists_self_running");
    print_entry("self", find_self(n));
    p = find_child(n);
    print_entry("running child", p);
    ulib_check(p && p->state == DORMER_PROCESS_RUNNING && p->threads == 1 &&
                   p->resident_pages > 0 && p->pid != self_pid,
               "lists_running_child", "%s", p ? "wrong fields" : "not listed");
    child_pid = p ? p->pid : 0;

    CHECK_STATUS(NtTerminateProcess(child, KILL_STATUS), STATUS_SUCCESS, "terminate_child");
    CHECK_STATUS(DormerWait(child, THREADS_TIMEOUT_MS), STATUS_WAIT_0, "killed_child_signaled");
    CHECK(threads_exit_status(child) == KILL_STATUS, "killed_child_status_0x1234");
    NtTerminateProcess(child, 0x999); /* too late: the first status stays */
    CHECK(threads_exit_status(child) == KILL_STATUS, "second_terminate_changes_nothing");

    n = list_processes();
    check_self(n, "lists_self_after_kill");
    p = find_child(n);
    print_entry("ended child", p);
    ulib_check(p && p->pid == child_pid && p->state == DORMER_PROCESS_EXITED &&
                   p->exit_status == KILL_STATUS && p->threads == 0,
               "lists_ended_child_while_open", "%s", p ? "wrong fields" : "not listed");

    memset(procs, 0xcc, sizeof(procs));
    CHECK_STATUS(DmQuerySystemProcesses(procs, 1, &needed), STATUS_INFO_LENGTH_MISMATCH,
                 "list_into_one_entry");
    CHECK(needed == n && procs[0].pid != 0xccccccccccccccccull && procs[1].pid ==
          0xccccccccccccccccull, "one_entry_filled_needed_all");
    needed = 0;
    CHECK_STATUS(DmQuerySystemProcesses(NULL, 0, &needed), STATUS_INFO_LENGTH_MISMATCH,
                 "list_count_only");
    CHECK(needed == n, "count_only_needed");

    CHECK_STATUS(NtClose(child), STATUS_SUCCESS, "close_killed_child");
    n = list_processes();
    check_self(n, "lists_self_after_close");
    p = NULL;
    for (uint64_t i = 0; i < n && i < MAX_PROCESSES; i++) {
        if (procs[i].pid == child_pid)
            p = &procs[i];
    }
    CHECK(n >= 1 && !p, "closed_child_gone");
}

/* Spawns cmdline, optionally kills it at once, returns its exit status. */
static int32_t run_child(const char *cmdline, int kill, uint32_t kill_status)
{
    dormer_handle_t h = 0;
    dormer_status_t st = DormerSpawn(cmdline, 0, &h);
    int32_t status;

    if (!NT_SUCCESS(st))
        return st;
    if (kill) {
        DmDelayExecution(20); /* let it get into its sleep */
        NtTerminateProcess(h, kill_status);
    }
    st = DormerWait(h, THREADS_TIMEOUT_MS);
    status = st == STATUS_WAIT_0 ? threads_exit_status(h) : st;
    NtClose(h);
    return status;
}

int main(void)
{
    int32_t status;

    self_pid = DormerGetTeb()->client_id_process;
    test_kill_spinning();
    status = run_child("t_child.exe sleep", 1, 0x4321);
    ulib_check(status == 0x4321, "kill_sleeping_child", "status 0x%08x", (uint32_t)status);
    status = run_child("t_child.exe read", 1, 0x5151);
    ulib_check(status == 0x5151, "kill_child_waiting_for_input", "status 0x%08x",
               (uint32_t)status);
    status = run_child("t_child.exe sleep", 0, 0);
    ulib_check(status == 5, "sleeping_child_left_alone", "status 0x%08x", (uint32_t)status);
    status = run_child("t_child.exe lastthread", 0, 0);
    ulib_check(status == 9, "last_thread_sets_process_status", "status 0x%08x",
               (uint32_t)status);
    status = run_child("t_child.exe threadkill", 0, 0);
    ulib_check(status == 0x77, "thread_ends_its_process", "status 0x%08x", (uint32_t)status);
    return ulib_check_summary();
}
