/*
 * The shape every f_* program shares: main prints what it is about to do, then calls
 * fault_outer -> fault_middle -> fault_inner (each a real frame with its own name, for
 * the kernel's user backtrace), and fault_inner, written by each program, faults. A
 * program that survives says so and exits 0, which the harness counts as a failure.
 */
#ifndef TESTS_FAULT_H
#define TESTS_FAULT_H

#include <dormer.h>

/*
 * Defined by the program: must not return. `arg` is whatever main passed down. It starts
 * with FAULT_KEEP_FRAME(): mingw's gcc drops the frame pointer of leaf functions even
 * with -fno-omit-frame-pointer, and without a frame an rbp walk would skip fault_middle.
 */
DORMER_NOINLINE static uint64_t fault_inner(uint64_t arg);

static void *volatile fault_frame;
#define FAULT_KEEP_FRAME() (fault_frame = __builtin_frame_address(0))

DORMER_NOINLINE static uint64_t fault_middle(uint64_t arg)
{
    return fault_inner(arg) + 1;
}

DORMER_NOINLINE static uint64_t fault_outer(uint64_t arg)
{
    return fault_middle(arg) + 1;
}

/* Prints "NAME: <what>", runs the chain, and reports survival (returns 0). */
static int fault_run(const char *name, const char *what, uint64_t arg)
{
    uint64_t result;

    uprintf("%s: %s\n", name, what);
    result = fault_outer(arg);
    uprintf("%s: FAIL: survived (result %llx)\n", name, (unsigned long long)result);
    return 0;
}

#endif
