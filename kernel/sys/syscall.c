/*
 * System-call dispatch. The table is generated from abi/syscalls.def, the same list
 * ntdll's stubs come from; an unknown number returns STATUS_INVALID_SYSTEM_SERVICE.
 * Arguments beyond the fourth come from the user stack through the copy routines,
 * so a bad stack pointer is an error return, not a crash.
 */
#include <arch/context.h>
#include <arch/trap.h>
#include <core/init.h>
#include <lib/errno.h>
#include <proc/process.h>
#include <proc/sched.h>
#include <sys/syscall.h>

struct syscall_entry {
    dormer_status_t (*fn)(const uint64_t *args);
    uint8_t nargs;
};

static const struct syscall_entry syscall_table[] = {
#define SYSCALL(num, name, n) [num] = { sys_##name, n },
#include <abi/syscalls.def>
#undef SYSCALL
};

#define SYSCALL_TABLE_SIZE (sizeof syscall_table / sizeof syscall_table[0])

static dormer_status_t general_call(const uint64_t *args);

/* The entry path's direct calls, by number: handlers of at most four arguments, and
 * general_call for every other number, so the entry calls through the table with no
 * test. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init" /* the range, then the calls */
static dormer_status_t (*const syscall_fast_table[SYSCALL_TABLE_SIZE])(const uint64_t *args) = {
    [0 ... SYSCALL_TABLE_SIZE - 1] = general_call,
#define SYSCALL(num, name, n) [num] = (n) <= 4 ? sys_##name : general_call,
#include <abi/syscalls.def>
#undef SYSCALL
};
#pragma GCC diagnostic pop

#define SYSCALL(num, name, n) _Static_assert((n) <= SYSCALL_MAX_ARGS, #name " has too many arguments");
#include <abi/syscalls.def>
#undef SYSCALL

/* Run system call nr with the four register arguments; arguments 5-8 are fetched
 * from regs when the call has them. Interrupts enabled, on the thread's kernel stack. */
static dormer_status_t syscall_invoke(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                               struct arch_regs *regs)
{
    uint64_t args[SYSCALL_MAX_ARGS] = { a0, a1, a2, a3 };

    if (nr >= SYSCALL_TABLE_SIZE || !syscall_table[nr].fn)
        return STATUS_INVALID_SYSTEM_SERVICE;
    for (int i = 4; i < syscall_table[nr].nargs; i++) {
        if (arch_syscall_arg(regs, i, &args[i]) != 0)
            return STATUS_ACCESS_VIOLATION;
    }
    return syscall_table[nr].fn(args);
}

/* A call with more than four arguments, or an unused number, through the fast table:
 * the number and arguments 5-8 come from the frame. */
static dormer_status_t general_call(const uint64_t *args)
{
    struct arch_regs *frame = arch_syscall_frame();

    return syscall_invoke(arch_syscall_number(frame), args[0], args[1], args[2], args[3], frame);
}

void syscall_exit_work(void)
{
    struct arch_regs *frame = arch_syscall_frame();

    thread_check_terminate();
    sched_preempt_point();
    /* A frame another thread's SetThreadContext changed (or the thread's own) is
     * resumed whole: SYSRET would lose RCX and R11, and the C code's copies of the
     * callee-saved registers are stale. */
    if (thread_park_if_suspended(frame))
        arch_syscall_return_full(frame);
}

void syscall_init(void)
{
    arch_syscall_set_hooks(&(struct arch_syscall_hooks){
        .fast = syscall_fast_table,
        .count = SYSCALL_TABLE_SIZE,
        .invoke = syscall_invoke,
        .exit_work = syscall_exit_work,
    });
}

dormer_status_t sys_give_handle(struct kobject *obj, uint32_t access, uint32_t flags,
                                uint64_t uout)
{
    struct process *p = process_current();
    uint64_t h = 0;
    int rc = handle_table_insert(&p->handles, obj, access, flags, &h);

    if (rc)
        return status_from_errno(rc);
    if (copy_to_user(uptr(uout), &h, sizeof h) != 0) {
        handle_close(p, h);
        return STATUS_ACCESS_VIOLATION;
    }
    return STATUS_SUCCESS;
}

dormer_status_t sys_get_object(uint64_t handle, const struct kobj_type *type, uint32_t need,
                               struct kobject **out)
{
    int rc = handle_get(process_current(), handle, type, need, out, NULL);

    return rc == K_EACCES ? STATUS_ACCESS_DENIED : rc ? STATUS_INVALID_HANDLE : STATUS_SUCCESS;
}

dormer_status_t status_from_errno(int err)
{
    switch (err) {
    case 0:
        return STATUS_SUCCESS;
    case K_EFAULT:
        return STATUS_ACCESS_VIOLATION;
    case K_ENOMEM:
        return STATUS_NO_MEMORY;
    case K_EEXIST:
        return STATUS_CONFLICTING_ADDRESSES;
    case K_EBADF:
        return STATUS_INVALID_HANDLE;
    case K_ENOENT:
        return STATUS_OBJECT_NAME_NOT_FOUND;
    case K_ENOEXEC:
        return STATUS_INVALID_IMAGE_FORMAT;
    case K_ENOSYS:
        return STATUS_NOT_IMPLEMENTED;
    case K_ENOSPC:
        return STATUS_INSUFFICIENT_RESOURCES;
    case K_ERANGE:
        return STATUS_BUFFER_TOO_SMALL;
    case K_ETIMEDOUT:
        return STATUS_TIMEOUT;
    case K_EPIPE:
        return STATUS_PIPE_BROKEN;
    case K_EINTR:
        return STATUS_PROCESS_IS_TERMINATING;
    case K_EACCES:
        return STATUS_ACCESS_DENIED;
    case K_EXDEV:
        return STATUS_NOT_SAME_DEVICE;
    case K_ENOTDIR:
        return STATUS_NOT_A_DIRECTORY;
    case K_EISDIR:
        return STATUS_FILE_IS_A_DIRECTORY;
    case K_ENOTEMPTY:
        return STATUS_DIRECTORY_NOT_EMPTY;
    case K_EROFS:
        return STATUS_MEDIA_WRITE_PROTECTED;
    case K_ENOPATH:
        return STATUS_OBJECT_PATH_NOT_FOUND;
    case K_EBADNAME:
        return STATUS_OBJECT_NAME_INVALID;
    case K_ESYNTAX:
        return STATUS_OBJECT_PATH_SYNTAX_BAD;
    case K_ECOLLIDE:
        return STATUS_OBJECT_NAME_COLLISION;
    case K_ESHARE:
        return STATUS_SHARING_VIOLATION;
    case K_EDELPEND:
        return STATUS_DELETE_PENDING;
    case K_ENODEL:
        return STATUS_CANNOT_DELETE;
    case K_EEOF:
        return STATUS_END_OF_FILE;
    case K_EFULL:
        return STATUS_DISK_FULL;
    case K_ECORRUPT:
        return STATUS_FILE_CORRUPT_ERROR;
    case K_EIO:
        return STATUS_IO_DEVICE_ERROR;
    case K_ENODLL:
        return STATUS_DLL_NOT_FOUND;
    case K_EMSGSIZE:
        return STATUS_BUFFER_OVERFLOW;
    case K_EADDRINUSE:
        return STATUS_ADDRESS_ALREADY_ASSOCIATED;
    case K_EADDRNOTAVAIL:
        return STATUS_INVALID_ADDRESS_COMPONENT;
    case K_ENETUNREACH:
        return STATUS_NETWORK_UNREACHABLE;
    case K_ECONNABORTED:
        return STATUS_CONNECTION_ABORTED;
    case K_ECONNRESET:
        return STATUS_CONNECTION_RESET;
    case K_EISCONN:
        return STATUS_CONNECTION_ACTIVE;
    case K_ENOTCONN:
        return STATUS_INVALID_CONNECTION;
    case K_ECONNREFUSED:
        return STATUS_CONNECTION_REFUSED;
    case K_EHOSTUNREACH:
        return STATUS_HOST_UNREACHABLE;
    case K_EWOULDBLOCK:
        return STATUS_CANT_WAIT;
    case K_ENETTIMEDOUT:
        return STATUS_IO_TIMEOUT;
    case K_ETYPE:
        return STATUS_OBJECT_TYPE_MISMATCH;
    case K_EINVAL:
    default:
        return STATUS_INVALID_PARAMETER;
    }
}

INIT_STEP(INIT_SYS, syscall_init);
