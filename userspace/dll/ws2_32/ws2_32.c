/*
 * ws2_32.dll: Winsock over Dormer's native socket calls (<abi/net.h>). A SOCKET is the
 * kernel handle itself, so closesocket is NtClose and a socket works with waits. IPv4
 * only. Errors come back as NTSTATUS and become Windows' WSAE* codes in one table.
 */
#define WINSOCK_API_LINKAGE
#include <dormer.h>
#include <winsock2.h>
#include <ws2tcpip.h>

static LONG started; /* WSAStartup calls not yet matched by WSACleanup */

/* Called by dllcrt0's entry point. Nothing to set up: sockets are kernel handles,
 * which the process's end closes. */
int DllMain(void *instance, uint32_t reason, void *reserved)
{
    (void)instance;
    (void)reserved;
    if (reason == DLL_PROCESS_DETACH)
        started = 0;
    return TRUE;
}

void WSAAPI WSASetLastError(int error)
{
    SetLastError((DWORD)error);
}

int WSAAPI WSAGetLastError(void)
{
    return (int)GetLastError();
}

/* The WSAE* code for a native call's status (what Windows' afd.sys statuses become). */
static int wsa_from_status(dormer_status_t st)
{
    switch ((uint32_t)st) {
    case (uint32_t)STATUS_CANT_WAIT:
        return WSAEWOULDBLOCK;
    case (uint32_t)STATUS_CONNECTION_REFUSED:
        return WSAECONNREFUSED;
    case (uint32_t)STATUS_CONNECTION_RESET:
        return WSAECONNRESET;
    case (uint32_t)STATUS_CONNECTION_ABORTED:
        return WSAECONNABORTED;
    case (uint32_t)STATUS_ADDRESS_ALREADY_ASSOCIATED:
        return WSAEADDRINUSE;
    case (uint32_t)STATUS_INVALID_ADDRESS_COMPONENT:
        return WSAEADDRNOTAVAIL;
    case (uint32_t)STATUS_INVALID_CONNECTION:
        return WSAENOTCONN;
    case (uint32_t)STATUS_CONNECTION_ACTIVE:
        return WSAEISCONN;
    case (uint32_t)STATUS_NETWORK_UNREACHABLE:
        return WSAENETUNREACH;
    case (uint32_t)STATUS_HOST_UNREACHABLE:
        return WSAEHOSTUNREACH;
    case (uint32_t)STATUS_IO_TIMEOUT:
        return WSAETIMEDOUT;
    case (uint32_t)STATUS_BUFFER_OVERFLOW:
        return WSAEMSGSIZE;
    case (uint32_t)STATUS_PIPE_BROKEN:
        return WSAESHUTDOWN;
    case (uint32_t)STATUS_INVALID_HANDLE:
        return WSAENOTSOCK;
    case (uint32_t)STATUS_ACCESS_VIOLATION:
        return WSAEFAULT;
    case (uint32_t)STATUS_NO_MEMORY:
    case (uint32_t)STATUS_INSUFFICIENT_RESOURCES:
        return WSAENOBUFS;
    case (uint32_t)STATUS_ACCESS_DENIED:
        return WSAEACCES;
    case (uint32_t)STATUS_PROCESS_IS_TERMINATING:
        return WSAEINTR;
    default:
        return WSAEINVAL;
    }
}

/* Sets the last error and returns SOCKET_ERROR: for `return fail(...)`. */
static int fail(int wsa)
{
    WSASetLastError(wsa);
    return SOCKET_ERROR;
}

static int check(dormer_status_t st)
{
    if (st == STATUS_SUCCESS)
        return 0;
    return fail(wsa_from_status(st));
}

static BOOL not_started(void)
{
    if (started > 0)
        return FALSE;
    WSASetLastError(WSANOTINITIALISED);
    return TRUE;
}

int WSAAPI WSAStartup(WORD version, LPWSADATA data)
{
    if (!data)
        return WSAEFAULT;
    if (LOBYTE(version) < 1)
        return WSAVERNOTSUPPORTED;
    memset(data, 0, sizeof *data);
    data->wVersion = LOBYTE(version) >= 2 ? MAKEWORD(2, 2) : version;
    data->wHighVersion = MAKEWORD(2, 2);
    memcpy(data->szDescription, "WinSock 2.0", sizeof "WinSock 2.0");
    memcpy(data->szSystemStatus, "Running", sizeof "Running");
    InterlockedIncrement(&started);
    return 0;
}

int WSAAPI WSACleanup(void)
{
    if (not_started())
        return SOCKET_ERROR;
    InterlockedDecrement(&started);
    return 0;
}

u_short WSAAPI htons(u_short v)
{
    return (u_short)(v << 8 | v >> 8);
}

u_short WSAAPI ntohs(u_short v)
{
    return htons(v);
}

u_long WSAAPI htonl(u_long v)
{
    return (v >> 24) | ((v >> 8) & 0xFF00) | ((v << 8) & 0xFF0000) | (v << 24);
}

u_long WSAAPI ntohl(u_long v)
{
    return htonl(v);
}

/* A sockaddr from a program: AF_INET and long enough. 0 or a WSAE* code. */
static int addr_from(const struct sockaddr *sa, int len, struct dormer_sockaddr *out)
{
    if (!sa || len < (int)sizeof(struct sockaddr_in))
        return WSAEFAULT;
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    if (in->sin_family != AF_INET)
        return WSAEAFNOSUPPORT;
    out->addr = in->sin_addr.s_addr;
    out->port = in->sin_port;
    out->reserved = 0;
    return 0;
}

/* A native address into the program's sockaddr (cut to *len, as Windows does not:
 * too short is WSAEFAULT). */
static int addr_to(const struct dormer_sockaddr *a, struct sockaddr *sa, int *len)
{
    struct sockaddr_in in;

    if (!sa || !len || *len < (int)sizeof in)
        return WSAEFAULT;
    memset(&in, 0, sizeof in);
    in.sin_family = AF_INET;
    in.sin_port = a->port;
    in.sin_addr.s_addr = a->addr;
    memcpy(sa, &in, sizeof in);
    *len = sizeof in;
    return 0;
}

SOCKET WSAAPI socket(int af, int type, int protocol)
{
    dormer_handle_t h = 0;
    uint64_t kind;

    if (not_started())
        return INVALID_SOCKET;
    if (af != AF_INET) {
        WSASetLastError(WSAEAFNOSUPPORT);
        return INVALID_SOCKET;
    }
    if (type == SOCK_STREAM && (protocol == 0 || protocol == IPPROTO_TCP)) {
        kind = DORMER_SOCK_STREAM;
    } else if (type == SOCK_DGRAM && (protocol == 0 || protocol == IPPROTO_UDP)) {
        kind = DORMER_SOCK_DGRAM;
    } else {
        WSASetLastError(type == SOCK_STREAM || type == SOCK_DGRAM ? WSAEPROTONOSUPPORT
                                                                  : WSAESOCKTNOSUPPORT);
        return INVALID_SOCKET;
    }
    if (check(DmSocketCreate(&h, kind)) != 0)
        return INVALID_SOCKET;
    return (SOCKET)h;
}

int WSAAPI closesocket(SOCKET s)
{
    uint64_t type;

    if (not_started())
        return SOCKET_ERROR;
    if (DmSocketGetOption(s, DORMER_SO_TYPE, &type) != STATUS_SUCCESS)
        return fail(WSAENOTSOCK); /* not a socket: closesocket leaves it alone */
    return check(NtClose(s));
}

/* bind and connect: a call with one address. */
static int with_addr(SOCKET s, const struct sockaddr *name, int len,
                     dormer_status_t (*op)(dormer_handle_t, const struct dormer_sockaddr *))
{
    struct dormer_sockaddr a;
    int e = addr_from(name, len, &a);

    if (not_started())
        return SOCKET_ERROR;
    return e ? fail(e) : check(op(s, &a));
}

int WSAAPI bind(SOCKET s, const struct sockaddr *name, int len)
{
    return with_addr(s, name, len, DmSocketBind);
}

int WSAAPI listen(SOCKET s, int backlog)
{
    if (not_started())
        return SOCKET_ERROR;
    return check(DmSocketListen(s, backlog < 0 ? 0 : (uint64_t)backlog));
}

SOCKET WSAAPI accept(SOCKET s, struct sockaddr *addr, int *len)
{
    struct dormer_sockaddr peer;
    dormer_handle_t h = 0;

    if (not_started())
        return INVALID_SOCKET;
    if (addr && (!len || *len < (int)sizeof(struct sockaddr_in))) {
        WSASetLastError(WSAEFAULT);
        return INVALID_SOCKET;
    }
    if (check(DmSocketAccept(s, &h, &peer)) != 0)
        return INVALID_SOCKET;
    if (addr)
        addr_to(&peer, addr, len);
    return (SOCKET)h;
}

int WSAAPI connect(SOCKET s, const struct sockaddr *name, int len)
{
    return with_addr(s, name, len, DmSocketConnect);
}

/* The checks send and receive share: started, a buffer for len, known flags. */
static int io_args(const char *buf, int len, int flags, int allowed)
{
    if (not_started())
        return SOCKET_ERROR;
    if (len < 0 || (len && !buf))
        return fail(WSAEFAULT);
    return flags & ~allowed ? fail(WSAEOPNOTSUPP) : 0;
}

int WSAAPI sendto(SOCKET s, const char *buf, int len, int flags, const struct sockaddr *to,
                  int tolen)
{
    struct dormer_sockaddr a;
    uint64_t n = 0;

    if (io_args(buf, len, flags, MSG_DONTROUTE))
        return SOCKET_ERROR;
    if (to) {
        int e = addr_from(to, tolen, &a);
        if (e)
            return fail(e);
    }
    if (check(DmSocketSend(s, buf, (uint64_t)len, 0, to ? &a : NULL, &n)) != 0)
        return SOCKET_ERROR;
    return (int)n;
}

int WSAAPI send(SOCKET s, const char *buf, int len, int flags)
{
    return sendto(s, buf, len, flags, NULL, 0);
}

int WSAAPI recvfrom(SOCKET s, char *buf, int len, int flags, struct sockaddr *from, int *fromlen)
{
    struct dormer_sockaddr a;
    uint64_t n = 0;

    if (io_args(buf, len, flags, MSG_PEEK | MSG_WAITALL))
        return SOCKET_ERROR;
    if (from && (!fromlen || *fromlen < (int)sizeof(struct sockaddr_in)))
        return fail(WSAEFAULT);
    dormer_status_t st = DmSocketRecv(s, buf, (uint64_t)len, (uint64_t)flags, &a, &n);
    if (st != STATUS_SUCCESS && st != STATUS_BUFFER_OVERFLOW)
        return check(st);
    if (from)
        addr_to(&a, from, fromlen);
    if (st == STATUS_BUFFER_OVERFLOW)
        return fail(WSAEMSGSIZE); /* the buffer holds the first len bytes */
    return (int)n;
}

int WSAAPI recv(SOCKET s, char *buf, int len, int flags)
{
    return recvfrom(s, buf, len, flags, NULL, NULL);
}

int WSAAPI shutdown(SOCKET s, int how)
{
    if (not_started())
        return SOCKET_ERROR;
    if (how < SD_RECEIVE || how > SD_BOTH)
        return fail(WSAEINVAL);
    return check(DmSocketShutdown(s, (uint64_t)how));
}

int WSAAPI ioctlsocket(SOCKET s, __LONG32 cmd, u_long *arg)
{
    uint64_t v = 0;

    if (not_started())
        return SOCKET_ERROR;
    if (!arg)
        return fail(WSAEFAULT);
    if ((u_long)cmd == (u_long)FIONBIO)
        return check(DmSocketSetOption(s, DORMER_SO_NONBLOCK, *arg != 0));
    if ((u_long)cmd == (u_long)FIONREAD) {
        if (check(DmSocketGetOption(s, DORMER_SO_NREAD, &v)) != 0)
            return SOCKET_ERROR;
        *arg = (u_long)v;
        return 0;
    }
    return fail(WSAEINVAL);
}

/* The native option for a Winsock one, or 0. */
static uint32_t option_of(int level, int name)
{
    if (level == IPPROTO_TCP)
        return name == TCP_NODELAY ? DORMER_SO_NODELAY : 0;
    if (level != SOL_SOCKET)
        return 0;
    switch (name) {
    case SO_REUSEADDR:
        return DORMER_SO_REUSEADDR;
    case SO_KEEPALIVE:
        return DORMER_SO_KEEPALIVE;
    case SO_BROADCAST:
        return DORMER_SO_BROADCAST;
    case SO_RCVTIMEO:
        return DORMER_SO_RCVTIMEO;
    case SO_SNDTIMEO:
        return DORMER_SO_SNDTIMEO;
    case SO_RCVBUF:
        return DORMER_SO_RCVBUF;
    case SO_SNDBUF:
        return DORMER_SO_SNDBUF;
    case SO_ERROR:
        return DORMER_SO_ERROR;
    case SO_TYPE:
        return DORMER_SO_TYPE;
    case SO_ACCEPTCONN:
        return DORMER_SO_LISTENING;
    default:
        return 0;
    }
}

int WSAAPI setsockopt(SOCKET s, int level, int name, const char *val, int len)
{
    uint32_t opt = option_of(level, name);
    int v;

    if (not_started())
        return SOCKET_ERROR;
    if (level != SOL_SOCKET && level != IPPROTO_TCP)
        return fail(WSAEINVAL);
    if (!opt || opt == DORMER_SO_ERROR || opt == DORMER_SO_TYPE || opt == DORMER_SO_LISTENING)
        return fail(WSAENOPROTOOPT);
    if (!val)
        return fail(WSAEFAULT);
    if (len <= 0)
        return fail(WSAEFAULT);
    /* Windows takes a one-byte BOOL as well as a DWORD. */
    v = len >= (int)sizeof(int) ? *(const int *)val : (unsigned char)val[0];
    if ((opt == DORMER_SO_RCVTIMEO || opt == DORMER_SO_SNDTIMEO) && len < (int)sizeof(DWORD))
        return fail(WSAEFAULT);
    return check(DmSocketSetOption(s, opt, (uint64_t)(uint32_t)v));
}

int WSAAPI getsockopt(SOCKET s, int level, int name, char *val, int *len)
{
    uint32_t opt = option_of(level, name);
    uint64_t v = 0;

    if (not_started())
        return SOCKET_ERROR;
    if (level != SOL_SOCKET && level != IPPROTO_TCP)
        return fail(WSAEINVAL);
    if (!opt)
        return fail(WSAENOPROTOOPT);
    if (!val || !len || *len < (int)sizeof(int))
        return fail(WSAEFAULT);
    if (check(DmSocketGetOption(s, opt, &v)) != 0)
        return SOCKET_ERROR;
    int out = (int)v;
    if (opt == DORMER_SO_ERROR)
        out = v ? wsa_from_status((dormer_status_t)(uint32_t)v) : 0;
    else if (opt == DORMER_SO_TYPE)
        out = v == DORMER_SOCK_STREAM ? SOCK_STREAM : SOCK_DGRAM;
    memcpy(val, &out, sizeof out);
    *len = sizeof out;
    return 0;
}

static int name_of(SOCKET s, uint64_t which, struct sockaddr *sa, int *len)
{
    struct dormer_sockaddr a;

    if (not_started())
        return SOCKET_ERROR;
    if (!sa || !len || *len < (int)sizeof(struct sockaddr_in))
        return fail(WSAEFAULT);
    if (check(DmSocketGetName(s, which, &a)) != 0)
        return SOCKET_ERROR;
    return addr_to(&a, sa, len);
}

int WSAAPI getsockname(SOCKET s, struct sockaddr *sa, int *len)
{
    return name_of(s, 0, sa, len);
}

int WSAAPI getpeername(SOCKET s, struct sockaddr *sa, int *len)
{
    return name_of(s, 1, sa, len);
}

/* select: one native poll over the sockets of the three sets. */
static void add_poll(struct dormer_poll *p, int *n, fd_set *set, uint32_t ev)
{
    for (u_int i = 0; set && i < set->fd_count; i++) {
        int j = 0;
        while (j < *n && p[j].handle != set->fd_array[i])
            j++;
        if (j == *n) {
            if (*n == DORMER_POLL_MAX)
                continue;
            p[j].handle = set->fd_array[i];
            p[j].events = 0;
            p[j].revents = 0;
            (*n)++;
        }
        p[j].events |= ev;
    }
}

static int keep_ready(const struct dormer_poll *p, int n, fd_set *set, uint32_t ev)
{
    u_int kept = 0;

    for (u_int i = 0; set && i < set->fd_count; i++) {
        for (int j = 0; j < n; j++) {
            if (p[j].handle == set->fd_array[i] && (p[j].revents & ev)) {
                set->fd_array[kept++] = set->fd_array[i];
                break;
            }
        }
    }
    if (set)
        set->fd_count = kept;
    return (int)kept;
}

int WSAAPI select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, const PTIMEVAL tv)
{
    struct dormer_poll p[DORMER_POLL_MAX];
    uint64_t ready = 0, ms = DORMER_INFINITE;
    int n = 0;

    (void)nfds; /* ignored, as on Windows */
    if (not_started())
        return SOCKET_ERROR;
    add_poll(p, &n, rd, DORMER_POLL_READ);
    add_poll(p, &n, wr, DORMER_POLL_WRITE);
    add_poll(p, &n, ex, DORMER_POLL_ERROR);
    if (n == 0)
        return fail(WSAEINVAL);
    if (tv) {
        if (tv->tv_sec < 0 || tv->tv_usec < 0)
            return fail(WSAEINVAL);
        ms = (uint64_t)tv->tv_sec * 1000 + (uint64_t)tv->tv_usec / 1000;
    }
    if (check(DmSocketPoll(p, (uint64_t)n, ms, &ready)) != 0)
        return SOCKET_ERROR;
    return keep_ready(p, n, rd, DORMER_POLL_READ) + keep_ready(p, n, wr, DORMER_POLL_WRITE) +
           keep_ready(p, n, ex, DORMER_POLL_ERROR);
}

/* FD_ISSET's helper: is s in set? */
int WSAAPI __WSAFDIsSet(SOCKET s, fd_set *set)
{
    for (u_int i = 0; set && i < set->fd_count; i++)
        if (set->fd_array[i] == s)
            return 1;
    return 0;
}
