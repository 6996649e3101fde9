/* GetThreadContext and SetThreadContext: a spinning thread suspended, its context read
 * (RIP inside its function, RSP inside its stack), redirected to another function with
 * an argument in RCX; a thread blocked in a wait read too; suspend counts; the calling
 * thread's own context; errors (bad handle, wrong object, missing access rights); and
 * a non-canonical RIP, which Windows accepts and the thread then faults on. */
#include <stdio.h>
#include <windows.h>

static volatile LONG spin_go = 1, spinning;
static volatile ULONG_PTR stack_base, stack_limit;
static volatile DWORD64 landed_arg;
static volatile DWORD victim_tid;
static volatile LONG victim_faults;
static volatile DWORD fault_code;

static void record_stack(void)
{
    NT_TIB *tib = (NT_TIB *)NtCurrentTeb();
    stack_base = (ULONG_PTR)tib->StackBase;
    stack_limit = (ULONG_PTR)tib->StackLimit;
}

static DWORD WINAPI spinner(LPVOID arg)
{
    (void)arg;
    record_stack();
    InterlockedExchange(&spinning, 1);
    while (spin_go)
        ;
    return 5;
}

/* Entered through SetThreadContext, not called: it never returns. */
static void landing(DWORD64 value)
{
    landed_arg = value;
    ExitThread((DWORD)value + 1);
}

static DWORD WINAPI waiter(LPVOID arg)
{
    record_stack();
    InterlockedExchange(&spinning, 1);
    return WaitForSingleObject((HANDLE)arg, INFINITE) == WAIT_OBJECT_0 ? 7 : 8;
}

static LONG CALLBACK on_fault(EXCEPTION_POINTERS *ep)
{
    if (GetCurrentThreadId() != victim_tid)
        return EXCEPTION_CONTINUE_SEARCH;
    fault_code = ep->ExceptionRecord->ExceptionCode;
    InterlockedIncrement(&victim_faults);
    ExitThread(99);
}

static int in_function(DWORD64 pc, void *fn)
{
    DWORD64 base = 0;
    PRUNTIME_FUNCTION rf = RtlLookupFunctionEntry(pc, &base, NULL);
    return rf && base + rf->BeginAddress == (DWORD64)(ULONG_PTR)fn && pc < base + rf->EndAddress;
}

static int in_stack(DWORD64 sp)
{
    return sp > stack_limit && sp <= stack_base;
}

static HANDLE start(LPTHREAD_START_ROUTINE fn, void *arg)
{
    spinning = 0;
    HANDLE t = CreateThread(NULL, 0, fn, arg, 0, NULL);
    while (!spinning)
        Sleep(1);
    Sleep(20); /* well inside its loop or its wait */
    return t;
}

int main(void)
{
    CONTEXT ctx;
    DWORD code = 0;

    /* A spinning thread, suspended and redirected. */
    HANDLE t = start(spinner, NULL);
    printf("suspend: %lu\n", SuspendThread(t));
    printf("suspend again: %lu\n", SuspendThread(t));
    printf("resume: %lu\n", ResumeThread(t));
    memset(&ctx, 0, sizeof ctx);
    ctx.ContextFlags = CONTEXT_FULL;
    printf("get: %d\n", GetThreadContext(t, &ctx));
    printf("rip in spinner: %d\n", in_function(ctx.Rip, spinner));
    printf("rsp in its stack: %d\n", in_stack(ctx.Rsp));
    printf("segments: cs %s ss %s\n", ctx.SegCs & 3 ? "user" : "kernel",
           ctx.SegSs & 3 ? "user" : "kernel");
    ctx.Rip = (DWORD64)(ULONG_PTR)landing;
    ctx.Rcx = 1234;
    ctx.Rsp = (ctx.Rsp & ~(DWORD64)15) - 8; /* as if called */
    printf("set: %d\n", SetThreadContext(t, &ctx));
    CONTEXT back;
    memset(&back, 0, sizeof back);
    back.ContextFlags = CONTEXT_CONTROL | CONTEXT_INTEGER;
    GetThreadContext(t, &back);
    printf("read back: rip %s rcx %llu\n", back.Rip == ctx.Rip ? "landing" : "other",
           (unsigned long long)back.Rcx);
    printf("resume: %lu\n", ResumeThread(t));
    WaitForSingleObject(t, INFINITE);
    GetExitCodeThread(t, &code);
    printf("landed with %llu, exit code %lu\n", (unsigned long long)landed_arg, code);
    printf("get after exit: %d\n", GetThreadContext(t, &ctx) ? 1 : 0);
    CloseHandle(t);

    /* A thread blocked in a wait: its context is that of its system call. */
    HANDLE ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    t = start(waiter, ev);
    printf("suspend waiter: %lu\n", SuspendThread(t));
    memset(&ctx, 0, sizeof ctx);
    ctx.ContextFlags = CONTEXT_FULL;
    /* (Wine reports the RSP of its own system-call stack here; Windows the user's.) */
    printf("get waiter: %d\n", GetThreadContext(t, &ctx));
    SetEvent(ev);
    Sleep(20);
    printf("waiter ended while suspended: %s\n",
           WaitForSingleObject(t, 0) == WAIT_TIMEOUT ? "no" : "yes");
    printf("resume waiter: %lu\n", ResumeThread(t));
    WaitForSingleObject(t, INFINITE);
    GetExitCodeThread(t, &code);
    printf("waiter exit code %lu\n", code);
    CloseHandle(t);
    CloseHandle(ev);

    /* The calling thread's own context. */
    memset(&ctx, 0, sizeof ctx);
    ctx.ContextFlags = CONTEXT_CONTROL;
    printf("own context: %d\n", GetThreadContext(GetCurrentThread(), &ctx));

    /* Errors. */
    spin_go = 1;
    t = start(spinner, NULL);
    ctx.ContextFlags = CONTEXT_FULL;
    BOOL ok;
    long n;
    SetLastError(0);
    ok = GetThreadContext((HANDLE)(ULONG_PTR)0x1230, &ctx);
    printf("bad handle: %d error %lu\n", ok, GetLastError());
    ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    SetLastError(0);
    ok = SetThreadContext(ev, &ctx);
    printf("an event: %d error %lu\n", ok, GetLastError());
    CloseHandle(ev);
    HANDLE weak = NULL;
    DuplicateHandle(GetCurrentProcess(), t, GetCurrentProcess(), &weak,
                    SYNCHRONIZE | THREAD_QUERY_INFORMATION, FALSE, 0);
    SetLastError(0);
    ok = GetThreadContext(weak, &ctx);
    printf("no THREAD_GET_CONTEXT: %d error %lu\n", ok, GetLastError());
    SetLastError(0);
    ok = SetThreadContext(weak, &ctx);
    printf("no THREAD_SET_CONTEXT: %d error %lu\n", ok, GetLastError());
    SetLastError(0);
    n = (long)SuspendThread(weak);
    printf("no THREAD_SUSPEND_RESUME: %ld error %lu\n", n, GetLastError());
    CloseHandle(weak);

    /* A non-canonical RIP: accepted; the thread faults when it runs again. */
    AddVectoredExceptionHandler(1, on_fault);
    victim_tid = GetThreadId(t);
    SuspendThread(t);
    memset(&ctx, 0, sizeof ctx);
    ctx.ContextFlags = CONTEXT_CONTROL;
    GetThreadContext(t, &ctx);
    ctx.Rip = 0x8000000000001000ull;
    printf("set non-canonical rip: %d\n", SetThreadContext(t, &ctx));
    ResumeThread(t);
    WaitForSingleObject(t, INFINITE);
    GetExitCodeThread(t, &code);
    printf("victim: %ld fault(s), code %08lx, exit code %lu\n", victim_faults, fault_code, code);
    CloseHandle(t);
    printf("done\n");
    return 0;
}
