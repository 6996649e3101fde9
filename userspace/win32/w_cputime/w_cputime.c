/*
 * w_cputime: GetProcessTimes and GetThreadTimes. A thread that spins in user mode gains
 * user CPU time; a thread that ended keeps its times and its exit time; the process's
 * time counts the ended thread's too; the creation times are in the past, and handles
 * of the wrong kind are ERROR_INVALID_HANDLE. Times differ from run to run, so the
 * program prints what must hold between them.
 */
#include <windows.h>
#include <stdio.h>

#define MS 10000ull /* FILETIME units in a millisecond */

static ULONGLONG u64(FILETIME f)
{
    return (ULONGLONG)f.dwHighDateTime << 32 | f.dwLowDateTime;
}

static volatile unsigned long sink;

/* This thread's user + kernel time so far. */
static ULONGLONG own_cpu(void)
{
    FILETIME c, e, k, u;

    GetThreadTimes(GetCurrentThread(), &c, &e, &k, &u);
    return u64(k) + u64(u);
}

/* Spin in user mode until this thread has used ms more of CPU time, or 20 s of wall
 * time have passed (CPU time never counted). Spinning for wall time instead would
 * count on the CPU being this thread's all along, which a loaded machine (or a virtual
 * one on a loaded host) does not promise. */
static void spin(DWORD ms)
{
    ULONGLONG want = own_cpu() + ms * MS, give_up = GetTickCount64() + 20000;

    while (own_cpu() < want && GetTickCount64() < give_up)
        for (int i = 0; i < 100000; i++)
            sink += (unsigned long)i;
}

static DWORD WINAPI spinner(void *arg)
{
    (void)arg;
    spin(300);
    return 7;
}

int main(void)
{
    FILETIME c, e, k, u, now;
    FILETIME tc, te, tk, tu;

    BOOL ok = GetProcessTimes(GetCurrentProcess(), &c, &e, &k, &u);
    GetSystemTimeAsFileTime(&now);
    printf("GetProcessTimes(self): ok=%d\n", ok);
    printf("created in the last hour: %d, exit 0: %d\n",
           u64(c) <= u64(now) && u64(now) - u64(c) < 3600ull * 1000 * MS, u64(e) == 0);
    ULONGLONG user_before = u64(u);

    spin(300);
    ok = GetThreadTimes(GetCurrentThread(), &tc, &te, &tk, &tu);
    printf("GetThreadTimes(self): ok=%d, exit 0: %d, created no later than now: %d\n", ok,
           u64(te) == 0, u64(tc) <= u64(now) + 1000 * MS);
    GetProcessTimes(GetCurrentProcess(), &c, &e, &k, &u);
    printf("300 ms of spinning: at least 100 ms more user time: %d\n",
           u64(u) - user_before >= 100 * MS);
    ULONGLONG main_user = u64(tu);

    HANDLE t = CreateThread(NULL, 0, spinner, NULL, 0, NULL);
    WaitForSingleObject(t, INFINITE);
    ok = GetThreadTimes(t, &tc, &te, &tk, &tu);
    printf("ended thread: ok=%d, exited after it began: %d, CPU at least 150 ms: %d, "
           "user time: %d\n", ok, u64(te) >= u64(tc) && u64(te) != 0,
           u64(tu) + u64(tk) >= 150 * MS, u64(tu) > 0);
    ULONGLONG thread_user = u64(tu);
    CloseHandle(t);

    GetThreadTimes(GetCurrentThread(), &tc, &te, &tk, &tu);
    GetProcessTimes(GetCurrentProcess(), &c, &e, &k, &u);
    printf("process user time counts the ended thread: %d\n",
           u64(u) >= u64(tu) + thread_user && u64(tu) >= main_user);

    SetLastError(0xdead);
    ok = GetThreadTimes(GetCurrentProcess(), &tc, &te, &tk, &tu);
    printf("GetThreadTimes(a process): ok=%d error=%lu\n", ok, ok ? 0 : GetLastError());
    SetLastError(0xdead);
    HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
    ok = GetProcessTimes(ev, &c, &e, &k, &u);
    printf("GetProcessTimes(an event): ok=%d error=%lu\n", ok, ok ? 0 : GetLastError());
    CloseHandle(ev);
    SetLastError(0xdead);
    ok = GetProcessTimes(NULL, &c, &e, &k, &u);
    printf("GetProcessTimes(NULL): ok=%d error=%lu\n", ok, ok ? 0 : GetLastError());
    return 0;
}
