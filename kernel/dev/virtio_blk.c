/*
 * virtio-blk, legacy PCI interface (I/O BAR 0; virtio 0.9.5 register layout), one
 * request queue with one request in flight: header, data and status descriptors.
 * Data goes through a DMA bounce buffer of physically contiguous frames, so callers
 * pass any kernel memory. The caller sleeps until the device's interrupt (polling
 * only before the scheduler runs). Everything the device writes back (the used ring's
 * index, id and length, the status byte) is checked; a device that answers nonsense
 * or never answers is marked broken and every later request fails with K_EIO.
 */
#include <arch/irq.h>
#include <arch/layout.h>
#include <core/panic.h>
#include <core/printk.h>
#include <dev/blkdev.h>
#include <dev/pci.h>
#include <dev/virtio_blk.h>
#include <dev/virtio_legacy.h>
#include <dev/virtio_ring.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#include <proc/sleeplock.h>

#define VIRTIO_BLK_TRANSITIONAL 0x1001
#define VIO_BLK_CAPACITY VIO_DEVICE_CONFIG

#define VIRTIO_BLK_F_RO    (1u << 5)
#define VIRTIO_BLK_F_FLUSH (1u << 9)

#define VIRTIO_BLK_T_IN    0
#define VIRTIO_BLK_T_OUT   1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_S_OK    0

#define VRING_ALIGN        VQ_ALIGN

#define DMA_DATA_FRAMES 16 /* 64 KiB of data per request */
#define DMA_DATA_BYTES  (DMA_DATA_FRAMES * PAGE_SIZE)
#define REQUEST_TIMEOUT_MS 30000

struct blk_req_header {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};

struct vblk {
    struct blkdev bd;
    char name[16];
    uint16_t io;
    uint16_t qsize;
    /* the ring (device-shared memory) */
    volatile struct vring_desc *desc;
    volatile uint16_t *avail;             /* flags, idx, ring[qsize], used_event */
    volatile uint16_t *used;              /* flags, idx, then the elements */
    volatile struct vring_used_elem *used_ring;
    /* the bounce page: header at 0, status byte at 16; data in the frames after */
    paddr_t dma_pa;
    uint8_t *dma;
    bool has_flush;
    /* protected by lock */
    struct sleeplock lock;
    uint16_t last_used;
    bool broken;
    struct kobject done;                  /* the waiting request's queue */
};

static void fence(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static void vblk_irq(void *ctx)
{
    struct vblk *v = ctx;

    /* Reading the ISR acknowledges it; 0 means another device of a shared line. */
    if (!(pio_read8((uint16_t)(v->io + VIO_ISR)) & 3))
        return;
    uint64_t flags = sched_lock_irq();
    kobj_wake_all_locked(&v->done);
    sched_unlock_irq(flags);
}

static bool answered(struct vblk *v)
{
    fence();
    return v->used[1] != v->last_used;
}

/* Waits for the device to use the request; false after the timeout. */
static bool wait_answer(struct vblk *v)
{
    if (!sched_started()) {
        for (uint64_t spins = 0; spins < 2000000000ull; spins++) {
            if (answered(v))
                return true;
            __asm__ volatile("pause");
        }
        return false;
    }
    uint64_t flags = sched_lock_irq();
    bool ok = true;
    while (!answered(v)) {
        if (sched_block_uninterruptible_locked(&v->done, REQUEST_TIMEOUT_MS) == K_ETIMEDOUT &&
            !answered(v)) {
            ok = false;
            break;
        }
    }
    sched_unlock_irq(flags);
    return ok;
}

/*
 * One request: type, sector, and len bytes of the bounce buffer (len 0 for a flush).
 * The caller holds v->lock. 0, or K_EIO (the device said no, or broke its contract).
 */
static int vblk_request_locked(struct vblk *v, uint32_t type, uint64_t sector, uint32_t len)
{
    struct blk_req_header *h = (struct blk_req_header *)v->dma;
    volatile uint8_t *status = v->dma + sizeof *h;
    uint16_t n = 0;

    ASSERT(sleeplock_held(&v->lock));
    if (v->broken)
        return K_EIO;
    h->type = type;
    h->reserved = 0;
    h->sector = sector;
    *status = 0xFF;
    v->desc[0] = (struct vring_desc){ v->dma_pa, sizeof *h, VRING_DESC_F_NEXT, 1 };
    n = 1;
    if (len) {
        v->desc[1] = (struct vring_desc){ v->dma_pa + PAGE_SIZE, len,
                                          (uint16_t)(VRING_DESC_F_NEXT |
                                                     (type == VIRTIO_BLK_T_IN ?
                                                      VRING_DESC_F_WRITE : 0)), 2 };
        n = 2;
    } else {
        v->desc[0].next = 2;
    }
    v->desc[2] = (struct vring_desc){ v->dma_pa + sizeof *h, 1, VRING_DESC_F_WRITE, 0 };
    (void)n;
    uint16_t aidx = v->avail[1];
    v->avail[2 + aidx % v->qsize] = 0; /* the chain's head */
    fence();
    v->avail[1] = (uint16_t)(aidx + 1);
    fence();
    pio_write16((uint16_t)(v->io + VIO_QUEUE_NOTIFY), 0);
    if (!wait_answer(v)) {
        pr_error("%s: no answer in %d s; disk given up\n", v->name, REQUEST_TIMEOUT_MS / 1000);
        v->broken = true;
        return K_EIO;
    }
    /* The device's answer, checked before anything is believed. */
    uint16_t uidx = v->used[1];
    uint16_t fresh = (uint16_t)(uidx - v->last_used);
    volatile struct vring_used_elem *e = &v->used_ring[v->last_used % v->qsize];
    uint32_t id = e->id, written = e->len;
    uint32_t writable = (type == VIRTIO_BLK_T_IN ? len : 0) + 1;
    if (fresh != 1 || id != 0 || written > writable) {
        pr_error("%s: bad answer (used %u new, id %u, length %u of %u); disk given up\n",
                 v->name, fresh, id, written, writable);
        v->broken = true;
        return K_EIO;
    }
    v->last_used = uidx;
    fence();
    if (*status != VIRTIO_BLK_S_OK) {
        pr_warn("%s: request %u at sector %llu failed (status %u)\n", v->name, type,
                (unsigned long long)sector, *status);
        return K_EIO;
    }
    return 0;
}

static int vblk_check(struct vblk *v, uint64_t lba, uint32_t count)
{
    if (lba > v->bd.sectors || count > v->bd.sectors - lba)
        return K_EINVAL;
    return 0;
}

static int vblk_read(struct blkdev *d, uint64_t lba, uint32_t count, void *buf)
{
    struct vblk *v = d->priv;
    uint8_t *out = buf;
    int rc = vblk_check(v, lba, count);

    if (rc)
        return rc;
    sleeplock_acquire(&v->lock);
    while (count && !rc) {
        uint32_t n = count < DMA_DATA_BYTES / BLKDEV_SECTOR ? count : DMA_DATA_BYTES / BLKDEV_SECTOR;
        rc = vblk_request_locked(v, VIRTIO_BLK_T_IN, lba, n * BLKDEV_SECTOR);
        if (!rc)
            memcpy(out, v->dma + PAGE_SIZE, n * BLKDEV_SECTOR);
        out += n * BLKDEV_SECTOR;
        lba += n;
        count -= n;
    }
    sleeplock_release(&v->lock);
    return rc;
}

static int vblk_write(struct blkdev *d, uint64_t lba, uint32_t count, const void *buf)
{
    struct vblk *v = d->priv;
    const uint8_t *in = buf;
    int rc = vblk_check(v, lba, count);

    if (rc)
        return rc;
    if (d->read_only)
        return K_EROFS;
    sleeplock_acquire(&v->lock);
    while (count && !rc) {
        uint32_t n = count < DMA_DATA_BYTES / BLKDEV_SECTOR ? count : DMA_DATA_BYTES / BLKDEV_SECTOR;
        memcpy(v->dma + PAGE_SIZE, in, n * BLKDEV_SECTOR);
        rc = vblk_request_locked(v, VIRTIO_BLK_T_OUT, lba, n * BLKDEV_SECTOR);
        in += n * BLKDEV_SECTOR;
        lba += n;
        count -= n;
    }
    sleeplock_release(&v->lock);
    return rc;
}

static int vblk_flush(struct blkdev *d)
{
    struct vblk *v = d->priv;

    if (!v->has_flush || d->read_only)
        return 0;
    sleeplock_acquire(&v->lock);
    int rc = vblk_request_locked(v, VIRTIO_BLK_T_FLUSH, 0, 0);
    sleeplock_release(&v->lock);
    return rc;
}

/* Sets up one device; false (logged, device left failed) if it cannot be used. */
static bool vblk_setup(struct vblk *v, const struct pci_device *pd, unsigned index)
{
    int64_t features = virtio_legacy_start(pd, "virtio-blk", &v->io);

    if (features < 0)
        return false;
    uint32_t want = features & (VIRTIO_BLK_F_RO | VIRTIO_BLK_F_FLUSH);
    pio_write32((uint16_t)(v->io + VIO_GUEST_FEATURES), want);
    pio_write16((uint16_t)(v->io + VIO_QUEUE_SELECT), 0);
    uint32_t q = pio_read16((uint16_t)(v->io + VIO_QUEUE_SIZE));
    if (q < 4 || q > 32768 || (q & (q - 1))) {
        pr_warn("virtio-blk: queue size %u unusable\n", q);
        goto fail;
    }
    size_t avail_end = 16 * (size_t)q + 2 * (3 + (size_t)q);
    size_t used_off = (avail_end + VRING_ALIGN - 1) & ~(size_t)(VRING_ALIGN - 1);
    size_t ring_bytes = used_off + 6 + 8 * (size_t)q;
    size_t ring_frames = (ring_bytes + PAGE_SIZE - 1) / PAGE_SIZE;
    paddr_t ring = pmm_alloc_contig_below(ring_frames, 1, 1ull << 44);
    paddr_t dma = pmm_alloc_contig(1 + DMA_DATA_FRAMES, 1);
    if (!ring || !dma) {
        if (ring)
            pmm_free_contig(ring, ring_frames);
        if (dma)
            pmm_free_contig(dma, 1 + DMA_DATA_FRAMES);
        pr_warn("virtio-blk: out of memory for the queue\n");
        goto fail;
    }
    uint8_t *r = phys_to_virt(ring);
    memset(r, 0, ring_frames * PAGE_SIZE);
    v->qsize = (uint16_t)q;
    v->desc = (volatile struct vring_desc *)r;
    v->avail = (volatile uint16_t *)(r + 16 * (size_t)q);
    v->used = (volatile uint16_t *)(r + used_off);
    v->used_ring = (volatile struct vring_used_elem *)(r + used_off + 4);
    v->dma_pa = dma;
    v->dma = phys_to_virt(dma);
    v->has_flush = want & VIRTIO_BLK_F_FLUSH;
    v->last_used = 0;
    sleeplock_init(&v->lock, "virtio-blk");
    kobj_init(&v->done, &kobj_queue_type);
    pio_write32((uint16_t)(v->io + VIO_QUEUE_PFN), (uint32_t)(ring >> 12));
    uint64_t cap = pio_read32((uint16_t)(v->io + VIO_BLK_CAPACITY)) |
                   (uint64_t)pio_read32((uint16_t)(v->io + VIO_BLK_CAPACITY + 4)) << 32;
    if (irq_register(pd->irq_line, vblk_irq, v) != 0)
        pr_warn("virtio-blk: cannot take IRQ %u; requests will time out\n", pd->irq_line);
    pio_write8((uint16_t)(v->io + VIO_STATUS),
               VIO_STATUS_ACK | VIO_STATUS_DRIVER | VIO_STATUS_DRIVER_OK);
    v->name[0] = 'v', v->name[1] = 'd', v->name[2] = (char)('a' + index), v->name[3] = 0;
    v->bd = (struct blkdev){ .name = v->name, .sectors = cap,
                             .read_only = want & VIRTIO_BLK_F_RO, .priv = v,
                             .read = vblk_read, .write = vblk_write, .flush = vblk_flush };
    pr_info("%s: virtio-blk (legacy PCI %02x:%02x.%u, I/O 0x%x, IRQ %u), %llu MiB%s%s\n",
            v->name, pd->bus, pd->slot, pd->func, v->io, pd->irq_line,
            (unsigned long long)(cap >> 11), v->bd.read_only ? ", read-only" : "",
            v->has_flush ? ", write cache" : "");
    return true;
fail:
    pio_write8((uint16_t)(v->io + VIO_STATUS), VIO_STATUS_FAILED);
    return false;
}

void virtio_blk_probe(void)
{
    struct pci_device pd;

    pci_log_devices();
    for (unsigned i = 0; i < 8 && pci_find(VIRTIO_VENDOR, VIRTIO_BLK_TRANSITIONAL, i, &pd);
         i++) {
        struct vblk *v = kcalloc(1, sizeof *v);
        if (!v)
            return;
        if (vblk_setup(v, &pd, i))
            blkdev_register(&v->bd);
        else
            kfree(v);
    }
}
