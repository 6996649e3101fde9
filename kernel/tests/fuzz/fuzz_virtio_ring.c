/*
 * libFuzzer harness for the virtqueue's handling of what a device writes back
 * (kernel/dev/virtio_ring.c), as virtio-net uses it. The input plays a hostile device:
 * its first bytes choose the queue size and buffer count, then each 10-byte step
 * writes a used index and one used element (id, length) anywhere in the used ring;
 * the driver side takes everything offered and posts buffers again, now or later. The harness holds
 * the queue to its contract against its own record of which buffers the device holds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dev/virtio_ring.h>

#define RX_MIN 24
#define RX_MAX 1524

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vq q;
    uint64_t device_holds = 0;

    if (size < 2)
        return 0;
    uint16_t qsize = (uint16_t)(1u << (data[0] % 9)); /* 1..256 */
    uint16_t nbufs = (uint16_t)(1 + data[1] % VQ_MAX_BUFS);
    data += 2, size -= 2;
    size_t bytes = vq_ring_bytes(qsize);
    uint8_t *ring = calloc(1, bytes);
    if (vq_init(&q, qsize, nbufs, ring) != 0) {
        if (nbufs <= qsize)
            __builtin_trap(); /* a valid geometry was refused */
        free(ring);
        return 0;
    }
    for (uint16_t i = 0; i < nbufs; i++) {
        if (vq_post(&q, i, 0x1000u * i, 2048, true) != 0)
            __builtin_trap();
        device_holds |= 1ull << i;
    }
    if (vq_post(&q, 0, 0, 2048, true) == 0)
        __builtin_trap(); /* posted twice */
    while (size >= 10) {
        /* The device writes: a used index, and one element at a slot of its choice. */
        uint16_t slot = get16(data) % qsize;
        q.used[1] = get16(data + 2);
        q.used_ring[slot].id = get32(data + 4) % (data[8] & 1 ? 0xFFFFFFFFu : 2u * nbufs + 1);
        q.used_ring[slot].len = get16(data + 6) | (uint32_t)(data[9] & 0x80) << 24;
        int keep = data[9] & 0x40;   /* the driver holds on to what it takes this step */
        int repost = data[9] & 0x20; /* and gives back everything it held before */
        data += 10, size -= 10;
        for (uint16_t i = 0; repost && i < nbufs; i++) {
            if (!(device_holds & (1ull << i))) {
                if (vq_post(&q, i, 0x1000u * i, 2048, true) != 0)
                    __builtin_trap();
                device_holds |= 1ull << i;
            }
        }
        for (int n = 0; n < 2 * qsize + 2; n++) {
            uint16_t id = 0xFFFF;
            uint32_t len = 0;
            enum vq_result r = vq_take(&q, RX_MIN, RX_MAX, &id, &len);
            if (r == VQ_EMPTY || r == VQ_BROKEN)
                break;
            if (r == VQ_BAD_ID)
                continue;
            /* OK or BAD_LEN: a buffer the device held, now the driver's. */
            if (id >= nbufs || !(device_holds & (1ull << id)))
                __builtin_trap();
            if (r == VQ_OK && (len < RX_MIN || len > RX_MAX))
                __builtin_trap();
            device_holds &= ~(1ull << id);
            if (q.owned != device_holds)
                __builtin_trap();
            if (keep)
                continue;
            if (vq_post(&q, id, 0x1000u * id, 2048, true) != 0)
                __builtin_trap();
            device_holds |= 1ull << id;
        }
        if (q.owned != device_holds || (nbufs < 64 && (q.owned >> nbufs)))
            __builtin_trap();
        if (q.broken && vq_take(&q, RX_MIN, RX_MAX, &(uint16_t){ 0 }, &(uint32_t){ 0 }) != VQ_EMPTY)
            __builtin_trap(); /* a broken queue stays quiet */
    }
    free(ring);
    return 0;
}
