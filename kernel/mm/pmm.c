/*
 * Physical frame allocator: a pure core over struct pmm (host-tested), then the kernel
 * glue that builds one global instance from the multiboot2 map and locks it. The core
 * keeps a hierarchical free bitmap, so "the lowest free frame at or after X" is one
 * descent through at most PMM_MAX_LEVELS words; single allocations, below-limit
 * allocations and the contiguous scan are all built on that one search.
 */
#include <core/mb2.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/pmm.h>

#define PMM_NONE (~0ull)
#define FRAME_SIZE ((paddr_t)1 << PMM_FRAME_SHIFT)

static paddr_t align_down(paddr_t a)
{
    return a & ~(FRAME_SIZE - 1);
}

/* Rounds up, saturating at the last frame boundary instead of wrapping. */
static paddr_t align_up(paddr_t a)
{
    if (a > align_down(~(paddr_t)0))
        return align_down(~(paddr_t)0);
    return align_down(a + FRAME_SIZE - 1);
}

static uint64_t words_for(uint64_t bits)
{
    return (bits + 63) / 64;
}

/* ---- Owned ranges -------------------------------------------------------------- */

static void ranges_remove_at(struct pmm *p, size_t i)
{
    memmove(&p->ranges[i], &p->ranges[i + 1], (p->range_count - i - 1) * sizeof p->ranges[0]);
    p->range_count--;
}

/* Adds available RAM [start, end) (frame-aligned), keeping the table sorted and merged. */
static void ranges_add(struct pmm *p, paddr_t start, paddr_t end)
{
    size_t i = 0;

    while (i < p->range_count && p->ranges[i].end < start)
        i++;
    /* Merge with every range that overlaps or touches [start, end). */
    while (i < p->range_count && p->ranges[i].start <= end) {
        if (p->ranges[i].start < start)
            start = p->ranges[i].start;
        if (p->ranges[i].end > end)
            end = p->ranges[i].end;
        ranges_remove_at(p, i);
    }
    if (p->range_count == PMM_MAX_RANGES) {
        p->lost_frames += (end - start) >> PMM_FRAME_SHIFT; /* cannot happen: 128 entries */
        return;
    }
    memmove(&p->ranges[i + 1], &p->ranges[i], (p->range_count - i) * sizeof p->ranges[0]);
    p->ranges[i] = (struct pmm_range){ start, end };
    p->range_count++;
}

/* Takes [start, end) out of the owned ranges (rounded outward to whole frames). */
static void ranges_reserve(struct pmm *p, paddr_t start, paddr_t end)
{
    if (end <= start)
        return;
    start = align_down(start);
    end = align_up(end);
    for (size_t i = 0; i < p->range_count;) {
        struct pmm_range *r = &p->ranges[i];
        if (r->end <= start || r->start >= end) {
            i++;
        } else if (start <= r->start && end >= r->end) {
            ranges_remove_at(p, i);
        } else if (start <= r->start) {
            r->start = end;
            i++;
        } else if (end >= r->end) {
            r->end = start;
            i++;
        } else if (p->range_count < PMM_MAX_RANGES) {
            /* Split in two around the hole. */
            memmove(r + 2, r + 1, (p->range_count - i - 1) * sizeof *r);
            r[1] = (struct pmm_range){ end, r->end };
            r->end = start;
            p->range_count++;
            i += 2;
        } else {
            /* Table full: keep the larger piece, never hand out the other. */
            if (start - r->start >= r->end - end) {
                p->lost_frames += (r->end - end) >> PMM_FRAME_SHIFT;
                r->end = start;
            } else {
                p->lost_frames += (start - r->start) >> PMM_FRAME_SHIFT;
                r->start = end;
            }
            i++;
        }
    }
}

bool pmm_core_owns(const struct pmm *p, paddr_t pa)
{
    size_t lo = 0, hi = p->range_count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pa < p->ranges[mid].start)
            hi = mid;
        else if (pa >= p->ranges[mid].end)
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

/* ---- Hierarchical bitmap ------------------------------------------------------- */

/* Lays the levels out for `frames` frames; returns the number of 64-bit words. */
static uint64_t levels_layout(uint64_t frames, uint64_t bits[PMM_MAX_LEVELS], unsigned *levels)
{
    uint64_t words = 0;
    unsigned k = 0;

    bits[0] = frames;
    for (;;) {
        words += words_for(bits[k]);
        if (bits[k] <= 64 || k + 1 == PMM_MAX_LEVELS)
            break;
        bits[k + 1] = words_for(bits[k]);
        k++;
    }
    *levels = k + 1;
    return words;
}

size_t pmm_core_meta_bytes(uint64_t frames)
{
    uint64_t bits[PMM_MAX_LEVELS];
    unsigned levels;

    return (size_t)(levels_layout(frames, bits, &levels) * sizeof(uint64_t));
}

/* Marks frame free: sets its bit and, where a word goes from empty to non-empty,
 * the summary bit above. */
static void bm_set(struct pmm *p, uint64_t idx)
{
    for (unsigned k = 0; k < p->levels; k++) {
        uint64_t *w = &p->level[k][idx / 64];
        bool was_empty = *w == 0;
        *w |= 1ull << (idx % 64);
        if (!was_empty)
            break;
        idx /= 64;
    }
}

/* Marks frame allocated; clears summary bits of words that become empty. */
static void bm_clear(struct pmm *p, uint64_t idx)
{
    for (unsigned k = 0; k < p->levels; k++) {
        uint64_t *w = &p->level[k][idx / 64];
        *w &= ~(1ull << (idx % 64));
        if (*w != 0)
            break;
        idx /= 64;
    }
}

static bool bm_test(const struct pmm *p, uint64_t frame)
{
    return (p->level[0][frame / 64] >> (frame % 64)) & 1;
}

/* First set bit at index >= from in level k, or PMM_NONE. A word that has nothing
 * past `from` hands the search to the level above, which names the next non-empty
 * word directly: at most two steps per level. */
static uint64_t bm_next(const struct pmm *p, unsigned k, uint64_t from)
{
    if (k >= p->levels || from >= p->level_bits[k])
        return PMM_NONE;
    uint64_t wi = from / 64;
    uint64_t w = p->level[k][wi] & (~0ull << (from % 64));
    if (w == 0) {
        wi = bm_next(p, k + 1, wi + 1);
        if (wi == PMM_NONE)
            return PMM_NONE;
        w = p->level[k][wi];
    }
    return wi * 64 + (uint64_t)__builtin_ctzll(w);
}

/* First allocated (clear) frame in [from, to), or `to` if all are free. */
static uint64_t bm_first_used(const struct pmm *p, uint64_t from, uint64_t to)
{
    for (uint64_t i = from; i < to;) {
        uint64_t used = ~p->level[0][i / 64] >> (i % 64);
        if (used) {
            uint64_t f = i + (uint64_t)__builtin_ctzll(used);
            return f < to ? f : to;
        }
        i += 64 - i % 64;
    }
    return to;
}

/* ---- Building ------------------------------------------------------------------- */

static void collect_ranges(struct pmm *p, const struct mb2_info *mb, const struct pmm_range *extra,
                           size_t nextra)
{
    for (size_t i = 0; i < mb->mmap_count && i < MB2_MAX_MMAP; i++) {
        const struct mb2_mmap_entry *e = &mb->mmap[i];
        if (e->type != MB2_MMAP_AVAILABLE || e->base >= PMM_MAX_PHYS)
            continue;
        paddr_t end = e->base + e->len;
        if (end < e->base || end > PMM_MAX_PHYS)
            end = PMM_MAX_PHYS;
        paddr_t s = align_up(e->base), t = align_down(end);
        if (s < t)
            ranges_add(p, s, t);
    }
    ranges_reserve(p, 0, PMM_LOW_RESERVED);
    for (size_t i = 0; i < mb->mmap_count && i < MB2_MAX_MMAP; i++) {
        const struct mb2_mmap_entry *e = &mb->mmap[i];
        if (e->type == MB2_MMAP_AVAILABLE)
            continue;
        paddr_t end = e->base + e->len;
        ranges_reserve(p, e->base, end < e->base ? ~(paddr_t)0 : end);
    }
    for (size_t i = 0; i < mb->module_count && i < MB2_MAX_MODULES; i++)
        ranges_reserve(p, mb->modules[i].start, mb->modules[i].end);
    for (size_t i = 0; i < nextra; i++)
        ranges_reserve(p, extra[i].start, extra[i].end);
}

int pmm_core_build(struct pmm *p, const struct mb2_info *mb, const struct pmm_range *extra,
                   size_t nextra, paddr_t meta_limit, pmm_map_fn map_meta, void *ctx)
{
    if (!p || !mb || (nextra && !extra) || !map_meta)
        return K_EINVAL;
    memset(p, 0, sizeof *p);
    collect_ranges(p, mb, extra, nextra);
    int rc = K_ENOMEM;
    if (p->range_count == 0)
        goto fail;

    /* Size the bitmap for the highest owned frame, then carve it from the lowest range
     * that holds it below meta_limit. Carving can only lower the top, so the size
     * stays sufficient. RAM so high that its bitmap fits nowhere is given up, highest
     * range first, rather than failing the boot. */
    uint64_t frames, bits[PMM_MAX_LEVELS];
    unsigned levels;
    paddr_t meta_len;
    size_t i;
    for (;;) {
        frames = p->ranges[p->range_count - 1].end >> PMM_FRAME_SHIFT;
        meta_len = align_up(levels_layout(frames, bits, &levels) * sizeof(uint64_t));
        for (i = 0; i < p->range_count; i++)
            if (p->ranges[i].end - p->ranges[i].start >= meta_len &&
                p->ranges[i].start + meta_len <= meta_limit)
                break;
        if (i < p->range_count)
            break;
        if (p->range_count == 1)
            goto fail;
        struct pmm_range *top = &p->ranges[--p->range_count];
        p->lost_frames += (top->end - top->start) >> PMM_FRAME_SHIFT;
    }
    p->meta_start = p->ranges[i].start;
    p->meta_end = p->meta_start + meta_len;
    ranges_reserve(p, p->meta_start, p->meta_end);
    if (p->range_count == 0)
        goto fail;

    uint64_t *meta = map_meta(ctx, p->meta_start, (size_t)meta_len);
    rc = K_EINVAL;
    if (!meta)
        goto fail;
    memset(meta, 0, (size_t)meta_len);
    for (unsigned k = 0; k < levels; k++) {
        p->level[k] = meta;
        p->level_bits[k] = bits[k];
        meta += words_for(bits[k]);
    }
    p->frames = frames;

    /* Level 0 word by word per range, then each summary level from the one below. */
    for (size_t r = 0; r < p->range_count; r++) {
        uint64_t f = p->ranges[r].start >> PMM_FRAME_SHIFT;
        uint64_t end = p->ranges[r].end >> PMM_FRAME_SHIFT;
        p->total_frames += end - f;
        while (f < end) {
            uint64_t off = f % 64, n = 64 - off;
            if (n > end - f)
                n = end - f;
            uint64_t mask = (n == 64 ? ~0ull : ((1ull << n) - 1)) << off;
            p->level[0][f / 64] |= mask;
            f += n;
        }
    }
    for (unsigned k = 1; k < levels; k++)
        for (uint64_t j = 0; j < bits[k]; j++)
            if (p->level[k - 1][j])
                p->level[k][j / 64] |= 1ull << (j % 64);
    p->free_frames = p->total_frames;
    p->levels = levels;
    return 0;

fail:
    p->range_count = 0; /* owns nothing, hands out nothing */
    return rc;
}

/* ---- Allocation ----------------------------------------------------------------- */

/* Frames that end at or below `limit`, capped to what level 0 covers. */
static uint64_t frames_below(const struct pmm *p, paddr_t limit)
{
    uint64_t n = limit >> PMM_FRAME_SHIFT;
    return n < p->frames ? n : p->frames;
}

paddr_t pmm_core_alloc(struct pmm *p, paddr_t limit)
{
    uint64_t f = bm_next(p, 0, p->low_free);

    if (f == PMM_NONE || f >= frames_below(p, limit))
        return 0;
    bm_clear(p, f);
    p->low_free = f + 1;
    p->free_frames--;
    return (paddr_t)f << PMM_FRAME_SHIFT;
}

paddr_t pmm_core_alloc_contig(struct pmm *p, size_t count, size_t align, paddr_t limit)
{
    if (align == 0)
        align = 1;
    if (count == 0 || (align & (align - 1)) != 0)
        return 0;
    uint64_t end = frames_below(p, limit);
    uint64_t pos = p->low_free;
    for (;;) {
        uint64_t s = bm_next(p, 0, pos);
        if (s == PMM_NONE)
            return 0;
        uint64_t up = s + (align - 1);
        if (up < s)
            return 0; /* an absurd alignment wrapped */
        s = up & ~((uint64_t)align - 1);
        if (s > end || count > end - s)
            return 0; /* no room left below the limit */
        uint64_t used = bm_first_used(p, s, s + count);
        if (used == s + count) {
            for (uint64_t f = s; f < s + count; f++)
                bm_clear(p, f);
            p->free_frames -= count;
            return (paddr_t)s << PMM_FRAME_SHIFT;
        }
        pos = used + 1;
    }
}

int pmm_core_free(struct pmm *p, paddr_t pa, size_t count)
{
    uint64_t first = pa >> PMM_FRAME_SHIFT;

    if ((pa & (FRAME_SIZE - 1)) != 0 || count == 0 || first + count < first)
        return K_EINVAL;
    for (uint64_t f = first; f < first + count; f++) {
        if (f >= p->frames || !pmm_core_owns(p, (paddr_t)f << PMM_FRAME_SHIFT))
            return K_ENOENT;
        if (bm_test(p, f))
            return K_EEXIST;
    }
    for (uint64_t f = first; f < first + count; f++)
        bm_set(p, f);
    if (first < p->low_free)
        p->low_free = first;
    p->free_frames += count;
    return 0;
}

void pmm_core_stats(const struct pmm *p, struct pmm_stats *out)
{
    out->total = p->total_frames;
    out->free = p->free_frames;
    out->used = p->total_frames - p->free_frames;
    out->top = p->range_count ? p->ranges[p->range_count - 1].end : 0;
}

int pmm_core_verify(const struct pmm *p)
{
    uint64_t set = 0;

    for (unsigned k = 0; k < p->levels; k++) {
        for (uint64_t j = 0; j < words_for(p->level_bits[k]) * 64; j++) {
            bool bit = (p->level[k][j / 64] >> (j % 64)) & 1;
            if (j >= p->level_bits[k]) {
                if (bit)
                    return K_EINVAL; /* padding past the last frame */
                continue;
            }
            if (k == 0) {
                if (bit && !pmm_core_owns(p, (paddr_t)j << PMM_FRAME_SHIFT))
                    return K_EINVAL;
                set += bit;
            } else if (bit != (p->level[k - 1][j] != 0)) {
                return K_EINVAL;
            }
        }
    }
    if (p->levels && p->level_bits[p->levels - 1] > 64)
        return K_EINVAL;
    return set == p->free_frames ? 0 : K_EINVAL;
}

/* ---- Boot modules out of low memory ---------------------------------------------- */

static bool overlaps(paddr_t a, paddr_t b, paddr_t c, paddr_t d)
{
    return a < d && c < b;
}

/* Would [start, end) collide with a module or an extra range, or leave available RAM? */
/* first: the module to test first (GRUB packs modules in order, so a place right after
 * module k is usually taken by module k + 1); every module is tested either way. */
static bool place_ok(const struct mb2_info *mb, const struct pmm_range *extra, size_t nextra,
                     paddr_t start, paddr_t end, size_t first)
{
    bool in_ram = false;

    for (size_t i = 0; i < mb->mmap_count && i < MB2_MAX_MMAP; i++) {
        const struct mb2_mmap_entry *e = &mb->mmap[i];
        paddr_t e_end = e->base + e->len < e->base ? ~(paddr_t)0 : e->base + e->len;
        if (e->type != MB2_MMAP_AVAILABLE) {
            if (overlaps(start, end, e->base, e_end))
                return false;
        } else if (e->base <= start && end <= e_end) {
            in_ram = true;
        }
    }
    if (!in_ram)
        return false;
    size_t nmod = mb->module_count < MB2_MAX_MODULES ? mb->module_count : MB2_MAX_MODULES;
    for (size_t k = 0; k < nmod; k++) {
        const struct mb2_module *m = &mb->modules[(first + k) % nmod];
        if (overlaps(start, end, align_down(m->start), align_up(m->end)))
            return false;
    }
    for (size_t i = 0; i < nextra; i++)
        if (overlaps(start, end, align_down(extra[i].start), align_up(extra[i].end)))
            return false;
    return true;
}

int pmm_core_modules_target(const struct mb2_info *mb, const struct pmm_range *extra,
                            size_t nextra, paddr_t low, paddr_t high, paddr_t *dest,
                            paddr_t *bytes)
{
    paddr_t need = 0;

    for (size_t i = 0; i < mb->module_count && i < MB2_MAX_MODULES; i++)
        if (mb->modules[i].start < low)
            need += align_up(mb->modules[i].end) - align_down(mb->modules[i].start);
    *bytes = need;
    *dest = 0;
    if (need == 0)
        return 0;
    /* The lowest place that works starts at `low` or right after something in the way:
     * the end of an available entry's predecessor, a module, or an extra range. */
    paddr_t best = 0;
    size_t ncand = 1 + mb->mmap_count + mb->module_count + nextra;
    for (size_t c = 0; c < ncand; c++) {
        paddr_t at;
        size_t first = 0;
        if (c == 0)
            at = low;
        else if (c <= mb->mmap_count)
            at = align_up(mb->mmap[c - 1].base);
        else if (c <= mb->mmap_count + mb->module_count) {
            at = align_up(mb->modules[c - 1 - mb->mmap_count].end);
            first = c - mb->mmap_count; /* the module after this one */
        } else
            at = align_up(extra[c - 1 - mb->mmap_count - mb->module_count].end);
        if (at < low || at + need < at || at + need > high || (best && at >= best))
            continue;
        if (place_ok(mb, extra, nextra, at, at + need, first))
            best = at;
    }
    if (!best)
        return K_ENOMEM;
    *dest = best;
    return 0;
}

/* ---- Kernel glue ------------------------------------------------------------------
 * Host unit tests compile this file as hosted C and use only the core above. */
#if !__STDC_HOSTED__
#include <arch/mmu.h>
#include <core/lock_order.h>
#include <core/panic.h>
#include <core/printk.h>
#include <core/spinlock.h>
#include <mm/fault_inject.h>

static struct spinlock pmm_lock = SPINLOCK_INIT_RANKED("pmm", LOCK_RANK_PMM);
static struct pmm pmm_global; /* protected by pmm_lock */

static void *pmm_map_direct(void *ctx, paddr_t pa, size_t len)
{
    (void)ctx;
    (void)len;
    return phys_to_virt(pa);
}

void pmm_move_modules_high(struct mb2_info *mb, paddr_t kernel_start, paddr_t kernel_end,
                           paddr_t info_start, paddr_t info_end)
{
    const struct pmm_range extra[] = { { kernel_start, kernel_end }, { info_start, info_end } };
    paddr_t dest, bytes;

    if (pmm_core_modules_target(mb, extra, 2, PMM_LOW_POOL_END,
                                (paddr_t)BOOT_DIRECT_MAP_GIB << 30, &dest, &bytes) != 0) {
        pr_warn("pmm: no room above %llu MiB for %llu KiB of boot modules; they stay low\n",
                (unsigned long long)(PMM_LOW_POOL_END >> 20), (unsigned long long)(bytes >> 10));
        return;
    }
    if (bytes == 0)
        return;
    /* The target overlaps no module, so the copies never read what they wrote. */
    paddr_t at = dest;
    for (size_t i = 0; i < mb->module_count && i < MB2_MAX_MODULES; i++) {
        struct mb2_module *m = &mb->modules[i];
        if (m->start >= PMM_LOW_POOL_END)
            continue;
        paddr_t off = m->start - align_down(m->start), len = m->end - m->start;
        memcpy(phys_to_virt(at + off), phys_to_virt(m->start), (size_t)len);
        m->start = (uint32_t)(at + off);
        m->end = (uint32_t)(at + off + len);
        at = align_up(at + off + len);
    }
    pr_info("pmm: %llu KiB of boot modules moved from below %llu MiB to %#llx\n",
            (unsigned long long)(bytes >> 10), (unsigned long long)(PMM_LOW_POOL_END >> 20),
            (unsigned long long)dest);
}

/* Page tables come from here (arch/mmu.h's frame source): limit 0 means anywhere. */
static paddr_t table_frame(paddr_t limit)
{
    return pmm_alloc_frame_below(limit ? limit : PMM_NO_LIMIT);
}

static const struct mmu_frame_source table_frames = {
    .alloc_below = table_frame,
    .free = pmm_free_frame,
};

void pmm_init(const struct mb2_info *mb, paddr_t kernel_start, paddr_t kernel_end,
              paddr_t info_start, paddr_t info_end)
{
    const struct pmm_range extra[] = { { kernel_start, kernel_end }, { info_start, info_end } };
    struct pmm_stats st;

    spin_lock(&pmm_lock);
    int rc = pmm_core_build(&pmm_global, mb, extra, 2, (paddr_t)BOOT_DIRECT_MAP_GIB << 30,
                            pmm_map_direct, NULL);
    pmm_core_stats(&pmm_global, &st);
    spin_unlock(&pmm_lock);
    if (rc != 0)
        panic("pmm: no usable memory for the frame allocator (error %d)", rc);
    arch_mmu_set_frame_source(&table_frames);

    pr_info("pmm: %llu MiB in %zu ranges up to %#llx, %llu frames free; bitmap %llu KiB at "
            "%#llx, %u levels\n",
            (unsigned long long)(st.total >> (20 - PMM_FRAME_SHIFT)), pmm_global.range_count,
            (unsigned long long)st.top, (unsigned long long)st.free,
            (unsigned long long)((pmm_global.meta_end - pmm_global.meta_start) >> 10),
            (unsigned long long)pmm_global.meta_start, pmm_global.levels);
    if (pmm_global.lost_frames)
        pr_warn("pmm: %llu frames of RAM left unused (map too fragmented or RAM too high)\n",
                (unsigned long long)pmm_global.lost_frames);
}

/* site: the allocator's caller, for fault injection's report. */
static paddr_t alloc_frame_below(paddr_t limit, void *site)
{
    if (fault_inject_fail_now(site))
        return 0;
    spin_lock(&pmm_lock);
    paddr_t pa = pmm_core_alloc(&pmm_global, limit);
    spin_unlock(&pmm_lock);
    return pa;
}

paddr_t pmm_alloc_frame_below(paddr_t limit)
{
    return alloc_frame_below(limit, __builtin_return_address(0));
}

paddr_t pmm_alloc_frame(void)
{
    return alloc_frame_below(PMM_NO_LIMIT, __builtin_return_address(0));
}

paddr_t pmm_alloc_contig_below(size_t count, size_t align_frames, paddr_t limit)
{
    if (fault_inject_fail_now(__builtin_return_address(0)))
        return 0;
    spin_lock(&pmm_lock);
    paddr_t pa = pmm_core_alloc_contig(&pmm_global, count, align_frames, limit);
    spin_unlock(&pmm_lock);
    return pa;
}

paddr_t pmm_alloc_contig(size_t count, size_t align_frames)
{
    return pmm_alloc_contig_below(count, align_frames, PMM_NO_LIMIT);
}

/* A free the core refused (rc): a kernel bug, named. */
static void free_refused(paddr_t pa, size_t count, int rc)
{
    const char *why = rc == K_EEXIST   ? "double free: the frame is already free"
                      : rc == K_ENOENT ? "the frame was never owned by the allocator"
                                       : "misaligned address or bad count";
    panic("pmm: freeing %zu frame(s) at %#llx: %s", count, (unsigned long long)pa, why);
}

void pmm_free_contig(paddr_t pa, size_t count)
{
    spin_lock(&pmm_lock);
    int rc = pmm_core_free(&pmm_global, pa, count);
    spin_unlock(&pmm_lock);
    if (rc)
        free_refused(pa, count, rc);
}

void pmm_free_frames(const paddr_t *pas, size_t n)
{
    int rc = 0;
    size_t i = 0;

    spin_lock(&pmm_lock);
    for (; i < n && rc == 0; i++)
        rc = pmm_core_free(&pmm_global, pas[i], 1);
    spin_unlock(&pmm_lock);
    if (rc)
        free_refused(pas[i - 1], 1, rc);
}

void pmm_free_frame(paddr_t pa)
{
    pmm_free_contig(pa, 1);
}

void pmm_get_stats(struct pmm_stats *out)
{
    spin_lock(&pmm_lock);
    pmm_core_stats(&pmm_global, out);
    spin_unlock(&pmm_lock);
}
#endif /* !__STDC_HOSTED__ */
