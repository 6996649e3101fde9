/*
 * t_memory: the virtual-memory calls with Windows semantics: reserve, commit, protect,
 * query, decommit, release, reservations at a fixed address, and demand paging (64 MiB
 * committed costs nothing until touched; touching 1 page in 16 costs about that many
 * frames, as DmQuerySystemInformation(DORMER_INFO_MEMORY) shows). Exit 0 when all pass.
 */
#include <dormer.h>

#define KIB 1024ull
#define MIB (1024ull * 1024)
#define PAGE 4096ull

static int query(uint64_t addr, struct dormer_memory_info *mi)
{
    memset(mi, 0xcc, sizeof(*mi));
    return NT_SUCCESS(DmQueryVirtualMemory(addr, mi, sizeof(*mi)));
}

/* Checks the state, size and allocation base DmQueryVirtualMemory reports at addr. */
static void check_region(const char *name, uint64_t addr, uint32_t state, uint64_t size,
                         uint64_t alloc_base)
{
    struct dormer_memory_info mi;

    if (!query(addr, &mi)) {
        ulib_check(0, name, "DmQueryVirtualMemory(%p) failed", (void *)(uintptr_t)addr);
        return;
    }
    ulib_check(mi.base_address == (addr & ~(PAGE - 1)) && mi.state == state &&
                   mi.region_size == size && mi.allocation_base == alloc_base,
               name, "base %llx state %x size %llx alloc_base %llx; want state %x size %llx "
               "alloc_base %llx", (unsigned long long)mi.base_address, mi.state,
               (unsigned long long)mi.region_size, (unsigned long long)mi.allocation_base,
               state, (unsigned long long)size, (unsigned long long)alloc_base);
}

static uint32_t protect_of(uint64_t addr)
{
    struct dormer_memory_info mi;

    return query(addr, &mi) ? mi.protect : 0xffffffffu;
}

static uint64_t process_pages(void)
{
    struct dormer_memory_counters c;

    if (!NT_SUCCESS(DmQuerySystemInformation(DORMER_INFO_MEMORY, &c, sizeof(c))))
        return 0;
    return c.process_pages;
}

static void test_reserve_commit(void)
{
    uint64_t base = 0, size = MIB, b, s;
    uint32_t old = 0;
    struct dormer_memory_info mi;
    volatile uint8_t *p;
    int ok;

    CHECK_STATUS(DmAllocateVirtualMemory(&base, &size, MEM_RESERVE, PAGE_READWRITE),
                 STATUS_SUCCESS, "reserve_1m");
    CHECK(base != 0 && base % PAGE == 0 && size == MIB, "reserve_out_params");
    CHECK(query(base, &mi) && mi.type == MEM_PRIVATE && mi.allocation_protect == PAGE_READWRITE,
          "query_reserved_type");
    check_region("query_reserved", base, MEM_RESERVE, MIB, base);

    b = base;
    s = 2 * PAGE;
    CHECK_STATUS(DmAllocateVirtualMemory(&b, &s, MEM_COMMIT, PAGE_READWRITE), STATUS_SUCCESS,
                 "commit_2_pages");
    CHECK(b == base && s == 2 * PAGE, "commit_out_params");
    check_region("query_committed", base, MEM_COMMIT, 2 * PAGE, base);
    check_region("query_rest_reserved", base + 2 * PAGE, MEM_RESERVE, MIB - 2 * PAGE, base);
    CHECK(protect_of(base) == PAGE_READWRITE, "query_protect_rw");

    p = (volatile uint8_t *)(uintptr_t)base;
    ok = 1;
    for (uint64_t i = 0; i < 2 * PAGE; i++)
        ok &= p[i] == 0;
    CHECK(ok, "committed_reads_zero");
    for (uint64_t i = 0; i < 2 * PAGE; i++)
        p[i] = (uint8_t)(i * 7 + 3);
    ok = 1;
    for (uint64_t i = 0; i < 2 * PAGE; i++)
        ok &= p[i] == (uint8_t)(i * 7 + 3);
    CHECK(ok, "write_read_back");

    /* An unaligned range covers every page it touches (Windows rounds out). */
    b = base + 2 * PAGE + 0x10;
    s = 0x10;
    CHECK_STATUS(DmAllocateVirtualMemory(&b, &s, MEM_COMMIT, PAGE_READWRITE), STATUS_SUCCESS,
                 "commit_unaligned");
    CHECK(b == base + 2 * PAGE && s == PAGE, "commit_unaligned_rounds_out");
    check_region("query_three_committed", base, MEM_COMMIT, 3 * PAGE, base);

    b = base;
    s = 2 * PAGE;
    CHECK_STATUS(DmProtectVirtualMemory(&b, &s, PAGE_READONLY, &old), STATUS_SUCCESS,
                 "protect_readonly");
    CHECK(old == PAGE_READWRITE, "protect_old_rw");
    CHECK(protect_of(base) == PAGE_READONLY, "query_protect_ro");
    check_region("query_ro_region", base, MEM_COMMIT, 2 * PAGE, base);
    CHECK(p[PAGE + 5] == (uint8_t)((PAGE + 5) * 7 + 3), "readonly_still_readable");
    b = base;
    s = 2 * PAGE;
    CHECK_STATUS(DmProtectVirtualMemory(&b, &s, PAGE_READWRITE, &old), STATUS_SUCCESS,
                 "protect_back_rw");
    CHECK(old == PAGE_READONLY, "protect_old_ro");
    p[PAGE + 5] = 0x5a;
    CHECK(p[PAGE + 5] == 0x5a, "writable_again");

    b = base + 8 * PAGE;
    s = PAGE;
    CHECK(!NT_SUCCESS(DmProtectVirtualMemory(&b, &s, PAGE_READONLY, &old)),
          "protect_reserved_fails");

    b = base;
    s = PAGE;
    CHECK_STATUS(DmFreeVirtualMemory(&b, &s, MEM_DECOMMIT), STATUS_SUCCESS, "decommit_page");
    check_region("query_decommitted", base, MEM_RESERVE, PAGE, base);
    check_region("query_after_decommit", base + PAGE, MEM_COMMIT, 2 * PAGE, base);
    b = base;
    s = PAGE;
    CHECK_STATUS(DmAllocateVirtualMemory(&b, &s, MEM_COMMIT, PAGE_READWRITE), STATUS_SUCCESS,
                 "recommit_page");
    ok = 1;
    for (uint64_t i = 0; i < PAGE; i++)
        ok &= p[i] == 0;
    CHECK(ok, "recommitted_reads_zero");

    b = base;
    s = 0;
    CHECK_STATUS(DmFreeVirtualMemory(&b, &s, MEM_RELEASE), STATUS_SUCCESS, "release");
    CHECK(query(base, &mi) && mi.state == MEM_FREE, "query_released_free");
    b = base;
    s = 0;
    CHECK(!NT_SUCCESS(DmFreeVirtualMemory(&b, &s, MEM_RELEASE)), "release_twice_fails");
}

static void test_reserve_and_commit(void)
{
    uint64_t base = 0, size = 3 * PAGE, s = 0;
    volatile uint64_t *p;

    CHECK_STATUS(DmAllocateVirtualMemory(&base, &size, MEM_RESERVE | MEM_COMMIT,
                                         PAGE_READWRITE),
                 STATUS_SUCCESS, "reserve_commit_one_call");
    check_region("query_reserve_commit", base, MEM_COMMIT, 3 * PAGE, base);
    p = (volatile uint64_t *)(uintptr_t)base;
    p[0] = 1;
    p[3 * PAGE / 8 - 1] = 2;
    CHECK(p[0] + p[3 * PAGE / 8 - 1] == 3, "reserve_commit_usable");
    CHECK_STATUS(DmFreeVirtualMemory(&base, &s, MEM_RELEASE), STATUS_SUCCESS,
                 "reserve_commit_release");
}

static void test_fixed_address(void)
{
    uint64_t want = 0x0000100000000000ull; /* 16 TiB: far from images, stacks, heaps */
    uint64_t b, s, zero = 0;
    struct dormer_memory_info mi;

    for (int i = 0; i < 16 && query(want, &mi) && mi.state != MEM_FREE; i++)
        want += 0x40000000ull;
    b = want;
    s = 64 * KIB;
    CHECK_STATUS(DmAllocateVirtualMemory(&b, &s, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS,
                 "reserve_fixed");
    CHECK(b == want && s == 64 * KIB, "reserve_fixed_where_asked");
    check_region("query_fixed", want, MEM_RESERVE, 64 * KIB, want);

    b = want;
    s = 64 * KIB;
    CHECK_STATUS(DmAllocateVirtualMemory(&b, &s, MEM_RESERVE, PAGE_READWRITE),
                 STATUS_CONFLICTING_ADDRESSES, "reserve_fixed_twice");
    b = want + 60 * KIB;
    s = 64 * KIB;
    CHECK_STATUS(DmAllocateVirtualMemory(&b, &s, MEM_RESERVE, PAGE_READWRITE),
                 STATUS_CONFLICTING_ADDRESSES, "reserve_fixed_overlap");

    b = want + 4 * PAGE;
    s = PAGE;
    CHECK_STATUS(DmAllocateVirtualMemory(&b, &s, MEM_COMMIT, PAGE_READWRITE), STATUS_SUCCESS,
                 "commit_inside_fixed");
    check_region("query_commit_inside", want + 4 * PAGE, MEM_COMMIT, PAGE, want);
    *(volatile uint32_t *)(uintptr_t)(want + 4 * PAGE) = 0xfeed;

    b = want;
    CHECK_STATUS(DmFreeVirtualMemory(&b, &zero, MEM_RELEASE), STATUS_SUCCESS,
                 "release_fixed");
    CHECK(query(want, &mi) && mi.state == MEM_FREE, "query_fixed_free");
}

/* 64 MiB committed, 1 page in 16 touched: frames follow the touches, not the commit. */
static void test_demand_paging(void)
{
    const uint64_t size = 64 * MIB, stride = 16 * PAGE, touched = size / stride;
    uint64_t base = 0, s = size, zero = 0, before, committed, after, released;
    int zeros = 1, kept = 1;

    before = process_pages();
    CHECK(before > 0, "process_pages_counted");
    CHECK_STATUS(DmAllocateVirtualMemory(&base, &s, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE),
                 STATUS_SUCCESS, "commit_64m");
    if (!base)
        return;
    committed = process_pages();
    ulib_check(committed - before < 64, "commit_is_lazy", "commit cost %llu pages",
               (unsigned long long)(committed - before));

    for (uint64_t off = 0; off < size; off += stride) {
        volatile uint64_t *q = (volatile uint64_t *)(uintptr_t)(base + off);

        zeros &= q[0] == 0 && q[PAGE / 8 - 1] == 0;
        q[0] = off ^ 0xa5a5a5a5a5a5a5a5ull;
    }
    CHECK(zeros, "demand_pages_zero");
    for (uint64_t off = 0; off < size; off += stride)
        kept &= *(volatile uint64_t *)(uintptr_t)(base + off) == (off ^ 0xa5a5a5a5a5a5a5a5ull);
    CHECK(kept, "demand_pages_keep_data");

    after = process_pages();
    /* Each touch costs one frame; page tables (one per 2 MiB) may be counted too. */
    ulib_check(after - committed >= touched && after - committed <= touched + 96,
               "process_pages_grow_by_touched", "grew by %llu for %llu touched pages",
               (unsigned long long)(after - committed), (unsigned long long)touched);
    uprintf("t_memory: process_pages %llu -> %llu -> %llu (touched %llu)\n",
            (unsigned long long)before, (unsigned long long)committed,
            (unsigned long long)after, (unsigned long long)touched);

    CHECK_STATUS(DmFreeVirtualMemory(&base, &zero, MEM_RELEASE), STATUS_SUCCESS,
                 "release_64m");
    released = process_pages();
    ulib_check(released + touched <= after, "release_returns_frames", "%llu -> %llu",
               (unsigned long long)after, (unsigned long long)released);
}

static void test_counters(void)
{
    struct dormer_memory_counters c;

    memset(&c, 0, sizeof(c));
    CHECK_STATUS(DmQuerySystemInformation(DORMER_INFO_MEMORY, &c, sizeof(c)), STATUS_SUCCESS,
                 "query_memory_counters");
    CHECK(c.page_size == PAGE && c.total_frames > 0 && c.free_frames <= c.total_frames &&
              c.used_frames <= c.total_frames,
          "memory_counters_sane");
}

int main(void)
{
    test_counters();
    test_reserve_commit();
    test_reserve_and_commit();
    test_fixed_address();
    test_demand_paging();
    return ulib_check_summary();
}
