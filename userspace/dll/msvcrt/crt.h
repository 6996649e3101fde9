/*
 * msvcrt's private header. The sources include mingw-w64's own CRT headers with the
 * import attribute switched off (_CRTIMP empty, set by the build), so every function
 * defined here is checked against the prototype programs are compiled with; kernel32
 * comes in through windows.h.
 */
#ifndef CRT_H
#define CRT_H

#include <windows.h>
#include <stdint.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <math.h>
#include <sys/stat.h>

/* Stream locks for _lock(n): 0-15 are the runtime's own, 16 + i is _iob[i]'s (the
 * numbering mingw's static code in every program relies on). */
#define CRT_LOCK_EXIT    8
#define CRT_LOCK_ENV     9
#define CRT_LOCK_FDS     10
#define CRT_LOCK_IOB     11 /* the list of open streams */
#define CRT_STREAM_LOCKS 16
#define CRT_IOB_ENTRIES  20
#define CRT_LOCKS        (CRT_STREAM_LOCKS + CRT_IOB_ENTRIES)

/* A FILE outside _iob[] is followed by its lock, as mingw's _lock_file expects. */
struct crt_filex {
    FILE f;
    CRITICAL_SECTION lock;
};

/* Stream flags in FILE._flag (msvcrt's values). */
#define CRT_IOREAD   0x0001
#define CRT_IOWRT    0x0002
#define CRT_IOMYBUF  0x0008
#define CRT_IOEOF    0x0010
#define CRT_IOERR    0x0020
#define CRT_IOSTRG   0x0040
#define CRT_IORW     0x0080
#define CRT_IONBF    0x0004
#define CRT_IOLBF    0x0040000 /* Dormer's: flush at each newline (a console stream) */
#define CRT_IOTMPBUF 0x1000

/* msvcrt's runtime locks (exported: mingw's static code takes them too). */
void __cdecl _lock(int n);
void __cdecl _unlock(int n);

void crt_lock_stream(FILE *f);
void crt_unlock_stream(FILE *f);

/* Flushes every stream (at exit and by _flushall). Returns how many are open. */
int crt_flush_all(void);

/* Low I/O: the Windows handle of fd, or INVALID_HANDLE_VALUE with errno = EBADF. */
HANDLE crt_fd_handle(int fd);
/* A new fd for handle h with _O_* flags, or -1 (errno set). */
int crt_fd_alloc(HANDLE h, int oflags);
/* Windows error -> errno, stored in errno and _doserrno. */
void crt_set_errno_from_win32(DWORD error);

/* The start-up entry points crt2.o calls, which no public header declares. */
struct crt_startupinfo {
    int newmode;
};
int __cdecl __getmainargs(int *argc, char ***argv, char ***envp, int wildcard,
                          struct crt_startupinfo *info);
int __cdecl __wgetmainargs(int *argc, wchar_t ***argv, wchar_t ***envp, int wildcard,
                           struct crt_startupinfo *info);
void __cdecl __set_app_type(int type);
void __cdecl _initterm(void(__cdecl **start)(void), void(__cdecl **end)(void));
int __cdecl _initterm_e(int(__cdecl **start)(void), int(__cdecl **end)(void));
_onexit_t __cdecl __dllonexit(_onexit_t fn, _onexit_t **begin, _onexit_t **end);
void __cdecl _cexit(void);
void __cdecl _c_exit(void);
void __cdecl _amsg_exit(int code);
unsigned int __cdecl ___lc_collate_cp_func(void);
int __cdecl _XcptFilter(unsigned long code, struct _EXCEPTION_POINTERS *info);
void __cdecl _lock_file(FILE *f);
void __cdecl _unlock_file(FILE *f);
extern char **__initenv;
extern wchar_t **__winitenv;
extern int __app_type;
extern unsigned int __lc_codepage;
extern char *_acmdln;
extern wchar_t *_wcmdln;

/* Start-up state kept for exit(), and the parts DllMainCRTStartup sets up. */
void crt_run_atexit(void);
void crt_stdio_init(void);
void crt_lowio_init(void);
void crt_env_init(void);
void crt_ctype_init(void);
void crt_time_init(void);

/* Per-thread runtime state (crt_startup.c): strtok's position and rand's seed. */
char **crt_strtok_state(void);
unsigned int *crt_rand_state(void);

/* msvcrt's printf conventions over mingw's conversions (crt_format.c): like vsnprintf
 * (buf may be NULL with n 0 to count) and vfprintf, returning the length or -1. */
int crt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int crt_vfprintf(FILE *f, const char *fmt, va_list ap);

/* mingw-w64's formatter and scanner (libmingwex), used for msvcrt's printf family. */
int __mingw_snprintf(char *buf, size_t n, const char *fmt, ...);
int __mingw_vsscanf(const char *s, const char *fmt, va_list ap);
int __mingw_vfscanf(FILE *f, const char *fmt, va_list ap);
int __mingw_vsnwprintf(wchar_t *buf, size_t n, const wchar_t *fmt, va_list ap);
int __mingw_vfwprintf(FILE *f, const wchar_t *fmt, va_list ap);
double __mingw_strtod(const char *s, char **end);

#endif
