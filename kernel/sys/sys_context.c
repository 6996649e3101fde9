/*
 * NtSuspendThread, NtResumeThread, NtGetContextThread and NtSetContextThread: handle
 * and access checks, the CONTEXT copied in and out whole; proc/suspend.c stops the
 * thread and reads or writes its user frame.
 */
#include <abi/exception.h>
#include <abi/object.h>
#include <arch/uaccess.h>
#include <lib/errno.h>
#include <proc/process.h>
#include <sys/syscall.h>

static dormer_status_t get_thread(uint64_t handle, uint32_t need, struct thread **out)
{
    struct kobject *obj = NULL;
    dormer_status_t st = sys_get_object(handle, &thread_type, need, &obj);

    if (st == STATUS_SUCCESS)
        *out = (struct thread *)obj;
    return st;
}

static dormer_status_t suspend_op(const uint64_t *args, bool suspend)
{
    struct thread *t;
    uint32_t previous = 0;
    dormer_status_t st = get_thread(args[0], DORMER_THREAD_SUSPEND_RESUME, &t);

    if (st != STATUS_SUCCESS)
        return st;
    int rc = suspend ? thread_suspend(t, &previous) : thread_resume(t, &previous);
    kobj_unref(&t->obj);
    if (rc == K_ERANGE)
        return STATUS_SUSPEND_COUNT_EXCEEDED;
    if (rc)
        return STATUS_THREAD_IS_TERMINATING;
    /* Done whatever the pointer: Windows writes the count after acting, too. */
    if (args[1] && copy_to_user(uptr(args[1]), &previous, sizeof previous) != 0)
        return STATUS_ACCESS_VIOLATION;
    return STATUS_SUCCESS;
}

dormer_status_t sys_NtSuspendThread(const uint64_t *args)
{
    return suspend_op(args, true);
}

dormer_status_t sys_NtResumeThread(const uint64_t *args)
{
    return suspend_op(args, false);
}

static dormer_status_t context_op(const uint64_t *args, bool set)
{
    struct dormer_context ctx;
    struct thread *t;
    dormer_status_t st = get_thread(args[0], set ? DORMER_THREAD_SET_CONTEXT
                                                 : DORMER_THREAD_GET_CONTEXT, &t);

    if (st != STATUS_SUCCESS)
        return st;
    if (copy_from_user(&ctx, uptr(args[1]), sizeof ctx) != 0) {
        kobj_unref(&t->obj);
        return STATUS_ACCESS_VIOLATION;
    }
    int rc = K_EINVAL;
    if ((ctx.context_flags & DORMER_CONTEXT_AMD64) == DORMER_CONTEXT_AMD64)
        rc = thread_context(t, &ctx, set);
    kobj_unref(&t->obj);
    switch (rc) {
    case 0:
        break;
    case K_ENOSYS:
        return STATUS_NOT_SUPPORTED;
    case K_EPERM:
        return STATUS_THREAD_IS_TERMINATING;
    case K_EINTR:
        return STATUS_TERMINATED;
    default:
        return STATUS_INVALID_PARAMETER;
    }
    if (!set && copy_to_user(uptr(args[1]), &ctx, sizeof ctx) != 0)
        return STATUS_ACCESS_VIOLATION;
    return STATUS_SUCCESS;
}

dormer_status_t sys_NtGetContextThread(const uint64_t *args)
{
    return context_op(args, false);
}

dormer_status_t sys_NtSetContextThread(const uint64_t *args)
{
    return context_op(args, true);
}
