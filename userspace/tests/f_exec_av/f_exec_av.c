/*
 * f_exec_av: puts a `ret` into a PAGE_READWRITE page and calls it: the page is NX, so
 * the fetch faults. Expected: killed with STATUS_ACCESS_VIOLATION (0xC0000005).
 */
#include "../fault.h"

static uint64_t fault_inner(uint64_t arg)
{
    FAULT_KEEP_FRAME();
    uint64_t (*code)(void) = (uint64_t (*)(void))(uintptr_t)arg;

    return code();
}

int main(void)
{
    uint64_t base = 0, size = DORMER_PAGE_SIZE;

    if (!NT_SUCCESS(DmAllocateVirtualMemory(&base, &size, MEM_RESERVE | MEM_COMMIT,
                                            PAGE_READWRITE))) {
        uprintf("f_exec_av: FAIL: could not allocate a page\n");
        return 0;
    }
    *(volatile uint8_t *)(uintptr_t)base = 0xc3; /* ret */
    return fault_run("f_exec_av", "calling into a non-executable page", base);
}
