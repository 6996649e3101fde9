/*
 * printk: formats into a bounded line buffer on the stack, then hands the finished
 * line to every console under one lock, so lines from interrupt handlers never
 * interleave mid-line. The panic path bypasses the lock.
 */
#include <core/console.h>
#include <core/lock_order.h>
#include <core/printk.h>
#include <core/spinlock.h>
#include <core/time.h>
#include <lib/fmt.h>
#include <lib/string.h>
#include <stdbool.h>
#include <stdint.h>

#define PRINTK_LINE_MAX 512

static struct spinlock printk_lock = SPINLOCK_INIT_RANKED("printk", LOCK_RANK_PRINTK);
static int printk_threshold = LOG_INFO; /* protected by printk_lock */
static bool printk_panicking;

static const char *const level_names[] = {
    [LOG_TRACE] = "TRACE", [LOG_DEBUG] = "DEBUG", [LOG_INFO] = "INFO",
    [LOG_WARN] = "WARN",   [LOG_ERROR] = "ERROR",
};

static void printk_emit(const char *s, size_t len, int level)
{
    if (printk_panicking) {
        console_write_all(s, len, level);
        return;
    }
    spin_lock(&printk_lock);
    console_write_all(s, len, level);
    spin_unlock(&printk_lock);
}

void vprintk(int level, const char *fmt, va_list ap)
{
    char line[PRINTK_LINE_MAX];
    size_t n = 0;

    if (level < LOG_TRACE || level > LOG_RAW)
        level = LOG_ERROR;
    if (level != LOG_RAW) {
        if (level < printk_threshold)
            return;
        uint64_t us = time_uptime_ns() / 1000;
        n = (size_t)fmt_snprintf(line, sizeof line, "[%5llu.%06llu] [%s] ",
                                 (unsigned long long)(us / 1000000),
                                 (unsigned long long)(us % 1000000), level_names[level]);
    }
    int len = fmt_vsnprintf(line + n, sizeof line - n, fmt, ap);
    if (len < 0)
        len = 0;
    n += (size_t)len;
    if (n >= sizeof line) {
        /* Truncated: keep the line ending so the next message starts cleanly. */
        n = sizeof line - 1;
        line[n - 1] = '\n';
    }
    printk_emit(line, n, level);
}

void printk(int level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(level, fmt, ap);
    va_end(ap);
}

void kprintf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(LOG_RAW, fmt, ap);
    va_end(ap);
}

int printk_set_level(int level)
{
    int old = printk_threshold;

    if (level >= LOG_TRACE && level <= LOG_ERROR)
        printk_threshold = level;
    return old;
}

int printk_level_from_name(const char *name)
{
    for (int i = LOG_TRACE; i <= LOG_ERROR; i++) {
        if (strcasecmp(name, level_names[i]) == 0)
            return i;
    }
    if (strcasecmp(name, "warning") == 0)
        return LOG_WARN;
    return -1;
}

void printk_enter_panic_mode(void)
{
    printk_panicking = true;
}
