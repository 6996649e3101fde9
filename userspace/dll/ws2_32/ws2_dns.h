/*
 * ws2_32's DNS client: A lookups at the server DmNetQueryAddress names (dns= on the
 * kernel command line), over TCP (RFC 7766 framing), one connection per question.
 */
#ifndef WS2_DNS_H
#define WS2_DNS_H

#include <stdint.h>

/* Looks name up: 0 with 1..max addresses (network order) in addrs and their number in
 * *count; else WSAHOST_NOT_FOUND (no such name, or no server configured), WSANO_DATA
 * (the name has no address) or WSATRY_AGAIN (the server failed, could not be reached
 * within 5 s, or answered garbage). Sets no last error. */
int ws2_dns_lookup(const char *name, uint32_t *addrs, int max, int *count);

#endif
