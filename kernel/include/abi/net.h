/*
 * The native network calls' ABI (DmNetQueryAddress, DmNetPing: syscalls 110-111).
 * Shared by the kernel (LP64) and mingw user code (LLP64): fixed-width types only.
 * IPv4 addresses are in network byte order (the first octet in the lowest byte).
 */
#ifndef ABI_NET_H
#define ABI_NET_H

#include <stdint.h>

#define DORMER_NET_BOUND 1u /* flags: the address came from a DHCP lease */

struct dormer_net_address {
    uint32_t address;   /* 0: none yet */
    uint32_t netmask;
    uint32_t gateway;   /* 0: none (QEMU's restricted user networking gives none) */
    uint32_t flags;     /* DORMER_NET_* */
    uint8_t mac[6];
    uint8_t reserved[2];
    char name[8];       /* the device, "en0" */
};
_Static_assert(sizeof(struct dormer_net_address) == 32, "dormer_net_address is ABI");

#define DORMER_NET_PING_MAX_MS      10000u /* the longest wait DmNetPing accepts */
#define DORMER_NET_PING_MAX_PAYLOAD 1400u

#endif
