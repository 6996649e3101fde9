/*
 * The legacy virtio PCI transport's common start (see <dev/virtio_legacy.h>).
 */
#include <core/printk.h>
#include <dev/virtio_legacy.h>
#include <lib/errno.h>

int64_t virtio_legacy_start(const struct pci_device *d, const char *what, uint16_t *io)
{
    struct pci_bar bar;

    if (pci_read_bar(d, 0, &bar) != 0 || !bar.io || bar.base == 0 || bar.size < 0x20 ||
        bar.base + bar.size > 0x10000) {
        pr_warn("%s: %02x:%02x.%u has no usable I/O BAR 0\n", what, d->bus, d->slot, d->func);
        return K_EINVAL;
    }
    *io = (uint16_t)bar.base;
    pci_enable(d);
    pio_write8((uint16_t)(*io + VIO_STATUS), 0); /* reset */
    pio_write8((uint16_t)(*io + VIO_STATUS), VIO_STATUS_ACK);
    pio_write8((uint16_t)(*io + VIO_STATUS), VIO_STATUS_ACK | VIO_STATUS_DRIVER);
    return pio_read32((uint16_t)(*io + VIO_DEVICE_FEATURES));
}
