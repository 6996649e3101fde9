/*
 * The kernel's view of the virtual address space. Shared with assembly (no C in the
 * non-__ASSEMBLER__ part), so every constant is a plain literal.
 *
 *   0x0000000000000000 +------------------------------+
 *   0x0000000000010000 +------------------------------+ USER_BASE (below: never mapped)
 *                      | user half (per process)       |  ~128 TiB
 *   0x00007ffffffff000 +------------------------------+ USER_END
 *                      | non-canonical hole            |
 *   0xffff800000000000 +------------------------------+ DIRECT_MAP_BASE
 *                      | direct map of physical RAM    |  phys + DIRECT_MAP_BASE
 *                      | (first 4 GiB + all RAM above) |  RW, NX, 2M/1G pages
 *   0xffffc00000000000 +------------------------------+ KERNEL_REGION_BASE
 *                      | kernel regions (vmm): stacks  |  512 GiB, demand paged,
 *                      | with guard pages, big buffers |  4 KiB pages
 *   0xffffc08000000000 +------------------------------+ KERNEL_REGION_END
 *                      | unused                        |
 *   0xffffffff80000000 +------------------------------+ KERNEL_VMA
 *                      | kernel image at 1 MiB phys    |  .text .rodata .data .bss
 *   0xffffffffffffffff +------------------------------+
 */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#define KERNEL_VMA          0xffffffff80000000
#define KERNEL_REGION_BASE  0xffffc00000000000
#define KERNEL_REGION_END   0xffffc08000000000
#define USER_BASE           0x0000000000010000
#define USER_END            0x00007ffffffff000
#define KERNEL_PHYS_BASE    0x100000
#define DIRECT_MAP_BASE     0xffff800000000000
#define BOOT_DIRECT_MAP_GIB 4

#define PAGE_SIZE           4096

#ifndef __ASSEMBLER__
#include <stdint.h>

typedef uint64_t paddr_t;
typedef uint64_t vaddr_t;

/* Kernel virtual address of a physical address inside the direct map. */
static inline void *phys_to_virt(paddr_t pa)
{
    return (void *)(uintptr_t)(pa + DIRECT_MAP_BASE);
}

/* Physical address of a symbol inside the kernel image. */
static inline paddr_t kimage_to_phys(const void *va)
{
    return (paddr_t)(uintptr_t)va - KERNEL_VMA;
}
#endif

#endif
