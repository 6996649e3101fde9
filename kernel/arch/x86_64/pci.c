/*
 * PC side of PCI: configuration mechanism #1 (address at 0xCF8, data at 0xCFC) and
 * port I/O for drivers of I/O-space BARs. One CPU and interrupts off around the
 * address/data pair, so no lock is needed.
 */
#include "x86.h"
#include <arch/cpu.h>
#include <arch/io.h>

#define PCI_CONFIG_ADDRESS 0xCF8
#define PCI_CONFIG_DATA    0xCFC

static uint32_t config_address(uint8_t bus, uint8_t slot, uint8_t func, uint8_t off)
{
    return 0x80000000u | (uint32_t)bus << 16 | (uint32_t)(slot & 31) << 11 |
           (uint32_t)(func & 7) << 8 | (off & 0xFC);
}

uint32_t pci_config_read32(uint8_t bus, uint8_t slot, uint8_t func, uint8_t off)
{
    uint64_t flags = arch_irq_save();

    x86_outl(PCI_CONFIG_ADDRESS, config_address(bus, slot, func, off));
    uint32_t v = x86_inl(PCI_CONFIG_DATA);
    arch_irq_restore(flags);
    return v;
}

void pci_config_write32(uint8_t bus, uint8_t slot, uint8_t func, uint8_t off, uint32_t v)
{
    uint64_t flags = arch_irq_save();

    x86_outl(PCI_CONFIG_ADDRESS, config_address(bus, slot, func, off));
    x86_outl(PCI_CONFIG_DATA, v);
    arch_irq_restore(flags);
}

uint8_t pio_read8(uint16_t port)
{
    return x86_inb(port);
}

uint16_t pio_read16(uint16_t port)
{
    return x86_inw(port);
}

uint32_t pio_read32(uint16_t port)
{
    return x86_inl(port);
}

void pio_write8(uint16_t port, uint8_t v)
{
    x86_outb(port, v);
}

void pio_write16(uint16_t port, uint16_t v)
{
    x86_outw(port, v);
}

void pio_write32(uint16_t port, uint32_t v)
{
    x86_outl(port, v);
}
