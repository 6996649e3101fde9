/*
 * Time on the PC: the PIT (channel 0) interrupts ARCH_TICK_HZ times a second and counts
 * ticks; the TSC, calibrated against PIT channel 2 (free-running) across the boot's
 * 10 ms timer check, gives the fine-grained uptime: one wait serves both, with no
 * spinning. Under QEMU's -icount the TSC counts guest instructions, so the
 * calibration also turns instruction counts into "time" consistently.
 */
#include "pc.h"
#include "x86.h"
#include <arch/cpu.h>
#include <core/printk.h>

#define PIT_HZ       1193182
#define PIT_CH0      0x40
#define PIT_CH2      0x42
#define PIT_CMD      0x43
#define PIT_GATE     0x61
/* Channel 0's count per tick, and so channel-2 counts per tick too. */
#define PIT_DIVISOR  ((PIT_HZ + ARCH_TICK_HZ / 2) / ARCH_TICK_HZ)

static uint64_t tsc_at_boot;
static uint64_t tsc_per_ms;
/* ns = (tsc delta * tsc_mult) >> 32, computed without overflow for ~centuries. */
static uint64_t tsc_mult;

static void (*tick_fn)(void);

void arch_timer_set_tick(void (*fn)(void))
{
    tick_fn = fn;
}

static void pit_tick_irq(void)
{
    void (*fn)(void) = tick_fn;

    if (fn)
        fn();
}

/* Channel 2 free-running (mode 2, period 65536) for the calibration, gate high and the
 * speaker off. */
static void ch2_start(void)
{
    x86_outb(PIT_GATE, (uint8_t)((x86_inb(PIT_GATE) & ~0x02) | 0x01));
    x86_outb(PIT_CMD, 0xb4); /* channel 2, lo/hi byte, mode 2 */
    x86_outb(PIT_CH2, 0);
    x86_outb(PIT_CH2, 0);
}

/* Channel 2's count (counting down) and the TSC, read together. */
static uint16_t ch2_read(uint64_t *tsc)
{
    uint64_t flags = arch_irq_save();

    x86_outb(PIT_CMD, 0x80); /* latch channel 2 */
    *tsc = x86_rdtsc();
    uint16_t lo = x86_inb(PIT_CH2);
    uint16_t hi = x86_inb(PIT_CH2);
    arch_irq_restore(flags);
    return (uint16_t)(hi << 8 | lo);
}

static uint16_t calib_count;
static uint64_t calib_tsc;

void pit_init(void)
{
    uint16_t divisor = (uint16_t)PIT_DIVISOR;

    ch2_start();
    x86_outb(PIT_CMD, 0x34); /* channel 0, lo/hi byte, mode 2 (rate generator) */
    x86_outb(PIT_CH0, (uint8_t)divisor);
    x86_outb(PIT_CH0, (uint8_t)(divisor >> 8));
    pic_set_handler(PC_IRQ_TIMER, pit_tick_irq);
}

void arch_clock_calibrate_begin(void)
{
    calib_count = ch2_read(&calib_tsc);
}

void arch_clock_calibrate_end(uint64_t ticks)
{
    uint64_t tsc;
    uint16_t count = ch2_read(&tsc);
    /* Channel 2 wraps every 65536 counts (55 ms): the ticks say how many times. */
    uint64_t part = (uint16_t)(calib_count - count), by_ticks = ticks * PIT_DIVISOR;
    uint64_t wraps = by_ticks > part ? (by_ticks - part + 32768) / 65536 : 0;
    uint64_t counts = wraps * 65536 + part;

    if (counts == 0)
        counts = by_ticks ? by_ticks : 1;
    tsc_per_ms = (tsc - calib_tsc) * PIT_HZ / (counts * 1000);
    if (tsc_per_ms == 0)
        tsc_per_ms = 1;
    /* mult = 2^32 * 1e6 / tsc_per_ms, i.e. ns per cycle in 32.32 fixed point. */
    tsc_at_boot = x86_boot_tsc();
    __atomic_store_n(&tsc_mult, (1000000ull << 32) / tsc_per_ms, __ATOMIC_RELEASE);
    pr_info("timer: PIT at %d Hz, TSC %llu.%03llu MHz\n", ARCH_TICK_HZ,
            (unsigned long long)(tsc_per_ms / 1000), (unsigned long long)(tsc_per_ms % 1000));
}

uint64_t arch_clock_ns(void)
{
    if (!tsc_mult)
        return 0;
    uint64_t delta = x86_rdtsc() - tsc_at_boot;
    /* 128-bit product: delta * mult >> 32. */
    return (uint64_t)(((unsigned __int128)delta * tsc_mult) >> 32);
}
