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
    return p.va + len >= p.va && p.va + len <= USER_END && (len == 0 || p.va >= USER_BASE);
}

/* Copy len bytes; 0 or K_EFAULT (bad range, unmapped, or not allowed). Kernel
 * threads with a user space active; may take (and resolve) page faults. */
int copy_from_user(void *dst, uptr_t src, size_t len);
int copy_to_user(uptr_t dst, const void *src, size_t len);

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
