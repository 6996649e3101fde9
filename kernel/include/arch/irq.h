/*
 * Interrupt hook-up for drivers: a handler for a legacy PIC IRQ line (what PCI INTx
 * is routed to on a PC), with a context pointer. Lines may be shared by PCI devices,
 * so a handler checks its own device and returns quietly when it was not the one.
 * Implemented by the arch.
 */
#ifndef ARCH_IRQ_H
#define ARCH_IRQ_H

typedef void (*irq_fn)(void *ctx);

/*
 * Runs fn(ctx) on every interrupt of line (0-15) from now on, and unmasks the line.
 * Returns 0, K_EINVAL for a bad line or one the platform keeps for itself (timer,
 * cascade, keyboard, serial), or K_ENOSPC when the line has all its handlers. fn runs in
 * IRQ context with interrupts off: it may take spinlocks and wake threads, never sleep.
 * Boot or thread context.
 */
int irq_register(unsigned line, irq_fn fn, void *ctx);

#endif
