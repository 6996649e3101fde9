/*
 * Pipe calls (create; read; write; the reads and writes DmReadFile/DmWriteFile make on
 * pipe ends) and NtClose, which works on every kind of handle. Files are the file-system
 * layer's (sys_fs.c); the boot files are read there, as C:\Windows\System32.
 */
#include <abi/file.h>
#include <abi/object.h>
#include <abi/types.h>
#include <arch/uaccess.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <proc/pipe.h>
#include <proc/process.h>
#include <sys/syscall.h>

#include "sys_io.h"

/* DmReadPipe / DmWritePipe: a pipe end of the right kind, the buffer and the count
 * checked before anything moves. */
static dormer_status_t pipe_call(const uint64_t *args, bool write)
{
    struct kobject *obj = handle_lookup(process_current(), args[0],
                                        write ? &pipe_write_type : &pipe_read_type);
    uint64_t n = 0;
    dormer_status_t st;

    if (!obj)
        return STATUS_INVALID_HANDLE;
    if (!uaccess_range_ok(uptr(args[1]), args[2]) ||
        copy_to_user(uptr(args[3]), &n, sizeof n) != 0) {
        st = STATUS_ACCESS_VIOLATION;
        goto out;
    }
    st = write ? sys_pipe_write(obj, uptr(args[1]), args[2], &n)
               : sys_pipe_read(obj, uptr(args[1]), args[2], &n);
    if (st != STATUS_SUCCESS)
        goto out;
    st = copy_to_user(uptr(args[3]), &n, sizeof n) ? STATUS_ACCESS_VIOLATION : STATUS_SUCCESS;
out:
    kobj_unref(obj);
    return st;
}

dormer_status_t sys_DmReadPipe(const uint64_t *args)
{
    return pipe_call(args, false);
}

dormer_status_t sys_DmWritePipe(const uint64_t *args)
{
    return pipe_call(args, true);
}

dormer_status_t sys_pipe_read(struct kobject *read_end, uptr_t buf, uint64_t len, uint64_t *n)
{
    long got = pipe_read(read_end, buf, len);

    *n = 0;
    if (got < 0)
        return got == K_EINTR ? STATUS_PROCESS_IS_TERMINATING : status_from_errno((int)got);
    if (got == 0 && len > 0)
        return STATUS_PIPE_BROKEN;
    *n = (uint64_t)got;
    return STATUS_SUCCESS;
}

dormer_status_t sys_pipe_write(struct kobject *write_end, uptr_t buf, uint64_t len, uint64_t *n)
{
    long put = pipe_write(write_end, buf, len);

    *n = 0;
    if (put < 0)
        return put == K_EINTR ? STATUS_PROCESS_IS_TERMINATING : status_from_errno((int)put);
    *n = (uint64_t)put;
    return STATUS_SUCCESS;
}

dormer_status_t sys_NtClose(const uint64_t *args)
{
    int rc = handle_close(process_current(), args[0]);

    return rc == K_EPERM ? STATUS_HANDLE_NOT_CLOSABLE : status_from_errno(rc);
}

dormer_status_t sys_DmCreatePipe(const uint64_t *args)
{
    struct process *p = process_current();
    struct kobject *r, *w;
    uint64_t hr = 0, hw = 0;

    if (copy_to_user(uptr(args[0]), &hr, sizeof hr) != 0 ||
        copy_to_user(uptr(args[1]), &hw, sizeof hw) != 0)
        return STATUS_ACCESS_VIOLATION;
    int rc = pipe_create(&r, &w);
    if (rc)
        return status_from_errno(rc);
    /* As CreatePipe's: each end only the access its direction needs. */
    rc = handle_table_insert(&p->handles, r,
                             ob_map_access(r->type, DORMER_GENERIC_READ |
                                                        DORMER_FILE_WRITE_ATTRIBUTES |
                                                        DORMER_SYNCHRONIZE),
                             0, &hr);
    if (!rc) {
        rc = handle_table_insert(&p->handles, w,
                                 ob_map_access(w->type, DORMER_GENERIC_WRITE |
                                                            DORMER_FILE_READ_ATTRIBUTES |
                                                            DORMER_SYNCHRONIZE),
                                 0, &hw);
        if (rc)
            handle_close(p, hr);
    }
    kobj_unref(r);
    kobj_unref(w);
    if (rc)
        return status_from_errno(rc);
    if (copy_to_user(uptr(args[0]), &hr, sizeof hr) != 0 ||
        copy_to_user(uptr(args[1]), &hw, sizeof hw) != 0)
        return STATUS_ACCESS_VIOLATION;
    return STATUS_SUCCESS;
}
