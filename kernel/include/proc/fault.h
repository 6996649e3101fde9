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
    uint8_t access_code;    /*   EXCEPTION_RECORD.ExceptionInformation[0]: 0, 1, 8 */
    bool report_only;       /* never offered to the program's handlers */
};

/* Report and end the current process. Called by the trap handler on the faulting
 * thread's kernel stack, for a fault taken in user mode. */
__attribute__((noreturn)) void process_fault(const struct arch_regs *regs,
                                             const struct user_fault *fault);

/* A fault taken in user mode (trap handler, full frame): offered to the program's
 * exception dispatcher first (the frame is changed to enter it, and this returns);
 * without a dispatcher, or when the exception frame does not fit on the user stack,
 * reported and the process ended as process_fault does. */
void process_user_exception(struct arch_regs *regs, const struct user_fault *fault);

/* Push the exception frame (abi/exception.h) for rec and ctx on the user stack below
 * ctx's RSP and point regs at the process's dispatcher. False (nothing changed in
 * regs) without a dispatcher or if the stack cannot take the frame. */
struct dormer_exception_record;
struct dormer_context;
bool process_deliver_exception(struct arch_regs *regs, const struct dormer_exception_record *rec,
                               const struct dormer_context *ctx);

/* The report and exit for an exception no handler took (NtRaiseException, second
 * chance): the record names the exception, regs hold the CONTEXT it was raised in. */
__attribute__((noreturn)) void process_unhandled_exception(const struct arch_regs *regs,
                                                           const struct dormer_exception_record *rec);

/* Install proc's trap hooks (user faults, the way back to user mode). Boot, from
 * sched_init. */
void fault_init(void);

/*
 * How a fault report reads a process's images, from the loader (installed at
 * INIT_PROC; without it reports name images and offsets only). symbolize: the COFF
 * symbol at or below rva of img, as name and *off; 0 or nonzero (none). unwind_step:
 * one frame up from rip and gpr[16] (x64 numbering, 4 = rsp) with img's unwind data,
 * reading the stack through the user copy routines; 0 or nonzero (the walk ends).
 */
struct loaded_image;
struct fault_image_ops {
    int (*symbolize)(const struct loaded_image *img, uint32_t rva, char *name, size_t len,
                     uint32_t *off);
    int (*unwind_step)(const struct loaded_image *img, uint64_t *rip, uint64_t gpr[16]);
};
void fault_set_image_ops(const struct fault_image_ops *ops);

/* Print `  #N 0x... name+0xoff (image)` for a user address of the current process. */
void process_print_user_frame(int depth, uint64_t addr);

#endif
