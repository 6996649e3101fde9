/*
 * Allocation-failure injection (debug kernels only): makes kmalloc/kcalloc/krealloc and
 * the frame allocator fail on purpose, so that every error path behind an allocation is
 * run. The kernel command line word `faultinject=` chooses the pattern; the code that
 * runs user programs arms it around each one, so the boot itself never sees a failure.
 * Release kernels compile every call here to nothing.
 */
#ifndef MM_FAULT_INJECT_H
#define MM_FAULT_INJECT_H

#include <stdbool.h>
#include <stdint.h>

#ifdef DORMER_DEBUG
/*
 * Sets the pattern from `spec` (NULL or "": off): "every:N" fails each Nth allocation
 * while armed (N >= 1), "random:P[:SEED]" fails each with probability P per mille
 * (1..1000; SEED: the generator's start, default 1), "after:N" lets the first N succeed
 * and fails every later one (exhaustion that never comes back). Returns false, leaving
 * injection off, for anything else. Boot CPU, before the first arm.
 */
bool fault_inject_configure(const char *spec);

/* Arms (true) or disarms injection; a no-op when no pattern is set. Any context. */
void fault_inject_arm(bool on);

/* Is an allocation to fail now? Counts the allocation. Lock-free: called by the heap
 * and frame allocator wrappers with their locks held, in any context but NMI. */
bool fault_inject_fail_now(void);

/* Allocations failed on purpose since boot. Any context. */
uint64_t fault_inject_failures(void);
#else
static inline bool fault_inject_configure(const char *spec)
{
    return spec == 0 || *spec == '\0';
}
static inline void fault_inject_arm(bool on)
{
    (void)on;
}
static inline bool fault_inject_fail_now(void)
{
    return false;
}
static inline uint64_t fault_inject_failures(void)
{
    return 0;
}
#endif

#endif /* MM_FAULT_INJECT_H */
