/*
 * User exceptions the Windows x64 way: a fault becomes an EXCEPTION_RECORD and a
 * CONTEXT pushed on the faulting thread's own stack, and the thread resumes in
 * ntdll's KiUserExceptionDispatcher, which runs the program's handlers and comes back
 * through NtContinue or NtRaiseException. Only when there is no dispatcher, the stack
 * cannot take the frame, or the dispatcher gives up (second chance) does the kernel
 * print its report and end the process (fault.c).
 */
#include <abi/exception.h>
#include <arch/context.h>
#include <arch/uaccess.h>
#include <lib/string.h>
#include <proc/fault.h>
#include <proc/process.h>

/* The machine frame at the top of the exception frame (what an interrupt pushes). */
struct machine_frame {
    uint64_t rip, cs, rflags, rsp, ss;
};

bool process_deliver_exception(struct arch_regs *regs, const struct dormer_exception_record *rec,
                               const struct dormer_context *ctx)
{
    struct process *p = process_current();
    uint64_t dispatcher = p->exception_dispatcher;
    uint64_t sp = ctx->gpr[4] & ~15ull;
    static const uint8_t zero_ex[DORMER_EXC_FRAME_RECORD - sizeof(struct dormer_context)];

    if (!dispatcher || sp < DORMER_EXC_FRAME_SIZE + 4096)
        return false;
    sp -= DORMER_EXC_FRAME_SIZE;
    struct machine_frame mf = {
        .rip = ctx->rip, .cs = ctx->seg_cs, .rflags = ctx->eflags, .rsp = ctx->gpr[4],
        .ss = ctx->seg_ss,
    };
    /* The lowest part first, so a stack that cannot grow fails before anything else. */
    if (copy_to_user(uptr(sp), ctx, sizeof *ctx) != 0 ||
        copy_to_user(uptr(sp + sizeof *ctx), zero_ex, sizeof zero_ex) != 0 ||
        copy_to_user(uptr(sp + DORMER_EXC_FRAME_RECORD), rec, sizeof *rec) != 0 ||
        copy_to_user(uptr(sp + DORMER_EXC_FRAME_MACHINE), &mf, sizeof mf) != 0)
        return false;
    arch_regs_enter_dispatcher(regs, dispatcher, sp, sp + DORMER_EXC_FRAME_RECORD, sp);
    return true;
}

void process_user_exception(struct arch_regs *regs, const struct user_fault *fault)
{
    struct dormer_exception_record rec;
    struct dormer_context ctx;

    if (fault->report_only || process_unimplemented_at(process_current(), fault->address))
        process_fault(regs, fault);
    memset(&rec, 0, sizeof rec);
    rec.code = (uint32_t)fault->status;
    rec.address = arch_regs_pc(regs);
    switch (fault->status) {
    case STATUS_ACCESS_VIOLATION:
    case STATUS_GUARD_PAGE_VIOLATION:
        rec.number_parameters = 2;
        rec.information[0] = fault->has_address ? fault->access_code : 0;
        rec.information[1] = fault->has_address ? fault->address : ~0ull;
        break;
    case STATUS_STACK_OVERFLOW:
        rec.number_parameters = 2;
        rec.information[0] = fault->access_code;
        rec.information[1] = fault->address;
        break;
    case STATUS_BREAKPOINT:
        rec.number_parameters = 1;
        break;
    default:
        break;
    }
    arch_regs_save_context(regs, &ctx);
    if (!process_deliver_exception(regs, &rec, &ctx))
        process_fault(regs, fault);
}

/* What the report calls an exception raised back to the kernel. */
static const char *exception_what(const struct dormer_exception_record *rec)
{
    switch ((dormer_status_t)rec->code) {
    case STATUS_ACCESS_VIOLATION:
        return rec->number_parameters >= 2 && rec->information[1] == ~0ull
                   ? "access violation (general protection: non-canonical address?)"
                   : "access violation";
    case STATUS_INTEGER_DIVIDE_BY_ZERO:
        return "integer divide by zero";
    case STATUS_BREAKPOINT:
        return "breakpoint";
    case STATUS_ILLEGAL_INSTRUCTION:
        return "illegal instruction";
    case STATUS_PRIVILEGED_INSTRUCTION:
        return "privileged instruction";
    case STATUS_STACK_OVERFLOW:
        return "stack overflow";
    case STATUS_GUARD_PAGE_VIOLATION:
        return "guard page violation";
    default:
        return "unhandled exception";
    }
}

void process_unhandled_exception(const struct arch_regs *regs,
                                 const struct dormer_exception_record *rec)
{
    struct user_fault f = {
        .status = (dormer_status_t)rec->code,
        .what = exception_what(rec),
        .report_only = true,
    };

    dormer_status_t code = (dormer_status_t)rec->code;

    if ((code == STATUS_ACCESS_VIOLATION || code == STATUS_GUARD_PAGE_VIOLATION ||
         code == STATUS_STACK_OVERFLOW) &&
        rec->number_parameters >= 2 && rec->information[1] != ~0ull) {
        f.has_address = true;
        f.address = rec->information[1];
        f.access = rec->information[0] == 8 ? "executing"
                   : rec->information[0] == 1 ? "writing" : "reading";
    }
    process_fault(regs, &f);
}
