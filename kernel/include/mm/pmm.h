/*
 * Physical frame allocator. One bit per 4 KiB frame (1 = free) plus summary levels
 * (bit i set = word i of the level below has a free frame), so a single alloc or free
 * is O(levels) and always returns the lowest free frame. Which frames the allocator
 * owns is kept as a sorted table of ranges, so a double free or a free of a frame it
 * never owned is detected. It never reads or writes the frames it hands out.
 */
#ifndef MM_PMM_H
#define MM_PMM_H

#include <arch/layout.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mb2_info;

#define PMM_FRAME_SHIFT 12
#define PMM_LOW_RESERVED 0x100000ull /* the first 1 MiB (BIOS, VGA) is never handed out */
/* Memory below this is kept for what needs low frames (pmm_*_below, ISA-style DMA):
 * boot modules are moved out of it at boot (pmm_move_modules_high). */
#define PMM_LOW_POOL_END 0x1000000ull
#define PMM_MAX_PHYS (1ull << 52)    /* x86_64 physical address width; RAM above is ignored */
#define PMM_NO_LIMIT (~(paddr_t)0)   /* `limit` argument: any frame */

/*
 * Summary levels: level 0 has one bit per frame, each level above one bit per word of
 * the level below, until a level fits one word. 8 levels cover 2^48 frames > 2^52 B.
 */
#define PMM_MAX_LEVELS 8

/* Owned frames as disjoint, sorted ranges: available RAM minus every reservation.
 * Each reservation can split at most one range; pieces that do not fit are dropped
 * (never handed out) and counted in lost_frames. */
#define PMM_MAX_RANGES 384

/* A physical range [start, end). */
struct pmm_range {
    paddr_t start;
    paddr_t end;
};

struct pmm_stats {
    uint64_t total; /* frames the allocator owns */
    uint64_t free;  /* of those, not allocated */
    uint64_t used;  /* total - free */
    paddr_t top;    /* end of the highest owned frame */
};

/*
 * ---- Pure core ----------------------------------------------------------------
 * Operates on a caller-owned struct pmm; no locks, no printing, no globals, so host
 * tests drive it directly. The kernel wraps one instance with a spinlock below.
 */
struct pmm {
    uint64_t *level[PMM_MAX_LEVELS];     /* level[0]: 1 bit per frame, 1 = free */
    uint64_t level_bits[PMM_MAX_LEVELS]; /* bits in use at each level */
    unsigned levels;                     /* 0 before pmm_core_build succeeds */
    uint64_t frames;                     /* level 0 covers frames [0, frames) */
    struct pmm_range ranges[PMM_MAX_RANGES]; /* owned frames, sorted, page-aligned */
    size_t range_count;
    uint64_t total_frames;
    uint64_t free_frames;
    uint64_t low_free;                   /* no frame below it is free: searches for the
                                            lowest free frame start here */
    uint64_t lost_frames;                /* usable RAM dropped: table full, bitmap too big */
    paddr_t meta_start, meta_end;        /* where the bitmap levels live */
};

/*
 * Maps the metadata block [pa, pa + len) for the allocator's own use and returns a
 * pointer to it (the kernel: phys_to_virt), or NULL if it cannot. The memory need not
 * be zeroed. Called at most once per pmm_core_build.
 */
typedef void *(*pmm_map_fn)(void *ctx, paddr_t pa, size_t len);

/* Bytes of bitmap metadata needed to cover frames [0, frames). */
size_t pmm_core_meta_bytes(uint64_t frames);

/*
 * Builds the allocator from the multiboot2 memory map. Owned frames are the
 * MB2_MMAP_AVAILABLE entries shrunk inward to whole frames, minus (rounded outward):
 * the first PMM_LOW_RESERVED bytes, every other-typed map entry, every module in
 * mb->modules, each of the `nextra` ranges in `extra` (kernel image, info block), and
 * the metadata itself, which goes at the start of the lowest remaining range that
 * holds it entirely below `meta_limit`. Entries that wrap or lie above PMM_MAX_PHYS
 * are clipped. If the bitmap for the highest RAM fits nowhere below meta_limit, the
 * highest ranges are given up (counted in lost_frames) until it does. Returns 0;
 * K_ENOMEM if no RAM is left or even the lowest range cannot hold its own metadata;
 * K_EINVAL for NULL arguments or if map_meta returns NULL.
 */
int pmm_core_build(struct pmm *p, const struct mb2_info *mb, const struct pmm_range *extra,
                   size_t nextra, paddr_t meta_limit, pmm_map_fn map_meta, void *ctx);

/*
 * Where the boot modules that start below `low` can be put, one after the other, each
 * page-aligned and at its old offset in its page: the lowest address `dest` >= low with
 * [dest, dest + *bytes) ending at or below `high`, inside one available map entry, and
 * clear of every other-typed entry, every module (moved or not) and each `extra` range.
 * *bytes is the room needed (0: nothing to move, *dest 0). Returns 0, or K_ENOMEM if
 * no such place exists.
 */
int pmm_core_modules_target(const struct mb2_info *mb, const struct pmm_range *extra,
                            size_t nextra, paddr_t low, paddr_t high, paddr_t *dest,
                            paddr_t *bytes);

/* The lowest free frame below `limit` (PMM_NO_LIMIT: any), now allocated; 0 if none. */
paddr_t pmm_core_alloc(struct pmm *p, paddr_t limit);

/*
 * The lowest run of `count` free frames starting on a multiple of `align` frames
 * (align 0 or 1: any frame; otherwise a power of two) and ending at or below `limit`,
 * now allocated; 0 if none, or if count is 0 or align is not a power of two.
 * Cost: a scan, O(free runs skipped).
 */
paddr_t pmm_core_alloc_contig(struct pmm *p, size_t count, size_t align, paddr_t limit);

/*
 * Frees `count` frames from `pa`. All are checked before any is freed: returns 0,
 * or, changing nothing, K_EINVAL (pa not frame-aligned, count 0 or wrapping), K_ENOENT
 * (a frame the allocator never owned: reserved, a hole, the metadata), K_EEXIST (a
 * frame that is already free: a double free).
 */
int pmm_core_free(struct pmm *p, paddr_t pa, size_t count);

void pmm_core_stats(const struct pmm *p, struct pmm_stats *out);

/* Is the frame holding pa owned by the allocator (free or allocated)? */
bool pmm_core_owns(const struct pmm *p, paddr_t pa);

/*
 * Consistency check for tests: every summary bit matches the level below, no bit is
 * set outside the owned ranges, and free_frames equals the bits set. 0 or K_EINVAL.
 * O(frames).
 */
int pmm_core_verify(const struct pmm *p);

/*
 * ---- Kernel allocator ---------------------------------------------------------
 * One global instance behind the pmm spinlock. Every call below may run with
 * interrupts off, in IRQ handlers and in the page-fault handler (no sleeping, no
 * allocation, never touches frame contents); never from NMI. Lock order: the heap
 * lock (kheap) is taken before the pmm lock, never the other way round.
 */

/*
 * Builds the global allocator. kernel_* and info_* are the physical ranges of the
 * loaded kernel image and of the multiboot2 info block (both kept out of the pool;
 * mb->modules are too). The metadata is placed below the boot direct map
 * (BOOT_DIRECT_MAP_GIB) and reached through it. Logs a summary. Panics if no usable
 * memory is found. Boot CPU, once, before any other pmm_* call; until then every
 * allocation fails.
 */
void pmm_init(const struct mb2_info *mb, paddr_t kernel_start, paddr_t kernel_end,
              paddr_t info_start, paddr_t info_end);

/*
 * GRUB loads modules from the bottom of RAM up, so tens of MiB of programs and DLLs
 * would fill the memory below PMM_LOW_POOL_END. Before pmm_init, this moves every
 * module that starts there to the lowest place above it that holds them all (see
 * pmm_core_modules_target; searched below the boot direct map) and updates mb->modules,
 * so their old frames join the pool. Modules stay where they are, with a warning, if no
 * place is found. Boot CPU, once, through the boot direct map.
 */
void pmm_move_modules_high(struct mb2_info *mb, paddr_t kernel_start, paddr_t kernel_end,
                           paddr_t info_start, paddr_t info_end);

/* One frame, the lowest free one; 0 when memory is exhausted (frame 0 is never handed
 * out). The frame may lie above the direct map: the caller maps it before use. */
paddr_t pmm_alloc_frame(void);

/* The same, but only a frame whose end is at or below `limit` (e.g. 4 GiB while
 * building the direct map); 0 if there is none. */
paddr_t pmm_alloc_frame_below(paddr_t limit);

/*
 * `count` contiguous frames whose first frame number is a multiple of `align_frames`
 * (0 or 1: no constraint; otherwise a power of two), ending at or below `limit`
 * (pmm_alloc_contig: anywhere). Returns the physical address of the first, or 0.
 */
paddr_t pmm_alloc_contig(size_t count, size_t align_frames);
paddr_t pmm_alloc_contig_below(size_t count, size_t align_frames, paddr_t limit);

/* Return frames to the pool. A misaligned address, a frame not owned by the pool or a
 * frame already free is a kernel bug: panics naming the address and the problem. */
void pmm_free_frame(paddr_t pa);
void pmm_free_contig(paddr_t pa, size_t count);
/* n single frames at once, under one taking of the pool's lock (the same checks). */
void pmm_free_frames(const paddr_t *pas, size_t n);

/* A consistent snapshot of the counters (all zero before pmm_init). */
void pmm_get_stats(struct pmm_stats *out);

#endif /* MM_PMM_H */
