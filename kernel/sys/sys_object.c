/*
 * The object calls (160-164, <abi/object.h>): named events, mutexes and semaphores,
 * handles duplicated between processes, handle attributes, and what a handle names.
 * Everything a call reads from user memory is copied in and checked before any object
 * changes.
 */
#include <abi/object.h>
#include <abi/status.h>
#include <arch/uaccess.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <ob/object.h>
#include <proc/process.h>
#include <proc/sched.h>
#include <sys/syscall.h>

/* A name copied in: at most DORMER_OBJECT_NAME_MAX units. */
struct kname {
    uint16_t chars[DORMER_OBJECT_NAME_MAX];
    size_t len;
};

static dormer_status_t name_get(uint64_t uname, uint64_t chars, struct kname *out)
{
    out->len = 0;
    if (chars == 0)
        return STATUS_SUCCESS;
    if (chars > DORMER_OBJECT_NAME_MAX)
        return STATUS_OBJECT_NAME_INVALID;
    if (copy_from_user(out->chars, uptr(uname), chars * sizeof out->chars[0]) != 0)
        return STATUS_ACCESS_VIOLATION;
    out->len = (size_t)chars;
    return STATUS_SUCCESS;
}

static const struct kobj_type *kind_type(uint64_t kind)
{
    switch (kind) {
    case DORMER_OBJECT_EVENT:
        return &event_type;
    case DORMER_OBJECT_MUTEX:
        return &mutex_type;
    case DORMER_OBJECT_SEMAPHORE:
        return &semaphore_type;
    default:
        return NULL;
    }
}

static dormer_status_t name_status(int rc)
{
    return rc == K_EBADNAME ? STATUS_OBJECT_NAME_INVALID : status_from_errno(rc);
}

/* A new handle for obj in the caller's table, stored at uout. pending: obj's handle
 * count was raised by a name call for this handle, and is dropped here. */
static dormer_status_t give_handle(struct kobject *obj, uint32_t access, uint32_t flags,
                                   bool pending, uint64_t uout)
{
    dormer_status_t st = sys_give_handle(obj, access, flags, uout);

    if (pending)
        ob_handle_closed(obj);
    return st;
}

dormer_status_t sys_DmCreateObject(const uint64_t *args)
{
    struct dormer_object_create c;
    struct kname name;
    uint64_t zero = 0;
    struct kobject *obj = NULL, *existing;
    dormer_status_t st;

    if (copy_from_user(&c, uptr(args[1]), sizeof c) != 0 ||
        copy_to_user(uptr(args[0]), &zero, sizeof zero) != 0)
        return STATUS_ACCESS_VIOLATION;
    const struct kobj_type *type = kind_type(c.kind);
    if (!type || (c.flags & ~(DORMER_OBJECT_OPEN_IF | DORMER_OBJECT_INHERIT)))
        return STATUS_INVALID_PARAMETER;
    if (c.kind == DORMER_OBJECT_SEMAPHORE &&
        (c.arg2 <= 0 || c.arg1 < 0 || c.arg1 > c.arg2))
        return STATUS_INVALID_PARAMETER;
    st = name_get(c.name, c.name_chars, &name);
    if (st != STATUS_SUCCESS)
        return st;
    if (c.kind == DORMER_OBJECT_EVENT) {
        struct kevent *e = kevent_create(c.arg1 != 0, c.arg2 != 0);
        obj = e ? &e->obj : NULL;
    } else if (c.kind == DORMER_OBJECT_MUTEX) {
        struct kmutex *m = kmutex_create(c.arg1 != 0);
        obj = m ? &m->obj : NULL;
    } else {
        struct ksemaphore *s = ksemaphore_create(c.arg1, c.arg2);
        obj = s ? &s->obj : NULL;
    }
    if (!obj)
        return STATUS_NO_MEMORY;
    bool pending = false;
    dormer_status_t ok = STATUS_SUCCESS;
    if (name.len) {
        int rc = ob_name_insert(obj, name.chars, name.len, &existing);
        if (rc == K_EEXIST) {
            kobj_unref(obj); /* the new one was never seen */
            obj = existing;
            ok = STATUS_OBJECT_NAME_EXISTS;
            if (obj->type != type)
                st = STATUS_OBJECT_TYPE_MISMATCH;
            else if (!(c.flags & DORMER_OBJECT_OPEN_IF))
                st = STATUS_OBJECT_NAME_COLLISION;
        } else if (rc) {
            kobj_unref(obj);
            return name_status(rc);
        }
        pending = true;
    }
    if (st == STATUS_SUCCESS)
        st = give_handle(obj, ob_map_access(type, c.access),
                         c.flags & DORMER_OBJECT_INHERIT ? HANDLE_INHERIT : 0, pending, args[0]);
    else if (pending)
        ob_handle_closed(obj);
    kobj_unref(obj);
    return st == STATUS_SUCCESS ? ok : st;
}

dormer_status_t sys_DmOpenObject(const uint64_t *args)
{
    uint64_t zero = 0;
    struct kname name;
    struct kobject *obj;

    if (copy_to_user(uptr(args[0]), &zero, sizeof zero) != 0)
        return STATUS_ACCESS_VIOLATION;
    const struct kobj_type *type = kind_type(args[1]);
    uint64_t chars = args[4] & 0xFFFFFFFFu, inherit = args[4] >> 32;
    if (!type || inherit > 1)
        return STATUS_INVALID_PARAMETER;
    dormer_status_t st = name_get(args[3], chars, &name);
    if (st != STATUS_SUCCESS)
        return st;
    if (name.len == 0)
        return STATUS_OBJECT_NAME_INVALID;
    int rc = ob_name_lookup(name.chars, name.len, &obj);
    if (rc)
        return name_status(rc);
    if (obj->type != type) {
        ob_handle_closed(obj);
        st = STATUS_OBJECT_TYPE_MISMATCH;
    } else {
        st = give_handle(obj, ob_map_access(type, (uint32_t)args[2]),
                         inherit ? HANDLE_INHERIT : 0, true, args[0]);
    }
    kobj_unref(obj);
    return st;
}

/* A process handle with PROCESS_DUP_HANDLE, for duplication. */
static dormer_status_t dup_process(uint64_t handle, struct process **out)
{
    struct kobject *obj = NULL;
    dormer_status_t st = sys_get_object(handle, &process_type, DORMER_PROCESS_DUP_HANDLE, &obj);

    *out = st == STATUS_SUCCESS ? (struct process *)obj : NULL;
    return st;
}

dormer_status_t sys_DmDuplicateObject(const uint64_t *args)
{
    struct process *src = NULL, *dst = NULL;
    struct kobject *obj = NULL;
    struct handle_entry entry;
    uint64_t options = args[5], h = 0, uout = args[3];
    const uint64_t known = DORMER_DUPLICATE_CLOSE_SOURCE | DORMER_DUPLICATE_SAME_ACCESS |
                           DORMER_DUPLICATE_SAME_ATTRIBUTES | DORMER_DUPLICATE_INHERIT;
    dormer_status_t st;

    if (options & ~known)
        return STATUS_INVALID_PARAMETER;
    if (uout && copy_to_user(uptr(uout), &h, sizeof h) != 0)
        return STATUS_ACCESS_VIOLATION;
    st = dup_process(args[0], &src);
    if (st != STATUS_SUCCESS)
        return st;
    if (args[2] != 0 || !(options & DORMER_DUPLICATE_CLOSE_SOURCE))
        st = dup_process(args[2], &dst);
    if (st == STATUS_SUCCESS) {
        int rc = handle_get(src, args[1], NULL, 0, &obj, &entry);
        st = rc ? STATUS_INVALID_HANDLE : STATUS_SUCCESS;
    }
    if (st == STATUS_SUCCESS && dst) {
        uint32_t access = options & DORMER_DUPLICATE_SAME_ACCESS
                              ? entry.access
                              : ob_map_access(obj->type, (uint32_t)args[4]);
        uint32_t flags = options & DORMER_DUPLICATE_SAME_ATTRIBUTES
                             ? entry.flags & HANDLE_INHERIT
                             : options & DORMER_DUPLICATE_INHERIT ? HANDLE_INHERIT : 0;
        int rc = handle_table_insert(&dst->handles, obj, access, flags, &h);
        st = rc == K_EBADF ? STATUS_PROCESS_IS_TERMINATING : status_from_errno(rc);
        if (st == STATUS_SUCCESS && uout && copy_to_user(uptr(uout), &h, sizeof h) != 0) {
            handle_close(dst, h);
            st = STATUS_ACCESS_VIOLATION;
        }
    }
    /* Windows closes the source whatever else happened (a pseudo-handle stays). */
    if (options & DORMER_DUPLICATE_CLOSE_SOURCE) /* K_EBADF once src has ended */
        handle_close(src, args[1]);
    if (obj)
        kobj_unref(obj);
    if (dst)
        kobj_unref(&dst->obj);
    kobj_unref(&src->obj);
    return st;
}

dormer_status_t sys_DmSetHandleInformation(const uint64_t *args)
{
    if ((args[1] | args[2]) & ~(uint64_t)HANDLE_FLAGS_VALID)
        return STATUS_INVALID_PARAMETER;
    int rc = handle_table_set_flags(&process_current()->handles, args[0], (uint32_t)args[1],
                                    (uint32_t)args[2]);
    return status_from_errno(rc);
}

dormer_status_t sys_DmQueryHandle(const uint64_t *args)
{
    static struct dormer_handle_info zero_info;
    struct dormer_handle_info info = zero_info;
    struct handle_entry entry;
    struct kobject *obj;

    if (!uaccess_range_ok(uptr(args[1]), sizeof info))
        return STATUS_ACCESS_VIOLATION;
    if (handle_get(process_current(), args[0], NULL, 0, &obj, &entry) != 0)
        return STATUS_INVALID_HANDLE;
    info.flags = entry.flags;
    info.access = entry.access;
    info.handle_count = __atomic_load_n(&obj->handles, __ATOMIC_RELAXED);
    info.ref_count = __atomic_load_n(&obj->refs, __ATOMIC_RELAXED) - 1; /* not ours */
    for (size_t i = 0; obj->type->name[i] && i < sizeof info.type_name / 2 - 1; i++)
        info.type_name[i] = (uint8_t)obj->type->name[i];
    info.name_chars = (uint16_t)ob_name_get(obj, info.name, DORMER_OBJECT_NAME_MAX);
    kobj_unref(obj);
    return status_from_errno(copy_to_user(uptr(args[1]), &info, sizeof info));
}

/* OpenProcess: a new handle to a process found by id. */
dormer_status_t sys_DmOpenProcess(const uint64_t *args)
{
    uint64_t zero = 0;

    if (copy_to_user(uptr(args[0]), &zero, sizeof zero) != 0)
        return STATUS_ACCESS_VIOLATION;
    if (args[3] > 1 || args[1] > 0xFFFFFFFFu)
        return STATUS_INVALID_PARAMETER;
    struct process *p = args[2] ? process_get_by_id(args[2]) : NULL;
    if (!p)
        return STATUS_INVALID_PARAMETER;
    dormer_status_t st = give_handle(&p->obj, ob_map_access(&process_type, (uint32_t)args[1]),
                                     args[3] ? HANDLE_INHERIT : 0, false, args[0]);
    kobj_unref(&p->obj);
    return st;
}
