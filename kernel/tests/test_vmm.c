/*
 * In-kernel tests of address spaces and regions: permissions enforced by the MMU
 * (read-only and no-execute pages fault), demand-zero paging that costs nothing
 * until touched and gives every frame back, guard pages below kernel stacks, and
 * stacks that grow down to their reserved limit.
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <core/ktest.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/kstack.h>
#include <mm/pmm.h>
#include <mm/vmm.h>

/* Frames in use outside the heap (whose slab caches may grow as regions do). */
static uint64_t frames_used(void)
{
    struct pmm_stats st;
    struct kheap_stats hs;

    kstack_trim();
    arch_mmu_trim();
    pmm_get_stats(&st);
    kheap_get_stats(&hs);
    return st.used - hs.slab_pages - hs.large_pages;
}

KTEST(vmm_protect_round_trip_is_enforced)
{
    vmm_space_t *ks = vmm_kernel_space();
    vaddr_t va = 0;
    uint64_t v;

    KT_ASSERT(vmm_reserve(ks, &va, 4 * PAGE_SIZE, VM_READ | VM_WRITE, VM_COMMIT) == 0);
    KT_EXPECT(arch_probe_write((void *)(va + PAGE_SIZE), 0x1234) == 0);
    KT_EXPECT(arch_probe_read((void *)(va + PAGE_SIZE), &v) == 0 && v == 0x1234);

    unsigned old = 0;
    KT_ASSERT(vmm_protect(ks, va, 2 * PAGE_SIZE, VM_READ, &old) == 0);
    KT_EXPECT_EQ(old, VM_READ | VM_WRITE);
    KT_EXPECT(arch_probe_write((void *)(va + PAGE_SIZE), 1) == K_EFAULT);
    KT_EXPECT(arch_probe_read((void *)(va + PAGE_SIZE), &v) == 0 && v == 0x1234);
    /* The page past the protected range is still writable. */
    KT_EXPECT(arch_probe_write((void *)(va + 2 * PAGE_SIZE), 7) == 0);

    struct vm_region r;
    KT_ASSERT(vmm_query(ks, va + PAGE_SIZE, &r) == 0);
    KT_EXPECT_EQ(r.prot, VM_READ);
    KT_EXPECT_EQ(r.start, va);
    KT_EXPECT_EQ(r.end, va + 2 * PAGE_SIZE);

    KT_ASSERT(vmm_protect(ks, va, 2 * PAGE_SIZE, VM_READ | VM_WRITE, NULL) == 0);
    KT_EXPECT(arch_probe_write((void *)(va + PAGE_SIZE), 2) == 0);
    KT_ASSERT(vmm_query(ks, va + PAGE_SIZE, &r) == 0);
    KT_EXPECT_EQ(r.end, va + 4 * PAGE_SIZE); /* merged back into one region */

    KT_EXPECT(vmm_release(ks, va) == 0);
    KT_EXPECT(arch_probe_read((void *)(va + PAGE_SIZE), &v) == K_EFAULT);
    KT_ASSERT(vmm_query(ks, va, &r) == 0);
    KT_EXPECT_EQ(r.state, VM_FREE);
}

KTEST(vmm_no_execute_pages_fault_on_fetch)
{
    vmm_space_t *ks = vmm_kernel_space();
    vaddr_t va = 0;

    KT_ASSERT(vmm_reserve(ks, &va, PAGE_SIZE, VM_READ | VM_WRITE, VM_COMMIT) == 0);
    KT_ASSERT(arch_probe_write((void *)va, 0xc3) == 0); /* ret */
    KT_EXPECT(arch_probe_exec((void *)va) == K_EFAULT);
    KT_ASSERT(vmm_protect(ks, va, PAGE_SIZE, VM_READ | VM_EXEC, NULL) == 0);
    KT_EXPECT(arch_probe_exec((void *)va) == 0);
    /* Never writable and executable at once: now the write faults. */
    KT_EXPECT(arch_probe_write((void *)va, 0x90) == K_EFAULT);
    KT_EXPECT(vmm_release(ks, va) == 0);
}

KTEST(vmm_reserved_memory_is_not_accessible_until_committed)
{
    vmm_space_t *ks = vmm_kernel_space();
    vaddr_t va = 0;
    uint64_t v;

    KT_ASSERT(vmm_reserve(ks, &va, 8 * PAGE_SIZE, 0, 0) == 0);
    KT_EXPECT(arch_probe_read((void *)va, &v) == K_EFAULT);
    KT_ASSERT(vmm_commit(ks, va + 2 * PAGE_SIZE, 2 * PAGE_SIZE, VM_READ | VM_WRITE) == 0);
    KT_EXPECT(arch_probe_write((void *)(va + 3 * PAGE_SIZE), 5) == 0);
    KT_EXPECT(arch_probe_read((void *)(va + 4 * PAGE_SIZE), &v) == K_EFAULT);
    /* Commit can't leave the reservation; a second reservation can't overlap it. */
    KT_EXPECT(vmm_commit(ks, va + 6 * PAGE_SIZE, 4 * PAGE_SIZE, VM_READ) == K_EINVAL);
    vaddr_t clash = va + PAGE_SIZE;
    KT_EXPECT(vmm_reserve(ks, &clash, PAGE_SIZE, 0, 0) == K_EEXIST);

    uint64_t used = frames_used();
    KT_EXPECT(vmm_decommit(ks, va + 2 * PAGE_SIZE, 2 * PAGE_SIZE) == 0);
    KT_EXPECT(frames_used() < used);
    KT_EXPECT(arch_probe_read((void *)(va + 3 * PAGE_SIZE), &v) == K_EFAULT);
    KT_EXPECT(vmm_release(ks, va + PAGE_SIZE) == K_EINVAL); /* not a reservation start */
    KT_EXPECT(vmm_release(ks, va) == 0);
}

KTEST(vmm_demand_paging_256mib_touching_every_16th_page)
{
    vmm_space_t *ks = vmm_kernel_space();
    const size_t size = 256u << 20;
    const size_t step = 16 * PAGE_SIZE;
    vaddr_t va = 0;

    /* Warm the heap's region array so it does not count against the test. */
    KT_ASSERT(vmm_reserve(ks, &va, PAGE_SIZE, 0, 0) == 0);
    KT_ASSERT(vmm_release(ks, va) == 0);
    va = 0;

    uint64_t used0 = frames_used(), tables0 = arch_mmu_table_pages();
    KT_ASSERT(vmm_reserve(ks, &va, size, VM_READ | VM_WRITE, VM_COMMIT) == 0);
    KT_EXPECT_EQ(frames_used(), used0); /* committing costs nothing */

    size_t touched = 0, nonzero = 0;
    for (size_t off = 0; off < size; off += step) {
        volatile uint64_t *p = (volatile uint64_t *)(va + off + 8 * (touched % 512));
        nonzero += *p != 0;
        *p = off;
        touched++;
    }
    KT_EXPECT_EQ(nonzero, 0);
    struct vm_region r;
    KT_ASSERT(vmm_query(ks, va, &r) == 0);
    KT_EXPECT_EQ(r.resident, touched);
    uint64_t tables = arch_mmu_table_pages() - tables0;
    KT_EXPECT_EQ(frames_used() - used0, touched + tables);
    KT_EXPECT(tables <= size / (2u << 20) + 2);

    KT_EXPECT(vmm_release(ks, va) == 0);
    KT_EXPECT_EQ(frames_used(), used0);
    KT_EXPECT_EQ(arch_mmu_table_pages(), tables0);
}

KTEST(kstack_guard_page_hit_is_detected)
{
    uint64_t used0 = frames_used();
    struct kstack *ks = kstack_create(16384, "ktest-stack");

    KT_ASSERT(ks != NULL);
    KT_EXPECT(arch_probe_write((void *)ks->lo, 1) == 0);
    KT_EXPECT(arch_probe_write((void *)(ks->hi - 8), 1) == 0);
    KT_EXPECT(arch_probe_write((void *)(ks->lo - 8), 1) == K_EFAULT);
    KT_EXPECT(kstack_find_guard(ks->lo - 8) == ks);
    KT_EXPECT(kstack_find(ks->lo + 8) == ks);
    kstack_destroy(ks);
    KT_EXPECT_EQ(frames_used(), used0);
    /* The boot stack has a guard too. */
    const struct kstack *boot = kstack_find(arch_frame_pointer());
    KT_ASSERT(boot != NULL);
    KT_EXPECT(arch_probe_write((void *)(boot->lo - 8), 1) == K_EFAULT);
}

KTEST(vmm_stack_grows_down_to_its_limit)
{
    vmm_space_t *ks = vmm_kernel_space();
    const size_t reserve = 16 * PAGE_SIZE;
    vaddr_t top = 0;

    KT_ASSERT(vmm_reserve_stack(ks, reserve, 2 * PAGE_SIZE, VM_READ | VM_WRITE, &top) == 0);
    vaddr_t base = top - reserve;
    struct vm_region r;
    KT_ASSERT(vmm_query(ks, top - 3 * PAGE_SIZE, &r) == 0);
    KT_EXPECT_EQ(r.state, VM_GUARD);

    /* Each touch of the guard commits it and moves the guard down one page, until the
     * guard would enter the overflow room above the lowest page. */
    const vaddr_t room = base + 2 * PAGE_SIZE + VMM_STACK_OVERFLOW_ROOM;
    int grown = 0;
    for (vaddr_t p = top - 3 * PAGE_SIZE; p >= base + PAGE_SIZE; p -= PAGE_SIZE) {
        if (arch_probe_write((void *)p, p) != 0)
            break;
        grown++;
    }
    KT_EXPECT_EQ(grown, (int)((top - 3 * PAGE_SIZE - room) / PAGE_SIZE) + 1);
    /* The touch below was the overflow: the whole room is committed, with no guard. */
    KT_ASSERT(vmm_query(ks, base + PAGE_SIZE, &r) == 0);
    KT_EXPECT_EQ(r.state, VM_COMMITTED);
    KT_EXPECT_EQ(r.end, top);
    KT_EXPECT(arch_probe_write((void *)(base + PAGE_SIZE), 1) == 0);
    KT_EXPECT_EQ(vmm_handle_fault(ks, base, VM_WRITE, false), VMM_FAULT_STACK_EXHAUSTED);
    /* Re-armed (the dead part decommitted, a guard page set again), it grows and
     * overflows again. */
    KT_ASSERT(vmm_decommit(ks, base + PAGE_SIZE, 8 * PAGE_SIZE) == 0);
    KT_ASSERT(vmm_commit(ks, base + 8 * PAGE_SIZE, PAGE_SIZE,
                         VM_READ | VM_WRITE | VM_PROT_GUARD) == 0);
    KT_ASSERT(vmm_query(ks, base + 8 * PAGE_SIZE, &r) == 0);
    KT_EXPECT_EQ(r.state, VM_GUARD);
    grown = 0;
    for (vaddr_t p = base + 8 * PAGE_SIZE; p >= base + PAGE_SIZE; p -= PAGE_SIZE) {
        if (arch_probe_write((void *)p, p) != 0)
            break;
        grown++;
    }
    KT_EXPECT_EQ(grown, (int)((base + 8 * PAGE_SIZE - room) / PAGE_SIZE) + 1);
    KT_EXPECT_EQ(vmm_handle_fault(ks, base, VM_WRITE, false), VMM_FAULT_STACK_EXHAUSTED);
    KT_EXPECT(vmm_release(ks, base) == 0);
}

/* A frame bigger than a page skips the guard: the stack still grows to it. */
KTEST(vmm_stack_grows_to_a_touch_below_the_guard)
{
    vmm_space_t *ks = vmm_kernel_space();
    const size_t reserve = 64 * PAGE_SIZE;
    vaddr_t top = 0;

    KT_ASSERT(vmm_reserve_stack(ks, reserve, PAGE_SIZE, VM_READ | VM_WRITE, &top) == 0);
    vaddr_t base = top - reserve;
    vaddr_t deep = top - 20 * PAGE_SIZE;
    KT_EXPECT(arch_probe_write((void *)deep, 1) == 0);
    struct vm_region r;
    KT_ASSERT(vmm_query(ks, deep, &r) == 0);
    KT_EXPECT_EQ(r.state, VM_COMMITTED);
    KT_EXPECT_EQ(r.end, top);
    KT_ASSERT(vmm_query(ks, deep - PAGE_SIZE, &r) == 0);
    KT_EXPECT_EQ(r.state, VM_GUARD);
    /* The lowest page stays off limits; a touch in the overflow room is the overflow
     * (it fails once) and commits the room. */
    KT_EXPECT(arch_probe_write((void *)base, 1) == K_EFAULT);
    KT_EXPECT(arch_probe_write((void *)(base + PAGE_SIZE + 8), 1) == K_EFAULT);
    KT_EXPECT(arch_probe_write((void *)(base + 2 * PAGE_SIZE), 1) == 0);
    KT_EXPECT(vmm_release(ks, base) == 0);
}

KTEST(vmm_user_space_create_destroy_returns_every_frame)
{
    uint64_t used0 = frames_used(), tables0 = arch_mmu_table_pages();
    vmm_space_t *s = vmm_space_create();

    KT_ASSERT(s != NULL);
    vaddr_t va = 0;
    KT_ASSERT(vmm_reserve(s, &va, 1u << 20, VM_READ | VM_WRITE, VM_COMMIT | VM_POPULATE) == 0);
    KT_EXPECT(va >= USER_BASE && va < USER_END);
    KT_EXPECT(frames_used() >= used0 + 256);
    vaddr_t fixed = 0x140000000ull; /* above 4 GiB, where mingw puts DLLs */
    KT_EXPECT(vmm_reserve(s, &fixed, 1u << 16, VM_READ, VM_COMMIT | VM_POPULATE) == 0);
    vmm_space_destroy(s);
    KT_EXPECT_EQ(arch_mmu_table_pages(), tables0);
    KT_EXPECT_EQ(frames_used(), used0);
}

static const uint64_t rodata_probe = 0x5eed;
static uint64_t data_probe = 0xc3c3c3c3c3c3c3c3ull; /* `ret` bytes, if it were run */

KTEST(kernel_image_sections_have_their_permissions)
{
    uint64_t v;

    /* .text: readable, executable, not writable. */
    KT_EXPECT(arch_probe_read((const void *)&ktest_run, &v) == 0);
    KT_EXPECT(arch_probe_write((void *)&ktest_run, v) == K_EFAULT);
    /* .rodata: readable only. */
    KT_EXPECT(arch_probe_read(&rodata_probe, &v) == 0 && v == 0x5eed);
    KT_EXPECT(arch_probe_write((void *)&rodata_probe, 1) == K_EFAULT);
    /* .data: read/write, never executable; the direct map is not executable either. */
    KT_EXPECT(arch_probe_write(&data_probe, data_probe) == 0);
    KT_EXPECT(arch_probe_exec(&data_probe) == K_EFAULT);
    KT_EXPECT(arch_probe_exec(phys_to_virt(kimage_to_phys(&ktest_run))) == K_EFAULT);
    /* The first page of memory is never mapped. */
    KT_EXPECT(arch_probe_read((const void *)8, &v) == K_EFAULT);
}

/* Fill a fresh frame with one byte value. */
static paddr_t test_frame(uint8_t fill)
{
    paddr_t pa = pmm_alloc_frame();

    if (pa)
        memset(phys_to_virt(pa), fill, PAGE_SIZE);
    return pa;
}

static uint8_t page_copy[PAGE_SIZE];

static uint8_t first_byte(vmm_space_t *s, vaddr_t va)
{
    return vmm_read_page(s, va, page_copy) == 0 ? page_copy[0] : 0xee;
}

/* A view: read-only pages share the owner's frames, writable ones are copies, and a
 * later change to writable copies a shared page first. The owner's frames outlive it. */
KTEST(vmm_view_shares_read_only_pages_and_copies_writable_ones)
{
    const vaddr_t base = 0x40000000;
    const struct vm_view_run runs[] = {
        { .pages = 2, .prot = VM_READ | VM_EXEC },
        { .pages = 2, .prot = VM_READ | VM_WRITE },
    };
    paddr_t frames[4] = { test_frame(1), test_frame(2), test_frame(3), 0 };
    uint64_t used = frames_used();
    vmm_space_t *s = vmm_space_create();
    struct vm_region r;

    KT_ASSERT(s && frames[0] && frames[1] && frames[2]);
    KT_ASSERT(vmm_map_view(s, base, runs, 2, frames) == 0);
    KT_EXPECT(vmm_map_view(s, base + PAGE_SIZE, runs, 2, frames) == K_EEXIST);
    KT_ASSERT(vmm_query(s, base, &r) == 0);
    KT_EXPECT(r.start == base && r.end == base + 2 * PAGE_SIZE && r.alloc_base == base &&
              r.prot == (VM_READ | VM_EXEC) && r.state == VM_COMMITTED);
    KT_ASSERT(vmm_query(s, base + 3 * PAGE_SIZE, &r) == 0);
    KT_EXPECT(r.start == base + 2 * PAGE_SIZE && r.prot == (VM_READ | VM_WRITE));
    KT_EXPECT(vmm_read_page(s, base + 3 * PAGE_SIZE, page_copy) == K_ENOENT); /* zero page */

    /* The owner changes its frames: the shared page shows it, the copy does not. */
    memset(phys_to_virt(frames[0]), 9, PAGE_SIZE);
    memset(phys_to_virt(frames[2]), 9, PAGE_SIZE);
    KT_EXPECT_EQ(first_byte(s, base), 9);
    KT_EXPECT_EQ(first_byte(s, base + 2 * PAGE_SIZE), 3);

    /* Made writable, the shared pages become private copies. */
    KT_ASSERT(vmm_protect(s, base, 2 * PAGE_SIZE, VM_READ | VM_WRITE, NULL) == 0);
    memset(phys_to_virt(frames[0]), 4, PAGE_SIZE);
    KT_EXPECT_EQ(first_byte(s, base), 9);
    KT_EXPECT_EQ(first_byte(s, base + PAGE_SIZE), 2);

    vmm_space_destroy(s);
    KT_EXPECT_EQ(frames_used(), used); /* the copies and tables went; the owner's stay */
    for (int i = 0; i < 3; i++)
        pmm_free_frame(frames[i]);
}

/* Page tables count their entries: unmapping the last page of a table frees it, and a
 * space that mapped and unmapped pages all over holds no tables afterwards. */
KTEST(vmm_page_tables_go_when_their_last_page_does)
{
    vmm_space_t *s = vmm_space_create();
    uint64_t tables = arch_mmu_table_pages();
    vaddr_t spots[] = { 0x10000, 0x200000, 0x40000000, 0x8000000000, 0x7ff000000000 };

    KT_ASSERT(s);
    for (size_t i = 0; i < sizeof spots / sizeof spots[0]; i++) {
        vaddr_t va = spots[i];
        KT_ASSERT(vmm_reserve(s, &va, 2 * PAGE_SIZE, VM_READ | VM_WRITE, VM_COMMIT) == 0);
        KT_ASSERT(vmm_handle_fault(s, va + PAGE_SIZE, VM_WRITE, false) == VMM_FAULT_RESOLVED);
    }
    KT_EXPECT(arch_mmu_table_pages() > tables);
    for (size_t i = 0; i < sizeof spots / sizeof spots[0]; i++)
        KT_EXPECT(vmm_release(s, spots[i]) == 0);
    KT_EXPECT_EQ(arch_mmu_table_pages(), tables);
    vmm_space_destroy(s);
}
