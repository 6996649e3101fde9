/*
 * Legacy split virtqueues (see <dev/virtio_ring.h>). Each element the device hands
 * back is read once into locals and checked against the driver's own record of which
 * descriptors the device holds, so no value the device writes indexes anything unchecked.
 */
#include <dev/virtio_ring.h>
#include <lib/errno.h>

static void vq_fence(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static uint16_t bits_set(uint64_t v)
{
    uint16_t n = 0;

    for (; v; v &= v - 1)
        n++;
    return n;
}

size_t vq_ring_bytes(uint16_t size)
{
    size_t avail_end = 16 * (size_t)size + 2 * (3 + (size_t)size);
    size_t used_off = (avail_end + VQ_ALIGN - 1) & ~(size_t)(VQ_ALIGN - 1);

    return used_off + 6 + 8 * (size_t)size;
}

int vq_init(struct vq *q, uint16_t size, uint16_t nbufs, void *ring)
{
    if (size == 0 || (size & (size - 1)) || nbufs == 0 || nbufs > size || nbufs > VQ_MAX_BUFS)
        return K_EINVAL;
    uint8_t *r = ring;
    size_t avail_end = 16 * (size_t)size + 2 * (3 + (size_t)size);
    size_t used_off = (avail_end + VQ_ALIGN - 1) & ~(size_t)(VQ_ALIGN - 1);

    *q = (struct vq){ .size = size, .nbufs = nbufs };
    q->desc = (volatile struct vring_desc *)r;
    q->avail = (volatile uint16_t *)(r + 16 * (size_t)size);
    q->used = (volatile uint16_t *)(r + used_off);
    q->used_ring = (volatile struct vring_used_elem *)(r + used_off + 4);
    return 0;
}

int vq_post(struct vq *q, uint16_t id, uint64_t addr, uint32_t len, bool writable)
{
    if (id >= q->nbufs || (q->owned & (1ull << id)))
        return K_EINVAL;
    q->desc[id] = (struct vring_desc){ addr, len, writable ? VRING_DESC_F_WRITE : 0, 0 };
    q->owned |= 1ull << id;
    uint16_t aidx = q->avail[1];
    q->avail[2 + aidx % q->size] = id;
    vq_fence();
    q->avail[1] = (uint16_t)(aidx + 1);
    vq_fence();
    return 0;
}

enum vq_result vq_take(struct vq *q, uint32_t min_len, uint32_t max_len, uint16_t *id,
                       uint32_t *len)
{
    if (q->broken)
        return VQ_EMPTY;
    vq_fence();
    uint16_t fresh = (uint16_t)(q->used[1] - q->last_used);
    if (fresh == 0)
        return VQ_EMPTY;
    if (fresh > bits_set(q->owned)) {
        /* More used than the device was ever given: nothing in the ring is believable. */
        q->broken = true;
        q->bad++;
        return VQ_BROKEN;
    }
    volatile struct vring_used_elem *e = &q->used_ring[q->last_used % q->size];
    uint32_t eid = e->id, elen = e->len;
    q->last_used++;
    if (eid >= q->nbufs || !(q->owned & (1ull << eid))) {
        q->bad++;
        return VQ_BAD_ID;
    }
    q->owned &= ~(1ull << eid);
    *id = (uint16_t)eid;
    *len = elen;
    if (elen < min_len || elen > max_len) {
        q->bad++;
        return VQ_BAD_LEN;
    }
    return VQ_OK;
}

int vq_free_id(const struct vq *q)
{
    for (uint16_t i = 0; i < q->nbufs; i++) {
        if (!(q->owned & (1ull << i)))
            return i;
    }
    return -1;
}
