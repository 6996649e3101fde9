/*
 * virtio-net over legacy PCI: each device found becomes a struct netdev.
 */
#ifndef DEV_VIRTIO_NET_H
#define DEV_VIRTIO_NET_H

/* Find and set up every virtio-net device and register it. Boot, scheduler running. */
void virtio_net_probe(void);

#endif
