/*
 * w_ntsync: a stock mingw-w64 program calling ntdll's event, wait, time and memory exports
 * directly (linked with -lntdll): NtCreateEvent, NtSetEvent, NtResetEvent,
 * NtWaitForSingleObject and NtWaitForMultipleObjects with zero, relative and absolute
 * timeouts, NtDelayExecution, NtQuerySystemTime, and NtAllocateVirtualMemory,
 * NtProtectVirtualMemory, NtQueryVirtualMemory and NtFreeVirtualMemory. Every status is
 * printed; times and addresses only as what must hold of them. Its expected output is Wine's.
 */
#include <windows.h>
#include <winternl.h>
#include <stdio.h>

typedef enum { NotificationEvent_, SynchronizationEvent_ } EVENT_TYPE_;
NTSTATUS NTAPI NtCreateEvent(PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES, EVENT_TYPE_, BOOLEAN);
NTSTATUS NTAPI NtSetEvent(HANDLE, PLONG);
NTSTATUS NTAPI NtResetEvent(HANDLE, PLONG);
NTSTATUS NTAPI NtWaitForMultipleObjects(ULONG, HANDLE *, int, BOOLEAN, PLARGE_INTEGER);
NTSTATUS NTAPI NtDelayExecution(BOOLEAN, PLARGE_INTEGER);
NTSTATUS NTAPI NtAllocateVirtualMemory(HANDLE, PVOID *, ULONG_PTR, PSIZE_T, ULONG, ULONG);
NTSTATUS NTAPI NtFreeVirtualMemory(HANDLE, PVOID *, PSIZE_T, ULONG);
NTSTATUS NTAPI NtProtectVirtualMemory(HANDLE, PVOID *, PSIZE_T, ULONG, PULONG);
NTSTATUS NTAPI NtQueryVirtualMemory(HANDLE, PVOID, ULONG, PVOID, SIZE_T, PSIZE_T);

#define WAIT_ALL 0
#define WAIT_ANY 1
#define BOGUS ((HANDLE)(ULONG_PTR)0x1230)
#define MS(n) ((LONGLONG)(n) * 10000)

static void show(const char *what, NTSTATUS st)
{
    printf("%-44s 0x%08lx\n", what, (unsigned long)st);
}

static LONGLONG now(void)
{
    LARGE_INTEGER t;
    NtQuerySystemTime(&t);
    return t.QuadPart;
}

static void events(void)
{
    HANDLE n = NULL, s = NULL;
    LARGE_INTEGER zero = { .QuadPart = 0 };
    LONG prev = 7;

    show("NtCreateEvent(notification, unset)",
         NtCreateEvent(&n, EVENT_ALL_ACCESS, NULL, NotificationEvent_, FALSE));
    show("wait, zero timeout", NtWaitForSingleObject(n, FALSE, &zero));
    show("NtSetEvent", NtSetEvent(n, &prev));
    printf("  previous state %ld\n", prev);
    show("NtSetEvent again", NtSetEvent(n, &prev));
    printf("  previous state %ld\n", prev);
    show("wait", NtWaitForSingleObject(n, FALSE, &zero));
    show("wait again: still set", NtWaitForSingleObject(n, FALSE, &zero));
    show("NtResetEvent", NtResetEvent(n, &prev));
    printf("  previous state %ld\n", prev);
    show("wait after the reset", NtWaitForSingleObject(n, FALSE, &zero));
    show("NtSetEvent, no previous state", NtSetEvent(n, NULL));

    show("NtCreateEvent(synchronization, set)",
         NtCreateEvent(&s, EVENT_ALL_ACCESS, NULL, SynchronizationEvent_, TRUE));
    show("wait: takes it", NtWaitForSingleObject(s, FALSE, &zero));
    show("wait again: reset by the first", NtWaitForSingleObject(s, FALSE, &zero));

    HANDLE both[2] = { s, n };
    show("wait any: the second", NtWaitForMultipleObjects(2, both, WAIT_ANY, FALSE, &zero));
    show("wait all: the first is unset", NtWaitForMultipleObjects(2, both, WAIT_ALL, FALSE, &zero));
    NtSetEvent(s, NULL);
    show("wait all: both set", NtWaitForMultipleObjects(2, both, WAIT_ALL, FALSE, &zero));
    show("wait any: the synchronization one was taken",
         NtWaitForMultipleObjects(1, both, WAIT_ANY, FALSE, &zero));

    LONGLONG t0 = now();
    LARGE_INTEGER rel = { .QuadPart = -MS(50) };
    show("wait 50 ms (relative) on an unset event", NtWaitForSingleObject(s, FALSE, &rel));
    printf("  waited at least 50 ms %d\n", now() - t0 >= MS(50));
    t0 = now();
    LARGE_INTEGER abs = { .QuadPart = t0 + MS(40) };
    show("wait until now + 40 ms (absolute)", NtWaitForMultipleObjects(1, &s, WAIT_ANY, FALSE, &abs));
    printf("  waited at least 40 ms %d\n", now() - t0 >= MS(40));
    abs.QuadPart = t0 - MS(1000);
    show("wait until a time past", NtWaitForSingleObject(s, FALSE, &abs));

    show("NtSetEvent(bad handle)", NtSetEvent(BOGUS, NULL));
    show("NtResetEvent(bad handle)", NtResetEvent(BOGUS, NULL));
    show("NtWaitForSingleObject(bad handle)", NtWaitForSingleObject(BOGUS, FALSE, &zero));
    HANDLE bad[2] = { n, BOGUS };
    show("wait any with a bad handle", NtWaitForMultipleObjects(2, bad, WAIT_ANY, FALSE, &zero));
    show("wait for 0 objects", NtWaitForMultipleObjects(0, both, WAIT_ANY, FALSE, &zero));
    HANDLE many[65];
    for (int i = 0; i < 65; i++)
        many[i] = n;
    show("wait for 65 objects", NtWaitForMultipleObjects(65, many, WAIT_ANY, FALSE, &zero));
    show("NtCreateEvent(type 5)", NtCreateEvent(&s, EVENT_ALL_ACCESS, NULL, 5, FALSE));
    show("NtClose(notification event)", NtClose(n));
    show("NtClose(it again)", NtClose(n));
}

static void times(void)
{
    LARGE_INTEGER t;
    LONGLONG a = now();

    show("NtQuerySystemTime", NtQuerySystemTime(&t));
    printf("  after 2020 %d, before 2100 %d, not going back %d\n",
           t.QuadPart > 132223104000000000LL, t.QuadPart < 157469184000000000LL,
           t.QuadPart >= a);
    LARGE_INTEGER d = { .QuadPart = -MS(30) };
    a = now();
    show("NtDelayExecution(30 ms)", NtDelayExecution(FALSE, &d));
    printf("  slept at least 30 ms %d\n", now() - a >= MS(30));
    d.QuadPart = 0;
    show("NtDelayExecution(0)", NtDelayExecution(FALSE, &d));
    d.QuadPart = now() + MS(20);
    a = now();
    show("NtDelayExecution(until now + 20 ms)", NtDelayExecution(FALSE, &d));
    printf("  slept at least 20 ms %d\n", now() - a >= MS(20));
}

static void memory(void)
{
    HANDLE self = GetCurrentProcess();
    PVOID base = NULL, b2;
    SIZE_T size = 0x10000, s2, ret = 0;
    ULONG old = 0;
    MEMORY_BASIC_INFORMATION mbi;

    show("allocate 64 KiB, reserve and commit",
         NtAllocateVirtualMemory(self, &base, 0, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE));
    printf("  size 0x%lx, 64 KiB aligned %d\n", (unsigned long)size,
           ((ULONG_PTR)base & 0xffff) == 0);
    ((volatile char *)base)[0x1234] = 1;
    b2 = (char *)base + 0x1000;
    s2 = 1;
    show("protect one byte read-only", NtProtectVirtualMemory(self, &b2, &s2, PAGE_READONLY, &old));
    printf("  old 0x%lx, rounded to the page %d, size 0x%lx\n", old, b2 == (char *)base + 0x1000,
           (unsigned long)s2);
    show("query", NtQueryVirtualMemory(self, (char *)base + 0x1800, 0, &mbi, sizeof mbi, &ret));
    printf("  length %lu, protect 0x%lx, state 0x%lx, type 0x%lx, size 0x%lx, same allocation %d\n",
           (unsigned long)ret, mbi.Protect, mbi.State, mbi.Type, (unsigned long)mbi.RegionSize,
           mbi.AllocationBase == base);
    show("query, class 99", NtQueryVirtualMemory(self, base, 99, &mbi, sizeof mbi, &ret));
    show("query, short buffer", NtQueryVirtualMemory(self, base, 0, &mbi, 8, &ret));
    b2 = (char *)base + 0x2000;
    s2 = 0x1000;
    show("decommit a page", NtFreeVirtualMemory(self, &b2, &s2, MEM_DECOMMIT));
    NtQueryVirtualMemory(self, b2, 0, &mbi, sizeof mbi, NULL);
    printf("  state 0x%lx\n", mbi.State);
    b2 = base;
    s2 = 0;
    show("release", NtFreeVirtualMemory(self, &b2, &s2, MEM_RELEASE));
    printf("  size 0x%lx\n", (unsigned long)s2);
    NtQueryVirtualMemory(self, base, 0, &mbi, sizeof mbi, NULL);
    printf("  state after 0x%lx\n", mbi.State);

    base = NULL;
    size = 0x20000;
    show("reserve 128 KiB", NtAllocateVirtualMemory(self, &base, 0, &size, MEM_RESERVE, PAGE_NOACCESS));
    b2 = (char *)base + 0x5010;
    s2 = 0x10;
    show("commit 16 bytes inside", NtAllocateVirtualMemory(self, &b2, 0, &s2, MEM_COMMIT, PAGE_READWRITE));
    printf("  base moved to the page %d, size 0x%lx\n", b2 == (char *)base + 0x5000,
           (unsigned long)s2);
    NtQueryVirtualMemory(self, (char *)base + 0x6000, 0, &mbi, sizeof mbi, NULL);
    printf("  the next page: state 0x%lx\n", mbi.State);
    b2 = base;
    s2 = 0;
    NtFreeVirtualMemory(self, &b2, &s2, MEM_RELEASE);

    base = NULL;
    size = 0x1000;
    show("allocate, protection 0", NtAllocateVirtualMemory(self, &base, 0, &size, MEM_COMMIT, 0));
    show("allocate, protection 3", NtAllocateVirtualMemory(self, &base, 0, &size, MEM_COMMIT, 3));
    show("allocate, type 0", NtAllocateVirtualMemory(self, &base, 0, &size, 0, PAGE_READWRITE));
    base = NULL;
    size = 0;
    show("allocate 0 bytes", NtAllocateVirtualMemory(self, &base, 0, &size, MEM_COMMIT,
                                                       PAGE_READWRITE));
}

int main(void)
{
    events();
    times();
    memory();
    return 0;
}
