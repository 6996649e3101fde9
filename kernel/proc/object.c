/*
 * Kernel objects: reference counting, and the synchronisation objects (events,
 * mutexes, semaphores). Their state lives under sched_lock, because changing it
 * and waking the waiters that care must be one step.
 */
#include <core/panic.h>
#include <lib/errno.h>
#include <mm/kheap.h>
#include <proc/process.h>
#include <proc/sched.h>

static uint64_t kobj_live; /* atomic */

static void kobj_free(struct kobject *obj)
{
    kfree(obj);
}

void kobj_init(struct kobject *obj, uint8_t type, void (*destroy)(struct kobject *))
{
    obj->type = type;
    obj->refs = 1;
    list_init(&obj->waiters);
    obj->destroy = destroy;
    if (destroy) /* plain wait queues and static objects are never destroyed */
        __atomic_add_fetch(&kobj_live, 1, __ATOMIC_RELAXED);
}

uint64_t kobj_live_count(void)
{
    return __atomic_load_n(&kobj_live, __ATOMIC_RELAXED);
}

void kobj_ref(struct kobject *obj)
{
    __atomic_add_fetch(&obj->refs, 1, __ATOMIC_RELAXED);
}

void kobj_unref(struct kobject *obj)
{
    uint32_t left = __atomic_sub_fetch(&obj->refs, 1, __ATOMIC_ACQ_REL);

    ASSERT(left != UINT32_MAX);
    if (left != 0 || !obj->destroy)
        return;
    __atomic_sub_fetch(&kobj_live, 1, __ATOMIC_RELAXED);
    obj->destroy(obj);
}

struct kevent *kevent_create(bool manual_reset, bool signaled)
{
    struct kevent *e = kcalloc(1, sizeof *e);

    if (e) {
        kobj_init(&e->obj, KOBJ_EVENT, kobj_free);
        e->manual_reset = manual_reset;
        e->signaled = signaled;
    }
    return e;
}

void kevent_set(struct kevent *e)
{
    uint64_t flags = sched_lock_irq();

    e->signaled = true;
    kobj_wake_all_locked(&e->obj);
    sched_unlock_irq(flags);
}

void kevent_reset(struct kevent *e)
{
    uint64_t flags = sched_lock_irq();

    e->signaled = false;
    sched_unlock_irq(flags);
}

static void kmutex_destroy(struct kobject *obj)
{
    struct kmutex *m = (struct kmutex *)obj;
    uint64_t flags = sched_lock_irq();

    if (m->owner)
        list_remove(&m->owner_node);
    sched_unlock_irq(flags);
    kfree(m);
}

struct kmutex *kmutex_create(bool owned_by_current)
{
    struct kmutex *m = kcalloc(1, sizeof *m);

    if (!m)
        return NULL;
    kobj_init(&m->obj, KOBJ_MUTEX, kmutex_destroy);
    list_node_init(&m->owner_node);
    if (owned_by_current) {
        uint64_t flags = sched_lock_irq();
        m->owner = thread_current();
        m->recursion = 1;
        list_push_back(&m->owner->mutexes, &m->owner_node);
        sched_unlock_irq(flags);
    }
    return m;
}

int kmutex_release(struct kmutex *m)
{
    uint64_t flags = sched_lock_irq();
    int rc = 0;

    if (m->owner != thread_current()) {
        rc = K_EPERM;
    } else if (--m->recursion == 0) {
        m->owner = NULL;
        list_remove(&m->owner_node);
        kobj_wake_all_locked(&m->obj);
    }
    sched_unlock_irq(flags);
    return rc;
}

void kmutex_abandon_all_locked(struct thread *t)
{
    sched_assert_locked();
    while (!list_empty(&t->mutexes)) {
        struct kmutex *m = list_entry(list_first(&t->mutexes), struct kmutex, owner_node);
        list_remove(&m->owner_node);
        m->owner = NULL;
        m->recursion = 0;
        m->abandoned = true;
        kobj_wake_all_locked(&m->obj);
    }
}

struct ksemaphore *ksemaphore_create(int64_t initial, int64_t maximum)
{
    struct ksemaphore *s = kcalloc(1, sizeof *s);

    if (s) {
        kobj_init(&s->obj, KOBJ_SEMAPHORE, kobj_free);
        s->count = initial;
        s->maximum = maximum;
    }
    return s;
}

int ksemaphore_release(struct ksemaphore *s, int64_t count, int64_t *previous)
{
    uint64_t flags = sched_lock_irq();
    int rc = 0;

    *previous = s->count;
    if (count <= 0 || count > s->maximum - s->count) {
        rc = K_ERANGE;
    } else {
        s->count += count;
        kobj_wake_all_locked(&s->obj);
    }
    sched_unlock_irq(flags);
    return rc;
}
