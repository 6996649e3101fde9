/* Threads created suspended, their suspend counts, a thread that suspends itself, thread
 * priorities read back, the process's affinity and the clock adjustment: what
 * libwinpthread's pthread_create and its other start-up calls rely on. */
#include <stdio.h>
#include <windows.h>

static volatile LONG ran;

static DWORD WINAPI worker(LPVOID arg)
{
    InterlockedIncrement(&ran);
    return (DWORD)(UINT_PTR)arg + 1;
}

static DWORD WINAPI self_suspender(LPVOID arg)
{
    (void)arg;
    InterlockedIncrement(&ran);
    DWORD r = SuspendThread(GetCurrentThread());
    InterlockedIncrement(&ran);
    return r + 100;
}

int main(void)
{
    DWORD tid = 0, code = 0;
    HANDLE t = CreateThread(NULL, 0, worker, (LPVOID)41, CREATE_SUSPENDED, &tid);
    printf("created suspended: %s id=%s\n", t ? "yes" : "no", tid ? "set" : "0");
    Sleep(50);
    printf("ran before resume: %ld\n", ran);
    printf("wait while suspended: %s\n",
           WaitForSingleObject(t, 20) == WAIT_TIMEOUT ? "WAIT_TIMEOUT" : "?");
    printf("suspend again: %lu\n", SuspendThread(t));
    printf("resume: %lu\n", ResumeThread(t));
    Sleep(30);
    printf("ran with count 1: %ld\n", ran);
    printf("resume: %lu\n", ResumeThread(t));
    WaitForSingleObject(t, INFINITE);
    GetExitCodeThread(t, &code);
    printf("ran: %ld exit code: %lu\n", ran, code);
    printf("resume of an ended thread: %lu\n", ResumeThread(t));
    CloseHandle(t);

    SetLastError(0);
    DWORD r = ResumeThread(NULL);
    printf("resume NULL: %ld error %lu\n", (long)r, GetLastError());

    ran = 0;
    t = CreateThread(NULL, 0, self_suspender, NULL, 0, NULL);
    while (ran == 0)
        Sleep(5);
    Sleep(50);
    printf("self-suspended thread paused: %s\n", ran == 1 ? "yes" : "no");
    /* The thread may still be on its way into SuspendThread: resume until it leaves. */
    DWORD prev;
    do {
        prev = ResumeThread(t);
        if (prev == 0)
            Sleep(5);
    } while (prev == 0);
    WaitForSingleObject(t, INFINITE);
    GetExitCodeThread(t, &code);
    printf("resume gave %lu, exit code %lu, ran %ld\n", prev, code, ran);
    CloseHandle(t);

    t = CreateThread(NULL, 0, worker, NULL, CREATE_SUSPENDED, NULL);
    printf("new thread priority: %d\n", GetThreadPriority(t));
    SetThreadPriority(t, THREAD_PRIORITY_BELOW_NORMAL);
    printf("after BELOW_NORMAL: %d\n", GetThreadPriority(t));
    SetThreadPriority(t, THREAD_PRIORITY_HIGHEST);
    printf("after HIGHEST: %d\n", GetThreadPriority(t));
    printf("own priority: %d\n", GetThreadPriority(GetCurrentThread()));
    ResumeThread(t);
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    SetLastError(0);
    int p = GetThreadPriority(NULL);
    printf("priority of NULL: %d error %lu\n", p, GetLastError());

    DWORD_PTR mine = 0, sys = 0;
    BOOL ok = GetProcessAffinityMask(GetCurrentProcess(), &mine, &sys);
    printf("affinity: %d, process within system: %d, nonzero: %d\n", ok,
           (mine & ~sys) == 0, mine != 0);
    printf("set to the same mask: %d\n", SetProcessAffinityMask(GetCurrentProcess(), mine));
    SetLastError(0);
    ok = SetProcessAffinityMask(GetCurrentProcess(), 0);
    printf("set to 0: %d error %lu\n", ok, GetLastError());

    DWORD adj = 0, inc = 0;
    BOOL disabled = FALSE;
    ok = GetSystemTimeAdjustment(&adj, &inc, &disabled);
    printf("time adjustment: %d, increment nonzero: %d, disabled: %d\n", ok, inc != 0, disabled);
    return 0;
}
