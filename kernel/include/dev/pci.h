/*
 * PCI for drivers: configuration space (the arch provides the access mechanism), a
 * bus scan that finds a function by vendor and device, its BARs, its legacy interrupt
 * line, and port I/O for I/O-space BARs. Drivers include this and <arch/irq.h>, never
 * an arch header. Boot CPU or thread context; no locks (the scan happens at boot).
 */
#ifndef DEV_PCI_H
#define DEV_PCI_H

#include <arch/io.h>
#include <stdbool.h>
#include <stdint.h>

struct pci_device {
    uint8_t bus, slot, func;
    uint16_t vendor, device;
    uint8_t irq_line; /* the legacy PIC line firmware routed INTx to; 0xFF: none */
};

struct pci_bar {
    bool io;       /* I/O space (port numbers) rather than memory */
    uint64_t base; /* port or physical address; 0 when the BAR is not implemented */
    uint64_t size;
};

/* The index-th function (0 first) with this vendor and device ID: true with *out. */
bool pci_find(uint16_t vendor, uint16_t device, unsigned index, struct pci_device *out);

/* BAR n (0-5) of d, sized by the usual all-ones probe (decoding is briefly off).
 * 0, or K_EINVAL for a bad n or the upper half of a 64-bit BAR. */
int pci_read_bar(const struct pci_device *d, int n, struct pci_bar *out);

/* Turn on I/O and memory decoding and bus mastering (DMA) for d. */
void pci_enable(const struct pci_device *d);

/* Log every function found (one line each). Boot. */
void pci_log_devices(void);

#endif
