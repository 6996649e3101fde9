/*
 * The neutral boundary between generic kernel code and the CPU port. Generic code
 * calls only these arch_* hooks; each port implements them in its own folder.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


/* Start the consoles the arch provides (serial, VGA text). First thing at boot. */
void arch_early_console_init(void);

/* Unmap the low identity mapping boot needed to switch to the higher half. */
void arch_drop_identity_map(void);

/* The periodic timer's rate, and the function its interrupt calls once per tick
 * (core/time.c's, registered at INIT_EARLY; nothing is called before). */
#define ARCH_TICK_HZ 1000
void arch_timer_set_tick(void (*fn)(void));

/* Nanoseconds from the calibrated cycle counter (0 before calibration). Any context. */
uint64_t arch_clock_ns(void);

/* Calibrate the cycle counter across a wait of the caller's (at least a few ms, with
 * interrupts on): _begin before it, _end after, with the timer ticks the wait took
 * (they resolve the reference counter's wraps). arch_clock_ns counts from then on,
 * still from kmain's start. Boot CPU, once, after arch_init. */
void arch_clock_calibrate_begin(void);
void arch_clock_calibrate_end(uint64_t ticks);

/* Seconds since 1970-01-01 UTC from the battery-backed clock (0 if it reads as
 * nonsense). Slow (port I/O); not in interrupt context. */
int64_t arch_wall_clock_unix(void);

/* The stacks the arch keeps for itself (the boot stack, one per IST entry), for the
 * kernel stack registry: *out is the i-th one; false past the last. Static: valid from
 * the first instruction. */
struct arch_stack_area {
    uintptr_t guard, lo, hi; /* guard page, then [lo, hi) */
    const char *name;
};
bool arch_static_stack(unsigned i, struct arch_stack_area *out);

/* What the arch needs from the boot loader and the command line. */
struct arch_boot {
    const void *rsdp; /* the ACPI RSDP's bytes (the boot information's copy), or NULL */
    size_t rsdp_len;
    bool acpi_power_off; /* poweroff=acpi: skip the emulator's exit port */
};

/* Bring up descriptor tables, traps, interrupt controller and timer. Boot CPU, once. */
void arch_init(const struct arch_boot *boot);

/* Interrupt state. arch_irq_save returns the previous state for arch_irq_restore. */
static inline void arch_irq_enable(void)
{
    __asm__ volatile("sti" : : : "memory");
}

static inline void arch_irq_disable(void)
{
    __asm__ volatile("cli" : : : "memory");
}

static inline uint64_t arch_irq_save(void)
{
    uint64_t flags;
    __asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
    return flags;
}

static inline void arch_irq_restore(uint64_t flags)
{
    if (flags & (1ull << 9))
        __asm__ volatile("sti" : : : "memory");
}

static inline bool arch_irq_enabled(void)
{
    uint64_t flags;
    __asm__ volatile("pushfq; popq %0" : "=r"(flags));
    return flags & (1ull << 9);
}

/* Wait for the next interrupt (interrupts must be enabled to wake up). */
static inline void arch_wait_for_interrupt(void)
{
    __asm__ volatile("hlt" : : : "memory");
}

/* Enable interrupts and halt as one step, so a wake-up that arrives between a
 * caller's "nothing to do" check and the halt is not lost. */
static inline void arch_irq_enable_and_wait(void)
{
    __asm__ volatile("sti; hlt" : : : "memory");
}

static inline void arch_cpu_relax(void)
{
    __asm__ volatile("pause" : : : "memory");
}

/* Current frame pointer, for backtraces taken outside a trap. */
static inline uintptr_t arch_frame_pointer(void)
{
    uintptr_t fp;
    __asm__ volatile("mov %%rbp, %0" : "=r"(fp));
    return fp;
}

/* Stop this CPU for good with interrupts off. Never returns. */
__attribute__((noreturn)) void arch_halt_forever(void);

/*
 * Power the machine off, reporting `status` to the host where the platform can
 * (QEMU's isa-debug-exit), then ACPI S5, then halt. Never returns; any context.
 */
__attribute__((noreturn)) void arch_power_off(int status);

/* A saved register set (on x86_64: the trap frame). Opaque to generic code. */
#define ARCH_REGS_WORDS 22
struct arch_regs {
    uint64_t words[ARCH_REGS_WORDS];
};

/* Snapshot the current registers, recording pc/fp as the place to report. */
void arch_regs_capture(struct arch_regs *regs, uintptr_t pc, uintptr_t fp);
/* Print every register of a saved set. Panic path: no locks, no allocation. */
void arch_regs_dump(const struct arch_regs *regs);
uintptr_t arch_regs_pc(const struct arch_regs *regs);
uintptr_t arch_regs_fp(const struct arch_regs *regs);

/* Unmap the guard pages below the boot and IST stacks. After arch_mmu_init. */
void arch_protect_stack_guards(void);

/*
 * Fault-tolerant probes of kernel-visible memory, for tests and the user-copy
 * routines to come: each returns 0, or K_EFAULT if the access faulted (the fault
 * is absorbed through the exception table instead of panicking).
 */
int arch_probe_read(const void *addr, uint64_t *value);
int arch_probe_write(void *addr, uint64_t value);
/* Call code at addr (which must be a `ret`); K_EFAULT if fetching it faults. */
int arch_probe_exec(const void *addr);

/* A short CPU description for the boot log ("GenuineIntel family 6 ..., NX, SMEP"). */
const char *arch_cpu_description(void);

#endif
