/*
 * The global lock order. A path that holds a lock may take only locks listed
 * BELOW it; taking one listed above is a deadlock waiting to happen. Every lock is
 * a spinlock that disables interrupts (lib/spinlock.h), so an interrupt handler
 * that takes a lock can never interrupt its own holder on this CPU.
 *
 *   -1. process.loader_lock (loader/loader.c, sys/sys_loader.c) a sleeping lock: one
 *                        run-time load or unload in a process; the vfs lock, user copies
 *                        and everything below are taken under it
 *   0. vfs_lock          (fs/vfs_glue.c) a sleeping lock: every file-system call and
 *                                        open-file state, the block cache; under it
 *                                        the heap, the frame allocator and disk
 *                                        transfers (which sleep), never a user copy
 *   0a. virtio-blk lock  (dev/virtio_blk.c) a sleeping lock: one request in flight;
 *                                        sched_lock is taken under it to wait
 *   1. process.handle_lock (proc/process.c) a handle table and the current directory
 *                                          pointer; nothing is taken under it but a
 *                                          reference count
 *   1a. process.image_lock (loader/loader.c) a process's image slots, for fault
 *                          reports that copy one; a leaf
 *   2. sched_lock        (proc/sched.c)  thread states, run queues, every waitable
 *                                        object's state; held across a context switch.
 *                                        Under it a user copy may fault (address waits),
 *                                        so the page-fault path's locks come after it
 *   3. vmm_space.lock    (mm/vmm.c)     one per address space; the page-fault path
 *   4. kheap.lock        (mm/kheap.c)   regions arrays grow under the space lock
 *   5. pmm.lock          (mm/pmm.c)     frames for page tables, heap pages, faults
 *   6. printk_lock       (core/printk.c) a leaf: may be taken under any of the above
 *
 * The panic path takes no lock at all (printk switches to lock-free output).
 * This header has no code; it is the one place the order is written down.
 */
#ifndef CORE_LOCK_ORDER_H
#define CORE_LOCK_ORDER_H
#endif
