/*
 * virtio-net, legacy PCI interface (I/O BAR 0, virtio 0.9.5 layout): receive queue 0
 * and transmit queue 1, one descriptor per 2 KiB buffer (the 10-byte virtio-net header
 * then the frame), no offloads, so the device hands over whole checksummed frames.
 * The interrupt only acknowledges and calls the stack's hook; frames are copied in
 * and out in thread context under one spinlock per queue. The device's answers go
 * through <dev/virtio_ring.h>'s checks: a bad length or id drops that frame and counts it.
 */
#include <arch/irq.h>
#include <arch/layout.h>
#include <core/printk.h>
#include <core/spinlock.h>
#include <dev/netdev.h>
#include <dev/pci.h>
#include <dev/virtio_legacy.h>
#include <dev/virtio_net.h>
#include <dev/virtio_ring.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>

#define VIRTIO_NET_TRANSITIONAL 0x1000
#define VIO_NET_MAC VIO_DEVICE_CONFIG

#define VIRTIO_NET_F_MAC (1u << 5)

#define VNET_HDR_LEN  10   /* struct virtio_net_hdr without mergeable buffers */
#define VNET_BUF_LEN  2048u
#define VNET_RX_MIN   (VNET_HDR_LEN + 14)              /* header and an Ethernet header */
#define VNET_RX_MAX   (VNET_HDR_LEN + NETDEV_FRAME_MAX)
#define RXQ 0
#define TXQ 1

struct vnet_queue {
    struct spinlock lock;
    /* protected by lock */
    struct vq vq;
    paddr_t buf_pa;   /* nbufs buffers of VNET_BUF_LEN, physically contiguous */
    uint8_t *buf;
};

struct vnet {
    struct netdev nd;
    char name[8];
    uint16_t io;
    struct vnet_queue q[2];
};

static void vnet_notify(struct vnet *v, uint16_t queue)
{
    pio_write16((uint16_t)(v->io + VIO_QUEUE_NOTIFY), queue);
}

static void vnet_irq(void *ctx)
{
    struct vnet *v = ctx;

    /* Reading the ISR acknowledges it; 0 means another device of a shared line. */
    if (!(pio_read8((uint16_t)(v->io + VIO_ISR)) & 3))
        return;
    if (v->nd.rx_hook)
        v->nd.rx_hook(&v->nd);
}

static void rx_post_locked(struct vnet_queue *q, uint16_t id)
{
    spin_assert_held(&q->lock);
    vq_post(&q->vq, id, q->buf_pa + (uint64_t)id * VNET_BUF_LEN, VNET_BUF_LEN, true);
}

static size_t vnet_receive(struct netdev *d, void *out, size_t cap)
{
    struct vnet *v = d->priv;
    struct vnet_queue *q = &v->q[RXQ];
    size_t got = 0;
    bool reposted = false;

    spin_lock(&q->lock);
    for (;;) {
        uint16_t id;
        uint32_t len;
        enum vq_result r = vq_take(&q->vq, VNET_RX_MIN, VNET_RX_MAX, &id, &len);
        if (r == VQ_EMPTY)
            break;
        if (r == VQ_BROKEN) {
            pr_error("%s: receive ring broken by the device; receiving stopped\n", v->name);
            d->counters.rx_dropped++;
            break;
        }
        if (r == VQ_BAD_ID) {
            d->counters.rx_dropped++;
            continue;
        }
        if (r == VQ_OK && len - VNET_HDR_LEN <= cap) {
            got = len - VNET_HDR_LEN;
            memcpy(out, q->buf + (size_t)id * VNET_BUF_LEN + VNET_HDR_LEN, got);
            d->counters.rx_frames++;
        } else {
            d->counters.rx_dropped++;
        }
        rx_post_locked(q, id);
        reposted = true;
        if (got)
            break;
    }
    if (reposted)
        vnet_notify(v, RXQ);
    spin_unlock(&q->lock);
    return got;
}

static int vnet_transmit(struct netdev *d, const void *frame, size_t len)
{
    struct vnet *v = d->priv;
    struct vnet_queue *q = &v->q[TXQ];
    uint16_t id;
    uint32_t used_len;
    enum vq_result r;
    int rc = 0;

    if (len < 14 || len > NETDEV_FRAME_MAX)
        return K_EINVAL;
    spin_lock(&q->lock);
    /* Take back the buffers the device has sent; a transmit length means nothing. */
    while ((r = vq_take(&q->vq, 0, UINT32_MAX, &id, &used_len)) != VQ_EMPTY &&
           r != VQ_BROKEN)
        ;
    int free = vq_free_id(&q->vq);
    if (q->vq.broken) {
        rc = K_EIO;
    } else if (free < 0) {
        rc = K_EAGAIN;
    } else {
        uint8_t *b = q->buf + (size_t)free * VNET_BUF_LEN;
        memset(b, 0, VNET_HDR_LEN);
        memcpy(b + VNET_HDR_LEN, frame, len);
        vq_post(&q->vq, (uint16_t)free, q->buf_pa + (uint64_t)free * VNET_BUF_LEN,
                (uint32_t)(VNET_HDR_LEN + len), false);
        vnet_notify(v, TXQ);
    }
    if (rc)
        d->counters.tx_dropped++;
    else
        d->counters.tx_frames++;
    spin_unlock(&q->lock);
    return rc;
}

/* Queue n: ring and buffers, given to the device. false (logged) if it cannot be. */
static bool vnet_queue_setup(struct vnet *v, uint16_t n)
{
    struct vnet_queue *q = &v->q[n];

    pio_write16((uint16_t)(v->io + VIO_QUEUE_SELECT), n);
    uint32_t size = pio_read16((uint16_t)(v->io + VIO_QUEUE_SIZE));
    if (size < 2 || size > 32768 || (size & (size - 1))) {
        pr_warn("%s: queue %u size %u unusable\n", v->name, n, size);
        return false;
    }
    uint16_t nbufs = size < VQ_MAX_BUFS ? (uint16_t)size : VQ_MAX_BUFS;
    size_t ring_frames = (vq_ring_bytes((uint16_t)size) + PAGE_SIZE - 1) / PAGE_SIZE;
    size_t buf_frames = ((size_t)nbufs * VNET_BUF_LEN + PAGE_SIZE - 1) / PAGE_SIZE;
    paddr_t ring = pmm_alloc_contig_below(ring_frames, 1, 1ull << 44);
    paddr_t bufs = pmm_alloc_contig(buf_frames, 1);
    if (!ring || !bufs) {
        if (ring)
            pmm_free_contig(ring, ring_frames);
        if (bufs)
            pmm_free_contig(bufs, buf_frames);
        pr_warn("%s: out of memory for queue %u\n", v->name, n);
        return false;
    }
    void *r = phys_to_virt(ring);
    memset(r, 0, ring_frames * PAGE_SIZE);
    vq_init(&q->vq, (uint16_t)size, nbufs, r);
    q->buf_pa = bufs;
    q->buf = phys_to_virt(bufs);
    q->lock = (struct spinlock)SPINLOCK_INIT(n == RXQ ? "virtio-net rx" : "virtio-net tx");
    if (n == RXQ) { /* nobody else sees the queue yet: the lock only keeps the rule */
        spin_lock(&q->lock);
        for (uint16_t i = 0; i < nbufs; i++)
            rx_post_locked(q, i);
        spin_unlock(&q->lock);
    }
    pio_write32((uint16_t)(v->io + VIO_QUEUE_PFN), (uint32_t)(ring >> 12));
    return true;
}

static bool vnet_setup(struct vnet *v, const struct pci_device *pd, unsigned index)
{
    v->name[0] = 'e', v->name[1] = 'n', v->name[2] = (char)('0' + index), v->name[3] = 0;
    int64_t features = virtio_legacy_start(pd, v->name, &v->io);
    if (features < 0)
        return false;
    uint32_t want = features & VIRTIO_NET_F_MAC;
    pio_write32((uint16_t)(v->io + VIO_GUEST_FEATURES), want);
    if (!(want & VIRTIO_NET_F_MAC)) {
        pr_warn("%s: the device offers no MAC address\n", v->name);
        goto fail;
    }
    for (int i = 0; i < 6; i++)
        v->nd.mac[i] = pio_read8((uint16_t)(v->io + VIO_NET_MAC + i));
    if (!vnet_queue_setup(v, RXQ) || !vnet_queue_setup(v, TXQ))
        goto fail;
    if (irq_register(pd->irq_line, vnet_irq, v) != 0)
        pr_warn("%s: cannot take IRQ %u; frames will only be seen when polled\n", v->name,
                pd->irq_line);
    v->nd.name = v->name;
    v->nd.priv = v;
    v->nd.transmit = vnet_transmit;
    v->nd.receive = vnet_receive;
    pio_write8((uint16_t)(v->io + VIO_STATUS),
               VIO_STATUS_ACK | VIO_STATUS_DRIVER | VIO_STATUS_DRIVER_OK);
    vnet_notify(v, RXQ);
    pr_info("%s: virtio-net (legacy PCI %02x:%02x.%u, I/O 0x%x, IRQ %u), MAC "
            "%02x:%02x:%02x:%02x:%02x:%02x, %u receive buffers\n",
            v->name, pd->bus, pd->slot, pd->func, v->io, pd->irq_line, v->nd.mac[0],
            v->nd.mac[1], v->nd.mac[2], v->nd.mac[3], v->nd.mac[4], v->nd.mac[5],
            v->q[RXQ].vq.nbufs);
    return true;
fail:
    pio_write8((uint16_t)(v->io + VIO_STATUS), VIO_STATUS_FAILED);
    return false;
}

void virtio_net_probe(void)
{
    struct pci_device pd;

    for (unsigned i = 0; i < NETDEV_MAX && pci_find(VIRTIO_VENDOR, VIRTIO_NET_TRANSITIONAL, i, &pd);
         i++) {
        struct vnet *v = kcalloc(1, sizeof *v);
        if (!v)
            return;
        if (vnet_setup(v, &pd, i) && netdev_register(&v->nd) == 0)
            continue;
        kfree(v); /* a failed setup leaves no queue with the device (status FAILED) */
    }
}
