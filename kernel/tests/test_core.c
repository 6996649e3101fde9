/*
 * In-kernel tests of the core: the tick clock against the calibrated cycle clock,
 * printk's level filter as a console sees it, spinlock interrupt nesting, and the
 * string routines gcc relies on.
 */
#include <arch/cpu.h>
#include <core/console.h>
#include <core/ksym.h>
#include <core/ktest.h>
#include <core/printk.h>
#include <core/spinlock.h>
#include <core/time.h>
#include <lib/string.h>

KTEST(time_ticks_advance_while_sleeping)
{
    uint64_t t0 = time_ticks();

    time_sleep_ms(20);
    KT_EXPECT(time_ticks() - t0 >= 20);
}

/* The cycle clock was calibrated against the PIT: over 100 ticks both must agree within
 * a factor of two. An emulator on a busy host delivers timer ticks late or in bursts, so
 * one measurement can be off by more; five tries are allowed, and a wrong scale (units,
 * shifts, overflow: a factor of 1000) still fails every one of them. */
KTEST(time_uptime_matches_ticks)
{
    bool agreed = false;

    for (int attempt = 0; attempt < 5 && !agreed; attempt++) {
        uint64_t t = time_ticks();
        while (time_ticks() == t)
            arch_wait_for_interrupt();
        uint64_t ns0 = time_uptime_ns(), t0 = time_ticks();
        time_sleep_ms(100);
        uint64_t ns1 = time_uptime_ns(), t1 = time_ticks();
        uint64_t by_ticks = (t1 - t0) * (1000000000ull / TIME_HZ);
        uint64_t by_clock = ns1 - ns0;
        KT_EXPECT(ns1 > ns0);
        agreed = by_clock > by_ticks / 2 && by_clock < by_ticks * 2;
    }
    KT_EXPECT(agreed);
}

static char captured[512];
static size_t captured_len;

static void capture_write(const char *s, size_t len, int level)
{
    (void)level;
    for (size_t i = 0; i < len && captured_len + 1 < sizeof captured; i++)
        captured[captured_len++] = s[i];
    captured[captured_len] = '\0';
}

static struct console capture_console = { .name = "ktest-capture", .write = capture_write };

KTEST(printk_filters_by_level)
{
    console_register(&capture_console);
    int old = printk_set_level(LOG_WARN);
    captured_len = 0;
    pr_info("hidden %d\n", 1);
    pr_warn("shown %d\n", 2);
    printk_set_level(old);
    console_unregister(&capture_console);

    KT_EXPECT(strstr(captured, "hidden") == NULL);
    KT_EXPECT(strstr(captured, "[WARN] shown 2\n") != NULL);
    KT_EXPECT(captured[0] == '[');
}

KTEST(spinlock_restores_interrupt_state_when_nested)
{
    static struct spinlock a = SPINLOCK_INIT("ktest-a"), b = SPINLOCK_INIT("ktest-b");

    KT_ASSERT(arch_irq_enabled());
    spin_lock(&a);
    KT_EXPECT(!arch_irq_enabled());
    KT_EXPECT(spin_held(&a));
    spin_lock(&b);
    spin_unlock(&b);
    KT_EXPECT(!arch_irq_enabled()); /* still inside a */
    spin_unlock(&a);
    KT_EXPECT(arch_irq_enabled());
    KT_EXPECT(!spin_held(&a));
}

KTEST(string_memmove_handles_overlap)
{
    char buf[16] = "abcdefghij";

    memmove(buf + 2, buf, 8);
    KT_EXPECT(memcmp(buf, "ababcdefgh", 10) == 0);
    memmove(buf, buf + 2, 8);
    KT_EXPECT(memcmp(buf, "abcdefghgh", 10) == 0);
    memset(buf, 'x', 4);
    KT_EXPECT(memcmp(buf, "xxxxefgh", 8) == 0);
    KT_EXPECT(strcasecmp("HELLO.EXE", "hello.exe") == 0);
    KT_EXPECT(strcasecmp("a", "b") < 0);
}

/* Every length up to 40 and every shift up to 17 bytes, both directions, against a
 * byte-at-a-time reference: the word copies and the odd tails must line up. */
KTEST(string_memmove_matches_a_byte_copy)
{
    static uint8_t buf[96], want[96];
    int bad = 0;

    for (size_t len = 0; len <= 40; len++) {
        for (size_t shift = 0; shift <= 17; shift++) {
            for (int up = 0; up <= 1; up++) {
                for (size_t i = 0; i < sizeof buf; i++)
                    buf[i] = want[i] = (uint8_t)(i * 7 + 1);
                size_t src = up ? 20 : 20 + shift, dst = up ? 20 + shift : 20;
                uint8_t tmp[40];
                for (size_t i = 0; i < len; i++)
                    tmp[i] = want[src + i];
                for (size_t i = 0; i < len; i++)
                    want[dst + i] = tmp[i];
                memmove(buf + dst, buf + src, len);
                bad += memcmp(buf, want, sizeof buf) != 0;
            }
        }
    }
    KT_EXPECT_EQ(bad, 0);
}

/* A static function: the symbol blob must name it too (-ffunction-sections). */
static __attribute__((noinline)) int ksym_static_probe(int x)
{
    __asm__ volatile("" ::: "memory");
    return x * 3 + 1;
}

KTEST(ksym_resolves_global_and_static_functions)
{
    struct ksym_info info;

    KT_ASSERT(ksym_ready());
    KT_ASSERT(ksym_lookup((uintptr_t)&ktest_run, &info) == 0);
    KT_EXPECT(strcmp(info.name, "ktest_run") == 0);
    KT_EXPECT_EQ(info.offset, 0);
    KT_ASSERT(ksym_lookup((uintptr_t)&ksym_static_probe + 3, &info) == 0);
    KT_EXPECT(strcmp(info.name, "ksym_static_probe") == 0);
    KT_EXPECT_EQ(info.offset, 3);
    KT_EXPECT(info.file != NULL && strcmp(info.file, "kernel/tests/test_core.c") == 0);
    KT_EXPECT(ksym_static_probe(1) == 4);
    KT_ASSERT(ksym_lookup((uintptr_t)&memmove + 1, &info) == 0);
    KT_EXPECT(strcmp(info.name, "memmove") == 0);
    KT_EXPECT_EQ(info.offset, 1);
}
