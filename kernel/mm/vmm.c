/*
 * Address spaces and regions (see <mm/vmm.h>). Regions are kept in a sorted array:
 * a fault looks at the region it hit last time, then binary-searches, so the hot
 * path never scans. Operations that change a range first split regions at its
 * edges, change the whole pieces, then merge neighbours that became identical.
 */
#include <arch/layout.h>
#include <arch/mmu.h>
#include <arch/percpu.h>
#include <arch/trap.h>
#include <core/lock_order.h>
#include <core/panic.h>
#include <core/printk.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/kstack.h>
#include <mm/pmm.h>
#include <mm/vmm.h>

#define ALLOC_GRANULARITY 0x10000 /* where "anywhere" reservations start, as on Windows */

static vmm_space_t kernel_space;

static const char *const fault_names[] = {
    [VMM_FAULT_RESOLVED] = "resolved",
    [VMM_FAULT_UNMAPPED] = "no committed memory at this address",
    [VMM_FAULT_PROTECTION] = "access not allowed by the page's protection",
    [VMM_FAULT_STACK_OVERFLOW] = "stack overflow (into the last room of the reserve)",
    [VMM_FAULT_GUARD] = "guard page touched",
    [VMM_FAULT_STACK_EXHAUSTED] = "stack exhausted (no room left for a handler)",
    [VMM_FAULT_NOMEM] = "out of memory",
};

const char *vmm_fault_name(int result)
{
    if (result < 0 || result > VMM_FAULT_NOMEM)
        return "unknown";
    return fault_names[result];
}

static unsigned mmu_prot(const vmm_space_t *s, unsigned prot)
{
    unsigned f = MMU_READ;

    if (prot & VM_WRITE)
        f |= MMU_WRITE;
    if (prot & VM_EXEC)
        f |= MMU_EXEC;
    /* A committed page without access (PAGE_NOACCESS) stays mapped, so its contents
     * survive, but for the kernel only: every user access faults. */
    if (s->user && (prot & VM_READ))
        f |= MMU_USER;
    if (!s->user)
        f |= MMU_GLOBAL;
    return f;
}

static bool range_ok(const vmm_space_t *s, vaddr_t addr, size_t size)
{
    return size > 0 && !(addr & (PAGE_SIZE - 1)) && !(size & (PAGE_SIZE - 1)) &&
           addr >= s->lo && addr + size > addr && addr + size <= s->hi;
}

static size_t page_round_up(size_t size)
{
    return (size + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
}

/* Index of the first region whose end is above addr (count if none). */
static size_t find_index_locked(const vmm_space_t *s, vaddr_t addr)
{
    spin_assert_held(&s->lock);
    size_t lo = 0, hi = s->count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->regions[mid].end <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The region containing addr, or NULL. Tries the fault hint first. */
static struct vm_region *find_locked(vmm_space_t *s, vaddr_t addr)
{
    spin_assert_held(&s->lock);
    if (s->hint < s->count) {
        struct vm_region *r = &s->regions[s->hint];
        if (addr >= r->start && addr < r->end)
            return r;
    }
    size_t i = find_index_locked(s, addr);
    if (i < s->count && s->regions[i].start <= addr) {
        s->hint = i;
        return &s->regions[i];
    }
    return NULL;
}

/* Open a gap of n entries at index `at` (contents undefined; count includes them). */
static int open_gap_locked(vmm_space_t *s, size_t at, size_t n)
{
    spin_assert_held(&s->lock);
    if (s->count + n > s->capacity) {
        size_t cap = s->capacity ? s->capacity : 16;
        while (cap < s->count + n)
            cap *= 2;
        struct vm_region *grown = krealloc(s->regions, cap * sizeof *grown);
        if (!grown)
            return K_ENOMEM;
        s->regions = grown;
        s->capacity = cap;
    }
    memmove(&s->regions[at + n], &s->regions[at], (s->count - at) * sizeof s->regions[0]);
    s->count += n;
    return 0;
}

static int insert_locked(vmm_space_t *s, size_t at, const struct vm_region *r)
{
    spin_assert_held(&s->lock);
    int rc = open_gap_locked(s, at, 1);

    if (!rc)
        s->regions[at] = *r;
    return rc;
}

/* Remove regions[at .. at + n - 1]. */
static void remove_n_locked(vmm_space_t *s, size_t at, size_t n)
{
    spin_assert_held(&s->lock);
    memmove(&s->regions[at], &s->regions[at + n], (s->count - at - n) * sizeof s->regions[0]);
    s->count -= n;
    s->hint = 0;
}

static void remove_locked(vmm_space_t *s, size_t at)
{
    spin_assert_held(&s->lock);
    remove_n_locked(s, at, 1);
}

/* Make addr a region boundary (no-op if it already is, or lies outside regions). */
static int split_locked(vmm_space_t *s, vaddr_t addr)
{
    spin_assert_held(&s->lock);
    size_t i = find_index_locked(s, addr);

    if (i == s->count || s->regions[i].start >= addr)
        return 0;
    struct vm_region upper = s->regions[i];
    upper.start = addr;
    upper.resident = 0; /* recounted below */
    int rc = insert_locked(s, i + 1, &upper);
    if (rc)
        return rc;
    s->regions[i].end = addr;
    /* Split the resident count by asking the page tables (edits, not faults, and
     * only when the region has frames at all: fresh reservations split for free). */
    uint64_t low = 0;
    if (s->regions[i].resident) {
        for (vaddr_t va = s->regions[i].start; va < addr; va += PAGE_SIZE)
            low += arch_mmu_query(s->root, va, NULL, NULL);
    }
    s->regions[i + 1].resident = s->regions[i].resident - low;
    s->regions[i].resident = low;
    return 0;
}

static bool same_kind(const struct vm_region *a, const struct vm_region *b)
{
    return a->end == b->start && a->alloc_base == b->alloc_base && a->state == b->state &&
           a->prot == b->prot && a->flags == b->flags && a->grow_limit == b->grow_limit;
}

/* Merge identical neighbours in regions[from .. to]. */
static void merge_locked(vmm_space_t *s, size_t from, size_t to)
{
    spin_assert_held(&s->lock);
    if (from > 0)
        from--;
    for (size_t i = from; i + 1 < s->count && i <= to;) {
        if (same_kind(&s->regions[i], &s->regions[i + 1])) {
            s->regions[i].end = s->regions[i + 1].end;
            s->regions[i].resident += s->regions[i + 1].resident;
            remove_locked(s, i + 1);
            if (to > 0)
                to--;
        } else {
            i++;
        }
    }
}

/* Split at both ends; gives the index range [*first, *last] covering the range, and
 * checks that it is fully covered by one reservation. */
static int isolate_locked(vmm_space_t *s, vaddr_t addr, size_t size, size_t *first,
                          size_t *last)
{
    spin_assert_held(&s->lock);
    vaddr_t end = addr + size;
    int rc = split_locked(s, addr);

    if (!rc)
        rc = split_locked(s, end);
    if (rc)
        return rc;
    size_t i = find_index_locked(s, addr);
    if (i == s->count || s->regions[i].start != addr)
        return K_EINVAL;
    size_t j = i;
    while (s->regions[j].end < end) {
        if (j + 1 == s->count || s->regions[j + 1].start != s->regions[j].end ||
            s->regions[j + 1].alloc_base != s->regions[i].alloc_base)
            return K_EINVAL;
        j++;
    }
    *first = i;
    *last = j;
    return 0;
}

/* Frames unmapped and not yet given back: freed FRAME_BATCH at a time, under one
 * taking of the pool's lock. */
#define FRAME_BATCH 32
struct frame_batch {
    size_t n;
    paddr_t pa[FRAME_BATCH];
};

static void release_frame(paddr_t pa, void *ctx)
{
    struct frame_batch *b = ctx;

    b->pa[b->n++] = pa;
    if (b->n == FRAME_BATCH) {
        pmm_free_frames(b->pa, b->n);
        b->n = 0;
    }
}

/* Unmap [start, start + len) of s and free its private frames; pages unmapped. */
static size_t unmap_release_locked(vmm_space_t *s, vaddr_t start, size_t len)
{
    struct frame_batch b;

    spin_assert_held(&s->lock);
    b.n = 0;
    size_t n = arch_mmu_unmap_range(s->root, start, len, release_frame, &b);
    if (b.n)
        pmm_free_frames(b.pa, b.n);
    return n;
}

static void unmap_locked(vmm_space_t *s, struct vm_region *r)
{
    spin_assert_held(&s->lock);
    if (!r->resident)
        return;
    s->resident_pages -= unmap_release_locked(s, r->start, r->end - r->start);
    r->resident = 0;
}

/* unmap_locked for regions [i, j), which follow each other without a gap. */
static void unmap_span_locked(vmm_space_t *s, size_t i, size_t j)
{
    struct vm_region *r = s->regions;
    uint64_t resident = 0;

    spin_assert_held(&s->lock);
    for (size_t k = i; k < j; k++) {
        resident += r[k].resident;
        r[k].resident = 0;
    }
    if (resident)
        s->resident_pages -= unmap_release_locked(s, r[i].start, r[j - 1].end - r[i].start);
}

/* Give every shared page of r a private copy: before r may become writable. */
static int unshare_locked(vmm_space_t *s, struct vm_region *r)
{
    spin_assert_held(&s->lock);
    if (!r->resident || !s->user)
        return 0;
    for (vaddr_t va = r->start; va < r->end; va += PAGE_SIZE) {
        paddr_t pa;
        unsigned flags;
        if (!arch_mmu_query(s->root, va, &pa, &flags) || !(flags & MMU_SHARED))
            continue;
        paddr_t copy = pmm_alloc_frame();
        if (!copy)
            return K_ENOMEM;
        memcpy(phys_to_virt(copy), phys_to_virt(pa), PAGE_SIZE);
        arch_mmu_remap(s->root, va, copy, flags & ~MMU_SHARED);
    }
    return 0;
}

static int populate_locked(vmm_space_t *s, struct vm_region *r)
{
    spin_assert_held(&s->lock);
    for (vaddr_t va = r->start; va < r->end; va += PAGE_SIZE) {
        if (arch_mmu_query(s->root, va, NULL, NULL))
            continue;
        paddr_t pa = pmm_alloc_frame();
        if (!pa)
            return K_ENOMEM;
        memset(phys_to_virt(pa), 0, PAGE_SIZE);
        if (arch_mmu_map(s->root, va, pa, mmu_prot(s, r->prot))) {
            pmm_free_frame(pa);
            return K_ENOMEM;
        }
        r->resident++;
        s->resident_pages++;
    }
    return 0;
}

/* Lowest free gap of `size` bytes at an ALLOC_GRANULARITY boundary. */
static bool find_gap_locked(const vmm_space_t *s, size_t size, vaddr_t *out)
{
    spin_assert_held(&s->lock);
    vaddr_t cand = (s->lo + ALLOC_GRANULARITY - 1) & ~(vaddr_t)(ALLOC_GRANULARITY - 1);

    for (size_t i = 0; i <= s->count; i++) {
        vaddr_t gap_end = i < s->count ? s->regions[i].start : s->hi;
        if (cand + size >= cand && cand + size <= gap_end) {
            *out = cand;
            return true;
        }
        if (i < s->count && s->regions[i].end > cand)
            cand = (s->regions[i].end + ALLOC_GRANULARITY - 1) &
                   ~(vaddr_t)(ALLOC_GRANULARITY - 1);
    }
    return false;
}

/* Give [addr, addr + size) (inside one reservation) a state and protection. */
static int set_state_locked(vmm_space_t *s, vaddr_t addr, size_t size, uint8_t state,
                            unsigned prot)
{
    spin_assert_held(&s->lock);
    size_t first, last;
    int rc = isolate_locked(s, addr, size, &first, &last);

    if (rc)
        return rc;
    for (size_t i = first; i <= last; i++) {
        s->regions[i].state = state;
        s->regions[i].prot = (uint8_t)prot;
    }
    merge_locked(s, first, last);
    return 0;
}

int vmm_reserve(vmm_space_t *s, vaddr_t *addr, size_t size, unsigned prot, unsigned flags)
{
    if (!addr || (prot & ~VM_PROT_MASK))
        return K_EINVAL;
    size = page_round_up(size);
    if (size == 0)
        return K_EINVAL;

    spin_lock(&s->lock);
    int rc = 0;
    vaddr_t start = *addr;
    if (start == 0) {
        if (!find_gap_locked(s, size, &start))
            rc = K_ENOMEM;
    } else if (!range_ok(s, start, size)) {
        rc = K_EINVAL;
    } else {
        size_t i = find_index_locked(s, start);
        if (i < s->count && s->regions[i].start < start + size)
            rc = K_EEXIST;
    }
    if (rc)
        goto out;

    struct vm_region r = {
        .start = start, .end = start + size, .alloc_base = start,
        .state = (flags & VM_COMMIT) ? VM_COMMITTED : VM_RESERVED,
        .prot = (uint8_t)prot, .flags = (uint16_t)(flags & VM_GROWS_DOWN),
    };
    size_t at = find_index_locked(s, start);
    rc = insert_locked(s, at, &r);
    if (rc)
        goto out;
    if ((flags & VM_COMMIT) && (flags & VM_POPULATE)) {
        rc = populate_locked(s, &s->regions[at]);
        if (rc) {
            unmap_locked(s, &s->regions[at]);
            remove_locked(s, at);
            goto out;
        }
    }
    *addr = start;
out:
    spin_unlock(&s->lock);
    return rc;
}

int vmm_commit(vmm_space_t *s, vaddr_t addr, size_t size, unsigned prot)
{
    size_t first, last;
    bool guard = prot & VM_PROT_GUARD;

    prot &= ~VM_PROT_GUARD;
    if ((prot & ~VM_PROT_MASK) || !range_ok(s, addr, size) || (guard && !prot))
        return K_EINVAL;
    spin_lock(&s->lock);
    int rc = isolate_locked(s, addr, size, &first, &last);
    for (size_t i = first; !rc && (prot & VM_WRITE) && i <= last; i++)
        rc = unshare_locked(s, &s->regions[i]);
    if (!rc) {
        for (size_t i = first; i <= last; i++) {
            struct vm_region *r = &s->regions[i];
            if (r->resident && (r->prot != prot || guard || r->state == VM_GUARD))
                arch_mmu_protect_range(s->root, r->start, r->end - r->start,
                                       mmu_prot(s, guard ? 0 : prot));
        }
        rc = set_state_locked(s, addr, size, guard ? VM_GUARD : VM_COMMITTED, prot);
    }
    spin_unlock(&s->lock);
    return rc;
}

int vmm_decommit(vmm_space_t *s, vaddr_t addr, size_t size)
{
    size_t first, last;

    if (!range_ok(s, addr, size))
        return K_EINVAL;
    spin_lock(&s->lock);
    int rc = isolate_locked(s, addr, size, &first, &last);
    if (!rc) {
        for (size_t i = first; i <= last; i++) {
            unmap_locked(s, &s->regions[i]);
            s->regions[i].state = VM_RESERVED;
        }
        merge_locked(s, first, last);
    }
    spin_unlock(&s->lock);
    return rc;
}

int vmm_release(vmm_space_t *s, vaddr_t base)
{
    spin_lock(&s->lock);
    size_t i = find_index_locked(s, base);
    int rc = K_EINVAL;
    if (i < s->count && s->regions[i].start == base && s->regions[i].alloc_base == base) {
        /* Each piece with frames unmapped (a stack's reserved piece has none), then
         * the rest of the array shifted down once for all of them. */
        size_t j = i;
        for (; j < s->count && s->regions[j].alloc_base == base; j++)
            unmap_locked(s, &s->regions[j]);
        remove_n_locked(s, i, j - i);
        rc = 0;
    }
    spin_unlock(&s->lock);
    return rc;
}

int vmm_protect(vmm_space_t *s, vaddr_t addr, size_t size, unsigned prot, unsigned *old)
{
    size_t first, last;
    bool guard = prot & VM_PROT_GUARD;

    prot &= ~VM_PROT_GUARD;
    if ((prot & ~VM_PROT_MASK) || !range_ok(s, addr, size) || (guard && !prot))
        return K_EINVAL;
    spin_lock(&s->lock);
    int rc = isolate_locked(s, addr, size, &first, &last);
    for (size_t i = first; !rc && i <= last; i++) {
        if (s->regions[i].state == VM_RESERVED)
            rc = K_EINVAL; /* only committed memory has a protection */
    }
    for (size_t i = first; !rc && (prot & VM_WRITE) && i <= last; i++)
        rc = unshare_locked(s, &s->regions[i]);
    if (!rc) {
        if (old)
            *old = s->regions[first].prot |
                   (s->regions[first].state == VM_GUARD ? VM_PROT_GUARD : 0);
        for (size_t i = first; i <= last; i++) {
            struct vm_region *r = &s->regions[i];
            r->prot = (uint8_t)prot;
            r->state = guard ? VM_GUARD : VM_COMMITTED;
            if (r->resident)
                arch_mmu_protect_range(s->root, r->start, r->end - r->start,
                                       mmu_prot(s, guard ? 0 : prot));
        }
        merge_locked(s, first, last);
    }
    spin_unlock(&s->lock);
    return rc;
}

int vmm_query(vmm_space_t *s, vaddr_t addr, struct vm_region *out)
{
    if (addr < s->lo || addr >= s->hi)
        return K_EINVAL;
    spin_lock(&s->lock);
    size_t i = find_index_locked(s, addr);
    if (i < s->count && s->regions[i].start <= addr) {
        *out = s->regions[i];
    } else {
        memset(out, 0, sizeof *out);
        out->state = VM_FREE;
        out->start = i > 0 ? s->regions[i - 1].end : s->lo;
        out->end = i < s->count ? s->regions[i].start : s->hi;
    }
    spin_unlock(&s->lock);
    return 0;
}

int vmm_reserve_stack(vmm_space_t *s, size_t reserve, size_t commit, unsigned prot,
                      vaddr_t *top)
{
    vaddr_t base = 0;

    reserve = page_round_up(reserve);
    commit = page_round_up(commit);
    /* At least: one never-committed page, the guard, one stack page. */
    if (commit == 0 || !prot || reserve < commit + 2 * PAGE_SIZE)
        return K_EINVAL;
    if (prot & ~VM_PROT_MASK)
        return K_EINVAL;
    spin_lock(&s->lock);
    int rc = find_gap_locked(s, reserve, &base) ? 0 : K_ENOMEM;
    size_t at = rc ? 0 : find_index_locked(s, base);
    if (!rc)
        rc = open_gap_locked(s, at, 3);
    if (!rc) {
        /* The three pieces at once: reserved, the guard page, the committed top. */
        vaddr_t end = base + reserve, guard = end - commit - PAGE_SIZE;
        struct vm_region piece = {
            .start = base, .end = guard, .alloc_base = base,
            .grow_limit = base + PAGE_SIZE, /* the guard may never move below this */
            .state = VM_RESERVED, .prot = (uint8_t)prot, .flags = VM_GROWS_DOWN,
        };
        s->regions[at] = piece;
        piece.start = guard;
        piece.end = guard + PAGE_SIZE;
        piece.state = VM_GUARD;
        s->regions[at + 1] = piece;
        piece.start = guard + PAGE_SIZE;
        piece.end = end;
        piece.state = VM_COMMITTED;
        s->regions[at + 2] = piece;
        *top = end;
    }
    spin_unlock(&s->lock);
    return rc;
}

/* Give the user mapping of [addr, addr + size) its state's access: a guard page keeps
 * its frame (its contents survive) but is the kernel's only, so the first user touch
 * faults. Pages without a frame are skipped (they fault anyway). */
static void sync_guard_mapping_locked(vmm_space_t *s, vaddr_t addr, size_t size, bool guard,
                                      unsigned prot)
{
    spin_assert_held(&s->lock);
    arch_mmu_protect_range(s->root, addr, size, mmu_prot(s, guard ? 0 : prot));
}

/*
 * Grow a stack down to the page at addr (the guard itself, or any reserved page of
 * the stack below it: code that allocates a big frame without probing touches far
 * below the guard). Everything from addr up to the old guard becomes stack and the
 * page below addr the new guard; the lowest page of the reservation is never
 * committed. Growing into the last VMM_STACK_OVERFLOW_ROOM bytes above it is a stack
 * overflow the thread can still handle: that room is committed whole, with no guard
 * left, for the exception's frame and the handler (Windows runs it on what is left of
 * the reserve the same way). Past that room, or with no guard left (an overflow not
 * re-armed), the stack is exhausted.
 */
static int grow_stack_locked(vmm_space_t *s, struct vm_region *r, vaddr_t addr)
{
    spin_assert_held(&s->lock);
    size_t i = (size_t)(r - s->regions);
    struct vm_region *guard = r->state == VM_GUARD ? r : NULL;

    if (!guard && i + 1 < s->count && s->regions[i + 1].state == VM_GUARD &&
        s->regions[i + 1].alloc_base == r->alloc_base)
        guard = &s->regions[i + 1];
    if (!guard || addr < r->grow_limit)
        return VMM_FAULT_STACK_EXHAUSTED;
    vaddr_t guard_end = guard->end;
    unsigned prot = guard->prot;
    if (addr < r->grow_limit + PAGE_SIZE + VMM_STACK_OVERFLOW_ROOM) {
        vaddr_t floor = r->grow_limit;
        if (set_state_locked(s, floor, guard_end - floor, VM_COMMITTED, prot) != 0)
            return VMM_FAULT_NOMEM;
        sync_guard_mapping_locked(s, floor, guard_end - floor, false, prot);
        return VMM_FAULT_STACK_OVERFLOW;
    }
    if (set_state_locked(s, addr, guard_end - addr, VM_COMMITTED, prot) != 0 ||
        set_state_locked(s, addr - PAGE_SIZE, PAGE_SIZE, VM_GUARD, prot) != 0)
        return VMM_FAULT_NOMEM;
    /* A guard re-armed on a page that has its frame (VirtualProtect) gives it back. */
    sync_guard_mapping_locked(s, addr, guard_end - addr, false, prot);
    sync_guard_mapping_locked(s, addr - PAGE_SIZE, PAGE_SIZE, true, prot);
    return VMM_FAULT_RESOLVED;
}

int vmm_handle_fault(vmm_space_t *s, vaddr_t addr, unsigned access, bool present)
{
    int result;

    addr &= ~(vaddr_t)(PAGE_SIZE - 1);
    spin_lock(&s->lock);
    struct vm_region *r = find_locked(s, addr);
    bool grown = false;
    if (r && (r->flags & VM_GROWS_DOWN) && r->state != VM_COMMITTED) {
        result = grow_stack_locked(s, r, addr);
        if (result)
            goto out;
        r = find_locked(s, addr);
        grown = true;
    }
    if (!r || r->state == VM_RESERVED) {
        result = VMM_FAULT_UNMAPPED;
        goto out;
    }
    if (r->state == VM_GUARD) {
        r->state = VM_COMMITTED; /* one-shot, as on Windows */
        sync_guard_mapping_locked(s, r->start, r->end - r->start, false, r->prot);
        merge_locked(s, (size_t)(r - s->regions), (size_t)(r - s->regions));
        result = VMM_FAULT_GUARD;
        goto out;
    }
    if (!(r->prot & VM_READ) || (access & VM_WRITE && !(r->prot & VM_WRITE)) ||
        (access & VM_EXEC && !(r->prot & VM_EXEC)) || (present && !grown)) {
        result = VMM_FAULT_PROTECTION;
        goto out;
    }
    if (present) {
        /* A re-armed guard page with its frame: growing gave the access back. */
        result = VMM_FAULT_RESOLVED;
        goto out;
    }
    paddr_t pa = pmm_alloc_frame();
    if (!pa) {
        result = VMM_FAULT_NOMEM;
        goto out;
    }
    memset(phys_to_virt(pa), 0, PAGE_SIZE);
    if (arch_mmu_map(s->root, addr, pa, mmu_prot(s, r->prot)) != 0) {
        pmm_free_frame(pa);
        result = VMM_FAULT_NOMEM;
        goto out;
    }
    r->resident++;
    s->resident_pages++;
    result = VMM_FAULT_RESOLVED;
out:
    spin_unlock(&s->lock);
    return result;
}

int vmm_fill_page(vmm_space_t *s, vaddr_t va, const void *src, size_t len)
{
    int rc = 0;

    if ((va & (PAGE_SIZE - 1)) || len > PAGE_SIZE)
        return K_EINVAL;
    spin_lock(&s->lock);
    struct vm_region *r = find_locked(s, va);
    if (!r || r->state != VM_COMMITTED) {
        rc = K_EINVAL;
        goto out;
    }
    if (arch_mmu_query(s->root, va, NULL, NULL)) {
        rc = K_EEXIST;
        goto out;
    }
    paddr_t pa = pmm_alloc_frame();
    if (!pa) {
        rc = K_ENOMEM;
        goto out;
    }
    uint8_t *page = phys_to_virt(pa);
    if (len)
        memcpy(page, src, len);
    memset(page + len, 0, PAGE_SIZE - len);
    if (arch_mmu_map(s->root, va, pa, mmu_prot(s, r->prot)) != 0) {
        pmm_free_frame(pa);
        rc = K_ENOMEM;
        goto out;
    }
    r->resident++;
    s->resident_pages++;
out:
    spin_unlock(&s->lock);
    return rc;
}

/* Map the frames of one run (vmm_map_view). */
static int map_run_locked(vmm_space_t *s, struct vm_region *r, const paddr_t *frames)
{
    spin_assert_held(&s->lock);
    unsigned flags = mmu_prot(s, r->prot);
    bool copy = r->prot & VM_WRITE;

    if (!copy) { /* the section's own frames, shared: one walk per page table */
        size_t pages = (r->end - r->start) / PAGE_SIZE, mapped;
        int rc = arch_mmu_map_frames(s->root, r->start, frames, pages, flags | MMU_SHARED,
                                     &mapped);
        r->resident += mapped;
        s->resident_pages += mapped;
        return rc ? K_ENOMEM : 0;
    }
    for (vaddr_t va = r->start; va < r->end; va += PAGE_SIZE, frames++) {
        paddr_t pa = *frames;
        if (!pa)
            continue;
        if (copy) {
            pa = pmm_alloc_frame();
            if (!pa)
                return K_ENOMEM;
            memcpy(phys_to_virt(pa), phys_to_virt(*frames), PAGE_SIZE);
        }
        if (arch_mmu_map(s->root, va, pa, copy ? flags : flags | MMU_SHARED) != 0) {
            if (copy)
                pmm_free_frame(pa);
            return K_ENOMEM;
        }
        r->resident++;
        s->resident_pages++;
    }
    return 0;
}

int vmm_map_view(vmm_space_t *s, vaddr_t base, const struct vm_view_run *runs, size_t nruns,
                 const paddr_t *frames)
{
    size_t pages = 0;

    for (size_t i = 0; i < nruns; i++) {
        if (!runs[i].pages || !runs[i].prot || (runs[i].prot & ~VM_PROT_MASK))
            return K_EINVAL;
        pages += runs[i].pages;
    }
    if (!nruns || !s->user || pages > (s->hi - s->lo) / PAGE_SIZE ||
        !range_ok(s, base, pages * PAGE_SIZE))
        return K_EINVAL;

    spin_lock(&s->lock);
    size_t at = find_index_locked(s, base);
    int rc = 0;
    if (at < s->count && s->regions[at].start < base + pages * PAGE_SIZE)
        rc = K_EEXIST;
    if (!rc)
        rc = open_gap_locked(s, at, nruns);
    if (rc)
        goto out;
    vaddr_t va = base;
    for (size_t i = 0; i < nruns; i++) {
        s->regions[at + i] = (struct vm_region){
            .start = va, .end = va + (vaddr_t)runs[i].pages * PAGE_SIZE, .alloc_base = base,
            .state = VM_COMMITTED, .prot = runs[i].prot,
        };
        va = s->regions[at + i].end;
    }
    for (size_t i = 0; !rc && i < nruns; i++) {
        rc = map_run_locked(s, &s->regions[at + i], frames);
        frames += runs[i].pages;
    }
    if (rc) {
        for (size_t i = 0; i < nruns; i++)
            unmap_locked(s, &s->regions[at + i]);
        remove_n_locked(s, at, nruns);
    }
out:
    spin_unlock(&s->lock);
    return rc;
}

int vmm_read_page(vmm_space_t *s, vaddr_t va, void *dst)
{
    paddr_t pa;
    int rc = 0;

    if (va & (PAGE_SIZE - 1))
        return K_EINVAL;
    spin_lock(&s->lock);
    if (arch_mmu_query(s->root, va, &pa, NULL))
        memcpy(dst, phys_to_virt(pa), PAGE_SIZE);
    else
        rc = K_ENOENT;
    spin_unlock(&s->lock);
    return rc;
}

static void space_init(vmm_space_t *s, mmu_root_t root, vaddr_t lo, vaddr_t hi, bool user)
{
    memset(s, 0, sizeof *s);
    s->lock = (struct spinlock)SPINLOCK_INIT_RANKED("vmm_space", LOCK_RANK_VMM_SPACE);
    s->root = root;
    s->lo = lo;
    s->hi = hi;
    s->user = user;
}

/* The page-fault hook (arch/trap.h): a user address in the active user space, a kernel
 * region address (from kernel mode only) in the kernel's. */
static int vmm_page_fault(uint64_t addr, enum arch_access access, bool present, bool user)
{
    vmm_space_t *space = NULL;

    if (addr < USER_END)
        space = vmm_current_user_space();
    else if (addr >= KERNEL_REGION_BASE && addr < KERNEL_REGION_END && !user)
        space = vmm_kernel_space();
    if (!space)
        return VMM_FAULT_UNMAPPED;
    unsigned a = access == ARCH_ACCESS_EXEC ? VM_EXEC : access == ARCH_ACCESS_WRITE ? VM_WRITE
                                                                                   : VM_READ;
    return vmm_handle_fault(space, addr, a, present);
}

static bool kstack_guard_hook(uint64_t addr, const char **name, uint64_t *lo, uint64_t *hi)
{
    const struct kstack *ks = kstack_find_guard(addr);

    if (!ks)
        return false;
    *name = ks->name;
    *lo = ks->lo;
    *hi = ks->hi;
    return true;
}

void vmm_init(void)
{
    /* mm's part of the trap handling (arch calls it only through these). */
    arch_trap_set_hooks(&(struct arch_trap_hooks){ .page_fault = vmm_page_fault,
                                                   .page_fault_name = vmm_fault_name,
                                                   .stack_guard = kstack_guard_hook });
    space_init(&kernel_space, arch_mmu_kernel_root(), KERNEL_REGION_BASE, KERNEL_REGION_END,
               false);
}

vmm_space_t *vmm_kernel_space(void)
{
    return &kernel_space;
}

vmm_space_t *vmm_space_create(void)
{
    vmm_space_t *s = kmalloc(sizeof *s);

    if (!s)
        return NULL;
    mmu_root_t root = arch_mmu_create_root();
    if (!root) {
        kfree(s);
        return NULL;
    }
    space_init(s, root, USER_BASE, USER_END, true);
    return s;
}

void vmm_space_destroy(vmm_space_t *s)
{
    ASSERT(s != &kernel_space && s != percpu_user_space());
    /* No one else can reach s any more; the lock is for the *_locked rules. */
    spin_lock(&s->lock);
    for (size_t i = 0, j; i < s->count; i = j) {
        /* Regions that touch (an image's sections, a stack's parts) in one walk. */
        for (j = i + 1; j < s->count && s->regions[j].start == s->regions[j - 1].end; j++)
            ;
        unmap_span_locked(s, i, j);
    }
    spin_unlock(&s->lock);
    arch_mmu_destroy_root(s->root);
    kfree(s->regions);
    kfree(s);
}

void vmm_space_activate(vmm_space_t *s)
{
    percpu_set_user_space(s);
    arch_mmu_switch(s ? s->root : arch_mmu_kernel_root());
}

vmm_space_t *vmm_current_user_space(void)
{
    return percpu_user_space();
}
