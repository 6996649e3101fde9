/*
 * f_read_av: reads address 8 (the never-mapped first 64 KiB). Expected: killed with
 * STATUS_ACCESS_VIOLATION (0xC0000005), the backtrace naming fault_inner/middle/outer.
 */
#include "../fault.h"

static uint64_t fault_inner(uint64_t arg)
{
    FAULT_KEEP_FRAME();
    return *(volatile uint64_t *)(uintptr_t)arg;
}

int main(void)
{
    return fault_run("f_read_av", "reading address 0x8", 8);
}
