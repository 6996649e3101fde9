/*
 * ntdll's C half: the DLL entry point and the Dormer* helpers every program may use.
 * It links against nothing (no ulib, no libgcc), so the few string helpers it needs are
 * private here; the TEB and PEB are reached through gs exactly as Windows code does.
 * A process starts in DormerProcessStartup, which runs the DLLs' entry points and then
 * the program's; threads start in ntdll's own entry routine (the kernel gives them no
 * return address),
 * and the user-space lock sleeps in the kernel only when it is contended.
 */
#include <dormer.h>

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

static uint64_t ntdll_strlen(const char *s)
{
    uint64_t n = 0;

    while (s[n])
        n++;
    return n;
}

/* ------------------------------------------------------------ process startup ---- */

typedef int (*dll_entry_fn)(void *instance, uint32_t reason, void *reserved);
typedef void (*image_entry_fn)(struct dormer_peb *peb);

#define LDR_ENTRY(links, field) \
    ((struct dormer_ldr_entry *)(uintptr_t)((links) - __builtin_offsetof(struct dormer_ldr_entry, field)))

/* "ntdll: NAME's entry point failed" on the console (the name is UTF-16). */
static void report_init_failure(const struct dormer_ldr_entry *e)
{
    char line[96] = "ntdll: initialization of ";
    uint64_t n = ntdll_strlen(line);
    const char *tail = " failed (its entry point returned FALSE)\n";

    for (int i = 0; i < 32 && e->name[i] && n < 40 + 25; i++)
        line[n++] = e->name[i] < 0x80 ? (char)e->name[i] : '?';
    for (int i = 0; tail[i] && n + 1 < sizeof line; i++)
        line[n++] = tail[i];
    NtWriteConsole(line, n);
}

/*
 * Where every process's first thread starts (the kernel finds this export): the entry
 * point of each DLL, in initialization order (a DLL after the DLLs it imports), with
 * DLL_PROCESS_ATTACH, then the program's entry point. A DLL that returns FALSE ends the
 * process with STATUS_DLL_INIT_FAILED, as on Windows.
 */
EXPORT void DormerProcessStartup(struct dormer_peb *peb)
{
    struct dormer_ldr_data *ldr = (struct dormer_ldr_data *)(uintptr_t)peb->ldr;
    uint64_t head = peb->ldr + __builtin_offsetof(struct dormer_ldr_data, in_initialization_order);

    for (uint64_t l = ldr->in_initialization_order.flink; l != head;) {
        struct dormer_ldr_entry *e = LDR_ENTRY(l, in_initialization_order_links);
        l = e->in_initialization_order_links.flink;
        if (e->flags & DORMER_LDR_ENTRY_PROCESSED)
            continue;
        e->flags |= DORMER_LDR_ENTRY_PROCESSED;
        if (!e->entry_point)
            continue;
        e->flags |= DORMER_LDR_PROCESS_ATTACH_CALLED;
        /* reserved != NULL: loaded with the program, not by LoadLibrary */
        if (!((dll_entry_fn)(uintptr_t)e->entry_point)((void *)(uintptr_t)e->dll_base,
                                                       DLL_PROCESS_ATTACH, (void *)1)) {
            report_init_failure(e);
            NtTerminateProcess(DORMER_CURRENT_PROCESS, STATUS_DLL_INIT_FAILED);
        }
    }
    ldr->initialized = 1;
    struct dormer_ldr_entry *exe = LDR_ENTRY(ldr->in_load_order.flink, in_load_order_links);
    ((image_entry_fn)(uintptr_t)exe->entry_point)(peb);
    NtTerminateProcess(DORMER_CURRENT_PROCESS, 0); /* an entry point that returns */
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
    return NtWriteConsole(s, ntdll_strlen(s));
}

/* ----------------------------------------------------------------- processes ---- */

EXPORT dormer_status_t DormerSpawn(const char *cmdline, dormer_handle_t stdout_handle,
                                   dormer_handle_t *handle)
{
    return NtCreateProcess(handle, cmdline, ntdll_strlen(cmdline), stdout_handle);
}

EXPORT dormer_status_t DormerWait(dormer_handle_t handle, uint64_t timeout_ms)
{
    return NtWaitForMultipleObjects(1, &handle, 0, timeout_ms);
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
 * nothing to return to, so the thread ends through NtExitThread.
 */
__attribute__((noreturn)) static uint32_t thread_entry(uint64_t block)
{
    struct thread_start *start = (struct thread_start *)(uintptr_t)block;
    dormer_thread_fn fn = start->fn;
    uint64_t arg = start->arg, base = block, size = 0;

    NtFreeVirtualMemory(&base, &size, MEM_RELEASE);
    NtExitThread(fn(arg));
    __builtin_trap(); /* ud2: NtExitThread does not return */
}

EXPORT dormer_status_t DormerCreateThread(dormer_handle_t *handle, dormer_thread_fn fn,
                                          uint64_t arg, uint64_t stack_reserve)
{
    uint64_t base = 0, size = sizeof(struct thread_start), zero = 0;
    struct thread_start *start;
    dormer_status_t st;

    st = NtAllocateVirtualMemory(&base, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    if (!NT_SUCCESS(st))
        return st;
    start = (struct thread_start *)(uintptr_t)base;
    start->fn = fn;
    start->arg = arg;
    st = NtCreateThread(handle, thread_entry, base, stack_reserve);
    if (!NT_SUCCESS(st))
        NtFreeVirtualMemory(&base, &zero, MEM_RELEASE);
    return st;
}

/* --------------------------------------------------------------------- locks ---- */

/*
 * Drepper's three-state futex mutex ("Futexes Are Tricky", mutex3). A thread that finds
 * the lock held marks it CONTENDED before it sleeps, so the releaser knows to wake
 * someone; a woken thread takes it as CONTENDED too, as it cannot know whether others
 * still sleep (at worst one wake-up too many). NtWaitOnAddress only sleeps while the
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
        NtWaitOnAddress(&lock->state, DORMER_LOCK_CONTENDED, sizeof(lock->state),
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
        NtWakeAddress(&lock->state, 0);
}
