/*
 * Debug-build lock checking: which spinlocks this CPU holds, in the order it took them,
 * so that a lock taken twice, a release of a lock nobody holds, and a lock taken out of
 * the written order (core/lock_order.h) each end in a panic naming both places instead
 * of a silent spin or a deadlock that shows up later. Interrupts are off whenever a
 * spinlock is held, so the list needs no lock of its own; it is per CPU when there is
 * more than one (today: one CPU, one list).
 */
#include <core/lock_order.h>
#include <core/panic.h>
#include <core/spinlock.h>

#ifdef DORMER_DEBUG

#define LOCKCHECK_MAX_HELD 16

static const struct spinlock *held[LOCKCHECK_MAX_HELD];
static unsigned held_count;

void lockcheck_acquire(const struct spinlock *l, uintptr_t pc)
{
    if (arch_irq_enabled())
        panic("lock %s taken with interrupts on at %pS", l->name, (void *)pc);
    /* One CPU: a held lock found again is ours, and spinning on it never ends. */
    if (l->locked)
        panic("lock %s taken twice: at %pS, already held from %pS", l->name, (void *)pc,
              (void *)l->owner_pc);
    if (l->rank == 0)
        return;
    for (unsigned i = 0; i < held_count; i++) {
        const struct spinlock *h = held[i];

        if (h->rank > l->rank)
            panic("lock order: %s (rank %u) taken at %pS while holding %s (rank %u) "
                  "taken at %pS",
                  l->name, (unsigned)l->rank, (void *)pc, h->name, (unsigned)h->rank,
                  (void *)h->owner_pc);
    }
}

void lockcheck_acquired(const struct spinlock *l)
{
    if (held_count == LOCKCHECK_MAX_HELD)
        panic("lock %s: more than %u spinlocks held at once", l->name, LOCKCHECK_MAX_HELD);
    held[held_count++] = l;
}

void lockcheck_release(const struct spinlock *l, uintptr_t pc)
{
    if (!l->locked)
        panic("lock %s released at %pS but not held", l->name, (void *)pc);
    for (unsigned i = held_count; i-- > 0;) {
        if (held[i] != l)
            continue;
        for (; i + 1 < held_count; i++)
            held[i] = held[i + 1];
        held_count--;
        return;
    }
    panic("lock %s released at %pS, taken at %pS, not in this CPU's list", l->name,
          (void *)pc, (void *)l->owner_pc);
}

void lockcheck_assert_held(const struct spinlock *l, const char *file, int line)
{
    for (unsigned i = 0; i < held_count; i++)
        if (held[i] == l)
            return;
    panic("lock %s not held at %s:%d", l->name, file, line);
}

#endif
