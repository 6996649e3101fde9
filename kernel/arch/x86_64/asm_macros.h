/*
 * Assembler macros shared by the entry paths: the register save/restore order of
 * struct trap_frame (trap.h gives the byte offsets) and exception-table entries.
 * For .S files only.
 */
#ifndef ARCH_X86_64_ASM_MACROS_H
#define ARCH_X86_64_ASM_MACROS_H

/* Push the general registers so the stack matches struct trap_frame from r15 up. */
    .macro SAVE_GPRS
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    .endm

    .macro RESTORE_GPRS
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    .endm

/* A fault at instruction `from` resumes at `to` (see fixup_kernel_fault). */
    .macro EXTABLE from, to
    .pushsection __ex_table, "a"
    .balign 8
    .quad \from, \to
    .popsection
    .endm

#endif
