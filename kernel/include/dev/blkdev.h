/*
 * Block devices as the file systems see them: 512-byte sectors, whole-sector reads,
 * writes and a flush of the device's own write cache. Drivers register what they find
 * at boot; the fs glue takes the first. Thread context (calls may sleep).
 */
#ifndef DEV_BLKDEV_H
#define DEV_BLKDEV_H

#include <stdbool.h>
#include <stdint.h>

#define BLKDEV_SECTOR 512u

struct blkdev {
    const char *name;
    uint64_t sectors;   /* capacity in 512-byte sectors */
    bool read_only;     /* the device refuses writes (writes return K_EROFS) */
    void *priv;
    /* count sectors at lba to or from kernel memory buf. 0, K_EINVAL (past the end),
     * K_EROFS, or K_EIO. The device serializes callers. */
    int (*read)(struct blkdev *d, uint64_t lba, uint32_t count, void *buf);
    int (*write)(struct blkdev *d, uint64_t lba, uint32_t count, const void *buf);
    /* Makes every completed write durable (0 when there is no write cache). */
    int (*flush)(struct blkdev *d);
};

/* Adds d to the devices found (at most 8). Boot, thread context. */
void blkdev_register(struct blkdev *d);
/* The index-th registered device, or NULL. */
struct blkdev *blkdev_get(unsigned index);

/* Probe every block-device driver (today: virtio-blk over PCI). Boot, once, in a
 * thread, before the file systems mount. */
void blkdev_probe_all(void);

#endif
