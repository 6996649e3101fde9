/*
 * lwIP's sys_arch on Dormer's kernel: semaphores are ksemaphores waited on with
 * sched_wait, mutexes sleeplocks; a mailbox is a ring of messages between two semaphores
 * (free slots, waiting messages) with interrupts off around the ring's indices; the
 * clock is the uptime; lightweight protection is interrupts off (one CPU).
 */
#include <core/spinlock.h>
#include <core/time.h>
#include <mm/kheap.h>
#include <proc/process.h>
#include <proc/sched.h>
#include <proc/sleeplock.h>

#include "lwip/sys.h"
#include <stdlib.h> /* the port's atoi, for lwIP */
#include "net_port.h"

struct net_mbox {
    struct ksemaphore *slots, *items;
    struct spinlock lock;
    /* protected by lock */
    uint32_t head, tail;
    uint32_t size;
    void *msgs[];
};

void sys_init(void)
{
}

/* One more count of s (the count before it is of no interest here). */
static void sem_up(struct ksemaphore *s)
{
    int64_t previous;

    ksemaphore_release(s, 1, &previous);
}

u32_t sys_now(void)
{
    return (u32_t)(time_uptime_ns() / 1000000);
}

sys_prot_t sys_arch_protect(void)
{
    return arch_irq_save();
}

void sys_arch_unprotect(sys_prot_t pval)
{
    arch_irq_restore(pval);
}

/* Wait for (and acquire) obj up to ms milliseconds (0: poll): 0 or K_ETIMEDOUT. */
static int wait_ms(struct kobject *obj, uint64_t ms)
{
    bool abandoned = false; /* lwIP's mutexes are never abandoned: no thread of it ends */

    return sched_wait(&obj, 1, false, ms, &abandoned);
}

/* Wait for obj up to timeout ms (0: forever): the ms waited, or SYS_ARCH_TIMEOUT. */
static u32_t wait_object(struct kobject *obj, u32_t timeout)
{
    uint64_t t0 = time_uptime_ns();
    int r = wait_ms(obj, timeout ? timeout : UINT64_MAX);

    if (r != 0)
        return SYS_ARCH_TIMEOUT;
    uint64_t ms = (time_uptime_ns() - t0) / 1000000;
    return ms >= SYS_ARCH_TIMEOUT ? SYS_ARCH_TIMEOUT - 1 : (u32_t)ms;
}

err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
    *sem = ksemaphore_create(count, INT32_MAX);
    return *sem ? ERR_OK : ERR_MEM;
}

void sys_sem_signal(sys_sem_t *sem)
{
    sem_up(*sem);
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
    return wait_object(&(*sem)->obj, timeout);
}

void sys_sem_free(sys_sem_t *sem)
{
    kobj_unref(&(*sem)->obj);
}

/* The core lock is taken by user threads in system calls too. A sleeplock's wait is
 * uninterruptible, so a thread being killed still gets the lock (a kmutex wait would
 * return early without it) and lets it go on its way out. */
err_t sys_mutex_new(sys_mutex_t *mutex)
{
    *mutex = kcalloc(1, sizeof **mutex);
    if (!*mutex)
        return ERR_MEM;
    sleeplock_init(*mutex, "lwip");
    return ERR_OK;
}

void sys_mutex_lock(sys_mutex_t *mutex)
{
    sleeplock_acquire(*mutex);
}

void sys_mutex_unlock(sys_mutex_t *mutex)
{
    sleeplock_release(*mutex);
}

void sys_mutex_free(sys_mutex_t *mutex)
{
    kfree(*mutex);
}

err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
    if (size <= 0)
        size = 16;
    struct net_mbox *m = kcalloc(1, sizeof *m + (size_t)size * sizeof(void *));
    if (!m)
        return ERR_MEM;
    m->slots = ksemaphore_create(size, size);
    m->items = ksemaphore_create(0, size);
    if (!m->slots || !m->items) {
        if (m->slots)
            kobj_unref(&m->slots->obj);
        if (m->items)
            kobj_unref(&m->items->obj);
        kfree(m);
        return ERR_MEM;
    }
    m->lock = (struct spinlock)SPINLOCK_INIT("lwip mbox");
    m->size = (uint32_t)size;
    *mbox = m;
    return ERR_OK;
}

void sys_mbox_free(sys_mbox_t *mbox)
{
    struct net_mbox *m = *mbox;

    kobj_unref(&m->slots->obj);
    kobj_unref(&m->items->obj);
    kfree(m);
}

/* Put msg in a slot the caller has already taken from m->slots. */
static void mbox_put(struct net_mbox *m, void *msg)
{
    spin_lock(&m->lock);
    m->msgs[m->tail++ % m->size] = msg;
    spin_unlock(&m->lock);
    sem_up(m->items);
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
    wait_object(&(*mbox)->slots->obj, 0);
    mbox_put(*mbox, msg);
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
    struct kobject *slots = &(*mbox)->slots->obj;

    if (wait_ms(slots, 0) != 0)
        return ERR_MEM;
    mbox_put(*mbox, msg);
    return ERR_OK;
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
    return sys_mbox_trypost(mbox, msg);
}

/* Take the message whose item the caller has already taken from m->items. */
static void *mbox_get(struct net_mbox *m)
{
    spin_lock(&m->lock);
    void *msg = m->msgs[m->head++ % m->size];
    spin_unlock(&m->lock);
    sem_up(m->slots);
    return msg;
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
    u32_t waited = wait_object(&(*mbox)->items->obj, timeout);

    if (waited == SYS_ARCH_TIMEOUT)
        return SYS_ARCH_TIMEOUT;
    void *got = mbox_get(*mbox);
    if (msg)
        *msg = got;
    return waited;
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
    struct kobject *items = &(*mbox)->items->obj;

    if (wait_ms(items, 0) != 0)
        return SYS_MBOX_EMPTY;
    void *got = mbox_get(*mbox);
    if (msg)
        *msg = got;
    return 0;
}

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn thread, void *arg, int stacksize,
                            int prio)
{
    (void)name, (void)stacksize, (void)prio;
    struct thread *t = thread_create_kernel(thread, arg);
    if (!t)
        panic("lwIP: cannot start thread %s", name);
    sched_start_thread(t);
    return t;
}

uint32_t net_port_rand(void)
{
    static uint64_t state;

    if (!state)
        state = time_uptime_ns() | 1;
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (uint32_t)(state >> 16);
}

int net_port_atoi(const char *s)
{
    int v = 0;

    while (*s >= '0' && *s <= '9' && v < 100000000)
        v = v * 10 + (*s++ - '0');
    return v;
}
