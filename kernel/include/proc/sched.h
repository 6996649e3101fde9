/*
 * The scheduler and the objects threads wait on. Threads are the unit: each has a
 * priority (DORMER_PRIORITY_*), runs for a time slice, and is preempted by the timer;
 * a ready thread passed over for too long is boosted so none starves. Waiting is
 * always on objects (processes, threads, events, mutexes, semaphores, wait queues)
 * or on time; a waiter re-checks its condition after every wake-up, so a wake-up is
 * never lost and a spurious one is harmless.
 *
 * Locking: Dormer runs on one CPU; sched_lock (taken with interrupts off) guards all
 * thread states, run queues, sleep lists and every object's wait list and signal
 * state. It is held across a context switch and released by the thread switched to.
 */
#ifndef PROC_SCHED_H
#define PROC_SCHED_H

#include <abi/status.h>
#include <lib/errno.h>
#include <ob/object.h>
#include <arch/percpu.h>
#include <core/spinlock.h>
#include <lib/list.h>
#include <stdbool.h>
#include <stdint.h>

#define SCHED_SLICE_TICKS   10  /* 10 ms at TIME_HZ 1000 */
#define SCHED_STARVE_TICKS  100 /* ready this long without running: boosted */
#define SCHED_PRIORITIES    5

struct thread;

struct kevent {
    struct kobject obj;
    bool manual_reset;
    bool signaled; /* protected by sched_lock */
};

struct kmutex {
    struct kobject obj;
    /* protected by sched_lock */
    struct thread *owner;
    uint32_t recursion;
    bool abandoned;              /* the owner died holding it */
    struct list_node owner_node; /* in owner->mutexes */
};

struct ksemaphore {
    struct kobject obj;
    int64_t count, maximum; /* protected by sched_lock */
};

enum thread_state { THREAD_NEW, THREAD_READY, THREAD_RUNNING, THREAD_BLOCKED, THREAD_DEAD };

/* Wait results besides an index are codes of the one vocabulary (lib/errno.h):
 * K_ETIMEDOUT (the timeout ran out) and K_EINTR (the thread is being killed). */

/* Initialise the scheduler with the calling (boot) thread as the first thread, and
 * start the idle thread. Boot, once, after the heap. */
void sched_init(void);

/* Make a NEW thread runnable. */
void sched_start_thread(struct thread *t);

/* The boot thread as this CPU's running thread, so that thread_current() holds from
 * the start. Boot, first thing (after arch_percpu_init). */
void sched_early_init(void);

/* The running thread (this CPU's, arch/percpu.h; a lock-free read). */
static inline struct thread *thread_current(void)
{
    return percpu_thread();
}

/* Timer interrupt hook: wakes sleepers, charges the slice. IRQ context. */
void sched_tick(void);

/* Switch now if a tick or a wake-up asked for it. Called on the way out of an
 * interrupt or a system call, with nothing locked. */
void sched_preempt_point(void);

/* Give up the CPU to another ready thread of the same or higher priority. */
void sched_yield(void);

/* Sleep at least ms milliseconds. Returns false if woken early to be terminated. */
bool sched_sleep_ms(uint64_t ms);

/*
 * Wait for objects: wait_all false = the first signaled one (its index), true = all
 * at once (index 0). Satisfying a wait acquires the objects (auto-reset events reset,
 * semaphores count down, mutexes are owned). *abandoned is set when a mutex acquired
 * was abandoned. Returns the index, K_ETIMEDOUT or K_EINTR.
 * timeout_ms: 0 = poll, UINT64_MAX = forever.
 */
int sched_wait(struct kobject **objs, int count, bool wait_all, uint64_t timeout_ms,
               bool *abandoned);

/* Block on a wait queue until kobj_wake_all or the timeout; the caller re-checks its
 * own condition. Called with sched_lock held (taken by sched_lock_irq); returns with it
 * held. Returns 0, K_ETIMEDOUT or K_EINTR. */
int sched_block_on_locked(struct kobject *queue, uint64_t timeout_ms);

/* The same, but a kill does not end the wait early (for waits that must finish, such
 * as a disk transfer in flight or a lock): the caller re-checks its condition, and a
 * thread being killed sees the kill once it returns to user mode. Returns 0 or
 * K_ETIMEDOUT. */
int sched_block_uninterruptible_locked(struct kobject *queue, uint64_t timeout_ms);

/* Is the scheduler running (threads may block)? Any context. */
bool sched_started(void);

/* Wake every waiter of obj (they re-check). sched_lock held. */
void kobj_wake_all_locked(struct kobject *obj);

/* The scheduler's lock (proc/sched.c): use sched_lock_irq / sched_unlock_irq. */
extern struct spinlock sched_lock;

/* Take / drop sched_lock from thread context (inline: every wait and wake-up and
 * every pipe transfer takes it). */
static inline __attribute__((always_inline)) uint64_t sched_lock_irq(void)
{
    uint64_t flags = arch_irq_save();

    spin_acquire(&sched_lock);
    return flags;
}

static inline __attribute__((always_inline)) void sched_unlock_irq(uint64_t flags)
{
    spin_release(&sched_lock);
    arch_irq_restore(flags);
}

/* A *_locked function's precondition: panics in debug builds unless this CPU holds
 * sched_lock (core/lockcheck.c); nothing in release builds. */
#ifdef DORMER_DEBUG
void sched_assert_locked_at(const char *file, int line);
#define sched_assert_locked() sched_assert_locked_at(__FILE__, __LINE__)
#else
#define sched_assert_locked() ((void)0)
#endif

/* The synchronisation objects (proc/sync.c). */
extern const struct kobj_type event_type, mutex_type, semaphore_type;
struct kevent *kevent_create(bool manual_reset, bool signaled);
/* Both return whether the event was set before the call. */
bool kevent_set(struct kevent *e);
bool kevent_reset(struct kevent *e);
struct kmutex *kmutex_create(bool owned_by_current);
/* K_EPERM if the current thread does not own it. */
int kmutex_release(struct kmutex *m);
struct ksemaphore *ksemaphore_create(int64_t initial, int64_t maximum);
/* K_ERANGE past the maximum (nothing changes). */
int ksemaphore_release(struct ksemaphore *s, int64_t count, int64_t *previous);

/* Thread end: release (abandon) the mutexes t still owns. sched_lock held. */
void kmutex_abandon_all_locked(struct thread *t);

/* Free the kernel stacks of threads that have ended (never the caller's own). */
void sched_reap(void);

/* Give a new thread (with its kernel stack) its first context: start(arg) runs with
 * interrupts on once it is scheduled. */
void sched_prepare_thread(struct thread *t, void (*start)(void *), void *arg);

/* End the current thread (state DEAD, mutexes abandoned, waiters woken) and switch
 * away for good. sched_lock held. */
__attribute__((noreturn)) void sched_exit_locked(void);

/* Wake a blocked thread (to make it see a kill). sched_lock held. */
bool sched_wake_thread_locked(struct thread *t);

/* Wake blocked waiters of q for which match(thread, ctx) holds. Returns how many. */
int sched_wake_matching_locked(struct kobject *q, bool (*match)(struct thread *, void *),
                               void *ctx, bool all);

void sched_set_priority(struct thread *t, uint8_t priority);

#endif
