/*
 * Deliberate crashes, chosen with `crash=KIND` on the command line, to show (and
 * test) that every fatal path reports clearly: ud, pagefault, divide, gp, panic,
 * assert, breakpoint, nested (a panic inside the panic
 * report), stackoverflow (the boot stack runs into its guard page), heap_double_free,
 * heap_overflow and frame_double_free (allocator misuse caught by the allocators). Each runs a few named functions deep so backtraces have
 * something to resolve.
 */
#ifndef CORE_CRASH_H
#define CORE_CRASH_H

/* Crash as `kind` says; returns only if the kind is unknown (after saying so). */
void crash_run(const char *kind);

#endif
