/*
 * Monotonic time since boot. The periodic timer interrupt counts ticks (TIME_HZ a
 * second); finer readings come from the CPU's cycle counter, calibrated against the
 * timer's known crystal at boot.
 */
#ifndef CORE_TIME_H
#define CORE_TIME_H

#include <stdint.h>

#include <arch/cpu.h>

#define TIME_HZ ARCH_TICK_HZ

/* Nanoseconds since the clock was calibrated (0 before). Any context, lock-free. */
uint64_t time_uptime_ns(void);

/* Timer interrupts since they were enabled. Any context. */
uint64_t time_ticks(void);

/* The function every tick also runs (the scheduler's time slices), registered by
 * the layer that owns it; it runs from time_start_tick_hook on, in IRQ context. */
void time_set_tick_hook(void (*fn)(void));

/* From now on every tick also runs the registered hook. kmain calls it once the
 * layers up to sys are initialized. */
void time_start_tick_hook(void);

/* Sleep at least `ms` milliseconds with the CPU halted. Interrupts must be enabled. */
void time_sleep_ms(uint64_t ms);

/* Wall-clock time as a FILETIME (UTC, 100 ns units since 1601-01-01): the real-time
 * clock read the first time it is asked for, plus the uptime since. Any thread. */
int64_t time_wall_filetime(void);

#endif
