/*
 * Sleeping locks over the scheduler's wait queues: the state lives under sched_lock,
 * and a waiter blocks on the lock's own queue and re-checks after every wake-up.
 */
#include <core/panic.h>
#include <proc/sleeplock.h>

void sleeplock_init(struct sleeplock *l, const char *name)
{
    l->name = name;
    kobj_init(&l->queue, &kobj_queue_type);
    l->locked = false;
    l->owner = NULL;
}

void sleeplock_acquire(struct sleeplock *l)
{
    uint64_t flags = sched_lock_irq();

    if (l->locked && l->owner == thread_current())
        panic("sleeplock %s: taken twice by one thread", l->name);
    while (l->locked)
        sched_block_uninterruptible_locked(&l->queue, UINT64_MAX);
    l->locked = true;
    l->owner = thread_current();
    sched_unlock_irq(flags);
}

void sleeplock_release(struct sleeplock *l)
{
    uint64_t flags = sched_lock_irq();

    ASSERT(l->locked && l->owner == thread_current());
    l->locked = false;
    l->owner = NULL;
    kobj_wake_all_locked(&l->queue);
    sched_unlock_irq(flags);
}

bool sleeplock_held(struct sleeplock *l)
{
    uint64_t flags = sched_lock_irq();
    bool held = l->locked && l->owner == thread_current();

    sched_unlock_irq(flags);
    return held;
}
