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
    const struct loaded_image *img = process_image_at(process_current(), addr);
    char name[96];
    uint32_t off;

    if (!img) {
        fmt_snprintf(buf, len, "?");
        return;
    }
    uint32_t rva = (uint32_t)(addr - img->base);
    uint32_t lookup = is_return && rva > 0 ? rva - 1 : rva;
    if (pe_symbolize(img->file, img->file_size, &img->pe, lookup, name, sizeof name, &off) == 0)
        fmt_snprintf(buf, len, "%s+0x%x (%s)", name, off + (rva - lookup), img->name);
    else
        fmt_snprintf(buf, len, "%s+0x%x", img->name, rva);
}

void process_print_user_frame(int depth, uint64_t addr)
{
    char where[160];

    format_user_address(where, sizeof where, addr, depth > 0);
    kprintf("  #%d 0x%016llx %s\n", depth, (unsigned long long)addr, where);
}

/* Follow saved frame pointers up the user stack. Code built without frame pointers
 * gives a short chain; every step is checked, so a bad chain just ends it. */
static void print_user_backtrace(uint64_t pc, uint64_t fp)
{
    kprintf("User backtrace:\n");
    process_print_user_frame(0, pc);
    for (int depth = 1; depth < USER_BACKTRACE_DEPTH; depth++) {
        uint64_t frame[2];
        if ((fp & 7) || copy_from_user(frame, uptr(fp), sizeof frame) != 0 || frame[1] == 0)
            break;
        if (!process_image_at(process_current(), frame[1]))
            break;
        process_print_user_frame(depth, frame[1]);
        if (frame[0] <= fp)
            break;
        fp = frame[0];
    }
}

void process_fault(const struct arch_regs *regs, const struct user_fault *fault)
{
    struct process *p = process_current();

    kprintf("\n*** %s (pid %llu) killed: %s (0x%08X)\n", p->name, (unsigned long long)p->pid,
            fault->what, (unsigned)fault->status);
    if (fault->has_address)
        kprintf("    %s address 0x%016llx\n", fault->access,
                (unsigned long long)fault->address);
    char where[160];
    format_user_address(where, sizeof where, arch_regs_pc(regs), false);
    kprintf("    at 0x%016llx %s\n", (unsigned long long)arch_regs_pc(regs), where);
    arch_regs_dump(regs);
    print_user_backtrace(arch_regs_pc(regs), arch_regs_fp(regs));
    process_exit_current(fault->status);
}
