/*
 * The kernel command line: space-separated `key=value` words (or bare `key`). It is
 * copied once at boot into a fixed buffer and never changes, so lookups need no lock.
 */
#ifndef CORE_CMDLINE_H
#define CORE_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CMDLINE_MAX 1024
#define CMDLINE_MAX_WORDS 64

/* Take a copy of the boot command line (len bytes, need not be terminated), undoing
 * GRUB's escapes (\" and \\ become " and \).
 * Returns false if it was too long or had too many words (the excess is dropped). */
bool cmdline_init(const char *text, size_t len);

/* Value of `key`: the text after '=', "" for a bare key, NULL if absent. The last
 * occurrence wins, so a later word overrides an earlier default. */
const char *cmdline_get(const char *key);

/* Is `key` present and not "0"/"no"/"off"? */
bool cmdline_flag(const char *key);

/* Value of `key` as a decimal number in [min, max], or fallback when it is absent, not a
 * number, or out of that range. */
uint64_t cmdline_get_u64(const char *key, uint64_t min, uint64_t max, uint64_t fallback);

/* The whole command line as given. */
const char *cmdline_raw(void);

#endif
