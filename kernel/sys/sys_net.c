/*
 * The native network calls (syscalls 110-111, <abi/net.h>): the default interface's
 * address, and one ICMP echo. Arguments are checked before the stack is touched.
 */
#include <abi/net.h>
#include <abi/status.h>
#include <lib/errno.h>
#include <arch/uaccess.h>
#include <net/net.h>
#include <sys/syscall.h>

dormer_status_t sys_DmNetQueryAddress(const uint64_t *args)
{
    struct dormer_net_address a;

    net_query_address(&a);
    return status_from_errno(copy_to_user(uptr(args[0]), &a, sizeof a));
}

dormer_status_t sys_DmNetPing(const uint64_t *args)
{
    uint64_t addr = args[0], seq = args[1] & 0xFFFF, payload = args[1] >> 16;
    uint64_t timeout = args[2], rtt = 0;

    if (addr > UINT32_MAX || addr == 0 || payload > DORMER_NET_PING_MAX_PAYLOAD ||
        timeout == 0 || timeout > DORMER_NET_PING_MAX_MS)
        return STATUS_INVALID_PARAMETER;
    /* The out pointer is checked before anything is sent. */
    int rc = copy_to_user(uptr(args[3]), &rtt, sizeof rtt);
    if (rc)
        return status_from_errno(rc);
    rc = net_ping((uint32_t)addr, (uint16_t)seq, (uint32_t)payload, timeout, &rtt);
    if (rc == K_ETIMEDOUT)
        return STATUS_TIMEOUT;
    if (rc)
        return status_from_errno(rc);
    return status_from_errno(copy_to_user(uptr(args[3]), &rtt, sizeof rtt));
}
