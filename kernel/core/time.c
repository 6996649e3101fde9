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

/* Seconds between 1601-01-01 and 1970-01-01. */
#define FILETIME_UNIX_EPOCH 11644473600ll

int64_t time_wall_filetime(void)
{
    static int64_t boot_filetime; /* the wall clock at uptime 0 */
    static bool read;

    if (!__atomic_load_n(&read, __ATOMIC_ACQUIRE)) {
        int64_t now = (arch_wall_clock_unix() + FILETIME_UNIX_EPOCH) * 10000000;
        /* Two first readers store values a few ns apart: either is right. */
        __atomic_store_n(&boot_filetime, now - (int64_t)(time_uptime_ns() / 100),
                         __ATOMIC_RELAXED);
        __atomic_store_n(&read, true, __ATOMIC_RELEASE);
    }
    return __atomic_load_n(&boot_filetime, __ATOMIC_RELAXED) + (int64_t)(time_uptime_ns() / 100);
}
