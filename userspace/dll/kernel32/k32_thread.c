/*
 * Threads, thread-local storage and waiting. A Windows thread routine has the native
 * thread function's shape on x64 (one pointer-sized argument in rcx, a 32-bit result),
 * so CreateThread hands it to the kernel directly. TLS slots are the 64 in the TEB,
 * handed out from one bitmap.
 */
#include "k32.h"

HANDLE WINAPI GetCurrentProcess(void)
{
    return (HANDLE)(intptr_t)-1;
}

HANDLE WINAPI GetCurrentThread(void)
{
    return (HANDLE)(intptr_t)-2;
}

DWORD WINAPI GetCurrentProcessId(void)
{
    return (DWORD)DormerGetTeb()->client_id_process;
}

DWORD WINAPI GetCurrentThreadId(void)
{
    return (DWORD)DormerGetTeb()->client_id_thread;
}

HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES security, SIZE_T stack,
                           LPTHREAD_START_ROUTINE start, LPVOID arg, DWORD flags, LPDWORD id)
{
    dormer_handle_t h = 0;
    uint64_t tid = 0;

    (void)security;
    if (flags & CREATE_SUSPENDED)
        return k32_create_suspended_thread(stack, start, arg, id);
    /* STACK_SIZE_PARAM_IS_A_RESERVATION or not, the size is a reservation here: the
     * stack is committed as it grows. */
    dormer_status_t st = DormerCreateThread(&h, (dormer_thread_fn)(void *)start,
                                            (uint64_t)(uintptr_t)arg, stack);
    if (!NT_SUCCESS(st)) {
        k32_fail(st);
        return NULL;
    }
    if (id) {
        DmQueryObjectId(h, &tid);
        *id = (DWORD)tid;
    }
    return (HANDLE)(uintptr_t)h;
}

void WINAPI ExitThread(DWORD code)
{
    DormerExitThread(code);
}

BOOL WINAPI TerminateThread(HANDLE thread, DWORD code)
{
    (void)code;
    if (thread == GetCurrentThread())
        ExitThread(code);
    k32_set_error(ERROR_NOT_SUPPORTED); /* only the thread itself can end it, for now */
    return FALSE;
}

static BOOL exit_code(HANDLE h, LPDWORD code)
{
    int32_t status = 0;
    dormer_status_t st = DmQueryExitStatus(k32_handle(h), &status);

    if (!NT_SUCCESS(st))
        return k32_fail(st);
    *code = (DWORD)status; /* STILL_ACTIVE is STATUS_PENDING, as on Windows */
    return TRUE;
}

BOOL WINAPI GetExitCodeThread(HANDLE thread, LPDWORD code)
{
    return exit_code(thread, code);
}

BOOL WINAPI GetExitCodeProcess(HANDLE process, LPDWORD code)
{
    return exit_code(process, code);
}

BOOL k32_thread_id(HANDLE thread, DWORD *tid)
{
    uint64_t id = 0;

    if (thread == GetCurrentThread()) {
        *tid = GetCurrentThreadId();
        return TRUE;
    }
    dormer_status_t st = DmQueryObjectId(k32_handle(thread), &id);
    if (!NT_SUCCESS(st))
        return k32_fail(st);
    *tid = (DWORD)id;
    return TRUE;
}

DWORD WINAPI GetThreadId(HANDLE thread)
{
    DWORD tid = 0;

    return k32_thread_id(thread, &tid) ? tid : 0;
}

DWORD WINAPI GetProcessId(HANDLE process)
{
    uint64_t id = 0;

    if (process == GetCurrentProcess())
        return GetCurrentProcessId();
    dormer_status_t st = DmQueryObjectId(k32_handle(process), &id);
    if (!NT_SUCCESS(st)) {
        k32_fail(st);
        return 0;
    }
    return (DWORD)id;
}

/* Windows' priorities onto Dormer's five levels. */

BOOL WINAPI SetThreadPriority(HANDLE thread, int priority)
{
    uint64_t level;

    if (priority <= THREAD_PRIORITY_IDLE)
        level = DORMER_PRIORITY_IDLE;
    else if (priority < THREAD_PRIORITY_NORMAL)
        level = DORMER_PRIORITY_LOW;
    else if (priority == THREAD_PRIORITY_NORMAL)
        level = DORMER_PRIORITY_NORMAL;
    else if (priority < THREAD_PRIORITY_TIME_CRITICAL)
        level = DORMER_PRIORITY_HIGH;
    else
        level = DORMER_PRIORITY_REALTIME;
    dormer_status_t st = DmSetThreadPriority(k32_handle(thread), level);
    if (!NT_SUCCESS(st))
        return k32_fail(st);
    k32_record_priority(thread, priority);
    return TRUE;
}

/* ------------------------------------------------------------------ sleeping ---- */

void WINAPI Sleep(DWORD ms)
{
    if (ms == 0)
        NtYieldExecution();
    else
        DmDelayExecution(k32_timeout(ms));
}

DWORD WINAPI SleepEx(DWORD ms, BOOL alertable)
{
    (void)alertable; /* no APCs: never woken early */
    Sleep(ms);
    return 0;
}

BOOL WINAPI SwitchToThread(void)
{
    NtYieldExecution();
    return TRUE;
}

/* ------------------------------------------------------------------- waiting ---- */

static DWORD wait_result(dormer_status_t st)
{
    if (NT_SUCCESS(st))
        return (DWORD)st; /* WAIT_OBJECT_0 + i, WAIT_ABANDONED_0 + i, WAIT_TIMEOUT */
    k32_fail(st);
    return WAIT_FAILED;
}

DWORD WINAPI WaitForMultipleObjects(DWORD count, const HANDLE *handles, BOOL all, DWORD ms)
{
    dormer_handle_t hs[MAXIMUM_WAIT_OBJECTS];

    if (count == 0 || count > MAXIMUM_WAIT_OBJECTS) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return WAIT_FAILED;
    }
    for (DWORD i = 0; i < count; i++)
        hs[i] = k32_handle(handles[i]);
    return wait_result(DmWaitForMultipleObjects(count, hs, all ? 1 : 0, k32_timeout(ms)));
}

DWORD WINAPI WaitForSingleObject(HANDLE h, DWORD ms)
{
    dormer_handle_t one = k32_handle(h);

    return wait_result(DmWaitForMultipleObjects(1, &one, 0, k32_timeout(ms)));
}

DWORD WINAPI WaitForSingleObjectEx(HANDLE h, DWORD ms, BOOL alertable)
{
    (void)alertable;
    return WaitForSingleObject(h, ms);
}

DWORD WINAPI WaitForMultipleObjectsEx(DWORD count, const HANDLE *handles, BOOL all, DWORD ms,
                                      BOOL alertable)
{
    (void)alertable;
    return WaitForMultipleObjects(count, handles, all, ms);
}

BOOL WINAPI CloseHandle(HANDLE h)
{
    if (k32_is_console(h))
        return TRUE; /* console handles are not kernel objects yet */
    dormer_status_t st = NtClose(k32_handle(h));
    return NT_SUCCESS(st) ? TRUE : k32_fail(st);
}

/* A handle's attributes: HANDLE_FLAG_INHERIT (a child made with bInheritHandles gets
 * it) and HANDLE_FLAG_PROTECT_FROM_CLOSE (CloseHandle fails). */
BOOL WINAPI SetHandleInformation(HANDLE h, DWORD mask, DWORD flags)
{
    if (k32_is_console(h))
        return TRUE; /* console handles are not kernel objects: nothing to keep */
    mask &= HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE;
    dormer_status_t st = DmSetHandleInformation(k32_handle(h), mask, flags & mask);
    return NT_SUCCESS(st) ? TRUE : k32_fail(st);
}

BOOL WINAPI GetHandleInformation(HANDLE h, LPDWORD flags)
{
    struct dormer_handle_info info;

    if (k32_is_console(h)) {
        if (flags)
            *flags = 0;
        return TRUE;
    }
    dormer_status_t st = DmQueryHandle(k32_handle(h), &info);
    if (!NT_SUCCESS(st))
        return k32_fail(st);
    if (!flags) {
        k32_set_error(ERROR_NOACCESS);
        return FALSE;
    }
    *flags = info.flags;
    return TRUE;
}

/* ----------------------------------------------------------------------- TLS ---- */

#define TLS_SLOTS 64

static uint64_t tls_used; /* bit i: slot i handed out */

DWORD WINAPI TlsAlloc(void)
{
    uint64_t used = __atomic_load_n(&tls_used, __ATOMIC_ACQUIRE);

    for (;;) {
        if (used == ~0ull) {
            k32_set_error(ERROR_NO_MORE_ITEMS);
            return TLS_OUT_OF_INDEXES;
        }
        DWORD slot = (DWORD)__builtin_ctzll(~used);
        if (__atomic_compare_exchange_n(&tls_used, &used, used | (1ull << slot), 0,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            /* Windows hands out a slot cleared in this thread (other threads' copies
             * are cleared by TlsFree). */
            DormerGetTeb()->tls_slots[slot] = 0;
            return slot;
        }
    }
}

static BOOL tls_slot_ok(DWORD slot)
{
    if (slot < TLS_SLOTS && (__atomic_load_n(&tls_used, __ATOMIC_ACQUIRE) >> slot & 1))
        return TRUE;
    k32_set_error(ERROR_INVALID_PARAMETER);
    return FALSE;
}

BOOL WINAPI TlsFree(DWORD slot)
{
    if (!tls_slot_ok(slot))
        return FALSE;
    DormerGetTeb()->tls_slots[slot] = 0;
    __atomic_fetch_and(&tls_used, ~(1ull << slot), __ATOMIC_ACQ_REL);
    return TRUE;
}

LPVOID WINAPI TlsGetValue(DWORD slot)
{
    if (slot >= TLS_SLOTS) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    /* Windows clears the last error on success: callers tell NULL from failure by it. */
    DormerGetTeb()->last_error_value = ERROR_SUCCESS;
    return (LPVOID)(uintptr_t)DormerGetTeb()->tls_slots[slot];
}

BOOL WINAPI TlsSetValue(DWORD slot, LPVOID value)
{
    if (slot >= TLS_SLOTS) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    DormerGetTeb()->tls_slots[slot] = (uint64_t)(uintptr_t)value;
    return TRUE;
}

/* ------------------------------------------------------------------ times ---- */

static void to_filetime(int64_t v, LPFILETIME ft)
{
    ft->dwLowDateTime = (DWORD)(uint64_t)v;
    ft->dwHighDateTime = (DWORD)((uint64_t)v >> 32);
}

/* GetProcessTimes/GetThreadTimes: every pointer is written, as Windows requires them. */
static BOOL query_times(HANDLE h, uint64_t kind, LPFILETIME create, LPFILETIME exit_time,
                        LPFILETIME kernel, LPFILETIME user)
{
    struct dormer_times t;
    dormer_status_t st = DmQueryTimes(k32_handle(h), kind, &t);

    if (!NT_SUCCESS(st))
        return k32_fail(st);
    to_filetime(t.create, create);
    to_filetime(t.exit, exit_time);
    to_filetime((int64_t)t.kernel, kernel);
    to_filetime((int64_t)t.user, user);
    return TRUE;
}

BOOL WINAPI GetThreadTimes(HANDLE thread, LPFILETIME create, LPFILETIME exit_time,
                           LPFILETIME kernel, LPFILETIME user)
{
    return query_times(thread, 0, create, exit_time, kernel, user);
}

BOOL WINAPI GetProcessTimes(HANDLE process, LPFILETIME create, LPFILETIME exit_time,
                            LPFILETIME kernel, LPFILETIME user)
{
    return query_times(process, 1, create, exit_time, kernel, user);
}
