/*
 * The scheduler: per-priority run queues, a sleep list ordered by wake-up tick, the
 * idle thread, and waiting on objects. See <proc/sched.h> for the model. Dead
 * threads are parked on a zombie list and their kernel stacks freed later by
 * another thread (a thread cannot free the stack it is running on).
 */
#include <abi/types.h>
#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/trap.h>
#include <core/console.h>
#include <core/init.h>
#include <core/lock_order.h>
#include <core/panic.h>
#include <core/spinlock.h>
#include <core/time.h>
#include <mm/kheap.h>
#include <mm/kstack.h>
#include <proc/fault.h>
#include <proc/process.h>
#include <proc/sched.h>

struct wait_block {
    struct list_node node; /* in the object's waiters */
    struct thread *thread;
};

/* Taken with interrupts off by sched_lock_irq (the caller keeps the interrupt state:
 * the lock is released by the thread switched to) and by the timer tick. Not static
 * only for the inline sched_lock_irq/sched_unlock_irq of <proc/sched.h>. */
struct spinlock sched_lock = SPINLOCK_INIT_RANKED("sched", LOCK_RANK_SCHED);
/* protected by sched_lock */
static struct list run_queues[SCHED_PRIORITIES];
/* Bit p set while run_queues[p] holds a thread, so a pick looks at those queues only. */
static uint32_t ready_mask;
_Static_assert(SCHED_PRIORITIES <= 32, "ready_mask has a bit per priority");
static struct list sleepers = LIST_INIT(sleepers);
static struct list zombies = LIST_INIT(zombies);
static struct thread boot_thread;
#define current percpu_thread() /* this CPU's running thread (arch/percpu.h) */
static struct thread *idle_thread;

static inline __attribute__((always_inline)) void lock_raw(void)
{
    spin_acquire(&sched_lock);
}

static inline __attribute__((always_inline)) void unlock_raw(void)
{
    spin_release(&sched_lock);
}

#ifdef DORMER_DEBUG
void sched_assert_locked_at(const char *file, int line)
{
    lockcheck_assert_held(&sched_lock, file, line);
}
#endif

static void make_ready_locked(struct thread *t)
{
    sched_assert_locked();
    ASSERT(t->state != THREAD_DEAD && t->state != THREAD_READY && !list_linked(&t->run_node));
    t->state = THREAD_READY;
    t->ready_since = time_ticks();
    list_push_back(&run_queues[t->priority], &t->run_node);
    ready_mask |= 1u << t->priority;
    if (current == idle_thread || t->priority > current->priority)
        percpu_set_need_resched(true);
}

/* Take a ready thread off its run queue. */
static void take_off_queue_locked(struct thread *t)
{
    list_remove(&t->run_node);
    if (list_empty(&run_queues[t->priority]))
        ready_mask &= ~(1u << t->priority);
}

/* The longest-starved thread if any waited past SCHED_STARVE_TICKS, else the first
 * thread of the highest non-empty queue, else idle. */
static struct thread *pick_next_locked(void)
{
    sched_assert_locked();
    uint64_t now = time_ticks();
    struct thread *best = NULL;

    for (uint32_t mask = ready_mask; mask;) {
        int p = 31 - __builtin_clz(mask); /* the highest priority left */
        mask ^= 1u << p;
        DEBUG_ASSERT(!list_empty(&run_queues[p]));
        struct thread *t = list_entry(run_queues[p].head.next, struct thread, run_node);
        if (!best)
            best = t;
        if (now - t->ready_since >= SCHED_STARVE_TICKS)
            return t;
    }
    return best ? best : idle_thread;
}

/* Switch to the next thread. The caller has set current's new state (and queued it
 * if it is still ready). Returns when current is switched back to. */
static void schedule_locked(void)
{
    sched_assert_locked();
    struct thread *prev = current, *next = pick_next_locked();

    ASSERT(next == idle_thread || next->state == THREAD_READY);
    if (next != idle_thread)
        take_off_queue_locked(next);
    percpu_set_need_resched(false);
    next->state = THREAD_RUNNING;
    if (next == prev)
        return;
    next->slice = SCHED_SLICE_TICKS;
    DEBUG_ASSERT(!next->kstack ||
                 (next->saved_sp >= next->kstack->lo && next->saved_sp < next->kstack->hi));
    prev->space_active = vmm_current_user_space();
    if (prev->process)
        arch_fpu_save(&prev->fpu);
    if (next->process) {
        arch_fpu_restore(&next->fpu);
        arch_set_user_gs_base(next->teb);
    }
    percpu_set_thread(next, (const volatile uint8_t *)&next->return_work);
    if (next->kstack)
        arch_set_kernel_stack(next->kstack->hi);
    vmm_space_activate(next->space_active);
    arch_context_switch(&prev->saved_sp, next->saved_sp);
}

/* First code of every new thread: it arrives holding sched_lock with interrupts off. */
static void thread_entry(void *arg)
{
    struct thread *t = arg;

    unlock_raw();
    arch_irq_enable();
    t->start(t->start_arg);
    thread_exit_current(0);
}

static __attribute__((noreturn)) void idle_loop(void *arg)
{
    (void)arg;
    for (;;) {
        sched_reap();
        arch_irq_enable_and_wait();
        sched_preempt_point();
    }
}

void sched_early_init(void)
{
    percpu_set_thread(&boot_thread, (const volatile uint8_t *)&boot_thread.return_work);
}

/* Readers of typed input sleep here (core/console.c's waiter). */
static struct kobject input_waiters;

static int console_take(int (*pop)(void), bool block)
{
    uint64_t flags = sched_lock_irq();
    int c = pop();
    int r = c >= 0 || !block ? 0 : sched_block_on_locked(&input_waiters, (uint64_t)-1);

    sched_unlock_irq(flags);
    return c >= 0 ? c : r == K_EINTR ? K_EINTR : -1;
}

static void console_wake(void)
{
    uint64_t flags = sched_lock_irq();

    kobj_wake_all_locked(&input_waiters);
    sched_unlock_irq(flags);
}

static const struct console_waiter console_waiter = {
    .take = console_take,
    .wake = console_wake,
};

void sched_init(void)
{
    fault_init(); /* proc's trap hooks: user faults and the way out of a trap */
    kobj_init(&input_waiters, &kobj_queue_type);
    console_set_waiter(&console_waiter);
    time_set_tick_hook(sched_tick);
    for (int p = 0; p < SCHED_PRIORITIES; p++)
        list_init(&run_queues[p]);
    kobj_init(&boot_thread.obj, &thread_type);
    kobj_ref(&boot_thread.obj); /* static: a reference that is never dropped */
    boot_thread.state = THREAD_RUNNING;
    boot_thread.priority = DORMER_PRIORITY_NORMAL;
    list_init(&boot_thread.mutexes);
    list_node_init(&boot_thread.run_node);
    idle_thread = thread_create_kernel(idle_loop, NULL);
    ASSERT(idle_thread != NULL);
    idle_thread->priority = DORMER_PRIORITY_IDLE;
}

void sched_prepare_thread(struct thread *t, void (*start)(void *), void *arg)
{
    t->start = start;
    t->start_arg = arg;
    t->state = THREAD_NEW;
    list_init(&t->mutexes);
    list_node_init(&t->run_node);
    list_node_init(&t->zombie_node);
    /* Kernel code starts below the user frame (arch_user_frame), which a user thread
     * gets at once (thread_create_user) and keeps for its life. */
    t->saved_sp = arch_context_init((uint64_t)(uintptr_t)arch_user_frame(t->kstack->hi),
                                    thread_entry, t);
}

void sched_start_thread(struct thread *t)
{
    uint64_t flags = sched_lock_irq();

    ASSERT(t->state == THREAD_NEW);
    make_ready_locked(t);
    sched_unlock_irq(flags);
}

void sched_tick(void)
{
    uint64_t now = time_uptime_ns();

    lock_raw();
    struct list_node *n, *tmp;
    list_for_each_safe(n, tmp, &sleepers) {
        struct thread *t = list_entry(n, struct thread, run_node);
        if (t->wake_tick > now)
            break; /* sorted */
        list_remove(&t->run_node);
        t->timed_out = true;
        make_ready_locked(t);
    }
    if (current != idle_thread) {
        if (arch_trap_from_user())
            current->user_ticks++;
        else
            current->kernel_ticks++;
        if (--current->slice <= 0)
            percpu_set_need_resched(true);
    }
    unlock_raw();
}

void sched_preempt_point(void)
{
    if (!percpu_need_resched())
        return;
    uint64_t flags = sched_lock_irq();
    if (current != idle_thread && current->state == THREAD_RUNNING)
        make_ready_locked(current);
    schedule_locked();
    sched_unlock_irq(flags);
}

void sched_yield(void)
{
    uint64_t flags = sched_lock_irq();

    if (current != idle_thread)
        make_ready_locked(current);
    schedule_locked();
    sched_unlock_irq(flags);
}

/* Block the current thread until woken or (deadline != 0) the uptime deadline (ns). */
static void block_locked(uint64_t deadline)
{
    sched_assert_locked();
    current->state = THREAD_BLOCKED;
    current->timed_out = false;
    if (deadline) {
        current->wake_tick = deadline;
        struct list_node *n;
        list_for_each(n, &sleepers) {
            if (list_entry(n, struct thread, run_node)->wake_tick > deadline)
                break;
        }
        /* Insert before n (the first later sleeper) to keep the list sorted. */
        current->run_node.next = n;
        current->run_node.prev = n->prev;
        n->prev->next = &current->run_node;
        n->prev = &current->run_node;
    }
    schedule_locked();
    if (list_linked(&current->run_node))
        list_remove(&current->run_node); /* woken before the deadline */
}

/* Deadlines are on the same clock DmQueryUptime reads, so a program never sees
 * a sleep or a timeout end early by its own measure (the tick and the cycle counter
 * can drift apart under emulation). 0 = none. */
static uint64_t deadline_for(uint64_t timeout_ms)
{
    if (timeout_ms == DORMER_INFINITE || timeout_ms > UINT64_MAX / 2000000)
        return 0;
    return time_uptime_ns() + timeout_ms * 1000000;
}

void kobj_wake_all_locked(struct kobject *obj)
{
    sched_assert_locked();
    struct list_node *n;

    list_for_each(n, &obj->waiters) {
        struct thread *t = list_entry(n, struct wait_block, node)->thread;
        if (t->state == THREAD_BLOCKED) {
            if (list_linked(&t->run_node))
                list_remove(&t->run_node); /* off the sleep list */
            make_ready_locked(t);
        }
    }
}

/* Wake the first blocked waiter for which match() holds (or all of them). */
int sched_wake_matching_locked(struct kobject *q, bool (*match)(struct thread *, void *),
                               void *ctx, bool all)
{
    struct list_node *n;
    int woken = 0;

    list_for_each(n, &q->waiters) {
        struct thread *t = list_entry(n, struct wait_block, node)->thread;
        if (t->state == THREAD_BLOCKED && match(t, ctx)) {
            if (list_linked(&t->run_node))
                list_remove(&t->run_node);
            make_ready_locked(t);
            woken++;
            if (!all)
                break;
        }
    }
    return woken;
}

int sched_block_on_locked(struct kobject *queue, uint64_t timeout_ms)
{
    sched_assert_locked();
    struct wait_block wb = { .thread = current };

    if (current->terminate)
        return K_EINTR;
    if (timeout_ms == 0)
        return K_ETIMEDOUT;
    list_push_back(&queue->waiters, &wb.node);
    block_locked(deadline_for(timeout_ms));
    list_remove(&wb.node);
    if (current->terminate)
        return K_EINTR;
    return current->timed_out ? K_ETIMEDOUT : 0;
}

int sched_block_uninterruptible_locked(struct kobject *queue, uint64_t timeout_ms)
{
    sched_assert_locked();
    struct wait_block wb = { .thread = current };

    if (timeout_ms == 0)
        return K_ETIMEDOUT;
    list_push_back(&queue->waiters, &wb.node);
    block_locked(deadline_for(timeout_ms));
    list_remove(&wb.node);
    return current->timed_out ? K_ETIMEDOUT : 0;
}

bool sched_started(void)
{
    return current != NULL;
}

/* Waits dispatch through the objects' types (ob/object.h); a type without signaled
 * is not waitable, and the wait call refuses it before it gets here. */
static bool signaled_locked(struct kobject *obj, struct thread *t)
{
    sched_assert_locked();
    return obj->type->signaled && obj->type->signaled(obj, t);
}

static void acquire_locked(struct kobject *obj, struct thread *t, bool *abandoned)
{
    sched_assert_locked();
    if (obj->type->acquire)
        obj->type->acquire(obj, t, abandoned);
}

static int try_satisfy_locked(struct kobject **objs, int count, bool wait_all,
                              bool *abandoned)
{
    sched_assert_locked();
    if (!wait_all) {
        for (int i = 0; i < count; i++) {
            if (signaled_locked(objs[i], current)) {
                acquire_locked(objs[i], current, abandoned);
                return i;
            }
        }
        return -1;
    }
    for (int i = 0; i < count; i++) {
        if (!signaled_locked(objs[i], current))
            return -1;
    }
    for (int i = 0; i < count; i++)
        acquire_locked(objs[i], current, abandoned);
    return 0;
}

int sched_wait(struct kobject **objs, int count, bool wait_all, uint64_t timeout_ms,
               bool *abandoned)
{
    struct wait_block wb[DORMER_MAX_WAIT_OBJECTS];
    uint64_t deadline = deadline_for(timeout_ms);
    int result;

    ASSERT(count > 0 && count <= DORMER_MAX_WAIT_OBJECTS);
    *abandoned = false;
    uint64_t flags = sched_lock_irq();
    for (;;) {
        result = try_satisfy_locked(objs, count, wait_all, abandoned);
        if (result >= 0)
            break;
        if (current->terminate) {
            result = K_EINTR;
            break;
        }
        if (timeout_ms == 0 || (deadline && time_uptime_ns() >= deadline)) {
            result = K_ETIMEDOUT;
            break;
        }
        for (int i = 0; i < count; i++) {
            wb[i].thread = current;
            list_push_back(&objs[i]->waiters, &wb[i].node);
        }
        block_locked(deadline);
        for (int i = 0; i < count; i++)
            list_remove(&wb[i].node);
    }
    sched_unlock_irq(flags);
    sched_reap();
    return result;
}

bool sched_sleep_ms(uint64_t ms)
{
    uint64_t flags = sched_lock_irq();

    if (ms && !current->terminate)
        block_locked(deadline_for(ms));
    bool ok = !current->terminate;
    sched_unlock_irq(flags);
    return ok;
}

void sched_exit_locked(void)
{
    sched_assert_locked();
    struct thread *t = current;

    t->state = THREAD_DEAD;
    kmutex_abandon_all_locked(t);
    kobj_wake_all_locked(&t->obj);
    list_push_back(&zombies, &t->zombie_node);
    schedule_locked();
    panic("dead thread %llu was resumed", (unsigned long long)t->tid);
}

void sched_reap(void)
{
    struct list mine;

    list_init(&mine);
    uint64_t flags = sched_lock_irq();
    while (!list_empty(&zombies)) {
        struct list_node *n = list_first(&zombies);
        list_remove(n);
        list_push_back(&mine, n);
    }
    sched_unlock_irq(flags);
    while (!list_empty(&mine)) {
        struct list_node *n = list_first(&mine);
        list_remove(n);
        struct thread *t = list_entry(n, struct thread, zombie_node);
        kstack_destroy(t->kstack);
        t->kstack = NULL;
        kobj_unref(&t->obj); /* the thread's reference to itself */
    }
}

void sched_set_priority(struct thread *t, uint8_t priority)
{
    uint64_t flags = sched_lock_irq();

    if (t->state == THREAD_READY) {
        /* To the new level's queue; it has waited since ready_since all the same. */
        take_off_queue_locked(t);
        t->priority = priority;
        list_push_back(&run_queues[priority], &t->run_node);
        ready_mask |= 1u << priority;
        if (current == idle_thread || priority > current->priority)
            percpu_set_need_resched(true);
    } else {
        t->priority = priority;
    }
    if (t == current)
        percpu_set_need_resched(true);
    sched_unlock_irq(flags);
}

bool sched_wake_thread_locked(struct thread *t)
{
    sched_assert_locked();
    if (t->state != THREAD_BLOCKED)
        return false;
    if (list_linked(&t->run_node))
        list_remove(&t->run_node);
    make_ready_locked(t);
    return true;
}

INIT_STEP(INIT_EARLY, sched_early_init);
INIT_STEP(INIT_PROC, sched_init);
