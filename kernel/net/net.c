/*
 * Bringing the network up: the tcpip thread, loopback (lwIP's own loop netif), one
 * netif per device with DHCP on it, and ICMP echo through a raw PCB for ping. All
 * lwIP calls from outside the tcpip thread hold the core lock (LOCK_TCPIP_CORE).
 */
#include <abi/net.h>
#include <core/cmdline.h>
#include <core/init.h>
#include <core/printk.h>
#include <core/shutdown.h>
#include <core/time.h>
#include <dev/netdev.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <net/net.h>
#include <net/socket.h>
#include <proc/sched.h>

#include "lwip/dhcp.h"
#include "lwip/inet_chksum.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/prot/icmp.h"
#include "lwip/raw.h"
#include "lwip/tcpip.h"
#include "lwip/timeouts.h"
#include "net_port.h"

#define PING_ID 0xD0E5

static struct netif nifs[NETDEV_MAX];
static unsigned nif_count;
static struct kobject bound_queue;    /* waiters for an address */

/* ping: one at a time (ping_lock); the reply is recorded by the raw PCB's callback. */
static struct kmutex *ping_lock;
static struct raw_pcb *ping_pcb;
static struct kobject ping_queue;
static volatile int ping_replied_seq = -1; /* protected by sched_lock */

static void tcpip_ready(void *arg)
{
    struct ksemaphore *done = arg;
    int64_t previous;

    ksemaphore_release(done, 1, &previous);
}

/* The address line, in the tcpip thread once the change is complete (DHCP sets the
 * address, and so calls the status callback, before the netmask and gateway). */
static void print_address(void *arg)
{
    struct netif *nif = arg;
    char ip[16], mask[16], gw[16];

    if (ip4_addr_isany_val(*netif_ip4_addr(nif)))
        return;
    ip4addr_ntoa_r(netif_ip4_addr(nif), ip, sizeof ip);
    ip4addr_ntoa_r(netif_ip4_netmask(nif), mask, sizeof mask);
    ip4addr_ntoa_r(netif_ip4_gw(nif), gw, sizeof gw);
    pr_info("net: %s %s netmask %s gateway %s (%s)\n", net_netif_device(nif)->name, ip, mask, gw,
            dhcp_supplied_address(nif) ? "DHCP bound" : "static");
    uint64_t flags = sched_lock_irq();
    kobj_wake_all_locked(&bound_queue);
    sched_unlock_irq(flags);
}

static void status_changed(struct netif *nif)
{
    if (tcpip_try_callback(print_address, nif) != ERR_OK)
        print_address(nif);
}

static u8_t ping_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
    struct icmp_echo_hdr echo;
    (void)arg, (void)pcb, (void)addr;

    /* A raw ICMP PCB sees the IP header too; its length comes from the header itself. */
    if (p->len < 1)
        return 0;
    u16_t ihl = (u16_t)((((const u8_t *)p->payload)[0] & 0x0F) * 4);
    if (ihl < 20 || pbuf_copy_partial(p, &echo, sizeof echo, ihl) != sizeof echo)
        return 0;
    if (echo.type != ICMP_ER || lwip_ntohs(echo.id) != PING_ID)
        return 0;
    uint64_t flags = sched_lock_irq();
    ping_replied_seq = lwip_ntohs(echo.seqno);
    kobj_wake_all_locked(&ping_queue);
    sched_unlock_irq(flags);
    pbuf_free(p);
    return 1;
}

void net_init(void)
{
    struct ksemaphore *done = ksemaphore_create(0, 1);
    sock_init();
    struct kobject *obj;
    bool abandoned;

    kobj_init(&bound_queue, &kobj_queue_type);
    kobj_init(&ping_queue, &kobj_queue_type);
    ping_lock = kmutex_create(false);
    if (!done || !ping_lock) {
        pr_error("net: out of memory; no network\n");
        return;
    }
    tcpip_init(tcpip_ready, done);
    obj = &done->obj;
    sched_wait(&obj, 1, false, UINT64_MAX, &abandoned);
    kobj_unref(&done->obj);

    if (cmdline_get("net") && strcmp(cmdline_get("net"), "none") == 0)
        pr_info("net: net=none: devices left alone, loopback only\n");
    else
        netdev_probe_all();
    LOCK_TCPIP_CORE();
    ping_pcb = raw_new(IP_PROTO_ICMP);
    if (ping_pcb) {
        raw_recv(ping_pcb, ping_recv, NULL);
        raw_bind(ping_pcb, IP_ADDR_ANY);
    }
    for (unsigned i = 0; netdev_at(i) && nif_count < NETDEV_MAX; i++) {
        struct netif *nif = &nifs[nif_count];
        if (!netif_add(nif, NULL, NULL, NULL, netdev_at(i), net_netif_init, tcpip_input)) {
            pr_warn("net: %s: cannot add the interface\n", netdev_at(i)->name);
            continue;
        }
        nif_count++;
        netif_set_status_callback(nif, status_changed);
        if (nif_count == 1)
            netif_set_default(nif);
        netif_set_up(nif);
        if (dhcp_start(nif) != ERR_OK)
            pr_warn("net: %s: DHCP did not start\n", netdev_at(i)->name);
    }
    UNLOCK_TCPIP_CORE();
    pr_info("net: lwIP " LWIP_VERSION_STRING ", loopback 127.0.0.1, %u device%s%s\n", nif_count,
            nif_count == 1 ? "" : "s", nif_count ? ", DHCP started" : "");
}

static bool bound(uint32_t *addr)
{
    bool ok = false;

    LOCK_TCPIP_CORE();
    struct netif *nif = netif_default;
    if (nif && dhcp_supplied_address(nif)) {
        *addr = ip4_addr_get_u32(netif_ip4_addr(nif));
        ok = true;
    }
    UNLOCK_TCPIP_CORE();
    return ok;
}

bool net_wait_bound(uint64_t timeout_ms, uint32_t *addr)
{
    uint64_t end = time_uptime_ns() / 1000000 + timeout_ms;

    for (;;) {
        if (bound(addr))
            return true;
        uint64_t now = time_uptime_ns() / 1000000;
        if (now >= end || nif_count == 0)
            return false;
        /* The status callback wakes the queue; the timeout re-checks regardless. */
        uint64_t flags = sched_lock_irq();
        sched_block_uninterruptible_locked(&bound_queue, end - now < 100 ? end - now : 100);
        sched_unlock_irq(flags);
    }
}

int net_ping(uint32_t addr, uint16_t seq, uint32_t payload, uint64_t timeout_ms,
             uint64_t *rtt_ms)
{
    struct kobject *lock = &ping_lock->obj;
    bool abandoned;
    ip_addr_t dst;
    int rc = 0;

    if (!ping_pcb || payload > 1400)
        return K_EINVAL;
    ip_addr_set_ip4_u32(&dst, addr);
    sched_wait(&lock, 1, false, UINT64_MAX, &abandoned);
    struct pbuf *p = pbuf_alloc(PBUF_IP, (u16_t)(sizeof(struct icmp_echo_hdr) + payload),
                                PBUF_RAM);
    if (!p) {
        rc = K_ENOMEM;
        goto out;
    }
    struct icmp_echo_hdr *echo = p->payload;
    echo->type = ICMP_ECHO;
    echo->code = 0;
    echo->chksum = 0;
    echo->id = lwip_htons(PING_ID);
    echo->seqno = lwip_htons(seq);
    for (uint32_t i = 0; i < payload; i++)
        ((uint8_t *)(echo + 1))[i] = (uint8_t)i;
    echo->chksum = inet_chksum(echo, p->len);
    uint64_t flags = sched_lock_irq();
    ping_replied_seq = -1;
    sched_unlock_irq(flags);
    uint64_t t0 = time_uptime_ns();
    LOCK_TCPIP_CORE();
    err_t e = raw_sendto(ping_pcb, p, &dst);
    UNLOCK_TCPIP_CORE();
    pbuf_free(p);
    if (e != ERR_OK) {
        rc = K_EINVAL;
        goto out;
    }
    uint64_t end = t0 + timeout_ms * 1000000;
    flags = sched_lock_irq();
    while (ping_replied_seq != seq) {
        uint64_t now = time_uptime_ns();
        if (now >= end) {
            rc = K_ETIMEDOUT;
            break;
        }
        uint64_t left = (end - now) / 1000000 + 1;
        sched_block_uninterruptible_locked(&ping_queue, left);
    }
    sched_unlock_irq(flags);
    if (!rc && rtt_ms)
        *rtt_ms = (time_uptime_ns() - t0) / 1000000;
out:
    kmutex_release(ping_lock);
    return rc;
}

void net_query_address(struct dormer_net_address *out)
{
    memset(out, 0, sizeof *out);
    LOCK_TCPIP_CORE();
    struct netif *nif = netif_default;
    if (nif) {
        struct netdev *d = net_netif_device(nif);
        out->address = ip4_addr_get_u32(netif_ip4_addr(nif));
        out->netmask = ip4_addr_get_u32(netif_ip4_netmask(nif));
        out->gateway = ip4_addr_get_u32(netif_ip4_gw(nif));
        out->flags = dhcp_supplied_address(nif) ? DORMER_NET_BOUND : 0;
        memcpy(out->mac, d->mac, sizeof out->mac);
        strlcpy(out->name, d->name, sizeof out->name);
    }
    UNLOCK_TCPIP_CORE();
    /* The resolver ws2_32 asks: dns=A.B.C.D (QEMU's restricted network gives none by
     * DHCP; the tests point it at a guestfwd address). */
    const char *dns = cmdline_get("dns");
    ip4_addr_t a;
    if (dns && ip4addr_aton(dns, &a))
        out->dns = ip4_addr_get_u32(&a);
}

static void check_ping(const char *what, uint32_t addr)
{
    char ip[16];
    ip4_addr_t a;
    int replies = 0;
    uint64_t rtt = 0, total = 0;

    ip4_addr_set_u32(&a, addr);
    ip4addr_ntoa_r(&a, ip, sizeof ip);
    for (uint16_t seq = 1; seq <= 3; seq++) {
        if (net_ping(addr, seq, 56, 2000, &rtt) == 0) {
            replies++;
            total += rtt;
        }
    }
    kprintf("NET ping %s %s replies=%d/3 rtt_total_ms=%llu\n", what, ip, replies,
            (unsigned long long)total);
}

/* One NET counters line per device (the boot check's, and netstats' at power-off). */
static void print_counters(void)
{
    for (unsigned i = 0; netdev_at(i); i++) {
        const struct netdev_counters *c = &netdev_at(i)->counters;
        kprintf("NET counters %s rx=%llu rx_dropped=%llu tx=%llu tx_dropped=%llu\n",
                netdev_at(i)->name, (unsigned long long)c->rx_frames,
                (unsigned long long)c->rx_dropped, (unsigned long long)c->tx_frames,
                (unsigned long long)c->tx_dropped);
    }
}

void net_boot_check(const char *peer)
{
    uint32_t addr = 0;
    char ip[16];
    ip4_addr_t a;

    bool ok = net_wait_bound(10000, &addr);
    ip4_addr_set_u32(&a, addr);
    ip4addr_ntoa_r(&a, ip, sizeof ip);
    kprintf("NET dhcp %s %s\n", ok ? "bound" : "unbound", ok ? ip : "-");
    check_ping("loopback", lwip_htonl(0x7F000001));
    if (ok)
        check_ping("self", addr);
    if (ok && peer && ip4addr_aton(peer, &a))
        check_ping("peer", ip4_addr_get_u32(&a));
    print_counters();
}

/* The boot step: the network, then the boot's check of it when asked (netcheck=), and
 * the devices' counters at power-off with netstats. */
static void net_boot_step(void)
{
    net_init();
    if (cmdline_get("netcheck"))
        net_boot_check(cmdline_get("netcheck"));
    if (cmdline_flag("netstats"))
        shutdown_register(print_counters);
}
INIT_STEP(INIT_NET, net_boot_step);
