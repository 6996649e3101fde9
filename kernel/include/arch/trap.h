/*
 * What the trap handlers ask the layers above, through hooks those layers install:
 * arch decodes a CPU exception and says what happened; mm resolves page faults; proc
 * decides what a user-mode fault means for the program (its status, its handlers) and
 * what happens on the way back to user mode. arch never calls upward by name.
 */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <abi/status.h>
#include <stdbool.h>
#include <stdint.h>

struct arch_regs;

/* What faulted in user mode, in arch's terms. */
enum arch_fault_kind {
    ARCH_FAULT_PAGE,           /* a page fault the page-fault hook did not resolve */
    ARCH_FAULT_DIVIDE,         /* integer divide by zero or overflow */
    ARCH_FAULT_BREAKPOINT,     /* int3 (regs' RIP points at it) */
    ARCH_FAULT_INVALID_OPCODE, /* an undefined instruction */
    ARCH_FAULT_PRIVILEGED,     /* an instruction user mode may not run */
    ARCH_FAULT_PROTECTION,     /* any other general-protection fault (a non-canonical
                                  address, a bad segment) */
    ARCH_FAULT_OTHER,          /* another exception: name says which */
};

/* The access of a page fault, as Windows' EXCEPTION_RECORD numbers it. */
enum arch_access { ARCH_ACCESS_READ = 0, ARCH_ACCESS_WRITE = 1, ARCH_ACCESS_EXEC = 8 };

struct arch_fault {
    enum arch_fault_kind kind;
    const char *name;       /* the CPU exception's name */
    int page_result;        /* ARCH_FAULT_PAGE: the page-fault hook's reason (non-zero) */
    uint64_t address;       /* ARCH_FAULT_PAGE: the address touched */
    enum arch_access access;/* ARCH_FAULT_PAGE */
};

struct arch_trap_hooks {
    /* mm: resolve a page fault at addr (present: the page is mapped but the access
     * is not allowed; user: taken in user mode). 0 when resolved, else a reason. */
    int (*page_fault)(uint64_t addr, enum arch_access access, bool present, bool user);
    /* mm: the text for a reason page_fault gave (kernel panics print it). */
    const char *(*page_fault_name)(int reason);
    /* mm: the kernel stack whose guard page holds addr: its name and range. */
    bool (*stack_guard)(uint64_t addr, const char **name, uint64_t *lo, uint64_t *hi);
    /* proc: a fault taken in user mode and not resolved. Ends the thread, or changes
     * regs to deliver the fault to the program, and returns. */
    void (*user_fault)(struct arch_regs *regs, const struct arch_fault *fault);
    /* proc: a trap is about to return (to_user: to user mode; irq: it was an
     * interrupt), with nothing locked. */
    void (*trap_exit)(bool to_user, bool irq);
};

/* Install hooks: each non-NULL field replaces the one installed (each layer sets its
 * own). Boot, before interrupts or user mode need them. */
void arch_trap_set_hooks(const struct arch_trap_hooks *hooks);

/* Whether the innermost trap being handled on this CPU interrupted user mode (false
 * outside any trap: a system call or a kernel thread). The scheduler's tick uses it to
 * count a thread's user and kernel time. */
bool arch_trap_from_user(void);

/*
 * System calls: the entry path calls fast[nr](args) directly for every number below
 * count (args: the four register arguments as an array; no entry may be NULL: calls
 * with more arguments, and unused numbers, get sys's general path, which finds the
 * frame with arch_syscall_frame and the number with arch_syscall_number), and invoke
 * for the numbers past the table (it fetches arguments 5-8 from regs). Both return
 * the 32-bit status for user mode. exit_work runs on the way back when the running thread
 * was killed or a switch is wanted (arch/percpu.h). sys installs these, at boot.
 */
struct arch_syscall_hooks {
    dormer_status_t (*const *fast)(const uint64_t *args);
    uint64_t count;
    dormer_status_t (*invoke)(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                       struct arch_regs *regs);
    void (*exit_work)(void);
};
void arch_syscall_set_hooks(const struct arch_syscall_hooks *hooks);

#endif /* ARCH_TRAP_H */
