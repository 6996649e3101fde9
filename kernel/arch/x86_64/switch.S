/*
 * Kernel thread switch, first run of a new thread, and the first entry into user
 * mode. The SysV ABI lets a callee clobber everything but rbx, rbp, r12-r15, so
 * those six are all a switch has to keep.
 */
#include "pc.h"

/* void arch_context_switch(uint64_t *save_sp, uint64_t next_sp) */
    .section .text.arch_context_switch, "ax"
    .global arch_context_switch
arch_context_switch:
    pushq %rbp
    movq %rsp, %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

/* First switch to a new thread lands here with entry in r12 and its argument in
 * r13 (placed by arch_context_init). Interrupts stay off: the scheduler lock is
 * still held, and entry releases it. */
    .section .text.x86_thread_trampoline, "ax"
    .global x86_thread_trampoline
x86_thread_trampoline:
    movq %r13, %rdi
    xorl %ebp, %ebp         /* the bottom of this thread's frame chain */
    call *%r12
    ud2                     /* entry must not return */

    .section .note.GNU-stack, "", @progbits
