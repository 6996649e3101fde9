/*
 * Tick counting and sleeping. The uptime clock itself lives in the arch port
 * (cycle counter scaled by a factor measured against the timer at boot).
 */
#include <arch/cpu.h>
#include <core/init.h>
#include <core/time.h>
#include <stdbool.h>

static volatile uint64_t tick_count;
static void (*tick_hook)(void);  /* the scheduler's, once it is started */
static void (*pending_hook)(void);

uint64_t time_ticks(void)
{
    return tick_count;
}

static void time_tick(void)
{
    tick_count++;
    void (*hook)(void) = tick_hook;

    if (hook)
        hook();
}

void time_set_tick_hook(void (*fn)(void))
{
    pending_hook = fn;
}

void time_start_tick_hook(void)
{
    __atomic_store_n(&tick_hook, pending_hook, __ATOMIC_RELEASE);
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

static void time_init(void)
{
    arch_timer_set_tick(time_tick);
}
INIT_STEP(INIT_EARLY, time_init);

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
