/*
 * The process: its command line and start-up information, ending it, starting others,
 * the modules the loader mapped (found through the PEB's loader lists under the loader
 * lock, exports read from the images in memory), LoadLibrary (the search path built here,
 * as kernel32 builds it for LdrLoadDll; the loading in ntdll and the kernel), and what
 * the version calls report.
 */
#include "k32.h"

#define SYSTEM_DIR L"C:\\Windows\\System32"

/* ------------------------------------------------------------ command line ---- */

LPSTR WINAPI GetCommandLineA(void)
{
    return (LPSTR)DormerGetCommandLineA();
}

LPWSTR WINAPI GetCommandLineW(void)
{
    static WCHAR *wide;

    if (!__atomic_load_n(&wide, __ATOMIC_ACQUIRE)) {
        WCHAR *w = k32_to_wide(DormerGetCommandLineA()), *expect = NULL;
        if (!w)
            return (LPWSTR)L"";
        if (!__atomic_compare_exchange_n(&wide, &expect, w, 0, __ATOMIC_ACQ_REL,
                                         __ATOMIC_ACQUIRE))
            k32_free(w);
    }
    return wide;
}

void WINAPI GetStartupInfoA(LPSTARTUPINFOA info)
{
    memset(info, 0, sizeof *info);
    info->cb = sizeof *info;
    info->wShowWindow = SW_SHOWNORMAL;
}

void WINAPI GetStartupInfoW(LPSTARTUPINFOW info)
{
    memset(info, 0, sizeof *info);
    info->cb = sizeof *info;
    info->wShowWindow = SW_SHOWNORMAL;
}

void WINAPI ExitProcess(UINT code)
{
    DormerExitProcess(code);
}

BOOL WINAPI TerminateProcess(HANDLE process, UINT code)
{
    dormer_status_t st = NtTerminateProcess(k32_handle(process), code);
    return NT_SUCCESS(st) ? TRUE : k32_fail(st);
}

/* A STARTUPINFO standard handle as DmCreateProcessStd takes it: the caller's own for
 * NULL or the matching console handle, the console for another console handle. */
static dormer_handle_t std_for_child(HANDLE h, HANDLE own)
{
    if (!h || h == INVALID_HANDLE_VALUE || h == own)
        return 0;
    if (k32_is_console(h))
        return DORMER_STD_CONSOLE;
    return k32_handle(h);
}

/*
 * CreateProcess: the command line (or the application name when there is none) is run
 * with the caller's standard handles, or with those of the STARTUPINFO when it says
 * STARTF_USESTDHANDLES and handles are inherited (pipes and files, as on Windows).
 * With bInheritHandles the child also gets every inheritable handle at the same value.
 * The environment, current directory and other creation flags are not passed on yet.
 */
BOOL WINAPI CreateProcessA(LPCSTR app, LPSTR cmdline, LPSECURITY_ATTRIBUTES psa,
                           LPSECURITY_ATTRIBUTES tsa, BOOL inherit, DWORD flags, LPVOID env,
                           LPCSTR dir, LPSTARTUPINFOA si, LPPROCESS_INFORMATION pi)
{
    const char *line = cmdline && cmdline[0] ? cmdline : app;

    (void)psa;
    (void)tsa;
    (void)env;
    (void)dir;
    if (!line || !pi) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (flags & CREATE_SUSPENDED) {
        k32_set_error(ERROR_NOT_SUPPORTED);
        return FALSE;
    }
    dormer_handle_t in = 0, out = 0, err = 0;
    if (inherit && si && (si->dwFlags & STARTF_USESTDHANDLES)) {
        in = std_for_child(si->hStdInput, GetStdHandle(STD_INPUT_HANDLE));
        out = std_for_child(si->hStdOutput, GetStdHandle(STD_OUTPUT_HANDLE));
        err = std_for_child(si->hStdError, GetStdHandle(STD_ERROR_HANDLE));
    }
    struct dormer_process_create c = {
        .cmdline = (uint64_t)(uintptr_t)line,
        .cmdline_len = strlen(line),
        .std = { in, out, err },
        .flags = inherit ? DORMER_PROCESS_INHERIT_HANDLES : 0,
    };
    dormer_status_t st = DmCreateProcessEx(&c, sizeof c);
    if (!NT_SUCCESS(st))
        return k32_fail(st);
    pi->hProcess = (HANDLE)(uintptr_t)c.process;
    pi->hThread = (HANDLE)(uintptr_t)c.thread;
    pi->dwProcessId = (DWORD)c.pid;
    pi->dwThreadId = (DWORD)c.tid;
    return TRUE;
}

BOOL WINAPI CreateProcessW(LPCWSTR app, LPWSTR cmdline, LPSECURITY_ATTRIBUTES psa,
                           LPSECURITY_ATTRIBUTES tsa, BOOL inherit, DWORD flags, LPVOID env,
                           LPCWSTR dir, LPSTARTUPINFOW si, LPPROCESS_INFORMATION pi)
{
    char *a = app ? k32_to_ansi(app) : NULL, *c = cmdline ? k32_to_ansi(cmdline) : NULL;
    BOOL ok = FALSE;

    (void)dir;
    STARTUPINFOA sa_info;
    memset(&sa_info, 0, sizeof sa_info);
    sa_info.cb = sizeof sa_info;
    if (si) {
        sa_info.dwFlags = si->dwFlags;
        sa_info.hStdInput = si->hStdInput;
        sa_info.hStdOutput = si->hStdOutput;
        sa_info.hStdError = si->hStdError;
    }
    if ((!app || a) && (!cmdline || c))
        ok = CreateProcessA(a, c, psa, tsa, inherit, flags, env, NULL, si ? &sa_info : NULL, pi);
    k32_free(a);
    k32_free(c);
    return ok;
}

/* ----------------------------------------------------------------- modules ---- */

#define LDR_ENTRY(links, field)                                                          \
    ((struct dormer_ldr_entry *)(uintptr_t)((links) -                                   \
                                            __builtin_offsetof(struct dormer_ldr_entry, field)))

static WCHAR fold(WCHAR c)
{
    return (c >= 'a' && c <= 'z') || (c >= 0xe0 && c <= 0xfe && c != 0xf7) ? c - 0x20 : c;
}

/* Does a module named `name` (with or without ".dll") match entry e? */
static BOOL module_matches(const struct dormer_ldr_entry *e, const WCHAR *name)
{
    size_t i = 0;

    for (; name[i] && e->name[i] && i < 32; i++)
        if (fold(name[i]) != fold(e->name[i]))
            return FALSE;
    if (!name[i] && !e->name[i])
        return TRUE;
    /* "kernel32" names "kernel32.dll": Windows adds .dll when there is no extension. */
    if (!name[i]) {
        for (size_t j = 0; j < i; j++)
            if (name[j] == '.')
                return FALSE;
        const WCHAR *tail = e->name + i;
        return fold(tail[0]) == '.' && fold(tail[1]) == 'D' && fold(tail[2]) == 'L' &&
               fold(tail[3]) == 'L' && !tail[4];
    }
    return FALSE;
}

/* The loader entry of a module named `name` (a path's directory is ignored), or NULL. */
static struct dormer_ldr_entry *module_find(const WCHAR *name)
{
    struct dormer_peb *peb = DormerGetPeb();
    struct dormer_ldr_data *ldr = (struct dormer_ldr_data *)(uintptr_t)peb->ldr;
    uint64_t head = peb->ldr + __builtin_offsetof(struct dormer_ldr_data, in_load_order);

    for (const WCHAR *p = name; *p; p++)
        if (*p == '\\' || *p == '/')
            name = p + 1;
    for (uint64_t l = ldr->in_load_order.flink; l != head;) {
        struct dormer_ldr_entry *e = LDR_ENTRY(l, in_load_order_links);
        if (module_matches(e, name))
            return e;
        l = e->in_load_order_links.flink;
    }
    return NULL;
}

static struct dormer_ldr_entry *module_by_base(HMODULE base)
{
    struct dormer_peb *peb = DormerGetPeb();
    struct dormer_ldr_data *ldr = (struct dormer_ldr_data *)(uintptr_t)peb->ldr;
    uint64_t head = peb->ldr + __builtin_offsetof(struct dormer_ldr_data, in_load_order);

    for (uint64_t l = ldr->in_load_order.flink; l != head;) {
        struct dormer_ldr_entry *e = LDR_ENTRY(l, in_load_order_links);
        if (e->dll_base == (uint64_t)(uintptr_t)base)
            return e;
        l = e->in_load_order_links.flink;
    }
    return NULL;
}

/* The loader lock around a walk of the lists (a FreeLibrary may change them). */
static uint64_t loader_lock(void)
{
    uint64_t cookie = 0;

    LdrLockLoaderLock(0, NULL, &cookie);
    return cookie;
}

static void loader_unlock(uint64_t cookie)
{
    LdrUnlockLoaderLock(0, cookie);
}

HMODULE WINAPI GetModuleHandleW(LPCWSTR name)
{
    if (!name)
        return (HMODULE)(uintptr_t)DormerGetPeb()->image_base_address;
    uint64_t cookie = loader_lock();
    struct dormer_ldr_entry *e = module_find(name);
    HMODULE m = e ? (HMODULE)(uintptr_t)e->dll_base : NULL;
    loader_unlock(cookie);
    if (!m)
        k32_set_error(ERROR_MOD_NOT_FOUND);
    return m;
}

HMODULE WINAPI GetModuleHandleA(LPCSTR name)
{
    if (!name)
        return GetModuleHandleW(NULL);
    WCHAR *w = k32_to_wide(name);
    if (!w)
        return NULL;
    HMODULE m = GetModuleHandleW(w);
    k32_free(w);
    return m;
}

BOOL WINAPI GetModuleHandleExW(DWORD flags, LPCWSTR name, HMODULE *out)
{
    if (!out) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if ((flags & ~7u) || ((flags & GET_MODULE_HANDLE_EX_FLAG_PIN) &&
                          (flags & GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT))) {
        *out = NULL;
        k32_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    uint64_t cookie = loader_lock();
    if (flags & GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS) {
        MEMORY_BASIC_INFORMATION mi;
        if (!VirtualQuery(name, &mi, sizeof mi) || mi.Type != MEM_IMAGE ||
            !module_by_base((HMODULE)mi.AllocationBase))
            *out = NULL;
        else
            *out = (HMODULE)mi.AllocationBase;
    } else {
        *out = GetModuleHandleW(name);
    }
    /* Without UNCHANGED_REFCOUNT the handle counts as a LoadLibrary (PIN: for good). */
    if (*out && !(flags & GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT))
        DormerAddRefLibrary((uint64_t)(uintptr_t)*out, (flags & GET_MODULE_HANDLE_EX_FLAG_PIN) != 0);
    loader_unlock(cookie);
    if (!*out)
        k32_set_error(ERROR_MOD_NOT_FOUND);
    return *out != NULL;
}

BOOL WINAPI GetModuleHandleExA(DWORD flags, LPCSTR name, HMODULE *out)
{
    if ((flags & GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS) || !name)
        return GetModuleHandleExW(flags, (LPCWSTR)name, out);
    WCHAR *w = k32_to_wide(name);
    if (!w)
        return FALSE;
    BOOL ok = GetModuleHandleExW(flags, w, out);
    k32_free(w);
    return ok;
}

DWORD WINAPI GetModuleFileNameW(HMODULE module, LPWSTR buf, DWORD size)
{
    WCHAR path[MAX_PATH];
    size_t n = 0;
    uint64_t cookie = loader_lock();
    struct dormer_ldr_entry *e =
        module_by_base(module ? module : GetModuleHandleW(NULL));

    if (e) { /* the full path the loader found it at */
        const WCHAR *full = (const WCHAR *)(uintptr_t)e->full_dll_name.buffer;
        for (size_t i = 0; full && i < e->full_dll_name.length / 2 && n + 1 < MAX_PATH; i++)
            path[n++] = full[i];
    }
    loader_unlock(cookie);
    path[n] = 0;
    if (!e) {
        k32_set_error(ERROR_MOD_NOT_FOUND);
        return 0;
    }
    if (size == 0) {
        k32_set_error(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    /* Windows truncates, NUL-terminates and returns size with ERROR_INSUFFICIENT_BUFFER. */
    if (n + 1 > size) {
        memcpy(buf, path, (size - 1) * sizeof(WCHAR));
        buf[size - 1] = 0;
        k32_set_error(ERROR_INSUFFICIENT_BUFFER);
        return size;
    }
    memcpy(buf, path, (n + 1) * sizeof(WCHAR));
    k32_set_error(ERROR_SUCCESS);
    return (DWORD)n;
}

DWORD WINAPI GetModuleFileNameA(HMODULE module, LPSTR buf, DWORD size)
{
    WCHAR path[MAX_PATH];
    DWORD n = GetModuleFileNameW(module, path, MAX_PATH);

    if (n == 0)
        return 0;
    if (size == 0) {
        k32_set_error(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    DWORD i = 0;
    for (; i < n && i + 1 < size; i++)
        buf[i] = path[i] < 0x100 ? (char)path[i] : '?';
    buf[i] = 0;
    if (i < n) {
        k32_set_error(ERROR_INSUFFICIENT_BUFFER);
        return size;
    }
    return n;
}

/* Export lookup in a mapped image. Every offset is checked against SizeOfImage: the
 * image was validated by the kernel's loader, but the check costs little. */
static FARPROC export_lookup(HMODULE module, LPCSTR name, int depth);

static const IMAGE_EXPORT_DIRECTORY *export_dir(HMODULE module, DWORD *dir_rva,
                                                DWORD *dir_size, DWORD *image_size)
{
    const BYTE *base = (const BYTE *)module;
    const IMAGE_DOS_HEADER *dos = (const IMAGE_DOS_HEADER *)base;
    const IMAGE_NT_HEADERS64 *nt = (const IMAGE_NT_HEADERS64 *)(base + dos->e_lfanew);
    const IMAGE_OPTIONAL_HEADER64 *opt = &nt->OptionalHeader;

    *image_size = opt->SizeOfImage;
    if (opt->NumberOfRvaAndSizes <= IMAGE_DIRECTORY_ENTRY_EXPORT)
        return NULL;
    *dir_rva = opt->DataDirectory[IMAGE_DIRECTORY_ENTRY_EXPORT].VirtualAddress;
    *dir_size = opt->DataDirectory[IMAGE_DIRECTORY_ENTRY_EXPORT].Size;
    if (!*dir_rva || *dir_rva >= *image_size ||
        *image_size - *dir_rva < sizeof(IMAGE_EXPORT_DIRECTORY))
        return NULL;
    return (const IMAGE_EXPORT_DIRECTORY *)(base + *dir_rva);
}

/* "DLL.name" or "DLL.#ordinal": the export of another module. */
static FARPROC forward(const char *target, int depth)
{
    char dll[64];
    size_t i = 0;

    while (target[i] && target[i] != '.' && i < sizeof dll - 5) {
        dll[i] = target[i];
        i++;
    }
    if (target[i] != '.' || depth > 8)
        return NULL;
    dll[i] = 0;
    HMODULE m = GetModuleHandleA(dll);
    if (!m)
        m = LoadLibraryA(dll); /* as Windows, a forwarder's DLL is loaded when needed */
    if (!m)
        return NULL;
    const char *sym = target + i + 1;
    if (sym[0] == '#') {
        uintptr_t ord = 0;
        for (sym++; *sym >= '0' && *sym <= '9'; sym++)
            ord = ord * 10 + (uintptr_t)(*sym - '0');
        return export_lookup(m, (LPCSTR)ord, depth + 1);
    }
    return export_lookup(m, sym, depth + 1);
}

static FARPROC export_lookup(HMODULE module, LPCSTR name, int depth)
{
    const BYTE *base = (const BYTE *)module;
    DWORD dir_rva = 0, dir_size = 0, image_size = 0, index;
    const IMAGE_EXPORT_DIRECTORY *ed = export_dir(module, &dir_rva, &dir_size, &image_size);

    if (!ed)
        return NULL;
    const DWORD *funcs = (const DWORD *)(base + ed->AddressOfFunctions);
    if ((uintptr_t)name >> 16 == 0) {
        DWORD ord = (DWORD)(uintptr_t)name;
        if (ord < ed->Base || ord - ed->Base >= ed->NumberOfFunctions)
            return NULL;
        index = ord - ed->Base;
    } else {
        const DWORD *names = (const DWORD *)(base + ed->AddressOfNames);
        const WORD *ords = (const WORD *)(base + ed->AddressOfNameOrdinals);
        DWORD lo = 0, hi = ed->NumberOfNames;
        index = ~0u;
        while (lo < hi) { /* the name table is sorted */
            DWORD mid = lo + (hi - lo) / 2;
            if (names[mid] >= image_size)
                return NULL;
            int c = strcmp(name, (const char *)(base + names[mid]));
            if (c == 0) {
                index = ords[mid];
                break;
            }
            if (c < 0)
                hi = mid;
            else
                lo = mid + 1;
        }
        if (index >= ed->NumberOfFunctions)
            return NULL;
    }
    DWORD rva = funcs[index];
    if (!rva || rva >= image_size)
        return NULL;
    if (rva >= dir_rva && rva - dir_rva < dir_size)
        return forward((const char *)(base + rva), depth);
    return (FARPROC)(void *)(base + rva);
}

FARPROC WINAPI GetProcAddress(HMODULE module, LPCSTR name)
{
    if (!module)
        module = GetModuleHandleW(NULL);
    uint64_t cookie = loader_lock();
    FARPROC f = NULL;
    BOOL known = module_by_base(module) != NULL;
    if (known)
        f = export_lookup(module, name, 0);
    loader_unlock(cookie);
    if (!known)
        k32_set_error(ERROR_MOD_NOT_FOUND);
    else if (!f)
        k32_set_error(ERROR_PROC_NOT_FOUND);
    return f;
}

/* Appends "dir;" to the search list (a heap buffer, grown as needed). */
static BOOL search_add(char **list, size_t *len, size_t *cap, const char *dir, size_t n)
{
    if (n == 0)
        return TRUE;
    if (*len + n + 2 > *cap) {
        size_t want = (*len + n + 2) * 2;
        char *grown = HeapReAlloc(GetProcessHeap(), 0, *list, want);
        if (!grown)
            return FALSE;
        *list = grown;
        *cap = want;
    }
    memcpy(*list + *len, dir, n);
    *len += n;
    (*list)[(*len)++] = ';';
    (*list)[*len] = 0;
    return TRUE;
}

/* The directory part of a path, as a length ("C:\a\b.dll" -> 4; "C:\b.dll" -> 3). */
static size_t dir_len(const char *path)
{
    size_t n = 0;

    for (size_t i = 0; path[i]; i++)
        if (path[i] == '\\' || path[i] == '/' || path[i] == ':')
            n = i + 1;
    return n > 3 && path[n - 1] != ':' ? n - 1 : n;
}

/*
 * The directories LoadLibraryEx searches, Windows' safe DLL search mode: the program's
 * directory (the DLL's own for LOAD_WITH_ALTERED_SEARCH_PATH and a path), System32, the
 * Windows directory, the current directory, then PATH; with LOAD_LIBRARY_SEARCH_* flags
 * only the ones they name. Heap-allocated, or NULL with the last error set.
 */
static char *search_path(const char *name, DWORD flags)
{
    char exe[MAX_PATH];
    size_t len = 0, cap = 256;
    char *list = HeapAlloc(GetProcessHeap(), 0, cap);
    DWORD n = GetModuleFileNameA(NULL, exe, sizeof exe);
    size_t exe_dir = n && n < sizeof exe ? dir_len(exe) : 0;
    size_t own = dir_len(name);
    BOOL ok = TRUE;

    if (!list) {
        k32_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    list[0] = 0;
    const DWORD only = LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | LOAD_LIBRARY_SEARCH_APPLICATION_DIR |
                       LOAD_LIBRARY_SEARCH_USER_DIRS | LOAD_LIBRARY_SEARCH_SYSTEM32 |
                       LOAD_LIBRARY_SEARCH_DEFAULT_DIRS;
    if (flags & only) {
        if (flags & LOAD_LIBRARY_SEARCH_DEFAULT_DIRS)
            flags |= LOAD_LIBRARY_SEARCH_APPLICATION_DIR | LOAD_LIBRARY_SEARCH_SYSTEM32;
        if (flags & LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR)
            ok = search_add(&list, &len, &cap, name, own);
        if (ok && (flags & LOAD_LIBRARY_SEARCH_APPLICATION_DIR))
            ok = search_add(&list, &len, &cap, exe, exe_dir);
        if (ok && (flags & LOAD_LIBRARY_SEARCH_SYSTEM32))
            ok = search_add(&list, &len, &cap, "C:\\Windows\\System32", 19);
    } else {
        if ((flags & LOAD_WITH_ALTERED_SEARCH_PATH) && own)
            ok = search_add(&list, &len, &cap, name, own);
        else
            ok = search_add(&list, &len, &cap, exe, exe_dir);
        ok = ok && search_add(&list, &len, &cap, "C:\\Windows\\System32", 19) &&
             search_add(&list, &len, &cap, "C:\\Windows", 10) &&
             search_add(&list, &len, &cap, ".", 1);
        char path[2048];
        DWORD pn = GetEnvironmentVariableA("PATH", path, sizeof path);
        if (ok && pn && pn < sizeof path)
            ok = search_add(&list, &len, &cap, path, pn);
    }
    if (!ok) {
        HeapFree(GetProcessHeap(), 0, list);
        k32_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    return list;
}

HMODULE WINAPI LoadLibraryExA(LPCSTR name, HANDLE file, DWORD flags)
{
    const DWORD data = LOAD_LIBRARY_AS_DATAFILE | LOAD_LIBRARY_AS_DATAFILE_EXCLUSIVE |
                       LOAD_LIBRARY_AS_IMAGE_RESOURCE;
    uint64_t base = 0;

    if (!name || !name[0] || file) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if (flags & data) {
        /* A data mapping of an image already loaded is the image itself; Dormer cannot
         * map other files as data yet. */
        HMODULE m = GetModuleHandleA(name);
        if (!m)
            k32_set_error(ERROR_NOT_SUPPORTED);
        return m;
    }
    char *search = search_path(name, flags);
    if (!search)
        return NULL;
    dormer_status_t st = DormerLoadLibrary(
        name, search, (flags & DONT_RESOLVE_DLL_REFERENCES) ? DORMER_LOAD_NO_ENTRY : 0, &base);
    HeapFree(GetProcessHeap(), 0, search);
    if (!NT_SUCCESS(st)) {
        k32_fail(st);
        return NULL;
    }
    return (HMODULE)(uintptr_t)base;
}

HMODULE WINAPI LoadLibraryA(LPCSTR name)
{
    return LoadLibraryExA(name, NULL, 0);
}

HMODULE WINAPI LoadLibraryExW(LPCWSTR name, HANDLE file, DWORD flags)
{
    if (!name) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    char *a = k32_to_ansi(name);
    if (!a)
        return NULL;
    HMODULE m = LoadLibraryExA(a, file, flags);
    k32_free(a);
    return m;
}

HMODULE WINAPI LoadLibraryW(LPCWSTR name)
{
    return LoadLibraryExW(name, NULL, 0);
}

BOOL WINAPI FreeLibrary(HMODULE module)
{
    if (!module) {
        k32_set_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    dormer_status_t st = DormerFreeLibrary((uint64_t)(uintptr_t)module);
    return NT_SUCCESS(st) ? TRUE : k32_fail(st);
}

void WINAPI FreeLibraryAndExitThread(HMODULE module, DWORD code)
{
    FreeLibrary(module);
    ExitThread(code);
}

BOOL WINAPI DisableThreadLibraryCalls(HMODULE module)
{
    if (!DormerDisableThreadCalls((uint64_t)(uintptr_t)module)) {
        k32_set_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    return TRUE;
}

/* ----------------------------------------------------------------- version ---- */
/* Dormer answers as Windows 10 does to a program without a manifest: 6.2, build 9200. */

DWORD WINAPI GetVersion(void)
{
    return 6u | (2u << 8) | (9200u << 16);
}

BOOL WINAPI GetVersionExA(LPOSVERSIONINFOA v)
{
    if (!v || (v->dwOSVersionInfoSize != sizeof(OSVERSIONINFOA) &&
               v->dwOSVersionInfoSize != sizeof(OSVERSIONINFOEXA))) {
        k32_set_error(ERROR_INSUFFICIENT_BUFFER);
        return FALSE;
    }
    DWORD size = v->dwOSVersionInfoSize;
    memset((char *)v + sizeof size, 0, size - sizeof size);
    v->dwMajorVersion = 6;
    v->dwMinorVersion = 2;
    v->dwBuildNumber = 9200;
    v->dwPlatformId = VER_PLATFORM_WIN32_NT;
    return TRUE;
}

BOOL WINAPI GetVersionExW(LPOSVERSIONINFOW v)
{
    if (!v || (v->dwOSVersionInfoSize != sizeof(OSVERSIONINFOW) &&
               v->dwOSVersionInfoSize != sizeof(OSVERSIONINFOEXW))) {
        k32_set_error(ERROR_INSUFFICIENT_BUFFER);
        return FALSE;
    }
    DWORD size = v->dwOSVersionInfoSize;
    memset((char *)v + sizeof size, 0, size - sizeof size);
    v->dwMajorVersion = 6;
    v->dwMinorVersion = 2;
    v->dwBuildNumber = 9200;
    v->dwPlatformId = VER_PLATFORM_WIN32_NT;
    return TRUE;
}

static DWORD copy_out_wide(const WCHAR *src, LPWSTR buf, DWORD size)
{
    DWORD n = (DWORD)k32_wcslen(src);

    if (n + 1 > size)
        return n + 1;
    memcpy(buf, src, (n + 1) * sizeof(WCHAR));
    return n;
}

UINT WINAPI GetSystemDirectoryW(LPWSTR buf, UINT size)
{
    return copy_out_wide(SYSTEM_DIR, buf, size);
}

UINT WINAPI GetSystemDirectoryA(LPSTR buf, UINT size)
{
    return k32_copy_out_ansi(SYSTEM_DIR, buf, size);
}

UINT WINAPI GetWindowsDirectoryW(LPWSTR buf, UINT size)
{
    return copy_out_wide(L"C:\\Windows", buf, size);
}

UINT WINAPI GetWindowsDirectoryA(LPSTR buf, UINT size)
{
    return k32_copy_out_ansi(L"C:\\Windows", buf, size);
}

BOOL WINAPI GetComputerNameW(LPWSTR buf, LPDWORD size)
{
    DWORD n = copy_out_wide(L"DORMER", buf, *size);

    if (n >= *size) {
        *size = n;
        k32_set_error(ERROR_BUFFER_OVERFLOW);
        return FALSE;
    }
    *size = n;
    return TRUE;
}

BOOL WINAPI GetComputerNameA(LPSTR buf, LPDWORD size)
{
    DWORD n = k32_copy_out_ansi(L"DORMER", buf, *size);

    if (n >= *size) {
        *size = n;
        k32_set_error(ERROR_BUFFER_OVERFLOW);
        return FALSE;
    }
    *size = n;
    return TRUE;
}

/* A process by id: pid 0 and an id no process has are ERROR_INVALID_PARAMETER. */
HANDLE WINAPI OpenProcess(DWORD access, BOOL inherit, DWORD pid)
{
    dormer_handle_t h = 0;
    dormer_status_t st = DmOpenProcess(&h, access, pid, inherit ? 1 : 0);

    if (!NT_SUCCESS(st)) {
        k32_fail(st);
        return NULL;
    }
    return (HANDLE)h;
}
