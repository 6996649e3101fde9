/*
 * f_stack_overflow: recursion without end, 512-byte frames, until the stack reserve
 * (2 MiB, from the PE header) is used up. Expected: killed with STATUS_STACK_OVERFLOW
 * (0xC00000FD), not an access violation and not a hang.
 */
#include "../fault.h"

static volatile uint64_t never; /* 0: the recursion cannot end, but gcc cannot know */

DORMER_NOINLINE static uint64_t recurse(uint64_t depth)
{
    volatile uint8_t frame[512];

    frame[0] = (uint8_t)depth;
    frame[sizeof(frame) - 1] = (uint8_t)depth;
    if (depth == never)
        return 0;
    return recurse(depth + 1) + frame[0] + frame[sizeof(frame) - 1];
}

static uint64_t fault_inner(uint64_t arg)
{
    FAULT_KEEP_FRAME();
    return recurse(arg);
}

int main(void)
{
    return fault_run("f_stack_overflow", "recursing without end", 1);
}
