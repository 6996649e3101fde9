/*
 * What the arch offers drivers for reaching devices: port I/O and PCI configuration
 * space (on a PC, configuration mechanism #1). The PCI bus scan and BAR handling above
 * it are dev/pci.h's.
 */
#ifndef ARCH_IO_H
#define ARCH_IO_H

#include <stdint.h>

/* Configuration space, 32-bit aligned dwords (off & ~3). */
uint32_t pci_config_read32(uint8_t bus, uint8_t slot, uint8_t func, uint8_t off);
void pci_config_write32(uint8_t bus, uint8_t slot, uint8_t func, uint8_t off, uint32_t v);

/* Port I/O on an I/O BAR's ports. Any context. */
uint8_t pio_read8(uint16_t port);
uint16_t pio_read16(uint16_t port);
uint32_t pio_read32(uint16_t port);
void pio_write8(uint16_t port, uint8_t v);
void pio_write16(uint16_t port, uint16_t v);
void pio_write32(uint16_t port, uint32_t v);

#endif
