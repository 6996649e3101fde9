/*
 * Anonymous pipes: a 64 KiB ring between a read end and a write end, each a kernel
 * object a handle can name. Reads block while the pipe is empty and some write end
 * is open; writes block while it is full and some read end is open.
 */
#ifndef PROC_PIPE_H
#define PROC_PIPE_H

#include <arch/uaccess.h>
#include <proc/sched.h>
#include <stddef.h>
#include <stdint.h>

#define PIPE_CAPACITY (64 * 1024)

/* Two new ends, each with one reference for the caller. */
int pipe_create(struct kobject **read_end, struct kobject **write_end);

/* Read up to len bytes into user memory (at least 1; blocks while empty). Returns the
 * count, 0 at end of pipe (every write end closed), or K_EFAULT / K_EINTR(killed). */
long pipe_read(struct kobject *read_end, uptr_t buf, size_t len);

/* Write all len bytes (blocks while full). Returns len, K_EPIPE when no read end is
 * open, K_EFAULT, or K_EINTR when the thread is being killed. user: buf is a user
 * address, else a kernel pointer. */
long pipe_write(struct kobject *write_end, const void *buf, size_t len, bool user);

#endif
