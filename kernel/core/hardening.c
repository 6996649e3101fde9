/*
 * The stack protector's runtime for debug kernels (see <core/hardening.h>). One global
 * guard rather than a per-CPU one (gcc's default reads %fs:0x28, which the kernel does
 * not set up); its value is fixed at build time so no frame alive before and after a
 * change could fail, and it holds a NUL and a newline byte so string copies stop at it.
 */
#include <core/hardening.h>
#include <core/panic.h>

uintptr_t __stack_chk_guard = 0x5e0a00d1c7f39b6bull;

void __stack_chk_fail(void)
{
    panic("stack protector: the frame of %pS was overwritten (its canary changed)",
          (char *)__builtin_return_address(0) - 1 /* the call is the last instruction */);
}
