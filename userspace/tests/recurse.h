/*
 * recurse(): recursion without end in 512-byte frames, for the stack overflow tests
 * (f_stack_overflow, f_stack_noroom). Each frame is written at both ends, so the stack
 * grows a page at a time through its guard page; the kernel's backtrace shows it.
 */
#ifndef TESTS_RECURSE_H
#define TESTS_RECURSE_H

#include <dormer.h>

static volatile uint64_t recurse_never; /* 0: the recursion cannot end, but gcc cannot know */

DORMER_NOINLINE static uint64_t recurse(uint64_t depth)
{
    volatile uint8_t frame[512];

    frame[0] = (uint8_t)depth;
    frame[sizeof(frame) - 1] = (uint8_t)depth;
    if (depth == recurse_never)
        return 0;
    return recurse(depth + 1) + frame[0] + frame[sizeof(frame) - 1];
}

#endif
