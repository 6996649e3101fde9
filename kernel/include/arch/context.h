/*
 * Kernel threads' saved CPU state and the way into user mode. A thread that is not
 * running is just a saved stack pointer: arch_context_switch pushes the callee-saved
 * registers on the old thread's kernel stack and pops them from the new one's.
 */
#ifndef ARCH_CONTEXT_H
#define ARCH_CONTEXT_H

#include <stdbool.h>
#include <stdint.h>

struct arch_regs;

/* Save the current thread's state, storing its stack pointer in *save_sp, and
 * resume the thread whose stack pointer is next_sp. Interrupts off. Returns when
 * someone switches back. */
void arch_context_switch(uint64_t *save_sp, uint64_t next_sp);

/*
 * Prepare a new kernel stack (top = stack_top) so that the first switch to it
 * calls entry(arg), with interrupts still off; entry must never return. Returns the stack
 * pointer to switch to.
 */
uint64_t arch_context_init(uint64_t stack_top, void (*entry)(void *arg), void *arg);

/* Kernel stack top used when this CPU enters the kernel from user mode. */
void arch_set_kernel_stack(uint64_t top);

/* System-call frames. Arguments are numbered from 0; arguments 4-7 are read from the
 * user stack, so arch_syscall_arg can fail (returns K_EFAULT). */
int arch_syscall_arg(const struct arch_regs *regs, int index, uint64_t *value);

/* The number of the system call a system-call frame was made by (until the call
 * returns and the frame holds its status). */
uint64_t arch_syscall_number(const struct arch_regs *regs);

/* The general registers of a saved frame in x64 numbering (0 rax, 1 rcx, 2 rdx,
 * 3 rbx, 4 rsp, 5 rbp, 6 rsi, 7 rdi, 8-15 r8-r15), for unwinding user stacks. */
void arch_regs_to_gpr(const struct arch_regs *regs, uint64_t gpr[16]);


/* ---- exception dispatch (abi/exception.h) ---- */
struct dormer_context;

/* The interrupted user state of a full (trap) frame, with the live FPU/SSE registers,
 * as a Windows CONTEXT (CONTEXT_FULL | CONTEXT_SEGMENTS). */
void arch_regs_save_context(const struct arch_regs *regs, struct dormer_context *ctx);

/* The parts of a user frame that ctx->context_flags names, into ctx (other fields are
 * left alone). FPU/SSE state from saved (a thread that is not running), or the live
 * registers when saved is NULL (the calling thread). Debug registers read as zero. */
struct arch_fpu;
void arch_regs_get_context(const struct arch_regs *regs, const struct arch_fpu *saved,
                           struct dormer_context *ctx);

/* What arch_context_check finds wrong with a CONTEXT (bits; 0: it can be resumed). */
#define ARCH_CONTEXT_BAD_PC         0x01u /* RIP or RSP not in user space */
#define ARCH_CONTEXT_BAD_SELECTOR   0x02u /* CS or SS not the user selectors */
#define ARCH_CONTEXT_BAD_RFLAGS     0x04u /* IOPL, NT, VM, VIF, VIP or reserved bits */
#define ARCH_CONTEXT_BAD_MXCSR      0x08u /* reserved MXCSR bits */
#define ARCH_CONTEXT_BAD_DEBUG      0x10u /* a hardware breakpoint enabled in Dr7 */
#define ARCH_CONTEXT_BAD_FLAGS_WORD 0x20u /* ContextFlags lacks CONTEXT_AMD64 */

/* The one validation of a CONTEXT from user space: its parts that ContextFlags names. */
unsigned arch_context_check(const struct dormer_context *ctx);

/* Check a CONTEXT with arch_context_check and, unless it finds something outside
 * `tolerated`, load the parts its ContextFlags name into the frame, sanitised (user
 * selectors, flags ring 3 may hold, MXCSR's reserved bits clear); the FPU/SSE image goes
 * to *saved, or to the live registers when saved is NULL. K_EINVAL for what is not
 * tolerated (K_ENOSYS for an enabled hardware breakpoint: Dormer sets none). NtContinue
 * tolerates nothing; SetThreadContext tolerates what Windows sanitises, and a non-user
 * RIP or RSP (see arch_regs_user_resumable). */
int arch_regs_load_context(struct arch_regs *regs, struct arch_fpu *saved,
                           const struct dormer_context *ctx, unsigned tolerated);

/* Can IRET resume this user frame (RIP and RSP in user space)? A frame that cannot gets
 * an access violation instead of being resumed. */
bool arch_regs_user_resumable(const struct arch_regs *regs);

/* A fresh user frame: enter user mode at rip with stack rsp and the first argument in
 * rcx, every other register zero, interrupts on. */
void arch_regs_init_user(struct arch_regs *regs, uint64_t rip, uint64_t rsp, uint64_t arg);

/* The user frame of a thread whose kernel stack ends at kstack_top: every entry from
 * user mode (system call or interrupt) saves all user registers there, and a new user
 * thread's first frame is built there. Kernel code below it starts lower. */
struct arch_regs *arch_user_frame(uint64_t kstack_top);

/* Make the frame return to user mode at rip with stack rsp, rcx and rdx as given and
 * the non-volatile registers (RBX, RBP, RSI, RDI, R12-R15) kept; every other one zero. */
void arch_regs_enter_dispatcher(struct arch_regs *regs, uint64_t rip, uint64_t rsp,
                                uint64_t rcx, uint64_t rdx);

uintptr_t arch_regs_sp(const struct arch_regs *regs);

/* The current thread's system-call frame (valid inside a system call only). */
struct arch_regs *arch_syscall_frame(void);

/* Return to user mode through the current thread's user frame (arch_user_frame),
 * reloading every register of it: after NtContinue, an exception delivery, a changed
 * context, or a new thread's first entry. */
__attribute__((noreturn)) void arch_syscall_return_full(struct arch_regs *frame);

/* A thread's FPU/SSE registers (the kernel never uses them; user threads do). */
struct arch_fpu {
    uint8_t area[512];
} __attribute__((aligned(16)));

/* Save / load the current FPU/SSE state; give a new thread the clean start state. */
void arch_fpu_save(struct arch_fpu *fpu);
void arch_fpu_restore(const struct arch_fpu *fpu);
void arch_fpu_init_state(struct arch_fpu *fpu);

/* The GS base user mode sees (the thread's TEB) after the next return to it. */
void arch_set_user_gs_base(uint64_t base);

/* Set up SYSCALL/SYSRET and this CPU's kernel-entry data. Boot CPU, after gdt_init. */
void arch_syscall_init(void);

#endif
