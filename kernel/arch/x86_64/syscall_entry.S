/*
 * SYSCALL entry. The CPU leaves the user RIP in RCX and RFLAGS in R11 and does not
 * switch stacks, so we swapgs, park the user RSP in per-CPU data, take the thread's
 * kernel stack and build the struct trap_frame interrupts build, every register
 * saved, so another thread's Get/SetThreadContext finds the whole user state of a
 * thread blocked in a call (the return restores only what C code may clobber; the
 * rest come back through the full return when the frame was changed). A call with
 * no work on the way out returns straight through SYSRET (the frame is unchanged;
 * only its RIP is checked). Otherwise the return is SYSRET when the frame still
 * describes ordinary user state with a canonical RIP, else IRET (SYSRET with a
 * non-canonical RIP would fault in ring 0).
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
    /* The general registers, offsets as in struct trap_frame. The six the C code
     * preserves (rbx, rbp, r12-r15) are only stored: they reach user mode again in
     * their registers, untouched. */
    subq $120, %rsp
    movq %rax, 112(%rsp)
    movq %rbx, 104(%rsp)
    movq %rbp, 64(%rsp)
    movq %r12, 24(%rsp)
    movq %r13, 16(%rsp)
    movq %r14, 8(%rsp)
    movq %r15, (%rsp)
    movq %rcx, 96(%rsp)
    movq %rdx, 88(%rsp)
    movq %rsi, 80(%rsp)
    movq %rdi, 72(%rsp)
    movq %r8, 56(%rsp)
    movq %r9, 48(%rsp)
    movq %r10, 40(%rsp)
    movq %r11, 32(%rsp)
    pushq 136(%rsp)                     /* frame record: the user RIP, RBP */
    pushq %rbp
    movq %rsp, %rbp
    sti
    /* Every number below the count has a table entry (sys fills the calls with more
     * than four arguments, and unused numbers, with its general path). A handler
     * gets the four argument registers as an array on the stack: a copy, so a
     * SetThreadContext while the call blocks cannot change what it validated. */
    cmpq x86_syscall_count(%rip), %rax
    jae 5f
    movq x86_syscall_fast(%rip), %rcx
    pushq %r9
    pushq %r8
    pushq %rdx
    pushq %r10
    movq %rsp, %rdi
    call *(%rcx, %rax, 8)
    addq $32, %rsp
    movl %eax, %eax                     /* the NTSTATUS, zero-extended */
    /* Work on the way out (a switch wanted, or this thread killed)? */
    movq %gs:PERCPU_KILL_FLAG, %rcx
    movzbl %gs:PERCPU_NEED_RESCHED, %edx
    orb (%rcx), %dl
    jnz 7f
    /* No work: the frame is still the one built above, because whatever changes a
     * thread's frame (SetThreadContext, NtContinue, an exception) also gives it work
     * or leaves through arch_syscall_return_full. So CS and SS are the user's, and
     * only the RIP is checked (SYSRET to a non-canonical one faults in ring 0). */
    movq 16 + 136(%rsp), %rcx           /* the user RIP, above the frame record */
    movq %rcx, %r11
    sarq $47, %r11                      /* canonical user RIP: bits 63..47 all zero */
    jnz 8f
    cli
    popq %rbp                           /* the user's, from the frame record */
    movq 8 + 88(%rsp), %rdx
    movq 8 + 80(%rsp), %rsi
    movq 8 + 72(%rsp), %rdi
    movq 8 + 56(%rsp), %r8
    movq 8 + 48(%rsp), %r9
    movq 8 + 40(%rsp), %r10
    movq 8 + 152(%rsp), %r11            /* the user RFLAGS */
    movq 8 + 160(%rsp), %rsp            /* the user RSP */
    swapgs
    sysretq
7:  movq %rax, 16 + 112(%rsp)           /* the frame's rax, above the frame record */
    call *x86_syscall_exit_work(%rip)
    jmp 6f
8:  movq %rax, 16 + 112(%rsp)
    jmp 6f
5:  leaq 16(%rsp), %rdi                 /* the frame, below the frame record */
    call x86_syscall_dispatch
    /* The checked return, for a frame that may have changed. */
6:  cli
    popq %rbp                           /* the user's, from the frame record */
    addq $8, %rsp
    movq 112(%rsp), %rax
    movq 88(%rsp), %rdx
    movq 80(%rsp), %rsi
    movq 72(%rsp), %rdi
    movq 56(%rsp), %r8
    movq 48(%rsp), %r9
    movq 40(%rsp), %r10
    addq $136, %rsp                     /* the registers, vector, error */
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

/*
 * void arch_syscall_return_full(struct arch_regs *frame): leave a system call through
 * the interrupt return path, which reloads every register of the frame (NtContinue,
 * exception delivery, a changed context, a new thread), instead of SYSRET's partial
 * set. The frame is this thread's user frame at the top of its kernel stack;
 * everything below it is dropped.
 */
    .section .text.arch_syscall_return_full, "ax"
    .global arch_syscall_return_full
arch_syscall_return_full:
    cli
    movq %rdi, %rsp
    jmp isr_return

    .section .note.GNU-stack, "", @progbits
