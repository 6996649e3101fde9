/*
 * f_breakpoint: executes int3 with no debugger attached. Expected: killed with
 * STATUS_BREAKPOINT (0x80000003).
 */
#include "../fault.h"

static uint64_t fault_inner(uint64_t arg)
{
    FAULT_KEEP_FRAME();
    __asm__ volatile("int3");
    return arg;
}

int main(void)
{
    return fault_run("f_breakpoint", "executing int3", 0);
}
