/*
 * t_fair: two CPU-bound processes share the processor evenly. Starts two
 * "t_child.exe busy 1000 START" children, which both count in the same one-second
 * window of wall time (from START, a moment after both exist) and exit with their
 * counts in thousands; the counts must be within 20% of each other (both printed).
 */
#include "../threads.h"

#define WINDOW_MS 1000
#define START_DELAY_MS 300 /* room to load both children before the window opens */

int main(void)
{
    dormer_handle_t child[2] = {0, 0};
    int32_t count[2] = {0, 0};
    char cmd[80];
    uint64_t start = threads_now_ns() + START_DELAY_MS * THREADS_MS, lo, hi;
    int started = 0;

    usnprintf(cmd, sizeof(cmd), "t_child.exe busy %d %llu", WINDOW_MS,
              (unsigned long long)start);
    for (int i = 0; i < 2; i++)
        started += DormerSpawn(cmd, 0, &child[i]) == STATUS_SUCCESS;
    CHECK(started == 2, "spawn_two_busy_children");
    CHECK(threads_now_ns() < start, "both_started_before_window");
    if (started != 2)
        return ulib_check_summary();
    CHECK_STATUS(DmWaitForMultipleObjects(2, child, 1, THREADS_TIMEOUT_MS), STATUS_WAIT_0,
                 "both_children_end");
    for (int i = 0; i < 2; i++) {
        count[i] = threads_exit_status(child[i]);
        NtClose(child[i]);
    }
    uprintf("t_fair: counts %d and %d (thousands of iterations in %d ms)\n", count[0],
            count[1], WINDOW_MS);
    CHECK(count[0] > 0 && count[1] > 0 && count[0] != STATUS_PENDING &&
              count[1] != STATUS_PENDING, "both_children_counted");
    lo = (uint64_t)(count[0] < count[1] ? count[0] : count[1]);
    hi = (uint64_t)(count[0] < count[1] ? count[1] : count[0]);
    ulib_check(count[0] > 0 && count[1] > 0 && lo * 100 >= hi * 80, "counts_within_20_percent",
               "%d vs %d", count[0], count[1]);
    return ulib_check_summary();
}
