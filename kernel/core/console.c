/*
 * The console list and the typed-input queue. The queue is a single-producer
 * (interrupt handlers: serial, keyboard) / single-consumer ring; indices only grow,
 * so full and empty are told apart without a spare slot. A thread reading a line
 * sleeps on a wait queue that each typed character wakes; before the scheduler
 * runs, the reader halts the CPU between interrupts instead.
 */
#include <arch/cpu.h>
#include <core/console.h>
#include <core/printk.h>
#include <proc/sched.h>
#include <stdint.h>

#define INPUT_RING_SIZE 256 /* power of two */

static struct console *console_list;

static char input_ring[INPUT_RING_SIZE];
static volatile uint32_t input_head; /* written by the interrupt handler */
static volatile uint32_t input_tail; /* written by the reader */
/* Readers waiting for a character; waiters protected by sched_lock. */
static struct kobject input_waiters = {
    .type = KOBJ_QUEUE, .refs = 1, .waiters = LIST_INIT(input_waiters.waiters),
};

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

void console_input_push(char c)
{
    if (input_head - input_tail >= INPUT_RING_SIZE)
        return; /* full: drop, like a real UART overrun */
    input_ring[input_head % INPUT_RING_SIZE] = c;
    __atomic_store_n(&input_head, input_head + 1, __ATOMIC_RELEASE);
    if (thread_current()) {
        uint64_t flags = sched_lock_irq();
        kobj_wake_all_locked(&input_waiters);
        sched_unlock_irq(flags);
    }
}

int console_input_pop(void)
{
    uint32_t tail = input_tail;

    if (__atomic_load_n(&input_head, __ATOMIC_ACQUIRE) == tail)
        return -1;
    char c = input_ring[tail % INPUT_RING_SIZE];
    input_tail = tail + 1;
    return (unsigned char)c;
}

/* The next typed character; -1 if the reading thread is being terminated. */
static int wait_for_input(void)
{
    for (;;) {
        if (!thread_current()) { /* early boot: no threads to switch to */
            uint64_t flags = arch_irq_save();
            int c = console_input_pop();
            if (c < 0)
                arch_irq_enable_and_wait();
            arch_irq_restore(flags);
            if (c >= 0)
                return c;
            continue;
        }
        /* Checked under sched_lock (interrupts off), so a character typed between
         * the check and the sleep still wakes this thread. */
        uint64_t flags = sched_lock_irq();
        int c = console_input_pop();
        int r = c >= 0 ? 0 : sched_block_on_locked(&input_waiters, (uint64_t)-1);
        sched_unlock_irq(flags);
        if (c >= 0)
            return c;
        if (r == WAIT_TERMINATED)
            return -1;
    }
}

size_t console_read_line(char *buf, size_t size)
{
    size_t n = 0;

    for (;;) {
        int c = wait_for_input();
        if (c < 0)
            break; /* the thread is being killed: the line ends here */
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
    return n;
}
