/*
 * What ntdll's own files share: tiny string helpers (ntdll links against nothing) and the
 * loader's thread hook.
 */
#ifndef NTDLL_PRIV_H
#define NTDLL_PRIV_H

#include <stdint.h>

typedef int BOOL_T;

uint64_t ntdll_strlen(const char *s);
void ntdll_memcpy(void *dst, const void *src, uint64_t n);

/* A new thread's TLS copies and DLL_THREAD_ATTACH notifications (ldr.c). Called on the
 * new thread before its function runs; ends the thread if its TLS cannot be made. */
void ntdll_thread_attach(void);

/* Registers KiUserExceptionDispatcher with the kernel (except.c); at start-up. */
void ntdll_exceptions_init(void);

#endif
