/* RtlVirtualUnwind with the PC at every instruction of a function: in the prolog only
 * what ran is undone, in the body the whole prolog, and inside an epilog (add rsp,
 * pops, ret; and lea rsp from the frame pointer, pops, ret) the rest of the
 * epilog is emulated, as Windows does, so RSP and the saved registers come out right
 * at each point. The function is assembly (its unwind data from .seh directives); the
 * stack is a buffer on the thread's stack laid out as the function would have left it
 * at each point. */
#include <windows.h>
#include <stdio.h>

void epi_plain(void);
void epi_plain_body(void);
void epi_plain_epilog(void);
void epi_plain_after_add(void);
void epi_plain_after_pop(void);
void epi_fp(void);
void epi_fp_epilog(void);
void epi_fp_after_lea(void);
void epi_fp_after_pop(void);

/* epi_plain: push rbx; sub rsp, 32 | body | add rsp, 32; pop rbx; ret
 * epi_fp: push rbp; push rsi; mov rbp, rsp (frame rbp+0); sub rsp, 48 | body |
 *         lea rsp, [rbp]; pop rsi; pop rbp; ret */
__asm__(
    "    .text\n"
    "    .globl epi_plain, epi_plain_body, epi_plain_epilog, epi_plain_after_add, epi_plain_after_pop\n"
    "epi_plain:\n"
    "    .seh_proc epi_plain\n"
    "    pushq %rbx\n"
    "    .seh_pushreg %rbx\n"
    "    subq $32, %rsp\n"
    "    .seh_stackalloc 32\n"
    "    .seh_endprologue\n"
    "epi_plain_body:\n"
    "    nop\n"
    "epi_plain_epilog:\n"
    "    addq $32, %rsp\n"
    "epi_plain_after_add:\n"
    "    popq %rbx\n"
    "epi_plain_after_pop:\n"
    "    ret\n"
    "    .seh_endproc\n"
    "    .globl epi_fp, epi_fp_epilog, epi_fp_after_lea, epi_fp_after_pop\n"
    "epi_fp:\n"
    "    .seh_proc epi_fp\n"
    "    pushq %rbp\n"
    "    .seh_pushreg %rbp\n"
    "    pushq %rsi\n"
    "    .seh_pushreg %rsi\n"
    "    movq %rsp, %rbp\n"
    "    .seh_setframe %rbp, 0\n"
    "    subq $48, %rsp\n"
    "    .seh_stackalloc 48\n"
    "    .seh_endprologue\n"
    "    nop\n"
    "epi_fp_epilog:\n"
    "    leaq 0(%rbp), %rsp\n"
    "epi_fp_after_lea:\n"
    "    popq %rsi\n"
    "epi_fp_after_pop:\n"
    "    popq %rbp\n"
    "    ret\n"
    "    .seh_endproc\n");

static ULONG64 *stack_buf; /* on this thread's stack, as a real frame would be */

static void unwind_at(const char *what, void *pc, int rsp_slot, ULONG64 rbp)
{
    CONTEXT ctx;
    ULONG64 base = 0, frame = 0;
    void *data = NULL;

    memset(&ctx, 0, sizeof ctx);
    ctx.Rip = (ULONG64)pc;
    ctx.Rsp = (ULONG64)&stack_buf[rsp_slot];
    ctx.Rbp = rbp;
    ctx.Rbx = 0xbbbb;
    ctx.Rsi = 0x5151;
    PRUNTIME_FUNCTION fn = RtlLookupFunctionEntry(ctx.Rip, &base, NULL);
    if (!fn) {
        printf("%-22s no function entry\n", what);
        return;
    }
    RtlVirtualUnwind(UNW_FLAG_NHANDLER, base, ctx.Rip, fn, &ctx, &data, &frame, NULL);
    printf("%-22s rip %llx rsp slot %d rbx %llx rbp %s rsi %llx\n", what,
           (unsigned long long)ctx.Rip, (int)((ctx.Rsp - (ULONG64)stack_buf) / 8),
           (unsigned long long)ctx.Rbx,
           ctx.Rbp == (ULONG64)&stack_buf[40] ? "slot 40" : ctx.Rbp == 0x7777 ? "7777" : "other",
           (unsigned long long)ctx.Rsi);
}

int main(void)
{
    ULONG64 buf[64] = { 0 };

    stack_buf = buf;
    /* epi_plain's frame at body: slots 20..23 the allocation, 24 saved rbx, 25 return. */
    stack_buf[24] = 0x1234;
    stack_buf[25] = 0xca11e2;
    unwind_at("plain: entry", (void *)epi_plain, 25, 0);
    unwind_at("plain: after push", (char *)epi_plain + 1, 24, 0);
    unwind_at("plain: body", (void *)epi_plain_body, 20, 0);
    unwind_at("plain: epilog", (void *)epi_plain_epilog, 20, 0);
    unwind_at("plain: after add", (void *)epi_plain_after_add, 24, 0);
    unwind_at("plain: at ret", (void *)epi_plain_after_pop, 25, 0);

    /* epi_fp: slot 40 saved rsi, 41 saved rbp, 42 return; rbp = &slot 40; rsp 34. */
    stack_buf[40] = 0x5e5e;
    stack_buf[41] = 0x7777;
    stack_buf[42] = 0xca11e3;
    ULONG64 fp = (ULONG64)&stack_buf[40];
    unwind_at("fp: body", (char *)epi_fp_epilog - 1, 34, fp);
    unwind_at("fp: epilog", (void *)epi_fp_epilog, 34, fp);
    unwind_at("fp: after lea", (void *)epi_fp_after_lea, 40, fp);
    unwind_at("fp: after pop rsi", (void *)epi_fp_after_pop, 41, fp);
    return 0;
}
