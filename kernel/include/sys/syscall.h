/*
 * The system-call layer: one handler per entry of abi/syscalls.def, all with the
 * same shape (the arguments, already fetched, in an array), and the one place
 * where kernel error codes become user-visible NTSTATUS values.
 */
#ifndef SYS_SYSCALL_H
#define SYS_SYSCALL_H

#include <abi/status.h>
#include <stdint.h>

struct arch_regs;

#define SYSCALL_MAX_ARGS 8

#define SYSCALL(num, name, nargs) dormer_status_t sys_##name(const uint64_t *args);
#include <abi/syscalls.def>
#undef SYSCALL

/* Run system call nr with the four register arguments; arguments 5-8 are fetched
 * from regs when the call has them. Interrupts enabled, on the thread's kernel stack.
 * Returns the status for user mode. */
dormer_status_t syscall_invoke(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                               struct arch_regs *regs);

/* For the arch entry's fast path: handlers by number (NULL for calls with more than
 * four arguments, which go through syscall_invoke), and how many numbers there are. */
typedef dormer_status_t (*syscall_fn_t)(const uint64_t *args);
extern const syscall_fn_t syscall_fast_table[];
extern const uint64_t syscall_count;

/* On the way back to user mode, when sched_exit_work_pending(): leave if killed,
 * switch if the slice is over. */
void syscall_exit_work(void);

struct dormer_kernel_counters;

/* The DORMER_INFO_KERNEL counters, after giving back cached kernel stacks, page tables
 * and empty slabs (so they count only what something holds). Thread context. */
void sys_kernel_counters(struct dormer_kernel_counters *out);

struct kobject;

/* A new handle to obj in the calling process (with that access and those HANDLE_*
 * attributes), stored at user address uout; closed again if the store faults. */
dormer_status_t sys_give_handle(struct kobject *obj, uint32_t access, uint32_t flags,
                                uint64_t uout);

/* K_E* (or 0) to the NTSTATUS a program sees. */
dormer_status_t status_from_errno(int err);

#endif
