/*
 * ws2_32's DNS client (see ws2_dns.h). TCP, not UDP: QEMU's restricted user network
 * forwards only TCP to host services (guestfwd), and a TCP answer is never truncated.
 * It uses the native socket calls directly, so a lookup leaves no Winsock state behind.
 */
#define WINSOCK_API_LINKAGE
#include <dormer.h>
#include <winsock2.h>

#include "dns_msg.h"
#include "ws2_dns.h"

#define DNS_PORT       53
#define DNS_TIMEOUT_MS 5000

static volatile LONG next_id;

/* Reads exactly len bytes; FALSE at an error or an early end. */
static BOOL recv_all(dormer_handle_t s, uint8_t *buf, uint64_t len)
{
    while (len) {
        uint64_t got = 0;
        if (DmSocketRecv(s, buf, len, DORMER_MSG_WAITALL, NULL, &got) != STATUS_SUCCESS ||
            got == 0 || got > len)
            return FALSE;
        buf += got;
        len -= got;
    }
    return TRUE;
}

/* One exchange with the server: the answer's length, or 0 on any failure. */
static uint64_t ask(uint32_t server, const uint8_t *query, size_t qlen, uint8_t *answer)
{
    dormer_handle_t s = 0;
    struct dormer_sockaddr to = { server, htons(DNS_PORT), 0 };
    uint8_t frame[2 + DNS_QUERY_MAX], head[2];
    uint64_t sent = 0, len = 0;

    if (DmSocketCreate(&s, DORMER_SOCK_STREAM) != STATUS_SUCCESS)
        return 0;
    frame[0] = (uint8_t)(qlen >> 8);
    frame[1] = (uint8_t)qlen;
    memcpy(frame + 2, query, qlen);
    if (DmSocketSetOption(s, DORMER_SO_RCVTIMEO, DNS_TIMEOUT_MS) != STATUS_SUCCESS ||
        DmSocketSetOption(s, DORMER_SO_SNDTIMEO, DNS_TIMEOUT_MS) != STATUS_SUCCESS ||
        DmSocketConnect(s, &to) != STATUS_SUCCESS ||
        DmSocketSend(s, frame, qlen + 2, 0, NULL, &sent) != STATUS_SUCCESS ||
        sent != qlen + 2 || !recv_all(s, head, 2))
        goto out;
    len = (uint64_t)head[0] << 8 | head[1];
    if (len == 0 || !recv_all(s, answer, len))
        len = 0;
out:
    NtClose(s);
    return len;
}

int ws2_dns_lookup(const char *name, uint32_t *addrs, int max, int *count)
{
    struct dormer_net_address net;
    uint8_t query[DNS_QUERY_MAX];

    *count = 0;
    if (DmNetQueryAddress(&net) != STATUS_SUCCESS || !net.dns || !net.address)
        return WSAHOST_NOT_FOUND;
    uint16_t id = (uint16_t)(InterlockedIncrement(&next_id) * 40503u + GetTickCount());
    size_t qlen = dns_build_query(id, name, query);
    if (!qlen)
        return WSAHOST_NOT_FOUND;
    uint8_t *answer = HeapAlloc(GetProcessHeap(), 0, 65535);
    if (!answer)
        return WSATRY_AGAIN;
    uint64_t len = ask(net.dns, query, qlen, answer);
    int rc = len ? dns_parse_answer(answer, len, id, name, addrs, max, count) : DNS_MALFORMED;
    HeapFree(GetProcessHeap(), 0, answer);
    switch (rc) {
    case DNS_RCODE_OK:
        return *count ? 0 : WSANO_DATA;
    case DNS_RCODE_NXDOMAIN:
        return WSAHOST_NOT_FOUND;
    default:
        return WSATRY_AGAIN; /* SERVFAIL, refused, no answer or a broken one */
    }
}
