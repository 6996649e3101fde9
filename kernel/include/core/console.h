/*
 * Output consoles (serial, VGA text, later a framebuffer) and the one input queue.
 * printk writes every message to each registered console; drivers feed typed
 * characters into the input queue from their interrupt handlers.
 */
#ifndef CORE_CONSOLE_H
#define CORE_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

struct console {
    const char *name;
    /* Write len bytes. `level` is a LOG_* value (colour hint) or LOG_RAW. Must work
     * with interrupts off and from the panic path; must not allocate. */
    void (*write)(const char *s, size_t len, int level);
    struct console *next;
};

/* Add a console; messages from now on reach it. Boot CPU, before interrupts matter. */
void console_register(struct console *c);

/* Remove a console registered earlier (tests use temporary ones). */
void console_unregister(struct console *c);

/* Send text to every console. Caller holds the printk lock or is the panic path. */
void console_write_all(const char *s, size_t len, int level);

/* Queue a typed character. Interrupt handlers only (interrupts are off). */
void console_input_push(char c);

/* Take one typed character; returns -1 when none is waiting. Any context. */
int console_input_pop(void);

/* Read a line into buf (echoed to the consoles), blocking with the CPU halted between
 * keystrokes. Returns its length without the newline; buf is always terminated. */
size_t console_read_line(char *buf, size_t size);

#endif
