/*
 * Copies that may touch user memory. stac opens SMAP for the one instruction
 * that needs it and popfq puts AC back as it was, so a copy inside a wider
 * user-access window (the loader's) does not close that window. A fault on the
 * copy resumes at the fixup (exception table), which reports the bytes left.
 */
#include "asm_macros.h"

/* size_t arch_copy_user(void *dst, const void *src, size_t len): quadwords, then the
 * tail; on a fault, the bytes left are the quadwords left * 8 plus the tail. */
    .section .text.arch_copy_user, "ax"
    .global arch_copy_user
arch_copy_user:
    pushfq
    movq %rdx, %rcx
    shrq $3, %rcx
    andl $7, %edx
    stac
1:  rep movsq
    movl %edx, %ecx
2:  rep movsb
    popfq
    movq %rcx, %rax         /* 0: all copied */
    ret
3:  leaq (%rdx, %rcx, 8), %rax
    popfq
    ret
4:  movq %rcx, %rax
    popfq
    ret
    EXTABLE 1b, 3b
    EXTABLE 2b, 4b

/* size_t arch_clear_user(void *dst, size_t len) */
    .section .text.arch_clear_user, "ax"
    .global arch_clear_user
arch_clear_user:
    pushfq
    movq %rsi, %rcx
    shrq $3, %rcx
    andl $7, %esi
    xorl %eax, %eax
    stac
1:  rep stosq
    movl %esi, %ecx
2:  rep stosb
    popfq
    movq %rcx, %rax
    ret
3:  leaq (%rsi, %rcx, 8), %rax
    popfq
    ret
4:  movq %rcx, %rax
    popfq
    ret
    EXTABLE 1b, 3b
    EXTABLE 2b, 4b

/* A quadword move `insn` with user access open, then `after` (kernel-only work);
 * returns 0, or 1 if the move faulted. */
    .macro USER_QUAD name, insn, after
    .section .text.\name, "ax"
    .global \name
\name:
    pushfq
    stac
1:  \insn
    popfq
    \after
    xorl %eax, %eax
    ret
2:  popfq
    movl $1, %eax
    ret
    EXTABLE 1b, 2b
    .endm

/* int arch_put_user_u64(uint64_t *dst, uint64_t value) and
 * int arch_get_user_u64(uint64_t *dst, const uint64_t *src): one quadword, the copy
 * routines' fast path for a count or a pointer. */
    USER_QUAD arch_put_user_u64, "movq %rsi, (%rdi)", ""
    USER_QUAD arch_get_user_u64, "movq (%rsi), %rsi", "movq %rsi, (%rdi)"

    .section .note.GNU-stack, "", @progbits
