/*
 * Kernel stacks with guard pages. Every kernel stack is registered here with its
 * bounds and the unmapped guard page below it, so backtraces can stay inside a
 * stack and a fault on a guard page is reported as "kernel stack overflow in
 * thread NAME" instead of a triple fault.
 */
#ifndef MM_KSTACK_H
#define MM_KSTACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KSTACK_MAX 256

struct kstack {
    uintptr_t guard; /* the unmapped page just below lo */
    uintptr_t lo, hi;
    const char *name;
};

/* A new stack of `size` bytes in kernel regions: guard page below, every stack page
 * present (a kernel stack cannot take a page fault on itself). NULL if out of
 * memory. The name is not copied. */
struct kstack *kstack_create(size_t size, const char *name);

/* Unregister and free a stack made by kstack_create. It must not be in use. Stacks of
 * KSTACK_CACHED_SIZE (the size threads use) are kept, mapped, for the next
 * kstack_create (up to a few), which then costs almost nothing. */
void kstack_destroy(struct kstack *ks);

#define KSTACK_CACHED_SIZE (16 * 1024)

/* Give the cached stacks back (before counting frames for a leak check). */
void kstack_trim(void);

/* The stack containing addr / whose guard page contains addr; NULL if none.
 * Lock-free, safe in fault handlers and panics. */
const struct kstack *kstack_find(uintptr_t addr);
const struct kstack *kstack_find_guard(uintptr_t addr);

#endif
