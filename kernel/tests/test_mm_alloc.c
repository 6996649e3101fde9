/*
 * In-kernel tests of the frame allocator and the heap on the machine's real memory
 * map: every free frame is taken and given back, contiguous runs honour alignment
 * and limits, and a random heap workload leaves every counter, and the pmm's free
 * count, exactly where it started. Nothing else may allocate while these run.
 */
#include <arch/layout.h>
#include <core/ktest.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>

#define MIB (1024ull * 1024)

static uint64_t rng_state;

/* xorshift64*: deterministic per test, so a failure replays the same way. */
static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static int kernel_probe; /* a .bss object: its frame belongs to the kernel image */

KTEST(pmm_exhaust_and_refill)
{
    struct pmm_stats s0, s1;

    pmm_get_stats(&s0);
    KT_ASSERT(s0.total > 0 && s0.free > 0);
    uint64_t frames = s0.top / PAGE_SIZE;
    uint64_t *seen = kcalloc((frames + 63) / 64, sizeof(uint64_t));
    KT_ASSERT(seen != NULL);
    pmm_get_stats(&s0); /* the bitmap itself may have taken frames */

    uint64_t n = 0, dups = 0, bad = 0;
    paddr_t pa;
    while ((pa = pmm_alloc_frame()) != 0) {
        uint64_t f = pa / PAGE_SIZE;
        n++;
        if (pa % PAGE_SIZE != 0 || pa < PMM_LOW_RESERVED || f >= frames) {
            bad++;
            continue;
        }
        if (seen[f / 64] & (1ull << (f % 64)))
            dups++;
        seen[f / 64] |= 1ull << (f % 64);
    }
    KT_EXPECT_EQ(n, s0.free);
    KT_EXPECT_EQ(dups, 0);
    KT_EXPECT_EQ(bad, 0);
    pmm_get_stats(&s1);
    KT_EXPECT_EQ(s1.free, 0);
    KT_EXPECT_EQ(s1.used, s1.total);
    KT_EXPECT_EQ(pmm_alloc_frame_below(4096ull * MIB), 0);
    KT_EXPECT_EQ(pmm_alloc_contig(1, 1), 0);

    /* Never handed out: the kernel image and the allocators' own memory. */
    uint64_t kf = kimage_to_phys(&kernel_probe) / PAGE_SIZE;
    uint64_t hf = ((uintptr_t)seen - DIRECT_MAP_BASE) / PAGE_SIZE;
    KT_EXPECT(!(seen[kf / 64] & (1ull << (kf % 64))));
    KT_EXPECT(!(seen[hf / 64] & (1ull << (hf % 64))));

    for (uint64_t f = 0; f < frames; f++)
        if (seen[f / 64] & (1ull << (f % 64)))
            pmm_free_frame(f * PAGE_SIZE);
    pmm_get_stats(&s1);
    KT_EXPECT_EQ(s1.free, s0.free);
    KT_EXPECT_EQ(s1.total, s0.total);

    /* Lowest-first: a second round starts where the first did. */
    paddr_t again = pmm_alloc_frame();
    uint64_t lowest = 0;
    while (lowest < frames && !(seen[lowest / 64] & (1ull << (lowest % 64))))
        lowest++;
    KT_EXPECT_EQ(again, lowest * PAGE_SIZE);
    if (again)
        pmm_free_frame(again);
    kfree(seen);
}

KTEST(pmm_contig_alignment_and_limits)
{
    static const size_t aligns[] = { 1, 2, 8, 64, 512 };
    static const size_t counts[] = { 1, 3, 16, 33 };
    struct pmm_stats s0, s1;

    pmm_get_stats(&s0);
    KT_ASSERT(s0.total > 0);
    for (size_t i = 0; i < sizeof aligns / sizeof aligns[0]; i++) {
        for (size_t j = 0; j < sizeof counts / sizeof counts[0]; j++) {
            paddr_t a = pmm_alloc_contig(counts[j], aligns[i]);
            paddr_t b = pmm_alloc_contig(counts[j], aligns[i]);
            KT_ASSERT(a != 0 && b != 0);
            KT_EXPECT_EQ(a % (aligns[i] * PAGE_SIZE), 0);
            KT_EXPECT_EQ(b % (aligns[i] * PAGE_SIZE), 0);
            KT_EXPECT(a + counts[j] * PAGE_SIZE <= b || b + counts[j] * PAGE_SIZE <= a);
            pmm_free_contig(a, counts[j]);
            /* Each frame of a run is individually owned and allocated. */
            for (size_t k = 0; k < counts[j]; k++)
                pmm_free_frame(b + k * PAGE_SIZE);
        }
    }
    paddr_t lo = pmm_alloc_contig_below(4, 4, 16 * MIB);
    KT_EXPECT(lo != 0 && lo + 4 * PAGE_SIZE <= 16 * MIB && lo % (4 * PAGE_SIZE) == 0);
    paddr_t one = pmm_alloc_frame_below(16 * MIB);
    KT_EXPECT(one != 0 && one + PAGE_SIZE <= 16 * MIB && one >= PMM_LOW_RESERVED);
    KT_EXPECT_EQ(pmm_alloc_contig(0, 1), 0);
    KT_EXPECT_EQ(pmm_alloc_contig(1, 3), 0); /* not a power of two */
    KT_EXPECT_EQ(pmm_alloc_contig(s0.total + 1, 1), 0);
    if (lo)
        pmm_free_contig(lo, 4);
    if (one)
        pmm_free_frame(one);
    pmm_get_stats(&s1);
    KT_EXPECT_EQ(s1.free, s0.free);
}

#define STRESS_SLOTS 256
#define STRESS_OPS   20000

struct stress_block {
    uint8_t *p;
    size_t size;
    uint32_t id;
};

static struct stress_block blocks[STRESS_SLOTS];

static uint8_t pattern(uint32_t id, size_t k)
{
    return (uint8_t)(id * 131 + k * 7 + (k >> 8));
}

static void fill(const struct stress_block *b)
{
    for (size_t k = 0; k < b->size; k++)
        b->p[k] = pattern(b->id, k);
}

/* Bytes [0, n) still hold the block's pattern. */
static bool intact(const struct stress_block *b, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (b->p[k] != pattern(b->id, k))
            return false;
    return true;
}

static size_t stress_size(void)
{
    uint64_t r = rng_next();
    switch (r % 16) {
    case 0:
        return (size_t)(r >> 8) % 40000 + 2049; /* large */
    case 1:
        return 0;
    default:
        return ((size_t)1 << ((r >> 8) % 12)) + (size_t)(r >> 16) % 64; /* 1..2111 */
    }
}

KTEST(kheap_random_stress)
{
    struct kheap_stats h0, h1;
    struct pmm_stats p0, p1;
    uint64_t broken = 0, misaligned = 0, not_zero = 0, failed = 0;

    rng_state = 0x6a09e667f3bcc909ull;
    kheap_trim();
    kheap_get_stats(&h0);
    pmm_get_stats(&p0);
    for (uint32_t op = 1; op <= STRESS_OPS; op++) {
        struct stress_block *b = &blocks[rng_next() % STRESS_SLOTS];
        uint64_t r = rng_next();
        if (b->p && r % 3 == 0) {
            broken += !intact(b, b->size);
            kfree(b->p);
            b->p = NULL;
        } else if (b->p) {
            size_t size = stress_size();
            size_t keep = size < b->size ? size : b->size;
            uint8_t *q = krealloc(b->p, size ? size : 1);
            if (!q) {
                failed++;
                continue;
            }
            b->p = q;
            broken += !intact(b, keep);
            b->size = size;
            b->id = op;
            fill(b);
        } else {
            b->size = stress_size();
            b->id = op;
            if (r % 4 == 1) {
                b->p = kcalloc(1, b->size);
                if (b->p)
                    for (size_t k = 0; k < b->size; k++)
                        not_zero += b->p[k] != 0;
            } else {
                b->p = kmalloc(b->size);
            }
            if (!b->p) {
                failed++;
                continue;
            }
            fill(b);
        }
        if (b->p)
            misaligned += ((uintptr_t)b->p % KHEAP_ALIGN) != 0;
    }
    kheap_get_stats(&h1);
    KT_EXPECT(h1.live_allocs > h0.live_allocs);
    for (size_t i = 0; i < STRESS_SLOTS; i++) {
        if (blocks[i].p) {
            broken += !intact(&blocks[i], blocks[i].size);
            kfree(blocks[i].p);
            blocks[i].p = NULL;
        }
    }
    KT_EXPECT_EQ(broken, 0);
    KT_EXPECT_EQ(misaligned, 0);
    KT_EXPECT_EQ(not_zero, 0);
    KT_EXPECT_EQ(failed, 0);

    kheap_trim();
    kheap_get_stats(&h1);
    pmm_get_stats(&p1);
    KT_EXPECT_EQ(h1.live_allocs, h0.live_allocs);
    KT_EXPECT_EQ(h1.bytes_in_use, h0.bytes_in_use);
    KT_EXPECT_EQ(h1.large_allocs, h0.large_allocs);
    KT_EXPECT_EQ(h1.large_pages, h0.large_pages);
    KT_EXPECT_EQ(h1.slab_pages, h0.slab_pages);
    KT_EXPECT_EQ(p1.free, p0.free);
}

KTEST(kheap_edges)
{
    struct kheap_stats h0, h1;
    struct pmm_stats p0, p1;

    kheap_trim();
    kheap_get_stats(&h0);
    pmm_get_stats(&p0);

    /* Every size up to a few pages: aligned, usable to the last byte, distinct. */
    uint8_t *prev = NULL;
    for (size_t size = 0; size <= 3 * PAGE_SIZE; size += size < 64 ? 1 : 61) {
        uint8_t *p = kmalloc(size);
        KT_ASSERT(p != NULL);
        KT_EXPECT_EQ((uintptr_t)p % KHEAP_ALIGN, 0);
        KT_EXPECT(p != prev);
        memset(p, 0x5a, size);
        kfree(prev);
        prev = p;
    }
    kfree(prev);

    KT_EXPECT(kcalloc(SIZE_MAX / 2, 3) == NULL);
    KT_EXPECT(kcalloc(3, SIZE_MAX / 2) == NULL);
    KT_EXPECT(kmalloc(SIZE_MAX) == NULL);
    KT_EXPECT(kmalloc(SIZE_MAX - 4096) == NULL);
    kfree(NULL);

    uint64_t *z = kcalloc(1000, sizeof *z); /* a large block */
    KT_ASSERT(z != NULL);
    uint64_t nonzero = 0;
    for (size_t i = 0; i < 1000; i++)
        nonzero += z[i] != 0;
    KT_EXPECT_EQ(nonzero, 0);

    /* krealloc keeps contents across classes and into and out of whole pages. */
    for (size_t i = 0; i < 1000; i++)
        z[i] = i * 0x9e3779b97f4a7c15ull;
    z = krealloc(z, 20000 * sizeof *z);
    KT_ASSERT(z != NULL);
    uint64_t wrong = 0;
    for (size_t i = 0; i < 1000; i++)
        wrong += z[i] != i * 0x9e3779b97f4a7c15ull;
    z = krealloc(z, 10 * sizeof *z);
    KT_ASSERT(z != NULL);
    for (size_t i = 0; i < 10; i++)
        wrong += z[i] != i * 0x9e3779b97f4a7c15ull;
    KT_EXPECT_EQ(wrong, 0);
    KT_EXPECT(krealloc(z, 0) == NULL);

    kheap_trim();
    kheap_get_stats(&h1);
    pmm_get_stats(&p1);
    KT_EXPECT_EQ(h1.live_allocs, h0.live_allocs);
    KT_EXPECT_EQ(h1.bytes_in_use, h0.bytes_in_use);
    KT_EXPECT_EQ(h1.slab_pages, h0.slab_pages);
    KT_EXPECT_EQ(p1.free, p0.free);
}
