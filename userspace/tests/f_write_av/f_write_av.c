/*
 * f_write_av: writes to a page it has made read-only with DmProtectVirtualMemory (after
 * checking it can read it). Expected: killed with STATUS_ACCESS_VIOLATION (0xC0000005).
 */
#include "../fault.h"

static uint64_t fault_inner(uint64_t arg)
{
    FAULT_KEEP_FRAME();
    *(volatile uint64_t *)(uintptr_t)arg = 0xbad;
    return *(volatile uint64_t *)(uintptr_t)arg;
}

int main(void)
{
    uint64_t base = 0, size = DORMER_PAGE_SIZE;
    uint32_t old;

    if (!NT_SUCCESS(DmAllocateVirtualMemory(&base, &size, MEM_RESERVE | MEM_COMMIT,
                                            PAGE_READWRITE)) ||
        !NT_SUCCESS(DmProtectVirtualMemory(&base, &size, PAGE_READONLY, &old))) {
        uprintf("f_write_av: FAIL: could not set up a read-only page\n");
        return 0;
    }
    if (*(volatile uint64_t *)(uintptr_t)base != 0) {
        uprintf("f_write_av: FAIL: fresh page is not zero\n");
        return 0;
    }
    return fault_run("f_write_av", "writing to a read-only page", base);
}
