/*
 * Spinlocks that also disable interrupts, with nesting: the interrupt state saved by
 * the outermost acquire is restored by its release. The owner (the acquiring code
 * address) is recorded so a deadlock or a missing release can be named in a panic.
 * Dormer is single-CPU today; the atomic exchange keeps the lock right for SMP.
 */
#ifndef LIB_SPINLOCK_H
#define LIB_SPINLOCK_H

#include <arch/cpu.h>
#include <stdbool.h>
#include <stdint.h>

struct spinlock {
    volatile uint32_t locked;
    const char *name;
    uintptr_t owner_pc;   /* where the current holder took it; 0 when free */
    uint64_t saved_flags; /* interrupt state to restore on release */
};

#define SPINLOCK_INIT(n) { .locked = 0, .name = (n), .owner_pc = 0, .saved_flags = 0 }

/* Take the lock, disabling interrupts. Any context except NMI. */
static inline void spin_lock(struct spinlock *l)
{
    uint64_t flags = arch_irq_save();

    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
        arch_cpu_relax();
    l->saved_flags = flags;
    l->owner_pc = (uintptr_t)__builtin_return_address(0);
}

/* Try once; returns true and holds the lock on success. */
static inline bool spin_trylock(struct spinlock *l)
{
    uint64_t flags = arch_irq_save();

    if (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
        arch_irq_restore(flags);
        return false;
    }
    l->saved_flags = flags;
    l->owner_pc = (uintptr_t)__builtin_return_address(0);
    return true;
}

/* Release a lock the caller holds, restoring the interrupt state of the acquire. */
static inline void spin_unlock(struct spinlock *l)
{
    uint64_t flags = l->saved_flags;

    l->owner_pc = 0;
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
    arch_irq_restore(flags);
}

static inline bool spin_held(const struct spinlock *l)
{
    return l->locked != 0;
}

#endif
