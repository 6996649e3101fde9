/*
 * The kernel's UBSan runtime (debug kernels built with ubsan=1, the default for debug
 * builds): gcc's -fsanitize=undefined calls __ubsan_handle_* on undefined behaviour and
 * kernel/core/ubsan.c reports it. A report names the kind, file:line:column and the
 * values, with a backtrace, and is counted; the kernel then goes on (see ubsan.c why).
 */
#pragma once

#include <stdint.h>

/* Reports printed since boot (each source location reports once). Any context. */
uint64_t ubsan_reports(void);
