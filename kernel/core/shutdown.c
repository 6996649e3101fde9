/*
 * Shutdown hooks: a fixed table filled at boot, run once before power-off. core sits
 * below fs, so the file systems register here rather than core calling them by name.
 */
#include <arch/cpu.h>
#include <core/printk.h>
#include <core/shutdown.h>
#include <stdbool.h>

#define SHUTDOWN_HOOKS 8

static void (*hooks[SHUTDOWN_HOOKS])(void);
static int hook_count;
static bool shutting_down;

void shutdown_register(void (*fn)(void))
{
    if (hook_count < SHUTDOWN_HOOKS)
        hooks[hook_count++] = fn;
    else
        pr_warn("shutdown: no room for another hook\n");
}

void shutdown_power_off(int status)
{
    if (!shutting_down) {
        shutting_down = true;
        for (int i = hook_count - 1; i >= 0; i--)
            hooks[i]();
    }
    arch_power_off(status);
}
