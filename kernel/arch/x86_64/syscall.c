/*
 * SYSCALL/SYSRET set-up, per-CPU data, and the accessors generic code uses on
 * system-call frames and new kernel threads. STAR's user base points at the
 * 32-bit user code selector so SYSRET's fixed arithmetic lands on the 64-bit
 * user code (+16) and user data (+8) selectors of pc.h.
 */
#include "pc.h"
#include "percpu.h"
#include "trap.h"
#include "x86.h"
#include <abi/status.h>
#include <arch/context.h>
#include <arch/percpu.h>
#include <arch/trap.h>
#include <arch/uaccess.h>
#include <lib/errno.h>

#define MSR_STAR   0xc0000081
#define MSR_LSTAR  0xc0000082
#define MSR_FMASK  0xc0000084
#define EFER_SCE   (1ull << 0)

/* Flags cleared on entry: IF (enabled later, in C), TF, DF, AC (keeps SMAP on), NT. */
#define SYSCALL_FMASK ((1u << 9) | (1u << 8) | (1u << 10) | (1u << 18) | (1u << 14))

static void no_exit_work(void)
{
}

/* The boot CPU's area. Its kill flag points at a zero until the scheduler runs. */
static const uint8_t never_killed;
static struct percpu boot_cpu = { .self = &boot_cpu, .kill_flag = &never_killed };

void arch_percpu_init(void)
{
    x86_wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)&boot_cpu);
    x86_wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void arch_syscall_init(void)
{
    x86_wrmsr(MSR_EFER, x86_rdmsr(MSR_EFER) | EFER_SCE);
    x86_wrmsr(MSR_STAR, ((uint64_t)(GDT_USER_CODE32 | 3) << 48) | ((uint64_t)GDT_KERNEL_CODE << 32));
    x86_wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)x86_syscall_entry);
    x86_wrmsr(MSR_FMASK, SYSCALL_FMASK);
}

void arch_set_kernel_stack(uint64_t top)
{
    boot_cpu.kernel_rsp = top;
    x86_tss_set_rsp0(top);
}

uint64_t arch_context_init(uint64_t stack_top, void (*entry)(void *arg), void *arg)
{
    uint64_t *sp = (uint64_t *)(stack_top & ~15ull);

    /* What arch_context_switch pops: r15 r14 r13 r12 rbx rbp, then its return
     * address. The slot above keeps the trampoline's stack 16-byte aligned. */
    *--sp = 0;
    *--sp = (uint64_t)(uintptr_t)x86_thread_trampoline;
    *--sp = 0;                             /* rbp */
    *--sp = 0;                             /* rbx */
    *--sp = (uint64_t)(uintptr_t)entry;    /* r12 */
    *--sp = (uint64_t)(uintptr_t)arg;      /* r13 */
    *--sp = 0;                             /* r14 */
    *--sp = 0;                             /* r15 */
    return (uint64_t)(uintptr_t)sp;
}


/* What sys installed (arch_syscall_set_hooks); syscall_entry.S reads the first three.
 * Until then every number takes the slow path and gets STATUS_INVALID_SYSTEM_SERVICE. */
dormer_status_t (*const *x86_syscall_fast)(const uint64_t *args);
uint64_t x86_syscall_count;
void (*x86_syscall_exit_work)(void) = no_exit_work;
static dormer_status_t (*syscall_invoke_hook)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                                       struct arch_regs *);

void arch_syscall_set_hooks(const struct arch_syscall_hooks *h)
{
    syscall_invoke_hook = h->invoke;
    x86_syscall_exit_work = h->exit_work;
    x86_syscall_fast = h->fast;
    x86_syscall_count = h->count;
}

/* From the entry code (numbers past the table): reads the frame directly, and only goes out of
 * line for the rare work on the way back (a kill, a switch). */
void x86_syscall_dispatch(struct trap_frame *f)
{
    dormer_status_t st = syscall_invoke_hook
                             ? syscall_invoke_hook(f->rax, f->r10, f->rdx, f->r8, f->r9,
                                                   (struct arch_regs *)f)
                             : STATUS_INVALID_SYSTEM_SERVICE;
    f->rax = (uint64_t)(uint32_t)st; /* the NTSTATUS, zero-extended */
    if (__builtin_expect(PERCPU_READ(need_resched) || *PERCPU_READ(kill_flag), 0))
        x86_syscall_exit_work();
}

uint64_t arch_syscall_number(const struct arch_regs *regs)
{
    return ((const struct trap_frame *)regs)->rax;
}

int arch_syscall_arg(const struct arch_regs *regs, int index, uint64_t *value)
{
    const struct trap_frame *f = (const struct trap_frame *)regs;

    switch (index) {
    case 0:
        *value = f->r10;
        return 0;
    case 1:
        *value = f->rdx;
        return 0;
    case 2:
        *value = f->r8;
        return 0;
    case 3:
        *value = f->r9;
        return 0;
    default:
        /* Windows x64: return address, 32 bytes of home space, then argument 5. */
        if (index > 7)
            return K_EINVAL;
        return copy_from_user(value, uptr(f->rsp + 0x28 + 8 * (uint64_t)(index - 4)),
                              sizeof *value);
    }
}

uint64_t arch_user_access_begin(void)
{
    uint64_t flags = x86_read_rflags();

    __asm__ volatile("stac" ::: "memory");
    return flags;
}

void arch_user_access_end(uint64_t state)
{
    if (!(state & (1ull << 18)))
        __asm__ volatile("clac" ::: "memory");
}

void arch_regs_to_gpr(const struct arch_regs *regs, uint64_t gpr[16])
{
    const struct trap_frame *f = (const struct trap_frame *)regs;

    gpr[0] = f->rax;
    gpr[1] = f->rcx;
    gpr[2] = f->rdx;
    gpr[3] = f->rbx;
    gpr[4] = f->rsp;
    gpr[5] = f->rbp;
    gpr[6] = f->rsi;
    gpr[7] = f->rdi;
    gpr[8] = f->r8;
    gpr[9] = f->r9;
    gpr[10] = f->r10;
    gpr[11] = f->r11;
    gpr[12] = f->r12;
    gpr[13] = f->r13;
    gpr[14] = f->r14;
    gpr[15] = f->r15;
}

static struct arch_fpu clean_fpu;
static bool clean_fpu_saved;

void arch_fpu_save(struct arch_fpu *fpu)
{
    __asm__ volatile("fxsave64 %0" : "=m"(*fpu));
}

void arch_fpu_restore(const struct arch_fpu *fpu)
{
    __asm__ volatile("fxrstor64 %0" : : "m"(*fpu));
}

void arch_fpu_init_state(struct arch_fpu *fpu)
{
    if (!clean_fpu_saved) {
        /* The state right after boot's fninit, with SSE exceptions masked. */
        arch_fpu_save(&clean_fpu);
        clean_fpu_saved = true;
    }
    *fpu = clean_fpu;
}

void arch_set_user_gs_base(uint64_t base)
{
    x86_wrmsr(MSR_KERNEL_GS_BASE, base);
}

struct arch_regs *arch_syscall_frame(void)
{
    return arch_user_frame(boot_cpu.kernel_rsp);
}
