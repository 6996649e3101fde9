/*
 * Host unit tests for the heap core (mm/kheap.c, cmocka), in both release and debug
 * mode. A fake page provider hands out aligned host memory and checks that every
 * chunk comes back once with its size; a fault hook records misuse reports so tests
 * can check that double frees, overflows and writes after free are caught.
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

#include <mm/kheap.h>

/* ---- Page provider ------------------------------------------------------------- */

#define MAX_CHUNKS 4096
#define QUARANTINE 64

struct chunk {
    void *p;
    size_t pages;
};

struct provider {
    struct chunk live[MAX_CHUNKS];
    size_t nlive;
    size_t live_pages;
    size_t budget;   /* pages it may still hand out; SIZE_MAX: no limit */
    size_t allocs;   /* alloc_pages calls */
    bool misalign;   /* hand out a chunk off by one page */
    /* Freed chunks stay readable for a while, so a late kfree can be inspected. */
    void *quarantine[QUARANTINE];
    size_t qnext;
};

static struct provider prov;

static void *prov_alloc(void *ctx, size_t n)
{
    struct provider *pv = ctx;
    void *p;

    pv->allocs++;
    if (n > pv->budget || pv->nlive == MAX_CHUNKS)
        return NULL;
    if (posix_memalign(&p, KHEAP_CHUNK_SIZE, (n + (pv->misalign ? 1 : 0)) * PAGE_SIZE) != 0)
        return NULL;
    memset(p, 0x3c, (n + (pv->misalign ? 1 : 0)) * PAGE_SIZE); /* not zeroed */
    if (pv->misalign)
        p = (uint8_t *)p + PAGE_SIZE;
    if (pv->budget != SIZE_MAX)
        pv->budget -= n;
    pv->live[pv->nlive++] = (struct chunk){ p, n };
    pv->live_pages += n;
    return p;
}

static void prov_free(void *ctx, void *p, size_t n)
{
    struct provider *pv = ctx;

    for (size_t i = 0; i < pv->nlive; i++) {
        if (pv->live[i].p != p)
            continue;
        if (pv->live[i].pages != n)
            fail_msg("chunk %p: allocated %zu pages, freed %zu", p, pv->live[i].pages, n);
        pv->live[i] = pv->live[--pv->nlive];
        pv->live_pages -= n;
        if (pv->budget != SIZE_MAX)
            pv->budget += n;
        if (pv->misalign)
            p = (uint8_t *)p - PAGE_SIZE;
        free(pv->quarantine[pv->qnext]);
        pv->quarantine[pv->qnext] = p;
        pv->qnext = (pv->qnext + 1) % QUARANTINE;
        return;
    }
    fail_msg("free_pages(%p, %zu): not a live chunk", p, n);
}

/* ---- Fault hook -------------------------------------------------------------------- */

struct faults {
    int count;
    char what[128];
    const void *ptr;
    size_t size;
};

static struct faults faults;

static void on_fault(void *ctx, const char *what, const void *ptr, size_t size)
{
    assert_ptr_equal(ctx, &prov);
    faults.count++;
    snprintf(faults.what, sizeof faults.what, "%s", what);
    faults.ptr = ptr;
    faults.size = size;
}

/* Exactly one new fault, whose description contains `what`, about `ptr`. */
static void expect_fault(const char *what, const void *ptr)
{
    if (faults.count != 1)
        fail_msg("%d faults, wanted one \"%s\" (last: \"%s\")", faults.count, what, faults.what);
    if (!strstr(faults.what, what))
        fail_msg("fault \"%s\", wanted \"%s\"", faults.what, what);
    assert_ptr_equal(faults.ptr, ptr);
    faults.count = 0;
}

static struct kheap heap;

static void heap_init(bool debug)
{
    struct kheap_ops ops = {
        .alloc_pages = prov_alloc, .free_pages = prov_free, .fault = on_fault, .ctx = &prov
    };

    kheap_core_init(&heap, &ops, debug);
}

static int setup(void **state)
{
    (void)state;
    memset(&prov, 0, sizeof prov);
    prov.budget = SIZE_MAX;
    memset(&faults, 0, sizeof faults);
    heap_init(false);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < prov.nlive; i++)
        free((uint8_t *)prov.live[i].p - (prov.misalign ? PAGE_SIZE : 0));
    for (size_t i = 0; i < QUARANTINE; i++)
        free(prov.quarantine[i]);
    return 0;
}

/* The heap's own accounting agrees with the provider's. */
static void check_accounting(void)
{
    struct kheap_stats st;

    kheap_core_stats(&heap, &st);
    assert_int_equal(st.slab_pages + st.large_pages, prov.live_pages);
}

/* Everything freed: counters at zero, and after a trim every page is back. */
static void check_empty(void)
{
    struct kheap_stats st;

    check_accounting();
    kheap_core_stats(&heap, &st);
    assert_int_equal(st.live_allocs, 0);
    assert_int_equal(st.bytes_in_use, 0);
    assert_int_equal(st.large_allocs, 0);
    assert_int_equal(st.large_pages, 0);
    assert_true(st.slab_pages <= KHEAP_CLASSES * KHEAP_CHUNK_PAGES); /* spares only */
    kheap_core_trim(&heap);
    kheap_core_stats(&heap, &st);
    assert_int_equal(st.slab_pages, 0);
    assert_int_equal(prov.live_pages, 0);
    assert_int_equal(faults.count, 0);
}

/* ---- Tests ------------------------------------------------------------------------- */

static void sizes_and_alignment(bool debug)
{
    heap_init(debug);
    for (size_t size = 0; size <= 9000; size += size < 300 ? 1 : 37) {
        uint8_t *p = kheap_core_alloc(&heap, size, false);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % KHEAP_ALIGN, 0);
        if (debug) {
            for (size_t k = 0; k < size; k++)
                assert_int_equal(p[k], KHEAP_POISON_ALLOC);
            assert_int_equal(p[size], KHEAP_POISON_REDZONE);
        }
        memset(p, 0x77, size); /* ASan: all of it lies inside a provider chunk */
        kheap_core_free(&heap, p);
        check_accounting();
    }
    check_empty();
}

static void test_sizes_release(void **state)
{
    (void)state;
    sizes_and_alignment(false);
}

static void test_sizes_debug(void **state)
{
    (void)state;
    sizes_and_alignment(true);
}

#define SLOTS 512
#define OPS   100000

struct block {
    uint8_t *p;
    size_t size;
    uint32_t id;
};

static struct block blocks[SLOTS];

static uint8_t pattern(uint32_t id, size_t k)
{
    return (uint8_t)(id * 131 + k * 7 + (k >> 8));
}

static void fill(const struct block *b)
{
    for (size_t k = 0; k < b->size; k++)
        b->p[k] = pattern(b->id, k);
}

static void verify(const struct block *b, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (b->p[k] != pattern(b->id, k))
            fail_msg("block %u (%p, %zu bytes): byte %zu changed", b->id, b->p, b->size, k);
}

static size_t random_size(void)
{
    unsigned r = (unsigned)rand();

    switch (r % 32) {
    case 0:
        return (size_t)rand() % 200000 + 2049; /* large */
    case 1:
    case 2:
        return (size_t)rand() % 8000 + 2000; /* around the small/large boundary */
    case 3:
        return 0;
    default:
        return ((size_t)1 << ((r >> 5) % 12)) + (size_t)rand() % 64;
    }
}

static void stress(bool debug, unsigned seed)
{
    struct kheap_stats st;

    heap_init(debug);
    memset(blocks, 0, sizeof blocks);
    srand(seed);
    for (uint32_t op = 1; op <= OPS; op++) {
        struct block *b = &blocks[(unsigned)rand() % SLOTS];
        int kind = rand() % 3;
        if (b->p && kind == 0) {
            verify(b, b->size);
            kheap_core_free(&heap, b->p);
            b->p = NULL;
        } else if (b->p) {
            size_t size = random_size();
            size_t keep = size < b->size ? size : b->size;
            uint8_t *q = kheap_core_realloc(&heap, b->p, size ? size : 1);
            assert_non_null(q);
            assert_int_equal((uintptr_t)q % KHEAP_ALIGN, 0);
            b->p = q;
            verify(b, keep);
            b->size = size;
            b->id = op;
            fill(b);
        } else {
            b->size = random_size();
            b->id = op;
            if (kind == 1) {
                b->p = kheap_core_calloc(&heap, 1, b->size);
                assert_non_null(b->p);
                for (size_t k = 0; k < b->size; k++)
                    assert_int_equal(b->p[k], 0);
            } else {
                b->p = kheap_core_alloc(&heap, b->size, false);
                assert_non_null(b->p);
            }
            assert_int_equal((uintptr_t)b->p % KHEAP_ALIGN, 0);
            fill(b);
        }
        if (op % 1000 == 0)
            check_accounting();
    }
    kheap_core_stats(&heap, &st);
    assert_true(st.live_allocs > SLOTS / 2);
    assert_true(st.large_allocs > 0);
    for (size_t i = 0; i < SLOTS; i++) {
        if (blocks[i].p) {
            verify(&blocks[i], blocks[i].size);
            kheap_core_free(&heap, blocks[i].p);
        }
    }
    check_empty();
}

static void test_stress_release(void **state)
{
    (void)state;
    stress(false, 1);
}

static void test_stress_debug(void **state)
{
    (void)state;
    stress(true, 2);
}

static void test_empty_slabs_returned(void **state)
{
    static void *p[3000];
    struct kheap_stats st;

    (void)state;
    for (size_t i = 0; i < 3000; i++)
        assert_non_null(p[i] = kheap_core_alloc(&heap, 64, false));
    kheap_core_stats(&heap, &st);
    size_t per_slab = (KHEAP_CHUNK_SIZE - KHEAP_SLAB_HDR) / 64;
    assert_int_equal(st.slab_pages, (3000 + per_slab - 1) / per_slab * KHEAP_CHUNK_PAGES);
    assert_int_equal(st.bytes_in_use, 3000 * 64);
    for (size_t i = 0; i < 3000; i++)
        kheap_core_free(&heap, p[i]);
    kheap_core_stats(&heap, &st);
    assert_int_equal(st.slab_pages, KHEAP_CHUNK_PAGES); /* one spare kept */
    assert_int_equal(prov.live_pages, KHEAP_CHUNK_PAGES);

    /* The spare is used before asking the provider again. */
    size_t calls = prov.allocs;
    void *q = kheap_core_alloc(&heap, 50, false);
    assert_int_equal(prov.allocs, calls);
    kheap_core_free(&heap, q);
    check_empty();
}

static void bad_frees(bool debug)
{
    heap_init(debug);
    uint8_t *small = kheap_core_alloc(&heap, 40, false);
    uint8_t *keep = kheap_core_alloc(&heap, 40, false); /* keeps the slab alive */
    uint8_t *large = kheap_core_alloc(&heap, 10000, false);
    struct kheap_stats before, after;

    kheap_core_free(&heap, small);
    kheap_core_stats(&heap, &before);
    kheap_core_free(&heap, small);
    expect_fault("double free", small);
    kheap_core_free(&heap, large);
    kheap_core_free(&heap, large);
    expect_fault("double free", large);
    kheap_core_stats(&heap, &after);
    before.live_allocs--, before.large_allocs--, before.large_pages -= 3;
    before.bytes_in_use -= 3 * PAGE_SIZE - KHEAP_LARGE_HDR;
    assert_memory_equal(&before, &after, sizeof before);

    kheap_core_free(&heap, keep + 16);
    expect_fault("not at the start", keep + 16);
    kheap_core_free(&heap, keep + 8);
    expect_fault("misaligned", keep + 8);
    assert_null(kheap_core_realloc(&heap, keep + 32, 100));
    expect_fault("not at the start", keep + 32);
    assert_null(kheap_core_realloc(&heap, small, 100));
    expect_fault("double free", small);

    /* Memory the heap never handed out. */
    void *foreign = NULL;
    assert_int_equal(posix_memalign(&foreign, KHEAP_CHUNK_SIZE, KHEAP_CHUNK_SIZE), 0);
    memset(foreign, 0, KHEAP_CHUNK_SIZE);
    kheap_core_free(&heap, (uint8_t *)foreign + 64);
    expect_fault("no heap block", (uint8_t *)foreign + 64);
    free(foreign);

    /* A block whose slab has gone back to the provider (still readable here). */
    uint8_t *lone = kheap_core_alloc(&heap, 1000, false);
    uint8_t *other = kheap_core_alloc(&heap, 1000, true); /* same class, same slab */
    uint8_t *third = kheap_core_alloc(&heap, 1000, false);
    kheap_core_free(&heap, lone);
    kheap_core_free(&heap, other);
    kheap_core_free(&heap, third); /* empty: becomes the spare */
    kheap_core_trim(&heap);        /* and goes back */
    kheap_core_free(&heap, lone);
    expect_fault("double free", lone);

    kheap_core_free(&heap, keep);
    check_empty();
}

static void test_bad_frees_release(void **state)
{
    (void)state;
    bad_frees(false);
}

static void test_bad_frees_debug(void **state)
{
    (void)state;
    bad_frees(true);
}

static void test_overflow_detected(void **state)
{
    static const size_t sizes[] = { 0, 1, 15, 16, 17, 100, 1000, 2000, 2024, 2025, 5000, 8152 };

    (void)state;
    heap_init(true);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t size = sizes[i];
        uint8_t *p = kheap_core_alloc(&heap, size, false);
        assert_non_null(p);
        memset(p, 0x11, size); /* every requested byte may be written */

        p[size] = 0x11; /* one byte too far */
        kheap_core_free(&heap, p);
        expect_fault("overflow past the requested size", p);
        assert_int_equal(faults.size, size);
        assert_null(kheap_core_realloc(&heap, p, size + 100));
        expect_fault("overflow past the requested size", p);
        p[size] = KHEAP_POISON_REDZONE;

        uint8_t saved = p[-1];
        p[-1] ^= 0x40; /* underflow into the header */
        kheap_core_free(&heap, p);
        expect_fault("header before the block overwritten", p);
        p[-1] = saved;
        kheap_core_free(&heap, p);
        assert_int_equal(faults.count, 0);
    }

    /* Shrinking in place moves the red zone down with the size. */
    uint8_t *p = kheap_core_alloc(&heap, 900, false);
    assert_ptr_equal(kheap_core_realloc(&heap, p, 600), p);
    p[600] = 0;
    kheap_core_free(&heap, p);
    expect_fault("overflow", p);
    p[600] = KHEAP_POISON_REDZONE;
    /* Growing in place: the new bytes are fresh-allocation poison, the rest red zone. */
    assert_ptr_equal(kheap_core_realloc(&heap, p, 1000), p);
    for (size_t k = 600; k < 1000; k++)
        assert_int_equal(p[k], KHEAP_POISON_ALLOC);
    assert_int_equal(p[1000], KHEAP_POISON_REDZONE);
    kheap_core_free(&heap, p);
    check_empty();
}

static void test_poison_and_use_after_free(void **state)
{
    (void)state;
    heap_init(true);
    uint8_t *a = kheap_core_alloc(&heap, 100, false);
    uint8_t *b = kheap_core_alloc(&heap, 100, false); /* keeps the slab */
    memset(a, 0x22, 100);
    kheap_core_free(&heap, a);
    for (size_t k = 0; k < 100; k++)
        assert_int_equal(a[k], KHEAP_POISON_FREE);

    a[50] = 1; /* write after free: seen when the slot is handed out again */
    uint8_t *c = kheap_core_alloc(&heap, 100, false);
    assert_ptr_equal(c, a);
    expect_fault("written after it was freed", c);
    uint8_t *z = kheap_core_calloc(&heap, 10, 10);
    for (size_t k = 0; k < 100; k++)
        assert_int_equal(z[k], 0);
    assert_int_equal(z[100], KHEAP_POISON_REDZONE);

    uint8_t *big = kheap_core_alloc(&heap, 7000, false);
    for (size_t k = 0; k < 7000; k++)
        assert_int_equal(big[k], KHEAP_POISON_ALLOC);
    kheap_core_free(&heap, big);
    kheap_core_free(&heap, b);
    kheap_core_free(&heap, c);
    kheap_core_free(&heap, z);
    check_empty();
}

static void test_size_overflow(void **state)
{
    (void)state;
    for (int debug = 0; debug < 2; debug++) {
        heap_init(debug);
        size_t calls = prov.allocs;
        assert_null(kheap_core_calloc(&heap, SIZE_MAX / 2, 3));
        assert_null(kheap_core_calloc(&heap, 3, SIZE_MAX / 2));
        assert_null(kheap_core_calloc(&heap, (size_t)1 << 32, (size_t)1 << 32));
        assert_null(kheap_core_alloc(&heap, SIZE_MAX, false));
        assert_null(kheap_core_alloc(&heap, SIZE_MAX - PAGE_SIZE, true));
        assert_int_equal(prov.allocs, calls); /* refused before asking for pages */
        prov.budget = 1000;
        assert_null(kheap_core_alloc(&heap, (size_t)1 << 40, false)); /* provider says no */
        void *p = kheap_core_calloc(&heap, 0, 5);
        assert_non_null(p);
        kheap_core_free(&heap, p);
        prov.budget = SIZE_MAX;
        assert_int_equal(faults.count, 0);
        check_empty();
    }
}

static void test_provider_failure(void **state)
{
    (void)state;
    for (int debug = 0; debug < 2; debug++) {
        heap_init(debug);
        prov.budget = 0;
        assert_null(kheap_core_alloc(&heap, 16, false));
        assert_null(kheap_core_alloc(&heap, 10000, false));
        prov.budget = KHEAP_CHUNK_PAGES;
        uint8_t *p = kheap_core_alloc(&heap, 500, false);
        assert_non_null(p);
        memset(p, 0x42, 500);
        /* No pages for a move: NULL, and the old block is untouched and still live. */
        assert_null(kheap_core_realloc(&heap, p, 50000));
        assert_null(kheap_core_realloc(&heap, p, 20));
        for (size_t k = 0; k < 500; k++)
            assert_int_equal(p[k], 0x42);
        prov.budget = SIZE_MAX;
        p = kheap_core_realloc(&heap, p, 50000);
        assert_non_null(p);
        for (size_t k = 0; k < 500; k++)
            assert_int_equal(p[k], 0x42);
        kheap_core_free(&heap, p);
        check_empty();
    }

    /* A provider that breaks the alignment contract is reported, not trusted. */
    heap_init(false);
    prov.misalign = true;
    assert_null(kheap_core_alloc(&heap, 100, false));
    assert_int_equal(faults.count, 1);
    assert_non_null(strstr(faults.what, "misaligned chunk"));
    assert_int_equal(prov.live_pages, 0);
}

static void test_realloc_and_large(void **state)
{
    (void)state;
    for (int debug = 0; debug < 2; debug++) {
        heap_init(debug);
        void *tiny = kheap_core_realloc(&heap, NULL, 0); /* acts as kmalloc(0) */
        assert_non_null(tiny);
        kheap_core_free(&heap, tiny);
        uint8_t *p = kheap_core_realloc(&heap, NULL, 10);
        assert_non_null(p);
        size_t size = 10;
        for (size_t k = 0; k < size; k++)
            p[k] = (uint8_t)(k * 13);
        /* Grow step by step to 1 MiB, then shrink back, checking contents each time. */
        for (size_t next = 37; next < (1u << 20); next = next * 3 / 2 + 1) {
            p = kheap_core_realloc(&heap, p, next);
            assert_non_null(p);
            for (size_t k = 0; k < size; k++)
                if (p[k] != (uint8_t)(k * 13))
                    fail_msg("byte %zu lost growing to %zu", k, next);
            for (size_t k = size; k < next; k++)
                p[k] = (uint8_t)(k * 13);
            size = next;
            check_accounting();
        }
        struct kheap_stats st;
        kheap_core_stats(&heap, &st);
        assert_int_equal(st.large_allocs, 1);
        assert_int_equal(st.large_pages,
                         (size + KHEAP_LARGE_HDR + (debug ? 8 : 0) + PAGE_SIZE - 1) / PAGE_SIZE);
        for (size_t next = size / 2; next > 0; next /= 3) {
            p = kheap_core_realloc(&heap, p, next);
            assert_non_null(p);
            for (size_t k = 0; k < next; k++)
                if (p[k] != (uint8_t)(k * 13))
                    fail_msg("byte %zu lost shrinking to %zu", k, next);
        }
        assert_null(kheap_core_realloc(&heap, p, 0)); /* frees */
        check_empty();
    }
}

/* Live blocks of `site` in the heap's site table (debug heaps), or blocks 0. */
static struct kheap_site site_of(const void *site)
{
    struct kheap_site all[KHEAP_SITES + 1];
    size_t n = kheap_core_sites(&heap, all, KHEAP_SITES + 1);

    assert_true(n <= KHEAP_SITES + 1);
    for (size_t i = 0; i < n; i++)
        if (all[i].site == site)
            return all[i];
    return (struct kheap_site){ site, 0, 0 };
}

static void test_sites_name_the_holders(void **state)
{
    (void)state;
    const void *a = (const void *)0x1000, *b = (const void *)0x2000;

    heap_init(true);
    heap.caller = a;
    void *small[3], *big;
    for (int i = 0; i < 3; i++)
        assert_non_null(small[i] = kheap_core_alloc(&heap, 100, false));
    assert_non_null(big = kheap_core_calloc(&heap, 3, PAGE_SIZE));
    heap.caller = b;
    void *other = kheap_core_alloc(&heap, 40, true);
    assert_non_null(other);
    struct kheap_stats st;
    kheap_core_stats(&heap, &st);
    struct kheap_site sa = site_of(a), sb = site_of(b);
    assert_int_equal(sa.blocks, 4);
    assert_int_equal(sb.blocks, 1);
    assert_int_equal(sa.bytes + sb.bytes, st.bytes_in_use); /* sites sum to the heap */
    /* A resize makes the resizer the holder, in place (same class) or moved. */
    heap.caller = b;
    small[0] = kheap_core_realloc(&heap, small[0], 101);
    big = kheap_core_realloc(&heap, big, 5 * PAGE_SIZE);
    assert_non_null(small[0]);
    assert_non_null(big);
    assert_int_equal(site_of(a).blocks, 2);
    assert_int_equal(site_of(b).blocks, 3);
    kheap_core_free(&heap, small[1]);
    kheap_core_free(&heap, small[2]);
    assert_int_equal(site_of(a).blocks, 0);
    assert_int_equal(site_of(a).bytes, 0);
    kheap_core_free(&heap, small[0]);
    kheap_core_free(&heap, big);
    kheap_core_free(&heap, other);
    assert_int_equal(kheap_core_sites(&heap, NULL, 0), 0);
    check_empty();
    /* More sites than the table holds: the rest share the catch-all entry. */
    heap_init(true);
    static void *many[KHEAP_SITES + 10];
    for (uintptr_t i = 0; i < KHEAP_SITES + 10; i++) {
        heap.caller = (const void *)(0x10000 + 16 * i);
        assert_non_null(many[i] = kheap_core_alloc(&heap, 16, false));
    }
    assert_int_equal(site_of(NULL).blocks, 10);
    for (size_t i = 0; i < KHEAP_SITES + 10; i++)
        kheap_core_free(&heap, many[i]);
    assert_int_equal(kheap_core_sites(&heap, NULL, 0), 0);
    check_empty();
    /* Release heaps keep no sites. */
    heap_init(false);
    void *r = kheap_core_alloc(&heap, 10, false);
    assert_int_equal(kheap_core_sites(&heap, NULL, 0), 0);
    kheap_core_free(&heap, r);
    check_empty();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sizes_release, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sizes_debug, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stress_release, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stress_debug, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_slabs_returned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_frees_release, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_frees_debug, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overflow_detected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_poison_and_use_after_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_size_overflow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_provider_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_realloc_and_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sites_name_the_holders, setup, teardown),
    };

    return cmocka_run_group_tests_name("kheap", tests, NULL, NULL);
}
