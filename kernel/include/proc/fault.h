/*
 * What happens when a user program faults: the process is killed with a Windows
 * exception code as its exit status, after a report naming the program, the
 * exception, the address and access, the registers, and a backtrace resolved
 * through the program's own symbols. The kernel and other processes go on.
 */
#ifndef PROC_FAULT_H
#define PROC_FAULT_H

#include <abi/status.h>
#include <stdbool.h>
#include <stdint.h>

struct arch_regs;

struct user_fault {
    dormer_status_t status; /* exit status: STATUS_ACCESS_VIOLATION, ... */
    const char *what;       /* "access violation", "illegal instruction", ... */
    bool has_address;       /* memory faults: */
    uint64_t address;       /*   the address touched */
    const char *access;     /*   "reading", "writing", "executing" */
};

/* Report and end the current process. Called by the trap handler on the faulting
 * thread's kernel stack, for a fault taken in user mode. */
__attribute__((noreturn)) void process_fault(const struct arch_regs *regs,
                                             const struct user_fault *fault);

/* Print `  #N 0x... name+0xoff (image)` for a user address of the current process. */
void process_print_user_frame(int depth, uint64_t addr);

#endif
