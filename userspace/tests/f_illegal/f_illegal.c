/*
 * f_illegal: executes ud2. Expected: killed with STATUS_ILLEGAL_INSTRUCTION (0xC000001D).
 */
#include "../fault.h"

static uint64_t fault_inner(uint64_t arg)
{
    FAULT_KEEP_FRAME();
    __asm__ volatile("ud2");
    return arg;
}

int main(void)
{
    return fault_run("f_illegal", "executing ud2", 0);
}
