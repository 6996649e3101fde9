/*
 * Multiboot2 entry. GRUB enters here in 32-bit protected mode with paging off
 * (EAX = magic, EBX = physical address of the boot information). We build just
 * enough page tables to run at the top of the address space (the kernel image at
 * KERNEL_VMA and the first 4 GiB of RAM at DIRECT_MAP_BASE), enter long mode and
 * call kmain. The memory system replaces these tables once it is up.
 */
#include <arch/layout.h>

#define MB2_MAGIC      0xe85250d6
#define MB2_ARCH_I386  0
#define PTE_P          0x1
#define PTE_W          0x2
#define PTE_PS         0x80
#define CR0_PE         (1 << 0)
#define CR0_WP         (1 << 16)
#define CR0_PG         (1 << 31)
#define CR4_PAE        (1 << 5)
#define MSR_EFER       0xc0000080
#define EFER_LME       (1 << 8)
#define EFER_NXE       (1 << 11)
#define BOOT_STACK_SIZE 16384

#define PHYS(sym) ((sym) - KERNEL_VMA)

    .section .boot.header, "a"
    .balign 8
mb2_header:
    .long MB2_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    /* end tag */
    .short 0
    .short 0
    .long 8
mb2_header_end:

    .section .boot.text, "ax"
    .code32
    .global mb2_entry
mb2_entry:
    cli
    cld
    movl $PHYS(boot_stack_top), %esp
    movl %eax, PHYS(boot_mb2_magic)
    movl %ebx, PHYS(boot_mb2_info)

    /* Long mode present? (CPUID 0x80000001 EDX bit 29) */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    btl $29, %edx
    jnc no_long_mode
    movl %edx, %esi                 /* keep the feature bits: NX is bit 20 */

    /* PD entries: 2048 large pages covering physical 0..4 GiB. */
    movl $PHYS(boot_pd), %edi
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $(PTE_P | PTE_W | PTE_PS), %eax
    movl %eax, (%edi, %ecx, 8)
    movl $0, 4(%edi, %ecx, 8)
    incl %ecx
    cmpl $(512 * BOOT_DIRECT_MAP_GIB), %ecx
    jne 1b

    /* PDPT for the identity and direct maps: four 1 GiB slots, one PD page each. */
    movl $PHYS(boot_pdpt_low), %edi
    movl $PHYS(boot_pd), %eax
    orl $(PTE_P | PTE_W), %eax
    xorl %ecx, %ecx
2:  movl %eax, (%edi, %ecx, 8)
    addl $4096, %eax
    incl %ecx
    cmpl $BOOT_DIRECT_MAP_GIB, %ecx
    jne 2b

    /* PDPT for the kernel image: slot 510 (-2 GiB) reuses the first PD. */
    movl $PHYS(boot_pd), %eax
    orl $(PTE_P | PTE_W), %eax
    movl %eax, PHYS(boot_pdpt_high) + 510 * 8

    /* PML4: 0 = identity (only while we switch), 256 = direct map, 511 = kernel. */
    movl $PHYS(boot_pdpt_low), %eax
    orl $(PTE_P | PTE_W), %eax
    movl %eax, PHYS(boot_pml4)
    movl %eax, PHYS(boot_pml4) + 256 * 8
    movl $PHYS(boot_pdpt_high), %eax
    orl $(PTE_P | PTE_W), %eax
    movl %eax, PHYS(boot_pml4) + 511 * 8

    movl $PHYS(boot_pml4), %eax
    movl %eax, %cr3
    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4

    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    btl $20, %esi
    jnc 3f
    orl $EFER_NXE, %eax
3:  wrmsr

    movl %cr0, %eax
    orl $(CR0_PE | CR0_PG | CR0_WP), %eax
    movl %eax, %cr0

    lgdt PHYS(boot_gdt_ptr)
    ljmp $0x08, $PHYS(long_mode_entry)

no_long_mode:
    /* Say so on the VGA text screen; nothing else works yet. */
    movl $PHYS(no_long_mode_msg), %esi
    movl $0xb8000, %edi
4:  lodsb
    testb %al, %al
    jz 5f
    movb %al, (%edi)
    movb $0x4f, 1(%edi)
    addl $2, %edi
    jmp 4b
5:  hlt
    jmp 5b

    .code64
long_mode_entry:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movabsq $higher_half_entry, %rax
    jmp *%rax

    .section .text.higher_half_entry, "ax"
higher_half_entry:
    movabsq $boot_stack_top, %rsp
    xorl %ebp, %ebp                 /* ends the frame-pointer chain for backtraces */
    movl boot_mb2_magic(%rip), %edi
    movl boot_mb2_info(%rip), %esi
    call kmain
6:  cli
    hlt
    jmp 6b

    .section .rodata.boot
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff        /* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
    .short boot_gdt_end - boot_gdt - 1
    .long PHYS(boot_gdt)
no_long_mode_msg:
    .asciz "Dormer needs a 64-bit (x86_64) CPU."

    .section .data.boot
    .balign 4
    .global boot_mb2_magic, boot_mb2_info
boot_mb2_magic: .long 0
boot_mb2_info:  .long 0

    .section .bss.boot_page_tables, "aw", @nobits
    .balign 4096
    .global boot_pml4
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4096 * BOOT_DIRECT_MAP_GIB

    .section .bss.boot_stack, "aw", @nobits
    .balign 4096
    .global boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_stack_guard:                   /* unmapped once the memory system is up */
    .skip 4096
boot_stack_bottom:
    .skip BOOT_STACK_SIZE
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
