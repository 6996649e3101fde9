/*
 * Windows CONTEXT <-> trap frame, for exception dispatch and Get/SetThreadContext. A
 * CONTEXT a program hands the kernel is checked whole by one routine before any of it
 * is used: a user RIP and RSP, the user selectors, only the flags ring 3 may hold, and
 * an MXCSR the CPU accepts. NtContinue refuses any fault; SetThreadContext sanitises
 * what Windows sanitises, and its caller turns a non-user RIP or RSP into a fault of
 * the thread, so the IRET that resumes a frame can never fault in the kernel.
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
    memset(ctx, 0, sizeof *ctx);
    ctx->context_flags = DORMER_CONTEXT_FULL | DORMER_CONTEXT_SEGMENTS;
    arch_regs_get_context(regs, NULL, ctx);
}

void arch_regs_get_context(const struct arch_regs *regs, const struct arch_fpu *saved,
                           struct dormer_context *ctx)
{
    const struct trap_frame *f = (const struct trap_frame *)regs;
    uint32_t flags = ctx->context_flags;
    uint64_t gpr[16];

    arch_regs_to_gpr(regs, gpr);
    if ((flags & DORMER_CONTEXT_CONTROL) == DORMER_CONTEXT_CONTROL) {
        ctx->seg_cs = GDT_USER_CODE | 3;
        ctx->seg_ss = GDT_USER_DATA | 3;
        ctx->eflags = (uint32_t)f->rflags;
        ctx->gpr[4] = gpr[4];
        ctx->rip = f->rip;
    }
    if ((flags & DORMER_CONTEXT_INTEGER) == DORMER_CONTEXT_INTEGER) {
        for (int i = 0; i < 16; i++)
            if (i != 4)
                ctx->gpr[i] = gpr[i];
    }
    if ((flags & DORMER_CONTEXT_SEGMENTS) == DORMER_CONTEXT_SEGMENTS)
        ctx->seg_ds = ctx->seg_es = ctx->seg_fs = ctx->seg_gs = GDT_USER_DATA | 3;
    if ((flags & DORMER_CONTEXT_FLOATING_POINT) == DORMER_CONTEXT_FLOATING_POINT) {
        struct arch_fpu live;
        if (!saved) {
            arch_fpu_save(&live);
            saved = &live;
        }
        memcpy(ctx->flt_save, saved->area, sizeof ctx->flt_save);
        memcpy(&ctx->mxcsr, saved->area + DORMER_FLT_SAVE_MXCSR, sizeof ctx->mxcsr);
    }
    if ((flags & DORMER_CONTEXT_DEBUG_REGISTERS) == DORMER_CONTEXT_DEBUG_REGISTERS)
        memset(ctx->dr, 0, sizeof ctx->dr); /* no hardware breakpoints are ever set */
}

/* Dr7's enable bits (L0-L3, G0-G3): a CONTEXT that sets one asks for a breakpoint. */
#define DR7_ENABLE_BITS 0xffu

unsigned arch_context_check(const struct dormer_context *ctx)
{
    uint32_t flags = ctx->context_flags;
    unsigned bad = 0;
    uint32_t mxcsr;

    if ((flags & DORMER_CONTEXT_AMD64) != DORMER_CONTEXT_AMD64)
        return ARCH_CONTEXT_BAD_FLAGS_WORD;
    if ((flags & DORMER_CONTEXT_CONTROL) == DORMER_CONTEXT_CONTROL) {
        if (ctx->rip >= USER_END || ctx->gpr[4] >= USER_END)
            bad |= ARCH_CONTEXT_BAD_PC;
        if (ctx->seg_cs != (GDT_USER_CODE | 3) || ctx->seg_ss != (GDT_USER_DATA | 3))
            bad |= ARCH_CONTEXT_BAD_SELECTOR;
        if (ctx->eflags & ~(RFLAGS_USER | RFLAGS_DROPPED | RFLAGS_FORCED))
            bad |= ARCH_CONTEXT_BAD_RFLAGS;
    }
    memcpy(&mxcsr, ctx->flt_save + DORMER_FLT_SAVE_MXCSR, sizeof mxcsr);
    if ((flags & DORMER_CONTEXT_FLOATING_POINT) == DORMER_CONTEXT_FLOATING_POINT &&
        (mxcsr & ~mxcsr_mask()))
        bad |= ARCH_CONTEXT_BAD_MXCSR;
    if ((flags & DORMER_CONTEXT_DEBUG_REGISTERS) == DORMER_CONTEXT_DEBUG_REGISTERS &&
        (ctx->dr[5] & DR7_ENABLE_BITS))
        bad |= ARCH_CONTEXT_BAD_DEBUG;
    return bad;
}

int arch_regs_load_context(struct arch_regs *regs, struct arch_fpu *saved,
                           const struct dormer_context *ctx, unsigned tolerated)
{
    struct trap_frame *f = (struct trap_frame *)regs;
    uint32_t flags = ctx->context_flags;
    unsigned bad = arch_context_check(ctx);

    if (bad & ~tolerated)
        return (bad & ARCH_CONTEXT_BAD_DEBUG) ? K_ENOSYS : K_EINVAL;

    /* Acceptable (or sanitised, for what the caller tolerates): apply. Selectors and
     * flags are forced to what user mode may hold, as Windows' context-to-frame
     * conversion does; segments other than CS and SS are not loaded on x64. */
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
        uint32_t mxcsr;
        memcpy(fpu.area, ctx->flt_save, sizeof fpu.area);
        memcpy(&mxcsr, fpu.area + DORMER_FLT_SAVE_MXCSR, sizeof mxcsr);
        mxcsr &= mxcsr_mask(); /* reserved bits cleared (Windows' sanitising) */
        memcpy(fpu.area + DORMER_FLT_SAVE_MXCSR, &mxcsr, sizeof mxcsr);
        if (saved)
            *saved = fpu;
        else
            arch_fpu_restore(&fpu);
    }
    f->vector = 0;
    f->error = 0;
    return 0;
}

bool arch_regs_user_resumable(const struct arch_regs *regs)
{
    const struct trap_frame *f = (const struct trap_frame *)regs;

    return f->rip < USER_END && f->rsp < USER_END;
}

void arch_regs_init_user(struct arch_regs *regs, uint64_t rip, uint64_t rsp, uint64_t arg)
{
    struct trap_frame *f = (struct trap_frame *)regs;

    memset(f, 0, sizeof *f);
    f->rip = rip;
    f->rsp = rsp;
    f->rcx = arg;
    f->rflags = RFLAGS_FORCED;
    f->cs = GDT_USER_CODE | 3;
    f->ss = GDT_USER_DATA | 3;
}

struct arch_regs *arch_user_frame(uint64_t kstack_top)
{
    return (struct arch_regs *)(uintptr_t)(kstack_top - sizeof(struct trap_frame));
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
