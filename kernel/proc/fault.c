/*
 * User fault reports. Everything here reads user memory only through the copy
 * routines (the stack may be garbage) and allocates nothing; symbols come from the
 * image files in the boot file system, not from the process's memory, so a
 * program cannot lie its way into the kernel's report.
 */
#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/trap.h>
#include <arch/uaccess.h>
#include <core/printk.h>
#include <lib/fmt.h>
#include <mm/vmm.h>
#include <proc/fault.h>
#include <proc/process.h>
#include <proc/sched.h>

static const struct fault_image_ops *image_ops; /* the loader's */

void fault_set_image_ops(const struct fault_image_ops *ops)
{
    image_ops = ops;
}

#define USER_BACKTRACE_DEPTH 16

/* "name+0xoff (image)" for a user address; return addresses are looked up at the
 * byte before, which belongs to the call. */
static void format_user_address(char *buf, size_t len, uint64_t addr, bool is_return)
{
    struct process *p = process_current();

    /* Counted as a reader: an image unloaded meanwhile keeps its file (see loader.c). */
    __atomic_add_fetch(&p->image_readers, 1, __ATOMIC_SEQ_CST);
    struct loaded_image copy;
    const struct loaded_image *img = process_image_at(p, addr, &copy) ? &copy : NULL;
    char name[96];
    uint32_t off;

    if (!img) {
        fmt_snprintf(buf, len, "?");
        __atomic_sub_fetch(&p->image_readers, 1, __ATOMIC_SEQ_CST);
        return;
    }
    uint32_t rva = (uint32_t)(addr - img->base);
    uint32_t lookup = is_return && rva > 0 ? rva - 1 : rva;
    if (image_ops && image_ops->symbolize(img, lookup, name, sizeof name, &off) == 0)
        fmt_snprintf(buf, len, "%s+0x%x (%s)", name, off + (rva - lookup), img->name);
    else
        fmt_snprintf(buf, len, "%s+0x%x", img->name, rva);
    __atomic_sub_fetch(&p->image_readers, 1, __ATOMIC_SEQ_CST);
}

void process_print_user_frame(int depth, uint64_t addr)
{
    char where[160];

    format_user_address(where, sizeof where, addr, depth > 0);
    kprintf("  #%d 0x%016llx %s\n", depth, (unsigned long long)addr, where);
}

static int read_user_u64(uint64_t addr, uint64_t *value)
{
    return copy_from_user(value, uptr(addr), sizeof *value);
}

/* Unwind the user stack with each image's own unwind tables (code built without
 * frame pointers included). Every read goes through the copy routines, so a
 * corrupt stack just ends the walk. */
static void print_user_backtrace(const struct arch_regs *regs)
{
    struct process *p = process_current();
    struct { uint64_t rip, gpr[16]; } r;

    __atomic_add_fetch(&p->image_readers, 1, __ATOMIC_SEQ_CST);
    r.rip = arch_regs_pc(regs);
    arch_regs_to_gpr(regs, r.gpr);
    kprintf("User backtrace:\n");
    for (int depth = 0; depth < USER_BACKTRACE_DEPTH && r.rip; depth++) {
        process_print_user_frame(depth, r.rip);
        struct loaded_image copy;
        const struct loaded_image *img = process_image_at(p, r.rip, &copy) ? &copy : NULL;
        if (!img && depth == 0) {
            /* A call to a bad address: the return address is on top of the stack. */
            if (read_user_u64(r.gpr[4], &r.rip) != 0)
                break;
            r.gpr[4] += 8;
            continue;
        }
        if (!img || !image_ops || image_ops->unwind_step(img, &r.rip, r.gpr) != 0)
            break;
    }
    __atomic_sub_fetch(&p->image_readers, 1, __ATOMIC_SEQ_CST);
}

void process_fault(const struct arch_regs *regs, const struct user_fault *in)
{
    struct process *p = process_current();
    struct user_fault f = *in;
    const struct user_fault *fault = &f;

    /* A call or read of an import no DLL exports (bound by the loader to a region that
     * is never mapped): name it, and end the process as Windows would have refused it. */
    const char *unimpl = f.has_address ? process_unimplemented_at(p, f.address) : NULL;
    if (unimpl) {
        kprintf("\n%s: called unimplemented %s\n", p->name, unimpl);
        f.status = STATUS_ENTRYPOINT_NOT_FOUND;
        f.what = "call of an unimplemented import";
    }

    kprintf("\n*** %s (pid %llu, thread %llu) killed: %s (0x%08X)\n", p->name,
            (unsigned long long)p->pid, (unsigned long long)thread_current()->tid, fault->what,
            (unsigned)fault->status);
    if (fault->has_address)
        kprintf("    %s address 0x%016llx\n", fault->access,
                (unsigned long long)fault->address);
    char where[160];
    format_user_address(where, sizeof where, arch_regs_pc(regs), false);
    kprintf("    at 0x%016llx %s\n", (unsigned long long)arch_regs_pc(regs), where);
    arch_regs_dump(regs);
    print_user_backtrace(regs);
    process_exit_current(fault->status);
}

/* The trap hook for a fault taken in user mode (arch/trap.h): the Windows exception
 * code and the words for the report are chosen here, not in arch. */
static void user_fault_hook(struct arch_regs *regs, const struct arch_fault *f)
{
    static const char *const access_words[] = { [ARCH_ACCESS_READ] = "reading",
                                                [ARCH_ACCESS_WRITE] = "writing",
                                                [ARCH_ACCESS_EXEC] = "executing" };
    struct user_fault uf = { .status = STATUS_ACCESS_VIOLATION, .what = "access violation" };

    switch (f->kind) {
    case ARCH_FAULT_PAGE:
        /* No frame left for a committed page: the program, not the kernel, ends. */
        if (f->page_result == VMM_FAULT_STACK_OVERFLOW ||
            f->page_result == VMM_FAULT_STACK_EXHAUSTED) {
            uf.status = STATUS_STACK_OVERFLOW;
            uf.what = "stack overflow";
            /* No stack left for a handler: the report, as on Windows. */
            uf.report_only = f->page_result == VMM_FAULT_STACK_EXHAUSTED;
        } else if (f->page_result == VMM_FAULT_GUARD) {
            uf.status = STATUS_GUARD_PAGE_VIOLATION;
            uf.what = "guard page violation";
        } else if (f->page_result == VMM_FAULT_NOMEM) {
            uf.status = STATUS_NO_MEMORY;
            uf.what = "out of memory";
        }
        uf.has_address = true;
        uf.address = f->address;
        uf.access = access_words[f->access];
        uf.access_code = (uint8_t)f->access;
        break;
    case ARCH_FAULT_DIVIDE:
        uf.status = STATUS_INTEGER_DIVIDE_BY_ZERO;
        uf.what = "integer divide by zero";
        break;
    case ARCH_FAULT_BREAKPOINT:
        uf.status = STATUS_BREAKPOINT;
        uf.what = "breakpoint";
        break;
    case ARCH_FAULT_INVALID_OPCODE:
        uf.status = STATUS_ILLEGAL_INSTRUCTION;
        uf.what = "illegal instruction";
        break;
    case ARCH_FAULT_PRIVILEGED:
        uf.status = STATUS_PRIVILEGED_INSTRUCTION;
        uf.what = "privileged instruction";
        break;
    case ARCH_FAULT_PROTECTION:
        uf.what = "access violation (general protection: non-canonical address?)";
        break;
    case ARCH_FAULT_OTHER:
        uf.what = f->name;
        break;
    }
    process_user_exception(regs, &uf);
}

/* Leaving a trap: a killed thread ends instead of returning to user mode, and an
 * interrupt that asked for a switch (a slice over, a more urgent thread ready) gets it. */
static void trap_exit_hook(bool to_user, bool irq)
{
    /* The flags the calls would test first are tested here: the usual trap (nothing to
     * do) makes no call. */
    if (to_user && thread_current()->terminate)
        thread_check_terminate();
    if (irq)
        sched_preempt_point();
    /* After the switch: a thread preempted in user mode and suspended meanwhile stops
     * here, with the interrupt's frame (all of its user state) at its stack's top. */
    if (to_user && thread_current()->return_work)
        thread_park_if_suspended(arch_syscall_frame());
}

void fault_init(void)
{
    arch_trap_set_hooks(&(struct arch_trap_hooks){ .user_fault = user_fault_hook,
                                                   .trap_exit = trap_exit_hook });
}
