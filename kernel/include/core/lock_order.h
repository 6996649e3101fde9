/*
 * The global lock order. A path that holds a lock may take only locks listed
 * BELOW it; taking one listed above is a deadlock waiting to happen. Every lock is
 * a spinlock that disables interrupts (core/spinlock.h), so an interrupt handler
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
 *   1. handle table lock (ob/handle.c) one process's handle table; nothing is taken
 *                                       under it but a reference count
 *   1b. process.cwd_lock (proc/process.c) the current directory pointer; a leaf
 *   1c. ob_names        (ob/object.c)   the namespace of named objects; nothing is
 *                                       taken under it but a reference count
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
 * This header is the one place the order is written down. The spinlocks in it carry
 * the ranks below (SPINLOCK_INIT_RANKED), and debug builds check them on every
 * acquire (core/lockcheck.c): taking a lock while one of a higher rank is held panics
 * with both places. The sleeping locks are ordered by the same list but not checked.
 */
#ifndef CORE_LOCK_ORDER_H
#define CORE_LOCK_ORDER_H

enum lock_rank {
    LOCK_RANK_NONE = 0, /* not in the order: only recursion and release are checked */
    LOCK_RANK_HANDLES = 10,
    LOCK_RANK_IMAGES = 11,
    LOCK_RANK_CWD = 12,
    LOCK_RANK_NAMES = 13,
    LOCK_RANK_SCHED = 20,
    LOCK_RANK_VMM_SPACE = 30,
    LOCK_RANK_KHEAP = 40,
    LOCK_RANK_PMM = 50,
    LOCK_RANK_PRINTK = 60,
};

#endif
