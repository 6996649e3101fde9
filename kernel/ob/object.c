/*
 * Kernel objects: reference and handle counts, and the namespace of named objects.
 * What an object does is its type's business (ob/object.h); nothing here knows any
 * type but the plain wait queue.
 */
#include <abi/object.h>
#include <core/lock_order.h>
#include <core/panic.h>
#include <core/spinlock.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <ob/object.h>

const struct kobj_type kobj_queue_type = { .name = "Queue" };

static uint64_t kobj_live; /* atomic */

void kobj_init(struct kobject *obj, const struct kobj_type *type)
{
    obj->type = type;
    obj->refs = 1;
    obj->handles = 0;
    obj->name = NULL;
    list_init(&obj->waiters);
    if (type->destroy) /* plain wait queues and static objects are never destroyed */
        __atomic_add_fetch(&kobj_live, 1, __ATOMIC_RELAXED);
}

uint64_t kobj_live_count(void)
{
    return __atomic_load_n(&kobj_live, __ATOMIC_RELAXED);
}

bool kobj_ref_unless_zero(struct kobject *obj)
{
    uint32_t refs = __atomic_load_n(&obj->refs, __ATOMIC_RELAXED);

    while (refs != 0)
        if (__atomic_compare_exchange_n(&obj->refs, &refs, refs + 1, false, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
            return true;
    return false;
}

/* kobj_unref's rare case: the count reached zero (or went below it, a bug). */
void kobj_unref_last(struct kobject *obj, uint32_t left)
{
    ASSERT(left != UINT32_MAX);
    if (left != 0 || !obj->type->destroy)
        return;
    ASSERT(obj->handles == 0 && obj->name == NULL);
    __atomic_sub_fetch(&kobj_live, 1, __ATOMIC_RELAXED);
    obj->type->destroy(obj);
}

uint32_t ob_map_access(const struct kobj_type *type, uint32_t access)
{
    static const uint32_t generic_bits[4] = { DORMER_ACCESS_GENERIC_READ,
                                              DORMER_ACCESS_GENERIC_WRITE,
                                              DORMER_ACCESS_GENERIC_EXEC,
                                              DORMER_ACCESS_GENERIC_ALL };
    uint32_t mapped = access;

    for (int i = 0; i < 4; i++)
        if (access & generic_bits[i])
            mapped |= type->generic[i];
    if (access & DORMER_ACCESS_MAXIMUM)
        mapped |= type->valid_access;
    return mapped & type->valid_access;
}

/* ------------------------------------------------------------------ names ---- */

#define NAME_BUCKETS 64

struct kobj_name {
    struct list_node node;       /* in its bucket */
    struct kobject *obj;
    uint32_t hash;
    uint16_t len;
    uint16_t chars[];
};

static struct spinlock names_lock = SPINLOCK_INIT_RANKED("ob_names", LOCK_RANK_NAMES);
static struct list buckets[NAME_BUCKETS]; /* protected by names_lock */
static bool buckets_ready;                 /* protected by names_lock */
static uint64_t names_live;                /* protected by names_lock */

static uint32_t name_hash(const uint16_t *name, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a over the UTF-16 units */

    for (size_t i = 0; i < len; i++) {
        h ^= name[i];
        h *= 16777619u;
    }
    return h;
}

static bool name_ok(const uint16_t *name, size_t len)
{
    if (len < 2 || len > OB_NAME_MAX || name[0] != '\\' || name[len - 1] == '\\')
        return false;
    for (size_t i = 0; i < len; i++)
        if (name[i] == 0 || (name[i] == '\\' && i + 1 < len && name[i + 1] == '\\'))
            return false;
    return true;
}

/* The named object, or NULL. names_lock held. */
static struct kobj_name *find_locked(const uint16_t *name, size_t len, uint32_t hash)
{
    struct list_node *n;

    spin_assert_held(&names_lock);
    if (!buckets_ready) {
        for (size_t i = 0; i < NAME_BUCKETS; i++)
            list_init(&buckets[i]);
        buckets_ready = true;
    }
    list_for_each(n, &buckets[hash % NAME_BUCKETS]) {
        struct kobj_name *e = list_entry(n, struct kobj_name, node);
        if (e->hash == hash && e->len == len && memcmp(e->chars, name, len * 2) == 0)
            return e;
    }
    return NULL;
}

/* A pending handle on a found object, under names_lock: keeps the name alive until
 * the caller has made its handle. */
static struct kobject *take_locked(struct kobj_name *e)
{
    spin_assert_held(&names_lock);
    kobj_ref(e->obj);
    __atomic_add_fetch(&e->obj->handles, 1, __ATOMIC_RELAXED);
    return e->obj;
}

int ob_name_insert(struct kobject *obj, const uint16_t *name, size_t len,
                   struct kobject **existing)
{
    *existing = NULL;
    if (!name_ok(name, len))
        return K_EBADNAME;
    struct kobj_name *e = kmalloc(sizeof *e + len * sizeof e->chars[0]);
    if (!e)
        return K_ENOMEM;
    e->obj = obj;
    e->hash = name_hash(name, len);
    e->len = (uint16_t)len;
    memcpy(e->chars, name, len * sizeof e->chars[0]);
    list_node_init(&e->node);

    int rc = 0;
    spin_lock(&names_lock);
    struct kobj_name *old = find_locked(name, len, e->hash);
    if (old) {
        *existing = take_locked(old);
        rc = K_EEXIST;
    } else {
        ASSERT(obj->name == NULL && obj->handles == 0);
        list_push_back(&buckets[e->hash % NAME_BUCKETS], &e->node);
        obj->name = e;
        __atomic_add_fetch(&obj->handles, 1, __ATOMIC_RELAXED);
        names_live++;
    }
    spin_unlock(&names_lock);
    if (rc)
        kfree(e);
    return rc;
}

int ob_name_lookup(const uint16_t *name, size_t len, struct kobject **out)
{
    *out = NULL;
    if (!name_ok(name, len))
        return K_EBADNAME;
    uint32_t hash = name_hash(name, len);
    spin_lock(&names_lock);
    struct kobj_name *e = find_locked(name, len, hash);
    if (e)
        *out = take_locked(e);
    spin_unlock(&names_lock);
    return e ? 0 : K_ENOENT;
}

size_t ob_name_get(struct kobject *obj, uint16_t *buf, size_t cap)
{
    size_t len = 0;

    spin_lock(&names_lock);
    if (obj->name) {
        len = obj->name->len < cap ? obj->name->len : cap;
        memcpy(buf, obj->name->chars, len * sizeof buf[0]);
    }
    spin_unlock(&names_lock);
    return len;
}

uint64_t ob_name_count(void)
{
    spin_lock(&names_lock);
    uint64_t n = names_live;
    spin_unlock(&names_lock);
    return n;
}

/* ---------------------------------------------------------------- handles ---- */

void ob_handle_opened(struct kobject *obj)
{
    __atomic_add_fetch(&obj->handles, 1, __ATOMIC_RELAXED);
}

void ob_handle_closed(struct kobject *obj)
{
    struct kobj_name *gone = NULL;
    uint32_t left;

    /* A name is set before any handle to the object exists and removed only here,
     * so a holder of a handle reads it stably; the count reaches zero under the
     * names lock so that a lookup cannot find an object whose name is going. */
    if (obj->name) {
        spin_lock(&names_lock);
        left = __atomic_sub_fetch(&obj->handles, 1, __ATOMIC_ACQ_REL);
        if (left == 0) {
            gone = obj->name;
            list_remove(&gone->node);
            obj->name = NULL;
            names_live--;
        }
        spin_unlock(&names_lock);
        kfree(gone);
    } else {
        left = __atomic_sub_fetch(&obj->handles, 1, __ATOMIC_ACQ_REL);
    }
    ASSERT(left != UINT32_MAX);
    if (left == 0 && obj->type->last_handle)
        obj->type->last_handle(obj);
}
