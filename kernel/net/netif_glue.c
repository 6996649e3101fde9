/*
 * lwIP netif over a struct netdev: frames out through the driver's transmit (copied
 * from the pbuf chain into one buffer), frames in by a kernel thread per device that
 * the driver's interrupt hook wakes, which pulls each frame into a pool pbuf and hands
 * it to the tcpip thread. A lost interrupt costs at most RX_POLL_MS of latency.
 */
#include <lib/string.h>
#include <mm/kheap.h>
#include <proc/process.h>
#include <proc/sched.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "net_port.h"

#define RX_POLL_MS 100

struct glue {
    struct netdev *dev;
    struct netif *nif;
    struct kobject wake;   /* the receive thread's wait queue */
    bool pending;          /* protected by sched_lock */
    uint8_t tx[NETDEV_FRAME_MAX]; /* protected by the tcpip core lock */
    uint8_t rx[NETDEV_FRAME_MAX]; /* the receive thread's own */
};

static void glue_rx_hook(struct netdev *d)
{
    struct glue *g = d->stack_priv;
    uint64_t flags = sched_lock_irq();

    g->pending = true;
    kobj_wake_all_locked(&g->wake);
    sched_unlock_irq(flags);
}

static void glue_rx_thread(void *arg)
{
    struct glue *g = arg;

    for (;;) {
        uint64_t flags = sched_lock_irq();
        if (!g->pending)
            sched_block_uninterruptible_locked(&g->wake, RX_POLL_MS);
        g->pending = false;
        sched_unlock_irq(flags);
        size_t n;
        while ((n = g->dev->receive(g->dev, g->rx, sizeof g->rx)) != 0) {
            struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_POOL);
            if (!p) {
                g->dev->counters.rx_dropped++;
                continue;
            }
            pbuf_take(p, g->rx, (u16_t)n);
            if (g->nif->input(p, g->nif) != ERR_OK)
                pbuf_free(p);
        }
    }
}

static err_t glue_linkoutput(struct netif *nif, struct pbuf *p)
{
    struct glue *g = nif->state;

    if (p->tot_len > sizeof g->tx)
        return ERR_BUF;
    u16_t n = pbuf_copy_partial(p, g->tx, p->tot_len, 0);
    int rc = g->dev->transmit(g->dev, g->tx, n);
    return rc == 0 ? ERR_OK : ERR_IF;
}

err_t net_netif_init(struct netif *nif)
{
    struct netdev *d = nif->state;
    struct glue *g = kcalloc(1, sizeof *g);

    if (!g)
        return ERR_MEM;
    g->dev = d;
    g->nif = nif;
    kobj_init(&g->wake, &kobj_queue_type);
    nif->state = g;
    nif->name[0] = d->name[0];
    nif->name[1] = d->name[1];
    nif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(nif->hwaddr, d->mac, ETH_HWADDR_LEN);
    nif->mtu = 1500;
    nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
                 NETIF_FLAG_LINK_UP;
    nif->output = etharp_output;
    nif->linkoutput = glue_linkoutput;
    struct thread *t = thread_create_kernel(glue_rx_thread, g);
    if (!t) {
        kfree(g);
        nif->state = d;
        return ERR_MEM;
    }
    d->stack_priv = g;
    d->rx_hook = glue_rx_hook;
    sched_start_thread(t);
    return ERR_OK;
}

struct netdev *net_netif_device(struct netif *nif)
{
    return ((struct glue *)nif->state)->dev;
}
