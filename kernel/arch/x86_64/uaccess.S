/*
 * Copies that may touch user memory. stac opens SMAP for the one instruction
 * that needs it and popfq puts AC back as it was, so a copy inside a wider
 * user-access window (the loader's) does not close that window. A fault on the
 * copy resumes at the fixup (exception table), which reports the bytes left.
 */
#include "asm_macros.h"

/* size_t arch_copy_user(void *dst, const void *src, size_t len) */
    .section .text.arch_copy_user, "ax"
    .global arch_copy_user
arch_copy_user:
    pushfq
    movq %rdx, %rcx
    stac
1:  rep movsb
    popfq
    movq %rcx, %rax         /* 0: all copied */
    ret
2:  popfq
    movq %rcx, %rax         /* bytes left when the fault hit */
    ret
    EXTABLE 1b, 2b

/* size_t arch_clear_user(void *dst, size_t len) */
    .section .text.arch_clear_user, "ax"
    .global arch_clear_user
arch_clear_user:
    pushfq
    movq %rsi, %rcx
    xorl %eax, %eax
    stac
1:  rep stosb
    popfq
    movq %rcx, %rax
    ret
2:  popfq
    movq %rcx, %rax
    ret
    EXTABLE 1b, 2b

    .section .note.GNU-stack, "", @progbits
