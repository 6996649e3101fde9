/*
 * t_threads64: 64 threads of one process add 1000 each to a shared counter, first under
 * a kernel mutex (DmWaitForMultipleObjects + DmReleaseMutex), then under a dormer_lock
 * (DmWaitOnAddress underneath). The increment is a read, a yield now and then, and a
 * write, so a lock that lets two threads in loses counts: the total must be exactly
 * 64000 both times. Also thread exit statuses (returned and through DmExitThread),
 * STATUS_PENDING while a thread runs, and thread priorities.
 */
#include "../threads.h"

#define THREADS 64
#define ROUNDS 1000
#define STACK_RESERVE (64 * 1024)

static dormer_handle_t threads[THREADS];
static dormer_handle_t mutex;
static struct dormer_lock lock = DORMER_LOCK_INIT;
static volatile uint64_t counter;
static uint32_t lock_errors; /* atomic: failed waits or releases */

/* The unprotected read-modify-write, held open across a yield every 64th time. */
static void bump(int round)
{
    uint64_t v = counter;

    if ((round & 63) == 0)
        NtYieldExecution();
    counter = v + 1;
}

static uint32_t mutex_worker(uint64_t index)
{
    for (int i = 0; i < ROUNDS; i++) {
        if (DmWaitForMultipleObjects(1, &mutex, 0, THREADS_TIMEOUT_MS) != STATUS_WAIT_0) {
            __atomic_add_fetch(&lock_errors, 1, __ATOMIC_RELAXED);
            continue;
        }
        bump(i + (int)index);
        if (DmReleaseMutex(mutex) != STATUS_SUCCESS)
            __atomic_add_fetch(&lock_errors, 1, __ATOMIC_RELAXED);
    }
    return 1000 + (uint32_t)index;
}

static uint32_t lock_worker(uint64_t index)
{
    for (int i = 0; i < ROUNDS; i++) {
        DormerAcquireLock(&lock);
        bump(i + (int)index);
        DormerReleaseLock(&lock);
    }
    return 2000 + (uint32_t)index;
}

/* Starts THREADS workers, waits for all, checks the counter and every exit status. */
static void run_workers(const char *what, dormer_thread_fn fn, uint32_t status_base)
{
    char name[64];
    int started = 0, statuses_ok = 1;
    dormer_status_t st = STATUS_SUCCESS;

    counter = 0;
    lock_errors = 0;
    for (int i = 0; i < THREADS; i++) {
        st = DormerCreateThread(&threads[i], fn, (uint64_t)i, STACK_RESERVE);
        if (!NT_SUCCESS(st))
            break;
        started++;
    }
    usnprintf(name, sizeof(name), "%s_create_64_threads", what);
    ulib_check(started == THREADS, name, "created %d, then status 0x%08x", started,
               (uint32_t)st);
    usnprintf(name, sizeof(name), "%s_wait_all_threads", what);
    CHECK_STATUS(threads_wait_all(threads, (uint64_t)started, THREADS_TIMEOUT_MS),
                 STATUS_WAIT_0, name);
    for (int i = 0; i < started; i++) {
        int32_t status = threads_exit_status(threads[i]);

        if (status != (int32_t)(status_base + (uint32_t)i)) {
            if (statuses_ok)
                uprintf("t_threads64: %s thread %d exited with 0x%08x\n", what, i,
                        (uint32_t)status);
            statuses_ok = 0;
        }
        NtClose(threads[i]);
    }
    usnprintf(name, sizeof(name), "%s_thread_exit_statuses", what);
    CHECK(statuses_ok, name);
    usnprintf(name, sizeof(name), "%s_no_lock_errors", what);
    ulib_check(lock_errors == 0, name, "%u failed waits or releases", lock_errors);
    usnprintf(name, sizeof(name), "%s_counter_exact", what);
    ulib_check(counter == (uint64_t)THREADS * ROUNDS, name, "counter %llu, expected %llu",
               (unsigned long long)counter, (unsigned long long)THREADS * ROUNDS);
}

static void test_lock_basics(void)
{
    struct dormer_lock l = DORMER_LOCK_INIT;

    DormerAcquireLock(&l);
    CHECK(l.state == DORMER_LOCK_HELD, "lock_uncontended_held");
    CHECK(!DormerTryAcquireLock(&l), "trylock_held_fails");
    DormerReleaseLock(&l);
    CHECK(l.state == DORMER_LOCK_FREE, "lock_released_free");
    CHECK(DormerTryAcquireLock(&l), "trylock_free_succeeds");
    DormerReleaseLock(&l);
}

DORMER_NOINLINE static void exit_from_deep_inside(uint32_t status)
{
    DmExitThread(status);
}

static uint32_t exiting_thread(uint64_t arg)
{
    exit_from_deep_inside((uint32_t)arg);
    return 0xbad;
}

static uint32_t waiting_thread(uint64_t event)
{
    dormer_handle_t h = event;

    return (uint32_t)DmWaitForMultipleObjects(1, &h, 0, THREADS_TIMEOUT_MS) + 0x40;
}

static void test_thread_basics(void)
{
    dormer_handle_t event = 0, h = 0;

    CHECK(threads_run(exiting_thread, 77) == 77, "nt_exit_thread_status");
    CHECK_STATUS(DmCreateEvent(&event, 1, 0), STATUS_SUCCESS, "create_event");
    CHECK_STATUS(DormerCreateThread(&h, waiting_thread, event, 0), STATUS_SUCCESS,
                 "create_waiting_thread");
    DmDelayExecution(20);
    CHECK(threads_exit_status(h) == STATUS_PENDING, "running_thread_pending");
    CHECK_STATUS(DormerWait(h, 0), STATUS_TIMEOUT, "running_thread_not_signaled");
    CHECK_STATUS(DmSetThreadPriority(h, DORMER_PRIORITY_HIGH), STATUS_SUCCESS,
                 "set_other_thread_priority");
    CHECK_STATUS(DmSetThreadPriority(DORMER_CURRENT_THREAD, DORMER_PRIORITY_LOW),
                 STATUS_SUCCESS, "set_own_priority_low");
    CHECK_STATUS(DmSetThreadPriority(DORMER_CURRENT_THREAD, DORMER_PRIORITY_NORMAL),
                 STATUS_SUCCESS, "set_own_priority_normal");
    CHECK(!NT_SUCCESS(DmSetThreadPriority(DORMER_CURRENT_THREAD, DORMER_PRIORITY_REALTIME + 1)),
          "priority_out_of_range_refused");
    /* A thread that is ready but has not run yet moves to its new level's queue
     * (this once tripped an assertion in the kernel). */
    dormer_handle_t ready = 0;
    CHECK_STATUS(DormerCreateThread(&ready, exiting_thread, 5, 0), STATUS_SUCCESS,
                 "create_ready_thread");
    CHECK_STATUS(DmSetThreadPriority(ready, DORMER_PRIORITY_LOW), STATUS_SUCCESS,
                 "set_ready_thread_priority_low");
    CHECK_STATUS(DmSetThreadPriority(ready, DORMER_PRIORITY_HIGH), STATUS_SUCCESS,
                 "set_ready_thread_priority_high");
    CHECK_STATUS(DormerWait(ready, THREADS_TIMEOUT_MS), STATUS_WAIT_0, "ready_thread_ran");
    CHECK(threads_exit_status(ready) == 5, "ready_thread_status");
    NtClose(ready);
    DmSetEvent(event);
    CHECK_STATUS(DormerWait(h, THREADS_TIMEOUT_MS), STATUS_WAIT_0, "thread_handle_signaled");
    CHECK(threads_exit_status(h) == 0x40, "thread_saw_its_event");
    CHECK_STATUS(NtClose(h), STATUS_SUCCESS, "close_thread_handle");
    CHECK_STATUS(NtClose(h), STATUS_INVALID_HANDLE, "closed_thread_handle_dead");
    NtClose(event);
}

int main(void)
{
    test_lock_basics();
    test_thread_basics();
    CHECK_STATUS(DmCreateMutex(&mutex, 0), STATUS_SUCCESS, "create_mutex");
    run_workers("mutex", mutex_worker, 1000);
    NtClose(mutex);
    run_workers("lock", lock_worker, 2000);
    CHECK(lock.state == DORMER_LOCK_FREE, "lock_free_at_end");
    return ulib_check_summary();
}
