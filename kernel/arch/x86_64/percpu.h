/*
 * The x86-64 side of the per-CPU area (<arch/percpu.h>): the byte offsets the system-call
 * entry path uses, checked against the structure in syscall.c.
 */
#ifndef ARCH_X86_64_PERCPU_H
#define ARCH_X86_64_PERCPU_H

#define PERCPU_SELF       0
#define PERCPU_KERNEL_RSP 8  /* stack to switch to on SYSCALL */
#define PERCPU_USER_RSP   16 /* scratch: the user RSP during entry */

#define PERCPU_KILL_FLAG  32 /* const uint8_t *: the running thread's kill flag */
#define PERCPU_NEED_RESCHED 40

#ifndef __ASSEMBLER__
#include <abi/status.h>
#include <stdint.h>

#include <arch/percpu.h>

_Static_assert(__builtin_offsetof(struct percpu, self) == PERCPU_SELF, "asm");
_Static_assert(__builtin_offsetof(struct percpu, kernel_rsp) == PERCPU_KERNEL_RSP, "asm");
_Static_assert(__builtin_offsetof(struct percpu, user_rsp) == PERCPU_USER_RSP, "asm");
_Static_assert(__builtin_offsetof(struct percpu, kill_flag) == PERCPU_KILL_FLAG, "asm");
_Static_assert(__builtin_offsetof(struct percpu, need_resched) == PERCPU_NEED_RESCHED, "asm");

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

/* What the entry path calls, as sys installed it (arch_syscall_set_hooks). */
extern dormer_status_t (*const *x86_syscall_fast)(const uint64_t *args);
extern uint64_t x86_syscall_count;
extern void (*x86_syscall_exit_work)(void);
#endif

#endif
