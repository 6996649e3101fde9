/*
 * The PCI bus scan over the arch's configuration access: every bus, slot and
 * function (function 0's header type says whether the others exist). The scan runs
 * once, on the first question, and keeps what it found: 8,192 configuration reads
 * per scan, and the boot's drivers ask three times.
 */
#include <core/printk.h>
#include <dev/pci.h>
#include <lib/errno.h>
#include <stddef.h>

#define PCI_VENDOR_NONE 0xFFFF
#define PCI_COMMAND     0x04
#define PCI_HEADER_TYPE 0x0C
#define PCI_BAR0        0x10
#define PCI_INTERRUPT   0x3C
#define PCI_CMD_IO      0x1
#define PCI_CMD_MEMORY  0x2
#define PCI_CMD_MASTER  0x4

/* Every function present, in bus, slot, function order; filled by the first scan. Boot
 * CPU, before any other CPU or driver thread runs (see dev/pci.h), so no lock. */
#define PCI_MAX_FUNCTIONS 256
static struct pci_device found[PCI_MAX_FUNCTIONS];
static unsigned found_count;
static bool scanned;

static void scan_all(void)
{
    scanned = true;
    for (unsigned bus = 0; bus < 256; bus++) {
        for (uint8_t slot = 0; slot < 32; slot++) {
            uint32_t id = pci_config_read32((uint8_t)bus, slot, 0, 0);
            if ((id & 0xFFFF) == PCI_VENDOR_NONE)
                continue;
            uint8_t header = (uint8_t)(pci_config_read32((uint8_t)bus, slot, 0,
                                                          PCI_HEADER_TYPE) >> 16);
            uint8_t funcs = (header & 0x80) ? 8 : 1;
            for (uint8_t func = 0; func < funcs; func++) {
                id = pci_config_read32((uint8_t)bus, slot, func, 0);
                if ((id & 0xFFFF) == PCI_VENDOR_NONE)
                    continue;
                struct pci_device d = {
                    .bus = (uint8_t)bus, .slot = slot, .func = func,
                    .vendor = (uint16_t)id, .device = (uint16_t)(id >> 16),
                    .irq_line = (uint8_t)pci_config_read32((uint8_t)bus, slot, func,
                                                           PCI_INTERRUPT),
                };
                if (found_count == PCI_MAX_FUNCTIONS) {
                    pr_warn("pci: more than %u functions; the rest are not used\n",
                            PCI_MAX_FUNCTIONS);
                    return;
                }
                found[found_count++] = d;
            }
        }
    }
}

/* Calls fn for every function present until it returns true; true if one did. */
static bool pci_scan(bool (*fn)(const struct pci_device *d, void *ctx), void *ctx)
{
    if (!scanned)
        scan_all();
    for (unsigned i = 0; i < found_count; i++) {
        if (fn(&found[i], ctx))
            return true;
    }
    return false;
}

struct find_ctx {
    uint16_t vendor, device;
    unsigned index;
    struct pci_device *out;
};

static bool find_one(const struct pci_device *d, void *ctx)
{
    struct find_ctx *f = ctx;

    if (d->vendor != f->vendor || d->device != f->device)
        return false;
    if (f->index--)
        return false;
    *f->out = *d;
    return true;
}

bool pci_find(uint16_t vendor, uint16_t device, unsigned index, struct pci_device *out)
{
    struct find_ctx f = { vendor, device, index, out };

    return pci_scan(find_one, &f);
}

int pci_read_bar(const struct pci_device *d, int n, struct pci_bar *out)
{
    if (n < 0 || n > 5)
        return K_EINVAL;
    uint8_t off = (uint8_t)(PCI_BAR0 + 4 * n);
    uint32_t orig = pci_config_read32(d->bus, d->slot, d->func, off);
    uint32_t cmd = pci_config_read32(d->bus, d->slot, d->func, PCI_COMMAND);

    /* Decoding off while the BAR holds all ones, so nothing answers at a wrong place. */
    pci_config_write32(d->bus, d->slot, d->func, PCI_COMMAND,
                       cmd & ~(uint32_t)(PCI_CMD_IO | PCI_CMD_MEMORY));
    pci_config_write32(d->bus, d->slot, d->func, off, 0xFFFFFFFFu);
    uint32_t mask = pci_config_read32(d->bus, d->slot, d->func, off);
    pci_config_write32(d->bus, d->slot, d->func, off, orig);
    pci_config_write32(d->bus, d->slot, d->func, PCI_COMMAND, cmd);
    out->io = orig & 1;
    if (out->io) {
        out->base = orig & 0xFFFCu;
        mask &= 0xFFFCu;
        out->size = mask ? (uint64_t)((~mask + 1) & 0xFFFF) : 0;
        return 0;
    }
    if (((orig >> 1) & 3) == 2 && n == 5)
        return K_EINVAL; /* a 64-bit BAR cannot start in the last slot */
    out->base = orig & ~0xFu;
    mask &= ~0xFu;
    out->size = mask ? (uint64_t)(~mask + 1) : 0;
    if (((orig >> 1) & 3) == 2)
        out->base |= (uint64_t)pci_config_read32(d->bus, d->slot, d->func,
                                                 (uint8_t)(off + 4)) << 32;
    return 0;
}

void pci_enable(const struct pci_device *d)
{
    uint32_t cmd = pci_config_read32(d->bus, d->slot, d->func, PCI_COMMAND);

    pci_config_write32(d->bus, d->slot, d->func, PCI_COMMAND,
                       (cmd & 0xFFFF) | PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER);
}

static bool log_one(const struct pci_device *d, void *ctx)
{
    uint32_t class = pci_config_read32(d->bus, d->slot, d->func, 0x08) >> 8;

    (void)ctx;
    pr_debug("pci: %02x:%02x.%u %04x:%04x class %06x irq %u\n", d->bus, d->slot, d->func,
             d->vendor, d->device, class, d->irq_line);
    return false;
}

void pci_log_devices(void)
{
    pci_scan(log_one, NULL);
}
