/*
 * Windows CONTEXT <-> trap frame, for exception dispatch. A CONTEXT a program hands
 * the kernel (NtContinue, NtRaiseException) is checked whole before any of it is
 * used: a user RIP and RSP, the user selectors, only the flags ring 3 may hold, and
 * an MXCSR the CPU accepts, so the IRET that resumes it can never fault in the kernel.
 */
#include "pc.h"
#include "percpu.h"
#include "trap.h"
#include "x86.h"
#include <abi/exception.h>
#include <arch/context.h>
#include <arch/layout.h>
#include <lib/errno.h>
#include <lib/string.h>

/* RFLAGS bits a CONTEXT may carry: CF PF AF ZF SF DF OF and ID. TF, RF and AC are
 * dropped (no single-step or alignment-check support), IF and bit 1 are forced on;
 * anything else (IOPL, NT, VM, VIF, VIP) makes the CONTEXT invalid. */
#define RFLAGS_USER    0x00200cd5u
#define RFLAGS_DROPPED 0x00050100u
#define RFLAGS_FORCED  0x00000202u

static uint32_t mxcsr_mask(void)
{
    struct arch_fpu tmp;
    uint32_t mask;

    arch_fpu_save(&tmp);
    memcpy(&mask, tmp.area + 28, sizeof mask);
    return mask ? mask : 0xffbf;
}

void arch_regs_save_context(const struct arch_regs *regs, struct dormer_context *ctx)
{
    const struct trap_frame *f = (const struct trap_frame *)regs;
    struct arch_fpu fpu;

    memset(ctx, 0, sizeof *ctx);
    ctx->context_flags = DORMER_CONTEXT_FULL | DORMER_CONTEXT_SEGMENTS;
    ctx->seg_cs = GDT_USER_CODE | 3;
    ctx->seg_ds = ctx->seg_es = ctx->seg_ss = GDT_USER_DATA | 3;
    ctx->seg_fs = ctx->seg_gs = GDT_USER_DATA | 3;
    ctx->eflags = (uint32_t)f->rflags;
    arch_regs_to_gpr(regs, ctx->gpr);
    ctx->rip = f->rip;
    arch_fpu_save(&fpu);
    memcpy(ctx->flt_save, fpu.area, sizeof ctx->flt_save);
    memcpy(&ctx->mxcsr, fpu.area + DORMER_FLT_SAVE_MXCSR, sizeof ctx->mxcsr);
}

int arch_regs_load_context(struct arch_regs *regs, const struct dormer_context *ctx)
{
    struct trap_frame *f = (struct trap_frame *)regs;
    uint32_t flags = ctx->context_flags;
    uint32_t mxcsr;

    if ((flags & DORMER_CONTEXT_AMD64) != DORMER_CONTEXT_AMD64)
        return K_EINVAL;
    if ((flags & DORMER_CONTEXT_CONTROL) == DORMER_CONTEXT_CONTROL) {
        if (ctx->rip >= USER_END || ctx->gpr[4] >= USER_END)
            return K_EINVAL;
        if (ctx->seg_cs != (GDT_USER_CODE | 3) || ctx->seg_ss != (GDT_USER_DATA | 3))
            return K_EINVAL;
        if (ctx->eflags & ~(RFLAGS_USER | RFLAGS_DROPPED | RFLAGS_FORCED))
            return K_EINVAL;
    }
    memcpy(&mxcsr, ctx->flt_save + DORMER_FLT_SAVE_MXCSR, sizeof mxcsr);
    if ((flags & DORMER_CONTEXT_FLOATING_POINT) == DORMER_CONTEXT_FLOATING_POINT &&
        (mxcsr & ~mxcsr_mask()))
        return K_EINVAL;

    /* Valid: apply. */
    if ((flags & DORMER_CONTEXT_CONTROL) == DORMER_CONTEXT_CONTROL) {
        f->rip = ctx->rip;
        f->rsp = ctx->gpr[4];
        f->rflags = (ctx->eflags & RFLAGS_USER) | RFLAGS_FORCED;
        f->cs = GDT_USER_CODE | 3;
        f->ss = GDT_USER_DATA | 3;
    }
    if ((flags & DORMER_CONTEXT_INTEGER) == DORMER_CONTEXT_INTEGER) {
        const uint64_t *g = ctx->gpr;
        f->rax = g[0], f->rcx = g[1], f->rdx = g[2], f->rbx = g[3];
        f->rbp = g[5], f->rsi = g[6], f->rdi = g[7];
        f->r8 = g[8], f->r9 = g[9], f->r10 = g[10], f->r11 = g[11];
        f->r12 = g[12], f->r13 = g[13], f->r14 = g[14], f->r15 = g[15];
    }
    if ((flags & DORMER_CONTEXT_FLOATING_POINT) == DORMER_CONTEXT_FLOATING_POINT) {
        struct arch_fpu fpu;
        memcpy(fpu.area, ctx->flt_save, sizeof fpu.area);
        arch_fpu_restore(&fpu);
    }
    f->vector = 0;
    f->error = 0;
    return 0;
}

void arch_regs_enter_dispatcher(struct arch_regs *regs, uint64_t rip, uint64_t rsp,
                                uint64_t rcx, uint64_t rdx)
{
    struct trap_frame *f = (struct trap_frame *)regs;
    uint64_t rflags = (f->rflags & RFLAGS_USER) | RFLAGS_FORCED;
    /* The non-volatile registers stay as they were at the fault, as Windows leaves them:
     * an unwind from a handler to an __except block in the faulting frame gets them back
     * through the dispatcher's frames. */
    struct trap_frame keep = *f;

    memset(f, 0, sizeof *f);
    f->rbx = keep.rbx;
    f->rbp = keep.rbp;
    f->rsi = keep.rsi;
    f->rdi = keep.rdi;
    f->r12 = keep.r12;
    f->r13 = keep.r13;
    f->r14 = keep.r14;
    f->r15 = keep.r15;
    f->rip = rip;
    f->rsp = rsp;
    f->rcx = rcx;
    f->rdx = rdx;
    f->rflags = rflags & ~(1ull << 10); /* the ABI wants DF clear on entry */
    f->cs = GDT_USER_CODE | 3;
    f->ss = GDT_USER_DATA | 3;
}

uintptr_t arch_regs_sp(const struct arch_regs *regs)
{
    return ((const struct trap_frame *)regs)->rsp;
}
