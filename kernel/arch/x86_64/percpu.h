/*
 * Per-CPU data reached through GS while in the kernel (swapgs on every entry from
 * user mode). The syscall entry path uses the byte offsets, so they are fixed.
 */
#ifndef ARCH_X86_64_PERCPU_H
#define ARCH_X86_64_PERCPU_H

#define PERCPU_SELF       0
#define PERCPU_KERNEL_RSP 8  /* stack to switch to on SYSCALL */
#define PERCPU_USER_RSP   16 /* scratch: the user RSP during entry */

/* Byte offset of struct thread's `terminate` flag (checked in syscall.c). */
#define THREAD_TERMINATE_OFFSET 90

#ifndef __ASSEMBLER__
#include <stdint.h>

struct x86_percpu {
    uint64_t self;       /* 0 */
    uint64_t kernel_rsp; /* 8 */
    uint64_t user_rsp;   /* 16 */
};

_Static_assert(__builtin_offsetof(struct x86_percpu, kernel_rsp) == PERCPU_KERNEL_RSP, "asm");
_Static_assert(__builtin_offsetof(struct x86_percpu, user_rsp) == PERCPU_USER_RSP, "asm");

/* Set the kernel stack of the TSS (interrupts from user mode) as well. */
void x86_tss_set_rsp0(uint64_t rsp0);

struct trap_frame;

/* Entry points in assembly (syscall_entry.S, switch.S): the SYSCALL target, and
 * where a new thread's first switch lands. */
void x86_syscall_entry(void);
void x86_thread_trampoline(void);

/* The system-call slow path (calls with more than four arguments), from
 * syscall_entry.S with interrupts on. */
void x86_syscall_dispatch(struct trap_frame *f);
#endif

#endif
