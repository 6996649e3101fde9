/*
 * f_noaccess: writes a committed page, turns it PAGE_NOACCESS (its contents stay, but
 * not for the program), and reads it. Expected: killed with STATUS_ACCESS_VIOLATION
 * (0xC0000005), the backtrace naming fault_inner/middle/outer.
 */
#include "../fault.h"

static uint64_t fault_inner(uint64_t arg)
{
    FAULT_KEEP_FRAME();
    return *(volatile uint64_t *)(uintptr_t)arg;
}

int main(void)
{
    uint64_t base = 0, size = 0x1000;
    uint32_t old = 0;

    if (DmAllocateVirtualMemory(&base, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE) !=
        STATUS_SUCCESS) {
        uprintf("f_noaccess: FAIL: no memory\n");
        return 0;
    }
    *(volatile uint64_t *)(uintptr_t)base = 0x1234; /* resident before the change */
    if (DmProtectVirtualMemory(&base, &size, PAGE_NOACCESS, &old) != STATUS_SUCCESS) {
        uprintf("f_noaccess: FAIL: PAGE_NOACCESS refused\n");
        return 0;
    }
    return fault_run("f_noaccess", "reading a PAGE_NOACCESS page", base);
}
