/*
 * Time on the PC: the PIT (channel 0) interrupts ARCH_TICK_HZ times a second and counts
 * ticks; the TSC, calibrated against PIT channel 2 over 10 ms at boot, gives the
 * fine-grained uptime. Under QEMU's -icount the TSC counts guest instructions, so
 * the calibration also turns instruction counts into "time" consistently.
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
#define CALIBRATE_MS 10

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

/* Count TSC cycles across a PIT channel-2 one-shot of CALIBRATE_MS. */
static uint64_t tsc_calibrate(void)
{
    uint32_t count = PIT_HZ * CALIBRATE_MS / 1000;

    /* Gate high, speaker off; channel 2 in mode 0 (interrupt on terminal count). */
    x86_outb(PIT_GATE, (uint8_t)((x86_inb(PIT_GATE) & ~0x02) | 0x01));
    x86_outb(PIT_CMD, 0xb0);
    x86_outb(PIT_CH2, (uint8_t)count);
    x86_outb(PIT_CH2, (uint8_t)(count >> 8));
    uint64_t start = x86_rdtsc();
    /* Output (bit 5) goes high at terminal count. Bounded in case the PIT is absent. */
    for (uint64_t spin = 0; spin < 100000000; spin++) {
        if (x86_inb(PIT_GATE) & 0x20)
            break;
    }
    uint64_t cycles = x86_rdtsc() - start;
    return cycles / CALIBRATE_MS;
}

void pit_init(void)
{
    uint16_t divisor = (uint16_t)((PIT_HZ + ARCH_TICK_HZ / 2) / ARCH_TICK_HZ);

    tsc_per_ms = tsc_calibrate();
    if (tsc_per_ms == 0)
        tsc_per_ms = 1;
    /* mult = 2^32 * 1e6 / tsc_per_ms, i.e. ns per cycle in 32.32 fixed point. */
    tsc_mult = (1000000ull << 32) / tsc_per_ms;
    tsc_at_boot = x86_boot_tsc();

    x86_outb(PIT_CMD, 0x34); /* channel 0, lo/hi byte, mode 2 (rate generator) */
    x86_outb(PIT_CH0, (uint8_t)divisor);
    x86_outb(PIT_CH0, (uint8_t)(divisor >> 8));
    pic_set_handler(PC_IRQ_TIMER, pit_tick_irq);
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
