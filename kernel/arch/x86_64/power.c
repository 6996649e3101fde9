/*
 * Power off. Under QEMU (recognised by its fw_cfg signature) the isa-debug-exit
 * device ends the emulator with the OS's status, which is how headless runs and
 * tests report results; otherwise, or when that device is absent, ACPI S5 using
 * the SLP_TYPa value found in the DSDT's \_S5 package.
 */
#include "pc.h"
#include "x86.h"
#include <arch/cpu.h>
#include <arch/layout.h>
#include <core/printk.h>
#include <lib/bytes.h>
#include <lib/string.h>
#include <stdbool.h>
#include <stdint.h>

#define QEMU_DEBUG_EXIT_PORT 0xf4
#define FW_CFG_SELECTOR      0x510
#define FW_CFG_DATA          0x511
#define ACPI_SLP_EN          (1u << 13)

static uint16_t acpi_pm1a_cnt;
static uint16_t acpi_pm1b_cnt;
static uint16_t acpi_slp_typa, acpi_slp_typb;
static bool acpi_s5_ready;

static bool running_on_qemu(void)
{
    char sig[4];

    x86_outw(FW_CFG_SELECTOR, 0x0000);
    for (int i = 0; i < 4; i++)
        sig[i] = (char)x86_inb(FW_CFG_DATA);
    return memcmp(sig, "QEMU", 4) == 0;
}

/* A table in physical memory we can read through the boot direct map, or NULL. */
static const uint8_t *acpi_map(uint64_t pa, uint32_t min_len)
{
    uint64_t limit = (uint64_t)BOOT_DIRECT_MAP_GIB << 30;

    if (pa == 0 || pa >= limit || min_len > limit - pa)
        return NULL;
    return phys_to_virt(pa);
}

static bool acpi_checksum_ok(const uint8_t *p, uint32_t len)
{
    uint8_t sum = 0;

    for (uint32_t i = 0; i < len; i++)
        sum += p[i];
    return sum == 0;
}

/* A whole SDT (header checked, length mapped, checksum right), or NULL. */
static const uint8_t *acpi_table(uint64_t pa, const char *sig)
{
    const uint8_t *h = acpi_map(pa, 36);

    if (!h || (sig && memcmp(h, sig, 4) != 0))
        return NULL;
    uint32_t len = le32_read(h + 4);
    if (len < 36 || len > (16u << 20) || !acpi_map(pa, len) || !acpi_checksum_ok(h, len))
        return NULL;
    return h;
}

/* An AML integer at p (BytePrefix + byte, or ZeroOp/OneOp/a bare byte), or -1. */
static int aml_small_int(const uint8_t *p, const uint8_t *end)
{
    if (p >= end)
        return -1;
    if (*p == 0x0a)
        return p + 1 < end ? p[1] : -1;
    return *p;
}

static const uint8_t *aml_skip_int(const uint8_t *p)
{
    return *p == 0x0a ? p + 2 : p + 1;
}

/* Find `Name(_S5_, Package(){a, b, ...})` in the DSDT and take SLP_TYPa/b. */
static bool acpi_find_s5(const uint8_t *dsdt)
{
    uint32_t len = le32_read(dsdt + 4);
    const uint8_t *end = dsdt + len;

    for (const uint8_t *p = dsdt + 36; p + 8 < end; p++) {
        if (memcmp(p, "_S5_", 4) != 0 || p[4] != 0x12) /* PackageOp */
            continue;
        if (p[-1] != 0x08 && !(p[-2] == 0x08 && p[-1] == '\\'))
            continue; /* not a NameOp */
        const uint8_t *q = p + 5;
        q += ((*q >> 6) & 3) + 1; /* PkgLength */
        if (q + 1 >= end)
            return false;
        q++; /* NumElements */
        int a = aml_small_int(q, end);
        if (a < 0)
            return false;
        q = aml_skip_int(q);
        int b = aml_small_int(q, end);
        acpi_slp_typa = (uint16_t)a;
        acpi_slp_typb = (uint16_t)(b < 0 ? 0 : b);
        return true;
    }
    return false;
}

void acpi_init(const void *rsdp_bytes, uint32_t rsdp_len)
{
    const uint8_t *rsdp = rsdp_bytes;

    if (!rsdp || rsdp_len < 20 || memcmp(rsdp, "RSD PTR ", 8) != 0 ||
        !acpi_checksum_ok(rsdp, 20)) {
        pr_info("acpi: no usable RSDP; power-off via ACPI unavailable\n");
        return;
    }
    const uint8_t *fadt = NULL;
    uint8_t rev = rsdp[15];
    if (rev >= 2 && rsdp_len >= 36) {
        const uint8_t *xsdt = acpi_table(le64_read(rsdp + 24), "XSDT");
        for (uint32_t i = 0; xsdt && 36 + i * 8 + 8 <= le32_read(xsdt + 4) && !fadt; i++)
            fadt = acpi_table(le64_read(xsdt + 36 + i * 8), "FACP");
    }
    if (!fadt) {
        const uint8_t *rsdt = acpi_table(le32_read(rsdp + 16), "RSDT");
        for (uint32_t i = 0; rsdt && 36 + i * 4 + 4 <= le32_read(rsdt + 4) && !fadt; i++)
            fadt = acpi_table(le32_read(rsdt + 36 + i * 4), "FACP");
    }
    if (!fadt || le32_read(fadt + 4) < 72) {
        pr_warn("acpi: no FADT found\n");
        return;
    }
    acpi_pm1a_cnt = (uint16_t)le32_read(fadt + 64);
    acpi_pm1b_cnt = (uint16_t)le32_read(fadt + 68);
    uint64_t dsdt_pa = le32_read(fadt + 40);
    if (le32_read(fadt + 4) >= 148 && le64_read(fadt + 140))
        dsdt_pa = le64_read(fadt + 140);
    const uint8_t *dsdt = acpi_table(dsdt_pa, "DSDT");
    if (!dsdt || !acpi_pm1a_cnt || !acpi_find_s5(dsdt)) {
        pr_warn("acpi: no \\_S5 sleep state; ACPI power-off unavailable\n");
        return;
    }
    acpi_s5_ready = true;
    pr_info("acpi: S5 via PM1a_CNT 0x%x (SLP_TYP %u)\n", acpi_pm1a_cnt, acpi_slp_typa);
}

void acpi_power_off(void)
{
    if (!acpi_s5_ready)
        return;
    kprintf("acpi: powering off (S5)\n");
    x86_outw(acpi_pm1a_cnt, (uint16_t)(acpi_slp_typa << 10 | ACPI_SLP_EN));
    if (acpi_pm1b_cnt)
        x86_outw(acpi_pm1b_cnt, (uint16_t)(acpi_slp_typb << 10 | ACPI_SLP_EN));
    /* The machine is off; if not, the caller halts. */
    for (volatile int i = 0; i < 1000000; i++)
        ;
}

bool acpi_skip_exit_port;

void arch_power_off(int status)
{
    arch_irq_disable();
    /* poweroff=acpi skips the emulator's shortcut, to exercise the real path. */
    if (running_on_qemu() && !acpi_skip_exit_port) {
        /* QEMU exits with (value << 1) | 1; the host side decodes it back. */
        x86_outb(QEMU_DEBUG_EXIT_PORT, (uint8_t)(status & 0x7f));
    }
    if (status != 0)
        kprintf("power off: status %d cannot be reported through ACPI\n", status);
    acpi_power_off();
    kprintf("power off failed; halting\n");
    arch_halt_forever();
}

void arch_halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}
