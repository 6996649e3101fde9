/*
 * Monotonic time since boot. The periodic timer interrupt counts ticks (TIME_HZ a
 * second); finer readings come from the CPU's cycle counter, calibrated against the
 * timer's known crystal at boot.
 */
#ifndef CORE_TIME_H
#define CORE_TIME_H

#include <stdint.h>

#define TIME_HZ 1000

/* Nanoseconds since the clock was calibrated (0 before). Any context, lock-free. */
uint64_t time_uptime_ns(void);

/* Timer interrupts since they were enabled. Any context. */
uint64_t time_ticks(void);

/* Called by the timer interrupt handler once per tick. */
void time_tick(void);

/* From now on every tick also drives the scheduler. After sched_init. */
void time_start_scheduler_ticks(void);

/* Sleep at least `ms` milliseconds with the CPU halted. Interrupts must be enabled. */
void time_sleep_ms(uint64_t ms);

/* Wall-clock time as a FILETIME (UTC, 100 ns units since 1601-01-01): the real-time
 * clock read the first time it is asked for, plus the uptime since. Any thread. */
int64_t time_wall_filetime(void);

/* Provided by the arch port: nanoseconds from its calibrated cycle counter. */
uint64_t arch_clock_ns(void);

/* Provided by the arch port: seconds since 1970-01-01 UTC from the battery-backed
 * clock (0 if it reads as nonsense). Slow (port I/O); not in interrupt context. */
int64_t arch_wall_clock_unix(void);

#endif
