/*
 * t_net: the native network calls in the utest boot, which has a virtio-net NIC on
 * QEMU's restricted user networking. The interface holds QEMU's DHCP address; echoes
 * to the loopback address, the interface's own address and QEMU's host side (10.0.2.2)
 * are answered; an address nobody holds times out; bad arguments are refused before
 * anything is sent. Exit 0 when all pass.
 */
#include <dormer.h>

#define IPV4(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | \
                          (uint32_t)(d) << 24)

int main(void)
{
    struct dormer_net_address a;
    uint64_t rtt = 12345;

    /* Started right after boot (init=t_net.exe), the lease may still be on its way. */
    dormer_status_t st;
    for (int i = 0; (st = DmNetQueryAddress(&a)) == STATUS_SUCCESS &&
                    !(a.flags & DORMER_NET_BOUND) && i < 200; i++)
        DmDelayExecution(50);
    CHECK_STATUS(st, STATUS_SUCCESS, "query_address");
    CHECK(a.address == IPV4(10, 0, 2, 15), "address_is_qemu_dhcp");
    CHECK(a.netmask == IPV4(255, 255, 255, 0), "netmask");
    CHECK(a.flags & DORMER_NET_BOUND, "dhcp_bound");
    CHECK(a.name[0] == 'e' && a.name[1] == 'n' && a.name[2] == '0' && !a.name[3], "name_en0");
    CHECK(a.mac[0] == 0x52 && a.mac[1] == 0x54 && a.mac[2] == 0x00, "mac_is_qemu");

    CHECK_STATUS(DmNetPing(IPV4(127, 0, 0, 1), 56ull << 16 | 1, 2000, &rtt), STATUS_SUCCESS,
                 "ping_loopback");
    CHECK(rtt < 2000, "ping_loopback_rtt");
    CHECK_STATUS(DmNetPing(a.address, 1000ull << 16 | 2, 2000, &rtt), STATUS_SUCCESS,
                 "ping_self_1000_bytes");
    CHECK_STATUS(DmNetPing(IPV4(10, 0, 2, 2), 32ull << 16 | 3, 4000, &rtt), STATUS_SUCCESS,
                 "ping_qemu_host");
    /* Nobody answers ARP for 10.0.2.99 in QEMU's subnet: the echo times out. */
    CHECK_STATUS(DmNetPing(IPV4(10, 0, 2, 99), 4, 300, &rtt), STATUS_TIMEOUT,
                 "ping_nobody_times_out");

    CHECK_STATUS(DmNetPing(0, 1, 1000, &rtt), STATUS_INVALID_PARAMETER, "ping_address_zero");
    CHECK_STATUS(DmNetPing(1ull << 32, 1, 1000, &rtt), STATUS_INVALID_PARAMETER,
                 "ping_address_too_wide");
    CHECK_STATUS(DmNetPing(IPV4(127, 0, 0, 1), 1401ull << 16, 1000, &rtt),
                 STATUS_INVALID_PARAMETER, "ping_payload_too_big");
    CHECK_STATUS(DmNetPing(IPV4(127, 0, 0, 1), 1, 0, &rtt), STATUS_INVALID_PARAMETER,
                 "ping_timeout_zero");
    CHECK_STATUS(DmNetPing(IPV4(127, 0, 0, 1), 1, 10001, &rtt), STATUS_INVALID_PARAMETER,
                 "ping_timeout_too_long");
    CHECK_STATUS(DmNetPing(IPV4(127, 0, 0, 1), 1, 1000, (uint64_t *)0xffff800000000000ull),
                 STATUS_ACCESS_VIOLATION, "ping_kernel_pointer");
    CHECK_STATUS(DmNetQueryAddress((struct dormer_net_address *)0), STATUS_ACCESS_VIOLATION,
                 "query_null_pointer");
    return ulib_check_summary();
}
