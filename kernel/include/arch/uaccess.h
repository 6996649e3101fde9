/*
 * The only way kernel code touches user memory. A user address is a distinct type
 * that cannot be dereferenced; the copy routines check the range lies in the user
 * half, then copy with user access enabled (SMAP's AC flag) and recover from a
 * fault through the exception table. They cooperate with demand paging: a fault
 * on committed-but-untouched user memory is resolved and the copy goes on.
 */
#ifndef ARCH_UACCESS_H
#define ARCH_UACCESS_H

#include <arch/layout.h>
#include <lib/errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t va;
} uptr_t;

static inline uptr_t uptr(uint64_t va)
{
    return (uptr_t){ va };
}

static inline uptr_t uptr_add(uptr_t p, uint64_t off)
{
    return (uptr_t){ p.va + off };
}

/* Is [va, va + len) entirely inside the user half (and not wrapping)? */
static inline bool uaccess_range_ok(uptr_t p, size_t len)
{
    const uint64_t span = USER_END - USER_BASE;

    if (len == 0)
        return p.va <= USER_END;
    /* One unsigned compare for a constant length: below USER_BASE wraps to huge. */
    return len <= span && p.va - USER_BASE <= span - len;
}

/* Raw helpers (arch): one quadword with user access enabled, no range check; 0, or
 * nonzero on a fault. */
int arch_put_user_u64(uint64_t *dst, uint64_t value);
int arch_get_user_u64(uint64_t *dst, const uint64_t *src);

int copy_from_user_bytes(void *dst, uptr_t src, size_t len);
int copy_to_user_bytes(uptr_t dst, const void *src, size_t len);

/* Copy len bytes; 0 or K_EFAULT (bad range, unmapped, or not allowed). Kernel
 * threads with a user space active; may take (and resolve) page faults. A copy of
 * one quadword (a count, a handle, a pointer: most system calls' results) is a
 * single move. */
static inline __attribute__((always_inline)) int copy_from_user(void *dst, uptr_t src,
                                                                size_t len)
{
    if (__builtin_constant_p(len) && len == sizeof(uint64_t)) {
        uint64_t v;
        if (!uaccess_range_ok(src, len) || arch_get_user_u64(&v, (const uint64_t *)src.va))
            return K_EFAULT;
        __builtin_memcpy(dst, &v, sizeof v);
        return 0;
    }
    return copy_from_user_bytes(dst, src, len);
}

static inline __attribute__((always_inline)) int copy_to_user(uptr_t dst, const void *src,
                                                              size_t len)
{
    if (__builtin_constant_p(len) && len == sizeof(uint64_t)) {
        uint64_t v;
        __builtin_memcpy(&v, src, sizeof v);
        if (!uaccess_range_ok(dst, len) || arch_put_user_u64((uint64_t *)dst.va, v))
            return K_EFAULT;
        return 0;
    }
    return copy_to_user_bytes(dst, src, len);
}

/* Fill len bytes of user memory with zero. */
int clear_user(uptr_t dst, size_t len);

/*
 * A window in which kernel code may dereference user pointers directly (the
 * loader, working on an image it has just committed). Returns the state to pass to
 * arch_user_access_end. Faults inside are resolved by demand paging or are fatal:
 * only touch memory known to be committed.
 */
uint64_t arch_user_access_begin(void);
void arch_user_access_end(uint64_t state);

/* Raw helpers (arch): copy with user access enabled, no range check. Return the
 * number of bytes NOT copied (0 on success). */
size_t arch_copy_user(void *dst, const void *src, size_t len);
size_t arch_clear_user(void *dst, size_t len);

#endif
