/*
 * The native network calls' ABI (DmNetQueryAddress, DmNetPing, the DmSocket* calls:
 * syscalls 110-123).
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
    uint32_t dns;       /* the DNS server (dns= on the kernel command line), 0: none */
    uint32_t reserved2;
};
_Static_assert(sizeof(struct dormer_net_address) == 40, "dormer_net_address is ABI");

#define DORMER_NET_PING_MAX_MS      10000u /* the longest wait DmNetPing accepts */
#define DORMER_NET_PING_MAX_PAYLOAD 1400u

/* Sockets (DmSocket*): kernel objects named by handles, closed with NtClose. */
#define DORMER_SOCK_STREAM 1u /* TCP */
#define DORMER_SOCK_DGRAM  2u /* UDP */

/* An IPv4 socket address; both fields in network byte order. */
struct dormer_sockaddr {
    uint32_t addr;
    uint16_t port;
    uint16_t reserved; /* 0 */
};
_Static_assert(sizeof(struct dormer_sockaddr) == 8, "dormer_sockaddr is ABI");

/* Options (DmSocketSetOption / DmSocketGetOption); values are uint64. */
#define DORMER_SO_NONBLOCK   1u  /* 0/1: calls that would wait fail with STATUS_CANT_WAIT */
#define DORMER_SO_REUSEADDR  2u  /* 0/1 */
#define DORMER_SO_KEEPALIVE  3u  /* 0/1 */
#define DORMER_SO_BROADCAST  4u  /* 0/1 */
#define DORMER_SO_RCVTIMEO   5u  /* ms, 0: forever; a receive past it fails STATUS_IO_TIMEOUT */
#define DORMER_SO_SNDTIMEO   6u  /* ms, 0: forever */
#define DORMER_SO_NODELAY    7u  /* 0/1: TCP_NODELAY */
#define DORMER_SO_RCVBUF     8u  /* bytes (recorded; the stack's window is fixed) */
#define DORMER_SO_SNDBUF     9u  /* bytes (recorded) */
#define DORMER_SO_ERROR      10u /* get only: the pending error as an NTSTATUS, then cleared */
#define DORMER_SO_NREAD      11u /* get only: bytes a receive would return now */
#define DORMER_SO_TYPE       12u /* get only: DORMER_SOCK_* */
#define DORMER_SO_LISTENING  13u /* get only: 0/1 */

/* Receive flags (Windows' values). */
#define DORMER_MSG_PEEK    0x2u
#define DORMER_MSG_WAITALL 0x8u

/* DmSocketPoll: one entry per socket. */
#define DORMER_POLL_READ  1u /* data, a connection to accept, end of stream, or an error */
#define DORMER_POLL_WRITE 2u /* room to send (a connect finished) */
#define DORMER_POLL_ERROR 4u /* a connect failed, or the connection broke */
#define DORMER_POLL_MAX   64u

struct dormer_poll {
    uint64_t handle;
    uint32_t events;  /* DORMER_POLL_* asked for (ERROR is always reported) */
    uint32_t revents; /* out */
};
_Static_assert(sizeof(struct dormer_poll) == 16, "dormer_poll is ABI");

#endif
