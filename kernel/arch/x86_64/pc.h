/*
 * Private interfaces between the pieces of the x86_64 PC port: descriptor tables,
 * the 8259 PIC, the PIT, the serial and VGA consoles, and power control.
 */
#ifndef ARCH_X86_64_PC_H
#define ARCH_X86_64_PC_H

/* Segment selectors. The order is fixed by SYSCALL/SYSRET: user code32, user data
 * and user code64 must follow each other so STAR can name them with one base. */
#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_USER_CODE32 0x18
#define GDT_USER_DATA   0x20
#define GDT_USER_CODE   0x28
#define GDT_TSS         0x30

/* Interrupt stack table slots (1-based as in the IDT gate). */
#define IST_DOUBLE_FAULT 1
#define IST_NMI          2
#define IST_MACHINE_CHECK 3
#define IST_STACK_SIZE   16384

#define IRQ_BASE_VECTOR  32
#define PC_IRQ_TIMER     0
#define PC_IRQ_KEYBOARD  1
#define PC_IRQ_COM1      4
/* The trap-frame "vector" of a system call (no real vector is this large). */
#define SYSCALL_FRAME_VECTOR 256

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

/* The stack kmain starts on (boot.S). */
extern char boot_stack_guard[], boot_stack_bottom[], boot_stack_top[];
/* The boot page-table root (boot.S), in use until the memory system takes over. */
extern uint64_t boot_pml4[512];

void gdt_init(void);
void idt_init(void);

/* Register the boot and IST stacks (and their guard pages) with mm/kstack. */

/* Exception table (probe.S): a fault at fault_ip resumes at fixup_ip. */
struct x86_extable_entry {
    uint64_t fault_ip;
    uint64_t fixup_ip;
};
extern const struct x86_extable_entry __ex_table_start[], __ex_table_end[];
extern char x86_probe_exec_fixup[];
extern uint64_t x86_probe_exec_rsp;

typedef void (*irq_handler_t)(void);
void pic_init(void);
/* Install the handler for a legacy IRQ line and unmask it. Boot CPU. */
void pic_set_handler(int irq, irq_handler_t handler);
/* Called from the trap dispatcher with the IRQ line (0-15). */
void pic_dispatch(int irq);

void pit_init(void);
/* The cycle counter when kmain started (the uptime clock's zero). */
uint64_t x86_boot_tsc(void);
void serial_init(void);
void serial_enable_input(void);
void vga_init(void);
/* The PS/2 keyboard: typed keys go to the console input queue, as serial input does. */
void kbd_init(void);
void acpi_init(const void *rsdp, uint32_t rsdp_len);
extern bool acpi_skip_exit_port; /* poweroff=acpi */
/* Enter ACPI S5 if the tables named a way to; returns only if that failed. */
void acpi_power_off(void);

#endif /* !__ASSEMBLER__ */

#endif
