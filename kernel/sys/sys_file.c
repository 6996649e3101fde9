/*
 * File calls over the boot file system: open by name (case-insensitive), read
 * sequentially, query size and position, close. Handles are per process.
 */
#include <abi/types.h>
#include <arch/uaccess.h>
#include <fs/bootfs.h>
#include <lib/errno.h>
#include <proc/process.h>
#include <sys/syscall.h>

dormer_status_t sys_NtOpenFile(const uint64_t *args)
{
    char name[BOOTFS_NAME_MAX];
    uint64_t len = args[2], handle;

    handle = 0;
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
    struct process *p = process_current();
    int rc = handle_alloc(p, HANDLE_FILE, &handle);
    if (rc)
        return status_from_errno(rc);
    handle_get(p, handle, HANDLE_FILE)->u.file.file = f;
    if (copy_to_user(uptr(args[0]), &handle, sizeof handle) != 0) {
        handle_close(p, handle);
        return STATUS_ACCESS_VIOLATION;
    }
    return STATUS_SUCCESS;
}

dormer_status_t sys_NtReadFile(const uint64_t *args)
{
    struct handle_entry *h = handle_get(process_current(), args[0], HANDLE_FILE);
    uint64_t len = args[2];

    if (!h)
        return STATUS_INVALID_HANDLE;
    if (!uaccess_range_ok(uptr(args[1]), len) || !uaccess_range_ok(uptr(args[3]), 8))
        return STATUS_ACCESS_VIOLATION;
    struct open_file *of = &h->u.file;
    uint64_t n = 0;
    if (copy_to_user(uptr(args[3]), &n, sizeof n) != 0)
        return STATUS_ACCESS_VIOLATION;
    if (of->position >= of->file->size && len > 0)
        return STATUS_END_OF_FILE;
    n = of->file->size - of->position;
    if (n > len)
        n = len;
    if (copy_to_user(uptr(args[1]), of->file->data + of->position, n) != 0 ||
        copy_to_user(uptr(args[3]), &n, sizeof n) != 0)
        return STATUS_ACCESS_VIOLATION;
    of->position += n;
    return STATUS_SUCCESS;
}

dormer_status_t sys_NtQueryInformationFile(const uint64_t *args)
{
    struct handle_entry *h = handle_get(process_current(), args[0], HANDLE_FILE);
    struct dormer_file_info info;

    if (!h)
        return STATUS_INVALID_HANDLE;
    if (args[2] < sizeof info)
        return STATUS_INFO_LENGTH_MISMATCH;
    info.size = h->u.file.file->size;
    info.position = h->u.file.position;
    return status_from_errno(copy_to_user(uptr(args[1]), &info, sizeof info));
}

dormer_status_t sys_NtClose(const uint64_t *args)
{
    return status_from_errno(handle_close(process_current(), args[0]));
}
