/*
 * x64 unwinding of one frame from its UNWIND_INFO (.xdata), the one copy shared by the
 * kernel's backtraces (tables read from the image file, loader/pe_unwind.c) and ntdll's
 * RtlVirtualUnwind (the mapped image). Image bytes and stack words come through
 * callbacks that check bounds, so damaged tables or stacks give an error, never a stray
 * read. Fixed-width types only: compiled for the kernel (LP64) and for user space (LLP64).
 */
#ifndef LIB_UNWIND_H
#define LIB_UNWIND_H

#include <stdint.h>

/* x64 unwind codes (UNWIND_CODE.UnwindOp) and UNWIND_INFO flags, as the PE format
 * defines them. */
#define UWOP_PUSH_NONVOL     0
#define UWOP_ALLOC_LARGE     1
#define UWOP_ALLOC_SMALL     2
#define UWOP_SET_FPREG       3
#define UWOP_SAVE_NONVOL     4
#define UWOP_SAVE_NONVOL_FAR 5
#define UWOP_SAVE_XMM128     8
#define UWOP_SAVE_XMM128_FAR 9
#define UWOP_PUSH_MACHFRAME  10
#define UNW_FLAG_EHANDLER    0x1
#define UNW_FLAG_UHANDLER    0x2
#define UNW_FLAG_CHAININFO   0x4

/* Errors of unwind_frame. */
#define UNWIND_BAD_INFO  (-1) /* malformed unwind data (or not in the image) */
#define UNWIND_BAD_STACK (-2) /* a stack word could not be read */

/* The registers one step works on: gpr[] by x64 number (0 rax, 4 rsp, 5 rbp, ... 15 r15),
 * and optionally XMM0-XMM15 (16 bytes each) for UWOP_SAVE_XMM128. */
struct unwind_regs {
    uint64_t rip;
    uint64_t gpr[16];
    uint8_t *xmm; /* 256 bytes, or NULL: XMM saves are skipped */
};

struct unwind_io {
    /* len bytes of the image at rva, or NULL when they are not all there. */
    const uint8_t *(*image)(void *ctx, uint64_t rva, uint64_t len);
    /* One 8-byte word of the stack at addr; nonzero when it cannot be read. */
    int (*stack)(void *ctx, uint64_t addr, uint64_t *value);
    void *ctx;
};

/* What one step learnt about the frame it left. */
struct unwind_frame {
    uint64_t establisher; /* the frame register's base if set up, else RSP in the frame */
    uint32_t handler;     /* RVA of the language handler of a type asked for, 0: none */
    uint32_t handler_data; /* RVA of the handler's data (after the handler's RVA) */
    uint32_t in_epilog;   /* 1: the PC was in an epilog, which was emulated */
};

/*
 * Unwinds r out of the function with RUNTIME_FUNCTION {begin, end, info} (image RVAs)
 * at PC pc_rva: on 0, r describes the caller (rip its return address, or a machine
 * frame's RIP; rsp and the saved registers restored). Inside the prolog only the part
 * that ran is undone; inside an epilog (add/lea rsp, pops, then ret or a jump out) the
 * epilog's remaining instructions are emulated, as Windows' RtlVirtualUnwind does.
 * handler_type (UNW_FLAG_EHANDLER/UHANDLER bits, or 0) picks which handler to name in
 * *out (never in a prolog or epilog). Chains of more than 8 entries are a loop. On error
 * (UNWIND_BAD_INFO, UNWIND_BAD_STACK) r is unchanged. Pure, no allocation.
 */
int unwind_frame(const struct unwind_io *io, uint32_t begin, uint32_t end, uint32_t info,
                 uint32_t pc_rva, unsigned handler_type, struct unwind_regs *r,
                 struct unwind_frame *out);

#endif
