/*
 * The network layer: lwIP (built from its Debian source) with Dormer's port. net_init
 * brings up loopback and every network device, with DHCP on the first; the lease
 * arrives in the background (the log prints the address). Beside proc/sys/fs.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include <stdbool.h>
#include <stdint.h>

/* Start the stack, the loopback interface and each device found. Boot, once, with
 * the scheduler running; never blocks on the network. */
void net_init(void);

/* Wait up to timeout_ms for the default interface to hold an address from DHCP.
 * true with *addr (network byte order) once bound. Thread context. */
bool net_wait_bound(uint64_t timeout_ms, uint32_t *addr);

/* One ICMP echo to addr (network byte order) with id/seq and payload bytes of data:
 * 0 with *rtt_ms on a matching reply, K_ETIMEDOUT, K_ENOMEM or K_EINVAL. Thread context. */
int net_ping(uint32_t addr, uint16_t seq, uint32_t payload, uint64_t timeout_ms,
             uint64_t *rtt_ms);

/* Boot check (command line netcheck[=PEER]): wait for DHCP, ping the loopback
 * address, the interface's own address and PEER (an IPv4 address, e.g. QEMU's
 * user-net host 10.0.2.2), and print the devices' counters; one NET line each. */
void net_boot_check(const char *peer);

#endif
