/*
 * Boot-time bring-up of the x86_64 PC: consoles first (so everything after can
 * report), then descriptor tables, interrupt controller, timer and ACPI. Also the
 * CPU's name and features for the boot log.
 */
#include "pc.h"
#include "x86.h"
#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/layout.h>
#include <lib/fmt.h>
#include <lib/string.h>

static char cpu_description[160];

static void cpu_describe(void)
{
    uint32_t r[4];
    char brand[49] = "";

    x86_cpuid(0x80000000, 0, r);
    if (r[0] >= 0x80000004) {
        for (uint32_t i = 0; i < 3; i++) {
            x86_cpuid(0x80000002 + i, 0, r);
            memcpy(brand + i * 16, r, 16);
        }
        brand[48] = '\0';
    }
    const char *b = brand;
    while (*b == ' ')
        b++;

    uint32_t ext[4], leaf7[4] = { 0 };
    x86_cpuid(0x80000001, 0, ext);
    x86_cpuid(0, 0, r);
    if (r[0] >= 7)
        x86_cpuid(7, 0, leaf7);
    fmt_snprintf(cpu_description, sizeof cpu_description, "%s%s%s%s%s", *b ? b : "x86_64 CPU",
                 (ext[3] & (1u << 20)) ? ", NX" : "", (leaf7[1] & (1u << 7)) ? ", SMEP" : "",
                 (leaf7[1] & (1u << 20)) ? ", SMAP" : "", (ext[3] & (1u << 26)) ? ", 1G pages" : "");
}

const char *arch_cpu_description(void)
{
    return cpu_description;
}

static uint64_t boot_tsc;

uint64_t x86_boot_tsc(void)
{
    return boot_tsc;
}

void arch_early_console_init(void)
{
    boot_tsc = x86_rdtsc(); /* uptime counts from here: the first thing kmain does */
    serial_init();
    vga_init();
}

/* User programs use SSE (gcc emits it freely): turn on the FPU/SSE state the OS
 * must own. The kernel itself is built without SSE, so only user code touches it. */
static void fpu_init(void)
{
    uint64_t cr0 = x86_read_cr0();
    cr0 &= ~(1ull << 2); /* EM: no emulation */
    cr0 |= 1ull << 1;    /* MP */
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
    x86_write_cr4(x86_read_cr4() | (1ull << 9) | (1ull << 10)); /* OSFXSR, OSXMMEXCPT */
    __asm__ volatile("fninit");
}

void arch_init(const struct arch_boot *boot)
{
    cpu_describe();
    fpu_init();
    gdt_init();
    idt_init();
    arch_syscall_init();
    pic_init();
    pit_init();
    serial_enable_input();
    kbd_init();
    acpi_init(boot->rsdp, (uint32_t)boot->rsdp_len);
    acpi_skip_exit_port = boot->acpi_power_off;
}

void arch_drop_identity_map(void)
{
    boot_pml4[0] = 0;
    x86_write_cr3(x86_read_cr3());
}
