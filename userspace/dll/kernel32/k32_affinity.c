/*
 * Processor affinity, thread priorities as Windows reports them, and the clock's
 * adjustment. Dormer runs on one CPU, so every affinity mask is 1 and the only mask a
 * process may set is 1. Dormer's scheduler has five levels for Windows' seven thread
 * priorities, so GetThreadPriority answers from what SetThreadPriority recorded.
 */
#include "k32.h"

#define K32_SYSTEM_AFFINITY 1u /* one processor (GetSystemInfo says the same) */

static BOOL is_process(HANDLE process)
{
    uint64_t id;

    if (process == GetCurrentProcess())
        return TRUE;
    dormer_status_t st = DmQueryObjectId(k32_handle(process), &id);
    if (!NT_SUCCESS(st))
        return k32_fail(st);
    return TRUE;
}

BOOL WINAPI GetProcessAffinityMask(HANDLE process, PDWORD_PTR process_mask,
                                   PDWORD_PTR system_mask)
{
    if (!is_process(process))
        return FALSE;
    if (!process_mask || !system_mask) {
        k32_set_error(ERROR_NOACCESS);
        return FALSE;
    }
    *process_mask = K32_SYSTEM_AFFINITY;
    *system_mask = K32_SYSTEM_AFFINITY;
    return TRUE;
}

BOOL WINAPI SetProcessAffinityMask(HANDLE process, DWORD_PTR mask)
{
    if (!is_process(process))
        return FALSE;
    if (mask == 0 || (mask & ~(DWORD_PTR)K32_SYSTEM_AFFINITY)) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    return TRUE;
}

/* ------------------------------------------------------ thread priorities ---- */

/* The priorities SetThreadPriority gave, by thread id; a thread not here has
 * THREAD_PRIORITY_NORMAL, every new thread's priority. Thread ids are not reused while
 * the process runs, so an entry never names a different thread; the oldest entry makes
 * room when the table is full. */
#define K32_PRIORITY_SLOTS 64
static struct dormer_lock priorities_lock = DORMER_LOCK_INIT;
static struct {
    DWORD tid;
    int priority;
} priorities[K32_PRIORITY_SLOTS]; /* protected by priorities_lock */
static unsigned priorities_next; /* protected by priorities_lock: the slot to reuse */

void k32_record_priority(HANDLE thread, int priority)
{
    DWORD tid;

    if (!k32_thread_id(thread, &tid))
        return;
    DormerAcquireLock(&priorities_lock);
    unsigned i;
    for (i = 0; i < K32_PRIORITY_SLOTS; i++)
        if (priorities[i].tid == tid)
            break;
    if (i == K32_PRIORITY_SLOTS) {
        i = priorities_next;
        priorities_next = (priorities_next + 1) % K32_PRIORITY_SLOTS;
    }
    priorities[i].tid = tid;
    priorities[i].priority = priority;
    DormerReleaseLock(&priorities_lock);
}

int WINAPI GetThreadPriority(HANDLE thread)
{
    DWORD tid;
    int priority = THREAD_PRIORITY_NORMAL;

    if (!k32_thread_id(thread, &tid))
        return THREAD_PRIORITY_ERROR_RETURN;
    DormerAcquireLock(&priorities_lock);
    for (unsigned i = 0; i < K32_PRIORITY_SLOTS; i++)
        if (priorities[i].tid == tid)
            priority = priorities[i].priority;
    DormerReleaseLock(&priorities_lock);
    return priority;
}

/* ------------------------------------------------------------ the clock ---- */

/* The kernel's clock interrupt comes every millisecond (TIME_HZ 1000), in 100 ns units. */
#define K32_CLOCK_INCREMENT 10000u

BOOL WINAPI GetSystemTimeAdjustment(PDWORD adjustment, PDWORD increment, PBOOL disabled)
{
    if (!adjustment || !increment || !disabled) {
        k32_set_error(ERROR_NOACCESS);
        return FALSE;
    }
    /* No adjustment is applied: the clock advances by its own increment. */
    *adjustment = K32_CLOCK_INCREMENT;
    *increment = K32_CLOCK_INCREMENT;
    *disabled = TRUE;
    return TRUE;
}
