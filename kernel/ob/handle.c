/*
 * Handle tables. An entry is changed only under its table's lock; references are
 * dropped (which may destroy an object) only after the lock is released.
 */
#include <core/lock_order.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <ob/handle.h>

static uint64_t handles_open; /* atomic */

uint64_t handle_open_count(void)
{
    return __atomic_load_n(&handles_open, __ATOMIC_RELAXED);
}

void handle_table_init_zeroed(struct handle_table *t)
{
    t->lock = (struct spinlock)SPINLOCK_INIT_RANKED("handles", LOCK_RANK_HANDLES);
}

void handle_table_init(struct handle_table *t)
{
    memset(t, 0, sizeof *t);
    handle_table_init_zeroed(t);
}

/* The slot a handle value names, or -1. */
static int slot_of(uint64_t handle)
{
    if (handle == 0 || handle % 4 || handle > 4 * (uint64_t)HANDLE_TABLE_SIZE)
        return -1;
    return (int)(handle / 4 - 1);
}

/* Fill slot i. The table's lock held; obj already referenced for the entry. */
static void fill_locked(struct handle_table *t, int i, struct kobject *obj, uint32_t access,
                        uint32_t flags)
{
    spin_assert_held(&t->lock);
    t->slot[i] = (struct handle_entry){ obj, access & obj->type->valid_access,
                                        flags & HANDLE_FLAGS_VALID };
    t->count++;
    ob_handle_opened(obj);
    __atomic_add_fetch(&handles_open, 1, __ATOMIC_RELAXED);
}

int handle_table_insert(struct handle_table *t, struct kobject *obj, uint32_t access,
                        uint32_t flags, uint64_t *handle)
{
    int rc = K_ENOSPC;

    spin_lock(&t->lock);
    if (t->closed)
        rc = K_EBADF;
    for (int i = 0; !t->closed && i < HANDLE_TABLE_SIZE; i++) {
        if (!t->slot[i].obj) {
            kobj_ref(obj);
            fill_locked(t, i, obj, access, flags);
            *handle = 4 * (uint64_t)(i + 1);
            rc = 0;
            break;
        }
    }
    spin_unlock(&t->lock);
    return rc;
}

int handle_table_get(struct handle_table *t, uint64_t handle, const struct kobj_type *type,
                     uint32_t need, struct kobject **out, struct handle_entry *entry)
{
    int i = slot_of(handle), rc = 0;
    struct handle_entry e = { NULL, 0, 0 };

    *out = NULL;
    if (i < 0)
        return K_EBADF;
    spin_lock(&t->lock);
    e = t->slot[i];
    if (!e.obj)
        rc = K_EBADF;
    else if (!kobj_is(e.obj, type))
        rc = K_ETYPE;
    else if ((e.access & need) != need)
        rc = K_EACCES;
    else
        kobj_ref(e.obj);
    spin_unlock(&t->lock);
    if (rc)
        return rc;
    *out = e.obj;
    if (entry)
        *entry = e;
    return 0;
}

/* Empty slot i, returning its object (the caller closes it). The lock held. */
static struct kobject *clear_locked(struct handle_table *t, int i)
{
    struct kobject *obj = t->slot[i].obj;

    spin_assert_held(&t->lock);
    t->slot[i] = (struct handle_entry){ NULL, 0, 0 };
    t->count--;
    __atomic_sub_fetch(&handles_open, 1, __ATOMIC_RELAXED);
    return obj;
}

/* The entry's reference and handle count go, outside the lock. */
static void drop(struct kobject *obj)
{
    ob_handle_closed(obj);
    kobj_unref(obj);
}

int handle_table_close(struct handle_table *t, uint64_t handle)
{
    int i = slot_of(handle), rc = 0;
    struct kobject *obj = NULL;

    if (i < 0)
        return K_EBADF;
    spin_lock(&t->lock);
    if (!t->slot[i].obj)
        rc = K_EBADF;
    else if (t->slot[i].flags & HANDLE_PROTECT_FROM_CLOSE)
        rc = K_EPERM;
    else
        obj = clear_locked(t, i);
    spin_unlock(&t->lock);
    if (obj)
        drop(obj);
    return rc;
}

int handle_table_set_flags(struct handle_table *t, uint64_t handle, uint32_t mask,
                           uint32_t flags)
{
    int i = slot_of(handle), rc = 0;

    if (i < 0)
        return K_EBADF;
    mask &= HANDLE_FLAGS_VALID;
    spin_lock(&t->lock);
    if (t->slot[i].obj)
        t->slot[i].flags = (t->slot[i].flags & ~mask) | (flags & mask);
    else
        rc = K_EBADF;
    spin_unlock(&t->lock);
    return rc;
}

void handle_table_close_all(struct handle_table *t)
{
    struct kobject *open[HANDLE_TABLE_SIZE];
    size_t n = 0;

    spin_lock(&t->lock);
    t->closed = true; /* a handle put in after this would never be closed */
    for (int i = 0; t->count && i < HANDLE_TABLE_SIZE; i++)
        if (t->slot[i].obj)
            open[n++] = clear_locked(t, i);
    spin_unlock(&t->lock);
    while (n)
        drop(open[--n]);
}

int handle_table_inherit(struct handle_table *to, struct handle_table *from)
{
    /* Two tables' locks are never held together: copy the entries (referenced)
     * under the parent's lock, then fill the child's slots under its own. */
    struct handle_entry *copy = kcalloc(HANDLE_TABLE_SIZE, sizeof *copy);

    if (!copy)
        return K_ENOMEM;
    spin_lock(&from->lock);
    for (int i = 0; i < HANDLE_TABLE_SIZE; i++) {
        if (from->slot[i].obj && (from->slot[i].flags & HANDLE_INHERIT)) {
            copy[i] = from->slot[i];
            kobj_ref(copy[i].obj);
        }
    }
    spin_unlock(&from->lock);
    spin_lock(&to->lock);
    for (int i = 0; i < HANDLE_TABLE_SIZE; i++) {
        if (copy[i].obj && !to->slot[i].obj) {
            fill_locked(to, i, copy[i].obj, copy[i].access, copy[i].flags);
            copy[i].obj = NULL;
        }
    }
    spin_unlock(&to->lock);
    for (int i = 0; i < HANDLE_TABLE_SIZE; i++) /* slots the child had taken already */
        if (copy[i].obj)
            kobj_unref(copy[i].obj);
    kfree(copy);
    return 0;
}
