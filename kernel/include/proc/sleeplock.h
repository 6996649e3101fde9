/*
 * A sleeping lock: a thread that finds it taken blocks (uninterruptibly) instead of
 * spinning, so its holder may sleep too, e.g. on a disk transfer. Not recursive; the
 * owner is recorded and checked. Before the scheduler runs there is one thread, so
 * the lock is then just a flag. Thread context only, never in an IRQ handler.
 */
#ifndef PROC_SLEEPLOCK_H
#define PROC_SLEEPLOCK_H

#include <proc/sched.h>
#include <stdbool.h>

struct sleeplock {
    const char *name;
    struct kobject queue;  /* waiters */
    /* protected by sched_lock */
    bool locked;
    struct thread *owner;
};

/* Set l up (once, before first use). */
void sleeplock_init(struct sleeplock *l, const char *name);
/* Take l, sleeping while another thread holds it. Panics if the caller holds it. */
void sleeplock_acquire(struct sleeplock *l);
/* Give l back and wake its waiters. The caller must hold it (asserted). */
void sleeplock_release(struct sleeplock *l);
/* Does the calling thread hold l? */
bool sleeplock_held(struct sleeplock *l);

#endif
