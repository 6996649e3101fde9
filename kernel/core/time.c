/*
 * Tick counting and sleeping. The uptime clock itself lives in the arch port
 * (cycle counter scaled by a factor measured against the timer at boot).
 */
#include <arch/cpu.h>
#include <core/time.h>
#include <proc/sched.h>
#include <stdbool.h>

static volatile uint64_t tick_count;
static bool sched_running;

uint64_t time_ticks(void)
{
    return tick_count;
}

void time_tick(void)
{
    tick_count++;
    if (sched_running)
        sched_tick();
}

void time_start_scheduler_ticks(void)
{
    sched_running = true;
}

uint64_t time_uptime_ns(void)
{
    return arch_clock_ns();
}

void time_sleep_ms(uint64_t ms)
{
    uint64_t end = tick_count + (ms * TIME_HZ + 999) / 1000;

    while (tick_count < end)
        arch_wait_for_interrupt();
}
