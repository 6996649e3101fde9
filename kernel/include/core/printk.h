/*
 * Kernel logging. Every message carries a level and an uptime stamp:
 *   [    0.012345] [INFO] text
 * Messages below the threshold (`loglevel=` on the command line) are dropped.
 * kprintf writes raw text at every level (test results, panics).
 */
#ifndef CORE_PRINTK_H
#define CORE_PRINTK_H

#include <stdarg.h>

enum {
    LOG_TRACE,
    LOG_DEBUG,
    LOG_INFO,
    LOG_WARN,
    LOG_ERROR,
    LOG_RAW, /* no prefix, never filtered */
};

/* Log at `level`. Any context including interrupt handlers; takes the printk lock. */
__attribute__((format(printf, 2, 3))) void printk(int level, const char *fmt, ...);
void vprintk(int level, const char *fmt, va_list ap);

/* Raw output with no prefix and no filtering. */
__attribute__((format(printf, 1, 2))) void kprintf(const char *fmt, ...);

#define pr_trace(...) printk(LOG_TRACE, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)
#define pr_info(...)  printk(LOG_INFO, __VA_ARGS__)
#define pr_warn(...)  printk(LOG_WARN, __VA_ARGS__)
#define pr_error(...) printk(LOG_ERROR, __VA_ARGS__)

/* Set the threshold; returns the previous one. */
int printk_set_level(int level);

/* Parse a level name ("trace", "debug", "info", "warn", "error"); -1 if unknown. */
int printk_level_from_name(const char *name);

/* Panic path: stop taking the printk lock (a CPU that died holding it must not hang
 * the report). Never undone. */
void printk_enter_panic_mode(void);

#endif
