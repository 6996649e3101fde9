/*
 * The legacy (virtio 0.9.5) PCI transport shared by Dormer's virtio drivers: register
 * offsets in I/O BAR 0 (no MSI-X, so device configuration starts at 0x14), status
 * bits, and the start of the initialisation sequence every driver performs.
 */
#ifndef DEV_VIRTIO_LEGACY_H
#define DEV_VIRTIO_LEGACY_H

#include <dev/pci.h>
#include <stdint.h>

#define VIRTIO_VENDOR       0x1AF4

#define VIO_DEVICE_FEATURES 0x00
#define VIO_GUEST_FEATURES  0x04
#define VIO_QUEUE_PFN       0x08
#define VIO_QUEUE_SIZE      0x0C
#define VIO_QUEUE_SELECT    0x0E
#define VIO_QUEUE_NOTIFY    0x10
#define VIO_STATUS          0x12
#define VIO_ISR             0x13
#define VIO_DEVICE_CONFIG   0x14

#define VIO_STATUS_ACK       1
#define VIO_STATUS_DRIVER    2
#define VIO_STATUS_DRIVER_OK 4
#define VIO_STATUS_FAILED    128

/*
 * Check d's I/O BAR 0, enable the function, reset the device and acknowledge it
 * (ACK, DRIVER). Returns the device's feature bits with *io set, or logs (what names
 * the driver) and returns K_EINVAL as a negative int64_t when the BAR is unusable. Boot.
 */
int64_t virtio_legacy_start(const struct pci_device *d, const char *what, uint16_t *io);

#endif
