/*
 * An orderly power-off: hooks that higher layers register (the file systems flush
 * their caches) run in thread context before the machine is turned off. The panic
 * path does not come here: it powers off at once.
 */
#ifndef CORE_SHUTDOWN_H
#define CORE_SHUTDOWN_H

/* Adds fn to the hooks (at most 8), run in the reverse order of registration. Boot. */
void shutdown_register(void (*fn)(void));

/* Runs every hook once, then arch_power_off(status). Thread context. Never returns. */
__attribute__((noreturn)) void shutdown_power_off(int status);

#endif
