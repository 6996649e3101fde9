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
#include <stddef.h>
#include <stdint.h>

/* One failure made on purpose: the allocation's number (counted from 1 over every
 * allocation made while armed) and the code address that asked for it. */
struct fault_inject_record {
    uint64_t call;
    void *site;
};

#ifdef DORMER_DEBUG
/*
 * Sets the pattern from `spec` (NULL or "": off): "every:N" fails each Nth allocation
 * while armed (N >= 1), "random:P[:SEED]" fails each with probability P per mille
 * (1..1000; SEED default 1; whether allocation N fails is a function of SEED and N
 * only, so a run whose allocations come in the same order fails the same ones),
 * "after:N" lets the first N succeed and fails every later one (exhaustion that never
 * comes back), "nth:N" fails allocation N alone (to replay one failure a report named).
 * Allocations are numbered from 1 across every armed period. Returns false, leaving
 * injection off, for anything else. Boot CPU, before the first arm.
 */
bool fault_inject_configure(const char *spec);

/* Arms (true) or disarms injection; a no-op when no pattern is set. Any context. */
void fault_inject_arm(bool on);

/* Is an allocation to fail now? Counts the allocation and, when it fails, records its
 * number and `site` (the allocator's caller) for fault_inject_report. Lock-free: called
 * by the heap and frame allocator wrappers, in any context but NMI. */
bool fault_inject_fail_now(void *site);

/* Moves the failures recorded since the last call (up to `max`, oldest first) into
 * `out` and returns how many; *lost: those that did not fit the log. Call it while
 * disarmed. */
size_t fault_inject_report(struct fault_inject_record *out, size_t max, uint64_t *lost);

/* Allocations counted while armed since boot. Any context. */
uint64_t fault_inject_calls(void);

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
static inline bool fault_inject_fail_now(void *site)
{
    (void)site;
    return false;
}
static inline size_t fault_inject_report(struct fault_inject_record *out, size_t max,
                                         uint64_t *lost)
{
    (void)out, (void)max;
    *lost = 0;
    return 0;
}
static inline uint64_t fault_inject_calls(void)
{
    return 0;
}
static inline uint64_t fault_inject_failures(void)
{
    return 0;
}
#endif

#endif /* MM_FAULT_INJECT_H */
