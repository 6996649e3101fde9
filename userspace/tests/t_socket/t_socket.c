/*
 * t_socket: the native socket calls over the guest's loopback, in one thread: TCP
 * listen/connect/accept, data both ways with every byte checked, end of stream,
 * non-blocking calls, poll readiness, waits on a socket handle, UDP datagrams, a
 * refused connect, a reset peer, 50 connections opened and closed, and bad arguments
 * refused. Exit 0 when all pass.
 */
#include <dormer.h>

#define LOOPBACK 0x0100007Fu /* 127.0.0.1 in network order */

static uint16_t be16(uint16_t v)
{
    return (uint16_t)(v << 8 | v >> 8);
}

static uint8_t out[8192], in[8192];

static dormer_handle_t tcp_listener(uint16_t port)
{
    dormer_handle_t l = 0;
    struct dormer_sockaddr a = { LOOPBACK, be16(port), 0 };

    if (DmSocketCreate(&l, DORMER_SOCK_STREAM) != STATUS_SUCCESS ||
        DmSocketBind(l, &a) != STATUS_SUCCESS || DmSocketListen(l, 8) != STATUS_SUCCESS)
        return 0;
    return l;
}

/* Connect a new socket to the port and accept it: 0 on success. */
static int tcp_pair(dormer_handle_t l, uint16_t port, dormer_handle_t *c, dormer_handle_t *s)
{
    struct dormer_sockaddr a = { LOOPBACK, be16(port), 0 }, peer;

    if (DmSocketCreate(c, DORMER_SOCK_STREAM) != STATUS_SUCCESS)
        return 1;
    if (DmSocketConnect(*c, &a) != STATUS_SUCCESS)
        return 2;
    if (DmSocketAccept(l, s, &peer) != STATUS_SUCCESS)
        return 3;
    return peer.addr == LOOPBACK ? 0 : 4;
}

int main(void)
{
    dormer_handle_t l = tcp_listener(7001), c = 0, s = 0;
    uint64_t n = 0, v = 0;
    CHECK(l != 0, "tcp_listen");
    CHECK(tcp_pair(l, 7001, &c, &s) == 0, "tcp_connect_accept");

    struct dormer_sockaddr me, peer;
    CHECK_STATUS(DmSocketGetName(s, 0, &me), STATUS_SUCCESS, "getname_local");
    CHECK(me.port == be16(7001) && me.addr == LOOPBACK, "getname_local_value");
    CHECK_STATUS(DmSocketGetName(c, 1, &peer), STATUS_SUCCESS, "getname_peer");
    CHECK(peer.port == be16(7001), "getname_peer_value");

    /* 256 KiB client to server in 8 KiB pieces, every byte checked. */
    int bad = 0;
    for (uint32_t round = 0; round < 32; round++) {
        for (uint32_t i = 0; i < sizeof out; i++)
            out[i] = (uint8_t)(i * 7 + round);
        if (DmSocketSend(c, out, sizeof out, 0, 0, &n) != STATUS_SUCCESS || n != sizeof out)
            bad++;
        uint64_t got = 0;
        while (got < sizeof in) {
            if (DmSocketRecv(s, in + got, sizeof in - got, 0, 0, &n) != STATUS_SUCCESS ||
                n == 0) {
                bad++;
                break;
            }
            got += n;
        }
        for (uint32_t i = 0; i < sizeof in; i++)
            bad += in[i] != out[i];
    }
    CHECK(bad == 0, "tcp_256k_checked");

    /* Readiness: nothing to read, then a byte. */
    struct dormer_poll p[2] = { { s, DORMER_POLL_READ, 0 }, { c, DORMER_POLL_WRITE, 0 } };
    CHECK_STATUS(DmSocketPoll(p, 1, 0, &n), STATUS_SUCCESS, "poll_empty");
    CHECK(n == 0 && p[0].revents == 0, "poll_empty_not_ready");
    CHECK_STATUS(DmSocketPoll(p, 2, 0, &n), STATUS_SUCCESS, "poll_writable");
    CHECK(n == 1 && p[1].revents == DORMER_POLL_WRITE, "poll_writable_value");
    CHECK_STATUS(DormerWait(s, 0), STATUS_TIMEOUT, "wait_socket_not_ready");
    DmSocketSend(c, "x", 1, 0, 0, &n);
    CHECK_STATUS(DmSocketPoll(p, 1, 2000, &n), STATUS_SUCCESS, "poll_readable");
    CHECK(n == 1 && p[0].revents == DORMER_POLL_READ, "poll_readable_value");
    CHECK_STATUS(DormerWait(s, 2000), STATUS_SUCCESS, "wait_socket_readable");
    CHECK_STATUS(DmSocketGetOption(s, DORMER_SO_NREAD, &v), STATUS_SUCCESS, "nread");
    CHECK(v == 1, "nread_one");
    CHECK_STATUS(DmSocketRecv(s, in, 1, DORMER_MSG_PEEK, 0, &n), STATUS_SUCCESS, "peek");
    CHECK_STATUS(DmSocketRecv(s, in, 10, 0, 0, &n), STATUS_SUCCESS, "recv_after_peek");
    CHECK(n == 1 && in[0] == 'x', "recv_after_peek_value");

    /* Non-blocking: would-wait is STATUS_CANT_WAIT. */
    CHECK_STATUS(DmSocketSetOption(s, DORMER_SO_NONBLOCK, 1), STATUS_SUCCESS, "set_nonblock");
    CHECK_STATUS(DmSocketRecv(s, in, 10, 0, 0, &n), STATUS_CANT_WAIT, "recv_nonblock_empty");
    CHECK_STATUS(DmSocketSetOption(l, DORMER_SO_NONBLOCK, 1), STATUS_SUCCESS, "listener_nonblock");
    CHECK_STATUS(DmSocketAccept(l, &v, 0), STATUS_CANT_WAIT, "accept_nonblock_empty");
    CHECK_STATUS(DmSocketSetOption(s, DORMER_SO_NONBLOCK, 0), STATUS_SUCCESS, "set_blocking");
    CHECK_STATUS(DmSocketSetOption(s, DORMER_SO_RCVTIMEO, 100), STATUS_SUCCESS, "set_rcvtimeo");
    CHECK_STATUS(DmSocketRecv(s, in, 10, 0, 0, &n), STATUS_IO_TIMEOUT, "recv_timeout");

    /* End of stream after the client shuts down sending. */
    CHECK_STATUS(DmSocketShutdown(c, 1), STATUS_SUCCESS, "shutdown_send");
    CHECK_STATUS(DmSocketSend(c, "y", 1, 0, 0, &n), STATUS_PIPE_BROKEN, "send_after_shutdown");
    CHECK_STATUS(DmSocketRecv(s, in, 10, 0, 0, &n), STATUS_SUCCESS, "recv_eof");
    CHECK(n == 0, "recv_eof_zero");
    NtClose(s);
    NtClose(c);

    /* A peer that resets: closing with unread data sends RST. */
    DmSocketSetOption(l, DORMER_SO_NONBLOCK, 0);
    CHECK(tcp_pair(l, 7001, &c, &s) == 0, "reset_pair");
    DmSocketSend(c, "zz", 2, 0, 0, &n);
    DmDelayExecution(50);
    NtClose(s); /* unread data: reset */
    DmSocketSetOption(c, DORMER_SO_RCVTIMEO, 2000);
    CHECK_STATUS(DmSocketRecv(c, in, 10, 0, 0, &n), STATUS_CONNECTION_RESET, "peer_reset");
    NtClose(c);

    /* Nobody listens on 7002. */
    struct dormer_sockaddr none = { LOOPBACK, be16(7002), 0 };
    DmSocketCreate(&c, DORMER_SOCK_STREAM);
    CHECK_STATUS(DmSocketConnect(c, &none), STATUS_CONNECTION_REFUSED, "connect_refused");
    NtClose(c);

    /* 50 connections opened and closed: no handle or object left. */
    struct dormer_kernel_counters k0, k1;
    int fails = 0;
    /* One warm-up pair, so lwIP's pools and the heap reach their steady state. */
    if (tcp_pair(l, 7001, &c, &s) != 0)
        fails++;
    NtClose(c);
    NtClose(s);
    DmQuerySystemInformation(DORMER_INFO_KERNEL, &k0, sizeof k0);
    for (int i = 0; i < 50; i++) {
        if (tcp_pair(l, 7001, &c, &s) != 0)
            fails++;
        DmSocketSend(c, "q", 1, 0, 0, &n);
        if (DmSocketRecv(s, in, 1, 0, 0, &n) != STATUS_SUCCESS || n != 1)
            fails++;
        NtClose(c);
        NtClose(s);
    }
    CHECK(fails == 0, "fifty_connections");
    DmQuerySystemInformation(DORMER_INFO_KERNEL, &k1, sizeof k1);
    CHECK(k1.handles == k0.handles, "fifty_connections_no_handle_left");
    CHECK(k1.objects == k0.objects, "fifty_connections_no_object_left");
    CHECK(k1.heap_blocks == k0.heap_blocks && k1.used_frames == k0.used_frames,
          "fifty_connections_no_memory_left");
    NtClose(l);

    /* UDP. */
    dormer_handle_t u1 = 0, u2 = 0;
    struct dormer_sockaddr a1 = { LOOPBACK, be16(7003), 0 }, from;
    CHECK_STATUS(DmSocketCreate(&u1, DORMER_SOCK_DGRAM), STATUS_SUCCESS, "udp_create");
    CHECK_STATUS(DmSocketBind(u1, &a1), STATUS_SUCCESS, "udp_bind");
    DmSocketCreate(&u2, DORMER_SOCK_DGRAM);
    CHECK_STATUS(DmSocketSend(u2, "hello", 5, 0, &a1, &n), STATUS_SUCCESS, "udp_sendto");
    DmSocketSetOption(u1, DORMER_SO_RCVTIMEO, 2000);
    CHECK_STATUS(DmSocketRecv(u1, in, sizeof in, 0, &from, &n), STATUS_SUCCESS, "udp_recvfrom");
    CHECK(n == 5 && in[0] == 'h' && in[4] == 'o' && from.addr == LOOPBACK && from.port != 0,
          "udp_recvfrom_value");
    CHECK_STATUS(DmSocketSend(u1, "abcdef", 6, 0, &from, &n), STATUS_SUCCESS, "udp_reply");
    DmSocketSetOption(u2, DORMER_SO_RCVTIMEO, 2000);
    CHECK_STATUS(DmSocketRecv(u2, in, 3, 0, 0, &n), STATUS_BUFFER_OVERFLOW, "udp_truncated");
    CHECK(n == 3 && in[2] == 'c', "udp_truncated_value");
    NtClose(u1);
    NtClose(u2);

    /* Bad arguments. */
    CHECK_STATUS(DmSocketCreate(&c, 9), STATUS_INVALID_PARAMETER, "create_bad_type");
    CHECK_STATUS(DmSocketCreate((dormer_handle_t *)0, 1), STATUS_ACCESS_VIOLATION, "create_null");
    CHECK_STATUS(DmSocketBind(0x1234, &a1), STATUS_INVALID_HANDLE, "bind_bad_handle");
    DmSocketCreate(&c, DORMER_SOCK_STREAM);
    CHECK_STATUS(DmSocketBind(c, (struct dormer_sockaddr *)0xffff800000000000ull),
                 STATUS_ACCESS_VIOLATION, "bind_kernel_pointer");
    CHECK_STATUS(DmSocketSend(c, (void *)0xffff800000000000ull, 10, 0, 0, &n),
                 STATUS_ACCESS_VIOLATION, "send_kernel_pointer");
    CHECK_STATUS(DmSocketRecv(c, in, 10, 0, 0, &n), STATUS_INVALID_CONNECTION, "recv_unconnected");
    CHECK_STATUS(DmSocketListen(c, 1), STATUS_INVALID_PARAMETER, "listen_unbound");
    CHECK_STATUS(DmSocketPoll(p, 65, 0, &n), STATUS_INVALID_PARAMETER, "poll_too_many");
    NtClose(c);
    return ulib_check_summary();
}
