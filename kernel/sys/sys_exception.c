/*
 * NtContinue, NtRaiseException and the dispatcher's registration. Each copies the
 * CONTEXT (and record) in and has it checked whole by the arch code before the
 * system-call frame changes; a CONTEXT that cannot be resumed ends the process with a
 * report, as Windows ends it (never the kernel). Success leaves through the full
 * register return path, not through the system call's ordinary return.
 */
#include <abi/exception.h>
#include <arch/context.h>
#include <arch/layout.h>
#include <arch/uaccess.h>
#include <core/printk.h>
#include <proc/fault.h>
#include <proc/process.h>
#include <proc/sched.h>
#include <sys/syscall.h>

/* The frame is now what user mode resumes: do the exit work, then leave. */
static __attribute__((noreturn)) void resume(struct arch_regs *frame)
{
    syscall_exit_work();
    arch_syscall_return_full(frame);
}

static __attribute__((noreturn)) void bad_context(struct arch_regs *frame, const char *call)
{
    struct user_fault f = {
        .status = STATUS_INVALID_PARAMETER,
        .what = "invalid CONTEXT",
        .report_only = true,
    };

    kprintf("\n%s: %s was given a CONTEXT that cannot be resumed\n", process_current()->name,
            call);
    process_fault(frame, &f);
}

dormer_status_t sys_NtContinue(const uint64_t *args)
{
    struct dormer_context ctx;
    struct arch_regs *frame = arch_syscall_frame();

    if (copy_from_user(&ctx, uptr(args[0]), sizeof ctx) != 0)
        return STATUS_ACCESS_VIOLATION;
    if (arch_regs_load_context(frame, NULL, &ctx, 0) != 0)
        bad_context(frame, "NtContinue");
    resume(frame);
}

dormer_status_t sys_NtRaiseException(const uint64_t *args)
{
    struct dormer_exception_record rec;
    struct dormer_context ctx;
    struct arch_regs *frame = arch_syscall_frame();

    if (copy_from_user(&rec, uptr(args[0]), sizeof rec) != 0 ||
        copy_from_user(&ctx, uptr(args[1]), sizeof ctx) != 0)
        return STATUS_ACCESS_VIOLATION;
    if (rec.number_parameters > DORMER_EXCEPTION_MAXIMUM_PARAMETERS)
        return STATUS_INVALID_PARAMETER;
    ctx.context_flags |= DORMER_CONTEXT_FULL;
    if (arch_regs_load_context(frame, NULL, &ctx, 0) != 0)
        bad_context(frame, "NtRaiseException");
    if (!args[2])
        process_unhandled_exception(frame, &rec);
    if (!process_deliver_exception(frame, &rec, &ctx))
        process_unhandled_exception(frame, &rec);
    resume(frame);
}

dormer_status_t sys_DmSetExceptionDispatcher(const uint64_t *args)
{
    if (args[0] >= USER_END)
        return STATUS_INVALID_PARAMETER;
    process_current()->exception_dispatcher = args[0];
    return STATUS_SUCCESS;
}
