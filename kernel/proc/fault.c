/*
 * User fault reports. Everything here reads user memory only through the copy
 * routines (the stack may be garbage) and allocates nothing; symbols come from the
 * image files in the boot file system, not from the process's memory, so a
 * program cannot lie its way into the kernel's report.
 */
#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/uaccess.h>
#include <core/printk.h>
#include <lib/fmt.h>
#include <proc/fault.h>
#include <proc/process.h>

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
    if (pe_symbolize(img->file, img->file_size, img->pe, lookup, name, sizeof name, &off) == 0)
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

static int read_user_u64(void *ctx, uint64_t addr, uint64_t *value)
{
    (void)ctx;
    return copy_from_user(value, uptr(addr), sizeof *value);
}

/* Unwind the user stack with each image's own unwind tables (code built without
 * frame pointers included). Every read goes through the copy routines, so a
 * corrupt stack just ends the walk. */
static void print_user_backtrace(const struct arch_regs *regs)
{
    struct process *p = process_current();
    struct pe_unwind_regs r;

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
            if (read_user_u64(NULL, r.gpr[4], &r.rip) != 0)
                break;
            r.gpr[4] += 8;
            continue;
        }
        if (!img || pe_unwind_step(img->file, img->file_size, img->pe, img->base, &r,
                                   read_user_u64, NULL) != 0)
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
    const char *unimpl = f.has_address ? loader_unimplemented_at(p, f.address) : NULL;
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
