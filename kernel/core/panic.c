/*
 * panic(): the last thing the kernel does. It must work with the kernel in any
 * state, so it allocates nothing, takes no lock (printk switches to lock-free
 * output), and guards against recursion: a panic inside the panic report prints
 * one line and halts instead of looping.
 */
#include <arch/cpu.h>
#include <core/ksym.h>
#include <core/panic.h>
#include <core/printk.h>
#include <lib/fmt.h>
#include <stdarg.h>
#include <stdbool.h>

static volatile int panic_depth;
static bool panic_power_off;

void panic_set_power_off(bool power_off)
{
    panic_power_off = power_off;
}

static void print_frame(int depth, uintptr_t addr, bool is_return)
{
    struct ksym_info info;
    /* A return address points after the call; its line is the call's line. */
    int err = is_return ? ksym_lookup_ret(addr, &info) : ksym_lookup(addr, &info);

    if (err != 0) {
        kprintf("  #%d 0x%016llx ?\n", depth, (unsigned long long)addr);
        return;
    }
    unsigned long long off = (unsigned long long)info.offset;
    if (info.file && info.line)
        kprintf("  #%d 0x%016llx %s+0x%llx (%s:%u)\n", depth, (unsigned long long)addr,
                info.name, off, info.file, (unsigned)info.line);
    else
        kprintf("  #%d 0x%016llx %s+0x%llx\n", depth, (unsigned long long)addr, info.name,
                off);
}

/* The bounds of the kernel stack holding an address (mm's stack registry). */
static bool (*stack_bounds)(uintptr_t addr, uintptr_t *lo, uintptr_t *hi);

void panic_set_stack_bounds(bool (*fn)(uintptr_t addr, uintptr_t *lo, uintptr_t *hi))
{
    stack_bounds = fn;
}

void backtrace_print(uintptr_t pc, uintptr_t fp, bool pc_is_return)
{
    uintptr_t lo, hi;
    int depth = 0;

    kprintf("Backtrace:\n");
    if (!ksym_ready())
        kprintf("  (%s: raw addresses only)\n", ksym_status());
    print_frame(depth++, pc, pc_is_return);
    if (!stack_bounds || !stack_bounds(fp, &lo, &hi))
        return;
    while (depth < BACKTRACE_MAX_DEPTH) {
        /* A frame record is [saved fp, return address]; both must be in this stack. */
        if (fp < lo || fp > hi - 16 || (fp & 7))
            break;
        const uintptr_t *frame = (const uintptr_t *)fp;
        uintptr_t next = frame[0];
        uintptr_t ret = frame[1];
        if (ret == 0)
            break;
        print_frame(depth++, ret, true);
        /* Frames move toward the stack's top; anything else is corruption or the end. */
        if (next <= fp)
            break;
        fp = next;
    }
    if (depth == BACKTRACE_MAX_DEPTH)
        kprintf("  ... (stopped at %d frames)\n", BACKTRACE_MAX_DEPTH);
}

static __attribute__((noreturn)) void panic_finish(void)
{
    if (panic_power_off)
        arch_power_off(PANIC_EXIT_STATUS);
    kprintf("System halted.\n");
    arch_halt_forever();
}

static __attribute__((noreturn)) void panic_report(const struct arch_regs *regs,
                                                   bool pc_is_return, const char *fmt,
                                                   va_list ap)
{
    /* Static: the stack may be the problem. Only one report is ever formatted. */
    static char message[256], nested_message[256];

    arch_irq_disable();
    int depth = __atomic_add_fetch(&panic_depth, 1, __ATOMIC_SEQ_CST);
    printk_enter_panic_mode();
    if (depth > 2)
        panic_finish(); /* the nested report failed too: stop quietly */
    if (depth == 2) {
        fmt_vsnprintf(nested_message, sizeof nested_message, fmt, ap);
        kprintf("\nPANIC while panicking: %s\n", nested_message);
        panic_finish();
    }

    /* Format first, print once: each console gets the whole line in one write. */
    fmt_vsnprintf(message, sizeof message, fmt, ap);
    kprintf("\n*** KERNEL PANIC: %s\n", message);
    arch_regs_dump(regs);
    backtrace_print(arch_regs_pc(regs), arch_regs_fp(regs), pc_is_return);
    panic_finish();
}

void panic_with_regs(const struct arch_regs *regs, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    panic_report(regs, false, fmt, ap);
}

void panic(const char *fmt, ...)
{
    struct arch_regs regs;
    va_list ap;

    /* Report from the caller: its call site and its frame pointer. */
    uintptr_t caller_fp = *(const uintptr_t *)__builtin_frame_address(0);
    arch_regs_capture(&regs, (uintptr_t)__builtin_return_address(0), caller_fp);
    va_start(ap, fmt);
    panic_report(&regs, true, fmt, ap);
}
