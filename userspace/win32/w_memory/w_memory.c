/* Virtual memory and heaps through kernel32, with the errors Windows gives. */
#include <windows.h>
#include <stdio.h>

int main(void)
{
    SYSTEM_INFO si;
    MEMORY_BASIC_INFORMATION mbi;
    DWORD old;

    GetSystemInfo(&si);
    printf("page size %lu, granularity %lu\n", si.dwPageSize, si.dwAllocationGranularity);

    char *p = VirtualAlloc(NULL, 1 << 20, MEM_RESERVE, PAGE_READWRITE);
    printf("reserve ok=%d aligned=%d\n", p != NULL, ((ULONG_PTR)p & 0xffff) == 0);
    VirtualQuery(p, &mbi, sizeof mbi);
    printf("reserved: state=%lx size=%llx alloc_base_ok=%d\n", mbi.State,
           (unsigned long long)mbi.RegionSize, mbi.AllocationBase == p);
    char *q = VirtualAlloc(p + 0x3000, 0x2000, MEM_COMMIT, PAGE_READWRITE);
    printf("commit ok=%d at=%d\n", q != NULL, q == p + 0x3000);
    q[0] = 1;
    q[0x1fff] = 2;
    VirtualQuery(q, &mbi, sizeof mbi);
    printf("committed: state=%lx protect=%lx size=%llx type=%lx\n", mbi.State, mbi.Protect,
           (unsigned long long)mbi.RegionSize, mbi.Type);
    BOOL ok = VirtualProtect(q, 0x1000, PAGE_READONLY, &old);
    printf("protect ok=%d old=%lx\n", ok, old);
    VirtualQuery(q, &mbi, sizeof mbi);
    printf("after protect: protect=%lx size=%llx\n", mbi.Protect, (unsigned long long)mbi.RegionSize);
    printf("decommit ok=%d\n", VirtualFree(q, 0x2000, MEM_DECOMMIT));
    VirtualQuery(q, &mbi, sizeof mbi);
    printf("after decommit: state=%lx\n", mbi.State);
    ok = VirtualFree(p, 0x1000, MEM_RELEASE);
    printf("release with size: %d error=%lu\n", ok, GetLastError());
    printf("release ok=%d\n", VirtualFree(p, 0, MEM_RELEASE));
    ok = VirtualFree(p, 0, MEM_RELEASE);
    printf("release again fails: %d\n", !ok);
    void *none = VirtualAlloc(NULL, 0, MEM_COMMIT, PAGE_READWRITE);
    printf("alloc size 0: %p error=%lu\n", none, GetLastError());

    /* PAGE_NOACCESS: committed pages the program cannot touch; contents survive. */
    char *na = VirtualAlloc(NULL, 0x2000, MEM_RESERVE | MEM_COMMIT, PAGE_NOACCESS);
    printf("noaccess alloc ok=%d\n", na != NULL);
    VirtualQuery(na, &mbi, sizeof mbi);
    printf("noaccess: state=%lx protect=%lx size=%llx\n", mbi.State, mbi.Protect,
           (unsigned long long)mbi.RegionSize);
    ok = VirtualProtect(na, 0x2000, PAGE_READWRITE, &old);
    printf("to readwrite ok=%d old=%lx\n", ok, old);
    na[5] = 42;
    na[0x1005] = 43;
    ok = VirtualProtect(na, 0x1000, PAGE_NOACCESS, &old);
    printf("back to noaccess ok=%d old=%lx\n", ok, old);
    VirtualQuery(na, &mbi, sizeof mbi);
    printf("noaccess again: protect=%lx size=%llx\n", mbi.Protect,
           (unsigned long long)mbi.RegionSize);
    ok = VirtualProtect(na, 0x1000, PAGE_READONLY, &old);
    printf("to readonly ok=%d old=%lx kept=%d,%d\n", ok, old, na[5], na[0x1005]);
    ok = VirtualProtect(na, 0x1000, 0x12345, &old);
    printf("bad protection: %d error=%lu\n", ok, GetLastError());
    printf("noaccess release ok=%d\n", VirtualFree(na, 0, MEM_RELEASE));

    /* The image's own pages, as mingw's start-up code looks at them. */
    VirtualQuery((void *)main, &mbi, sizeof mbi);
    printf("code: state=%lx type=%lx exec=%d\n", mbi.State, mbi.Type,
           (mbi.Protect & (PAGE_EXECUTE_READ | PAGE_EXECUTE)) != 0);

    HANDLE heap = HeapCreate(0, 0, 0);
    char *a = HeapAlloc(heap, HEAP_ZERO_MEMORY, 100);
    int zero = 1;
    for (int i = 0; i < 100; i++)
        zero &= a[i] == 0;
    printf("HeapAlloc zeroed=%d size=%lu aligned=%d\n", zero, (unsigned long)HeapSize(heap, 0, a),
           ((ULONG_PTR)a & 15) == 0);
    a = HeapReAlloc(heap, 0, a, 5000);
    printf("HeapReAlloc size=%lu\n", (unsigned long)HeapSize(heap, 0, a));
    char *big = HeapAlloc(heap, 0, 3 << 20);
    big[(3 << 20) - 1] = 7;
    printf("big block ok=%d size=%lu\n", big != NULL, (unsigned long)HeapSize(heap, 0, big));
    printf("HeapFree ok=%d %d\n", HeapFree(heap, 0, a), HeapFree(heap, 0, big));
    printf("HeapDestroy ok=%d\n", HeapDestroy(heap));
    HANDLE ph = GetProcessHeap();
    void *x = HeapAlloc(ph, 0, 32);
    printf("process heap ok=%d free=%d\n", x != NULL, HeapFree(ph, 0, x));
    return 0;
}
