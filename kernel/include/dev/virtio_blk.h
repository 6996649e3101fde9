/*
 * virtio-blk over PCI, legacy (virtio 0.9.5) interface: the transitional device QEMU
 * offers for if=virtio drives. Found devices are registered as block devices.
 */
#ifndef DEV_VIRTIO_BLK_H
#define DEV_VIRTIO_BLK_H

/* Find, set up and register every virtio-blk PCI function. Logs one line per disk (or
 * why one was given up). Boot, once, thread context with the scheduler running. */
void virtio_blk_probe(void);

#endif
