/*
 * Memory probes that may fault. A fault at a labelled instruction is redirected
 * by the trap handler (through the __ex_table pairs: faulting address, fixup) to
 * code that returns K_EFAULT. arch_probe_exec instead arms a recovery stack
 * pointer, because the fault happens at the unknown target address.
 */
#include "asm_macros.h"
#define K_EFAULT (-14)


    .section .text.arch_probe_read, "ax"
    .global arch_probe_read
arch_probe_read:
1:  movq (%rdi), %rax
    movq %rax, (%rsi)
    xorl %eax, %eax
    ret
2:  movl $K_EFAULT, %eax
    ret
    EXTABLE 1b, 2b

    .section .text.arch_probe_write, "ax"
    .global arch_probe_write
arch_probe_write:
1:  movq %rsi, (%rdi)
    xorl %eax, %eax
    ret
2:  movl $K_EFAULT, %eax
    ret
    EXTABLE 1b, 2b

    .section .text.arch_probe_exec, "ax"
    .global arch_probe_exec, x86_probe_exec_fixup
arch_probe_exec:
    pushq %rbp
    movq %rsp, %rbp
    movq %rsp, x86_probe_exec_rsp(%rip)
    call *%rdi
    movq $0, x86_probe_exec_rsp(%rip)
    xorl %eax, %eax
    popq %rbp
    ret
x86_probe_exec_fixup:
    movq x86_probe_exec_rsp(%rip), %rsp
    movq $0, x86_probe_exec_rsp(%rip)
    movl $K_EFAULT, %eax
    popq %rbp
    ret

    .section .bss.x86_probe_exec_rsp, "aw", @nobits
    .balign 8
    .global x86_probe_exec_rsp
x86_probe_exec_rsp:
    .skip 8

    .section .note.GNU-stack, "", @progbits
