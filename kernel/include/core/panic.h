/*
 * Fatal errors and assertions. A panic prints the message, the registers and a
 * symbolized backtrace, then halts the CPU (panic=halt, the default, keeps the
 * report on screen) or powers off with PANIC_EXIT_STATUS (panic=poweroff, used by
 * headless runs and tests).
 */
#ifndef CORE_PANIC_H
#define CORE_PANIC_H

#include <arch/cpu.h>
#include <stdbool.h>
#include <stdint.h>

#define PANIC_EXIT_STATUS 100

/* Report and stop. Any context. A panic while panicking prints one line and halts. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/* The same, reporting a saved register set (a trap frame): the backtrace starts at
 * its instruction pointer. */
__attribute__((noreturn, format(printf, 2, 3))) void panic_with_regs(
    const struct arch_regs *regs, const char *fmt, ...);

/* true: power off after the report (headless); false: halt with the report shown. */
void panic_set_power_off(bool power_off);

/*
 * Print `#N address name+0xoff (file:line)` lines, innermost first: pc, then the
 * return addresses found by following saved frame pointers from fp (pc_is_return:
 * pc is itself a return address, so its line is looked up at pc - 1). The walk stays
 * inside the stack that holds fp, stops at BACKTRACE_MAX_DEPTH, never faults.
 */
#define BACKTRACE_MAX_DEPTH 32
void backtrace_print(uintptr_t pc, uintptr_t fp, bool pc_is_return);

/* How backtraces learn the bounds [lo, hi) of the kernel stack holding addr (false:
 * none), installed by mm's stack registry at INIT_EARLY. Without it a backtrace
 * prints only its first frame. */
void panic_set_stack_bounds(bool (*fn)(uintptr_t addr, uintptr_t *lo, uintptr_t *hi));

#define ASSERT(cond)                                                               \
    do {                                                                           \
        if (__builtin_expect(!(cond), 0))                                          \
            panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__);      \
    } while (0)

#ifdef DORMER_DEBUG
#define DEBUG_ASSERT(cond) ASSERT(cond)
#else
#define DEBUG_ASSERT(cond) ((void)sizeof(cond))
#endif

#define STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)

#endif
