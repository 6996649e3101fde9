/*
 * Spinlocks that also disable interrupts, with nesting: the interrupt state saved by
 * the outermost acquire is restored by its release. The owner (the acquiring code
 * address) is recorded so a deadlock or a missing release can be named in a panic.
 * Dormer is single-CPU today; the atomic exchange keeps the lock right for SMP.
 *
 * Debug builds check every lock (core/lockcheck.c): a lock taken again by the CPU that
 * holds it, a release of a lock that is not held, and a lock taken out of the order in
 * core/lock_order.h (a lock with a rank taken while one of a higher rank is held) panic
 * with both places. spin_assert_held() states a function's locking precondition.
 */
#ifndef CORE_SPINLOCK_H
#define CORE_SPINLOCK_H

#include <arch/cpu.h>
#include <stdbool.h>
#include <stdint.h>

struct spinlock {
    volatile uint32_t locked;
    uint32_t rank;        /* LOCK_RANK_* (core/lock_order.h); 0: outside the order */
    const char *name;
    uintptr_t owner_pc;   /* where the current holder took it; 0 when free */
    uint64_t saved_flags; /* interrupt state to restore on release */
};

#define SPINLOCK_INIT(n) SPINLOCK_INIT_RANKED(n, 0)
#define SPINLOCK_INIT_RANKED(n, r) \
    { .locked = 0, .rank = (r), .name = (n), .owner_pc = 0, .saved_flags = 0 }

#ifdef DORMER_DEBUG
void lockcheck_acquire(const struct spinlock *l, uintptr_t pc);
void lockcheck_acquired(const struct spinlock *l);
void lockcheck_release(const struct spinlock *l, uintptr_t pc);
void lockcheck_assert_held(const struct spinlock *l, const char *file, int line);
#define spin_assert_held(l) lockcheck_assert_held((l), __FILE__, __LINE__)
#else
static inline void lockcheck_acquire(const struct spinlock *l, uintptr_t pc)
{
    (void)l;
    (void)pc;
}
static inline void lockcheck_acquired(const struct spinlock *l)
{
    (void)l;
}
static inline void lockcheck_release(const struct spinlock *l, uintptr_t pc)
{
    (void)l;
    (void)pc;
}
#define spin_assert_held(l) ((void)sizeof(l))
#endif

/* The address of the code that takes or releases a lock (these functions are always
 * inlined, so it is a place in the caller). */
#define SPIN_HERE()                                            \
    ({                                                         \
        uintptr_t here_;                                       \
        __asm__ volatile("lea 0(%%rip), %0" : "=r"(here_));    \
        here_;                                                 \
    })

/*
 * Take or release the lock without touching the interrupt state: for a caller that
 * keeps the saved state itself (the scheduler's lock is released by another thread
 * than the one that took it, so the state cannot live in the lock). Interrupts must be
 * off. The checks are the same as spin_lock's.
 */
static inline __attribute__((always_inline)) void spin_acquire(struct spinlock *l)
{
    uintptr_t pc = SPIN_HERE();

    lockcheck_acquire(l, pc);
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
        arch_cpu_relax();
    l->owner_pc = pc;
    lockcheck_acquired(l);
}

static inline __attribute__((always_inline)) void spin_release(struct spinlock *l)
{
    lockcheck_release(l, SPIN_HERE());
    l->owner_pc = 0;
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

/* Take the lock, disabling interrupts. Any context except NMI. */
static inline __attribute__((always_inline)) void spin_lock(struct spinlock *l)
{
    uint64_t flags = arch_irq_save();

    spin_acquire(l);
    l->saved_flags = flags;
}

/* Try once; returns true and holds the lock on success. Never a recursion or order
 * violation: a try cannot deadlock. */
static inline __attribute__((always_inline)) bool spin_trylock(struct spinlock *l)
{
    uint64_t flags = arch_irq_save();

    if (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
        arch_irq_restore(flags);
        return false;
    }
    l->saved_flags = flags;
    l->owner_pc = SPIN_HERE();
    lockcheck_acquired(l);
    return true;
}

/* Release a lock the caller holds, restoring the interrupt state of the acquire. */
static inline __attribute__((always_inline)) void spin_unlock(struct spinlock *l)
{
    uint64_t flags = l->saved_flags;

    spin_release(l);
    arch_irq_restore(flags);
}

static inline bool spin_held(const struct spinlock *l)
{
    return l->locked != 0;
}

#endif
