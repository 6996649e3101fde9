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

/* The two ends' types: reads and writes through the generic file calls dispatch
 * to them (ob/object.h). */
extern const struct kobj_type pipe_read_type, pipe_write_type;

/* Two new ends, each with one reference for the caller. */
int pipe_create(struct kobject **read_end, struct kobject **write_end);

/* Read up to len bytes into user memory (at least 1; blocks while empty). Returns the
 * count, 0 at end of pipe (every write end closed), or K_EFAULT (nothing consumed) /
 * K_EINTR (killed). Readers of one pipe take turns: no two get the same bytes. */
long pipe_read(struct kobject *read_end, uptr_t buf, size_t len);

/* Write all len bytes from user memory (blocks while full). Returns len, K_EPIPE when
 * no read end is open, K_EFAULT, or K_EINTR when the thread is being killed. */
long pipe_write(struct kobject *write_end, uptr_t buf, size_t len);

#endif
