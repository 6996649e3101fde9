/*
 * lwIP's configuration for Dormer: the threaded API (NO_SYS 0) with the core lock,
 * IPv4 with ARP, ICMP, UDP, TCP, raw sockets, DHCP and a loopback interface. Memory
 * comes from lwIP's own static pools and heap, so the stack never touches the kernel
 * heap after boot (the boot tests compare the heap's counters around programs).
 */
#ifndef DORMER_LWIPOPTS_H
#define DORMER_LWIPOPTS_H

#define NO_SYS                     0
#define SYS_LIGHTWEIGHT_PROT       1
#define LWIP_TCPIP_CORE_LOCKING    1
#define LWIP_TCPIP_CORE_LOCKING_INPUT 0

#define MEM_ALIGNMENT              8
#define MEM_SIZE                   (1024 * 1024)
#define MEMP_NUM_PBUF              64
#define PBUF_POOL_SIZE             128
#define PBUF_POOL_BUFSIZE          1536   /* one Ethernet frame */
#define MEMP_NUM_RAW_PCB           8
#define MEMP_NUM_UDP_PCB           16
#define MEMP_NUM_TCP_PCB           32
#define MEMP_NUM_TCP_PCB_LISTEN    16
#define MEMP_NUM_TCP_SEG           256
#define MEMP_NUM_SYS_TIMEOUT       (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 8)
#define MEMP_NUM_TCPIP_MSG_INPKT   64

#define LWIP_IPV4                  1
#define LWIP_IPV6                  0
#define LWIP_ARP                   1
#define LWIP_ETHERNET              1
#define LWIP_ICMP                  1
#define LWIP_RAW                   1
#define LWIP_UDP                   1
#define LWIP_TCP                   1
#define LWIP_DHCP                  1
#define LWIP_DNS                   0
#define SO_REUSE                   1 /* SO_REUSEADDR for sockets */
#define LWIP_IGMP                  0
#define LWIP_AUTOIP                0
#define DHCP_DOES_ARP_CHECK        0

/* TCP_MSS is what loopback uses: its interface has no MTU, so lwIP sends segments of
 * TCP_MSS there, while a NIC's connections are held to its MTU (1460 bytes on
 * Ethernet, advertised and used). The queue length counts a NIC's segments. */
#define ETH_SEG_MSS                1460
#define TCP_MSS                    12288
#define TCP_WND                    0xFFFF
#define TCP_SND_BUF                0xFFFF
#define TCP_SND_QUEUELEN           (4 * TCP_SND_BUF / ETH_SEG_MSS)
#define TCP_SNDLOWAT               (TCP_SND_BUF / 8) /* lwIP: 4 * TCP_MSS below 64 KiB */

#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK   1
#define LWIP_NETIF_LOOPBACK        1
#define LWIP_HAVE_LOOPIF           1
#define LWIP_LOOPBACK_MAX_PBUFS    64

#define LWIP_NETCONN               0
#define LWIP_SOCKET                0
#define LWIP_STATS                 0
#define LWIP_NETIF_API             0

#define TCPIP_MBOX_SIZE            128
#define TCPIP_THREAD_STACKSIZE     0      /* Dormer's kernel stacks are one size */
#define TCPIP_THREAD_PRIO          0
#define DEFAULT_THREAD_STACKSIZE   0
#define DEFAULT_RAW_RECVMBOX_SIZE  16
#define DEFAULT_UDP_RECVMBOX_SIZE  16
#define DEFAULT_TCP_RECVMBOX_SIZE  16
#define DEFAULT_ACCEPTMBOX_SIZE    16

#define LWIP_CHECKSUM_ON_COPY      0
/* Checksums per interface: lwIP's loopback interface turns them all off (nothing
 * between the two ends can corrupt a segment), the NIC's keep them all. */
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1

#endif
