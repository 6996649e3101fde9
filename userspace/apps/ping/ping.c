/*
 * ping [-n COUNT] [-l SIZE] [-w TIMEOUT_MS] ADDRESS: ICMP echo requests to an IPv4
 * address, one a second, reported as Windows' ping reports them. Exit status 0 when a
 * reply came back, 1 when none did or the arguments were wrong. Names are not resolved
 * yet (no DNS).
 */
#include <dormer.h>

static int parse_number(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (!s || !*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > max)
            return 0;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    if (v > max)
        return 0;
    *out = v;
    return 1;
}

/* Dotted IPv4 into network byte order (first octet in the lowest byte). */
static int parse_ipv4(const char *s, uint32_t *out)
{
    uint32_t addr = 0;

    for (int i = 0; i < 4; i++) {
        uint32_t part = 0;
        int digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 4) {
            part = part * 10 + (uint32_t)(*s++ - '0');
            digits++;
        }
        if (digits == 0 || part > 255 || (i < 3 && *s++ != '.'))
            return 0;
        addr |= part << (8 * i);
    }
    if (*s)
        return 0;
    *out = addr;
    return 1;
}

static void usage(void)
{
    uprintf("usage: ping [-n count] [-l size] [-w timeout_ms] address\n");
}

int main(int argc, char **argv)
{
    uint64_t count = 4, size = 32, timeout = 4000;
    const char *target = NULL;
    uint32_t addr;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((a[0] == '-' || a[0] == '/') && a[1] && !a[2] && i + 1 < argc) {
            uint64_t *slot = a[1] == 'n' ? &count : a[1] == 'l' ? &size : a[1] == 'w' ? &timeout
                                                                                       : NULL;
            uint64_t max = a[1] == 'n' ? 1000 : a[1] == 'l' ? DORMER_NET_PING_MAX_PAYLOAD
                                                            : DORMER_NET_PING_MAX_MS;
            if (!slot || !parse_number(argv[++i], max, slot) || (a[1] != 'l' && *slot == 0)) {
                usage();
                return 1;
            }
        } else if (!target) {
            target = a;
        } else {
            usage();
            return 1;
        }
    }
    if (!target) {
        usage();
        return 1;
    }
    if (!parse_ipv4(target, &addr) || addr == 0) {
        uprintf("Ping request could not find host %s. Please check the name and try again.\n",
                target);
        return 1;
    }
    uprintf("\nPinging %s with %u bytes of data:\n", target, (unsigned)size);
    unsigned sent = 0, received = 0;
    uint64_t min = UINT64_MAX, max = 0, total = 0;
    for (uint64_t seq = 1; seq <= count; seq++) {
        uint64_t rtt = 0;
        dormer_status_t st = DmNetPing(addr, size << 16 | (seq & 0xFFFF), timeout, &rtt);
        sent++;
        if (st == STATUS_SUCCESS) {
            received++;
            total += rtt;
            min = rtt < min ? rtt : min;
            max = rtt > max ? rtt : max;
            uprintf("Reply from %s: bytes=%u time%s%ums\n", target, (unsigned)size,
                    rtt ? "=" : "<", rtt ? (unsigned)rtt : 1u);
        } else if (st == STATUS_TIMEOUT) {
            uprintf("Request timed out.\n");
        } else {
            uprintf("PING: transmit failed (status 0x%08x).\n", (unsigned)st);
        }
        if (seq < count && st == STATUS_SUCCESS && rtt < 1000)
            DmDelayExecution(1000 - rtt);
    }
    uprintf("\nPing statistics for %s:\n    Packets: Sent = %u, Received = %u, Lost = %u "
            "(%u%% loss),\n", target, sent, received, sent - received,
            (sent - received) * 100 / sent);
    if (received)
        uprintf("Approximate round trip times in milli-seconds:\n    Minimum = %ums, "
                "Maximum = %ums, Average = %ums\n", (unsigned)min, (unsigned)max,
                (unsigned)(total / received));
    return received ? 0 : 1;
}
