/*
 * Sockets: TCP and UDP over lwIP's raw API, each a kernel object (socket_type) a handle
 * names. lwIP's callbacks (tcpip thread, core lock held) fill a socket's queues and
 * publish its readiness under sched_lock, so waits, polls and WaitForSingleObject see
 * it without the core lock. Every call here is thread context; blocking calls wait
 * killably (K_EINTR) and honour the socket's non-blocking mode and timeouts.
 */
#ifndef NET_SOCKET_H
#define NET_SOCKET_H

#include <abi/net.h>
#include <arch/uaccess.h>
#include <proc/sched.h>
#include <stddef.h>
#include <stdint.h>

/* The socket object type (waitable; reads and writes through the file calls). */
extern const struct kobj_type socket_type;

/* Boot, after net_init. */
void sock_init(void);

/* A new socket of type DORMER_SOCK_* (one reference for the caller). */
int sock_create(uint32_t type, struct kobject **out);
int sock_bind(struct kobject *obj, const struct dormer_sockaddr *a);
int sock_listen(struct kobject *obj, uint32_t backlog);
/* The next connection (one reference for the caller) and its peer's address. */
int sock_accept(struct kobject *obj, struct kobject **out, struct dormer_sockaddr *peer);
int sock_connect(struct kobject *obj, const struct dormer_sockaddr *a);
/* Send len bytes from user memory (to: NULL for the connected peer). Returns the count
 * sent (all of it when blocking) or a K_ code. */
long sock_send(struct kobject *obj, uptr_t buf, size_t len, const struct dormer_sockaddr *to);
/* Receive up to len bytes into user memory: the count (0 at end of stream) in *got;
 * K_EMSGSIZE with *got = len when a datagram was cut short. */
int sock_recv(struct kobject *obj, uptr_t buf, size_t len, uint32_t flags,
              struct dormer_sockaddr *from, size_t *got);
int sock_shutdown(struct kobject *obj, uint32_t how);
int sock_set_option(struct kobject *obj, uint32_t opt, uint64_t value);
int sock_get_option(struct kobject *obj, uint32_t opt, uint64_t *value);
int sock_name(struct kobject *obj, bool peer, struct dormer_sockaddr *out);
/* For each socket, its DORMER_POLL_* state masked by events[i] (ERROR always) into
 * revents[i]; waits up to timeout_ms (0: poll, UINT64_MAX: forever) until one is
 * non-zero. Returns how many are ready (0 on timeout) or K_EINTR. */
int sock_poll(struct kobject **objs, const uint32_t *events, uint32_t *revents, int n,
              uint64_t timeout_ms);

#endif
