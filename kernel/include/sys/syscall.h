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

/* On the way back to user mode when the thread was killed or a switch is wanted:
 * leave if killed, switch if the slice is over. */
void syscall_exit_work(void);

/* Install the system-call table and its slow path in arch's entry code
 * (arch/trap.h). Boot, once, before user mode. */
void syscall_init(void);

struct dormer_kernel_counters;

/* The DORMER_INFO_KERNEL counters, after giving back cached kernel stacks, page tables
 * and empty slabs (so they count only what something holds). Thread context. */
void sys_kernel_counters(struct dormer_kernel_counters *out);

struct kobject;

/* A new handle to obj in the calling process (with that access and those HANDLE_*
 * attributes), stored at user address uout; closed again if the store faults. */
dormer_status_t sys_give_handle(struct kobject *obj, uint32_t access, uint32_t flags,
                                uint64_t uout);

struct kobj_type;

/* The object the caller's handle names, referenced, of type (NULL: any) and with the
 * access in need: STATUS_INVALID_HANDLE for none or another type, STATUS_ACCESS_DENIED
 * when the handle lacks the access. */
dormer_status_t sys_get_object(uint64_t handle, const struct kobj_type *type, uint32_t need,
                               struct kobject **out);

/* K_E* (or 0) to the NTSTATUS a program sees. */
dormer_status_t status_from_errno(int err);

#endif
