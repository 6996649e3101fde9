/*
 * t_abandoned: a mutex whose owner thread ends without releasing it is abandoned; the
 * next thread to get it is told so with STATUS_ABANDONED_WAIT_0 + index and owns it.
 * Three ways: the owner is already gone when the wait starts, the owner ends while the
 * waiter sleeps, and the mutex is the second object of a wait-any. Afterwards the mutex
 * works normally again.
 */
#include "../threads.h"

static dormer_handle_t mutex, taken;

/* Takes the mutex, says so, holds it for delay_ms, ends without releasing it. */
static uint32_t owner_dies(uint64_t delay_ms)
{
    if (DmWaitForMultipleObjects(1, &mutex, 0, THREADS_TIMEOUT_MS) != STATUS_WAIT_0)
        return 1;
    DmSetEvent(taken);
    if (delay_ms)
        DmDelayExecution(delay_ms);
    return 7;
}

/* Polls the mutex from another thread: STATUS_TIMEOUT while someone owns it. */
static uint32_t poll_mutex(uint64_t arg)
{
    dormer_status_t st = DormerWait(mutex, 0);

    (void)arg;
    if (st == STATUS_WAIT_0 || st == STATUS_ABANDONED_WAIT_0)
        DmReleaseMutex(mutex);
    return (uint32_t)st;
}

static void test_already_abandoned(void)
{
    CHECK(threads_run(owner_dies, 0) == 7, "owner_thread_ends");
    CHECK_STATUS(DormerWait(mutex, THREADS_TIMEOUT_MS), STATUS_ABANDONED_WAIT_0,
                 "wait_reports_abandoned");
    CHECK(threads_run(poll_mutex, 0) == STATUS_TIMEOUT, "abandoned_mutex_now_owned");
    CHECK_STATUS(DmReleaseMutex(mutex), STATUS_SUCCESS, "new_owner_releases");
    CHECK_STATUS(DormerWait(mutex, 0), STATUS_WAIT_0, "plain_acquire_after_abandon");
    CHECK_STATUS(DmReleaseMutex(mutex), STATUS_SUCCESS, "plain_release_after_abandon");
}

static void test_abandoned_while_waiting(void)
{
    dormer_handle_t h = 0;

    DmResetEvent(taken); /* set by the first owner */
    CHECK_STATUS(DormerCreateThread(&h, owner_dies, 200, 0), STATUS_SUCCESS,
                 "create_sleeping_owner");
    CHECK_STATUS(DormerWait(taken, THREADS_TIMEOUT_MS), STATUS_WAIT_0, "owner_took_mutex");
    CHECK(threads_exit_status(h) == STATUS_PENDING, "owner_still_running");
    CHECK_STATUS(DormerWait(mutex, THREADS_TIMEOUT_MS), STATUS_ABANDONED_WAIT_0,
                 "sleeping_waiter_gets_abandoned");
    CHECK_STATUS(DormerWait(h, THREADS_TIMEOUT_MS), STATUS_WAIT_0, "owner_ended");
    CHECK(threads_exit_status(h) == 7, "owner_status");
    CHECK_STATUS(DmReleaseMutex(mutex), STATUS_SUCCESS, "release_after_sleeping_abandon");
    NtClose(h);
}

static void test_abandoned_wait_any(void)
{
    dormer_handle_t objs[2] = {0, mutex};

    CHECK_STATUS(DmCreateEvent(&objs[0], 1, 0), STATUS_SUCCESS, "create_unset_event");
    CHECK(threads_run(owner_dies, 0) == 7, "second_owner_thread_ends");
    CHECK_STATUS(DmWaitForMultipleObjects(2, objs, 0, THREADS_TIMEOUT_MS),
                 STATUS_ABANDONED_WAIT_0 + 1, "wait_any_abandoned_index_1");
    CHECK_STATUS(DmReleaseMutex(mutex), STATUS_SUCCESS, "release_after_wait_any");
    NtClose(objs[0]);
}

int main(void)
{
    CHECK_STATUS(DmCreateMutex(&mutex, 0), STATUS_SUCCESS, "create_mutex");
    CHECK_STATUS(DmCreateEvent(&taken, 1, 0), STATUS_SUCCESS, "create_taken_event");
    test_already_abandoned();
    test_abandoned_while_waiting();
    test_abandoned_wait_any();
    NtClose(taken);
    NtClose(mutex);
    return ulib_check_summary();
}
