/*
 * GDT and TSS. One TSS holds the ring-0 stack used on entry from user mode (set per
 * thread later) and the IST stacks on which double faults, NMIs and machine checks
 * always run, so even a blown kernel stack gets a clean report.
 */
#include "pc.h"
#include "percpu.h"
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/mmu.h>
#include <lib/string.h>
#include <stdint.h>

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss) == 104, "TSS layout");

struct gdt_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

static uint64_t gdt[8] __attribute__((aligned(16)));
static struct tss tss __attribute__((aligned(16)));

#define IST_COUNT 3
/* Each IST stack has a guard page below it (unmapped by x86_protect_stacks). */
static uint8_t ist_area[IST_COUNT][PAGE_SIZE + IST_STACK_SIZE] __attribute__((aligned(4096)));
static const char *const ist_names[IST_COUNT] = { "double-fault", "nmi", "machine-check" };

/* Access byte / flags: present, DPL, code/data, long-mode code. */
#define SEG_CODE64(dpl) (0x00af9a0000000000ull | ((uint64_t)(dpl) << 45))
#define SEG_DATA(dpl)   (0x00cf920000000000ull | ((uint64_t)(dpl) << 45) | 0xffff)
#define SEG_CODE32(dpl) (0x00cf9a000000ffffull | ((uint64_t)(dpl) << 45))

void gdt_init(void)
{
    uint64_t base = (uint64_t)(uintptr_t)&tss;
    uint64_t limit = sizeof tss - 1;

    memset(&tss, 0, sizeof tss);
    for (int i = 0; i < IST_COUNT; i++)
        tss.ist[i] = (uint64_t)(uintptr_t)(ist_area[i] + PAGE_SIZE + IST_STACK_SIZE);
    tss.iomap_base = sizeof tss; /* no I/O permission bitmap */

    gdt[0] = 0;
    gdt[GDT_KERNEL_CODE / 8] = SEG_CODE64(0) | 0xffff;
    gdt[GDT_KERNEL_DATA / 8] = SEG_DATA(0);
    gdt[GDT_USER_CODE32 / 8] = SEG_CODE32(3);
    gdt[GDT_USER_DATA / 8] = SEG_DATA(3);
    gdt[GDT_USER_CODE / 8] = SEG_CODE64(3) | 0xffff;
    /* 16-byte system descriptor: type 9 (available 64-bit TSS), present. */
    gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
                       (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[GDT_TSS / 8 + 1] = base >> 32;

    struct gdt_ptr ptr = { .limit = sizeof gdt - 1, .base = (uint64_t)(uintptr_t)gdt };
    __asm__ volatile(
        "lgdt %0\n\t"
        "pushq %1\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movw %w2, %%ax\n\t"
        "movw %%ax, %%ds\n\t"
        "movw %%ax, %%es\n\t"
        "movw %%ax, %%ss\n\t"
        "ltr %w3"
        :
        : "m"(ptr), "i"(GDT_KERNEL_CODE), "r"(GDT_KERNEL_DATA), "r"(GDT_TSS)
        : "rax", "memory");
}

void x86_tss_set_rsp0(uint64_t rsp0)
{
    tss.rsp[0] = rsp0;
}

bool arch_static_stack(unsigned i, struct arch_stack_area *out)
{
    if (i == 0) {
        *out = (struct arch_stack_area){ (uintptr_t)boot_stack_guard,
                                         (uintptr_t)boot_stack_bottom,
                                         (uintptr_t)boot_stack_top, "boot" };
        return true;
    }
    if (i > IST_COUNT)
        return false;
    uintptr_t guard = (uintptr_t)ist_area[i - 1];
    *out = (struct arch_stack_area){ guard, guard + PAGE_SIZE,
                                     guard + PAGE_SIZE + IST_STACK_SIZE, ist_names[i - 1] };
    return true;
}

void arch_protect_stack_guards(void)
{
    mmu_root_t root = arch_mmu_kernel_root();

    arch_mmu_unmap_range(root, (vaddr_t)boot_stack_guard, PAGE_SIZE, NULL, NULL);
    for (int i = 0; i < IST_COUNT; i++)
        arch_mmu_unmap_range(root, (vaddr_t)ist_area[i], PAGE_SIZE, NULL, NULL);
}
