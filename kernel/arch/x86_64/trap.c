/*
 * Trap dispatch: exceptions, hardware interrupts, and the register report. Every
 * CPU exception taken in kernel mode is fatal today: it is named, its error code
 * decoded (CR2 and the access kind for page faults), and it panics with the full
 * frame so the backtrace starts at the faulting instruction.
 */
#include "pc.h"
#include "trap.h"
#include "x86.h"
#include <abi/status.h>
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <arch/trap.h>
#include <arch/uaccess.h>
#include <core/panic.h>
#include <core/printk.h>
#include <lib/fmt.h>

_Static_assert(sizeof(struct trap_frame) == sizeof(struct arch_regs), "arch_regs holds a frame");

static struct arch_trap_hooks hooks; /* set at boot (arch_trap_set_hooks) */

void arch_trap_set_hooks(const struct arch_trap_hooks *h)
{
    if (h->page_fault)
        hooks.page_fault = h->page_fault;
    if (h->page_fault_name)
        hooks.page_fault_name = h->page_fault_name;
    if (h->stack_guard)
        hooks.stack_guard = h->stack_guard;
    if (h->user_fault)
        hooks.user_fault = h->user_fault;
    if (h->trap_exit)
        hooks.trap_exit = h->trap_exit;
}

static const char *const exception_names[32] = {
    [0] = "#DE divide error",
    [1] = "#DB debug",
    [2] = "NMI non-maskable interrupt",
    [3] = "#BP breakpoint",
    [4] = "#OF overflow",
    [5] = "#BR bound range exceeded",
    [6] = "#UD invalid opcode",
    [7] = "#NM device not available",
    [8] = "#DF double fault",
    [9] = "coprocessor segment overrun",
    [10] = "#TS invalid TSS",
    [11] = "#NP segment not present",
    [12] = "#SS stack-segment fault",
    [13] = "#GP general protection fault",
    [14] = "#PF page fault",
    [15] = "reserved (15)",
    [16] = "#MF x87 floating-point error",
    [17] = "#AC alignment check",
    [18] = "#MC machine check",
    [19] = "#XM SIMD floating-point error",
    [20] = "#VE virtualization exception",
    [21] = "#CP control protection",
    [22] = "reserved (22)",
    [23] = "reserved (23)",
    [24] = "reserved (24)",
    [25] = "reserved (25)",
    [26] = "reserved (26)",
    [27] = "reserved (27)",
    [28] = "#HV hypervisor injection",
    [29] = "#VC VMM communication",
    [30] = "#SX security exception",
    [31] = "reserved (31)",
};

#define PF_PRESENT 0x01
#define PF_WRITE   0x02
#define PF_USER    0x04
#define PF_RSVD    0x08
#define PF_FETCH   0x10

/* The innermost trap being handled, for register dumps from panic(). */

static void describe_page_fault(char *buf, size_t len, uint64_t err)
{
    const char *kind = (err & PF_FETCH) ? "execute" : (err & PF_WRITE) ? "write" : "read";

    fmt_snprintf(buf, len, "%s of a %s page in %s mode%s", kind,
                 (err & PF_PRESENT) ? "present (protection violation)" : "not-present",
                 (err & PF_USER) ? "user" : "kernel",
                 (err & PF_RSVD) ? ", reserved bit set in a page table" : "");
}

/* A kernel fault at a probe or copy instruction resumes at its fixup. */
static bool fixup_kernel_fault(struct trap_frame *f, uint64_t cr2)
{
    for (const struct x86_extable_entry *e = __ex_table_start; e < __ex_table_end; e++) {
        if (e->fault_ip == f->rip) {
            f->rip = e->fixup_ip;
            return true;
        }
    }
    /* arch_probe_exec: the fetch of the probed address itself faulted. */
    if (x86_probe_exec_rsp && f->vector == 14 && f->rip == cr2) {
        f->rip = (uint64_t)(uintptr_t)x86_probe_exec_fixup;
        return true;
    }
    return false;
}

/* A kernel stack ran into its guard page at addr: panic naming it. Returns when addr
 * is in no stack's guard page. */
static void check_stack_overflow(struct trap_frame *f, uint64_t addr)
{
    const char *name;
    uint64_t lo, hi;

    if (!hooks.stack_guard || !hooks.stack_guard(addr, &name, &lo, &hi))
        return;
    panic_with_regs((struct arch_regs *)f,
                    "kernel stack overflow in thread %s: guard page hit at 0x%llx "
                    "(stack 0x%llx-0x%llx), at %pS",
                    name, (unsigned long long)addr, (unsigned long long)lo,
                    (unsigned long long)hi, (void *)f->rip);
}

/* A fault in user mode goes to proc's hook; without one (early boot) it is fatal. */
static void user_fault(struct trap_frame *f, const struct arch_fault *fault)
{
    if (!hooks.user_fault)
        panic_with_regs((struct arch_regs *)f, "%s in user mode before a handler exists",
                        fault->name);
    hooks.user_fault((struct arch_regs *)f, fault);
}

static void handle_page_fault(struct trap_frame *f)
{
    uint64_t cr2 = x86_read_cr2();
    enum arch_access access = (f->error & PF_FETCH)   ? ARCH_ACCESS_EXEC
                              : (f->error & PF_WRITE) ? ARCH_ACCESS_WRITE
                                                      : ARCH_ACCESS_READ;
    bool user = (f->cs & 3) != 0;
    int reason = -1; /* reserved bits set: nothing to resolve */

    if (!(f->error & PF_RSVD) && hooks.page_fault) {
        reason = hooks.page_fault(cr2, access, (f->error & PF_PRESENT) != 0,
                                  (f->error & PF_USER) != 0);
        if (reason == 0)
            return;
    }
    if (user) {
        struct arch_fault fault = { .kind = ARCH_FAULT_PAGE, .name = exception_names[14],
                                    .page_result = reason, .address = cr2, .access = access };
        user_fault(f, &fault);
        return;
    }
    if (fixup_kernel_fault(f, cr2))
        return;
    check_stack_overflow(f, cr2);

    char detail[160];
    describe_page_fault(detail, sizeof detail, f->error);
    panic_with_regs((struct arch_regs *)f,
                    "#PF page fault at %pS: %s, address 0x%016llx (error 0x%llx): %s",
                    (void *)f->rip, detail, (unsigned long long)cr2,
                    (unsigned long long)f->error,
                    reason > 0 && hooks.page_fault_name ? hooks.page_fault_name(reason)
                                                        : "not resolvable");
}

/* Instructions ring 3 may not run raise #GP(0); tell them from bad addresses. */
static bool is_privileged_instruction(uint64_t rip)
{
    uint8_t b[2];

    if (copy_from_user(b, uptr(rip), 2) != 0)
        return false;
    switch (b[0]) {
    case 0xf4: /* hlt */
    case 0xfa: /* cli */
    case 0xfb: /* sti */
    case 0xe4: case 0xe5: case 0xe6: case 0xe7: /* in/out imm8 */
    case 0xec: case 0xed: case 0xee: case 0xef: /* in/out dx */
    case 0x6c: case 0x6d: case 0x6e: case 0x6f: /* ins/outs */
        return true;
    case 0x0f:
        /* lgdt/lidt/..., clts, invd, wbinvd, mov to/from cr/dr, wrmsr, rdmsr */
        return b[1] == 0x01 || b[1] == 0x06 || b[1] == 0x08 || b[1] == 0x09 ||
               (b[1] >= 0x20 && b[1] <= 0x23) || b[1] == 0x30 || b[1] == 0x32;
    }
    return false;
}

static void handle_user_exception(struct trap_frame *f)
{
    struct arch_fault fault = { .kind = ARCH_FAULT_OTHER, .name = exception_names[f->vector] };

    switch (f->vector) {
    case 0:
        fault.kind = ARCH_FAULT_DIVIDE;
        break;
    case 3:
        fault.kind = ARCH_FAULT_BREAKPOINT;
        f->rip--; /* report the int3 itself, as Windows does */
        break;
    case 6:
        fault.kind = ARCH_FAULT_INVALID_OPCODE;
        break;
    case 13:
        fault.kind = is_privileged_instruction(f->rip) ? ARCH_FAULT_PRIVILEGED
                                                       : ARCH_FAULT_PROTECTION;
        break;
    default:
        break;
    }
    user_fault(f, &fault);
}

static void handle_exception(struct trap_frame *f)
{
    const char *name = exception_names[f->vector];

    if (f->vector == 14) {
        handle_page_fault(f);
        return;
    }
    if ((f->cs & 3) && f->vector != 8 && f->vector != 18 && f->vector != 2) {
        handle_user_exception(f);
        return;
    }
    if (f->vector == 8) {
        /* Almost always a kernel stack running into its guard page: the CPU could
         * not push the page fault's frame, so it raised #DF on the IST stack. */
        uint64_t cr2 = x86_read_cr2();
        check_stack_overflow(f, cr2);
        check_stack_overflow(f, f->rsp);
        panic_with_regs((struct arch_regs *)f, "%s at %pS", name, (void *)f->rip);
    }
    if (!(f->cs & 3) && fixup_kernel_fault(f, 0))
        return;
    panic_with_regs((struct arch_regs *)f, "%s at %pS (error 0x%llx)", name, (void *)f->rip,
                    (unsigned long long)f->error);
}

bool arch_trap_from_user(void)
{
    struct trap_frame *f = percpu_trap_frame();

    return f && (f->cs & 3) != 0;
}

void trap_dispatch(struct trap_frame *f)
{
    struct trap_frame *outer = percpu_trap_frame();

    percpu_set_trap_frame(f);
    if (f->vector < 32)
        handle_exception(f);
    else if (f->vector < IRQ_BASE_VECTOR + 16)
        pic_dispatch((int)(f->vector - IRQ_BASE_VECTOR));
    else
        pr_warn("unexpected interrupt vector %llu\n", (unsigned long long)f->vector);
    percpu_set_trap_frame(outer);
    /* Leaving the trap: proc ends a killed thread instead of returning to user mode,
     * and switches on an expired slice (or a more urgent thread made ready). */
    if (hooks.trap_exit)
        hooks.trap_exit((f->cs & 3) != 0, f->vector >= IRQ_BASE_VECTOR);
}

void arch_regs_dump(const struct arch_regs *regs)
{
    const struct trap_frame *f = (const struct trap_frame *)regs;

    kprintf("RIP %016llx  RSP %016llx  RFLAGS %016llx\n", (unsigned long long)f->rip,
            (unsigned long long)f->rsp, (unsigned long long)f->rflags);
    kprintf("RAX %016llx  RBX %016llx  RCX %016llx\n", (unsigned long long)f->rax,
            (unsigned long long)f->rbx, (unsigned long long)f->rcx);
    kprintf("RDX %016llx  RSI %016llx  RDI %016llx\n", (unsigned long long)f->rdx,
            (unsigned long long)f->rsi, (unsigned long long)f->rdi);
    kprintf("RBP %016llx  R8  %016llx  R9  %016llx\n", (unsigned long long)f->rbp,
            (unsigned long long)f->r8, (unsigned long long)f->r9);
    kprintf("R10 %016llx  R11 %016llx  R12 %016llx\n", (unsigned long long)f->r10,
            (unsigned long long)f->r11, (unsigned long long)f->r12);
    kprintf("R13 %016llx  R14 %016llx  R15 %016llx\n", (unsigned long long)f->r13,
            (unsigned long long)f->r14, (unsigned long long)f->r15);
    kprintf("CS %04llx SS %04llx  CR0 %016llx  CR2 %016llx\n", (unsigned long long)f->cs,
            (unsigned long long)f->ss, (unsigned long long)x86_read_cr0(),
            (unsigned long long)x86_read_cr2());
    kprintf("CR3 %016llx  CR4 %016llx  ERR %llx VEC %llu\n",
            (unsigned long long)x86_read_cr3(), (unsigned long long)x86_read_cr4(),
            (unsigned long long)f->error, (unsigned long long)f->vector);
}

void arch_regs_capture(struct arch_regs *regs, uintptr_t pc, uintptr_t fp)
{
    struct trap_frame *f = (struct trap_frame *)regs;

    __asm__ volatile("movq %%rax, %0\n\t movq %%rbx, %1\n\t movq %%rcx, %2\n\t"
                     "movq %%rdx, %3\n\t movq %%rsi, %4\n\t movq %%rdi, %5"
                     : "=m"(f->rax), "=m"(f->rbx), "=m"(f->rcx), "=m"(f->rdx),
                       "=m"(f->rsi), "=m"(f->rdi));
    __asm__ volatile("movq %%r8, %0\n\t movq %%r9, %1\n\t movq %%r10, %2\n\t"
                     "movq %%r11, %3\n\t movq %%r12, %4\n\t movq %%r13, %5\n\t"
                     "movq %%r14, %6\n\t movq %%r15, %7"
                     : "=m"(f->r8), "=m"(f->r9), "=m"(f->r10), "=m"(f->r11), "=m"(f->r12),
                       "=m"(f->r13), "=m"(f->r14), "=m"(f->r15));
    uint64_t cs, ss, sp;
    __asm__ volatile("movq %%rsp, %0\n\t movw %%cs, %w1\n\t movw %%ss, %w2"
                     : "=r"(sp), "=r"(cs), "=r"(ss));
    f->rsp = sp;
    f->cs = cs & 0xffff;
    f->ss = ss & 0xffff;
    f->rbp = fp;
    f->rip = pc;
    f->rflags = x86_read_rflags();
    f->vector = 0;
    f->error = 0;
}

uintptr_t arch_regs_pc(const struct arch_regs *regs)
{
    return ((const struct trap_frame *)regs)->rip;
}

uintptr_t arch_regs_fp(const struct arch_regs *regs)
{
    return ((const struct trap_frame *)regs)->rbp;
}

