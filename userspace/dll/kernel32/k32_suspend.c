/*
 * Suspended threads and their contexts: CreateThread's CREATE_SUSPENDED, ResumeThread,
 * SuspendThread, GetThreadContext and SetThreadContext. Dormer's kernel starts every
 * thread at once, so a thread created suspended starts in a trampoline here that waits
 * on an event before it calls the routine; its suspend count lives in one list keyed
 * by thread id, under one lock, until it starts. Every other thread (running, or the
 * caller itself) is suspended by the kernel (NtSuspendThread), which stops it on its
 * way back to user mode, where Get/SetThreadContext read and change its registers.
 */
#include "k32.h"

struct suspension {
    struct suspension *next;
    DWORD tid;
    DWORD count;               /* > 0 while the thread waits */
    dormer_handle_t resumed;   /* manual-reset event, set when count reaches 0 */
    LPTHREAD_START_ROUTINE start; /* a thread created suspended: its routine and argument */
    LPVOID arg;
};

static struct dormer_lock suspensions_lock = DORMER_LOCK_INIT;
static struct suspension *suspensions; /* protected by suspensions_lock */

static struct suspension *find_locked(DWORD tid)
{
    for (struct suspension *s = suspensions; s; s = s->next)
        if (s->tid == tid)
            return s;
    return NULL;
}

static struct suspension *suspension_new(void)
{
    struct suspension *s = HeapAlloc(k32_process_heap(), HEAP_ZERO_MEMORY, sizeof *s);
    if (!s) {
        k32_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    dormer_status_t st = DmCreateEvent(&s->resumed, 1, 0);
    if (!NT_SUCCESS(st)) {
        HeapFree(k32_process_heap(), 0, s);
        k32_fail(st);
        return NULL;
    }
    s->count = 1;
    return s;
}

static void suspension_free(struct suspension *s)
{
    NtClose(s->resumed);
    HeapFree(k32_process_heap(), 0, s);
}

/* The calling thread, whose record s is on the list: waits until its count is 0, then
 * takes the record off the list and frees it. */
static void wait_resumed(struct suspension *s)
{
    dormer_handle_t h = s->resumed;
    DmWaitForMultipleObjects(1, &h, 0, DORMER_INFINITE);
    DormerAcquireLock(&suspensions_lock);
    for (struct suspension **p = &suspensions; *p; p = &(*p)->next) {
        if (*p == s) {
            *p = s->next;
            break;
        }
    }
    DormerReleaseLock(&suspensions_lock);
    suspension_free(s);
}

static uint32_t suspended_start(uint64_t arg)
{
    struct suspension *s = (struct suspension *)(uintptr_t)arg;
    LPTHREAD_START_ROUTINE start = s->start;
    LPVOID start_arg = s->arg;

    wait_resumed(s);
    return start(start_arg);
}

HANDLE k32_create_suspended_thread(SIZE_T stack, LPTHREAD_START_ROUTINE start, LPVOID arg,
                                   LPDWORD id)
{
    dormer_handle_t h = 0;
    uint64_t tid = 0;
    struct suspension *s = suspension_new();

    if (!s)
        return NULL;
    s->start = start;
    s->arg = arg;
    /* On the list before the thread exists, so a ResumeThread right after CreateThread
     * finds it; tid 0 matches no thread until it is filled in. */
    DormerAcquireLock(&suspensions_lock);
    s->next = suspensions;
    suspensions = s;
    dormer_status_t st = DormerCreateThread(&h, suspended_start, (uint64_t)(uintptr_t)s, stack);
    if (NT_SUCCESS(st) && NT_SUCCESS(DmQueryObjectId(h, &tid)))
        s->tid = (DWORD)tid;
    if (!NT_SUCCESS(st))
        suspensions = s->next;
    DormerReleaseLock(&suspensions_lock);
    if (!NT_SUCCESS(st)) {
        suspension_free(s);
        k32_fail(st);
        return NULL;
    }
    if (id)
        *id = (DWORD)tid;
    return (HANDLE)(uintptr_t)h;
}

DWORD WINAPI ResumeThread(HANDLE thread)
{
    DWORD tid, previous;

    if (!k32_thread_id(thread, &tid))
        return (DWORD)-1;
    DormerAcquireLock(&suspensions_lock);
    struct suspension *s = find_locked(tid);
    if (s && s->count > 0) {
        /* Not started yet. */
        previous = s->count--;
        if (s->count == 0)
            DmSetEvent(s->resumed, NULL);
        DormerReleaseLock(&suspensions_lock);
        return previous;
    }
    DormerReleaseLock(&suspensions_lock);
    uint32_t count = 0;
    dormer_status_t st = NtResumeThread((dormer_handle_t)(uintptr_t)thread, &count);
    if (!NT_SUCCESS(st)) {
        k32_fail(st);
        return (DWORD)-1;
    }
    return count;
}

DWORD WINAPI SuspendThread(HANDLE thread)
{
    DWORD tid, previous;

    if (!k32_thread_id(thread, &tid))
        return (DWORD)-1;
    DormerAcquireLock(&suspensions_lock);
    struct suspension *s = find_locked(tid);
    if (s && s->count > 0) {
        /* Not started yet: one more count. */
        if (s->count >= MAXIMUM_SUSPEND_COUNT) {
            DormerReleaseLock(&suspensions_lock);
            /* STATUS_SUSPEND_COUNT_EXCEEDED */
            k32_set_error(ERROR_SIGNAL_REFUSED);
            return (DWORD)-1;
        }
        previous = s->count++;
        DormerReleaseLock(&suspensions_lock);
        return previous;
    }
    DormerReleaseLock(&suspensions_lock);
    uint32_t count = 0;
    dormer_status_t st = NtSuspendThread((dormer_handle_t)(uintptr_t)thread, &count);
    if (!NT_SUCCESS(st)) {
        k32_fail(st);
        return (DWORD)-1;
    }
    return count;
}

BOOL WINAPI GetThreadContext(HANDLE thread, LPCONTEXT context)
{
    dormer_status_t st = NtGetContextThread((dormer_handle_t)(uintptr_t)thread,
                                            (struct dormer_context *)context);
    if (!NT_SUCCESS(st))
        return k32_fail(st);
    return TRUE;
}

BOOL WINAPI SetThreadContext(HANDLE thread, const CONTEXT *context)
{
    dormer_status_t st = NtSetContextThread((dormer_handle_t)(uintptr_t)thread,
                                            (const struct dormer_context *)context);
    if (!NT_SUCCESS(st))
        return k32_fail(st);
    return TRUE;
}
