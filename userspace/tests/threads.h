/*
 * Helpers shared by the tests of processes, threads and waits: the clock, waiting for
 * any number of handles (in chunks of DORMER_MAX_WAIT_OBJECTS), running a function in
 * a thread to completion. Every wait has a long finite timeout rather than
 * DORMER_INFINITE, so a kernel that loses a wake-up gives a FAIL line, not a hang.
 */
#ifndef TESTS_THREADS_H
#define TESTS_THREADS_H

#include <dormer.h>

/* Far longer than any wait in these tests takes under software emulation. */
#define THREADS_TIMEOUT_MS 30000u

#define THREADS_MS 1000000ull /* nanoseconds */

static inline uint64_t threads_now_ns(void)
{
    uint64_t ns = 0;

    DmQueryUptime(&ns);
    return ns;
}

/* The exit status of a process or thread (STATUS_PENDING while it runs), or the failing
 * DmQueryExitStatus status. */
static inline int32_t threads_exit_status(dormer_handle_t h)
{
    int32_t status = 0x5a5a5a5a;
    dormer_status_t st = DmQueryExitStatus(h, &status);

    return NT_SUCCESS(st) ? status : st;
}

/* Runs the command line as a child process to its end: its exit status, or -1 when it
 * could not be started or did not end within THREADS_TIMEOUT_MS. */
static inline int32_t threads_spawn_status(const char *cmd)
{
    dormer_handle_t h;
    int32_t status = -1;

    if (DormerSpawn(cmd, 0, &h) == STATUS_SUCCESS) {
        if (DmWaitForMultipleObjects(1, &h, 1, THREADS_TIMEOUT_MS) == STATUS_WAIT_0)
            status = threads_exit_status(h);
        NtClose(h);
    }
    return status;
}

/* Waits until all n handles are signaled, 64 at a time. Returns STATUS_WAIT_0, or the
 * first other status a chunk's wait returned. */
static inline dormer_status_t threads_wait_all(const dormer_handle_t *h, uint64_t n,
                                               uint64_t timeout_ms)
{
    for (uint64_t i = 0; i < n; i += DORMER_MAX_WAIT_OBJECTS) {
        uint64_t chunk = n - i < DORMER_MAX_WAIT_OBJECTS ? n - i : DORMER_MAX_WAIT_OBJECTS;
        dormer_status_t st = DmWaitForMultipleObjects(chunk, h + i, 1, timeout_ms);

        if (st != STATUS_WAIT_0)
            return st;
    }
    return STATUS_WAIT_0;
}

/* Runs fn(arg) in a new thread to its end; returns its exit status, or the status of
 * the call that failed (creating it, or waiting when it does not end in time). */
static inline int32_t threads_run(dormer_thread_fn fn, uint64_t arg)
{
    dormer_handle_t h = 0;
    dormer_status_t st = DormerCreateThread(&h, fn, arg, 0);
    int32_t status;

    if (!NT_SUCCESS(st))
        return st;
    st = DormerWait(h, THREADS_TIMEOUT_MS);
    status = st == STATUS_WAIT_0 ? threads_exit_status(h) : st;
    NtClose(h);
    return status;
}

#endif
