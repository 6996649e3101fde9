/*
 * The printf core shared by printk, panic and snprintf-style helpers.
 * Output goes one character at a time through a caller-supplied sink, so the
 * same formatter serves the console, string buffers and ring logs. Integer only
 * (the kernel has no SSE); no global state except the optional %pS symbolizer.
 */
#ifndef LIB_FMT_H
#define LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Supported: %d %i %u %x %X %o %c %s %p %% ; length modifiers hh h l ll z j t ;
 * flags - + space 0 # ; width and precision, both also as '*'.
 *   %s   a NULL pointer prints "(null)" (precision still applies).
 *   %p   always "0x" followed by 16 lowercase hex digits.
 *   %pS  a code address as "name+0xoff" via the symbolizer hook; printed like
 *        %p when no hook is set or the hook cannot resolve it. Because of this
 *        extension, "%pS" can never mean "a pointer followed by a literal S".
 * Unsupported conversions (%n, floats, ...) are copied to the output verbatim,
 * from the '%' through the conversion letter, and consume no argument of their
 * own; a trailing lone "%..." is copied too. Length modifiers on %c %s are
 * ignored (no wide characters).
 * Padding from width and integer precision is clamped to FMT_PAD_MAX characters
 * so that a garbage '*' argument cannot make the formatter spin for seconds.
 */
#define FMT_PAD_MAX 4096

/* Size of the scratch buffer handed to the symbolizer (bytes of text). */
#define FMT_SYM_MAX 128

/* Output sink: called once per produced character, in order. */
typedef void (*fmt_put_fn)(void *ctx, char c);

/*
 * Symbolizer hook for %pS. Writes the text for `addr` (e.g. "ksym_lookup+0x1c")
 * into buf, at most `len` bytes, no NUL needed; returns the number of bytes
 * written, or 0 if the address cannot be resolved. It may itself call the
 * fmt_* functions (the formatter is reentrant), but must not print %pS.
 */
typedef size_t (*fmt_sym_fn)(char *buf, size_t len, uintptr_t addr);

/*
 * Formats `fmt` with the arguments in `ap`, passing each output character to
 * put(ctx, c). Returns the number of characters emitted (saturating at
 * INT_MAX). Reentrant and lock-free: safe in IRQ and fault handlers as long
 * as `put` is. `ap` is consumed as by vprintf.
 */
int fmt_vformat(fmt_put_fn put, void *ctx, const char *fmt, va_list ap);

/*
 * C99 vsnprintf: writes at most size-1 characters plus a NUL to buf (nothing
 * at all when size == 0, in which case buf may be NULL). Returns the length
 * the full output would have had, so a return >= size means truncation.
 * Safe in any context.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* C99 snprintf on top of fmt_vsnprintf; same contract. */
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Installs (or with NULL removes) the %pS symbolizer. Meant to be called once
 * during early boot, before other CPUs run; a plain pointer store, no lock.
 */
void fmt_set_symbolizer(fmt_sym_fn fn);

#endif /* LIB_FMT_H */
