/*
 * Compiler hardening of debug kernels: the stack protector's guard word and failure
 * routine (gcc's -fstack-protector-strong with -mstack-protector-guard=global calls them
 * by these names). Release kernels are built without it and never reference them.
 */
#pragma once

#include <stdint.h>

/* The canary every protected frame holds below its return address. */
extern uintptr_t __stack_chk_guard;

/* Called by a protected function whose canary changed before it returned: the frame was
 * overwritten. Panics with the function's address and a backtrace; any context. */
__attribute__((noreturn)) void __stack_chk_fail(void);
