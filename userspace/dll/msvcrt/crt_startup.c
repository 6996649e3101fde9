/*
 * Start-up and exit: what mingw-w64's crt2.o (linked into every program) calls before
 * and after main: the split command line and environment (__getmainargs), the
 * initializer tables (_initterm), the exit list (_onexit, atexit), exit itself, the
 * runtime locks (_lock), errno, the C locale, and signal().
 */
#include "crt.h"

/* The headers define this one as a call of ___mb_cur_max_func, defined below. */
#undef __mb_cur_max
extern int __mb_cur_max;

/* --------------------------------------------------------------------- locks ---- */

static CRITICAL_SECTION locks[CRT_LOCKS];
static LONG locks_ready; /* 0 no, 1 being made, 2 yes */

static void locks_init(void)
{
    LONG was = InterlockedCompareExchange(&locks_ready, 1, 0);

    if (was == 0) {
        for (int i = 0; i < CRT_LOCKS; i++)
            InitializeCriticalSection(&locks[i]);
        InterlockedExchange(&locks_ready, 2);
        return;
    }
    while (locks_ready != 2)
        Sleep(0);
}

void __cdecl _lock(int n)
{
    if (locks_ready != 2)
        locks_init();
    if (n >= 0 && n < CRT_LOCKS)
        EnterCriticalSection(&locks[n]);
}

void __cdecl _unlock(int n)
{
    if (n >= 0 && n < CRT_LOCKS)
        LeaveCriticalSection(&locks[n]);
}

/* --------------------------------------------------------------------- errno ---- */
/* Per thread, in a TLS slot (a static for the first thread when TLS is unavailable). */

struct crt_thread {
    int err;
    unsigned long doserr;
    char *strtok_next;
    unsigned int rand_seed;
};

static DWORD thread_slot = TLS_OUT_OF_INDEXES;
static struct crt_thread first_thread = {.rand_seed = 1};

static struct crt_thread *crt_thread(void)
{
    if (thread_slot == TLS_OUT_OF_INDEXES)
        return &first_thread;
    DWORD saved = GetLastError();
    struct crt_thread *t = TlsGetValue(thread_slot);
    if (!t) {
        t = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *t);
        if (!t)
            t = &first_thread;
        t->rand_seed = 1;
        TlsSetValue(thread_slot, t);
    }
    SetLastError(saved);
    return t;
}

int *__cdecl _errno(void)
{
    return &crt_thread()->err;
}

unsigned long *__cdecl __doserrno(void)
{
    return &crt_thread()->doserr;
}

char **crt_strtok_state(void)
{
    return &crt_thread()->strtok_next;
}

unsigned int *crt_rand_state(void)
{
    return &crt_thread()->rand_seed;
}

errno_t __cdecl _get_errno(int *value)
{
    if (!value)
        return EINVAL;
    *value = errno;
    return 0;
}

errno_t __cdecl _set_errno(int value)
{
    errno = value;
    return 0;
}

struct errmap {
    DWORD win;
    int err;
};

static const struct errmap errmap[] = {
    {ERROR_FILE_NOT_FOUND, ENOENT}, {ERROR_PATH_NOT_FOUND, ENOENT},
    {ERROR_TOO_MANY_OPEN_FILES, EMFILE}, {ERROR_ACCESS_DENIED, EACCES},
    {ERROR_INVALID_HANDLE, EBADF}, {ERROR_NOT_ENOUGH_MEMORY, ENOMEM},
    {ERROR_OUTOFMEMORY, ENOMEM}, {ERROR_INVALID_DRIVE, ENOENT},
    {ERROR_CURRENT_DIRECTORY, EACCES}, {ERROR_NOT_SAME_DEVICE, EXDEV},
    {ERROR_NO_MORE_FILES, ENOENT}, {ERROR_WRITE_PROTECT, EACCES},
    {ERROR_SHARING_VIOLATION, EACCES}, {ERROR_LOCK_VIOLATION, EACCES},
    {ERROR_HANDLE_EOF, 0}, {ERROR_FILE_EXISTS, EEXIST}, {ERROR_ALREADY_EXISTS, EEXIST},
    {ERROR_INVALID_PARAMETER, EINVAL}, {ERROR_BROKEN_PIPE, EPIPE},
    {ERROR_DISK_FULL, ENOSPC}, {ERROR_DIR_NOT_EMPTY, ENOTEMPTY},
    {ERROR_INVALID_NAME, ENOENT}, {ERROR_BAD_PATHNAME, ENOENT},
    {ERROR_DIRECTORY, ENOTDIR}, {ERROR_NEGATIVE_SEEK, EINVAL},
    {ERROR_BAD_EXE_FORMAT, ENOEXEC}, {ERROR_MOD_NOT_FOUND, ENOENT},
};

void crt_set_errno_from_win32(DWORD error)
{
    *__doserrno() = error;
    for (size_t i = 0; i < sizeof errmap / sizeof errmap[0]; i++) {
        if (errmap[i].win == error) {
            errno = errmap[i].err;
            return;
        }
    }
    errno = EINVAL; /* msvcrt's default for an error it has no mapping for */
}

/* ------------------------------------------------------------------- locale ---- */

static struct lconv c_lconv = {
    .decimal_point = ".", .thousands_sep = "", .grouping = "",
    .int_curr_symbol = "", .currency_symbol = "", .mon_decimal_point = "",
    .mon_thousands_sep = "", .mon_grouping = "", .positive_sign = "", .negative_sign = "",
    .int_frac_digits = CHAR_MAX, .frac_digits = CHAR_MAX, .p_cs_precedes = CHAR_MAX,
    .p_sep_by_space = CHAR_MAX, .n_cs_precedes = CHAR_MAX, .n_sep_by_space = CHAR_MAX,
    .p_sign_posn = CHAR_MAX, .n_sign_posn = CHAR_MAX,
};

struct lconv *__cdecl localeconv(void)
{
    return &c_lconv;
}

/* Only the "C" locale exists; "" (the user's) is C too, as for a program on Windows
 * whose user locale is English with code page 1252... except in its name. */
char *__cdecl setlocale(int category, const char *locale)
{
    if (category < LC_ALL || category > LC_MAX)
        return NULL;
    if (!locale || !locale[0] || strcmp(locale, "C") == 0)
        return (char *)"C";
    return NULL;
}

unsigned int __cdecl ___lc_codepage_func(void)
{
    return __lc_codepage;
}

int __cdecl ___mb_cur_max_func(void)
{
    return __mb_cur_max;
}

unsigned int __cdecl ___lc_collate_cp_func(void)
{
    return __lc_codepage;
}

/* ------------------------------------------------------------ command line ---- */

/*
 * Splits a command line as msvcrt does: whitespace separates arguments, "..." groups,
 * 2n backslashes before a quote give n and the quote toggles, 2n+1 give n and a
 * literal quote, other backslashes are literal; "" inside quotes is a literal quote.
 * argv is written when not NULL; returns the argument count; *chars counts the bytes.
 */
static int split_args(const char *s, char **argv, char *buf, size_t *chars)
{
    int argc = 0;
    size_t n = 0;

    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        if (argv)
            argv[argc] = buf + n;
        argc++;
        int quoted = 0;
        while (*s && (quoted || (*s != ' ' && *s != '\t'))) {
            if (*s == '\\') {
                size_t bs = 0;
                while (*s == '\\') {
                    bs++;
                    s++;
                }
                if (*s == '"') {
                    for (size_t i = 0; i < bs / 2; i++, n++)
                        if (buf)
                            buf[n] = '\\';
                    if (bs % 2) {
                        if (buf)
                            buf[n] = '"';
                        n++;
                        s++;
                    }
                } else {
                    for (size_t i = 0; i < bs; i++, n++)
                        if (buf)
                            buf[n] = '\\';
                }
                continue;
            }
            if (*s == '"') {
                if (quoted && s[1] == '"') {
                    if (buf)
                        buf[n] = '"';
                    n++;
                    s += 2;
                    continue;
                }
                quoted = !quoted;
                s++;
                continue;
            }
            if (buf)
                buf[n] = *s;
            n++;
            s++;
        }
        if (buf)
            buf[n] = 0;
        n++;
    }
    if (argv)
        argv[argc] = NULL;
    *chars = n;
    return argc;
}

static void build_argv(void)
{
    size_t chars = 0;
    int argc = split_args(_acmdln, NULL, NULL, &chars);
    char **argv = HeapAlloc(GetProcessHeap(), 0, (argc + 1) * sizeof(char *) + chars + 1);

    if (!argv) {
        static char *none[1];
        __argv = none;
        __argc = 0;
        return;
    }
    split_args(_acmdln, argv, (char *)(argv + argc + 1), &chars);
    __argc = argc;
    __argv = argv;
}

static void build_wargv(void)
{
    wchar_t **w = HeapAlloc(GetProcessHeap(), 0, (__argc + 1) * sizeof(wchar_t *));

    for (int i = 0; w && i < __argc; i++) {
        int n = MultiByteToWideChar(CP_ACP, 0, __argv[i], -1, NULL, 0);
        w[i] = HeapAlloc(GetProcessHeap(), 0, (size_t)n * sizeof(wchar_t));
        if (w[i])
            MultiByteToWideChar(CP_ACP, 0, __argv[i], -1, w[i], n);
    }
    if (w)
        w[__argc] = NULL;
    __wargv = w;
}

int __cdecl __getmainargs(int *argc, char ***argv, char ***envp, int wildcard,
                          struct crt_startupinfo *info)
{
    (void)wildcard; /* Dormer's msvcrt does not expand wildcards, as msvcrt by default */
    (void)info;
    *argc = __argc;
    *argv = __argv;
    *envp = _environ;
    return 0;
}

int __cdecl __wgetmainargs(int *argc, wchar_t ***argv, wchar_t ***envp, int wildcard,
                           struct crt_startupinfo *info)
{
    (void)wildcard;
    (void)info;
    if (!__wargv)
        build_wargv();
    *argc = __argc;
    *argv = __wargv;
    *envp = _wenviron;
    return 0;
}

void __cdecl __set_app_type(int type)
{
    __app_type = type;
}

void __cdecl __setusermatherr(int(__cdecl *handler)(struct _exception *))
{
    (void)handler; /* math errors set errno; no matherr callback */
}

int __cdecl _set_error_mode(int mode)
{
    static int error_mode;
    int old = error_mode;

    if (mode != _REPORT_ERRMODE)
        error_mode = mode;
    return old;
}

/* ------------------------------------------------------------ initializers ---- */

typedef void(__cdecl *crt_fn)(void);
typedef int(__cdecl *crt_fn_e)(void);

void __cdecl _initterm(crt_fn *start, crt_fn *end)
{
    for (; start < end; start++)
        if (*start)
            (*start)();
}

int __cdecl _initterm_e(crt_fn_e *start, crt_fn_e *end)
{
    for (; start < end; start++) {
        if (*start) {
            int r = (*start)();
            if (r)
                return r;
        }
    }
    return 0;
}

/* -------------------------------------------------------------------- exit ---- */
/* The exit list grows in heap blocks; functions run last registered first. */

static _onexit_t *exit_fns;
static size_t exit_count, exit_cap;

_onexit_t __cdecl _onexit(_onexit_t fn)
{
    _onexit_t ret = fn;

    _lock(CRT_LOCK_EXIT);
    if (exit_count == exit_cap) {
        size_t cap = exit_cap ? exit_cap * 2 : 32;
        _onexit_t *grown = exit_fns ? HeapReAlloc(GetProcessHeap(), 0, exit_fns, cap * sizeof fn)
                                    : HeapAlloc(GetProcessHeap(), 0, cap * sizeof fn);
        if (!grown) {
            ret = NULL;
            goto out;
        }
        exit_fns = grown;
        exit_cap = cap;
    }
    exit_fns[exit_count++] = fn;
out:
    _unlock(CRT_LOCK_EXIT);
    return ret;
}

int __cdecl atexit(void(__cdecl *fn)(void))
{
    return _onexit((_onexit_t)(void *)fn) ? 0 : -1;
}

/* A DLL's own exit list (mingw's dllcrt2 keeps it in the DLL): appended to in place. */
_onexit_t __cdecl __dllonexit(_onexit_t fn, _onexit_t **begin, _onexit_t **end)
{
    size_t n = (size_t)(*end - *begin);
    _onexit_t *grown = *begin ? HeapReAlloc(GetProcessHeap(), 0, *begin, (n + 1) * sizeof fn)
                              : HeapAlloc(GetProcessHeap(), 0, (n + 1) * sizeof fn);

    if (!grown)
        return NULL;
    grown[n] = fn;
    *begin = grown;
    *end = grown + n + 1;
    return fn;
}

void crt_run_atexit(void)
{
    for (;;) {
        _onexit_t fn = NULL;
        _lock(CRT_LOCK_EXIT);
        if (exit_count)
            fn = exit_fns[--exit_count];
        _unlock(CRT_LOCK_EXIT);
        if (!fn)
            break;
        fn();
    }
}

static LONG exiting;


static void crt_terminate(int code, int run_handlers)
{
    if (InterlockedExchange(&exiting, 1) == 0 && run_handlers)
        crt_run_atexit();
    crt_flush_all();
    ExitProcess((UINT)code);
}

void __cdecl exit(int code)
{
    crt_terminate(code, 1);
    __builtin_unreachable();
}

void __cdecl _exit(int code)
{
    ExitProcess((UINT)code);
    __builtin_unreachable();
}

void __cdecl _Exit(int code)
{
    ExitProcess((UINT)code);
    __builtin_unreachable();
}

void __cdecl _cexit(void)
{
    if (InterlockedExchange(&exiting, 1) == 0)
        crt_run_atexit();
    crt_flush_all();
}

void __cdecl _c_exit(void)
{
    crt_flush_all();
}

/* msvcrt's runtime error R6xxx, then exit code 255. */
void __cdecl _amsg_exit(int code)
{
    fprintf(stderr, "runtime error R60%02d\n", code);
    _exit(255);
}

/* --------------------------------------------------------------------- signal ---- */

static __p_sig_fn_t handlers[NSIG];

__p_sig_fn_t __cdecl signal(int sig, __p_sig_fn_t fn)
{
    if (sig != SIGINT && sig != SIGILL && sig != SIGFPE && sig != SIGSEGV && sig != SIGTERM &&
        sig != SIGBREAK && sig != SIGABRT && sig != SIGABRT_COMPAT) {
        errno = EINVAL;
        return SIG_ERR;
    }
    if (sig == SIGABRT_COMPAT)
        sig = SIGABRT;
    __p_sig_fn_t old = handlers[sig];
    handlers[sig] = fn;
    return old;
}

int __cdecl raise(int sig)
{
    if (sig == SIGABRT_COMPAT)
        sig = SIGABRT;
    if (sig <= 0 || sig >= NSIG) {
        errno = EINVAL;
        return -1;
    }
    __p_sig_fn_t fn = handlers[sig];
    if (fn == SIG_IGN)
        return 0;
    if (fn == SIG_DFL || !fn) {
        /* msvcrt's default: exit code 3 for SIGABRT and the others */
        crt_flush_all();
        ExitProcess(3);
    }
    handlers[sig] = SIG_DFL; /* reset before the call, as msvcrt does */
    fn(sig);
    return 0;
}

void __cdecl abort(void)
{
    fputs("\nThis application has requested the Runtime to terminate it in an unusual way.\n"
          "Please contact the application's support team for more information.\n", stderr);
    raise(SIGABRT);
    _exit(3);
}

/* ------------------------------------------------------------ exceptions ---- */
/* __C_specific_handler is ntdll's (crt_seh.S). */

/* After a stack overflow was handled, the stack has no guard page left (the handler ran
 * on the last room of the reserve), so the next overflow would have nowhere to go.
 * As msvcrt's does: the dead stack below the caller is decommitted and the page below
 * the caller's becomes the guard again. Nonzero on success; 0 when the caller is itself
 * too deep in the stack to leave any room. */
int __cdecl _resetstkoflw(void)
{
    MEMORY_BASIC_INFORMATION m;
    uintptr_t page = 4096, sp = (uintptr_t)__builtin_frame_address(0) & ~(page - 1);

    if (!VirtualQuery((const void *)sp, &m, sizeof m))
        return 0;
    uintptr_t base = (uintptr_t)m.AllocationBase, guard = sp - page;
    /* The lowest page is never stack; keep more than the overflow room above it. */
    if (guard < base + 8 * page)
        return 0;
    if (VirtualQuery((const void *)guard, &m, sizeof m) && (m.Protect & PAGE_GUARD))
        return 1;
    if (!VirtualFree((void *)(base + page), guard - base - page, MEM_DECOMMIT))
        return 0;
    return VirtualAlloc((void *)guard, page, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD) != NULL;
}

int __cdecl _XcptFilter(unsigned long code, struct _EXCEPTION_POINTERS *info)
{
    (void)code;
    (void)info;
    return EXCEPTION_CONTINUE_SEARCH;
}

/* ------------------------------------------------------------- DLL entry ---- */

BOOL WINAPI DllMainCRTStartup(HINSTANCE instance, DWORD reason, LPVOID reserved);

BOOL WINAPI DllMainCRTStartup(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH) {
        thread_slot = TlsAlloc();
        if (thread_slot != TLS_OUT_OF_INDEXES)
            TlsSetValue(thread_slot, &first_thread);
        locks_init();
        crt_ctype_init();
        crt_time_init();
        _acmdln = GetCommandLineA();
        _wcmdln = GetCommandLineW();
        build_argv();
        crt_env_init();
        __initenv = _environ;
        crt_stdio_init();
    }
    return TRUE;
}
