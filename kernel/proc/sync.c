/*
 * The synchronisation objects: events, mutexes (Windows' mutants) and semaphores,
 * three object types (ob/object.h). Their state lives under sched_lock, because
 * changing it and waking the waiters that care must be one step.
 */
#include <abi/object.h>
#include <core/panic.h>
#include <lib/errno.h>
#include <mm/kheap.h>
#include <proc/process.h>
#include <proc/sched.h>

/* Access: what generic rights mean for each (Windows' mappings). */
#define SYNC_READ(q)  (DORMER_ACCESS_READ_CONTROL | (q))
#define SYNC_WRITE(m) (DORMER_ACCESS_READ_CONTROL | (m))
#define SYNC_EXEC     (DORMER_ACCESS_READ_CONTROL | DORMER_ACCESS_SYNCHRONIZE)

static void sync_free(struct kobject *obj)
{
    kfree(obj);
}

static bool event_signaled(struct kobject *obj, struct thread *t)
{
    (void)t;
    return ((struct kevent *)obj)->signaled;
}

static void event_acquire(struct kobject *obj, struct thread *t, bool *abandoned)
{
    struct kevent *e = (struct kevent *)obj;

    (void)t;
    (void)abandoned;
    if (!e->manual_reset)
        e->signaled = false;
}

const struct kobj_type event_type = {
    .name = "Event",
    .valid_access = DORMER_EVENT_ALL_ACCESS,
    .generic = { SYNC_READ(DORMER_EVENT_QUERY_STATE), SYNC_WRITE(DORMER_EVENT_MODIFY_STATE),
                 SYNC_EXEC, DORMER_EVENT_ALL_ACCESS },
    .destroy = sync_free,
    .signaled = event_signaled,
    .acquire = event_acquire,
};

struct kevent *kevent_create(bool manual_reset, bool signaled)
{
    struct kevent *e = kcalloc(1, sizeof *e);

    if (e) {
        kobj_init(&e->obj, &event_type);
        e->manual_reset = manual_reset;
        e->signaled = signaled;
    }
    return e;
}

bool kevent_set(struct kevent *e)
{
    uint64_t flags = sched_lock_irq();
    bool was = e->signaled;

    e->signaled = true;
    kobj_wake_all_locked(&e->obj);
    sched_unlock_irq(flags);
    return was;
}

bool kevent_reset(struct kevent *e)
{
    uint64_t flags = sched_lock_irq();
    bool was = e->signaled;

    e->signaled = false;
    sched_unlock_irq(flags);
    return was;
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

static bool mutex_signaled(struct kobject *obj, struct thread *t)
{
    struct kmutex *m = (struct kmutex *)obj;

    return m->owner == NULL || m->owner == t;
}

static void mutex_acquire(struct kobject *obj, struct thread *t, bool *abandoned)
{
    struct kmutex *m = (struct kmutex *)obj;

    if (!m->owner) {
        m->owner = t;
        list_push_back(&t->mutexes, &m->owner_node);
        if (m->abandoned) {
            *abandoned = true;
            m->abandoned = false;
        }
    }
    m->recursion++;
}

const struct kobj_type mutex_type = {
    .name = "Mutant",
    .valid_access = DORMER_MUTANT_ALL_ACCESS,
    .generic = { SYNC_READ(DORMER_MUTANT_QUERY_STATE), DORMER_ACCESS_READ_CONTROL, SYNC_EXEC,
                 DORMER_MUTANT_ALL_ACCESS },
    .destroy = kmutex_destroy,
    .signaled = mutex_signaled,
    .acquire = mutex_acquire,
};

struct kmutex *kmutex_create(bool owned_by_current)
{
    struct kmutex *m = kcalloc(1, sizeof *m);

    if (!m)
        return NULL;
    kobj_init(&m->obj, &mutex_type);
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

static bool semaphore_signaled(struct kobject *obj, struct thread *t)
{
    (void)t;
    return ((struct ksemaphore *)obj)->count > 0;
}

static void semaphore_acquire(struct kobject *obj, struct thread *t, bool *abandoned)
{
    (void)t;
    (void)abandoned;
    ((struct ksemaphore *)obj)->count--;
}

const struct kobj_type semaphore_type = {
    .name = "Semaphore",
    .valid_access = DORMER_SEMAPHORE_ALL_ACCESS,
    .generic = { SYNC_READ(DORMER_SEMAPHORE_QUERY_STATE),
                 SYNC_WRITE(DORMER_SEMAPHORE_MODIFY_STATE), SYNC_EXEC,
                 DORMER_SEMAPHORE_ALL_ACCESS },
    .destroy = sync_free,
    .signaled = semaphore_signaled,
    .acquire = semaphore_acquire,
};

struct ksemaphore *ksemaphore_create(int64_t initial, int64_t maximum)
{
    struct ksemaphore *s = kcalloc(1, sizeof *s);

    if (s) {
        kobj_init(&s->obj, &semaphore_type);
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
