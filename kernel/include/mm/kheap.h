/*
 * Kernel heap: kmalloc/kfree/krealloc/kcalloc. Blocks up to KHEAP_MAX_SMALL come from
 * size-class slabs, larger ones from whole pages. Every chunk taken from the page
 * provider is KHEAP_CHUNK_SIZE-aligned and starts with its header, so kfree finds the
 * header by masking the pointer: no per-page table, no search. Slabs track their
 * slots in a bitmap, so a double free is always detected; debug heaps add poisoning
 * and red zones.
 */
#ifndef MM_KHEAP_H
#define MM_KHEAP_H

#include <arch/layout.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KHEAP_ALIGN       16    /* every block is aligned to this */
#define KHEAP_CLASSES     8     /* slot sizes 16, 32, ..., 2048 */
#define KHEAP_MIN_CLASS   16
#define KHEAP_MAX_SMALL   2048  /* largest slot; bigger requests take whole pages */
#define KHEAP_CHUNK_PAGES 4     /* a slab is one chunk; large blocks start on one */
#define KHEAP_CHUNK_SIZE  (KHEAP_CHUNK_PAGES * PAGE_SIZE)
#define KHEAP_LARGE_HDR   32    /* bytes before a large block, at its chunk start */
#define KHEAP_SLAB_HDR    160   /* bytes of slab header before a slab's first slot */

/*
 * Debug heaps (the kernel's debug build): each slab block is preceded by a 16-byte
 * header (requested size, a canary and the allocating site) and followed by a red
 * zone of at least 8 bytes; large blocks keep their size and site in the chunk header
 * and a red zone after it. The heap counts live blocks and bytes per site, so a leak
 * (or a cache) names the code that holds it.
 */
#define KHEAP_DEBUG_HDR      16
#define KHEAP_REDZONE_MIN    8
#define KHEAP_POISON_FREE    0x6b /* freed memory; checked again when a slot is reused */
#define KHEAP_POISON_ALLOC   0xa5 /* fresh kmalloc/krealloc memory */
#define KHEAP_POISON_REDZONE 0xcc /* bytes between the requested size and the slot end */

/*
 * Where the heap gets its memory and reports misuse. The heap calls these with its
 * own lock held (if the caller has one).
 */
struct kheap_ops {
    /* n pages, KHEAP_CHUNK_SIZE-aligned, any contents; NULL when out of memory. */
    void *(*alloc_pages)(void *ctx, size_t n);
    /* Give back exactly what one alloc_pages call returned. */
    void (*free_pages)(void *ctx, void *p, size_t n);
    /*
     * Heap misuse detected: `what` names it, `ptr` is the block (as the caller sees
     * it), `size` its requested size when known, else its capacity. Must not be NULL.
     * If it returns, the faulting call changes nothing: kfree returns, krealloc
     * returns NULL, an allocation reusing a slot written after free still succeeds.
     */
    void (*fault)(void *ctx, const char *what, const void *ptr, size_t size);
    void *ctx;
};

struct kheap_stats {
    uint64_t bytes_in_use; /* usable bytes of live blocks (>= what was asked for) */
    uint64_t live_allocs;  /* blocks allocated and not yet freed */
    uint64_t slab_pages;   /* pages held by slabs, empty spares included */
    uint64_t large_allocs; /* live large (whole-page) blocks */
    uint64_t large_pages;  /* pages held by them */
};

/* Live blocks of one allocating site (debug heaps). */
struct kheap_site {
    const void *site; /* the caller's return address, or KHEAP_SITE_UNKNOWN; NULL: */
    uint64_t blocks;  /* in the catch-all entry, sites past the table's size */
    uint64_t bytes;   /* usable bytes, as bytes_in_use counts them */
};
#define KHEAP_SITES        256
#define KHEAP_SITE_UNKNOWN 1 /* allocated with no caller set */

struct kheap_slab; /* private to kheap.c: the header at the start of each slab chunk */

struct kheap_class {
    struct kheap_slab *partial; /* slabs with both free and live slots */
    struct kheap_slab *spare;   /* at most one empty slab kept for reuse */
};

/*
 * ---- Pure core ----------------------------------------------------------------
 * A heap over a caller-owned struct kheap and a page provider. No locks and no
 * globals: host tests drive it directly; the kernel wraps one instance with a lock.
 */
struct kheap {
    struct kheap_ops ops;
    bool debug;
    struct kheap_class classes[KHEAP_CLASSES];
    struct kheap_stats stats;
    /* Debug heaps: the site the next allocation or resize is counted under (the
     * owner of the heap sets it before each call), and the live blocks per site. */
    const void *caller;
    struct kheap_site sites[KHEAP_SITES];
    struct kheap_site site_overflow;
};

/* Set up an empty heap. `debug` turns on poisoning, red zones and canaries. */
void kheap_core_init(struct kheap *h, const struct kheap_ops *ops, bool debug);

/* A block of at least `size` bytes (size 0 gives a minimal block), KHEAP_ALIGN-
 * aligned, zero-filled if `zero`; NULL if the size overflows or the provider fails. */
void *kheap_core_alloc(struct kheap *h, size_t size, bool zero);

/* n * size zeroed bytes; NULL (and no fault) if the product overflows. */
void *kheap_core_calloc(struct kheap *h, size_t n, size_t size);

/* Free a block from this heap; NULL is ignored. Misuse goes to ops.fault. */
void kheap_core_free(struct kheap *h, void *ptr);

/*
 * Resize: NULL ptr acts as alloc, size 0 frees and returns NULL. Keeps the block
 * when the new size needs the same slot class or page count, else moves the
 * contents. Returns NULL, leaving the old block intact, if memory runs out.
 */
void *kheap_core_realloc(struct kheap *h, void *ptr, size_t size);

/* Give the empty spare slabs back to the provider. */
void kheap_core_trim(struct kheap *h);

void kheap_core_stats(const struct kheap *h, struct kheap_stats *out);

/* Debug heaps: the sites with live blocks, up to max of them into out; returns how
 * many there are (more than max when out was too small). Release heaps: 0. */
size_t kheap_core_sites(const struct kheap *h, struct kheap_site *out, size_t max);

/*
 * ---- Kernel heap --------------------------------------------------------------
 * One global heap behind the kheap spinlock, fed by pmm_alloc_contig_below and the
 * direct map. Every call may run with interrupts off or in an IRQ handler (spinlock
 * only, never sleeps); never from NMI, and never from a fault taken inside the heap.
 * Lock order: kheap before pmm. In debug builds misuse panics with the pointer, its
 * size and what happened; release builds still panic on double and invalid frees.
 */

/* Set up the global heap. After pmm_init, boot CPU, once; until then kmalloc fails. */
void kheap_init(void);

/*
 * Physical memory the heap may use ends at `limit` (it reaches its pages through the
 * direct map). Starts as the boot direct map (BOOT_DIRECT_MAP_GIB); raise it once the
 * direct map covers more. Any context.
 */
void kheap_set_phys_limit(paddr_t limit);

void *kmalloc(size_t size);                 /* as kheap_core_alloc, not zeroed */
void *kcalloc(size_t n, size_t size);       /* as kheap_core_calloc */
void *krealloc(void *ptr, size_t size);     /* as kheap_core_realloc */
void kfree(void *ptr);                      /* as kheap_core_free; NULL ignored */
void kheap_trim(void);                      /* as kheap_core_trim */
void kheap_get_stats(struct kheap_stats *out);
/* As kheap_core_sites for the global heap (debug builds; 0 in release builds). */
size_t kheap_get_sites(struct kheap_site *out, size_t max);

#endif /* MM_KHEAP_H */
