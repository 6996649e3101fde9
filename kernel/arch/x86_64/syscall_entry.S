/*
 * SYSCALL entry. The CPU leaves the user RIP in RCX and RFLAGS in R11 and does not
 * switch stacks, so we swapgs, park the user RSP in per-CPU data, take the thread's
 * kernel stack and build the same struct trap_frame interrupts build. Return is
 * SYSRET when the frame still describes ordinary user state with a canonical RIP,
 * else IRET (SYSRET with a non-canonical RIP would fault in ring 0).
 */
#include "asm_macros.h"
#include "pc.h"
#include "percpu.h"

    .section .text.x86_syscall_entry, "ax"
    .global x86_syscall_entry
x86_syscall_entry:
    swapgs
    movq %rsp, %gs:PERCPU_USER_RSP
    movq %gs:PERCPU_KERNEL_RSP, %rsp
    pushq $(GDT_USER_DATA | 3)          /* ss */
    pushq %gs:PERCPU_USER_RSP           /* rsp */
    pushq %r11                          /* rflags */
    pushq $(GDT_USER_CODE | 3)          /* cs */
    pushq %rcx                          /* rip */
    pushq $0                            /* error */
    pushq $SYSCALL_FRAME_VECTOR         /* vector */
    SAVE_GPRS
    movq %rsp, %rdi
    pushq 136(%rsp)                     /* frame record: the user RIP, RBP */
    pushq %rbp
    movq %rsp, %rbp
    sti
    call syscall_dispatch
    cli
    addq $16, %rsp
    RESTORE_GPRS
    addq $16, %rsp                      /* vector, error */
    /* Now: rip, cs, rflags, rsp, ss. SYSRET only for plain 64-bit user frames. */
    cmpq $(GDT_USER_CODE | 3), 8(%rsp)
    jne 1f
    cmpq $(GDT_USER_DATA | 3), 32(%rsp)
    jne 1f
    movq (%rsp), %rcx
    movq %rcx, %r11
    sarq $47, %r11                      /* canonical user RIP: bits 63..47 all zero */
    jnz 1f
    movq 16(%rsp), %r11
    movq 24(%rsp), %rsp
    swapgs
    sysretq
1:  swapgs
    iretq

    .section .note.GNU-stack, "", @progbits
