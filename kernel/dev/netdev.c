/*
 * The table of network devices drivers registered at boot (see <dev/netdev.h>).
 */
#include <dev/netdev.h>
#include <dev/virtio_net.h>
#include <lib/errno.h>

static struct netdev *devices[NETDEV_MAX];
static unsigned device_count;

int netdev_register(struct netdev *d)
{
    if (device_count >= NETDEV_MAX)
        return K_ENOSPC;
    devices[device_count++] = d;
    return 0;
}

struct netdev *netdev_at(unsigned index)
{
    return index < device_count ? devices[index] : NULL;
}

void netdev_probe_all(void)
{
    virtio_net_probe();
}
