/*
 * 16550 UART on COM1: the serial console. Output polls the transmitter (it must work
 * with interrupts off and in a panic); input is interrupt-driven (IRQ 4) and feeds
 * the console input queue. Newlines go out as CR LF. When the queue is full the
 * receive interrupt is switched off and the bytes stay in the UART, so the sender
 * (QEMU, reading a piped script) waits instead of losing them.
 */
#include "pc.h"
#include "x86.h"
#include <core/console.h>
#include <stdbool.h>

#define COM1            0x3f8
#define UART_DATA       0
#define UART_IER        1
#define UART_FCR        2
#define UART_LCR        3
#define UART_MCR        4
#define UART_LSR        5
#define UART_SCRATCH    7
#define LSR_DATA_READY  0x01
#define LSR_THR_EMPTY   0x20
#define SERIAL_BAUD     115200

static bool serial_present;

static void serial_putc(char c)
{
    /* Bounded wait: a wedged UART must not hang the kernel. */
    for (int spin = 0; spin < 100000; spin++) {
        if (x86_inb(COM1 + UART_LSR) & LSR_THR_EMPTY)
            break;
    }
    x86_outb(COM1 + UART_DATA, (uint8_t)c);
}

static void serial_write(const char *s, size_t len, int level)
{
    (void)level;
    if (!serial_present)
        return;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}

static struct console serial_console = { .name = "serial", .write = serial_write };

static void serial_irq(void)
{
    while (x86_inb(COM1 + UART_LSR) & LSR_DATA_READY) {
        if (console_input_full()) {
            x86_outb(COM1 + UART_IER, 0x00); /* until serial_resume */
            return;
        }
        console_input_push((char)x86_inb(COM1 + UART_DATA));
    }
}

/* The queue has room again: take bytes on interrupt (those waiting raise it at once). */
static void serial_resume(void)
{
    x86_outb(COM1 + UART_IER, 0x01);
}

void serial_init(void)
{
    /* A UART keeps what is written to its scratch register; nothing else does. */
    x86_outb(COM1 + UART_SCRATCH, 0x5a);
    if (x86_inb(COM1 + UART_SCRATCH) != 0x5a)
        return;

    uint16_t divisor = 115200 / SERIAL_BAUD;
    x86_outb(COM1 + UART_IER, 0x00);
    x86_outb(COM1 + UART_LCR, 0x80); /* divisor latch */
    x86_outb(COM1 + UART_DATA, (uint8_t)divisor);
    x86_outb(COM1 + UART_IER, (uint8_t)(divisor >> 8));
    x86_outb(COM1 + UART_LCR, 0x03); /* 8N1 */
    x86_outb(COM1 + UART_FCR, 0xc7); /* FIFO on, cleared, 14-byte threshold */
    x86_outb(COM1 + UART_MCR, 0x0b); /* DTR, RTS, OUT2 (routes the IRQ) */
    serial_present = true;
    console_register(&serial_console);
}

void serial_enable_input(void)
{
    if (!serial_present)
        return;
    console_set_input_resume(serial_resume);
    pic_set_handler(PC_IRQ_COM1, serial_irq);
    x86_outb(COM1 + UART_IER, 0x01); /* interrupt on received data */
    serial_irq();                    /* drain anything typed before now */
    /* On the serial line only: the host wrapper forwards a piped script from here on
     * (before this, GRUB would read it). tools/dormer_qemu.py waits for this text. */
    static const char ready[] = "[serial input ready]\n";
    serial_write(ready, sizeof ready - 1, 0);
}
