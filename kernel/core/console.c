/*
 * The console list and the typed-input queue. The queue is a single-producer
 * (interrupt handler) / single-consumer ring; indices only grow, so full and empty
 * are told apart without a spare slot.
 */
#include <arch/cpu.h>
#include <core/console.h>
#include <core/printk.h>
#include <stdint.h>

#define INPUT_RING_SIZE 256 /* power of two */

static struct console *console_list;

static char input_ring[INPUT_RING_SIZE];
static volatile uint32_t input_head; /* written by the interrupt handler */
static volatile uint32_t input_tail; /* written by the reader */

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

size_t console_read_line(char *buf, size_t size)
{
    size_t n = 0;

    for (;;) {
        uint64_t flags = arch_irq_save();
        int c = console_input_pop();
        if (c < 0) {
            arch_irq_enable_and_wait();
            arch_irq_restore(flags);
            continue;
        }
        arch_irq_restore(flags);
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
