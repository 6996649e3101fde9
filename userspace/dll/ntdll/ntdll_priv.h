/*
 * What ntdll's own files share: the loader's thread hook and lock. (Strings come from
 * the library shared with the kernel, <lib/string.h>; ntdll links against nothing else.)
 */
#ifndef NTDLL_PRIV_H
#define NTDLL_PRIV_H

#include <stdint.h>

typedef int BOOL_T;

/* A new thread's TLS copies and DLL_THREAD_ATTACH notifications (ldr.c). Called on the
 * new thread before its function runs; ends the thread if its TLS cannot be made. */
void ntdll_thread_attach(void);

struct dormer_ldr_entry;
/* The loader lock (ldr_dynamic.c): recursive, held around every walk or change of the
 * loader lists and every entry point call. */
void ntdll_loader_lock(void);
void ntdll_loader_unlock(void);
/* TLS callbacks of the image at base (ldr.c). */
void ntdll_run_tls_callbacks(uint64_t base, uint32_t reason);
/* TLS of an image loaded or unloaded at run time (ldr.c), loader lock held. */
void ntdll_tls_add_image(struct dormer_ldr_entry *e);
void ntdll_tls_remove_image(const struct dormer_ldr_entry *e);
/* Registers KiUserExceptionDispatcher with the kernel (except.c); at start-up. */
void ntdll_exceptions_init(void);

#endif
