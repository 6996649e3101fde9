/*
 * Memory at boot, the INIT_MEMORY step: the frame allocator (after moving the boot
 * modules above 16 MiB), the kernel's own page tables, the heap, kernel regions and the
 * guard pages of the arch's stacks; then the faultinject= switch.
 */
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/mmu.h>
#include <core/cmdline.h>
#include <core/init.h>
#include <core/mb2.h>
#include <core/printk.h>
#include <core/sections.h>
#include <mm/fault_inject.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#include <mm/vmm.h>

/* End of the highest RAM the bootloader reported as available. */
static paddr_t highest_ram(const struct mb2_info *mb)
{
    paddr_t top = 0;

    for (size_t i = 0; i < mb->mmap_count; i++) {
        const struct mb2_mmap_entry *e = &mb->mmap[i];
        if (e->type == MB2_MMAP_AVAILABLE && e->base + e->len > top)
            top = e->base + e->len;
    }
    return top;
}

/* Frames, the kernel's own page tables, the heap, kernel regions, stack guards. */
static void memory_init(void)
{
    uint32_t info_pa;
    struct mb2_info *mb = boot_info_for_memory(&info_pa);
    uint32_t info_size = *(const uint32_t *)phys_to_virt(info_pa);
    paddr_t top = highest_ram(mb);

    pmm_move_modules_high(mb, kimage_to_phys(__kernel_start), kimage_to_phys(__kernel_end),
                          info_pa, (paddr_t)info_pa + info_size);
    pmm_init(mb, kimage_to_phys(__kernel_start), kimage_to_phys(__kernel_end), info_pa,
             (paddr_t)info_pa + info_size);
    arch_mmu_init(top);
    kheap_init();
    kheap_set_phys_limit(top);
    vmm_init();
    arch_protect_stack_guards();

    const char *inject = cmdline_get("faultinject");
    if (!fault_inject_configure(inject))
        pr_warn("faultinject=%s: ignored (not every:N, random:PERMILLE[:SEED], after:N or "
                "nth:N, or not a debug kernel)\n", inject);
    else if (inject && *inject)
        pr_warn("faultinject=%s: allocations will fail on purpose while programs run\n",
                inject);
}
INIT_STEP(INIT_MEMORY, memory_init);

