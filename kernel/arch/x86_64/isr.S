/*
 * Interrupt and exception entry stubs. Every vector gets a stub that makes the
 * stack look the same (a dummy error code where the CPU pushes none, then the
 * vector number), so one common path saves registers into a struct trap_frame.
 */
#include "asm_macros.h"
#define ISR_HAS_ERROR(n) ((n) == 8 || ((n) >= 10 && (n) <= 14) || (n) == 17 || (n) == 21 || (n) == 29 || (n) == 30)

    .section .text.isr_stubs, "ax"
    .balign 16
isr_stubs:
    .set vec, 0
    .rept 256
    .balign 16
    .if !ISR_HAS_ERROR(vec)
    pushq $0
    .endif
    pushq $vec
    jmp isr_common
    .set vec, vec + 1
    .endr

    .section .text.isr_common, "ax"
    .global isr_common
isr_common:
    /* From user mode? Then GS must become the kernel's (CS is at 24 bytes up). */
    testb $3, 24(%rsp)
    jz 1f
    swapgs
1:  SAVE_GPRS
    cld
    movq %rsp, %rdi
    /* A frame record (return address = interrupted RIP, saved RBP) so a backtrace
     * taken inside the handler continues into the interrupted code. */
    pushq 136(%rsp)
    pushq %rbp
    movq %rsp, %rbp
    call trap_dispatch
    addq $16, %rsp
    .global isr_return
isr_return:
    RESTORE_GPRS
    addq $16, %rsp
    testb $3, 8(%rsp)
    jz 2f
    swapgs
2:  iretq

    .section .rodata.isr_stub_table, "a"
    .balign 8
    .global isr_stub_table
isr_stub_table:
    .set vec, 0
    .rept 256
    .quad isr_stubs + vec * 16
    .set vec, vec + 1
    .endr

    .section .note.GNU-stack, "", @progbits
