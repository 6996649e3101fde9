/*
 * Process, time and system-information calls: exit, sleep, time since boot, the
 * memory counters, and the no-op used to measure the syscall path itself.
 */
#include <abi/types.h>
#include <arch/mmu.h>
#include <arch/uaccess.h>
#include <core/time.h>
#include <loader/image_section.h>
#include <mm/fault_inject.h>
#include <mm/kheap.h>
#include <mm/kstack.h>
#include <mm/pmm.h>
#include <proc/process.h>
#include <sys/syscall.h>

dormer_status_t sys_DmDelayExecution(const uint64_t *args)
{
    if (args[0] > 24ull * 3600 * 1000)
        return STATUS_INVALID_PARAMETER;
    return sched_sleep_ms(args[0]) ? STATUS_SUCCESS : STATUS_PROCESS_IS_TERMINATING;
}

dormer_status_t sys_DmQueryUptime(const uint64_t *args)
{
    uint64_t ns = time_uptime_ns();

    return status_from_errno(copy_to_user(uptr(args[0]), &ns, sizeof ns));
}

dormer_status_t sys_DmQuerySystemTime(const uint64_t *args)
{
    int64_t ft = time_wall_filetime();

    return status_from_errno(copy_to_user(uptr(args[0]), &ft, sizeof ft));
}

void sys_kernel_counters(struct dormer_kernel_counters *out)
{
    struct pmm_stats st;
    struct kheap_stats hs;

    kstack_trim();
    arch_mmu_trim();
    kheap_trim();
    pmm_get_stats(&st);
    kheap_get_stats(&hs);
    out->used_frames = st.used - hs.slab_pages - hs.large_pages - image_section_frames();
    out->heap_bytes = hs.bytes_in_use;
    out->heap_blocks = hs.live_allocs;
    out->objects = kobj_live_count();
    out->handles = handle_open_count();
    out->injected_faults = fault_inject_failures();
}

dormer_status_t sys_DmQuerySystemInformation(const uint64_t *args)
{
    struct dormer_memory_counters c = { 0 };
    struct dormer_kernel_counters k;
    struct pmm_stats st;

    if ((uint32_t)args[0] == DORMER_INFO_KERNEL) {
        if (args[2] < sizeof k)
            return STATUS_INFO_LENGTH_MISMATCH;
        sys_kernel_counters(&k);
        return status_from_errno(copy_to_user(uptr(args[1]), &k, sizeof k));
    }
    if ((uint32_t)args[0] != DORMER_INFO_MEMORY)
        return STATUS_INVALID_INFO_CLASS;
    if (args[2] < sizeof c)
        return STATUS_INFO_LENGTH_MISMATCH;
    kstack_trim(); /* cached kernel stacks and page tables are not "used" */
    arch_mmu_trim();
    pmm_get_stats(&st);
    c.page_size = PAGE_SIZE;
    c.total_frames = st.total;
    c.free_frames = st.free;
    c.used_frames = st.used;
    c.process_pages = process_current()->space->resident_pages;
    c.shared_frames = image_section_frames();
    return status_from_errno(copy_to_user(uptr(args[1]), &c, sizeof c));
}

dormer_status_t sys_DmNop(const uint64_t *args)
{
    (void)args;
    return STATUS_SUCCESS;
}
