/*
 * Processes, threads, waiting and synchronisation objects as system calls. Every
 * call looks its handles up (taking references), validates everything, acts, and
 * drops the references on one exit path.
 */
#include <abi/file.h>
#include <abi/object.h>
#include <abi/types.h>
#include <arch/uaccess.h>
#include <core/printk.h>
#include <core/time.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <loader/loader.h>
#include <mm/kheap.h>
#include <proc/process.h>
#include <sys/syscall.h>

#include "sys_io.h"

#define CMDLINE_MAX_USER 1023
#define NAME_MAX_USER    255 /* a program path (IMAGE_PATH_MAX - 1) */

/* Insert obj as a new handle and store it at user pointer out. */
static dormer_status_t return_handle(struct kobject *obj, uint64_t out)
{
    return sys_give_handle(obj, obj->type->valid_access, 0, out);
}

/* Validate an output handle pointer before anything is created. */
static bool handle_out_ok(uint64_t out)
{
    uint64_t zero = 0;

    return copy_to_user(uptr(out), &zero, sizeof zero) == 0;
}

/* The object a standard handle names, referenced, into *out: the console (NULL) for
 * DORMER_STD_CONSOLE; otherwise a pipe end of the right direction or an open file with
 * the access that direction needs. STATUS_INVALID_HANDLE, _OBJECT_TYPE_MISMATCH or
 * _ACCESS_DENIED. (0, "inherit", is the caller's business.) */
static dormer_status_t std_lookup(uint64_t handle, bool output, struct kobject **out)
{
    *out = NULL;
    if (handle == DORMER_STD_CONSOLE)
        return STATUS_SUCCESS;
    struct kobject *obj;
    struct handle_entry entry;
    if (handle_get(process_current(), handle, NULL, 0, &obj, &entry) != 0)
        return STATUS_INVALID_HANDLE;
    /* Anything file-like (a file, a pipe end, a socket) with the handle's access for
     * the direction: the read end of a pipe cannot be an output. */
    struct vfs_file *f = sys_vfs_file_of(obj);
    uint32_t need = output ? DORMER_FILE_WRITE_DATA | DORMER_FILE_APPEND_DATA
                           : DORMER_FILE_READ_DATA;
    uint32_t have = f ? f->access & entry.access : entry.access; /* the open's, too */
    dormer_status_t st = STATUS_SUCCESS;
    if (!obj->type->file_kind || !(output ? obj->type->write : obj->type->read))
        st = STATUS_OBJECT_TYPE_MISMATCH;
    else if ((f && f->node->directory) || !(have & need))
        st = STATUS_ACCESS_DENIED;
    if (st != STATUS_SUCCESS)
        kobj_unref(obj);
    else
        *out = obj;
    return st;
}

/* The caller's own standard object i (0 in, 1 out, 2 err), referenced; NULL: console. */
static struct kobject *std_inherit(int i)
{
    struct process *p = process_current();
    struct kobject *obj = i == 0 ? p->std_in : i == 1 ? p->std_out : p->std_err;

    if (obj)
        kobj_ref(obj);
    return obj;
}

/* Start the program of a user command line with standard handles std_handles[0..2]
 * (input, output, error): each DORMER_STD_CONSOLE, a handle, or 0 to inherit the
 * caller's own; error 0 with an output given goes with that output. */
static dormer_status_t create_process(uint64_t out_handle, uint64_t cmdline_va, uint64_t len,
                                      const uint64_t std_handles[3], uint32_t flags,
                                      struct dormer_process_create *res)
{
    char cmdline[CMDLINE_MAX_USER + 1], name[NAME_MAX_USER + 1], err[200];
    struct kobject *std[3] = { NULL, NULL, NULL };
    dormer_status_t st = STATUS_SUCCESS;

    if (len == 0 || len > CMDLINE_MAX_USER)
        return STATUS_INVALID_PARAMETER;
    if (!handle_out_ok(out_handle) || copy_from_user(cmdline, uptr(cmdline_va), len) != 0)
        return STATUS_ACCESS_VIOLATION;
    cmdline[len] = '\0';
    /* The program is the first word, or what the first pair of quotes holds. */
    size_t n = 0, at = cmdline[0] == '"' ? 1 : 0;
    char stop = at ? '"' : ' ';
    while (cmdline[at + n] && cmdline[at + n] != stop && n < NAME_MAX_USER) {
        name[n] = cmdline[at + n];
        n++;
    }
    name[n] = '\0';
    if (n == 0 || strlen(cmdline) != len)
        return STATUS_INVALID_PARAMETER;
    bool err_console = false;
    for (size_t i = 0; i < 3 && st == STATUS_SUCCESS; i++) {
        if (std_handles[i] != 0)
            st = std_lookup(std_handles[i], i > 0, &std[i]);
        else if (i < 2 || std_handles[1] == 0)
            std[i] = std_inherit((int)i);
    }
    if (st != STATUS_SUCCESS)
        goto fail;
    if (std_handles[2] == DORMER_STD_CONSOLE)
        err_console = true;
    else if (std_handles[2] == 0 && std_handles[1] == 0)
        err_console = process_current()->std_err_console;
    int why = 0;
    struct process *child = loader_create_process(name, cmdline, err, sizeof err, &why);
    if (!child) {
        /* The reason, for whoever watches the console at loglevel=info (the caller gets
         * the status; Windows prints nothing). */
        pr_info("cannot start %s\n", err);
        st = status_from_errno(why == K_ENOENT || why == K_ENODLL || why == K_ENOMEM
                                   ? why : K_ENOEXEC);
        goto fail;
    }
    child->std_in = std[0]; /* the child's references, released when it ends */
    child->std_out = std[1];
    child->std_err = std[2];
    child->std_err_console = err_console;
    if (flags & DORMER_PROCESS_INHERIT_HANDLES) {
        struct process *self = process_current();
        if (handle_table_inherit(&child->handles, &self->handles) != 0)
            st = STATUS_NO_MEMORY;
    }
    if (st == STATUS_SUCCESS)
        st = return_handle(&child->obj, out_handle);
    if (st == STATUS_SUCCESS && res) {
        uint64_t th = 0;
        res->pid = child->pid;
        res->tid = child->main_thread->tid;
        if (handle_insert(process_current(), &child->main_thread->obj, &th) != 0)
            st = STATUS_INSUFFICIENT_RESOURCES;
        res->thread = th;
        if (st != STATUS_SUCCESS) {
            uint64_t ph;
            if (copy_from_user(&ph, uptr(out_handle), sizeof ph) == 0)
                handle_close(process_current(), ph);
        }
    }
    if (st == STATUS_SUCCESS)
        process_start(child);
    else
        process_terminate(child, STATUS_TERMINATED), process_start(child);
    kobj_unref(&child->obj);
    return st;
fail:
    for (size_t i = 0; i < 3; i++)
        if (std[i])
            kobj_unref(std[i]);
    return st;
}

dormer_status_t sys_DmCreateProcess(const uint64_t *args)
{
    const uint64_t std[3] = { 0, args[3], 0 };

    return create_process(args[0], args[1], args[2], std, 0, NULL);
}

dormer_status_t sys_DmCreateProcessIo(const uint64_t *args)
{
    const uint64_t std[3] = { args[3], args[4], 0 };

    return create_process(args[0], args[1], args[2], std, 0, NULL);
}

dormer_status_t sys_DmCreateProcessStd(const uint64_t *args)
{
    const uint64_t std[3] = { args[3], args[4], args[5] };

    return create_process(args[0], args[1], args[2], std, 0, NULL);
}

dormer_status_t sys_DmCreateProcessEx(const uint64_t *args)
{
    struct dormer_process_create c;
    uptr_t uc = uptr(args[0]);

    if (args[1] != sizeof c)
        return STATUS_INFO_LENGTH_MISMATCH;
    if (copy_from_user(&c, uc, sizeof c) != 0)
        return STATUS_ACCESS_VIOLATION;
    if (c.flags & ~DORMER_PROCESS_INHERIT_HANDLES)
        return STATUS_INVALID_PARAMETER;
    c.process = c.thread = c.pid = c.tid = 0;
    if (copy_to_user(uc, &c, sizeof c) != 0)
        return STATUS_ACCESS_VIOLATION;
    dormer_status_t st =
        create_process(args[0] + offsetof(struct dormer_process_create, process), c.cmdline,
                       c.cmdline_len, c.std, c.flags, &c);
    if (st != STATUS_SUCCESS)
        return st;
    /* The process handle is in place; the rest follows it. */
    if (copy_to_user(uptr_add(uc, offsetof(struct dormer_process_create, thread)), &c.thread,
                     3 * sizeof(uint64_t)) != 0)
        return STATUS_ACCESS_VIOLATION;
    return STATUS_SUCCESS;
}

dormer_status_t sys_DmCreateThread(const uint64_t *args)
{
    int err;

    if (!uaccess_range_ok(uptr(args[1]), 1) || args[3] > (1ull << 30))
        return STATUS_INVALID_PARAMETER;
    if (!handle_out_ok(args[0]))
        return STATUS_ACCESS_VIOLATION;
    struct thread *t = thread_create_user(process_current(), args[1], args[2], args[3], &err);
    if (!t)
        return status_from_errno(err);
    dormer_status_t st = return_handle(&t->obj, args[0]);
    kobj_unref(&t->obj);
    return st;
}

dormer_status_t sys_DmExitThread(const uint64_t *args)
{
    thread_exit_current((dormer_status_t)args[0]);
}

dormer_status_t sys_NtTerminateProcess(const uint64_t *args)
{
    if (args[0] == DORMER_CURRENT_PROCESS)
        process_exit_current((dormer_status_t)args[1]);
    struct kobject *obj;
    dormer_status_t st = sys_get_object(args[0], &process_type, DORMER_PROCESS_TERMINATE, &obj);
    if (st != STATUS_SUCCESS)
        return st;
    process_terminate((struct process *)obj, (dormer_status_t)args[1]);
    kobj_unref(obj);
    return STATUS_SUCCESS; /* if it was ourselves, the syscall exit path ends us */
}

dormer_status_t sys_DmWaitForMultipleObjects(const uint64_t *args)
{
    uint64_t count = args[0], handles[DORMER_MAX_WAIT_OBJECTS];
    struct kobject *objs[DORMER_MAX_WAIT_OBJECTS];
    dormer_status_t st;
    uint64_t got = 0;

    if (count == 0 || count > DORMER_MAX_WAIT_OBJECTS)
        return STATUS_INVALID_PARAMETER;
    if (copy_from_user(handles, uptr(args[1]), count * sizeof handles[0]) != 0)
        return STATUS_ACCESS_VIOLATION;
    for (; got < count; got++) {
        st = sys_get_object(handles[got], NULL, DORMER_ACCESS_SYNCHRONIZE, &objs[got]);
        if (st != STATUS_SUCCESS)
            goto out;
        if (!objs[got]->type->signaled) { /* not a waitable type */
            kobj_unref(objs[got]);
            st = STATUS_OBJECT_TYPE_MISMATCH;
            goto out;
        }
    }
    bool abandoned;
    int r = sched_wait(objs, (int)count, args[2] != 0, args[3], &abandoned);
    if (r == K_ETIMEDOUT)
        st = STATUS_TIMEOUT;
    else if (r == K_EINTR)
        st = STATUS_PROCESS_IS_TERMINATING;
    else
        st = (abandoned ? STATUS_ABANDONED_WAIT_0 : STATUS_WAIT_0) + r;
out:
    for (uint64_t i = 0; i < got; i++)
        kobj_unref(objs[i]);
    return st;
}

dormer_status_t sys_DmQueryExitStatus(const uint64_t *args)
{
    struct kobject *obj = handle_lookup(process_current(), args[0], NULL);
    dormer_status_t status, st = STATUS_SUCCESS;

    if (!obj)
        return STATUS_INVALID_HANDLE;
    uint64_t flags = sched_lock_irq();
    if (obj->type == &process_type) {
        struct process *p = (struct process *)obj;
        status = p->exited ? p->exit_status : STATUS_PENDING;
    } else if (obj->type == &thread_type) {
        struct thread *t = (struct thread *)obj;
        status = t->state == THREAD_DEAD ? t->exit_status : STATUS_PENDING;
    } else {
        st = STATUS_OBJECT_TYPE_MISMATCH;
    }
    sched_unlock_irq(flags);
    if (st == STATUS_SUCCESS && copy_to_user(uptr(args[1]), &status, sizeof status) != 0)
        st = STATUS_ACCESS_VIOLATION;
    kobj_unref(obj);
    return st;
}

/* The id of a process or thread handle (what GetProcessId and GetThreadId report). */
dormer_status_t sys_DmQueryObjectId(const uint64_t *args)
{
    struct kobject *obj = handle_lookup(process_current(), args[0], NULL);
    dormer_status_t st = STATUS_SUCCESS;
    uint64_t id = 0;

    if (!obj)
        return STATUS_INVALID_HANDLE;
    if (obj->type == &process_type)
        id = ((struct process *)obj)->pid;
    else if (obj->type == &thread_type)
        id = ((struct thread *)obj)->tid;
    else
        st = STATUS_OBJECT_TYPE_MISMATCH;
    if (st == STATUS_SUCCESS && copy_to_user(uptr(args[1]), &id, sizeof id) != 0)
        st = STATUS_ACCESS_VIOLATION;
    kobj_unref(obj);
    return st;
}

dormer_status_t sys_DmCreateEvent(const uint64_t *args)
{
    if (!handle_out_ok(args[0]))
        return STATUS_ACCESS_VIOLATION;
    struct kevent *e = kevent_create(args[1] != 0, args[2] != 0);
    if (!e)
        return STATUS_NO_MEMORY;
    dormer_status_t st = return_handle(&e->obj, args[0]);
    kobj_unref(&e->obj);
    return st;
}

/* args[1]: int32 *previous, 0 for none; checked before the event changes. */
static dormer_status_t event_op(const uint64_t *args, bool set)
{
    struct kobject *obj;
    int32_t was;
    dormer_status_t st = sys_get_object(args[0], &event_type, DORMER_EVENT_MODIFY_STATE, &obj);

    if (st != STATUS_SUCCESS)
        return st;
    if (args[1] && !uaccess_range_ok(uptr(args[1]), sizeof was)) {
        kobj_unref(obj);
        return STATUS_ACCESS_VIOLATION;
    }
    if (set)
        was = kevent_set((struct kevent *)obj);
    else
        was = kevent_reset((struct kevent *)obj);
    kobj_unref(obj);
    if (args[1] && copy_to_user(uptr(args[1]), &was, sizeof was) != 0)
        return STATUS_ACCESS_VIOLATION;
    return STATUS_SUCCESS;
}

dormer_status_t sys_DmSetEvent(const uint64_t *args)
{
    return event_op(args, true);
}

dormer_status_t sys_DmResetEvent(const uint64_t *args)
{
    return event_op(args, false);
}

dormer_status_t sys_DmCreateMutex(const uint64_t *args)
{
    if (!handle_out_ok(args[0]))
        return STATUS_ACCESS_VIOLATION;
    struct kmutex *m = kmutex_create(args[1] != 0);
    if (!m)
        return STATUS_NO_MEMORY;
    dormer_status_t st = return_handle(&m->obj, args[0]);
    kobj_unref(&m->obj);
    return st;
}

dormer_status_t sys_DmReleaseMutex(const uint64_t *args)
{
    struct kobject *obj = handle_lookup(process_current(), args[0], &mutex_type);

    if (!obj)
        return STATUS_INVALID_HANDLE;
    int rc = kmutex_release((struct kmutex *)obj);
    kobj_unref(obj);
    return rc ? STATUS_MUTANT_NOT_OWNED : STATUS_SUCCESS;
}

dormer_status_t sys_DmCreateSemaphore(const uint64_t *args)
{
    int64_t initial = (int64_t)args[1], maximum = (int64_t)args[2];

    if (maximum <= 0 || initial < 0 || initial > maximum)
        return STATUS_INVALID_PARAMETER;
    if (!handle_out_ok(args[0]))
        return STATUS_ACCESS_VIOLATION;
    struct ksemaphore *s = ksemaphore_create(initial, maximum);
    if (!s)
        return STATUS_NO_MEMORY;
    dormer_status_t st = return_handle(&s->obj, args[0]);
    kobj_unref(&s->obj);
    return st;
}

dormer_status_t sys_DmReleaseSemaphore(const uint64_t *args)
{
    int32_t prev32 = 0;

    if (args[2] && copy_to_user(uptr(args[2]), &prev32, sizeof prev32) != 0)
        return STATUS_ACCESS_VIOLATION;
    struct kobject *obj;
    dormer_status_t st = sys_get_object(args[0], &semaphore_type, DORMER_SEMAPHORE_MODIFY_STATE,
                                        &obj);
    if (st != STATUS_SUCCESS)
        return st;
    int64_t previous;
    int rc = ksemaphore_release((struct ksemaphore *)obj, (int64_t)args[1], &previous);
    kobj_unref(obj);
    prev32 = (int32_t)previous;
    if (args[2] && copy_to_user(uptr(args[2]), &prev32, sizeof prev32) != 0)
        return STATUS_ACCESS_VIOLATION;
    if (rc)
        return (int64_t)args[1] <= 0 ? STATUS_INVALID_PARAMETER : STATUS_SEMAPHORE_LIMIT_EXCEEDED;
    return STATUS_SUCCESS;
}

dormer_status_t sys_NtYieldExecution(const uint64_t *args)
{
    (void)args;
    sched_yield();
    return STATUS_SUCCESS;
}

dormer_status_t sys_DmSetThreadPriority(const uint64_t *args)
{
    if (args[1] > DORMER_PRIORITY_REALTIME)
        return STATUS_INVALID_PARAMETER;
    struct kobject *obj = handle_lookup(process_current(), args[0], &thread_type);
    if (!obj)
        return STATUS_INVALID_HANDLE;
    sched_set_priority((struct thread *)obj, (uint8_t)args[1]);
    kobj_unref(obj);
    return STATUS_SUCCESS;
}

/* Address waits: one queue; a waiter's key is its address (per process). */
static struct kobject address_queue = { .type = &kobj_queue_type,
                                        .waiters = LIST_INIT(address_queue.waiters) };

struct address_key {
    struct process *p;
    uint64_t addr;
};

static bool same_address(struct thread *t, void *ctx)
{
    const struct address_key *k = ctx;

    return t->process == k->p && t->wait_key == k->addr;
}

dormer_status_t sys_DmWaitOnAddress(const uint64_t *args)
{
    uint64_t addr = args[0], expected = args[1], size = args[2], value = 0;

    if ((size != 1 && size != 2 && size != 4 && size != 8) || (addr & (size - 1)))
        return STATUS_INVALID_PARAMETER;
    if (!uaccess_range_ok(uptr(addr), size))
        return STATUS_ACCESS_VIOLATION;
    uint64_t mask = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
    uint64_t flags = sched_lock_irq();
    /* Compare and sleep as one step under the lock: a waker must take it too. */
    if (copy_from_user(&value, uptr(addr), size) != 0) {
        sched_unlock_irq(flags);
        return STATUS_ACCESS_VIOLATION;
    }
    dormer_status_t st = STATUS_SUCCESS;
    if ((value & mask) == (expected & mask)) {
        thread_current()->wait_key = addr;
        int r = sched_block_on_locked(&address_queue, args[3]);
        thread_current()->wait_key = 0;
        st = r == K_ETIMEDOUT      ? STATUS_TIMEOUT
             : r == K_EINTR ? STATUS_PROCESS_IS_TERMINATING
                                    : STATUS_SUCCESS;
    }
    sched_unlock_irq(flags);
    return st;
}

dormer_status_t sys_DmWakeAddress(const uint64_t *args)
{
    struct address_key key = { process_current(), args[0] };

    if (!args[0])
        return STATUS_INVALID_PARAMETER;
    uint64_t flags = sched_lock_irq();
    sched_wake_matching_locked(&address_queue, same_address, &key, args[1] != 0);
    sched_unlock_irq(flags);
    return STATUS_SUCCESS;
}

struct process_list {
    struct dormer_process_info *buf;
    uint64_t room, total;
};

static void collect_process(struct process *p, void *ctx)
{
    struct process_list *l = ctx;

    if (l->total < l->room) {
        struct dormer_process_info *e = &l->buf[l->total];
        memset(e, 0, sizeof *e);
        e->pid = p->pid;
        e->parent_pid = p->parent_pid;
        e->threads = p->live_threads;
        e->resident_pages = p->space ? p->space->resident_pages : 0;
        e->state = p->exited ? DORMER_PROCESS_EXITED : DORMER_PROCESS_RUNNING;
        e->exit_status = p->exited ? p->exit_status : STATUS_PENDING;
        strlcpy(e->name, p->name, sizeof e->name);
    }
    l->total++;
}

dormer_status_t sys_DmQuerySystemProcesses(const uint64_t *args)
{
    uint64_t room = args[1] > 256 ? 256 : args[1];
    struct process_list l = { NULL, room, 0 };

    if (!uaccess_range_ok(uptr(args[0]), args[1] * sizeof *l.buf) || args[1] > (1u << 20) ||
        copy_to_user(uptr(args[2]), &l.total, sizeof l.total) != 0)
        return STATUS_ACCESS_VIOLATION;
    if (room && !(l.buf = kcalloc(room, sizeof *l.buf)))
        return STATUS_NO_MEMORY;
    process_for_each(collect_process, &l);
    uint64_t n = l.total < room ? l.total : room;
    int rc = n ? copy_to_user(uptr(args[0]), l.buf, n * sizeof *l.buf) : 0;
    kfree(l.buf);
    if (rc || copy_to_user(uptr(args[2]), &l.total, sizeof l.total) != 0)
        return STATUS_ACCESS_VIOLATION;
    return l.total > args[1] ? STATUS_INFO_LENGTH_MISMATCH : STATUS_SUCCESS;
}

#define TICK_100NS (10000000u / TIME_HZ)

/* A thread's or a process's times: the ticks of a process's threads, live and ended. */
dormer_status_t sys_DmQueryTimes(const uint64_t *args)
{
    struct dormer_times out = { 0 };
    struct kobject *obj = NULL;
    uint64_t user = 0, kernel = 0;

    if (args[1] > 1)
        return STATUS_INVALID_PARAMETER;
    if (args[1] == 0 && (obj = handle_lookup(process_current(), args[0], &thread_type))) {
        struct thread *t = (struct thread *)obj;
        uint64_t flags = sched_lock_irq();
        user = t->user_ticks;
        kernel = t->kernel_ticks;
        out.create = t->create_time;
        out.exit = t->state == THREAD_DEAD ? t->exit_time : 0;
        sched_unlock_irq(flags);
    } else if (args[1] == 1 && (obj = handle_lookup(process_current(), args[0], &process_type))) {
        struct process *p = (struct process *)obj;
        uint64_t flags = sched_lock_irq();
        user = p->ended_user_ticks;
        kernel = p->ended_kernel_ticks;
        struct list_node *n;
        list_for_each(n, &p->threads) {
            struct thread *t = list_entry(n, struct thread, proc_node);
            user += t->user_ticks;
            kernel += t->kernel_ticks;
        }
        out.create = p->create_time;
        out.exit = p->exited ? p->exit_time : 0;
        sched_unlock_irq(flags);
    } else {
        return STATUS_INVALID_HANDLE;
    }
    kobj_unref(obj);
    out.user = user * TICK_100NS;
    out.kernel = kernel * TICK_100NS;
    if (copy_to_user(uptr(args[2]), &out, sizeof out) != 0)
        return STATUS_ACCESS_VIOLATION;
    return STATUS_SUCCESS;
}
