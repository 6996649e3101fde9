/*
 * A legacy (virtio 0.9.5) split virtqueue as drivers use it with one descriptor per
 * buffer: post a buffer, take back what the device used. Everything the device writes
 * (the used index, each element's id and length) is untrusted: a bad element is
 * dropped and counted, a used index that runs ahead of what was posted breaks the
 * queue for good. Pure code (no locks, no I/O), so the host fuzz harness runs it; the
 * caller serialises calls on one queue and notifies the device itself.
 */
#ifndef DEV_VIRTIO_RING_H
#define DEV_VIRTIO_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VQ_ALIGN     4096u
#define VQ_MAX_BUFS  64     /* buffers per queue: the owned mask is one uint64_t */

#define VRING_DESC_F_NEXT  1
#define VRING_DESC_F_WRITE 2

struct vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct vring_used_elem {
    uint32_t id;
    uint32_t len;
};

struct vq {
    uint16_t size;   /* ring entries (the device's queue size, a power of two) */
    uint16_t nbufs;  /* descriptors 0..nbufs-1 are used, one buffer each */
    volatile struct vring_desc *desc;
    volatile uint16_t *avail;               /* flags, idx, ring[size], used_event */
    volatile uint16_t *used;                /* flags, idx, then the elements */
    volatile struct vring_used_elem *used_ring;
    uint16_t last_used;                     /* next used element to look at */
    uint64_t owned;                         /* bit i: descriptor i is the device's */
    bool broken;                            /* the device broke the ring's contract */
    uint64_t bad;                           /* used elements rejected */
};

enum vq_result {
    VQ_EMPTY,    /* nothing new (or the queue is broken) */
    VQ_OK,       /* *id and *len are a buffer the device finished, len in bounds */
    VQ_BAD_LEN,  /* *id is back with the driver, but its length was out of bounds */
    VQ_BAD_ID,   /* an element naming no buffer the device holds: skipped */
    VQ_BROKEN,   /* the used index ran ahead of the buffers posted: queue given up */
};

/* Bytes of ring memory (legacy layout, VQ_ALIGN-aligned) for a queue of size entries. */
size_t vq_ring_bytes(uint16_t size);

/* Lay out a queue over zeroed ring memory of vq_ring_bytes(size) bytes. size is a power
 * of two, 1 <= nbufs <= min(size, VQ_MAX_BUFS). 0, or K_EINVAL. */
int vq_init(struct vq *q, uint16_t size, uint16_t nbufs, void *ring);

/* Hand buffer id (< nbufs, not owned by the device) at addr/len to the device;
 * writable for receive buffers. K_EINVAL for a bad or already posted id. */
int vq_post(struct vq *q, uint16_t id, uint64_t addr, uint32_t len, bool writable);

/* The next buffer the device used. A length outside [min_len, max_len] gives
 * VQ_BAD_LEN (the buffer is back with the caller, to post again). */
enum vq_result vq_take(struct vq *q, uint32_t min_len, uint32_t max_len, uint16_t *id,
                       uint32_t *len);

/* Lowest descriptor not owned by the device, or -1 when all are. */
int vq_free_id(const struct vq *q);

#endif
