/*
 * User-memory copies: range checks here, the fault-tolerant copy in the arch port.
 * No check-then-use: the range check only keeps kernel addresses out; whether the
 * pages are there is decided by the copy itself, atomically with the access.
 */
#include <arch/uaccess.h>
#include <lib/errno.h>

int copy_from_user_bytes(void *dst, uptr_t src, size_t len)
{
    if (!uaccess_range_ok(src, len))
        return K_EFAULT;
    return arch_copy_user(dst, (const void *)src.va, len) ? K_EFAULT : 0;
}

int copy_to_user_bytes(uptr_t dst, const void *src, size_t len)
{
    if (!uaccess_range_ok(dst, len))
        return K_EFAULT;
    return arch_copy_user((void *)dst.va, src, len) ? K_EFAULT : 0;
}

int clear_user(uptr_t dst, size_t len)
{
    if (!uaccess_range_ok(dst, len))
        return K_EFAULT;
    return arch_clear_user((void *)dst.va, len) ? K_EFAULT : 0;
}
