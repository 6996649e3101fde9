/*
 * f_privileged: executes hlt in ring 3 (a #GP that is not about an address). Expected:
 * killed with STATUS_PRIVILEGED_INSTRUCTION (0xC0000096).
 */
#include "../fault.h"

static uint64_t fault_inner(uint64_t arg)
{
    FAULT_KEEP_FRAME();
    __asm__ volatile("hlt");
    return arg;
}

int main(void)
{
    return fault_run("f_privileged", "executing hlt", 0);
}
