/*
 * The registry of block devices found at boot: a small fixed table, filled once by
 * the drivers' probes before anything reads it, so it needs no lock.
 */
#include <dev/blkdev.h>
#include <dev/virtio_blk.h>
#include <stddef.h>

#define BLKDEV_MAX 8

static struct blkdev *devices[BLKDEV_MAX];
static unsigned device_count;

void blkdev_register(struct blkdev *d)
{
    if (device_count < BLKDEV_MAX)
        devices[device_count++] = d;
}

struct blkdev *blkdev_get(unsigned index)
{
    return index < device_count ? devices[index] : NULL;
}

void blkdev_probe_all(void)
{
    virtio_blk_probe();
}
