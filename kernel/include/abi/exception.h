/*
 * Exception dispatch ABI: Windows x64's CONTEXT and EXCEPTION_RECORD (the layouts of
 * winnt.h, pinned by offset checks), and the frame the kernel builds on the user stack
 * before it enters ntdll's KiUserExceptionDispatcher (see docs/exceptions.md).
 */
#ifndef ABI_EXCEPTION_H
#define ABI_EXCEPTION_H

#include <stdint.h>

/* CONTEXT.ContextFlags (CONTEXT_AMD64 | part). */
#define DORMER_CONTEXT_AMD64           0x00100000u
#define DORMER_CONTEXT_CONTROL         (DORMER_CONTEXT_AMD64 | 0x01u)
#define DORMER_CONTEXT_INTEGER         (DORMER_CONTEXT_AMD64 | 0x02u)
#define DORMER_CONTEXT_SEGMENTS        (DORMER_CONTEXT_AMD64 | 0x04u)
#define DORMER_CONTEXT_FLOATING_POINT  (DORMER_CONTEXT_AMD64 | 0x08u)
#define DORMER_CONTEXT_DEBUG_REGISTERS (DORMER_CONTEXT_AMD64 | 0x10u)
#define DORMER_CONTEXT_FULL            (DORMER_CONTEXT_AMD64 | 0x0bu)

/* EXCEPTION_RECORD.ExceptionFlags. */
#define DORMER_EXCEPTION_NONCONTINUABLE 0x01u
#define DORMER_EXCEPTION_UNWINDING      0x02u
#define DORMER_EXCEPTION_EXIT_UNWIND    0x04u
#define DORMER_EXCEPTION_STACK_INVALID  0x08u
#define DORMER_EXCEPTION_NESTED_CALL    0x10u
#define DORMER_EXCEPTION_TARGET_UNWIND  0x20u
#define DORMER_EXCEPTION_COLLIDED_UNWIND 0x40u
#define DORMER_EXCEPTION_MAXIMUM_PARAMETERS 15

/*
 * CONTEXT (0x4d0 bytes, 16-byte aligned). The sixteen general registers from Rax
 * are in x64 register-number order (rax rcx rdx rbx rsp rbp rsi rdi r8-r15), so
 * &Rax can be used as an array indexed by register number.
 */
struct dormer_context {
    uint64_t home[6];           /* 0x000 P1Home..P6Home */
    uint32_t context_flags;     /* 0x030 */
    uint32_t mxcsr;             /* 0x034 */
    uint16_t seg_cs, seg_ds, seg_es, seg_fs, seg_gs, seg_ss; /* 0x038 */
    uint32_t eflags;            /* 0x044 */
    uint64_t dr[6];             /* 0x048 Dr0-Dr3, Dr6, Dr7 */
    uint64_t gpr[16];           /* 0x078 Rax..R15 */
    uint64_t rip;               /* 0x0f8 */
    uint8_t flt_save[512];      /* 0x100 XMM_SAVE_AREA32 (the fxsave image) */
    uint8_t vector_register[26 * 16]; /* 0x300 */
    uint64_t vector_control;    /* 0x4a0 */
    uint64_t debug_control;     /* 0x4a8 */
    uint64_t last_branch_to_rip, last_branch_from_rip;        /* 0x4b0 */
    uint64_t last_exception_to_rip, last_exception_from_rip;  /* 0x4c0 */
} __attribute__((aligned(16)));

_Static_assert(sizeof(struct dormer_context) == 0x4d0, "CONTEXT size");
_Static_assert(__builtin_offsetof(struct dormer_context, context_flags) == 0x30, "CONTEXT");
_Static_assert(__builtin_offsetof(struct dormer_context, eflags) == 0x44, "CONTEXT");
_Static_assert(__builtin_offsetof(struct dormer_context, gpr) == 0x78, "CONTEXT");
_Static_assert(__builtin_offsetof(struct dormer_context, rip) == 0xf8, "CONTEXT");
_Static_assert(__builtin_offsetof(struct dormer_context, flt_save) == 0x100, "CONTEXT");

/* XMM_SAVE_AREA32.MxCsr inside flt_save. */
#define DORMER_FLT_SAVE_MXCSR 24

/* EXCEPTION_RECORD (64-bit form, 0x98 bytes). */
struct dormer_exception_record {
    uint32_t code;              /* 0x00 */
    uint32_t flags;             /* 0x04 */
    uint64_t record;            /* 0x08 nested EXCEPTION_RECORD * */
    uint64_t address;           /* 0x10 */
    uint32_t number_parameters; /* 0x18 */
    uint32_t pad;
    uint64_t information[DORMER_EXCEPTION_MAXIMUM_PARAMETERS]; /* 0x20 */
};

_Static_assert(sizeof(struct dormer_exception_record) == 0x98, "EXCEPTION_RECORD size");

/*
 * What the kernel pushes below the interrupted RSP (rounded down to 16) before it
 * enters KiUserExceptionDispatcher with RSP pointing at the CONTEXT (Windows' layout,
 * the one Wine documents too):
 *   +0x000 CONTEXT            the interrupted state
 *   +0x4d0 CONTEXT_EX         zeroed (no extended state)
 *   +0x4f0 EXCEPTION_RECORD
 *   +0x590 machine frame      RIP, CS, RFLAGS, RSP, SS of the interrupted code, so
 *                             the dispatcher's unwind info (PUSH_MACHFRAME) unwinds
 *                             through this frame to the faulting one
 *   +0x5c0                    end (at or below the interrupted RSP)
 */
#define DORMER_EXC_FRAME_RECORD   0x4f0
#define DORMER_EXC_FRAME_MACHINE  0x590
#define DORMER_EXC_FRAME_SIZE     0x5c0

#endif
