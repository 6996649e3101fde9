/*
 * Suspending threads and reading or changing their user registers (SuspendThread,
 * ResumeThread, Get/SetThreadContext). A suspended thread stops on its way back to
 * user mode, where every entry from user mode has left its whole user state in its
 * user frame; a thread blocked in the kernel has it there too. So another thread's
 * context is read or written only while the target is parked or blocked, under
 * sched_lock (which keeps it so), and never while it runs user code.
 *
 * SMP: a target running user code on another CPU would get return_work set, an IPI
 * to enter the kernel, and the caller waits (as it waits here for a ready thread)
 * until the target is parked; the frame is then stable under sched_lock, as now.
 */
#include <abi/status.h>
#include <arch/context.h>
#include <arch/cpu.h>
#include <mm/kstack.h>
#include <proc/fault.h>
#include <proc/process.h>
#include <proc/sched.h>

#define THREAD_MAX_SUSPEND 127 /* MAXIMUM_SUSPEND_COUNT */

/* What SetThreadContext accepts and sanitises as Windows does: selectors and flags are
 * forced to user values, MXCSR's reserved bits cleared; a RIP or RSP outside user
 * space faults in the thread when it resumes. */
#define SET_TOLERATED (ARCH_CONTEXT_BAD_PC | ARCH_CONTEXT_BAD_SELECTOR | \
                       ARCH_CONTEXT_BAD_RFLAGS | ARCH_CONTEXT_BAD_MXCSR)

static bool ended_locked(const struct thread *t)
{
    return t->state == THREAD_DEAD || t->terminate;
}

int thread_suspend(struct thread *t, uint32_t *previous)
{
    uint64_t flags = sched_lock_irq();
    int rc = 0;

    if (ended_locked(t))
        rc = K_EPERM;
    else if (t->suspend_count >= THREAD_MAX_SUSPEND)
        rc = K_ERANGE;
    else {
        *previous = t->suspend_count++;
        t->return_work = 1;
    }
    sched_unlock_irq(flags);
    return rc;
}

int thread_resume(struct thread *t, uint32_t *previous)
{
    uint64_t flags = sched_lock_irq();

    *previous = t->suspend_count;
    if (t->suspend_count > 0 && --t->suspend_count == 0)
        kobj_wake_all_locked(&t->obj); /* the thread parked on its own object */
    sched_unlock_irq(flags);
    return 0;
}

bool thread_park_if_suspended(struct arch_regs *frame)
{
    struct thread *t = thread_current();

    if (!t->return_work || !t->process)
        return false;
    uint64_t flags = sched_lock_irq();
    if (t->suspend_count > 0 && !t->terminate) {
        t->parked = true;
        kobj_wake_all_locked(&t->obj); /* a thread_context waiting for this */
        while (t->suspend_count > 0 && !t->terminate)
            sched_block_on_locked(&t->obj, UINT64_MAX);
        t->parked = false;
    }
    bool changed = t->frame_changed;
    t->frame_changed = false;
    t->return_work = t->terminate;
    sched_unlock_irq(flags);

    thread_check_terminate();
    if (changed && !arch_regs_user_resumable(frame)) {
        /* What the CPU would raise on returning there: an access violation at RIP. */
        struct user_fault f = {
            .status = STATUS_ACCESS_VIOLATION,
            .what = "access violation (a context with a non-user RIP or RSP)",
            .has_address = true,
            .address = arch_regs_pc(frame),
            .access = "executing",
            .access_code = 8,
        };
        process_user_exception(frame, &f);
    }
    return changed;
}

/* Read or write the frame of a thread that is not running (sched_lock held). */
static int access_locked(struct thread *t, struct dormer_context *ctx, bool set)
{
    struct arch_regs *frame = arch_user_frame(t->kstack->hi);

    if (!set) {
        arch_regs_get_context(frame, &t->fpu, ctx);
        return 0;
    }
    int rc = arch_regs_load_context(frame, &t->fpu, ctx, SET_TOLERATED);
    if (rc == 0) {
        t->frame_changed = true;
        t->return_work = 1;
    }
    return rc;
}

/* Not running, nor about to run user code without passing its park point. */
static bool still_locked(const struct thread *t)
{
    return t->parked || t->state == THREAD_BLOCKED || t->state == THREAD_NEW;
}

int thread_context(struct thread *t, struct dormer_context *ctx, bool set)
{
    struct thread *self = thread_current();

    if (t == self) {
        /* The caller's own frame: the state at its system call. A changed one is
         * resumed through the full return (see syscall_exit_work). */
        struct arch_regs *frame = arch_syscall_frame();
        if (!set) {
            arch_regs_get_context(frame, NULL, ctx);
            return 0;
        }
        int rc = arch_regs_load_context(frame, NULL, ctx, SET_TOLERATED);
        if (rc == 0) {
            self->frame_changed = true;
            self->return_work = 1;
        }
        return rc;
    }

    uint64_t flags = sched_lock_irq();
    bool held = false;
    int rc = 0;

    if (ended_locked(t)) {
        rc = K_EPERM;
        goto out;
    }
    if (!still_locked(t)) {
        /* Ready (preempted in user mode or in the kernel): stop it at its park point
         * for the time of the access, as a SuspendThread/ResumeThread pair would. */
        t->suspend_count++;
        t->return_work = 1;
        held = true;
        while (!still_locked(t) && !ended_locked(t)) {
            if (sched_block_on_locked(&t->obj, UINT64_MAX) == K_EINTR) {
                rc = K_EINTR;
                goto out;
            }
        }
        if (ended_locked(t)) {
            rc = K_EPERM;
            goto out;
        }
    }
    rc = access_locked(t, ctx, set);
out:
    if (held && --t->suspend_count == 0)
        kobj_wake_all_locked(&t->obj);
    sched_unlock_irq(flags);
    return rc;
}
