/*
 * x86_64 4-level page tables. Tables live in frames from the frame allocator and
 * are reached through the direct map. The kernel half (PML4 entries 256-511) is
 * created once at boot and shared by pointer with every address space, so kernel
 * mappings never need to be copied between spaces.
 *
 * Every entry that points to a table also counts the present entries of that table,
 * in bits 52-61, which the processor ignores in non-leaf entries. Unmapping the last
 * page of a table frees it at once, with no scan of its 512 entries.
 */
#include "x86.h"
#include <arch/mmu.h>
#include <core/panic.h>
#include <core/printk.h>
#include <core/sections.h>
#include <core/spinlock.h>
#include <lib/errno.h>
#include <lib/string.h>

#define PTE_P    (1ull << 0)
#define PTE_W    (1ull << 1)
#define PTE_U    (1ull << 2)
#define PTE_PS   (1ull << 7)
#define PTE_G    (1ull << 8)
#define PTE_SHARED (1ull << 9) /* software bit: MMU_SHARED */
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

/* Present entries of the table a non-leaf entry points to (0..512). */
#define PTE_COUNT_SHIFT 52
#define PTE_COUNT_ONE   (1ull << PTE_COUNT_SHIFT)
#define PTE_COUNT_MASK  (0x3ffull << PTE_COUNT_SHIFT)

#define CR4_PGE  (1ull << 7)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)

#define LARGE_2M (2ull << 20)
#define LARGE_1G (1ull << 30)

typedef uint64_t pte_t;

static mmu_root_t kernel_root;
/* While the full direct map is being built, tables must come from the part the
 * boot tables already map. 0 once every frame is reachable. */
static paddr_t table_frame_limit = (paddr_t)BOOT_DIRECT_MAP_GIB << 30;
static bool have_nx;

/*
 * Freed tables, kept for reuse without clearing them again: a table is freed when
 * its count drops to zero, so all its entries are already clear, and a root whose
 * user half is empty again is a ready-made root (the kernel half never changes after
 * boot). Most spawns take every table from here. arch_mmu_trim empties the caches.
 */
#define TABLE_CACHE 16
static struct spinlock table_lock = SPINLOCK_INIT("mmu_tables");
static paddr_t zero_tables[TABLE_CACHE]; /* protected by table_lock */
static paddr_t empty_roots[TABLE_CACHE]; /* protected by table_lock */
static size_t zero_count, root_count;    /* protected by table_lock */
static uint64_t table_pages;             /* in use; protected by table_lock */

static const struct mmu_frame_source *frames; /* mm's frame allocator */

void arch_mmu_set_frame_source(const struct mmu_frame_source *src)
{
    frames = src;
}

static pte_t *table_virt(paddr_t pa)
{
    return phys_to_virt(pa);
}

/* A frame from one of the caches (0 if it is empty), counted as in use. */
static paddr_t cache_take(paddr_t *cache, size_t *count)
{
    paddr_t pa = 0;

    spin_lock(&table_lock);
    if (*count)
        pa = cache[--*count];
    if (pa)
        table_pages++;
    spin_unlock(&table_lock);
    return pa;
}

/* Keep a freed table in a cache if there is room; false if there is none. */
static bool cache_put(paddr_t *cache, size_t *count, paddr_t pa)
{
    bool kept = false;

    spin_lock(&table_lock);
    if (*count < TABLE_CACHE) {
        cache[(*count)++] = pa;
        kept = true;
    }
    table_pages--;
    spin_unlock(&table_lock);
    return kept;
}

static paddr_t table_alloc(void)
{
    paddr_t pa = cache_take(zero_tables, &zero_count);

    if (pa)
        return pa;
    pa = frames ? frames->alloc_below(table_frame_limit) : 0;
    if (!pa)
        return 0;
    memset(table_virt(pa), 0, PAGE_SIZE);
    spin_lock(&table_lock);
    table_pages++;
    spin_unlock(&table_lock);
    return pa;
}

/* Free a table whose entries are all clear. */
static void table_free_zeroed(paddr_t pa)
{
    if (!cache_put(zero_tables, &zero_count, pa))
        frames->free(pa);
}

void arch_mmu_trim(void)
{
    paddr_t pa;

    for (;;) {
        spin_lock(&table_lock);
        pa = zero_count ? zero_tables[--zero_count] : root_count ? empty_roots[--root_count] : 0;
        spin_unlock(&table_lock);
        if (!pa)
            return;
        frames->free(pa);
    }
}

static pte_t pte_flags(unsigned flags)
{
    pte_t f = PTE_P;

    if (flags & MMU_WRITE)
        f |= PTE_W;
    if (flags & MMU_USER)
        f |= PTE_U;
    if (flags & MMU_GLOBAL)
        f |= PTE_G;
    if (flags & MMU_SHARED)
        f |= PTE_SHARED;
    if (!(flags & MMU_EXEC) && have_nx)
        f |= PTE_NX;
    return f;
}

static unsigned mmu_flags(pte_t e)
{
    unsigned f = MMU_READ;

    if (e & PTE_W)
        f |= MMU_WRITE;
    if (e & PTE_U)
        f |= MMU_USER;
    if (e & PTE_G)
        f |= MMU_GLOBAL;
    if (e & PTE_SHARED)
        f |= MMU_SHARED;
    if (!(e & PTE_NX))
        f |= MMU_EXEC;
    return f;
}

static unsigned index_at(vaddr_t va, int level)
{
    return (unsigned)(va >> (12 + 9 * level)) & 511;
}

static unsigned table_count(pte_t e)
{
    return (unsigned)((e & PTE_COUNT_MASK) >> PTE_COUNT_SHIFT);
}

/* One more or one fewer present entry in the table `link` points to (link may be
 * NULL: the root, whose entries nobody counts). */
static void count_add(pte_t *link, int delta)
{
    if (link)
        *link += (uint64_t)(int64_t)delta * PTE_COUNT_ONE;
}

/*
 * The entry for va at `level` (0 = PT entry), creating intermediate tables when
 * `create`. NULL when a table is missing (and not created) or a large page is in
 * the way. *link gets the entry that points to the table holding the result (NULL
 * for the root), whose count a new or removed entry must change. Intermediate
 * entries are always user-accessible and writable: the leaf decides the real
 * permission.
 */
static pte_t *walk(mmu_root_t root, vaddr_t va, int level, bool create, pte_t **link)
{
    pte_t *table = table_virt(root), *up = NULL;

    for (int l = 3; l > level; l--) {
        pte_t *e = &table[index_at(va, l)];
        if (!(*e & PTE_P)) {
            if (!create)
                return NULL;
            paddr_t pa = table_alloc();
            if (!pa)
                return NULL;
            *e = pa | PTE_P | PTE_W | (va < DIRECT_MAP_BASE ? PTE_U : 0);
            count_add(up, 1);
        } else if (*e & PTE_PS) {
            return NULL;
        }
        up = e;
        table = table_virt(*e & PTE_ADDR);
    }
    if (link)
        *link = up;
    return &table[index_at(va, level)];
}

static void tlb_flush_page(vaddr_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

int arch_mmu_map(mmu_root_t root, vaddr_t va, paddr_t pa, unsigned flags)
{
    pte_t *link;
    pte_t *e = walk(root, va, 0, true, &link);

    if (!e)
        return K_ENOMEM;
    if (*e & PTE_P)
        return K_EEXIST;
    ASSERT(!((flags & MMU_SHARED) && (flags & MMU_WRITE)));
    *e = (pa & PTE_ADDR) | pte_flags(flags);
    count_add(link, 1);
    /* Not-present entries are never cached, so no flush is needed. */
    return 0;
}

int arch_mmu_map_frames(mmu_root_t root, vaddr_t va, const paddr_t *pas, size_t n,
                        unsigned flags, size_t *mapped)
{
    pte_t f = pte_flags(flags);

    ASSERT(!((flags & MMU_SHARED) && (flags & MMU_WRITE)));
    *mapped = 0;
    for (size_t i = 0; i < n;) {
        if (!pas[i]) {
            i++;
            continue;
        }
        vaddr_t at = va + i * PAGE_SIZE;
        pte_t *link;
        pte_t *e = walk(root, at, 0, true, &link);
        if (!e)
            return K_ENOMEM;
        /* The rest of this page table's entries, one by one. */
        for (size_t k = index_at(at, 0); k < 512 && i < n; k++, i++, e++) {
            if (!pas[i])
                continue;
            if (*e & PTE_P)
                return K_EEXIST;
            *e = (pas[i] & PTE_ADDR) | f;
            count_add(link, 1);
            (*mapped)++;
        }
    }
    return 0;
}

paddr_t arch_mmu_remap(mmu_root_t root, vaddr_t va, paddr_t pa, unsigned flags)
{
    pte_t *e = walk(root, va, 0, false, NULL);

    if (!e || !(*e & PTE_P))
        return 0;
    ASSERT(!((flags & MMU_SHARED) && (flags & MMU_WRITE)));
    paddr_t old = *e & PTE_ADDR;
    *e = (pa & PTE_ADDR) | pte_flags(flags);
    if (root == arch_mmu_current() || va >= DIRECT_MAP_BASE)
        tlb_flush_page(va);
    return old;
}

bool arch_mmu_query(mmu_root_t root, vaddr_t va, paddr_t *pa, unsigned *flags)
{
    pte_t *table = table_virt(root);

    for (int l = 3; l >= 0; l--) {
        pte_t e = table[index_at(va, l)];
        if (!(e & PTE_P))
            return false;
        if (l == 0 || (e & PTE_PS)) {
            uint64_t page = l == 0 ? PAGE_SIZE : (1ull << (12 + 9 * l));
            if (pa)
                *pa = (e & PTE_ADDR & ~(page - 1)) + (va & (page - 1));
            if (flags)
                *flags = mmu_flags(e);
            return true;
        }
        table = table_virt(e & PTE_ADDR);
    }
    return false;
}

struct unmap_walk {
    void (*release)(paddr_t pa, void *ctx);
    void *ctx;
    bool flush;
    size_t pages;
};

/* Unmap [va, end) inside `table` at `level`, which `link` points to; frees child
 * tables whose count drops to zero. */
static void unmap_level(struct unmap_walk *w, pte_t *link, pte_t *table, int level,
                        vaddr_t va, vaddr_t end)
{
    uint64_t span = 1ull << (12 + 9 * level);

    while (va < end) {
        vaddr_t next = (va & ~(span - 1)) + span;
        if (next > end || next == 0)
            next = end;
        pte_t *e = &table[index_at(va, level)];
        if (*e & PTE_P) {
            if (level == 0) {
                pte_t old = *e;
                *e = 0;
                count_add(link, -1);
                if (w->flush)
                    tlb_flush_page(va);
                if (w->release && !(old & PTE_SHARED))
                    w->release(old & PTE_ADDR, w->ctx);
                w->pages++;
            } else {
                ASSERT(!(*e & PTE_PS)); /* large pages are the kernel's own */
                unmap_level(w, e, table_virt(*e & PTE_ADDR), level - 1, va, next);
                if (table_count(*e) == 0) {
                    paddr_t pa = *e & PTE_ADDR;
                    *e = 0;
                    count_add(link, -1);
                    table_free_zeroed(pa);
                }
            }
        }
        va = next;
    }
}

size_t arch_mmu_unmap_range(mmu_root_t root, vaddr_t va, size_t len,
                            void (*release)(paddr_t pa, void *ctx), void *ctx)
{
    /* The kernel half is shared by every root (and mapped global): always flush it. */
    struct unmap_walk w = { release, ctx, root == arch_mmu_current() || va >= DIRECT_MAP_BASE,
                            0 };

    /* Kernel-half tables are shared by every space: keep the top-level entries. */
    pte_t *pml4 = table_virt(root);
    vaddr_t end = va + len;
    while (va < end) {
        uint64_t span = 1ull << 39;
        vaddr_t next = (va & ~(span - 1)) + span;
        if (next > end || next == 0)
            next = end;
        pte_t *e = &pml4[index_at(va, 3)];
        if (*e & PTE_P) {
            unmap_level(&w, e, table_virt(*e & PTE_ADDR), 2, va, next);
            if (va < DIRECT_MAP_BASE && table_count(*e) == 0) {
                paddr_t pa = *e & PTE_ADDR;
                *e = 0;
                table_free_zeroed(pa);
            }
        }
        va = next;
    }
    return w.pages;
}

void arch_mmu_protect_range(mmu_root_t root, vaddr_t va, size_t len, unsigned flags)
{
    bool flush = root == arch_mmu_current() || va >= DIRECT_MAP_BASE;

    for (vaddr_t p = va; p < va + len; p += PAGE_SIZE) {
        pte_t *e = walk(root, p, 0, false, NULL);
        if (!e || !(*e & PTE_P))
            continue;
        ASSERT(!((*e & PTE_SHARED) && (flags & MMU_WRITE)));
        *e = (*e & (PTE_ADDR | PTE_SHARED)) | pte_flags(flags);
        if (flush)
            tlb_flush_page(p);
    }
}

mmu_root_t arch_mmu_kernel_root(void)
{
    return kernel_root;
}

mmu_root_t arch_mmu_create_root(void)
{
    paddr_t root = cache_take(empty_roots, &root_count);

    if (root)
        return root;
    root = table_alloc();
    if (!root)
        return 0;
    memcpy(table_virt(root) + 256, table_virt(kernel_root) + 256, 256 * sizeof(pte_t));
    return root;
}

/* True if entries 0-255 of pml4 are all zero. */
static bool user_half_clear(const pte_t *pml4)
{
    const pte_t *p = pml4;
    uint64_t left = 256;

    __asm__ volatile("repe scasq"
                     : "+D"(p), "+c"(left)
                     : "a"(0ull)
                     : "cc", "memory");
    /* Stopped early (left != 0) or on a nonzero last entry. */
    return left == 0 && pml4[255] == 0;
}

void arch_mmu_destroy_root(mmu_root_t root)
{
    pte_t *pml4 = table_virt(root);

    ASSERT(root != arch_mmu_current() && root != kernel_root);
    /* Whatever user tables remain (the caller unmapped the pages, so usually none). A
     * user-half entry is either present or all zero, so one string scan for a nonzero
     * entry tells whether any remain: one step an entry instead of a loop's five. */
    if (!user_half_clear(pml4)) {
        for (unsigned i = 0; i < 256; i++) {
            if (pml4[i] & PTE_P)
                arch_mmu_unmap_range(root, (vaddr_t)i << 39, 1ull << 39, NULL, NULL);
        }
    }
    if (!cache_put(empty_roots, &root_count, root))
        frames->free(root);
}

void arch_mmu_switch(mmu_root_t root)
{
    if (x86_read_cr3() != root)
        x86_write_cr3(root);
}

mmu_root_t arch_mmu_current(void)
{
    return x86_read_cr3() & PTE_ADDR;
}

uint64_t arch_mmu_table_pages(void)
{
    spin_lock(&table_lock);
    uint64_t n = table_pages;
    spin_unlock(&table_lock);
    return n;
}

/* Map [pa, pa + len) at DIRECT_MAP_BASE + pa with the largest pages that fit. */
static void map_direct(paddr_t pa, paddr_t end, bool gib_pages)
{
    pte_t flags = PTE_P | PTE_W | PTE_G | (have_nx ? PTE_NX : 0);

    pa &= ~(LARGE_2M - 1);
    while (pa < end) {
        vaddr_t va = DIRECT_MAP_BASE + pa;
        pte_t *link;
        if (gib_pages && !(pa & (LARGE_1G - 1)) && end - pa >= LARGE_1G) {
            pte_t *e = walk(kernel_root, va, 2, true, &link);
            ASSERT(e);
            if (!(*e & PTE_P)) {
                *e = pa | flags | PTE_PS;
                count_add(link, 1);
            }
            pa += LARGE_1G;
            continue;
        }
        pte_t *e = walk(kernel_root, va, 1, true, &link);
        ASSERT(e);
        if (!(*e & PTE_P)) {
            *e = pa | flags | PTE_PS;
            count_add(link, 1);
        }
        pa += LARGE_2M;
    }
}

static void map_image(vaddr_t start, vaddr_t end, unsigned flags)
{
    for (vaddr_t va = start & ~(vaddr_t)(PAGE_SIZE - 1); va < end; va += PAGE_SIZE) {
        int rc = arch_mmu_map(kernel_root, va, kimage_to_phys((void *)va), flags | MMU_GLOBAL);
        if (rc)
            panic("mmu: cannot map the kernel image at %p (%d)", (void *)va, rc);
    }
}

void arch_mmu_init(paddr_t max_phys)
{
    uint32_t r[4], ext[4], leaf7[4] = { 0 };

    x86_cpuid(0x80000001, 0, ext);
    x86_cpuid(0, 0, r);
    if (r[0] >= 7)
        x86_cpuid(7, 0, leaf7);
    have_nx = ext[3] & (1u << 20);
    bool gib_pages = ext[3] & (1u << 26);

    kernel_root = table_alloc();
    if (!kernel_root)
        panic("mmu: no memory for the kernel page tables");
    /* Every kernel-half top-level table exists from the start, so spaces created
     * later can share them by copying 256 entries once. */
    for (int i = 256; i < 512; i++) {
        paddr_t t = table_alloc();
        if (!t)
            panic("mmu: no memory for the kernel page tables");
        table_virt(kernel_root)[i] = t | PTE_P | PTE_W;
    }

    /* The first 4 GiB (RAM, firmware tables, VGA) and all RAM above. */
    map_direct(0, (paddr_t)BOOT_DIRECT_MAP_GIB << 30, gib_pages);
    if (max_phys > ((paddr_t)BOOT_DIRECT_MAP_GIB << 30))
        map_direct((paddr_t)BOOT_DIRECT_MAP_GIB << 30, max_phys, gib_pages);

    map_image((vaddr_t)__kernel_start, (vaddr_t)__text_start, MMU_READ);
    map_image((vaddr_t)__text_start, (vaddr_t)__text_end, MMU_READ | MMU_EXEC);
    map_image((vaddr_t)__rodata_start, (vaddr_t)__rodata_end, MMU_READ);
    map_image((vaddr_t)__data_start, (vaddr_t)__kernel_end, MMU_READ | MMU_WRITE);

    uint64_t cr4 = x86_read_cr4() | CR4_PGE;
    if (leaf7[1] & (1u << 7))
        cr4 |= CR4_SMEP;
    if (leaf7[1] & (1u << 20))
        cr4 |= CR4_SMAP;
    x86_write_cr3(kernel_root);
    x86_write_cr4(cr4);
    table_frame_limit = 0;
    pr_info("mmu: kernel tables at %#llx, direct map to %#llx, NX %s, SMEP %s, SMAP %s\n",
            (unsigned long long)kernel_root, (unsigned long long)max_phys,
            have_nx ? "on" : "off", (cr4 & CR4_SMEP) ? "on" : "off",
            (cr4 & CR4_SMAP) ? "on" : "off");
}
