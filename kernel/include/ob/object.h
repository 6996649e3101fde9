/*
 * The object manager: everything a handle can name is a kernel object of a type,
 * and a type is a table of operations. Waits, NtClose and the generic file calls
 * (read, write, query, set information, flush) dispatch through the table, so a new
 * kind of object is one new table in the file that implements it, and no switch
 * elsewhere learns its name.
 *
 * Lifetime: an object is reference-counted (kobj_ref / kobj_unref; the last reference
 * calls the type's destroy). Handles (ob/handle.h) each hold one reference and are
 * also counted separately, because a named object's name lives exactly as long as
 * some handle names it (Windows' rule for temporary objects).
 *
 * Names: events, mutexes and semaphores may be named. A name is a full object path
 * ("\BaseNamedObjects\x", "\Sessions\1\BaseNamedObjects\x"); the namespace keeps
 * them in one table without directory objects, and compares them case-sensitively,
 * as Windows compares the names kernel32 creates.
 *
 * Locking: an object's wait list and signal state belong to sched_lock (proc/sched.h);
 * the namespace has its own lock (ob_names_lock), ranked below the handle tables'.
 */
#ifndef OB_OBJECT_H
#define OB_OBJECT_H

#include <abi/status.h>
#include <arch/uaccess.h>
#include <lib/list.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kobject;
struct thread;

/* Where a read or write through a handle happens. */
enum kobj_at {
    KOBJ_AT_POSITION, /* at the open file's position, which advances */
    KOBJ_AT_OFFSET,   /* at io->offset */
    KOBJ_AT_END,      /* append (writes only) */
};

/* One read or write: the user buffer and its length in, the bytes moved out. */
struct kobj_io {
    uptr_t buf;
    uint64_t len;
    enum kobj_at at;
    uint64_t offset;
    uint64_t done;
};

/*
 * A type. Every operation may be NULL, meaning the type does not support it (the
 * call gets K_ETYPE, which the system call turns into STATUS_OBJECT_TYPE_MISMATCH).
 * read, write and flush return 0 or a K_E* code. query and set_info serve the
 * information classes of the file calls; they are the system-call boundary for their
 * type (they copy user memory and return the call's status).
 */
struct kobj_type {
    const char *name;       /* Windows' type name, as NtQueryObject reports it */
    uint32_t valid_access;  /* the access bits that mean something for this type (what a
                               handle made with "all access" grants) */
    uint32_t generic[4];    /* what GENERIC_READ, _WRITE, _EXECUTE and _ALL map to */
    uint32_t file_kind;     /* DORMER_FILE_TYPE_* for file-like objects, else 0 */
    /* The last reference is gone: free the object. NULL: never freed (static). */
    void (*destroy)(struct kobject *obj);
    /* Waitable types: is obj signaled for the waiting thread t? sched_lock held;
     * must not block. */
    bool (*signaled)(struct kobject *obj, struct thread *t);
    /* A wait on obj by t was satisfied: take what it consumes (an auto-reset
     * event's state, a semaphore's count, a mutex's ownership). sched_lock held.
     * *abandoned is set when a mutex acquired was abandoned. */
    void (*acquire)(struct kobject *obj, struct thread *t, bool *abandoned);
    int (*read)(struct kobject *obj, struct kobj_io *io);
    int (*write)(struct kobject *obj, struct kobj_io *io);
    dormer_status_t (*query)(struct kobject *obj, uint64_t cls, uptr_t out, uint64_t size);
    dormer_status_t (*set_info)(struct kobject *obj, uint64_t cls, uptr_t in, uint64_t size);
    int (*flush)(struct kobject *obj);
    /* The last handle naming obj was closed (references may remain). */
    void (*last_handle)(struct kobject *obj);
};

struct kobj_name; /* ob/object.c */

/* Anything a handle can name. */
struct kobject {
    const struct kobj_type *type;
    uint32_t refs;               /* atomic */
    uint32_t handles;            /* handles naming it; atomic (see ob_handle_*) */
    struct list waiters;         /* protected by sched_lock: struct wait_block */
    struct kobj_name *name;      /* protected by ob_names_lock; NULL: unnamed */
};

/* A plain wait queue (a pipe's waiters, address waits, a device's completion):
 * never signaled, never freed through its references. */
extern const struct kobj_type kobj_queue_type;

/* A static object of a type without destroy, for initialisers. */
#define KOBJ_STATIC_INIT(var, typ)                                                       \
    { .type = (typ), .refs = 1, .waiters = LIST_INIT((var).waiters) }

/* Start an object's life with one reference (the creator's). */
void kobj_init(struct kobject *obj, const struct kobj_type *type);

/* One more reference to an object the caller holds one to (or finds under a lock that
 * keeps it alive). */
static inline void kobj_ref(struct kobject *obj)
{
    __atomic_add_fetch(&obj->refs, 1, __ATOMIC_RELAXED);
}

/* A reference to an object found through a list that does not hold one (its destroy
 * takes it off under the list's lock): false when its last reference is already gone. */
bool kobj_ref_unless_zero(struct kobject *obj);
void kobj_unref_last(struct kobject *obj, uint32_t left);

/* Drop a reference; the last one destroys the object (its type's destroy). */
static inline void kobj_unref(struct kobject *obj)
{
    uint32_t left = __atomic_sub_fetch(&obj->refs, 1, __ATOMIC_ACQ_REL);

    if (__builtin_expect(left == 0 || left == UINT32_MAX, 0))
        kobj_unref_last(obj, left); /* destroys it, or panics on a reference too many */
}

/* Is obj of type (NULL: any type)? */
static inline bool kobj_is(const struct kobject *obj, const struct kobj_type *type)
{
    return type == NULL || obj->type == type;
}

/* An access mask with the generic rights and MAXIMUM_ALLOWED mapped for the type and
 * the bits the type does not know dropped. */
uint32_t ob_map_access(const struct kobj_type *type, uint32_t access);

/* Objects of a type with destroy created and not yet destroyed, system-wide: a leak
 * check for tests. Any context. */
uint64_t kobj_live_count(void);

/* Handle accounting, called by the handle tables only: a handle to obj was made, or
 * closed. The last close removes obj's name and calls its type's last_handle. */
void ob_handle_opened(struct kobject *obj);
void ob_handle_closed(struct kobject *obj);

/* Names: at most OB_NAME_MAX UTF-16 units, starting with a backslash, no NUL. */
#define OB_NAME_MAX 320

/* Give obj (not yet named, with no handle yet) the name, unless the name is taken:
 * then *existing is the named object, referenced, with a handle count already
 * raised for the handle the caller is about to make (K_EEXIST). 0: named, and obj's
 * handle count raised the same way. K_EBADNAME for a bad name, K_ENOMEM. */
int ob_name_insert(struct kobject *obj, const uint16_t *name, size_t len,
                   struct kobject **existing);

/* The object of that name, referenced, with its handle count raised for the handle
 * the caller is about to make; K_ENOENT, K_EBADNAME. The caller checks its type. */
int ob_name_lookup(const uint16_t *name, size_t len, struct kobject **out);

/* Copy obj's name (at most cap units) into buf; returns its length (0: unnamed). */
size_t ob_name_get(struct kobject *obj, uint16_t *buf, size_t cap);

/* Named objects now in the namespace (for tests). */
uint64_t ob_name_count(void);

#endif /* OB_OBJECT_H */
