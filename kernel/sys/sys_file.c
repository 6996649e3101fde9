/*
 * File calls: boot files (list; open by name, case-insensitive; read sequentially;
 * query; close) and pipe ends (read; write). A handle names a kernel object; NtClose works
 * on every kind.
 */
#include <abi/file.h>
#include <abi/object.h>
#include <abi/types.h>
#include <arch/uaccess.h>
#include <fs/bootfs.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <proc/pipe.h>
#include <proc/process.h>
#include <sys/syscall.h>

#include "sys_io.h"

/* An open boot file. */
struct kfile {
    struct kobject obj;
    const struct bootfs_file *file;
    uint64_t position;
};

static void kfile_destroy(struct kobject *obj)
{
    kfree(obj);
}

static const struct kobj_type boot_file_type = {
    .name = "File",
    .valid_access = DORMER_FILE_ALL_ACCESS,
    .generic = { DORMER_FILE_GENERIC_READ, DORMER_FILE_GENERIC_WRITE,
                 DORMER_FILE_GENERIC_EXECUTE, DORMER_FILE_ALL_ACCESS },
    .file_kind = DORMER_FILE_TYPE_DISK,
    .destroy = kfile_destroy,
};

dormer_status_t sys_DmOpenBootFile(const uint64_t *args)
{
    char name[BOOTFS_NAME_MAX];
    uint64_t len = args[2], handle = 0;

    if (len == 0)
        return STATUS_INVALID_PARAMETER;
    if (!uaccess_range_ok(uptr(args[1]), len) ||
        copy_to_user(uptr(args[0]), &handle, sizeof handle) != 0)
        return STATUS_ACCESS_VIOLATION;
    if (len >= sizeof name)
        return STATUS_OBJECT_NAME_NOT_FOUND; /* longer than any boot file name */
    if (copy_from_user(name, uptr(args[1]), len) != 0)
        return STATUS_ACCESS_VIOLATION;
    name[len] = '\0';
    const struct bootfs_file *f = bootfs_find(name);
    if (!f)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    struct kfile *kf = kcalloc(1, sizeof *kf);
    if (!kf)
        return STATUS_NO_MEMORY;
    kobj_init(&kf->obj, &boot_file_type);
    kf->file = f;
    struct process *p = process_current();
    int rc = handle_insert(p, &kf->obj, &handle);
    kobj_unref(&kf->obj);
    if (rc)
        return status_from_errno(rc);
    if (copy_to_user(uptr(args[0]), &handle, sizeof handle) != 0) {
        handle_close(p, handle);
        return STATUS_ACCESS_VIOLATION;
    }
    return STATUS_SUCCESS;
}

static dormer_status_t read_boot_file(struct kfile *kf, const uint64_t *args)
{
    uint64_t len = args[2];

    if (kf->position >= kf->file->size && len > 0)
        return STATUS_END_OF_FILE;
    uint64_t n = kf->file->size - kf->position;
    if (n > len)
        n = len;
    if (copy_to_user(uptr(args[1]), kf->file->data + kf->position, n) != 0 ||
        copy_to_user(uptr(args[3]), &n, sizeof n) != 0)
        return STATUS_ACCESS_VIOLATION;
    kf->position += n;
    return STATUS_SUCCESS;
}

dormer_status_t sys_DmReadBootFile(const uint64_t *args)
{
    struct kobject *obj = handle_lookup(process_current(), args[0], NULL);
    uint64_t len = args[2], n = 0;
    dormer_status_t st;

    if (!obj || (obj->type != &boot_file_type && obj->type != &pipe_read_type)) {
        st = STATUS_INVALID_HANDLE;
        goto out;
    }
    if (!uaccess_range_ok(uptr(args[1]), len) ||
        copy_to_user(uptr(args[3]), &n, sizeof n) != 0) {
        st = STATUS_ACCESS_VIOLATION;
        goto out;
    }
    if (obj->type == &boot_file_type) {
        st = read_boot_file((struct kfile *)obj, args);
        goto out;
    }
    st = sys_pipe_read(obj, uptr(args[1]), len, &n);
    if (st != STATUS_SUCCESS)
        goto out;
    st = copy_to_user(uptr(args[3]), &n, sizeof n) ? STATUS_ACCESS_VIOLATION : STATUS_SUCCESS;
out:
    if (obj)
        kobj_unref(obj);
    return st;
}

dormer_status_t sys_DmWritePipe(const uint64_t *args)
{
    struct kobject *obj = handle_lookup(process_current(), args[0], &pipe_write_type);
    uint64_t n = 0;
    dormer_status_t st;

    if (!obj)
        return STATUS_INVALID_HANDLE;
    if (!uaccess_range_ok(uptr(args[1]), args[2]) ||
        copy_to_user(uptr(args[3]), &n, sizeof n) != 0) {
        st = STATUS_ACCESS_VIOLATION;
        goto out;
    }
    st = sys_pipe_write(obj, uptr(args[1]), args[2], &n);
    if (st != STATUS_SUCCESS)
        goto out;
    st = copy_to_user(uptr(args[3]), &n, sizeof n) ? STATUS_ACCESS_VIOLATION : STATUS_SUCCESS;
out:
    kobj_unref(obj);
    return st;
}

dormer_status_t sys_DmQueryBootFile(const uint64_t *args)
{
    struct kobject *obj = handle_lookup(process_current(), args[0], &boot_file_type);
    struct dormer_file_info info;
    dormer_status_t st = STATUS_SUCCESS;

    if (!obj)
        return STATUS_INVALID_HANDLE;
    if (args[2] < sizeof info) {
        st = STATUS_INFO_LENGTH_MISMATCH;
    } else {
        info.size = ((struct kfile *)obj)->file->size;
        info.position = ((struct kfile *)obj)->position;
        st = status_from_errno(copy_to_user(uptr(args[1]), &info, sizeof info));
    }
    kobj_unref(obj);
    return st;
}

dormer_status_t sys_DmQueryBootDirectory(const uint64_t *args)
{
    struct dormer_dir_entry entry;

    if (args[2] < sizeof entry)
        return STATUS_INFO_LENGTH_MISMATCH;
    if (!uaccess_range_ok(uptr(args[1]), sizeof entry))
        return STATUS_ACCESS_VIOLATION;
    const struct bootfs_file *f = bootfs_at(args[0]);
    if (!f)
        return STATUS_NO_MORE_FILES;
    memset(&entry, 0, sizeof entry);
    entry.size = f->size;
    strlcpy(entry.name, f->name, sizeof entry.name);
    return status_from_errno(copy_to_user(uptr(args[1]), &entry, sizeof entry));
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
    rc = handle_insert(p, r, &hr);
    if (!rc) {
        rc = handle_insert(p, w, &hw);
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
