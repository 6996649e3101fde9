/*
 * f_stack_overflow: recursion without end, 512-byte frames, until the stack reserve
 * (2 MiB, from the PE header) is used up. Expected: killed with STATUS_STACK_OVERFLOW
 * (0xC00000FD), not an access violation and not a hang.
 */
#include "../fault.h"
#include "../recurse.h"

static uint64_t fault_inner(uint64_t arg)
{
    FAULT_KEEP_FRAME();
    return recurse(arg);
}

int main(void)
{
    return fault_run("f_stack_overflow", "recursing without end", 1);
}
