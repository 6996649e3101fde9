/*
 * t_wait: DmWaitForMultipleObjects itself. A timeout expires (STATUS_TIMEOUT, and no
 * sooner than asked, by DmQueryUptime); a wait is satisfied by an event another
 * thread sets 50 ms later; wait-any returns the lowest signaled index; wait-all returns
 * only when every object is signaled and takes nothing before that; timeout 0 polls;
 * bad counts and handles are refused.
 */
#include "../threads.h"

#define TIMEOUT_MS 100
#define SETTER_DELAY_MS 50

/* What a setter thread gets: the event to set after a delay. */
static dormer_handle_t setter_event;

static uint32_t delayed_setter(uint64_t delay_ms)
{
    DmDelayExecution(delay_ms);
    return (uint32_t)DmSetEvent(setter_event);
}

static void test_timeout(void)
{
    dormer_handle_t e = 0;
    uint64_t t0, elapsed;

    CHECK_STATUS(DmCreateEvent(&e, 0, 0), STATUS_SUCCESS, "create_event");
    t0 = threads_now_ns();
    CHECK_STATUS(DormerWait(e, TIMEOUT_MS), STATUS_TIMEOUT, "wait_times_out");
    elapsed = threads_now_ns() - t0;
    uprintf("t_wait: a %d ms timeout took %llu us\n", TIMEOUT_MS,
            (unsigned long long)(elapsed / 1000));
    ulib_check(elapsed >= TIMEOUT_MS * THREADS_MS, "timeout_not_early", "%llu us elapsed",
               (unsigned long long)(elapsed / 1000));
    CHECK_STATUS(DormerWait(e, 0), STATUS_TIMEOUT, "poll_unset_event");
    DmSetEvent(e);
    CHECK_STATUS(DormerWait(e, 0), STATUS_WAIT_0, "poll_set_event");
    CHECK_STATUS(DormerWait(e, 0), STATUS_TIMEOUT, "poll_consumed_auto_reset");
    NtClose(e);
}

static void test_satisfied(void)
{
    dormer_handle_t h = 0;
    uint64_t t0, elapsed;

    CHECK_STATUS(DmCreateEvent(&setter_event, 0, 0), STATUS_SUCCESS, "create_setter_event");
    t0 = threads_now_ns();
    CHECK_STATUS(DormerCreateThread(&h, delayed_setter, SETTER_DELAY_MS, 0), STATUS_SUCCESS,
                 "create_setter");
    CHECK_STATUS(DormerWait(setter_event, THREADS_TIMEOUT_MS), STATUS_WAIT_0,
                 "wait_satisfied_by_other_thread");
    elapsed = threads_now_ns() - t0;
    uprintf("t_wait: the event set after %d ms was seen after %llu us\n", SETTER_DELAY_MS,
            (unsigned long long)(elapsed / 1000));
    ulib_check(elapsed >= SETTER_DELAY_MS * THREADS_MS, "satisfied_after_the_set",
               "%llu us elapsed", (unsigned long long)(elapsed / 1000));
    CHECK_STATUS(DormerWait(h, THREADS_TIMEOUT_MS), STATUS_WAIT_0, "setter_ends");
    CHECK(threads_exit_status(h) == STATUS_SUCCESS, "setter_status");
    NtClose(h);
    NtClose(setter_event);
}

static void test_wait_any(void)
{
    dormer_handle_t e[3] = {0, 0, 0}, h = 0;
    int created = 1;

    for (int i = 0; i < 3; i++)
        created &= DmCreateEvent(&e[i], 1, 0) == STATUS_SUCCESS;
    CHECK(created, "create_manual_events");
    CHECK_STATUS(DmWaitForMultipleObjects(3, e, 0, 0), STATUS_TIMEOUT, "any_none_set");
    DmSetEvent(e[2]);
    CHECK_STATUS(DmWaitForMultipleObjects(3, e, 0, 0), STATUS_WAIT_0 + 2, "any_index_2");
    DmSetEvent(e[1]);
    CHECK_STATUS(DmWaitForMultipleObjects(3, e, 0, 0), STATUS_WAIT_0 + 1, "any_lowest_index");
    DmResetEvent(e[1]);
    DmResetEvent(e[2]);

    /* Blocked in a wait-any, woken by the second object. */
    setter_event = e[1];
    CHECK_STATUS(DormerCreateThread(&h, delayed_setter, SETTER_DELAY_MS, 0), STATUS_SUCCESS,
                 "create_setter_any");
    CHECK_STATUS(DmWaitForMultipleObjects(3, e, 0, THREADS_TIMEOUT_MS), STATUS_WAIT_0 + 1,
                 "any_blocked_woken_by_index_1");
    DormerWait(h, THREADS_TIMEOUT_MS);
    NtClose(h);

    /* A thread handle among events: wait-any on a thread that ends. */
    DmResetEvent(e[1]);
    setter_event = e[0];
    CHECK_STATUS(DormerCreateThread(&h, delayed_setter, SETTER_DELAY_MS, 0), STATUS_SUCCESS,
                 "create_setter_mixed");
    {
        dormer_handle_t mixed[2] = {e[2], h};

        CHECK_STATUS(DmWaitForMultipleObjects(2, mixed, 0, THREADS_TIMEOUT_MS),
                     STATUS_WAIT_0 + 1, "any_thread_handle_ends");
    }
    NtClose(h);
    for (int i = 0; i < 3; i++)
        NtClose(e[i]);
}

static void test_wait_all(void)
{
    dormer_handle_t e[3] = {0, 0, 0}, a[2] = {0, 0}, h = 0;

    for (int i = 0; i < 3; i++)
        DmCreateEvent(&e[i], 1, 0);
    DmSetEvent(e[0]);
    DmSetEvent(e[1]);
    CHECK_STATUS(DmWaitForMultipleObjects(3, e, 1, 0), STATUS_TIMEOUT, "all_poll_two_of_three");
    CHECK_STATUS(DmWaitForMultipleObjects(3, e, 1, 30), STATUS_TIMEOUT,
                 "all_times_out_two_of_three");
    setter_event = e[2];
    CHECK_STATUS(DormerCreateThread(&h, delayed_setter, SETTER_DELAY_MS, 0), STATUS_SUCCESS,
                 "create_setter_all");
    CHECK_STATUS(DmWaitForMultipleObjects(3, e, 1, THREADS_TIMEOUT_MS), STATUS_WAIT_0,
                 "all_woken_when_third_set");
    DormerWait(h, THREADS_TIMEOUT_MS);
    NtClose(h);
    for (int i = 0; i < 3; i++)
        NtClose(e[i]);

    /* A wait-all that cannot be satisfied takes nothing from the objects that are set. */
    DmCreateEvent(&a[0], 0, 1);
    DmCreateEvent(&a[1], 0, 0);
    CHECK_STATUS(DmWaitForMultipleObjects(2, a, 1, 20), STATUS_TIMEOUT, "all_auto_one_unset");
    CHECK_STATUS(DormerWait(a[0], 0), STATUS_WAIT_0, "all_left_auto_event_set");
    DmSetEvent(a[0]);
    DmSetEvent(a[1]);
    CHECK_STATUS(DmWaitForMultipleObjects(2, a, 1, 0), STATUS_WAIT_0, "all_auto_both_set");
    CHECK_STATUS(DmWaitForMultipleObjects(2, a, 0, 0), STATUS_TIMEOUT, "all_consumed_both");
    NtClose(a[0]);
    NtClose(a[1]);
}

static void test_bad_waits(void)
{
    dormer_handle_t e = 0, many[DORMER_MAX_WAIT_OBJECTS + 1];

    DmCreateEvent(&e, 1, 1);
    for (int i = 0; i <= DORMER_MAX_WAIT_OBJECTS; i++)
        many[i] = e;
    CHECK(!NT_SUCCESS(DmWaitForMultipleObjects(0, many, 0, 0)), "count_0_refused");
    CHECK(!NT_SUCCESS(DmWaitForMultipleObjects(DORMER_MAX_WAIT_OBJECTS + 1, many, 0, 0)),
          "count_65_refused");
    CHECK_STATUS(DmWaitForMultipleObjects(DORMER_MAX_WAIT_OBJECTS, many, 0, 0), STATUS_WAIT_0,
                 "count_64_accepted");
    CHECK(!NT_SUCCESS(DmWaitForMultipleObjects(1, NULL, 0, 0)), "null_handle_array_refused");
    many[0] = 0x7777;
    CHECK_STATUS(DmWaitForMultipleObjects(1, many, 0, 0), STATUS_INVALID_HANDLE,
                 "bad_handle_refused");
    NtClose(e);
}

int main(void)
{
    test_timeout();
    test_satisfied();
    test_wait_any();
    test_wait_all();
    test_bad_waits();
    return ulib_check_summary();
}
