/*
 * Sockets over lwIP's raw API (see <net/socket.h>). The raw API, not netconn: its
 * callbacks let a socket keep its own receive and accept queues and publish readiness
 * under sched_lock, so a blocked call waits on the socket object itself, killably, and
 * WaitForSingleObject and DmSocketPoll need no lwIP thread or mailbox per socket.
 * State is protected by the core lock; `ready` and `gen` by sched_lock as well.
 */
#include <abi/file.h>
#include <abi/object.h>
#include <core/time.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <net/socket.h>

#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"
#include "lwip/udp.h"

#define SOCK_ACCEPT_MAX 16
#define SOCK_DGRAM_MAX  32
#define SOCK_CHUNK      4096 /* bytes copied from user memory per tcp_write */

enum sock_state { SS_NEW, SS_LISTENING, SS_CONNECTING, SS_CONNECTED, SS_CLOSED };

struct dgram {
    struct pbuf *p;
    uint32_t addr;
    uint16_t port;
};

struct ksocket {
    struct kobject obj; /* waiters of the socket's calls and of WaitForSingleObject */
    uint32_t type;
    /* protected by the core lock */
    enum sock_state state;
    union {
        struct tcp_pcb *tcp;
        struct udp_pcb *udp;
    } pcb;                 /* NULL once lwIP has freed it (an error) */
    struct pbuf *rx;       /* TCP: bytes not yet received by the program */
    size_t rx_len;
    bool rx_eof, rx_shut, tx_shut;
    int err;               /* pending K_ code (a reset, a failed connect) */
    struct ksocket *accepted[SOCK_ACCEPT_MAX];
    uint32_t acc_head, acc_count;
    struct dgram dg[SOCK_DGRAM_MAX];
    uint32_t dg_head, dg_count;
    bool nonblock, reuse, keepalive, broadcast, nodelay;
    uint64_t rcvtimeo, sndtimeo, rcvbuf, sndbuf;
    uint8_t *bounce;       /* SOCK_CHUNK bytes for sends */
    /* protected by sched_lock (written with the core lock held too) */
    uint32_t ready;        /* DORMER_POLL_* */
    uint64_t gen;          /* bumped on every change of state */
};

static struct kobject poll_queue; /* DmSocketPoll's waiters: woken on every change */

static int err_from_lwip(err_t e)
{
    switch (e) {
    case ERR_OK:
        return 0;
    case ERR_MEM:
    case ERR_BUF:
        return K_ENOMEM;
    case ERR_TIMEOUT:
        return K_ENETTIMEDOUT;
    case ERR_RTE:
        return K_EHOSTUNREACH;
    case ERR_INPROGRESS:
    case ERR_WOULDBLOCK:
    case ERR_ALREADY:
        return K_EWOULDBLOCK;
    case ERR_USE:
        return K_EADDRINUSE;
    case ERR_ISCONN:
        return K_EISCONN;
    case ERR_CONN:
    case ERR_CLSD:
        return K_ENOTCONN;
    case ERR_IF:
        return K_ENETUNREACH;
    case ERR_ABRT:
        return K_ECONNABORTED;
    case ERR_RST:
        return K_ECONNRESET;
    default:
        return K_EINVAL;
    }
}

/* The readiness the state gives. Core lock held. */
static uint32_t compute_ready(struct ksocket *s)
{
    uint32_t r = 0;

    if (s->type == DORMER_SOCK_DGRAM) {
        if (s->dg_count)
            r |= DORMER_POLL_READ;
        return r | DORMER_POLL_WRITE;
    }
    if (s->state == SS_LISTENING)
        return s->acc_count ? DORMER_POLL_READ : 0;
    if (s->err)
        r |= DORMER_POLL_READ | DORMER_POLL_WRITE | DORMER_POLL_ERROR;
    if (s->state == SS_CONNECTED || s->state == SS_CLOSED) {
        if (s->rx_len || s->rx_eof || s->rx_shut)
            r |= DORMER_POLL_READ;
        if (s->pcb.tcp && !s->tx_shut && tcp_sndbuf(s->pcb.tcp) > 0)
            r |= DORMER_POLL_WRITE;
    }
    return r;
}

/* Publish the state to waiters. Core lock held. */
static void publish(struct ksocket *s)
{
    uint32_t r = compute_ready(s);
    uint64_t flags = sched_lock_irq();

    s->ready = r;
    s->gen++;
    kobj_wake_all_locked(&s->obj);
    kobj_wake_all_locked(&poll_queue);
    sched_unlock_irq(flags);
}

/* Wait for a change after gen (read under the core lock, which the caller has just
 * dropped), up to the deadline (uptime ns; 0: none). 0, K_ENETTIMEDOUT or K_EINTR. */
static int wait_change(struct ksocket *s, uint64_t gen, uint64_t deadline)
{
    int rc = 0;
    uint64_t flags = sched_lock_irq();

    if (s->gen == gen) {
        uint64_t ms = UINT64_MAX;
        if (deadline) {
            uint64_t now = time_uptime_ns();
            ms = now >= deadline ? 0 : (deadline - now + 999999) / 1000000;
        }
        if (ms == 0)
            rc = K_ENETTIMEDOUT;
        else if (sched_block_on_locked(&s->obj, ms) == K_EINTR)
            rc = K_EINTR;
    }
    sched_unlock_irq(flags);
    if (rc == 0 && deadline && time_uptime_ns() >= deadline)
        rc = K_ENETTIMEDOUT;
    return rc;
}

static uint64_t deadline_of(uint64_t ms)
{
    return ms ? time_uptime_ns() + ms * 1000000 : 0;
}

/* ---- lwIP callbacks (tcpip thread or a caller holding the core lock) ---- */

static void tcp_err_cb(void *arg, err_t e)
{
    struct ksocket *s = arg;

    if (!s)
        return;
    s->pcb.tcp = NULL; /* lwIP has freed it */
    s->err = s->state == SS_CONNECTING && e == ERR_RST ? K_ECONNREFUSED : err_from_lwip(e);
    if (!s->err)
        s->err = K_ECONNABORTED;
    s->state = SS_CLOSED;
    publish(s);
}

static err_t tcp_recv_cb(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t e)
{
    struct ksocket *s = arg;

    (void)pcb;
    (void)e;
    if (!s) {
        if (p)
            pbuf_free(p);
        return ERR_OK;
    }
    if (!p) {
        s->rx_eof = true;
    } else if (s->rx_shut) {
        tcp_recved(pcb, p->tot_len); /* receiving was shut down: dropped */
        pbuf_free(p);
    } else {
        s->rx_len += p->tot_len;
        if (s->rx)
            pbuf_cat(s->rx, p);
        else
            s->rx = p;
    }
    publish(s);
    return ERR_OK;
}

static err_t tcp_sent_cb(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb;
    (void)len;
    if (arg)
        publish(arg);
    return ERR_OK;
}

static err_t tcp_connected_cb(void *arg, struct tcp_pcb *pcb, err_t e)
{
    struct ksocket *s = arg;

    (void)pcb;
    if (s) {
        s->state = SS_CONNECTED;
        s->err = err_from_lwip(e);
        publish(s);
    }
    return ERR_OK;
}

static void tcp_attach(struct ksocket *s, struct tcp_pcb *pcb)
{
    s->pcb.tcp = pcb;
    tcp_arg(pcb, s);
    tcp_recv(pcb, tcp_recv_cb);
    tcp_sent(pcb, tcp_sent_cb);
    tcp_err(pcb, tcp_err_cb);
}

static struct ksocket *sock_alloc(uint32_t type);
static void sock_teardown(struct ksocket *s);

static err_t tcp_accept_cb(void *arg, struct tcp_pcb *newpcb, err_t e)
{
    struct ksocket *l = arg;

    if (e != ERR_OK || !newpcb)
        return ERR_VAL;
    if (!l || l->acc_count == SOCK_ACCEPT_MAX)
        return ERR_MEM; /* lwIP aborts the connection */
    struct ksocket *c = sock_alloc(DORMER_SOCK_STREAM);
    if (!c)
        return ERR_MEM;
    c->state = SS_CONNECTED;
    tcp_attach(c, newpcb);
    if (l->nodelay)
        tcp_nagle_disable(newpcb);
    l->accepted[(l->acc_head + l->acc_count++) % SOCK_ACCEPT_MAX] = c;
    publish(c);
    publish(l);
    return ERR_OK;
}

static void udp_recv_cb(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                        u16_t port)
{
    struct ksocket *s = arg;

    (void)pcb;
    if (!s || s->rx_shut || s->dg_count == SOCK_DGRAM_MAX) {
        pbuf_free(p); /* a full queue drops, as UDP may */
        return;
    }
    struct dgram *d = &s->dg[(s->dg_head + s->dg_count++) % SOCK_DGRAM_MAX];
    d->p = p;
    d->addr = ip4_addr_get_u32(ip_2_ip4(addr));
    d->port = lwip_htons(port);
    publish(s);
}

/* ---- object lifetime ---- */

static bool sock_signaled(struct kobject *obj, struct thread *waiter)
{
    (void)waiter;
    return ((struct ksocket *)obj)->ready & (DORMER_POLL_READ | DORMER_POLL_ERROR);
}

static void sock_destroy(struct kobject *obj)
{
    struct ksocket *s = (struct ksocket *)obj;
    struct ksocket *pending[SOCK_ACCEPT_MAX];
    uint32_t n = 0;

    LOCK_TCPIP_CORE();
    while (s->acc_count) { /* connections never accepted: reset, not closed */
        struct ksocket *c = s->accepted[s->acc_head];
        s->acc_head = (s->acc_head + 1) % SOCK_ACCEPT_MAX;
        s->acc_count--;
        c->rx_len = c->rx_len ? c->rx_len : 1;
        pending[n++] = c;
    }
    sock_teardown(s);
    UNLOCK_TCPIP_CORE();
    while (n) /* their destroy takes the core lock itself */
        kobj_unref(&pending[--n]->obj);
    kfree(s->bounce);
    kfree(s);
}

/* ReadFile and WriteFile work on a socket, as on Windows: a receive or a send to the
 * connected peer. */
static int sock_read_op(struct kobject *obj, struct kobj_io *io)
{
    size_t got = 0;
    int rc = sock_recv(obj, io->buf, (size_t)io->len, 0, NULL, &got);

    io->done = got;
    return rc;
}

static int sock_write_op(struct kobject *obj, struct kobj_io *io)
{
    long sent = sock_send(obj, io->buf, (size_t)io->len, NULL);

    if (sent < 0)
        return (int)sent;
    io->done = (uint64_t)sent;
    return 0;
}

/* Waitable: signaled while readable (or in error), as WSAEventSelect-less Windows
 * programs expect of WaitForSingleObject on a socket. */
const struct kobj_type socket_type = {
    .name = "File",
    .valid_access = DORMER_FILE_ALL_ACCESS,
    .generic = { DORMER_FILE_GENERIC_READ, DORMER_FILE_GENERIC_WRITE,
                 DORMER_FILE_GENERIC_EXECUTE, DORMER_FILE_ALL_ACCESS },
    .file_kind = DORMER_FILE_TYPE_PIPE, /* GetFileType reports sockets as pipes */
    .destroy = sock_destroy,
    .signaled = sock_signaled,
    .read = sock_read_op,
    .write = sock_write_op,
};

/* Detach from lwIP and free the queues. Core lock held. */
static void sock_teardown(struct ksocket *s)
{
    if (s->type == DORMER_SOCK_DGRAM) {
        if (s->pcb.udp)
            udp_remove(s->pcb.udp);
        while (s->dg_count) {
            pbuf_free(s->dg[s->dg_head].p);
            s->dg_head = (s->dg_head + 1) % SOCK_DGRAM_MAX;
            s->dg_count--;
        }
    } else {
        struct tcp_pcb *pcb = s->pcb.tcp;
        if (pcb && s->state == SS_LISTENING) {
            tcp_arg(pcb, NULL);
            tcp_accept(pcb, NULL);
            tcp_close(pcb);
        } else if (pcb) {
            tcp_arg(pcb, NULL);
            tcp_recv(pcb, NULL);
            tcp_sent(pcb, NULL);
            tcp_err(pcb, NULL);
            /* Unread data: the peer learns of it by a reset, as on Windows. */
            if (s->rx_len || tcp_close(pcb) != ERR_OK)
                tcp_abort(pcb);
        }
        if (s->rx)
            pbuf_free(s->rx);
    }
    s->pcb.tcp = NULL;
    s->rx = NULL;
}

static struct ksocket *sock_alloc(uint32_t type)
{
    struct ksocket *s = kcalloc(1, sizeof *s);

    if (!s)
        return NULL;
    s->bounce = type == DORMER_SOCK_STREAM ? kmalloc(SOCK_CHUNK) : NULL;
    if (type == DORMER_SOCK_STREAM && !s->bounce) {
        kfree(s);
        return NULL;
    }
    kobj_init(&s->obj, &socket_type);
    s->type = type;
    s->rcvbuf = TCP_WND;
    s->sndbuf = TCP_SND_BUF;
    return s;
}

void sock_init(void)
{
    kobj_init(&poll_queue, &kobj_queue_type);
}

int sock_create(uint32_t type, struct kobject **out)
{
    if (type != DORMER_SOCK_STREAM && type != DORMER_SOCK_DGRAM)
        return K_EINVAL;
    struct ksocket *s = sock_alloc(type);
    if (!s)
        return K_ENOMEM;
    LOCK_TCPIP_CORE();
    if (type == DORMER_SOCK_STREAM) {
        struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
        if (pcb)
            tcp_attach(s, pcb);
    } else {
        s->pcb.udp = udp_new_ip_type(IPADDR_TYPE_V4);
        if (s->pcb.udp)
            udp_recv(s->pcb.udp, udp_recv_cb, s);
    }
    bool ok = s->pcb.tcp != NULL;
    if (ok)
        publish(s);
    UNLOCK_TCPIP_CORE();
    if (!ok) {
        kobj_unref(&s->obj);
        return K_ENOSPC;
    }
    *out = &s->obj;
    return 0;
}

/* The socket under obj, which the handle lookup typed socket_type. */
static struct ksocket *sock_of(struct kobject *obj)
{
    return (struct ksocket *)obj;
}

static void to_ip(ip_addr_t *ip, const struct dormer_sockaddr *a)
{
    ip_addr_set_ip4_u32(ip, a->addr);
}

int sock_bind(struct kobject *obj, const struct dormer_sockaddr *a)
{
    struct ksocket *s = sock_of(obj);
    ip_addr_t ip;
    int rc;

    to_ip(&ip, a);
    LOCK_TCPIP_CORE();
    if (!s->pcb.tcp || s->state != SS_NEW) {
        rc = K_EINVAL;
    } else if (s->type == DORMER_SOCK_STREAM) {
        if (s->pcb.tcp->local_port)
            rc = K_EINVAL; /* bound already */
        else
            rc = err_from_lwip(tcp_bind(s->pcb.tcp, &ip, lwip_ntohs(a->port)));
    } else {
        rc = s->pcb.udp->local_port ? K_EINVAL
                                    : err_from_lwip(udp_bind(s->pcb.udp, &ip,
                                                             lwip_ntohs(a->port)));
    }
    UNLOCK_TCPIP_CORE();
    return rc;
}

int sock_listen(struct kobject *obj, uint32_t backlog)
{
    struct ksocket *s = sock_of(obj);
    int rc = 0;

    (void)backlog; /* the accept queue holds SOCK_ACCEPT_MAX whatever is asked */
    LOCK_TCPIP_CORE();
    if (s->type != DORMER_SOCK_STREAM || !s->pcb.tcp ||
        (s->state != SS_NEW && s->state != SS_LISTENING)) {
        rc = s->state == SS_CONNECTED ? K_EISCONN : K_EINVAL;
    } else if (s->state == SS_NEW) {
        struct tcp_pcb *pcb = s->pcb.tcp;
        if (!pcb->local_port) {
            rc = K_EINVAL; /* Windows: listen needs bind first */
        } else {
            err_t e = ERR_OK;
            struct tcp_pcb *lpcb = tcp_listen_with_backlog_and_err(pcb, TCP_DEFAULT_LISTEN_BACKLOG, &e);
            if (!lpcb) {
                rc = err_from_lwip(e);
            } else { /* the old pcb is freed */
                s->pcb.tcp = lpcb;
                s->state = SS_LISTENING;
                tcp_arg(lpcb, s);
                tcp_accept(lpcb, tcp_accept_cb);
                publish(s);
            }
        }
    }
    UNLOCK_TCPIP_CORE();
    return rc;
}

int sock_accept(struct kobject *obj, struct kobject **out, struct dormer_sockaddr *peer)
{
    struct ksocket *s = sock_of(obj);
    int rc;

    for (;;) {
        LOCK_TCPIP_CORE();
        uint64_t gen = s->gen;
        if (s->state != SS_LISTENING) {
            rc = K_EINVAL;
        } else if (s->acc_count) {
            struct ksocket *c = s->accepted[s->acc_head];
            s->acc_head = (s->acc_head + 1) % SOCK_ACCEPT_MAX;
            s->acc_count--;
            c->nonblock = s->nonblock;
            memset(peer, 0, sizeof *peer);
            if (c->pcb.tcp) {
                peer->addr = ip4_addr_get_u32(ip_2_ip4(&c->pcb.tcp->remote_ip));
                peer->port = lwip_htons(c->pcb.tcp->remote_port);
            }
            publish(s);
            *out = &c->obj;
            rc = 0;
        } else {
            rc = s->nonblock ? K_EWOULDBLOCK : 1;
        }
        UNLOCK_TCPIP_CORE();
        if (rc != 1)
            return rc;
        rc = wait_change(s, gen, 0);
        if (rc)
            return rc;
    }
}

int sock_connect(struct kobject *obj, const struct dormer_sockaddr *a)
{
    struct ksocket *s = sock_of(obj);
    ip_addr_t ip;
    int rc = 0;

    to_ip(&ip, a);
    LOCK_TCPIP_CORE();
    if (s->type == DORMER_SOCK_DGRAM) {
        if (!s->pcb.udp)
            rc = K_EINVAL;
        else if (a->addr == 0 && a->port == 0)
            udp_disconnect(s->pcb.udp);
        else
            rc = err_from_lwip(udp_connect(s->pcb.udp, &ip, lwip_ntohs(a->port)));
        UNLOCK_TCPIP_CORE();
        return rc;
    }
    if (s->state == SS_CONNECTED)
        rc = K_EISCONN;
    else if (s->state == SS_CONNECTING)
        rc = K_EWOULDBLOCK;
    else if (s->state != SS_NEW || !s->pcb.tcp)
        rc = K_EINVAL;
    else if (a->addr == 0 || a->port == 0)
        rc = K_EADDRNOTAVAIL;
    if (rc == 0) {
        s->state = SS_CONNECTING;
        rc = err_from_lwip(tcp_connect(s->pcb.tcp, &ip, lwip_ntohs(a->port), tcp_connected_cb));
        if (rc)
            s->state = SS_NEW;
        publish(s);
    }
    UNLOCK_TCPIP_CORE();
    if (rc || s->nonblock)
        return rc ? rc : K_EWOULDBLOCK;
    for (;;) {
        LOCK_TCPIP_CORE();
        uint64_t gen = s->gen;
        int done = s->state != SS_CONNECTING;
        rc = s->err;
        if (done && rc)
            s->err = 0; /* reported here, not again */
        UNLOCK_TCPIP_CORE();
        if (done)
            return rc;
        rc = wait_change(s, gen, 0);
        if (rc)
            return rc;
    }
}

static long send_dgram(struct ksocket *s, uptr_t buf, size_t len, const struct dormer_sockaddr *to)
{
    if (len > 65507)
        return K_EMSGSIZE;
    LOCK_TCPIP_CORE();
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
    int rc;
    if (!p) {
        rc = K_ENOMEM;
    } else if (len && copy_from_user(p->payload, buf, len) != 0) {
        rc = K_EFAULT;
    } else if (!s->pcb.udp || s->tx_shut) {
        rc = s->tx_shut ? K_ENOTCONN : K_EINVAL;
    } else if (to) {
        ip_addr_t ip;
        to_ip(&ip, to);
        if (to->addr == 0xFFFFFFFFu && !s->broadcast)
            rc = K_EACCES;
        else
            rc = err_from_lwip(udp_sendto(s->pcb.udp, p, &ip, lwip_ntohs(to->port)));
    } else if (!(s->pcb.udp->flags & UDP_FLAGS_CONNECTED)) {
        rc = K_ENOTCONN;
    } else {
        rc = err_from_lwip(udp_send(s->pcb.udp, p));
    }
    if (p)
        pbuf_free(p);
    UNLOCK_TCPIP_CORE();
    return rc ? rc : (long)len;
}

long sock_send(struct kobject *obj, uptr_t buf, size_t len, const struct dormer_sockaddr *to)
{
    struct ksocket *s = sock_of(obj);
    uint64_t deadline = deadline_of(s->sndtimeo);
    size_t done = 0;
    int rc = 0;

    if (s->type == DORMER_SOCK_DGRAM)
        return send_dgram(s, buf, len, to);
    while (done < len || len == 0) {
        LOCK_TCPIP_CORE();
        uint64_t gen = s->gen;
        struct tcp_pcb *pcb = s->pcb.tcp;
        size_t room = 0;
        if (s->err)
            rc = s->err;
        else if (s->state != SS_CONNECTED || !pcb)
            rc = K_ENOTCONN;
        else if (s->tx_shut)
            rc = K_EPIPE;
        else
            room = tcp_sndbuf(pcb);
        if (!rc && len == 0) {
            UNLOCK_TCPIP_CORE();
            return 0;
        }
        if (!rc && room > 0 && tcp_sndqueuelen(pcb) < TCP_SND_QUEUELEN - 4) {
            size_t n = len - done;
            if (n > room)
                n = room;
            if (n > SOCK_CHUNK)
                n = SOCK_CHUNK;
            if (copy_from_user(s->bounce, uptr_add(buf, done), n) != 0) {
                rc = K_EFAULT;
            } else {
                err_t e = tcp_write(pcb, s->bounce, (u16_t)n, TCP_WRITE_FLAG_COPY);
                if (e == ERR_OK)
                    done += n;
                else if (e != ERR_MEM)
                    rc = err_from_lwip(e);
                else
                    room = 0;
            }
            if (!rc && room && done < len) {
                UNLOCK_TCPIP_CORE();
                continue;
            }
        } else {
            room = 0;
        }
        if (pcb && s->pcb.tcp)
            tcp_output(pcb);
        UNLOCK_TCPIP_CORE();
        if (rc || done == len)
            break;
        if (s->nonblock) {
            if (done == 0)
                rc = K_EWOULDBLOCK;
            break;
        }
        rc = wait_change(s, gen, deadline);
        if (rc)
            break;
    }
    if (done && rc != K_EFAULT && rc != K_EINTR)
        return (long)done;
    return rc;
}

static int recv_dgram(struct ksocket *s, uptr_t buf, size_t len, uint32_t flags,
                      struct dormer_sockaddr *from, size_t *got)
{
    uint64_t deadline = deadline_of(s->rcvtimeo);

    for (;;) {
        LOCK_TCPIP_CORE();
        uint64_t gen = s->gen;
        int rc = 1;
        if (s->rx_shut) {
            rc = K_ENOTCONN;
        } else if (!s->pcb.udp || !s->pcb.udp->local_port) {
            rc = K_EINVAL; /* Windows: receiving needs a bound socket */
        } else if (s->dg_count) {
            struct dgram *d = &s->dg[s->dg_head];
            size_t n = d->p->tot_len < len ? d->p->tot_len : len;
            size_t off = 0;
            rc = 0;
            for (struct pbuf *q = d->p; q && off < n && !rc; q = q->next) {
                size_t k = q->len < n - off ? q->len : n - off;
                if (copy_to_user(uptr_add(buf, off), q->payload, k) != 0)
                    rc = K_EFAULT;
                off += k;
            }
            if (!rc) {
                from->addr = d->addr;
                from->port = d->port;
                from->reserved = 0;
                *got = n;
                if (n < d->p->tot_len)
                    rc = K_EMSGSIZE; /* the rest is lost, as on Windows */
                if (!(flags & DORMER_MSG_PEEK)) {
                    pbuf_free(d->p);
                    s->dg_head = (s->dg_head + 1) % SOCK_DGRAM_MAX;
                    s->dg_count--;
                    publish(s);
                }
            }
        } else if (s->nonblock) {
            rc = K_EWOULDBLOCK;
        }
        UNLOCK_TCPIP_CORE();
        if (rc != 1)
            return rc;
        rc = wait_change(s, gen, deadline);
        if (rc)
            return rc;
    }
}

int sock_recv(struct kobject *obj, uptr_t buf, size_t len, uint32_t flags,
              struct dormer_sockaddr *from, size_t *got)
{
    struct ksocket *s = sock_of(obj);
    uint64_t deadline = deadline_of(s->rcvtimeo);
    size_t done = 0;

    *got = 0;
    memset(from, 0, sizeof *from);
    if (s->type == DORMER_SOCK_DGRAM)
        return recv_dgram(s, buf, len, flags, from, got);
    for (;;) {
        LOCK_TCPIP_CORE();
        uint64_t gen = s->gen;
        int rc = 1;
        if (s->state != SS_CONNECTED && s->state != SS_CLOSED) {
            rc = K_ENOTCONN;
        } else if (s->rx_shut) {
            rc = K_ENOTCONN;
        } else if (s->rx_len && len) {
            size_t n = len - done < s->rx_len ? len - done : s->rx_len;
            if (n > 0xFFFF)
                n = 0xFFFF;
            size_t off = 0;
            rc = 0;
            for (struct pbuf *q = s->rx; q && off < n && !rc; q = q->next) {
                size_t k = q->len < n - off ? q->len : n - off;
                if (copy_to_user(uptr_add(buf, done + off), q->payload, k) != 0)
                    rc = K_EFAULT;
                off += k;
            }
            if (!rc && !(flags & DORMER_MSG_PEEK)) {
                s->rx = pbuf_free_header(s->rx, (u16_t)n);
                s->rx_len -= n;
                if (s->pcb.tcp)
                    tcp_recved(s->pcb.tcp, (u16_t)n);
                publish(s);
                done += n;
            } else if (!rc) {
                done += n;
            }
            if (!rc && (done < len && (flags & DORMER_MSG_WAITALL) &&
                        !(flags & DORMER_MSG_PEEK) && !s->rx_eof && !s->err))
                rc = 1; /* wait for the rest */
        } else if (len == 0 || s->rx_eof) {
            rc = 0;
        } else if (s->err) {
            rc = s->err;
        } else if (done) {
            rc = 0;
        } else if (s->nonblock) {
            rc = K_EWOULDBLOCK;
        }
        UNLOCK_TCPIP_CORE();
        if (rc != 1) {
            *got = done;
            return rc;
        }
        rc = wait_change(s, gen, deadline);
        if (rc) {
            *got = done;
            return done && rc != K_EINTR ? 0 : rc;
        }
    }
}

int sock_shutdown(struct kobject *obj, uint32_t how)
{
    struct ksocket *s = sock_of(obj);
    int rc = 0;

    if (how > 2)
        return K_EINVAL;
    LOCK_TCPIP_CORE();
    if (s->type == DORMER_SOCK_STREAM && s->state != SS_CONNECTED) {
        rc = K_ENOTCONN;
    } else {
        if (how != 1)
            s->rx_shut = true;
        if (how != 0 && !s->tx_shut) {
            s->tx_shut = true;
            if (s->type == DORMER_SOCK_STREAM && s->pcb.tcp)
                rc = err_from_lwip(tcp_shutdown(s->pcb.tcp, 0, 1));
        }
        publish(s);
    }
    UNLOCK_TCPIP_CORE();
    return rc;
}

static void set_pcb_flag(struct ksocket *s, u8_t flag, bool on)
{
    if (!s->pcb.tcp)
        return;
    if (on)
        ip_set_option((struct ip_pcb *)s->pcb.tcp, flag);
    else
        ip_reset_option((struct ip_pcb *)s->pcb.tcp, flag);
}

int sock_set_option(struct kobject *obj, uint32_t opt, uint64_t value)
{
    struct ksocket *s = sock_of(obj);
    bool on = value != 0;
    int rc = 0;

    LOCK_TCPIP_CORE();
    switch (opt) {
    case DORMER_SO_NONBLOCK:
        s->nonblock = on;
        break;
    case DORMER_SO_REUSEADDR:
        s->reuse = on;
        set_pcb_flag(s, SOF_REUSEADDR, on);
        break;
    case DORMER_SO_KEEPALIVE:
        s->keepalive = on;
        if (s->type == DORMER_SOCK_STREAM)
            set_pcb_flag(s, SOF_KEEPALIVE, on);
        break;
    case DORMER_SO_BROADCAST:
        s->broadcast = on;
        if (s->type == DORMER_SOCK_DGRAM)
            set_pcb_flag(s, SOF_BROADCAST, on);
        break;
    case DORMER_SO_RCVTIMEO:
        s->rcvtimeo = value;
        break;
    case DORMER_SO_SNDTIMEO:
        s->sndtimeo = value;
        break;
    case DORMER_SO_NODELAY:
        s->nodelay = on;
        if (s->type == DORMER_SOCK_STREAM && s->pcb.tcp && s->state != SS_LISTENING) {
            if (on)
                tcp_nagle_disable(s->pcb.tcp);
            else
                tcp_nagle_enable(s->pcb.tcp);
        }
        break;
    case DORMER_SO_RCVBUF:
        s->rcvbuf = value;
        break;
    case DORMER_SO_SNDBUF:
        s->sndbuf = value;
        break;
    default:
        rc = K_EINVAL;
    }
    UNLOCK_TCPIP_CORE();
    return rc;
}

int sock_get_option(struct kobject *obj, uint32_t opt, uint64_t *value)
{
    struct ksocket *s = sock_of(obj);
    int rc = 0;

    LOCK_TCPIP_CORE();
    switch (opt) {
    case DORMER_SO_NONBLOCK:
        *value = s->nonblock;
        break;
    case DORMER_SO_REUSEADDR:
        *value = s->reuse;
        break;
    case DORMER_SO_KEEPALIVE:
        *value = s->keepalive;
        break;
    case DORMER_SO_BROADCAST:
        *value = s->broadcast;
        break;
    case DORMER_SO_RCVTIMEO:
        *value = s->rcvtimeo;
        break;
    case DORMER_SO_SNDTIMEO:
        *value = s->sndtimeo;
        break;
    case DORMER_SO_NODELAY:
        *value = s->nodelay;
        break;
    case DORMER_SO_RCVBUF:
        *value = s->rcvbuf;
        break;
    case DORMER_SO_SNDBUF:
        *value = s->sndbuf;
        break;
    case DORMER_SO_ERROR:
        *value = (uint64_t)s->err; /* the K_ code; the system call maps it */
        s->err = 0;
        break;
    case DORMER_SO_NREAD:
        *value = s->type == DORMER_SOCK_STREAM ? s->rx_len
                 : s->dg_count                 ? s->dg[s->dg_head].p->tot_len
                                               : 0;
        break;
    case DORMER_SO_TYPE:
        *value = s->type;
        break;
    case DORMER_SO_LISTENING:
        *value = s->state == SS_LISTENING;
        break;
    default:
        rc = K_EINVAL;
    }
    UNLOCK_TCPIP_CORE();
    return rc;
}

int sock_name(struct kobject *obj, bool peer, struct dormer_sockaddr *out)
{
    struct ksocket *s = sock_of(obj);
    int rc = 0;

    memset(out, 0, sizeof *out);
    LOCK_TCPIP_CORE();
    if (!s->pcb.tcp) {
        rc = peer ? K_ENOTCONN : K_EINVAL;
    } else {
        /* udp_pcb and tcp_pcb both start with lwIP's IP_PCB fields. */
        bool dgram = s->type == DORMER_SOCK_DGRAM;
        struct udp_pcb *u = s->pcb.udp;
        struct tcp_pcb *t = s->pcb.tcp;
        bool connected = dgram ? (u->flags & UDP_FLAGS_CONNECTED) != 0 : s->state == SS_CONNECTED;
        u16_t lport = dgram ? u->local_port : t->local_port;
        if (peer && !connected) {
            rc = K_ENOTCONN;
        } else if (!peer && !lport) {
            rc = K_EINVAL; /* Windows: not bound */
        } else if (peer) {
            out->addr = ip4_addr_get_u32(ip_2_ip4(dgram ? &u->remote_ip : &t->remote_ip));
            out->port = lwip_htons(dgram ? u->remote_port : t->remote_port);
        } else {
            out->addr = ip4_addr_get_u32(ip_2_ip4(dgram ? &u->local_ip : &t->local_ip));
            out->port = lwip_htons(lport);
        }
    }
    UNLOCK_TCPIP_CORE();
    return rc;
}

int sock_poll(struct kobject **objs, const uint32_t *events, uint32_t *revents, int n,
              uint64_t timeout_ms)
{
    uint64_t deadline = timeout_ms == UINT64_MAX ? 0 : time_uptime_ns() + timeout_ms * 1000000;
    uint64_t flags = sched_lock_irq();
    int ready;

    for (;;) {
        ready = 0;
        for (int i = 0; i < n; i++) {
            uint32_t r = sock_of(objs[i])->ready;
            revents[i] = r & (events[i] | DORMER_POLL_ERROR);
            ready += revents[i] != 0;
        }
        if (ready)
            break;
        uint64_t ms = UINT64_MAX;
        if (deadline) {
            uint64_t now = time_uptime_ns();
            if (now >= deadline)
                break;
            ms = (deadline - now + 999999) / 1000000;
        }
        if (sched_block_on_locked(&poll_queue, ms) == K_EINTR) {
            ready = K_EINTR;
            break;
        }
    }
    sched_unlock_irq(flags);
    return ready;
}
