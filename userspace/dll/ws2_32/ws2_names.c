/*
 * ws2_32's names and addresses: the dotted-quad conversions, and getaddrinfo and
 * gethostbyname over numeric addresses, "localhost", the hosts file
 * (C:\Windows\System32\drivers\etc\hosts), which is read anew on each lookup and
 * parsed as hostile text (long lines and bad addresses are skipped), then DNS
 * (ws2_dns.c), in that order, as Windows does. IPv4 only.
 */
#define WINSOCK_API_LINKAGE
#include <dormer.h>
#include <winsock2.h>
#include <ws2tcpip.h>

#include "ws2_dns.h"

#define HOSTS_PATH "C:\\Windows\\System32\\drivers\\etc\\hosts"
#define HOSTS_MAX  (64 * 1024)
#define ADDRS_MAX  8 /* addresses one lookup returns */

/* Parses a dotted quad "a.b.c.d" (each 0-255, exactly four parts) from s[0..len). */
static BOOL parse_quad(const char *s, size_t len, uint32_t *out)
{
    uint32_t parts[4], v = 0;
    int n = 0, digits = 0;

    for (size_t i = 0; i <= len; i++) {
        char c = i < len ? s[i] : '.';
        if (c >= '0' && c <= '9') {
            v = v * 10 + (uint32_t)(c - '0');
            if (++digits > 3 || v > 255)
                return FALSE;
        } else if (c == '.' && digits && n < 4) {
            parts[n++] = v;
            v = 0;
            digits = 0;
        } else {
            return FALSE;
        }
    }
    if (n != 4)
        return FALSE;
    *out = parts[0] | parts[1] << 8 | parts[2] << 16 | parts[3] << 24;
    return TRUE;
}

unsigned long WSAAPI inet_addr(const char *cp)
{
    uint32_t a;

    if (!cp)
        return INADDR_NONE;
    return parse_quad(cp, strlen(cp), &a) ? a : INADDR_NONE;
}

static void format_quad(uint32_t a, char *buf)
{
    char *p = buf;
    for (int i = 0; i < 4; i++) {
        unsigned v = (a >> (8 * i)) & 0xFF;
        if (v >= 100)
            *p++ = (char)('0' + v / 100);
        if (v >= 10)
            *p++ = (char)('0' + v / 10 % 10);
        *p++ = (char)('0' + v % 10);
        *p++ = i < 3 ? '.' : '\0';
    }
}

char *WSAAPI inet_ntoa(struct in_addr in)
{
    static char buf[16]; /* Windows: one buffer per thread, valid until the next call */

    format_quad(in.s_addr, buf);
    return buf;
}

INT WSAAPI inet_pton(INT family, PCSTR src, PVOID dst)
{
    uint32_t a;

    if (family != AF_INET) {
        WSASetLastError(WSAEAFNOSUPPORT);
        return -1;
    }
    if (!src || !dst) {
        WSASetLastError(WSAEFAULT);
        return -1;
    }
    if (!parse_quad(src, strlen(src), &a))
        return 0;
    memcpy(dst, &a, sizeof a);
    return 1;
}

PCSTR WSAAPI inet_ntop(INT family, const VOID *src, PSTR dst, size_t size)
{
    char buf[16];
    uint32_t a;

    if (family != AF_INET) {
        WSASetLastError(WSAEAFNOSUPPORT);
        return NULL;
    }
    if (!src || !dst) {
        WSASetLastError(WSAEFAULT);
        return NULL;
    }
    memcpy(&a, src, sizeof a);
    format_quad(a, buf);
    if (strlen(buf) + 1 > size) {
        WSASetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    memcpy(dst, buf, strlen(buf) + 1);
    return dst;
}

static BOOL same_name(const char *a, size_t alen, const char *b)
{
    size_t i = 0;
    for (; i < alen && b[i]; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (char)(y + 32);
        if (x != y)
            return FALSE;
    }
    return i == alen && !b[i];
}

/* The hosts file's address for name: lines "address name [aliases] [# comment]". */
static BOOL hosts_lookup(const char *name, uint32_t *out)
{
    HANDLE f = CreateFileA(HOSTS_PATH, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0,
                           NULL);
    if (f == INVALID_HANDLE_VALUE)
        return FALSE;
    char *text = HeapAlloc(GetProcessHeap(), 0, HOSTS_MAX);
    DWORD got = 0;
    BOOL found = FALSE;
    if (text && ReadFile(f, text, HOSTS_MAX, &got, NULL)) {
        size_t i = 0;
        while (i < got && !found) {
            size_t end = i;
            while (end < got && text[end] != '\n' && text[end] != '#')
                end++;
            /* fields of the line [i, end) */
            const char *fld[8];
            size_t flen[8];
            int nf = 0;
            for (size_t j = i; j < end && nf < 8;) {
                while (j < end && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r'))
                    j++;
                size_t k = j;
                while (k < end && text[k] != ' ' && text[k] != '\t' && text[k] != '\r')
                    k++;
                if (k > j) {
                    fld[nf] = text + j;
                    flen[nf++] = k - j;
                }
                j = k;
            }
            uint32_t a;
            if (nf >= 2 && parse_quad(fld[0], flen[0], &a)) {
                for (int k = 1; k < nf && !found; k++) {
                    if (same_name(fld[k], flen[k], name)) {
                        *out = a;
                        found = TRUE;
                    }
                }
            }
            while (end < got && text[end] != '\n')
                end++;
            i = end + 1;
        }
    }
    HeapFree(GetProcessHeap(), 0, text);
    CloseHandle(f);
    return found;
}

/* name to its addresses: numeric, "localhost", the hosts file, or DNS. 0 with 1..
 * ADDRS_MAX addresses in out and their number in *count, or a WSA error (ws2_dns.h). */
static int resolve(const char *name, uint32_t *out, int *count)
{
    *count = 1;
    if (parse_quad(name, strlen(name), out))
        return 0;
    if (same_name(name, strlen(name), "localhost")) {
        *out = htonl(INADDR_LOOPBACK);
        return 0;
    }
    if (hosts_lookup(name, out))
        return 0;
    return ws2_dns_lookup(name, out, ADDRS_MAX, count);
}

INT WSAAPI getaddrinfo(PCSTR node, PCSTR service, const ADDRINFOA *hints, PADDRINFOA *res)
{
    uint32_t addrs[ADDRS_MAX];
    int count = 1;
    unsigned long port = 0;

    if (!res)
        return WSA_INVALID_PARAMETER;
    *res = NULL;
    if (!node && !service) {
        WSASetLastError(WSAHOST_NOT_FOUND);
        return WSAHOST_NOT_FOUND;
    }
    if (hints && hints->ai_family != AF_UNSPEC && hints->ai_family != AF_INET) {
        WSASetLastError(WSAEAFNOSUPPORT);
        return WSAEAFNOSUPPORT;
    }
    if (service) {
        const char *c = service;
        while (*c >= '0' && *c <= '9' && port <= 65535)
            port = port * 10 + (unsigned long)(*c++ - '0');
        if (!*service || *c || port > 65535) {
            WSASetLastError(WSATYPE_NOT_FOUND);
            return WSATYPE_NOT_FOUND;
        }
    }
    if (!node) {
        addrs[0] = hints && (hints->ai_flags & AI_PASSIVE) ? INADDR_ANY : htonl(INADDR_LOOPBACK);
    } else if (hints && (hints->ai_flags & AI_NUMERICHOST)) {
        if (!parse_quad(node, strlen(node), &addrs[0])) {
            WSASetLastError(WSAHOST_NOT_FOUND);
            return WSAHOST_NOT_FOUND;
        }
    } else {
        int e = resolve(node, addrs, &count);
        if (e) {
            /* getaddrinfo has no "no data" answer: EAI_NODATA is EAI_NONAME. */
            e = e == WSANO_DATA ? WSAHOST_NOT_FOUND : e;
            WSASetLastError(e);
            return e;
        }
    }
    ADDRINFOA *head = NULL, **link = &head;
    for (int i = 0; i < count; i++) {
        ADDRINFOA *ai = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY,
                                  sizeof *ai + sizeof(struct sockaddr_in));
        if (!ai) {
            freeaddrinfo(head);
            WSASetLastError(WSA_NOT_ENOUGH_MEMORY);
            return WSA_NOT_ENOUGH_MEMORY;
        }
        struct sockaddr_in *sin = (struct sockaddr_in *)(ai + 1);
        sin->sin_family = AF_INET;
        sin->sin_port = htons((u_short)port);
        sin->sin_addr.s_addr = addrs[i];
        ai->ai_family = AF_INET;
        ai->ai_socktype = hints ? hints->ai_socktype : 0;
        ai->ai_protocol = hints ? hints->ai_protocol : 0;
        ai->ai_addrlen = sizeof *sin;
        ai->ai_addr = (struct sockaddr *)sin;
        *link = ai;
        link = &ai->ai_next;
    }
    *res = head;
    return 0;
}

VOID WSAAPI freeaddrinfo(PADDRINFOA ai)
{
    while (ai) {
        ADDRINFOA *next = ai->ai_next;
        HeapFree(GetProcessHeap(), 0, ai); /* its address lives in the same block */
        ai = next;
    }
}

struct hostent *WSAAPI gethostbyname(const char *name)
{
    /* Windows: one per thread, valid until the next call; one here. */
    static struct hostent h;
    static char hname[256];
    static struct in_addr a[ADDRS_MAX];
    static char *addrs[ADDRS_MAX + 1], *aliases[1];
    uint32_t v[ADDRS_MAX];
    int count = 0;

    if (!name) {
        WSASetLastError(WSAEFAULT);
        return NULL;
    }
    int e = strlen(name) >= sizeof hname ? WSAHOST_NOT_FOUND : resolve(name, v, &count);
    if (e) {
        WSASetLastError(e);
        return NULL;
    }
    memcpy(hname, name, strlen(name) + 1);
    for (int i = 0; i < count; i++) {
        a[i].s_addr = v[i];
        addrs[i] = (char *)&a[i];
    }
    addrs[count] = NULL;
    aliases[0] = NULL;
    h.h_name = hname;
    h.h_aliases = aliases;
    h.h_addrtype = AF_INET;
    h.h_length = 4;
    h.h_addr_list = addrs;
    return &h;
}
