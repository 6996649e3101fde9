/*
 * What the file calls of sys_file.c (NtReadFile / NtWriteFile) and sys_fs.c (DmReadFile /
 * DmWriteFile) share: reading and writing a pipe end with the status a program sees.
 */
#ifndef SYS_SYS_IO_H
#define SYS_SYS_IO_H

#include <abi/status.h>
#include <arch/uaccess.h>
#include <proc/sched.h>
#include <stdint.h>

/* Read up to len bytes of a pipe read end into user memory; *n the count. Blocks while
 * the pipe is empty; STATUS_PIPE_BROKEN when it is empty and every write end is closed. */
dormer_status_t sys_pipe_read(struct kobject *read_end, uptr_t buf, uint64_t len, uint64_t *n);

/* Write all len bytes of user memory to a pipe write end; *n the count. */
dormer_status_t sys_pipe_write(struct kobject *write_end, uptr_t buf, uint64_t len, uint64_t *n);

#endif
