/*
 * The IDT: all 256 vectors point at the isr.S stubs. Double fault, NMI and machine
 * check switch to their own IST stacks; breakpoint is reachable from ring 3 so
 * user programs can trap to the debugger later.
 */
#include "pc.h"
#include "trap.h"
#include <stdint.h>

struct idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
} __attribute__((packed));

_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define GATE_DPL3      0x60

static struct idt_gate idt[256] __attribute__((aligned(16)));

static void idt_set(int vec, uint64_t handler, uint8_t ist, uint8_t attr)
{
    idt[vec] = (struct idt_gate){
        .offset_lo = (uint16_t)handler,
        .selector = GDT_KERNEL_CODE,
        .ist = ist,
        .type_attr = attr,
        .offset_mid = (uint16_t)(handler >> 16),
        .offset_hi = (uint32_t)(handler >> 32),
    };
}

void idt_init(void)
{
    for (int v = 0; v < 256; v++)
        idt_set(v, isr_stub_table[v], 0, GATE_INTERRUPT);
    idt_set(2, isr_stub_table[2], IST_NMI, GATE_INTERRUPT);
    idt_set(3, isr_stub_table[3], 0, GATE_INTERRUPT | GATE_DPL3);
    idt_set(8, isr_stub_table[8], IST_DOUBLE_FAULT, GATE_INTERRUPT);
    idt_set(18, isr_stub_table[18], IST_MACHINE_CHECK, GATE_INTERRUPT);

    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) ptr = { sizeof idt - 1, (uint64_t)(uintptr_t)idt };
    __asm__ volatile("lidt %0" : : "m"(ptr));
}
