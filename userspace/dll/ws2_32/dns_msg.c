/*
 * DNS messages: an A query out, its answer in (see dns_msg.h). Names in the answer are
 * expanded into dotted text, following compression pointers that must point strictly
 * backwards (so no loop), and compared without regard to ASCII case.
 */
#include "dns_msg.h"

#define TYPE_A     1
#define TYPE_CNAME 5
#define CLASS_IN   1
#define MAX_CNAMES 8

static size_t text_len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static int same_name(const char *a, const char *b)
{
    size_t i = 0;
    for (; a[i] && b[i]; i++) {
        if (lower(a[i]) != lower(b[i]))
            return 0;
    }
    return a[i] == b[i];
}

size_t dns_build_query(uint16_t id, const char *name, uint8_t *out)
{
    size_t n = text_len(name), pos = 12;

    if (n && name[n - 1] == '.')
        n--; /* a fully qualified name's final dot */
    if (n == 0 || n > DNS_NAME_MAX)
        return 0;
    static const uint8_t header[12] = { 0, 0, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 }; /* RD */
    for (size_t i = 0; i < 12; i++)
        out[i] = header[i];
    out[0] = (uint8_t)(id >> 8);
    out[1] = (uint8_t)id;
    for (size_t start = 0; start <= n;) {
        size_t end = start;
        while (end < n && name[end] != '.')
            end++;
        if (end == start || end - start > 63)
            return 0;
        out[pos++] = (uint8_t)(end - start);
        for (size_t i = start; i < end; i++)
            out[pos++] = (uint8_t)name[i];
        start = end + 1;
    }
    out[pos++] = 0;
    out[pos++] = 0;
    out[pos++] = TYPE_A;
    out[pos++] = 0;
    out[pos++] = CLASS_IN;
    return pos;
}

/* Expands the name at msg[*pos] into text[DNS_NAME_MAX + 1] and moves *pos past it.
 * Returns 0, or -1 if it is broken. */
static int read_name(const uint8_t *msg, size_t len, size_t *pos, char *text)
{
    size_t p = *pos, out = 0, end = 0;
    int jumped = 0;

    for (;;) {
        if (p >= len)
            return -1;
        uint8_t l = msg[p];
        if (l == 0) {
            if (!jumped)
                end = p + 1;
            break;
        }
        if ((l & 0xC0) == 0xC0) {
            if (p + 1 >= len)
                return -1;
            size_t to = (size_t)(l & 0x3F) << 8 | msg[p + 1];
            if (to >= p) /* only backwards: no loops */
                return -1;
            if (!jumped)
                end = p + 2;
            jumped = 1;
            p = to;
            continue;
        }
        if (l & 0xC0)
            return -1; /* the reserved label types */
        if (p + 1 + l > len || out + (out ? 1 : 0) + l > DNS_NAME_MAX)
            return -1;
        if (out)
            text[out++] = '.';
        for (size_t i = 0; i < l; i++) {
            char c = (char)msg[p + 1 + i];
            if (c == 0 || c == '.')
                return -1; /* would change the name's meaning as text */
            text[out++] = c;
        }
        p += 1 + l;
    }
    text[out] = 0;
    *pos = end;
    return 0;
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

int dns_parse_answer(const uint8_t *msg, size_t len, uint16_t id, const char *name,
                     uint32_t *addrs, int max, int *count)
{
    char owner[DNS_NAME_MAX + 1], want[MAX_CNAMES + 1][DNS_NAME_MAX + 1];
    int names = 1, found = 0;

    *count = 0; /* set only once the whole answer has been read */
    if (len < 12 || be16(msg) != id || !(msg[2] & 0x80) || (msg[2] & 0x78))
        return DNS_MALFORMED; /* not a response, or not to a standard query */
    if (msg[2] & 0x02)
        return DNS_MALFORMED; /* truncated: over TCP, an answer comes whole */
    int rcode = msg[3] & 0x0F;
    uint16_t qd = be16(msg + 4), an = be16(msg + 6);
    if (qd != 1)
        return DNS_MALFORMED;
    size_t pos = 12;
    if (read_name(msg, len, &pos, owner) != 0 || pos + 4 > len)
        return DNS_MALFORMED;
    size_t n = text_len(name);
    if (n > DNS_NAME_MAX)
        return DNS_MALFORMED;
    for (size_t i = 0; i <= n; i++)
        want[0][i] = name[i];
    if (n && want[0][n - 1] == '.')
        want[0][n - 1] = 0;
    if (!same_name(owner, want[0]) || be16(msg + pos) != TYPE_A ||
        be16(msg + pos + 2) != CLASS_IN)
        return DNS_MALFORMED;
    pos += 4;
    if (rcode != DNS_RCODE_OK)
        return rcode;
    for (uint16_t i = 0; i < an; i++) {
        if (read_name(msg, len, &pos, owner) != 0 || pos + 10 > len)
            return DNS_MALFORMED;
        uint16_t type = be16(msg + pos), cls = be16(msg + pos + 2);
        uint16_t rdlen = be16(msg + pos + 8);
        pos += 10;
        if (rdlen > len - pos)
            return DNS_MALFORMED;
        int ours = 0;
        for (int k = 0; k < names && !ours; k++)
            ours = same_name(owner, want[k]);
        if (ours && cls == CLASS_IN && type == TYPE_A) {
            if (rdlen != 4)
                return DNS_MALFORMED;
            if (found < max)
                addrs[found++] = (uint32_t)msg[pos] | (uint32_t)msg[pos + 1] << 8 |
                                    (uint32_t)msg[pos + 2] << 16 | (uint32_t)msg[pos + 3] << 24;
        } else if (ours && cls == CLASS_IN && type == TYPE_CNAME && names <= MAX_CNAMES) {
            size_t at = pos;
            if (read_name(msg, pos + rdlen, &at, want[names]) != 0 || at != pos + rdlen)
                return DNS_MALFORMED;
            names++;
        }
        pos += rdlen;
    }
    *count = found;
    return DNS_RCODE_OK;
}
