/*
 * t_spawn50: 50 processes at once. Starts "t_child.exe N" for N = 100..149 without
 * waiting in between, waits for all of them in one wait-all, and checks each exit status
 * is its N. A first round warms the kernel's caches; around a second round the frames in
 * use must come back to within a few of where they were (printed). Also: starting a
 * missing program or a broken image fails (at creation or as the child's exit status).
 */
#include "../threads.h"

#define CHILDREN 50
#define FIRST_STATUS 100
#define FRAME_SLACK 8 /* kernel heap pages that may stay cached */

static dormer_handle_t children[CHILDREN];

static uint64_t used_frames(void)
{
    struct dormer_memory_counters c;

    if (!NT_SUCCESS(DmQuerySystemInformation(DORMER_INFO_MEMORY, &c, sizeof(c))))
        return 0;
    return c.used_frames;
}

/* One round: start, wait, check, close. Check names get the round's prefix. */
static void spawn_round(const char *round)
{
    char name[64], cmd[64];
    int started = 0, statuses_ok = 1, closed = 1;
    dormer_status_t st, failed = STATUS_SUCCESS;

    for (int i = 0; i < CHILDREN; i++) {
        usnprintf(cmd, sizeof(cmd), "t_child.exe %d", FIRST_STATUS + i);
        children[i] = 0;
        st = DormerSpawn(cmd, 0, &children[i]);
        if (!NT_SUCCESS(st)) {
            failed = st;
            break;
        }
        started++;
    }
    usnprintf(name, sizeof(name), "%s_spawn_all", round);
    ulib_check(started == CHILDREN, name, "started %d, then status 0x%08x", started,
               (uint32_t)failed);

    usnprintf(name, sizeof(name), "%s_wait_all", round);
    CHECK_STATUS(threads_wait_all(children, (uint64_t)started, THREADS_TIMEOUT_MS), STATUS_WAIT_0,
                 name);
    for (int i = 0; i < started; i++) {
        int32_t status = threads_exit_status(children[i]);

        if (status != FIRST_STATUS + i) {
            if (statuses_ok)
                uprintf("t_spawn50: child %d exited with 0x%08x\n", i, (uint32_t)status);
            statuses_ok = 0;
        }
    }
    usnprintf(name, sizeof(name), "%s_exit_statuses", round);
    CHECK(statuses_ok, name);
    for (int i = 0; i < started; i++)
        closed &= NtClose(children[i]) == STATUS_SUCCESS;
    usnprintf(name, sizeof(name), "%s_close_all", round);
    CHECK(closed, name);
}

/* A program that must not run: creation fails, or the child ends with a failure. */
static void check_refused(const char *cmdline, const char *name)
{
    dormer_handle_t h = 0;
    dormer_status_t created = DormerSpawn(cmdline, 0, &h), st = STATUS_SUCCESS;
    int32_t status = 0;

    if (NT_SUCCESS(created)) {
        st = DormerWait(h, THREADS_TIMEOUT_MS);
        status = threads_exit_status(h);
        NtClose(h);
    }
    ulib_check(!NT_SUCCESS(created) || (st == STATUS_WAIT_0 && status != 0 &&
                                        status != STATUS_PENDING),
               name, "created; wait 0x%08x, exit status 0x%08x", (uint32_t)st,
               (uint32_t)status);
}

int main(void)
{
    uint64_t before, after;

    check_refused("nosuch.exe", "spawn_missing_program_fails");
    check_refused("bad_image.exe", "spawn_bad_image_fails");

    spawn_round("warmup");
    before = used_frames();
    spawn_round("measured");
    /* Freeing an ended process's memory may trail its exit a little: give it a second. */
    after = used_frames();
    for (int i = 0; i < 100 && after > before + FRAME_SLACK; i++) {
        DmDelayExecution(10);
        after = used_frames();
    }
    uprintf("t_spawn50: used frames before %llu, after %llu\n", (unsigned long long)before,
            (unsigned long long)after);
    ulib_check(before > 0 && after <= before + FRAME_SLACK && after + FRAME_SLACK >= before,
               "frames_return_after_50_children", "before %llu after %llu",
               (unsigned long long)before, (unsigned long long)after);
    return ulib_check_summary();
}
