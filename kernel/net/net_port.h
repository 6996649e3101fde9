/*
 * Private to kernel/net: the glue between a struct netdev and an lwIP netif.
 */
#ifndef NET_PORT_H
#define NET_PORT_H

#include <dev/netdev.h>

#include "lwip/netif.h"

/* netif_add's init function for a netif whose state is a struct netdev: Ethernet,
 * the device's MAC, MTU 1500, and a receive thread feeding tcpip_input. */
err_t net_netif_init(struct netif *nif);

/* The device under a netif net_netif_init set up. */
struct netdev *net_netif_device(struct netif *nif);

#endif
