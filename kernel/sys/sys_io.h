/*
 * What the pipe calls of sys_file.c (DmWritePipe), the file calls of sys_fs.c (DmReadFile /
 * DmWriteFile) and the console calls of sys_console.c (a process's standard handles)
 * share: reading and writing a pipe end or an open file with the status a program sees.
 */
#ifndef SYS_SYS_IO_H
#define SYS_SYS_IO_H

#include <abi/status.h>
#include <arch/uaccess.h>
#include <fs/vfs.h>
#include <proc/sched.h>
#include <stdint.h>

/* Read up to len bytes of a pipe read end into user memory; *n the count. Blocks while
 * the pipe is empty; STATUS_PIPE_BROKEN when it is empty and every write end is closed. */
dormer_status_t sys_pipe_read(struct kobject *read_end, uptr_t buf, uint64_t len, uint64_t *n);

/* Write all len bytes of user memory to a pipe write end; *n the count. */
dormer_status_t sys_pipe_write(struct kobject *write_end, uptr_t buf, uint64_t len, uint64_t *n);

/* The open file of the file-system layer that obj (a DmCreateFile handle's object)
 * names, or NULL when obj is anything else. The file lives as long as obj. */
struct vfs_file *sys_vfs_file_of(struct kobject *obj);

/* Moves len bytes between user memory at ubuf and f at the position (VFS_AT_POSITION),
 * at off or at the end, through a kernel bounce buffer (never a user copy under the
 * vfs lock). *total the count moved. 0, K_EFAULT, K_ENOMEM or vfs_read/vfs_write's
 * errors (K_EEOF only when nothing was read). Thread context, no locks held. */
int sys_file_io(struct vfs_file *f, bool write, enum vfs_at at, uint64_t off, uptr_t ubuf,
                uint64_t len, uint64_t *total);

#endif
