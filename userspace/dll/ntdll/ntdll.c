/*
 * ntdll's C half: the DLL entry point and the Dormer* helpers every program may use.
 * It links against nothing (no ulib, no libgcc), so the few string helpers it needs are
 * private here; the TEB and PEB are reached through gs exactly as Windows code does.
 * A process starts in DormerProcessStartup (ldr.c); threads start in ntdll's own entry
 * routine (the kernel gives them no return address), which tells the DLLs about them,
 * and the user-space lock sleeps in the kernel only when it is contended.
 */
#include <dormer.h>

#include "ntdll_priv.h"

#define EXPORT __declspec(dllexport)

/* Every call in the list has a prototype in <dormer.h> (a new one fails to build here). */
#define SYSCALL(number, name, nargs)                                                        \
    _Static_assert(sizeof(&name) == sizeof(void *), #name " is declared in dormer.h");
#include <abi/syscalls.def>
#undef SYSCALL

/* The DLL entry point, called with the x64 ABI: nothing to set up yet. Returns TRUE (1). */
int DllMainCRTStartup(void *instance, uint32_t reason, void *reserved);

int DllMainCRTStartup(void *instance, uint32_t reason, void *reserved)
{
    (void)instance;
    (void)reason;
    (void)reserved;
    return 1;
}

uint64_t ntdll_strlen(const char *s)
{
    uint64_t n = 0;

    while (s[n])
        n++;
    return n;
}

void ntdll_memcpy(void *dst, const void *src, uint64_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;

    while (n--)
        *d++ = *s++;
}

EXPORT struct dormer_teb *DormerGetTeb(void)
{
    struct dormer_teb *teb;

    __asm__("mov %%gs:0x30, %0" : "=r"(teb));
    return teb;
}

EXPORT struct dormer_peb *DormerGetPeb(void)
{
    struct dormer_peb *peb;

    __asm__("mov %%gs:0x60, %0" : "=r"(peb));
    return peb;
}

EXPORT const char *DormerGetCommandLineA(void)
{
    struct dormer_peb *peb = DormerGetPeb();
    const struct dormer_process_parameters *params;

    if (!peb || !peb->process_parameters)
        return "";
    params = (const struct dormer_process_parameters *)(uintptr_t)peb->process_parameters;
    if (!params->command_line_ansi)
        return "";
    return (const char *)(uintptr_t)params->command_line_ansi;
}

EXPORT dormer_status_t DormerWrite(const char *s)
{
    return DmWriteConsole(s, ntdll_strlen(s));
}

/* ----------------------------------------------------------------- processes ---- */

EXPORT dormer_status_t DormerSpawn(const char *cmdline, dormer_handle_t stdout_handle,
                                   dormer_handle_t *handle)
{
    return DmCreateProcess(handle, cmdline, ntdll_strlen(cmdline), stdout_handle);
}

EXPORT dormer_status_t DormerWait(dormer_handle_t handle, uint64_t timeout_ms)
{
    return DmWaitForMultipleObjects(1, &handle, 0, timeout_ms);
}

/* ------------------------------------------------------------------- threads ---- */

/*
 * What DormerCreateThread hands the new thread: a page of its own (ntdll has no heap),
 * which the thread releases once it has read it, before it runs any user code.
 */
struct thread_start {
    dormer_thread_fn fn;
    uint64_t arg;
};

/*
 * Every thread DormerCreateThread makes starts here, entered by the kernel with the
 * x64 ABI (rcx = the block, a return address of 0 above the home space): there is
 * nothing to return to, so the thread ends through DmExitThread.
 */
__attribute__((noreturn)) static uint32_t thread_entry(uint64_t block)
{
    struct thread_start *start = (struct thread_start *)(uintptr_t)block;
    dormer_thread_fn fn = start->fn;
    uint64_t arg = start->arg, base = block, size = 0;

    DmFreeVirtualMemory(&base, &size, MEM_RELEASE);
    ntdll_thread_attach();
    DormerExitThread(fn(arg));
}

EXPORT dormer_status_t DormerCreateThread(dormer_handle_t *handle, dormer_thread_fn fn,
                                          uint64_t arg, uint64_t stack_reserve)
{
    uint64_t base = 0, size = sizeof(struct thread_start), zero = 0;
    struct thread_start *start;
    dormer_status_t st;

    st = DmAllocateVirtualMemory(&base, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    if (!NT_SUCCESS(st))
        return st;
    start = (struct thread_start *)(uintptr_t)base;
    start->fn = fn;
    start->arg = arg;
    st = DmCreateThread(handle, thread_entry, base, stack_reserve);
    if (!NT_SUCCESS(st))
        DmFreeVirtualMemory(&base, &zero, MEM_RELEASE);
    return st;
}

/* --------------------------------------------------------------------- locks ---- */

/*
 * Drepper's three-state futex mutex ("Futexes Are Tricky", mutex3). A thread that finds
 * the lock held marks it CONTENDED before it sleeps, so the releaser knows to wake
 * someone; a woken thread takes it as CONTENDED too, as it cannot know whether others
 * still sleep (at worst one wake-up too many). DmWaitOnAddress only sleeps while the
 * word still reads CONTENDED, so a release between the exchange and the sleep is not lost.
 */
EXPORT void DormerAcquireLock(struct dormer_lock *lock)
{
    uint32_t old = DORMER_LOCK_FREE;

    if (__atomic_compare_exchange_n(&lock->state, &old, DORMER_LOCK_HELD, 0,
                                    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return;
    if (old != DORMER_LOCK_CONTENDED)
        old = __atomic_exchange_n(&lock->state, DORMER_LOCK_CONTENDED, __ATOMIC_ACQUIRE);
    while (old != DORMER_LOCK_FREE) {
        DmWaitOnAddress(&lock->state, DORMER_LOCK_CONTENDED, sizeof(lock->state),
                        DORMER_INFINITE);
        old = __atomic_exchange_n(&lock->state, DORMER_LOCK_CONTENDED, __ATOMIC_ACQUIRE);
    }
}

EXPORT int DormerTryAcquireLock(struct dormer_lock *lock)
{
    uint32_t old = DORMER_LOCK_FREE;

    return __atomic_compare_exchange_n(&lock->state, &old, DORMER_LOCK_HELD, 0,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

EXPORT void DormerReleaseLock(struct dormer_lock *lock)
{
    if (__atomic_exchange_n(&lock->state, DORMER_LOCK_FREE, __ATOMIC_RELEASE) ==
        DORMER_LOCK_CONTENDED)
        DmWakeAddress(&lock->state, 0);
}
