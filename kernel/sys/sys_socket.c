/*
 * The socket system calls (112-123, <abi/net.h>): handles are looked up as
 * socket_type, every user pointer is copied through the fault-recovered routines and
 * checked before the socket is touched, and errors become NTSTATUS here only.
 */
#include <abi/net.h>
#include <abi/status.h>
#include <arch/uaccess.h>
#include <lib/errno.h>
#include <net/socket.h>
#include <proc/process.h>
#include <sys/syscall.h>

static struct kobject *socket_of(uint64_t handle)
{
    return handle_lookup(process_current(), handle, &socket_type);
}

/* A socket address from user memory: only IPv4 fields, reserved must be 0. */
static int addr_in(uint64_t va, struct dormer_sockaddr *a)
{
    int rc = copy_from_user(a, uptr(va), sizeof *a);

    if (rc)
        return rc;
    return a->reserved ? K_EINVAL : 0;
}

dormer_status_t sys_DmSocketCreate(const uint64_t *args)
{
    uint64_t h = 0;
    struct kobject *obj;

    if (copy_to_user(uptr(args[0]), &h, sizeof h) != 0)
        return STATUS_ACCESS_VIOLATION;
    if (args[1] > UINT32_MAX)
        return STATUS_INVALID_PARAMETER;
    int rc = sock_create((uint32_t)args[1], &obj);
    if (rc)
        return status_from_errno(rc);
    rc = handle_insert(process_current(), obj, &h);
    kobj_unref(obj);
    if (rc)
        return status_from_errno(rc);
    if (copy_to_user(uptr(args[0]), &h, sizeof h) != 0) {
        handle_close(process_current(), h);
        return STATUS_ACCESS_VIOLATION;
    }
    return STATUS_SUCCESS;
}

/* A call on a socket with one address argument (bind, connect). */
static dormer_status_t with_addr(const uint64_t *args,
                                 int (*op)(struct kobject *, const struct dormer_sockaddr *))
{
    struct dormer_sockaddr a;
    int rc = addr_in(args[1], &a);
    if (rc)
        return status_from_errno(rc);
    struct kobject *obj = socket_of(args[0]);
    if (!obj)
        return STATUS_INVALID_HANDLE;
    rc = op(obj, &a);
    kobj_unref(obj);
    return status_from_errno(rc);
}

dormer_status_t sys_DmSocketBind(const uint64_t *args)
{
    return with_addr(args, sock_bind);
}

dormer_status_t sys_DmSocketListen(const uint64_t *args)
{
    struct kobject *obj = socket_of(args[0]);
    if (!obj)
        return STATUS_INVALID_HANDLE;
    int rc = sock_listen(obj, args[1] > UINT32_MAX ? UINT32_MAX : (uint32_t)args[1]);
    kobj_unref(obj);
    return status_from_errno(rc);
}

dormer_status_t sys_DmSocketAccept(const uint64_t *args)
{
    struct dormer_sockaddr peer = { 0 };
    uint64_t h = 0;
    struct kobject *obj, *conn;

    if (copy_to_user(uptr(args[1]), &h, sizeof h) != 0 ||
        (args[2] && copy_to_user(uptr(args[2]), &peer, sizeof peer) != 0))
        return STATUS_ACCESS_VIOLATION;
    obj = socket_of(args[0]);
    if (!obj)
        return STATUS_INVALID_HANDLE;
    int rc = sock_accept(obj, &conn, &peer);
    kobj_unref(obj);
    if (rc)
        return status_from_errno(rc);
    rc = handle_insert(process_current(), conn, &h);
    kobj_unref(conn); /* with no handle, this closes the connection */
    if (rc)
        return status_from_errno(rc);
    if (copy_to_user(uptr(args[1]), &h, sizeof h) != 0 ||
        (args[2] && copy_to_user(uptr(args[2]), &peer, sizeof peer) != 0)) {
        handle_close(process_current(), h);
        return STATUS_ACCESS_VIOLATION;
    }
    return STATUS_SUCCESS;
}

dormer_status_t sys_DmSocketConnect(const uint64_t *args)
{
    return with_addr(args, sock_connect);
}

dormer_status_t sys_DmSocketSend(const uint64_t *args)
{
    struct dormer_sockaddr to;
    uint64_t n = 0;

    if (args[3] != 0)
        return STATUS_INVALID_PARAMETER; /* no send flags yet */
    if (!uaccess_range_ok(uptr(args[1]), args[2]) ||
        copy_to_user(uptr(args[5]), &n, sizeof n) != 0)
        return STATUS_ACCESS_VIOLATION;
    if (args[4]) {
        int rc = addr_in(args[4], &to);
        if (rc)
            return status_from_errno(rc);
    }
    struct kobject *obj = socket_of(args[0]);
    if (!obj)
        return STATUS_INVALID_HANDLE;
    long put = sock_send(obj, uptr(args[1]), args[2], args[4] ? &to : NULL);
    kobj_unref(obj);
    if (put < 0)
        return status_from_errno((int)put);
    n = (uint64_t)put;
    return status_from_errno(copy_to_user(uptr(args[5]), &n, sizeof n));
}

dormer_status_t sys_DmSocketRecv(const uint64_t *args)
{
    struct dormer_sockaddr from;
    uint64_t n = 0;
    size_t got = 0;

    if (args[3] & ~(uint64_t)(DORMER_MSG_PEEK | DORMER_MSG_WAITALL))
        return STATUS_INVALID_PARAMETER;
    if (!uaccess_range_ok(uptr(args[1]), args[2]) ||
        copy_to_user(uptr(args[5]), &n, sizeof n) != 0 ||
        (args[4] && !uaccess_range_ok(uptr(args[4]), sizeof from)))
        return STATUS_ACCESS_VIOLATION;
    struct kobject *obj = socket_of(args[0]);
    if (!obj)
        return STATUS_INVALID_HANDLE;
    int rc = sock_recv(obj, uptr(args[1]), args[2], (uint32_t)args[3], &from, &got);
    kobj_unref(obj);
    if (rc && rc != K_EMSGSIZE)
        return status_from_errno(rc);
    n = got;
    if (copy_to_user(uptr(args[5]), &n, sizeof n) != 0 ||
        (args[4] && copy_to_user(uptr(args[4]), &from, sizeof from) != 0))
        return STATUS_ACCESS_VIOLATION;
    return status_from_errno(rc);
}

dormer_status_t sys_DmSocketShutdown(const uint64_t *args)
{
    struct kobject *obj = socket_of(args[0]);
    if (!obj)
        return STATUS_INVALID_HANDLE;
    int rc = args[1] > 2 ? K_EINVAL : sock_shutdown(obj, (uint32_t)args[1]);
    kobj_unref(obj);
    return status_from_errno(rc);
}

dormer_status_t sys_DmSocketSetOption(const uint64_t *args)
{
    struct kobject *obj = socket_of(args[0]);
    if (!obj)
        return STATUS_INVALID_HANDLE;
    int rc = args[1] > UINT32_MAX ? K_EINVAL : sock_set_option(obj, (uint32_t)args[1], args[2]);
    kobj_unref(obj);
    return status_from_errno(rc);
}

dormer_status_t sys_DmSocketGetOption(const uint64_t *args)
{
    uint64_t v = 0;

    if (copy_to_user(uptr(args[2]), &v, sizeof v) != 0)
        return STATUS_ACCESS_VIOLATION;
    struct kobject *obj = socket_of(args[0]);
    if (!obj)
        return STATUS_INVALID_HANDLE;
    int rc = args[1] > UINT32_MAX ? K_EINVAL : sock_get_option(obj, (uint32_t)args[1], &v);
    kobj_unref(obj);
    if (rc)
        return status_from_errno(rc);
    if (args[1] == DORMER_SO_ERROR) /* a K_ code: the program sees an NTSTATUS */
        v = v ? (uint64_t)(uint32_t)status_from_errno((int)(int64_t)v) : 0;
    return status_from_errno(copy_to_user(uptr(args[2]), &v, sizeof v));
}

dormer_status_t sys_DmSocketGetName(const uint64_t *args)
{
    struct dormer_sockaddr a = { 0 };

    if (args[1] > 1)
        return STATUS_INVALID_PARAMETER;
    if (copy_to_user(uptr(args[2]), &a, sizeof a) != 0)
        return STATUS_ACCESS_VIOLATION;
    struct kobject *obj = socket_of(args[0]);
    if (!obj)
        return STATUS_INVALID_HANDLE;
    int rc = sock_name(obj, args[1] == 1, &a);
    kobj_unref(obj);
    if (rc)
        return status_from_errno(rc);
    return status_from_errno(copy_to_user(uptr(args[2]), &a, sizeof a));
}

dormer_status_t sys_DmSocketPoll(const uint64_t *args)
{
    struct dormer_poll e[DORMER_POLL_MAX];
    struct kobject *objs[DORMER_POLL_MAX];
    uint32_t events[DORMER_POLL_MAX], revents[DORMER_POLL_MAX];
    uint64_t count = args[1], ready = 0;
    dormer_status_t st = STATUS_SUCCESS;
    int n = 0;

    if (count == 0 || count > DORMER_POLL_MAX)
        return STATUS_INVALID_PARAMETER;
    if (copy_from_user(e, uptr(args[0]), count * sizeof e[0]) != 0 ||
        copy_to_user(uptr(args[3]), &ready, sizeof ready) != 0)
        return STATUS_ACCESS_VIOLATION;
    for (; n < (int)count; n++) {
        objs[n] = socket_of(e[n].handle);
        if (!objs[n]) {
            st = STATUS_INVALID_HANDLE;
            goto out;
        }
        events[n] = e[n].events;
    }
    int rc = sock_poll(objs, events, revents, n, args[2]);
    if (rc < 0) {
        st = status_from_errno(rc);
        goto out;
    }
    ready = (uint64_t)rc;
    for (int i = 0; i < n; i++)
        e[i].revents = revents[i];
    if (copy_to_user(uptr(args[0]), e, count * sizeof e[0]) != 0 ||
        copy_to_user(uptr(args[3]), &ready, sizeof ready) != 0)
        st = STATUS_ACCESS_VIOLATION;
out:
    while (n)
        kobj_unref(objs[--n]);
    return st;
}
