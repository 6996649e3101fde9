/*
 * Address spaces and their regions. A space is a page-table root plus a sorted
 * array of regions; each region is a page-aligned range in one state (reserved,
 * committed, or guard) with one protection, and remembers the reservation
 * ("allocation base") it was carved from - the model of Windows' VirtualAlloc.
 * Committed memory gets a zeroed frame on first touch, in the page-fault handler.
 *
 * Lock order: vmm_space.lock, then the heap's lock, then the frame allocator's.
 */
#ifndef MM_VMM_H
#define MM_VMM_H

#include <arch/layout.h>
#include <arch/mmu.h>
#include <core/spinlock.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Protections (what a committed page allows). */
#define VM_READ  0x1u
#define VM_WRITE 0x2u
#define VM_EXEC  0x4u
#define VM_PROT_MASK 0x7u
#define VM_PROT_GUARD 0x8u /* vmm_commit/vmm_protect: make the pages guard pages too */

/* The room left at the bottom of a stack when it overflows: the handler runs on it. */
#define VMM_STACK_OVERFLOW_ROOM (4 * PAGE_SIZE)

/* Flags for vmm_reserve. */
#define VM_COMMIT     0x10u /* commit the whole range as well */
#define VM_POPULATE   0x20u /* give every committed page its frame now (no faults later) */
#define VM_GROWS_DOWN 0x40u /* internal: a stack reservation that extends downwards */

enum vm_state {
    VM_FREE,      /* only reported by vmm_query: no region here */
    VM_RESERVED,  /* address space held, no memory behind it */
    VM_COMMITTED, /* memory promised; frames arrive on first touch */
    VM_GUARD,     /* committed, but the first touch raises a guard-page event */
};

struct vm_region {
    vaddr_t start, end;  /* [start, end), page aligned */
    vaddr_t alloc_base;  /* start of the reservation this piece came from */
    vaddr_t grow_limit;  /* VM_GROWS_DOWN: the guard may never move below this */
    uint8_t state;       /* enum vm_state */
    uint8_t prot;        /* VM_READ/WRITE/EXEC; 0 on committed pages: no access */
    uint16_t flags;      /* VM_GROWS_DOWN */
    uint64_t resident;   /* pages of this region that have a frame */
};

typedef struct vmm_space vmm_space_t;

struct vmm_space {
    struct spinlock lock;
    mmu_root_t root;
    vaddr_t lo, hi;   /* regions live in [lo, hi) */
    bool user;        /* user half (pages are user-accessible) */
    /* protected by lock */
    struct vm_region *regions; /* sorted by start, never overlapping */
    size_t count, capacity;
    size_t hint;               /* region the last fault hit: the common case */
    uint64_t resident_pages;   /* frames mapped through regions */
};

/* Results of vmm_handle_fault (0 = resolved). */
enum {
    VMM_FAULT_RESOLVED = 0,
    VMM_FAULT_UNMAPPED = 1,       /* no committed memory at the address */
    VMM_FAULT_PROTECTION = 2,     /* the page does not allow this access */
    VMM_FAULT_STACK_OVERFLOW = 3, /* a stack grew into its overflow room (now committed) */
    VMM_FAULT_GUARD = 4,          /* a one-shot guard page was touched (now normal) */
    VMM_FAULT_NOMEM = 5,          /* no frame left */
    VMM_FAULT_STACK_EXHAUSTED = 6, /* past the overflow room, or no guard left: no stack */
};

/* Set up the kernel space (kernel regions at KERNEL_REGION_BASE). Boot, once,
 * after arch_mmu_init and kheap_init. */
void vmm_init(void);

vmm_space_t *vmm_kernel_space(void);

/* A new user address space (empty user half). NULL when out of memory. */
vmm_space_t *vmm_space_create(void);

/* Free every region, frame and table of a user space. It must not be active. */
void vmm_space_destroy(vmm_space_t *s);

/* Make s the active user space on this CPU (NULL: kernel only). */
void vmm_space_activate(vmm_space_t *s);
vmm_space_t *vmm_current_user_space(void);

/*
 * Reserve size bytes (rounded up to pages). *addr: 0 to let the space choose
 * (lowest fit, 64 KiB aligned like Windows), else the exact page-aligned start.
 * VM_COMMIT commits it too with `prot`. Returns 0 and the start in *addr,
 * K_EINVAL (bad size/address/prot), K_EEXIST (overlaps a region) or K_ENOMEM.
 */
int vmm_reserve(vmm_space_t *s, vaddr_t *addr, size_t size, unsigned prot, unsigned flags);

/* Commit [addr, addr + size) inside one reservation with `prot` (| VM_PROT_GUARD for
 * guard pages). Pages already committed keep their contents and take the new protection. */
int vmm_commit(vmm_space_t *s, vaddr_t addr, size_t size, unsigned prot);

/* Return the frames of [addr, addr + size) and make it reserved again. */
int vmm_decommit(vmm_space_t *s, vaddr_t addr, size_t size);

/* Release the whole reservation that starts at base. */
int vmm_release(vmm_space_t *s, vaddr_t base);

/* Change the protection of committed pages (| VM_PROT_GUARD: guard pages; without it a
 * guard page stops being one); *old gets the first page's old one, VM_PROT_GUARD too. */
int vmm_protect(vmm_space_t *s, vaddr_t addr, size_t size, unsigned prot, unsigned *old);

/* Describe the region containing addr (state VM_FREE with the free gap's bounds
 * when there is none). Returns K_EINVAL if addr is outside the space. */
int vmm_query(vmm_space_t *s, vaddr_t addr, struct vm_region *out);

/*
 * A grows-down stack: reserve `reserve` bytes, commit the top `commit` bytes, and
 * put a guard page below them. Touching the guard commits it and moves the guard
 * one page down; touching a reserved page further down (a big frame allocated
 * without probing) commits everything from there up. Growing into the last
 * VMM_STACK_OVERFLOW_ROOM bytes commits them all and is VMM_FAULT_STACK_OVERFLOW (the
 * thread gets STATUS_STACK_OVERFLOW and runs its handler there); the lowest page is
 * never committed, and a stack that reaches it, or grows with no guard left (an
 * overflow not re-armed with a new guard page), is VMM_FAULT_STACK_EXHAUSTED.
 * *top gets the address just above the stack.
 */
int vmm_reserve_stack(vmm_space_t *s, size_t reserve, size_t commit, unsigned prot,
                      vaddr_t *top);

/*
 * Resolve a page fault at addr in s. `access` is one of VM_READ, VM_WRITE,
 * VM_EXEC; `present` says the page was mapped (a protection fault). Called from
 * the page-fault handler with interrupts off; allocates no heap memory.
 */
int vmm_handle_fault(vmm_space_t *s, vaddr_t addr, unsigned access, bool present);

/*
 * Give the committed, not yet present page at va (page aligned) its frame, filled
 * with len bytes from src (a kernel pointer) and zeros after them: the loader's way
 * to write a page once instead of faulting it in zeroed and then copying over it.
 * With len 0 (src may then be NULL) the page is zeroed, as its first touch would have
 * it. K_EEXIST if the page is already present (copy into it instead), K_EINVAL if it is
 * not committed, K_ENOMEM. Takes the space's lock.
 */
int vmm_fill_page(vmm_space_t *s, vaddr_t va, const void *src, size_t len);

/* One run of an image view (vmm_map_view): `pages` pages with one protection. */
struct vm_view_run {
    uint32_t pages;
    uint8_t prot; /* VM_*: writable runs get private copies of their frames */
};

/*
 * Map a prepared view at exactly base: one reservation made of the runs in order,
 * each committed with its protection. Page i gets frames[i] shared (read-only runs:
 * the frame stays its owner's, and a later change to a writable protection gives the
 * page a private copy first), a private copy of it (writable runs), or, when frames[i]
 * is 0, a zero page on first touch. Returns 0, K_EEXIST if the range is not free,
 * K_EINVAL, or K_ENOMEM (then nothing is left of it).
 */
int vmm_map_view(vmm_space_t *s, vaddr_t base, const struct vm_view_run *runs, size_t nruns,
                 const paddr_t *frames);

/* Copy the page at va into dst (a kernel page). K_ENOENT if it has no frame yet (it
 * would read as zeros), K_EINVAL if va is not page aligned. */
int vmm_read_page(vmm_space_t *s, vaddr_t va, void *dst);

/* Text for a VMM_FAULT_* value. */
const char *vmm_fault_name(int result);

#endif
