/*
 * The global lock order. A path that holds a lock may take only locks listed
 * BELOW it; taking one listed above is a deadlock waiting to happen. Every lock is
 * a spinlock that disables interrupts (lib/spinlock.h), so an interrupt handler
 * that takes a lock can never interrupt its own holder on this CPU.
 *
 *   1. vmm_space.lock    (mm/vmm.c)     one per address space; the page-fault path
 *   2. kheap.lock        (mm/kheap.c)   regions arrays grow under the space lock
 *   3. pmm.lock          (mm/pmm.c)     frames for page tables, heap pages, faults
 *   4. printk_lock       (core/printk.c) a leaf: may be taken under any of the above
 *
 * The panic path takes no lock at all (printk switches to lock-free output).
 * This header has no code; it is the one place the order is written down.
 */
#ifndef CORE_LOCK_ORDER_H
#define CORE_LOCK_ORDER_H
#endif
