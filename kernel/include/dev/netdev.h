/*
 * Network devices as the stack sees them: a MAC address, a transmit call, a receive
 * call that pulls one frame, and a hook the driver calls from its interrupt when
 * frames are waiting. Drivers register devices at probe; the network layer (above)
 * finds them with netdev_at and sets the hook: the driver never calls the stack by name.
 */
#ifndef DEV_NETDEV_H
#define DEV_NETDEV_H

#include <stddef.h>
#include <stdint.h>

#define NETDEV_MAX       4
#define NETDEV_FRAME_MAX 1514 /* an Ethernet frame without its CRC, MTU 1500 */

struct netdev_counters {
    uint64_t rx_frames, rx_dropped; /* dropped: bad lengths or ids from the device */
    uint64_t tx_frames, tx_dropped; /* dropped: ring full or device broken */
};

struct netdev {
    const char *name;
    uint8_t mac[6];
    void *priv;
    /* Send one frame (len <= NETDEV_FRAME_MAX), copied before it returns. 0, K_EINVAL
     * (bad length), K_EAGAIN (ring full) or K_EIO (device broken). Thread context. */
    int (*transmit)(struct netdev *d, const void *frame, size_t len);
    /* Copy the next received frame into buf (cap >= NETDEV_FRAME_MAX); its length, or
     * 0 when none is waiting. Thread context. */
    size_t (*receive)(struct netdev *d, void *buf, size_t cap);
    /* Set by the stack before it receives: called in IRQ context when frames wait. */
    void (*rx_hook)(struct netdev *d);
    void *stack_priv;
    struct netdev_counters counters; /* updated by the driver */
};

/* Add a probed device (boot). K_ENOSPC past NETDEV_MAX. */
int netdev_register(struct netdev *d);

/* The index-th registered device, or NULL. */
struct netdev *netdev_at(unsigned index);

/* Probe every network driver (boot, once, with the scheduler running). */
void netdev_probe_all(void);

#endif
