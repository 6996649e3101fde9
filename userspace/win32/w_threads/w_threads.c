/* Threads and synchronization through kernel32, as a plain C program uses them:
 * CreateThread, critical sections, __thread (emutls over TlsAlloc), events, semaphores,
 * SRW locks with a condition variable, Interlocked*, _beginthreadex, exit codes. */
#include <windows.h>
#include <process.h>
#include <stdio.h>

#define THREADS 6
#define ROUNDS 5000

static CRITICAL_SECTION cs;
static long counter;
static volatile LONG atomic_counter;
static __thread int per_thread;
static DWORD tls;

static DWORD WINAPI adder(LPVOID arg)
{
    int id = (int)(INT_PTR)arg;

    per_thread = id * 100;
    TlsSetValue(tls, (LPVOID)(INT_PTR)(id + 1));
    for (int i = 0; i < ROUNDS; i++) {
        EnterCriticalSection(&cs);
        EnterCriticalSection(&cs); /* recursion */
        counter++;
        LeaveCriticalSection(&cs);
        LeaveCriticalSection(&cs);
        InterlockedIncrement(&atomic_counter);
        if (i % 1000 == 0)
            Sleep(0);
    }
    /* Each thread still sees its own values. */
    if (per_thread != id * 100 || (INT_PTR)TlsGetValue(tls) != id + 1)
        return 1000;
    return (DWORD)(id + 10);
}

/* Producer/consumer over a bounded queue with an SRW lock and two condition variables. */
static SRWLOCK lock = SRWLOCK_INIT;
static CONDITION_VARIABLE not_empty = CONDITION_VARIABLE_INIT, not_full = CONDITION_VARIABLE_INIT;
static int queue[8], q_head, q_count;
static long consumed_sum;

static DWORD WINAPI producer(LPVOID arg)
{
    (void)arg;
    for (int i = 1; i <= 2000; i++) {
        AcquireSRWLockExclusive(&lock);
        while (q_count == 8)
            SleepConditionVariableSRW(&not_full, &lock, INFINITE, 0);
        queue[(q_head + q_count++) % 8] = i;
        WakeConditionVariable(&not_empty);
        ReleaseSRWLockExclusive(&lock);
    }
    return 0;
}

static DWORD WINAPI consumer(LPVOID arg)
{
    (void)arg;
    for (int i = 0; i < 2000; i++) {
        AcquireSRWLockExclusive(&lock);
        while (q_count == 0)
            SleepConditionVariableSRW(&not_empty, &lock, INFINITE, 0);
        consumed_sum += queue[q_head];
        q_head = (q_head + 1) % 8;
        q_count--;
        WakeConditionVariable(&not_full);
        ReleaseSRWLockExclusive(&lock);
    }
    return 0;
}

static HANDLE ping, pong;

static DWORD WINAPI ponger(LPVOID arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        WaitForSingleObject(ping, INFINITE);
        ReleaseSemaphore(pong, 1, NULL);
    }
    return 0;
}

static unsigned __stdcall crt_thread(void *arg)
{
    return (unsigned)(UINT_PTR)arg * 2;
}

int main(void)
{
    HANDLE h[THREADS];
    DWORD code;

    InitializeCriticalSection(&cs);
    tls = TlsAlloc();
    printf("TlsAlloc ok=%d\n", tls != TLS_OUT_OF_INDEXES);
    per_thread = -1;
    for (int i = 0; i < THREADS; i++) {
        DWORD id = 0;
        h[i] = CreateThread(NULL, 0, adder, (LPVOID)(INT_PTR)i, 0, &id);
        if (!h[i] || id == 0)
            printf("CreateThread %d failed\n", i);
    }
    DWORD w = WaitForMultipleObjects(THREADS, h, TRUE, INFINITE);
    printf("wait all: %lu\n", w);
    for (int i = 0; i < THREADS; i++) {
        GetExitCodeThread(h[i], &code);
        printf("thread %d exit code %lu\n", i, code);
        CloseHandle(h[i]);
    }
    printf("counter=%ld atomic=%ld expected=%d\n", counter, atomic_counter, THREADS * ROUNDS);
    printf("main thread's __thread=%d\n", per_thread);
    DeleteCriticalSection(&cs);

    HANDLE p = CreateThread(NULL, 0, producer, NULL, 0, NULL);
    HANDLE c = CreateThread(NULL, 0, consumer, NULL, 0, NULL);
    HANDLE pc[2] = {p, c};
    WaitForMultipleObjects(2, pc, TRUE, INFINITE);
    printf("consumed sum=%ld expected=%d\n", consumed_sum, 2000 * 2001 / 2);
    CloseHandle(p);
    CloseHandle(c);

    ping = CreateEventA(NULL, FALSE, FALSE, NULL);
    pong = CreateSemaphoreA(NULL, 0, 1, NULL);
    HANDLE t = CreateThread(NULL, 0, ponger, NULL, 0, NULL);
    int rounds = 0;
    for (int i = 0; i < 100; i++) {
        SetEvent(ping);
        if (WaitForSingleObject(pong, 5000) == WAIT_OBJECT_0)
            rounds++;
    }
    WaitForSingleObject(t, INFINITE);
    printf("ping-pong rounds=%d\n", rounds);
    LONG prev = -1;
    BOOL ok = ReleaseSemaphore(pong, 2, &prev);
    printf("ReleaseSemaphore past max: %d error=%lu\n", ok, GetLastError());
    printf("WaitForSingleObject timeout: %lu\n", WaitForSingleObject(ping, 20));
    HANDLE m = CreateMutexA(NULL, TRUE, NULL);
    BOOL first = ReleaseMutex(m), again = ReleaseMutex(m);
    printf("ReleaseMutex owner=%d again=%d error=%lu\n", first, again, GetLastError());
    CloseHandle(m);
    CloseHandle(t);
    CloseHandle(ping);
    CloseHandle(pong);

    unsigned tid;
    HANDLE bt = (HANDLE)_beginthreadex(NULL, 0, crt_thread, (void *)21, 0, &tid);
    WaitForSingleObject(bt, INFINITE);
    GetExitCodeThread(bt, &code);
    printf("_beginthreadex exit code %lu\n", code);
    CloseHandle(bt);
    printf("GetExitCodeThread(self) still active=%d\n",
           GetExitCodeThread(GetCurrentThread(), &code) && code == STILL_ACTIVE);
    TlsFree(tls);
    return 0;
}
