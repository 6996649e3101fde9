/*
 * Host unit tests for the pmm core (mm/pmm.c, cmocka). Each test builds a fake
 * multiboot2 memory map, and a naive per-frame model decides independently which
 * frames may ever be handed out; the allocator is then drained, refilled and
 * stressed against that model and a host-side set of frames it has handed out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <core/mb2.h>
#include <lib/errno.h>
#include <mm/pmm.h>

#define KIB 1024ull
#define MIB (1024ull * KIB)
#define GIB (1024ull * MIB)
#define FRAME 4096ull

/* ---- Fake boot information and metadata memory ---------------------------------- */

static struct mb2_info mb;
static struct pmm pmm;
static struct pmm_range extra[600];
static size_t nextra;

struct meta {
    void *buf;
    paddr_t pa;
    size_t len;
    int calls;
    bool refuse;
};
static struct meta meta;

static void *map_meta(void *ctx, paddr_t pa, size_t len)
{
    struct meta *m = ctx;

    m->calls++;
    if (m->refuse)
        return NULL;
    free(m->buf);
    m->buf = malloc(len);
    assert_non_null(m->buf);
    memset(m->buf, 0xa5, len); /* the allocator must not rely on zeroed memory */
    m->pa = pa;
    m->len = len;
    return m->buf;
}

static int setup(void **state)
{
    (void)state;
    free(meta.buf);
    memset(&mb, 0, sizeof mb);
    memset(&meta, 0, sizeof meta);
    nextra = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(meta.buf);
    meta.buf = NULL;
    return 0;
}

static void map_add(uint64_t base, uint64_t len, uint32_t type)
{
    assert_true(mb.mmap_count < MB2_MAX_MMAP);
    mb.mmap[mb.mmap_count++] = (struct mb2_mmap_entry){ base, len, type };
    mb.mmap_total = mb.mmap_count;
}

static void module_add(uint32_t start, uint32_t end)
{
    assert_true(mb.module_count < MB2_MAX_MODULES);
    mb.modules[mb.module_count].start = start;
    mb.modules[mb.module_count].end = end;
    mb.modules[mb.module_count].cmdline = "";
    mb.module_count++;
    mb.module_total = mb.module_count;
}

static void extra_add(paddr_t start, paddr_t end)
{
    assert_true(nextra < sizeof extra / sizeof extra[0]);
    extra[nextra++] = (struct pmm_range){ start, end };
}

static int build(paddr_t meta_limit)
{
    return pmm_core_build(&pmm, &mb, extra, nextra, meta_limit, map_meta, &meta);
}

/* A QEMU-like PC map: low RAM, BIOS holes, RAM from 1 MiB to `low_end`, the PCI hole,
 * and optionally RAM above 4 GiB; the kernel at 1 MiB, the info block and a module. */
static void qemu_map(uint64_t low_end, uint64_t high_len)
{
    map_add(0, 0x9fc00, MB2_MMAP_AVAILABLE);
    map_add(0x9fc00, 0x400, MB2_MMAP_RESERVED);
    map_add(0xf0000, 0x10000, MB2_MMAP_RESERVED);
    map_add(0x100000, low_end - 0x100000 - 0x20000, MB2_MMAP_AVAILABLE);
    map_add(low_end - 0x20000, 0x20000, MB2_MMAP_RESERVED);
    map_add(0xfeffc000, 0x4000, MB2_MMAP_RESERVED);
    map_add(0xfffc0000, 0x40000, MB2_MMAP_RESERVED);
    if (high_len)
        map_add(4 * GIB, high_len, MB2_MMAP_AVAILABLE);
    extra_add(0x100000, 0x2a3456);   /* kernel image */
    extra_add(0x2b0010, 0x2b1234);   /* multiboot2 info block */
    module_add(0x300000, 0x310001);
}

/* ---- Independent model ---------------------------------------------------------- */

static bool overlaps(uint64_t a, uint64_t b, uint64_t s, uint64_t e)
{
    return s < e && a < e && s < b;
}

/* May frame f ever be handed out? Fully inside one available entry, and touching no
 * reservation of any kind (including the metadata the build chose). */
static bool model_usable(uint64_t f)
{
    uint64_t a = f * FRAME, b = a + FRAME;
    bool inside = false;

    if (a < PMM_LOW_RESERVED || b > PMM_MAX_PHYS)
        return false;
    for (size_t i = 0; i < mb.mmap_count; i++) {
        const struct mb2_mmap_entry *e = &mb.mmap[i];
        uint64_t end = e->base + e->len;
        if (end < e->base)
            end = UINT64_MAX;
        if (e->type == MB2_MMAP_AVAILABLE && e->base <= a && b <= end)
            inside = true;
        if (e->type != MB2_MMAP_AVAILABLE && overlaps(a, b, e->base, end))
            return false;
    }
    for (size_t i = 0; i < mb.module_count; i++)
        if (overlaps(a, b, mb.modules[i].start, mb.modules[i].end))
            return false;
    for (size_t i = 0; i < nextra; i++)
        if (overlaps(a, b, extra[i].start, extra[i].end))
            return false;
    if (overlaps(a, b, meta.pa, meta.pa + meta.len))
        return false;
    return inside;
}

/* Host-side set of frames, one bit each. */
struct fset {
    uint64_t *bits;
    uint64_t frames;
};

static struct fset fset_new(uint64_t frames)
{
    struct fset s = { calloc((frames + 63) / 64 + 1, 8), frames };
    assert_non_null(s.bits);
    return s;
}

static bool fset_has(const struct fset *s, uint64_t f)
{
    return f < s->frames && (s->bits[f / 64] >> (f % 64)) & 1;
}

static void fset_put(struct fset *s, uint64_t f)
{
    assert_true(f < s->frames);
    s->bits[f / 64] |= 1ull << (f % 64);
}

static void fset_del(struct fset *s, uint64_t f)
{
    s->bits[f / 64] &= ~(1ull << (f % 64));
}

/* The owned frames are exactly the model's usable frames up to the top, except (if
 * allow_lost) those given up; returns how many usable frames it saw. */
static uint64_t check_owned_matches_model(bool allow_lost)
{
    struct pmm_stats st;
    uint64_t usable = 0, owned = 0;

    pmm_core_stats(&pmm, &st);
    for (uint64_t f = 0; f < st.top / FRAME + 64; f++) {
        bool m = model_usable(f), o = pmm_core_owns(&pmm, f * FRAME);
        usable += m;
        owned += o;
        if (o && !m)
            fail_msg("frame %#llx owned but not usable", (unsigned long long)(f * FRAME));
        if (m && !o && !allow_lost)
            fail_msg("frame %#llx usable but not owned", (unsigned long long)(f * FRAME));
    }
    assert_int_equal(owned, st.total);
    assert_int_equal(st.used + st.free, st.total);
    if (!allow_lost)
        assert_int_equal(usable, st.total);
    else /* lost frames above the top are not scanned */
        assert_true(usable >= st.total && usable <= st.total + pmm.lost_frames);
    return usable;
}

/* Takes every free frame below `limit`; each must be owned, new, aligned, and the
 * lowest one left. Returns how many. */
static uint64_t drain(struct fset *held, paddr_t limit)
{
    uint64_t n = 0;
    paddr_t pa, last = 0;

    while ((pa = pmm_core_alloc(&pmm, limit)) != 0) {
        assert_int_equal(pa % FRAME, 0);
        assert_true(pa + FRAME <= limit || limit == PMM_NO_LIMIT);
        assert_true(pa > last); /* lowest first */
        assert_true(pmm_core_owns(&pmm, pa));
        assert_true(model_usable(pa / FRAME));
        if (fset_has(held, pa / FRAME))
            fail_msg("frame %#llx handed out twice", (unsigned long long)pa);
        fset_put(held, pa / FRAME);
        last = pa;
        n++;
    }
    return n;
}

static void refill(struct fset *held)
{
    for (uint64_t f = 0; f < held->frames; f++) {
        if (fset_has(held, f)) {
            assert_int_equal(pmm_core_free(&pmm, f * FRAME, 1), 0);
            fset_del(held, f);
        }
    }
}

/* Exhaust, check the counters, refill, and check they are exactly back. */
static void exhaust_and_refill(void)
{
    struct pmm_stats s0, s1;

    pmm_core_stats(&pmm, &s0);
    struct fset held = fset_new(s0.top / FRAME);
    for (int round = 0; round < 2; round++) {
        assert_int_equal(drain(&held, PMM_NO_LIMIT), s0.free);
        pmm_core_stats(&pmm, &s1);
        assert_int_equal(s1.free, 0);
        assert_int_equal(s1.used, s0.total);
        assert_int_equal(pmm_core_alloc(&pmm, PMM_NO_LIMIT), 0);
        assert_int_equal(pmm_core_alloc_contig(&pmm, 1, 1, PMM_NO_LIMIT), 0);
        assert_int_equal(pmm_core_verify(&pmm), 0);
        refill(&held);
        pmm_core_stats(&pmm, &s1);
        assert_memory_equal(&s0, &s1, sizeof s0);
        assert_int_equal(pmm_core_verify(&pmm), 0);
    }
    free(held.bits);
}

/* ---- Tests ------------------------------------------------------------------------ */

static void test_meta_bytes(void **state)
{
    (void)state;
    assert_int_equal(pmm_core_meta_bytes(1), 8);
    assert_int_equal(pmm_core_meta_bytes(64), 8);
    assert_int_equal(pmm_core_meta_bytes(65), 3 * 8);        /* 2 words + 1 summary */
    assert_int_equal(pmm_core_meta_bytes(4096), 65 * 8);     /* 64 + 1 */
    assert_int_equal(pmm_core_meta_bytes(4097), (65 + 2 + 1) * 8);
    /* 6 GiB of address space: ~200 KiB (level 0 dominates). */
    size_t six = pmm_core_meta_bytes(6 * GIB / FRAME);
    assert_true(six >= 6 * GIB / FRAME / 8 && six < 200 * KIB);
}

static void test_qemu_32mib(void **state)
{
    struct pmm_stats st;

    (void)state;
    qemu_map(32 * MIB, 0);
    assert_int_equal(build(4 * GIB), 0);
    assert_int_equal(meta.calls, 1);
    /* The bitmap sits in the first free spot: between the kernel and the info block. */
    assert_int_equal(meta.pa, 0x2a4000);
    assert_int_equal(meta.len, 4096);
    assert_int_equal(pmm_core_verify(&pmm), 0);
    uint64_t usable = check_owned_matches_model(false);
    pmm_core_stats(&pmm, &st);
    /* 1 MiB..32 MiB-128 KiB, minus kernel (420 frames), info (2), module (17), meta (1) */
    assert_int_equal(usable, (32 * MIB - 0x20000 - 1 * MIB) / FRAME - 0x1a4 - 2 - 17 - 1);
    assert_int_equal(st.free, st.total);
    assert_int_equal(st.top, 32 * MIB - 0x20000);
    assert_false(pmm_core_owns(&pmm, 0));
    assert_false(pmm_core_owns(&pmm, 0x9f000));
    exhaust_and_refill();
}

static void test_holes_overlaps_unaligned(void **state)
{
    (void)state;
    map_add(0x100123, 0x400000, MB2_MMAP_AVAILABLE);          /* unaligned both ends */
    map_add(0x200800, 0x1800, MB2_MMAP_RESERVED);             /* inside, unaligned */
    map_add(0x300000, 0x1000, 7);                             /* unknown type: reserved */
    map_add(0x400000, 0x300000, MB2_MMAP_AVAILABLE);          /* overlaps the first */
    map_add(0x480000, 0x10000, MB2_MMAP_ACPI_RECLAIMABLE);
    map_add(0x4ff000, 0x2000, MB2_MMAP_BAD);                  /* straddles the overlap */
    map_add(0x800000, 0, MB2_MMAP_AVAILABLE);                 /* empty */
    map_add(0x900000, 0x800, MB2_MMAP_AVAILABLE);             /* less than a frame */
    map_add(0x1000000, 0x1000000, MB2_MMAP_AVAILABLE);        /* after a hole */
    map_add(0x1800000, 0x100000, MB2_MMAP_ACPI_NVS);
    map_add(0x1f00000, 0x200000, MB2_MMAP_RESERVED);          /* overlaps the end */
    map_add(0x3000000, 0x1234, MB2_MMAP_AVAILABLE);           /* one whole frame */
    extra_add(0x100000, 0x180000);
    extra_add(0x150000, 0x1a0000);                            /* overlaps the other */
    extra_add(0x2000000, 0x2000000);                          /* empty */
    module_add(0x600000, 0x600000);                           /* empty module */
    module_add(0x1200fff, 0x1201001);                         /* two frames touched */
    assert_int_equal(build(4 * GIB), 0);
    assert_int_equal(meta.pa, 0x1a0000);
    check_owned_matches_model(false);
    assert_true(pmm_core_owns(&pmm, 0x3000000));
    assert_false(pmm_core_owns(&pmm, 0x200000));              /* reserved 0x200800 */
    assert_false(pmm_core_owns(&pmm, 0x201000));
    assert_true(pmm_core_owns(&pmm, 0x202000));
    assert_false(pmm_core_owns(&pmm, 0x1200000));
    assert_false(pmm_core_owns(&pmm, 0x1201000));
    assert_true(pmm_core_owns(&pmm, 0x1202000));
    assert_false(pmm_core_owns(&pmm, 0x900000));
    exhaust_and_refill();
}

static void test_ram_above_4g(void **state)
{
    struct pmm_stats st;
    struct fset held;

    (void)state;
    qemu_map(3 * GIB, 3 * GIB); /* QEMU -m 6144: 3 GiB low, 3 GiB from 4 GiB */
    assert_int_equal(build(4 * GIB), 0);
    assert_true(meta.pa + meta.len <= 4 * GIB);
    assert_true(meta.len >= 7 * GIB / FRAME / 8 && meta.len < 240 * KIB);
    check_owned_matches_model(false);
    pmm_core_stats(&pmm, &st);
    assert_int_equal(st.top, 7 * GIB);

    /* Below 4 GiB first; when that is gone, below-limit requests fail while plain ones
     * go on from 4 GiB up. */
    held = fset_new(st.top / FRAME);
    uint64_t low = drain(&held, 4 * GIB);
    uint64_t expect_low = 0;
    for (uint64_t f = 0; f < 4 * GIB / FRAME; f++)
        expect_low += model_usable(f);
    assert_int_equal(low, expect_low);
    assert_int_equal(pmm_core_alloc(&pmm, 4 * GIB), 0);
    assert_int_equal(pmm_core_alloc_contig(&pmm, 1, 1, 4 * GIB), 0);
    paddr_t hi = pmm_core_alloc(&pmm, PMM_NO_LIMIT);
    assert_int_equal(hi, 4 * GIB);
    assert_int_equal(pmm_core_free(&pmm, hi, 1), 0);
    paddr_t run = pmm_core_alloc_contig(&pmm, 512, 512, PMM_NO_LIMIT);
    assert_int_equal(run, 4 * GIB);
    assert_int_equal(pmm_core_free(&pmm, run, 512), 0);
    refill(&held);
    free(held.bits);
    exhaust_and_refill();
}

static void test_meta_placement(void **state)
{
    (void)state;
    /* 2 GiB needs a 65 KiB bitmap: the 32 KiB range is skipped. */
    map_add(0x100000, 0x8000, MB2_MMAP_AVAILABLE);
    map_add(0x200000, 2 * GIB - 0x200000, MB2_MMAP_AVAILABLE);
    assert_int_equal(build(4 * GIB), 0);
    assert_int_equal(meta.pa, 0x200000);
    assert_int_equal(meta.len, 68 * KIB);
    check_owned_matches_model(false);
    assert_true(pmm_core_owns(&pmm, 0x100000));

    /* No range below the limit can hold the bitmap for 6 GiB: the RAM above 4 GiB is
     * given up, and the low range then holds its own small bitmap. */
    setup(NULL);
    map_add(0x100000, 0x8000, MB2_MMAP_AVAILABLE);
    map_add(4 * GIB, 2 * GIB, MB2_MMAP_AVAILABLE);
    assert_int_equal(build(4 * GIB), 0);
    assert_int_equal(meta.pa, 0x100000);
    assert_int_equal(pmm.lost_frames, 2 * GIB / FRAME);
    check_owned_matches_model(true);
    assert_int_equal(pmm_core_alloc(&pmm, PMM_NO_LIMIT), 0x101000);
    assert_int_equal(build(8 * GIB), 0); /* a higher limit keeps it all */
    assert_int_equal(meta.pa, 4 * GIB);
    assert_int_equal(pmm.lost_frames, 0);
    check_owned_matches_model(false);

    /* The bitmap would take the only frame. */
    setup(NULL);
    map_add(0x100000, 0x1000, MB2_MMAP_AVAILABLE);
    assert_int_equal(build(4 * GIB), K_ENOMEM);

    /* The mapper fails: nothing is handed out. */
    setup(NULL);
    map_add(0x100000, 16 * MIB, MB2_MMAP_AVAILABLE);
    meta.refuse = true;
    assert_int_equal(build(4 * GIB), K_EINVAL);
    assert_int_equal(pmm_core_alloc(&pmm, PMM_NO_LIMIT), 0);
    assert_int_equal(pmm_core_free(&pmm, 0x200000, 1), K_ENOENT);
    assert_false(pmm_core_owns(&pmm, 0x200000));
}

static void test_bad_maps(void **state)
{
    (void)state;
    assert_int_equal(pmm_core_build(NULL, &mb, NULL, 0, 4 * GIB, map_meta, &meta), K_EINVAL);
    assert_int_equal(pmm_core_build(&pmm, NULL, NULL, 0, 4 * GIB, map_meta, &meta), K_EINVAL);
    assert_int_equal(pmm_core_build(&pmm, &mb, NULL, 1, 4 * GIB, map_meta, &meta), K_EINVAL);
    assert_int_equal(pmm_core_build(&pmm, &mb, NULL, 0, 4 * GIB, NULL, &meta), K_EINVAL);
    assert_int_equal(build(4 * GIB), K_ENOMEM); /* empty map */
    map_add(0, 0xa0000, MB2_MMAP_AVAILABLE);     /* only low memory */
    map_add(0x100000, 16 * MIB, MB2_MMAP_RESERVED);
    assert_int_equal(build(4 * GIB), K_ENOMEM);

    /* Entries that wrap or pass the physical address width are clipped; RAM at the top
     * of the address space would need a 128 GiB bitmap and is given up. */
    map_add(0x2000000, 8 * MIB, MB2_MMAP_AVAILABLE);
    map_add(PMM_MAX_PHYS - 8 * MIB, UINT64_MAX, MB2_MMAP_AVAILABLE);
    map_add(PMM_MAX_PHYS + 4 * GIB, 4 * GIB, MB2_MMAP_AVAILABLE);
    map_add(PMM_MAX_PHYS - 4 * MIB, UINT64_MAX - 5, MB2_MMAP_RESERVED);
    assert_int_equal(build(4 * GIB), 0);
    assert_int_equal(pmm.lost_frames, 4 * MIB / FRAME);
    check_owned_matches_model(true);
    struct pmm_stats st;
    pmm_core_stats(&pmm, &st);
    assert_int_equal(st.top, 0x2000000 + 8 * MIB);
    assert_int_equal(st.total, 8 * MIB / FRAME - 1);
    assert_int_equal(meta.pa, 0x2000000);
    assert_int_equal(pmm_core_alloc_contig(&pmm, 1024, 1, PMM_NO_LIMIT), 0x2001000);
    exhaust_and_refill();
}

static void test_double_and_foreign_free(void **state)
{
    struct pmm_stats s0, s1;

    (void)state;
    qemu_map(64 * MIB, 0);
    map_add(0x1000000, 0x1000, MB2_MMAP_RESERVED);
    assert_int_equal(build(4 * GIB), 0);
    pmm_core_stats(&pmm, &s0);

    paddr_t a = pmm_core_alloc(&pmm, PMM_NO_LIMIT);
    assert_int_not_equal(a, 0);
    assert_int_equal(pmm_core_free(&pmm, a, 1), 0);
    assert_int_equal(pmm_core_free(&pmm, a, 1), K_EEXIST);
    assert_int_equal(pmm_core_free(&pmm, a + 0x10000, 1), K_EEXIST); /* never allocated */

    const paddr_t foreign[] = { 0, 0x9f000, 0xf0000, 0x100000, 0x2a3000, 0x2b1000,
                                0x310000, meta.pa, 0x1000000, 64 * MIB - FRAME, 64 * MIB,
                                4 * GIB, PMM_MAX_PHYS, 0xfffffffffffff000ull };
    for (size_t i = 0; i < sizeof foreign / sizeof foreign[0]; i++)
        assert_int_equal(pmm_core_free(&pmm, foreign[i], 1), K_ENOENT);
    assert_int_equal(pmm_core_free(&pmm, a + 8, 1), K_EINVAL);
    assert_int_equal(pmm_core_free(&pmm, a, 0), K_EINVAL);
    assert_int_equal(pmm_core_free(&pmm, 0xfffffffffffff000ull, SIZE_MAX), K_EINVAL);

    /* Validate first, act second: a run holding one free frame changes nothing. */
    paddr_t run = pmm_core_alloc_contig(&pmm, 8, 1, PMM_NO_LIMIT);
    assert_int_not_equal(run, 0);
    assert_int_equal(pmm_core_free(&pmm, run + 3 * FRAME, 1), 0);
    assert_int_equal(pmm_core_free(&pmm, run, 8), K_EEXIST);
    assert_int_equal(pmm_core_free(&pmm, run, 3), 0);
    assert_int_equal(pmm_core_free(&pmm, run + 4 * FRAME, 4), 0);
    /* A run reaching into a reserved frame: nothing freed either. */
    paddr_t below = pmm_core_alloc_contig(&pmm, 1, 1, PMM_NO_LIMIT);
    (void)below;
    paddr_t edge = 0x1000000 - FRAME; /* owned, right below the reserved frame */
    struct fset held = fset_new(64 * MIB / FRAME);
    drain(&held, PMM_NO_LIMIT);
    assert_int_equal(pmm_core_free(&pmm, edge, 2), K_ENOENT);
    assert_int_equal(pmm_core_alloc(&pmm, PMM_NO_LIMIT), 0);
    fset_put(&held, below / FRAME);
    refill(&held);
    free(held.bits);
    pmm_core_stats(&pmm, &s1);
    assert_memory_equal(&s0, &s1, sizeof s0);
    assert_int_equal(pmm_core_verify(&pmm), 0);
}

static void test_contig(void **state)
{
    struct pmm_stats s0, s1;

    (void)state;
    map_add(0x100000, 127 * MIB, MB2_MMAP_AVAILABLE);
    assert_int_equal(build(4 * GIB), 0);
    pmm_core_stats(&pmm, &s0);

    const size_t aligns[] = { 0, 1, 2, 4, 16, 512, 4096 };
    for (size_t i = 0; i < sizeof aligns / sizeof aligns[0]; i++) {
        for (size_t count = 1; count <= 1024; count = count * 3 + 1) {
            size_t al = aligns[i] ? aligns[i] : 1;
            paddr_t pa = pmm_core_alloc_contig(&pmm, count, aligns[i], PMM_NO_LIMIT);
            assert_int_not_equal(pa, 0);
            assert_int_equal(pa % (al * FRAME), 0);
            for (size_t k = 0; k < count; k++) /* really taken: freeing each works once */
                assert_int_equal(pmm_core_free(&pmm, pa + k * FRAME, 1), 0);
        }
    }
    assert_int_equal(pmm_core_alloc_contig(&pmm, 0, 1, PMM_NO_LIMIT), 0);
    assert_int_equal(pmm_core_alloc_contig(&pmm, 1, 3, PMM_NO_LIMIT), 0);
    assert_int_equal(pmm_core_alloc_contig(&pmm, 1, (size_t)1 << 63, PMM_NO_LIMIT), 0);
    assert_int_equal(pmm_core_alloc_contig(&pmm, s0.free + 1, 1, PMM_NO_LIMIT), 0);
    assert_int_equal(pmm_core_alloc_contig(&pmm, SIZE_MAX, 1, PMM_NO_LIMIT), 0);

    /* Below a limit: the run must end at or below it (0x100000-0x101fff: bitmap). */
    assert_int_equal(meta.pa, 0x100000);
    paddr_t lim = pmm_core_alloc_contig(&pmm, 16, 16, 0x120000);
    assert_int_equal(lim, 0x110000);
    assert_int_equal(pmm_core_alloc_contig(&pmm, 16, 16, 0x120000), 0);
    assert_int_equal(pmm_core_alloc_contig(&pmm, 16, 1, 0x120000), 0);
    assert_int_equal(pmm_core_alloc_contig(&pmm, 14, 1, 0x110000), 0x102000);
    assert_int_equal(pmm_core_free(&pmm, 0x102000, 14), 0);
    assert_int_equal(pmm_core_free(&pmm, lim, 16), 0);

    /* Fragment: take everything, give back every other frame of a window. */
    struct fset held = fset_new(s0.top / FRAME);
    drain(&held, PMM_NO_LIMIT);
    for (uint64_t f = 0x4000; f < 0x4100; f += 2) {
        assert_int_equal(pmm_core_free(&pmm, f * FRAME, 1), 0);
        fset_del(&held, f);
    }
    assert_int_equal(pmm_core_alloc_contig(&pmm, 2, 1, PMM_NO_LIMIT), 0);
    assert_int_equal(pmm_core_free(&pmm, 0x4051 * FRAME, 1), 0); /* joins 0x4050..0x4052 */
    fset_del(&held, 0x4051);
    assert_int_equal(pmm_core_alloc_contig(&pmm, 2, 2, PMM_NO_LIMIT), 0x4050 * FRAME);
    assert_int_equal(pmm_core_alloc_contig(&pmm, 2, 1, PMM_NO_LIMIT), 0);
    assert_int_equal(pmm_core_free(&pmm, 0x4050 * FRAME, 2), 0);
    assert_int_equal(pmm_core_alloc_contig(&pmm, 3, 1, PMM_NO_LIMIT), 0x4050 * FRAME);
    assert_int_equal(pmm_core_free(&pmm, 0x4050 * FRAME, 3), 0);
    assert_int_equal(pmm_core_verify(&pmm), 0);
    assert_int_equal(pmm_core_alloc(&pmm, PMM_NO_LIMIT), 0x4000 * FRAME); /* lowest first */
    assert_int_equal(pmm_core_free(&pmm, 0x4000 * FRAME, 1), 0);
    refill(&held);
    free(held.bits);
    pmm_core_stats(&pmm, &s1);
    assert_memory_equal(&s0, &s1, sizeof s0);
}

/* Lowest free frame at or after `from` in the model, or UINT64_MAX. */
static uint64_t model_next_free(const struct fset *freeset, uint64_t from)
{
    for (uint64_t f = from; f < freeset->frames; f++) {
        if (f % 64 == 0 && freeset->bits[f / 64] == 0)
            f += 63; /* skip a word with nothing in it */
        else if (fset_has(freeset, f))
            return f;
    }
    return UINT64_MAX;
}

/* First-fit aligned run in the model, or 0. */
static uint64_t model_contig(const struct fset *freeset, uint64_t count, uint64_t align,
                             uint64_t limit_frames)
{
    for (uint64_t s = 0; s + count <= limit_frames && s + count <= freeset->frames; s += align) {
        uint64_t k = 0;
        while (k < count && fset_has(freeset, s + k))
            k++;
        if (k == count)
            return s;
    }
    return 0;
}

static void test_random_against_model(void **state)
{
    (void)state;
    qemu_map(24 * MIB, 0);
    for (paddr_t a = 5 * MIB; a < 20 * MIB; a += 77 * FRAME) /* many small holes */
        extra_add(a, a + (a % 5 + 1) * FRAME);
    assert_int_equal(build(4 * GIB), 0);
    check_owned_matches_model(false);

    struct pmm_stats st;
    pmm_core_stats(&pmm, &st);
    uint64_t frames = st.top / FRAME;
    struct fset freeset = fset_new(frames), held = fset_new(frames);
    for (uint64_t f = 0; f < frames; f++)
        if (pmm_core_owns(&pmm, f * FRAME))
            fset_put(&freeset, f);

    srand(12345);
    for (int op = 0; op < 60000; op++) {
        int kind = rand() % 10;
        if (kind < 4) {
            paddr_t limit = rand() % 4 ? PMM_NO_LIMIT : (paddr_t)(rand() % 24) * MIB;
            uint64_t want = model_next_free(&freeset, 0);
            paddr_t pa = pmm_core_alloc(&pmm, limit);
            if (want == UINT64_MAX || (limit != PMM_NO_LIMIT && (want + 1) * FRAME > limit)) {
                assert_int_equal(pa, 0);
                continue;
            }
            assert_int_equal(pa, want * FRAME);
            fset_del(&freeset, want);
            fset_put(&held, want);
        } else if (kind < 6) {
            uint64_t count = (uint64_t)(rand() % 40 + 1), align = 1ull << (rand() % 7);
            uint64_t limit = rand() % 3 ? frames : (uint64_t)(rand() % 24) * MIB / FRAME;
            uint64_t want = model_contig(&freeset, count, align, limit);
            paddr_t pa = pmm_core_alloc_contig(&pmm, count, align, limit * FRAME);
            assert_int_equal(pa, want * FRAME);
            for (uint64_t k = 0; want && k < count; k++) {
                fset_del(&freeset, want + k);
                fset_put(&held, want + k);
            }
        } else {
            /* Free a random held frame (or a short held run). */
            uint64_t f = model_next_free(&held, (uint64_t)rand() % frames);
            if (f == UINT64_MAX)
                continue;
            uint64_t count = 1;
            while (count < 8 && fset_has(&held, f + count))
                count++;
            assert_int_equal(pmm_core_free(&pmm, f * FRAME, count), 0);
            assert_int_equal(pmm_core_free(&pmm, f * FRAME, 1), K_EEXIST);
            for (uint64_t k = 0; k < count; k++) {
                fset_del(&held, f + k);
                fset_put(&freeset, f + k);
            }
        }
        if (op % 5000 == 0)
            assert_int_equal(pmm_core_verify(&pmm), 0);
    }
    refill(&held);
    pmm_core_stats(&pmm, &st);
    assert_int_equal(st.free, st.total);
    assert_int_equal(pmm_core_verify(&pmm), 0);
    free(freeset.bits);
    free(held.bits);
}

static void test_range_table_overflow(void **state)
{
    (void)state;
    map_add(0x100000, 64 * MIB, MB2_MMAP_AVAILABLE);
    for (size_t i = 0; i < 500; i++) /* 500 holes: more pieces than the table holds */
        extra_add(2 * MIB + i * 8 * FRAME, 2 * MIB + i * 8 * FRAME + FRAME);
    assert_int_equal(build(4 * GIB), 0);
    assert_int_equal(pmm.range_count, PMM_MAX_RANGES);
    assert_true(pmm.lost_frames > 0);
    /* Every hole past the table's capacity drops the 7 frames before it. */
    assert_int_equal(check_owned_matches_model(true), pmm.lost_frames + pmm.total_frames);
    assert_int_equal(pmm_core_verify(&pmm), 0);
    exhaust_and_refill();
}

static void test_unbuilt(void **state)
{
    struct pmm_stats st;

    (void)state;
    memset(&pmm, 0, sizeof pmm);
    assert_int_equal(pmm_core_alloc(&pmm, PMM_NO_LIMIT), 0);
    assert_int_equal(pmm_core_alloc_contig(&pmm, 1, 1, PMM_NO_LIMIT), 0);
    assert_int_equal(pmm_core_free(&pmm, 0x100000, 1), K_ENOENT);
    pmm_core_stats(&pmm, &st);
    assert_int_equal(st.total, 0);
    assert_int_equal(st.top, 0);
    assert_int_equal(pmm_core_verify(&pmm), 0);
}

/* Boot modules out of the low 16 MiB: the lowest place above that clears everything,
 * or none. */
static void test_modules_target(void **state)
{
    (void)state;
    paddr_t dest, bytes;

    qemu_map(256 * MIB, 0); /* one module at 3 MiB, 64 KiB + 1 byte: 17 frames */
    module_add(0x400000, 0x1200000);   /* 4 MiB .. 18 MiB: straddles the limit */
    module_add(0x1200000, 0x1300000);  /* above the limit: stays, but is in the way */
    extra_add(0x1300000, 0x1300800);   /* something else just above it */
    assert_int_equal(pmm_core_modules_target(&mb, extra, nextra, 16 * MIB, 4 * GIB, &dest,
                                             &bytes), 0);
    assert_int_equal(bytes, 17 * FRAME + 14 * MIB);
    assert_int_equal(dest, 0x1301000);

    /* Right at the limit when it is free; nothing below it: nothing to do. */
    setup(NULL);
    qemu_map(256 * MIB, 0);
    assert_int_equal(pmm_core_modules_target(&mb, extra, nextra, 4 * MIB, 4 * GIB, &dest,
                                             &bytes), 0);
    assert_int_equal(bytes, 17 * FRAME);
    assert_int_equal(dest, 4 * MIB);
    assert_int_equal(pmm_core_modules_target(&mb, extra, nextra, 2 * MIB, 4 * GIB, &dest,
                                             &bytes), 0);
    assert_int_equal(bytes, 0);
    assert_int_equal(dest, 0);

    /* No room: RAM ends before the modules fit above the limit, or above `high`. */
    setup(NULL);
    qemu_map(32 * MIB, 0);
    module_add(0x400000, 0x1800000);
    assert_int_equal(pmm_core_modules_target(&mb, extra, nextra, 16 * MIB, 4 * GIB, &dest,
                                             &bytes), K_ENOMEM);
    assert_int_equal(pmm_core_modules_target(&mb, extra, nextra, 24 * MIB, 28 * MIB, &dest,
                                             &bytes), K_ENOMEM);

    /* A reserved hole in the way is stepped over to the next available entry. */
    setup(NULL);
    map_add(0x100000, 0x1100000 - 0x100000, MB2_MMAP_AVAILABLE);
    map_add(0x1100000, 0x100000, MB2_MMAP_RESERVED);
    map_add(0x1200000, 0x1000000, MB2_MMAP_AVAILABLE);
    module_add(0x200000, 0x400000);
    assert_int_equal(pmm_core_modules_target(&mb, extra, nextra, 16 * MIB, 4 * GIB, &dest,
                                             &bytes), 0);
    assert_int_equal(dest, 0x1200000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_meta_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_qemu_32mib, setup, teardown),
        cmocka_unit_test_setup_teardown(test_holes_overlaps_unaligned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ram_above_4g, setup, teardown),
        cmocka_unit_test_setup_teardown(test_meta_placement, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_maps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_double_and_foreign_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_contig, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_against_model, setup, teardown),
        cmocka_unit_test_setup_teardown(test_range_table_overflow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unbuilt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modules_target, setup, teardown),
    };

    return cmocka_run_group_tests_name("pmm", tests, NULL, NULL);
}
