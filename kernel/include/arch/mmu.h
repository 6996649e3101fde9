/*
 * The page-table boundary between generic memory code and the CPU port. Generic
 * code speaks in 4 KiB pages and MMU_* permission bits; the port owns the table
 * format, table allocation (from the frame allocator) and TLB invalidation.
 * Callers serialise changes to one address space (the space's lock).
 */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <arch/layout.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MMU_READ   0x01u
#define MMU_WRITE  0x02u
#define MMU_EXEC   0x04u
#define MMU_USER   0x08u
#define MMU_GLOBAL 0x10u /* kernel mappings shared by every space */
#define MMU_SHARED 0x20u /* the frame belongs to someone else (an image section): never
                            released on unmap, never mapped writable */

/* A page-table root, named by the physical address of its top-level table. */
typedef paddr_t mmu_root_t;

/* Where page tables come from: mm's frame allocator installs itself (pmm_init) before
 * arch_mmu_init. alloc_below returns a frame below limit (0: anywhere) or 0. */
struct mmu_frame_source {
    paddr_t (*alloc_below)(paddr_t limit);
    void (*free)(paddr_t pa);
};
void arch_mmu_set_frame_source(const struct mmu_frame_source *src);

/* Build the kernel's own tables (direct map of RAM up to max_phys, kernel image
 * with per-section permissions) and switch to them. Boot CPU, once, after the
 * frame allocator is up. Enables NX, WP, and SMEP/SMAP when the CPU has them. */
void arch_mmu_init(paddr_t max_phys);

/* The kernel root (its upper half is shared by every address space). */
mmu_root_t arch_mmu_kernel_root(void);

/* A new root: empty user half, kernel half shared. Returns 0 if out of memory. */
mmu_root_t arch_mmu_create_root(void);

/* Free a root and every user-half table below it. The caller has already unmapped
 * (and freed) the pages it mapped. Must not be the current root. */
void arch_mmu_destroy_root(mmu_root_t root);

/* Map one page. Allocates missing tables; returns 0, K_ENOMEM, or K_EEXIST if the
 * page is already mapped. */
int arch_mmu_map(mmu_root_t root, vaddr_t va, paddr_t pa, unsigned flags);

/* Map the n pages from va to pas[0..n), all with flags, walking the tables once per
 * page table rather than once per page; a zero frame leaves its page unmapped. *mapped
 * gets the pages mapped, also on failure (they stay mapped). Returns 0, K_ENOMEM, or
 * K_EEXIST if a page is already mapped. */
int arch_mmu_map_frames(mmu_root_t root, vaddr_t va, const paddr_t *pas, size_t n,
                        unsigned flags, size_t *mapped);

/* Unmap every page in [va, va + len) (page aligned), calling release(pa, ctx) for
 * each frame that was mapped (except MMU_SHARED ones), and free tables left empty.
 * Returns pages unmapped. */
size_t arch_mmu_unmap_range(mmu_root_t root, vaddr_t va, size_t len,
                            void (*release)(paddr_t pa, void *ctx), void *ctx);

/* Change the permissions of mapped pages in [va, va + len); unmapped pages are
 * skipped. A page keeps MMU_SHARED; making a shared page writable is a bug (the caller
 * gives it a private copy first). */
void arch_mmu_protect_range(mmu_root_t root, vaddr_t va, size_t len, unsigned flags);

/* Point the mapped page at va to another frame with new flags (in place, the TLB
 * entry flushed). Returns the old frame, or 0 if va is not mapped. */
paddr_t arch_mmu_remap(mmu_root_t root, vaddr_t va, paddr_t pa, unsigned flags);

/* Is va mapped? Gives its frame and MMU_* flags. */
bool arch_mmu_query(mmu_root_t root, vaddr_t va, paddr_t *pa, unsigned *flags);

/* Switch to a root / the root in use now. */
void arch_mmu_switch(mmu_root_t root);
mmu_root_t arch_mmu_current(void);

/* Page-table pages in use, all spaces (for leak checks; cached free tables are not
 * counted). */
uint64_t arch_mmu_table_pages(void);

/* Give the frames of freed tables kept for reuse back to the frame allocator. */
void arch_mmu_trim(void);

#endif
