/*
 * t_events: events, semaphores and mutexes between threads. Ping-pong of 1000 rounds on
 * two auto-reset events; a manual-reset event releasing several waiters at once; a
 * bounded buffer on two semaphores, and a semaphore's limit; mutex ownership (release by
 * a non-owner refused, recursive acquisition, initially owned mutexes).
 */
#include "../threads.h"

#define PING_ROUNDS 1000
#define WAITERS 4
#define ITEMS 300
#define SLOTS 4

static dormer_handle_t ping, pong, gate, mutex;
static volatile uint32_t shared;
static uint32_t released; /* atomic: waiters past the gate */

/* ------------------------------------------------------------ ping-pong ---- */

static uint32_t pong_thread(uint64_t arg)
{
    (void)arg;
    for (int i = 0; i < PING_ROUNDS; i++) {
        if (DmWaitForMultipleObjects(1, &ping, 0, THREADS_TIMEOUT_MS) != STATUS_WAIT_0)
            return 1;
        shared++;
        DmSetEvent(pong);
    }
    return 0;
}

static void test_ping_pong(void)
{
    dormer_handle_t h = 0;
    int in_step = 1;

    CHECK_STATUS(DmCreateEvent(&ping, 0, 0), STATUS_SUCCESS, "create_ping");
    CHECK_STATUS(DmCreateEvent(&pong, 0, 0), STATUS_SUCCESS, "create_pong");
    shared = 0;
    CHECK_STATUS(DormerCreateThread(&h, pong_thread, 0, 0), STATUS_SUCCESS, "create_pong_thread");
    for (uint32_t i = 0; i < PING_ROUNDS && in_step; i++) {
        DmSetEvent(ping);
        in_step = DmWaitForMultipleObjects(1, &pong, 0, THREADS_TIMEOUT_MS) == STATUS_WAIT_0 &&
                  shared == i + 1;
    }
    ulib_check(in_step && shared == PING_ROUNDS, "ping_pong_1000", "after %u rounds", shared);
    CHECK_STATUS(DormerWait(h, THREADS_TIMEOUT_MS), STATUS_WAIT_0, "pong_thread_ends");
    CHECK(threads_exit_status(h) == 0, "pong_thread_status");
    /* Each satisfied wait reset its auto-reset event: nothing is left set. */
    CHECK_STATUS(DormerWait(ping, 0), STATUS_TIMEOUT, "auto_reset_ping_consumed");
    CHECK_STATUS(DormerWait(pong, 0), STATUS_TIMEOUT, "auto_reset_pong_consumed");
    DmSetEvent(ping);
    DmSetEvent(ping); /* setting a set event changes nothing */
    CHECK_STATUS(DormerWait(ping, 0), STATUS_WAIT_0, "auto_reset_set_once");
    CHECK_STATUS(DormerWait(ping, 0), STATUS_TIMEOUT, "auto_reset_wakes_one");
    NtClose(h);
    NtClose(ping);
    NtClose(pong);
}

/* ------------------------------------------------------- manual-reset gate ---- */

static uint32_t gate_waiter(uint64_t index)
{
    dormer_status_t st = DmWaitForMultipleObjects(1, &gate, 0, THREADS_TIMEOUT_MS);

    __atomic_add_fetch(&released, 1, __ATOMIC_RELAXED);
    return st == STATUS_WAIT_0 ? 10 + (uint32_t)index : (uint32_t)st;
}

static void test_manual_reset(void)
{
    dormer_handle_t h[WAITERS];
    int started = 0, ok = 1;

    CHECK_STATUS(DmCreateEvent(&gate, 1, 0), STATUS_SUCCESS, "create_manual_event");
    released = 0;
    for (int i = 0; i < WAITERS; i++)
        started += NT_SUCCESS(DormerCreateThread(&h[i], gate_waiter, (uint64_t)i, 0));
    CHECK(started == WAITERS, "create_gate_waiters");
    DmDelayExecution(50);
    CHECK(__atomic_load_n(&released, __ATOMIC_RELAXED) == 0, "gate_holds_waiters");
    CHECK_STATUS(DmSetEvent(gate), STATUS_SUCCESS, "set_manual_event");
    CHECK_STATUS(threads_wait_all(h, (uint64_t)started, THREADS_TIMEOUT_MS), STATUS_WAIT_0,
                 "gate_releases_all");
    for (int i = 0; i < started; i++) {
        ok &= threads_exit_status(h[i]) == 10 + i;
        NtClose(h[i]);
    }
    CHECK(ok && released == WAITERS, "every_waiter_woken");
    CHECK_STATUS(DormerWait(gate, 0), STATUS_WAIT_0, "manual_stays_set");
    CHECK_STATUS(DormerWait(gate, 0), STATUS_WAIT_0, "manual_stays_set_again");
    CHECK_STATUS(DmResetEvent(gate), STATUS_SUCCESS, "reset_manual_event");
    CHECK_STATUS(DormerWait(gate, 0), STATUS_TIMEOUT, "manual_reset_clears");
    NtClose(gate);
}

/* ------------------------------------------------------------ semaphores ---- */

static dormer_handle_t free_slots, full_slots;
static uint32_t ring[SLOTS];

static uint32_t producer(uint64_t arg)
{
    (void)arg;
    for (uint32_t i = 0; i < ITEMS; i++) {
        if (DmWaitForMultipleObjects(1, &free_slots, 0, THREADS_TIMEOUT_MS) != STATUS_WAIT_0)
            return 1;
        ring[i % SLOTS] = i * 7 + 1;
        if (DmReleaseSemaphore(full_slots, 1, NULL) != STATUS_SUCCESS)
            return 2;
    }
    return 0;
}

static void test_bounded_buffer(void)
{
    dormer_handle_t h = 0;
    uint32_t got = 0;
    int in_order = 1;

    CHECK_STATUS(DmCreateSemaphore(&free_slots, SLOTS, SLOTS), STATUS_SUCCESS,
                 "create_free_semaphore");
    CHECK_STATUS(DmCreateSemaphore(&full_slots, 0, SLOTS), STATUS_SUCCESS,
                 "create_full_semaphore");
    CHECK_STATUS(DormerCreateThread(&h, producer, 0, 0), STATUS_SUCCESS, "create_producer");
    for (; got < ITEMS && in_order; got++) {
        if (DmWaitForMultipleObjects(1, &full_slots, 0, THREADS_TIMEOUT_MS) != STATUS_WAIT_0)
            break;
        in_order = ring[got % SLOTS] == got * 7 + 1;
        /* Now and then let the producer fill the buffer and block on free_slots. */
        if (got % 50 == 0)
            DmDelayExecution(2);
        if (DmReleaseSemaphore(free_slots, 1, NULL) != STATUS_SUCCESS)
            break;
    }
    ulib_check(got == ITEMS && in_order, "bounded_buffer_300_items", "stopped at item %u%s", got,
               in_order ? "" : " (wrong value)");
    CHECK_STATUS(DormerWait(h, THREADS_TIMEOUT_MS), STATUS_WAIT_0, "producer_ends");
    CHECK(threads_exit_status(h) == 0, "producer_status");
    CHECK_STATUS(DormerWait(full_slots, 0), STATUS_TIMEOUT, "buffer_empty_at_end");
    NtClose(h);
    NtClose(free_slots);
    NtClose(full_slots);
}

static void test_semaphore_limit(void)
{
    dormer_handle_t s = 0;
    int32_t prev = -1;
    int taken = 0;

    CHECK_STATUS(DmCreateSemaphore(&s, 2, 3), STATUS_SUCCESS, "create_semaphore_2_of_3");
    CHECK_STATUS(DmReleaseSemaphore(s, 1, &prev), STATUS_SUCCESS, "release_to_maximum");
    CHECK(prev == 2, "release_previous_count");
    CHECK_STATUS(DmReleaseSemaphore(s, 1, NULL), STATUS_SEMAPHORE_LIMIT_EXCEEDED,
                 "release_past_maximum");
    while (taken < 10 && DormerWait(s, 0) == STATUS_WAIT_0)
        taken++;
    ulib_check(taken == 3, "semaphore_count_unchanged_by_refusal", "took %d, expected 3", taken);
    CHECK_STATUS(DmReleaseSemaphore(s, 4, NULL), STATUS_SEMAPHORE_LIMIT_EXCEEDED,
                 "release_4_past_maximum");
    CHECK_STATUS(DormerWait(s, 0), STATUS_TIMEOUT, "refused_release_adds_nothing");
    CHECK_STATUS(DmReleaseSemaphore(s, 3, &prev), STATUS_SUCCESS, "release_3_at_once");
    CHECK(prev == 0, "release_3_previous_count");
    NtClose(s);
    s = 0;
    CHECK(!NT_SUCCESS(DmCreateSemaphore(&s, 4, 3)), "create_initial_above_maximum_refused");
    if (s)
        NtClose(s);
}

/* --------------------------------------------------------------- mutexes ---- */

static uint32_t release_not_owned(uint64_t arg)
{
    (void)arg;
    return (uint32_t)DmReleaseMutex(mutex);
}

static uint32_t poll_mutex(uint64_t arg)
{
    dormer_status_t st = DormerWait(mutex, 0);

    (void)arg;
    if (st == STATUS_WAIT_0)
        DmReleaseMutex(mutex);
    return (uint32_t)st;
}

static void test_mutex(void)
{
    int acquired = 1, releases_ok = 1;

    CHECK_STATUS(DmCreateMutex(&mutex, 0), STATUS_SUCCESS, "create_mutex");
    CHECK_STATUS(DmReleaseMutex(mutex), STATUS_MUTANT_NOT_OWNED, "release_unowned_mutex");
    CHECK_STATUS(DormerWait(mutex, 0), STATUS_WAIT_0, "acquire_mutex");
    CHECK(threads_run(release_not_owned, 0) == STATUS_MUTANT_NOT_OWNED,
          "release_by_non_owner_refused");
    CHECK(threads_run(poll_mutex, 0) == STATUS_TIMEOUT, "owned_mutex_busy_for_others");

    /* Recursive: two more acquisitions, so three releases before others get it. */
    for (int i = 0; i < 2; i++)
        acquired &= DormerWait(mutex, 0) == STATUS_WAIT_0;
    CHECK(acquired, "owner_acquires_again");
    for (int i = 0; i < 2; i++)
        releases_ok &= DmReleaseMutex(mutex) == STATUS_SUCCESS;
    CHECK(releases_ok, "recursive_releases");
    CHECK(threads_run(poll_mutex, 0) == STATUS_TIMEOUT, "still_owned_after_inner_releases");
    CHECK_STATUS(DmReleaseMutex(mutex), STATUS_SUCCESS, "last_release");
    CHECK_STATUS(DmReleaseMutex(mutex), STATUS_MUTANT_NOT_OWNED, "release_once_too_often");
    CHECK(threads_run(poll_mutex, 0) == STATUS_WAIT_0, "free_mutex_available_to_others");
    NtClose(mutex);

    CHECK_STATUS(DmCreateMutex(&mutex, 1), STATUS_SUCCESS, "create_owned_mutex");
    CHECK(threads_run(poll_mutex, 0) == STATUS_TIMEOUT, "initially_owned_busy_for_others");
    CHECK_STATUS(DmReleaseMutex(mutex), STATUS_SUCCESS, "creator_releases_owned_mutex");
    CHECK(threads_run(poll_mutex, 0) == STATUS_WAIT_0, "released_owned_mutex_available");
    NtClose(mutex);
}

int main(void)
{
    test_ping_pong();
    test_manual_reset();
    test_bounded_buffer();
    test_semaphore_limit();
    test_mutex();
    return ulib_check_summary();
}
