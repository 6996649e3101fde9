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

/* The end-of-input marker on the serial line: 0xFF is never a byte of UTF-8 text, and
 * the host wrapper replaces any 0xFF in what it forwards, so only the marker is one. */
#define CONSOLE_EOF_BYTE     0xff
#define CONSOLE_INPUT_END    (-1) /* the input has ended (marker seen); stays so */
#define CONSOLE_INPUT_KILLED (-2) /* the reading thread is being terminated */

/* Queue a typed character. Ctrl+C (0x03) goes to the control hook first and is not
 * queued when the hook consumes it. Returns false (the byte is not taken) when the
 * queue is full; the source may hold the byte back and wait for its resume hook.
 * Interrupt handlers only (interrupts are off). */
bool console_input_push(char c);

/* True when the queue is full (a source should stop feeding); then the resume hook
 * runs once the reader makes room. Interrupts off. */
bool console_input_full(void);

/* The function that lets a paused source feed again; it runs with interrupts off, in
 * the reader's context. One source (the serial line) registers it at init. */
void console_set_input_resume(void (*fn)(void));

/* The Ctrl+C handler: called from interrupt handlers with interrupts off; returns true
 * when it consumed the keystroke. Registered by a higher layer (the console calls). */
void console_set_control_hook(bool (*fn)(void));

/* Take one typed character; returns -1 when none is waiting. Any context. */
int console_input_pop(void);

/*
 * How a reader of typed input sleeps, from a layer that has threads (the scheduler
 * installs one once it runs; until then a reader halts between interrupts).
 * take: under the lock wake takes, c = pop(); when c < 0 and block, sleep until the
 * next wake. Returns c (>= 0), -1 when nothing came (not blocking, or woken: look
 * again), or K_EINTR when the sleeping thread is being ended.
 * wake: from console_input_push, in interrupt context: wakes every sleeping reader.
 */
struct console_waiter {
    int (*take)(int (*pop)(void), bool block);
    void (*wake)(void);
};

void console_set_waiter(const struct console_waiter *w);

/* Read a line into buf (echoed to the consoles), blocking with the CPU halted between
 * keystrokes. Returns its length without the newline, or CONSOLE_INPUT_END when the
 * input ended before any character; buf is always terminated. Thread context. */
long console_read_line(char *buf, size_t size);

/* Raw input: blocks for the first byte, then takes what else is waiting, up to size,
 * without echo or editing. Returns the count (>= 1), CONSOLE_INPUT_END or
 * CONSOLE_INPUT_KILLED. Thread context. */
long console_read_raw(char *buf, size_t size);

#endif
