/*
 * The two cascaded 8259 PICs, remapped to vectors 32-47. Handlers are plain
 * functions per IRQ line; spurious IRQ 7 and 15 are recognised by the in-service
 * register and not acknowledged, as the 8259 requires. Drivers add handlers with a
 * context through irq_register (<arch/irq.h>); a line may carry several (shared INTx).
 */
#include "pc.h"
#include "x86.h"
#include <arch/cpu.h>
#include <arch/irq.h>
#include <core/printk.h>
#include <lib/errno.h>

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI   0x20
#define PIC_READ_ISR 0x0b

#define IRQ_DRIVER_SLOTS 4

static irq_handler_t irq_handlers[16];
/* Drivers' handlers: written with interrupts off, read by pic_dispatch. */
static struct {
    irq_fn fn;
    void *ctx;
} driver_handlers[16][IRQ_DRIVER_SLOTS];
static uint64_t spurious_irqs;

void pic_init(void)
{
    x86_outb(PIC1_CMD, 0x11); /* ICW1: init, ICW4 follows */
    x86_io_wait();
    x86_outb(PIC2_CMD, 0x11);
    x86_io_wait();
    x86_outb(PIC1_DATA, IRQ_BASE_VECTOR); /* ICW2: vector base */
    x86_io_wait();
    x86_outb(PIC2_DATA, IRQ_BASE_VECTOR + 8);
    x86_io_wait();
    x86_outb(PIC1_DATA, 0x04); /* ICW3: slave on IRQ 2 */
    x86_io_wait();
    x86_outb(PIC2_DATA, 0x02);
    x86_io_wait();
    x86_outb(PIC1_DATA, 0x01); /* ICW4: 8086 mode */
    x86_io_wait();
    x86_outb(PIC2_DATA, 0x01);
    x86_io_wait();
    /* Everything masked except the cascade line. */
    x86_outb(PIC1_DATA, 0xfb);
    x86_outb(PIC2_DATA, 0xff);
}

static void pic_unmask(int irq)
{
    uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;

    x86_outb(port, x86_inb(port) & (uint8_t)~(1u << (irq & 7)));
}

void pic_set_handler(int irq, irq_handler_t handler)
{
    irq_handlers[irq] = handler;
    pic_unmask(irq);
}

int irq_register(unsigned line, irq_fn fn, void *ctx)
{
    if (line >= 16 || !fn || line == 2 || irq_handlers[line])
        return K_EINVAL;
    uint64_t flags = arch_irq_save();
    int rc = K_ENOSPC;
    for (int i = 0; i < IRQ_DRIVER_SLOTS; i++) {
        if (!driver_handlers[line][i].fn) {
            driver_handlers[line][i].ctx = ctx;
            driver_handlers[line][i].fn = fn;
            pic_unmask((int)line);
            rc = 0;
            break;
        }
    }
    arch_irq_restore(flags);
    return rc;
}

static bool pic_is_spurious(int irq)
{
    uint16_t cmd = irq == 7 ? PIC1_CMD : PIC2_CMD;

    x86_outb(cmd, PIC_READ_ISR);
    return !(x86_inb(cmd) & 0x80);
}

void pic_dispatch(int irq)
{
    if ((irq == 7 || irq == 15) && pic_is_spurious(irq)) {
        spurious_irqs++;
        if (irq == 15)
            x86_outb(PIC1_CMD, PIC_EOI); /* the master did see the cascade */
        return;
    }
    /* Acknowledge first: a handler may switch away and not come back soon. */
    if (irq >= 8)
        x86_outb(PIC2_CMD, PIC_EOI);
    x86_outb(PIC1_CMD, PIC_EOI);
    if (irq_handlers[irq]) {
        irq_handlers[irq]();
        return;
    }
    bool any = false;
    for (int i = 0; i < IRQ_DRIVER_SLOTS; i++) {
        if (driver_handlers[irq][i].fn) {
            driver_handlers[irq][i].fn(driver_handlers[irq][i].ctx);
            any = true;
        }
    }
    if (!any)
        pr_warn("unhandled IRQ %d\n", irq);
}
