/*
 * The console list and the typed-input queue. The queue is a single-producer
 * (interrupt handlers: serial, keyboard) / single-consumer ring; indices only grow,
 * so full and empty are told apart without a spare slot. A thread reading a line
 * sleeps through the waiter the scheduler installs (console_set_waiter), which each
 * typed character wakes; before the scheduler runs, the reader halts the CPU between
 * interrupts instead. Byte 0xFF (never valid
 * UTF-8, and dropped by the host wrapper from what it forwards) marks the end of input:
 * from then on every read reports end of input. Ctrl+C goes to a control hook first.
 */
#include <arch/cpu.h>
#include <core/console.h>
#include <core/printk.h>
#include <lib/errno.h>
#include <stdint.h>

#define INPUT_RING_SIZE 1024 /* power of two */
#define CTRL_C          0x03
#define INPUT_NONE      (-3) /* wait_for_input(false): nothing waiting */

static struct console *console_list;

static char input_ring[INPUT_RING_SIZE];
static volatile uint32_t input_head; /* written by the interrupt handler */
static volatile uint32_t input_tail; /* written by the reader */
static bool input_ended;               /* the end-of-input marker was read */
static bool input_paused;              /* a source stopped feeding: the ring was full */
static void (*input_resume)(void);     /* lets that source feed again */
static bool (*control_hook)(void);     /* Ctrl+C handler (true: consumed) */
static const struct console_waiter *waiter; /* how readers sleep (the scheduler's) */

void console_register(struct console *c)
{
    struct console **p = &console_list;

    while (*p)
        p = &(*p)->next;
    c->next = NULL;
    *p = c;
}

void console_unregister(struct console *c)
{
    for (struct console **p = &console_list; *p; p = &(*p)->next) {
        if (*p == c) {
            *p = c->next;
            return;
        }
    }
}

void console_write_all(const char *s, size_t len, int level)
{
    for (struct console *c = console_list; c; c = c->next)
        c->write(s, len, level);
}

bool console_input_push(char c)
{
    if (c == CTRL_C && control_hook && control_hook())
        return true;
    if (input_head - input_tail >= INPUT_RING_SIZE) {
        input_paused = true;
        return false; /* full: the source holds the byte back or drops it */
    }
    input_ring[input_head % INPUT_RING_SIZE] = c;
    __atomic_store_n(&input_head, input_head + 1, __ATOMIC_RELEASE);
    if (waiter)
        waiter->wake();
    return true;
}

bool console_input_full(void)
{
    bool full = input_head - input_tail >= INPUT_RING_SIZE;

    if (full)
        input_paused = true;
    return full;
}

void console_set_input_resume(void (*fn)(void))
{
    input_resume = fn;
}

void console_set_control_hook(bool (*fn)(void))
{
    control_hook = fn;
}

void console_set_waiter(const struct console_waiter *w)
{
    waiter = w;
}

int console_input_pop(void)
{
    uint32_t tail = input_tail;

    if (__atomic_load_n(&input_head, __ATOMIC_ACQUIRE) == tail)
        return -1;
    char c = input_ring[tail % INPUT_RING_SIZE];
    input_tail = tail + 1;
    if (input_paused && input_resume) {
        uint64_t flags = arch_irq_save();
        input_paused = false;
        input_resume();
        arch_irq_restore(flags);
    }
    return (unsigned char)c;
}

/* c, or CONSOLE_INPUT_END for the end-of-input marker (which stays in force). */
static int checked_input(int c)
{
    if (c == CONSOLE_EOF_BYTE) {
        input_ended = true;
        return CONSOLE_INPUT_END;
    }
    return c;
}

/* The next typed character, CONSOLE_INPUT_END once the input has ended, or
 * CONSOLE_INPUT_KILLED if the reading thread is being terminated; without block,
 * INPUT_NONE when nothing is waiting. */
static int wait_for_input(bool block)
{
    for (;;) {
        if (input_ended)
            return CONSOLE_INPUT_END;
        if (!waiter) { /* early boot: no threads to switch to */
            uint64_t flags = arch_irq_save();
            int c = console_input_pop();
            if (c < 0 && block)
                arch_irq_enable_and_wait();
            arch_irq_restore(flags);
            if (c >= 0)
                return checked_input(c);
            if (!block)
                return INPUT_NONE;
            continue;
        }
        /* The waiter pops under the lock its wake takes, so a character typed
         * between the check and the sleep still wakes this thread. */
        int c = waiter->take(console_input_pop, block);
        if (c >= 0)
            return checked_input(c);
        if (!block)
            return INPUT_NONE;
        if (c == K_EINTR)
            return CONSOLE_INPUT_KILLED;
    }
}

long console_read_line(char *buf, size_t size)
{
    size_t n = 0;
    int c = 0;

    for (;;) {
        c = wait_for_input(true);
        if (c < 0)
            break; /* killed or end of input: the line ends here */
        if (c == '\r' || c == '\n') {
            kprintf("\n");
            break;
        }
        if ((c == '\b' || c == 0x7f) && n > 0) {
            n--;
            kprintf("\b \b");
            continue;
        }
        if (c >= ' ' && c < 0x7f && n + 1 < size) {
            buf[n++] = (char)c;
            kprintf("%c", c);
        }
    }
    if (size)
        buf[n < size ? n : size - 1] = '\0';
    return c == CONSOLE_INPUT_END && n == 0 ? CONSOLE_INPUT_END : (long)n;
}

long console_read_raw(char *buf, size_t size)
{
    size_t n = 0;

    while (n < size) {
        int c = wait_for_input(n == 0);
        if (c == CONSOLE_INPUT_KILLED || (c == CONSOLE_INPUT_END && n == 0))
            return c;
        if (c < 0)
            break; /* nothing more waiting (or the end: reported by the next call) */
        buf[n++] = (char)c;
    }
    return (long)n;
}
