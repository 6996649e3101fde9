/*
 * kernel32's private header: Windows' own declarations (windows.h with _KERNEL32_, so
 * every function defined here is checked against the prototype Windows code compiles
 * with) after Dormer's native API, plus the few helpers the kernel32 files share.
 */
#ifndef K32_H
#define K32_H

#define _KERNEL32_
#include <dormer.h>
#include <windows.h>

/* Console handles: the values NT 6.1 gave them (low bits 11), so they never collide
 * with kernel handles, which are multiples of 4. */
#define K32_CONSOLE_INPUT  ((HANDLE)(uintptr_t)3)
#define K32_CONSOLE_OUTPUT ((HANDLE)(uintptr_t)7)
#define K32_CONSOLE_ERROR  ((HANDLE)(uintptr_t)11)

static inline BOOL k32_is_console(HANDLE h)
{
    return ((uintptr_t)h & 3) == 3 && (uintptr_t)h <= 11;
}

static inline dormer_handle_t k32_handle(HANDLE h)
{
    return (dormer_handle_t)(uintptr_t)h;
}

/* Windows' error code for an NTSTATUS (RtlNtStatusToDosError's table). */
DWORD k32_status_to_error(dormer_status_t status);

/* Sets the thread's last error from status and returns FALSE: for `return k32_fail(st);`. */
BOOL k32_fail(dormer_status_t status);

/* Sets the thread's last error (SetLastError without the export). */
static inline void k32_set_error(DWORD error)
{
    DormerGetTeb()->last_error_value = error;
}

/* UTF-16 <-> the process code page (1252) or UTF-8, for the A entry points. Returns a
 * heap copy (free with k32_free) or NULL with the last error set. */
WCHAR *k32_to_wide(const char *s);
char *k32_to_ansi(const WCHAR *s);
void k32_free(void *p);

/* Copies a UTF-16 result into an A caller's buffer, Windows' way: the length without
 * the NUL when it fits, else the size needed with the NUL (nothing written). */
DWORD k32_copy_out_ansi(const WCHAR *src, char *buf, DWORD size);

size_t k32_wcslen(const WCHAR *s);
WCHAR *k32_wcschr(const WCHAR *s, WCHAR c);

/* CreateThread with CREATE_SUSPENDED (k32_suspend.c): the thread waits for ResumeThread
 * before it runs start. Returns the handle, or NULL with the last error set. */
HANDLE k32_create_suspended_thread(SIZE_T stack, LPTHREAD_START_ROUTINE start, LPVOID arg,
                                   LPDWORD id);

/* The id of a thread handle (or the pseudo-handle -2) in *tid; FALSE with the last
 * error set for a bad handle (k32_thread.c). */
BOOL k32_thread_id(HANDLE thread, DWORD *tid);

/* Remembers the Windows priority SetThreadPriority gave thread, for GetThreadPriority
 * (k32_affinity.c). */
void k32_record_priority(HANDLE thread, int priority);

/* The process heap, made on first use. */
HANDLE k32_process_heap(void);

/* Milliseconds to the kernel's timeout (INFINITE -> forever). */
static inline uint64_t k32_timeout(DWORD ms)
{
    return ms == INFINITE ? DORMER_INFINITE : ms;
}

#endif
