/*
 * The process: its command line and start-up information, ending it, starting others,
 * the modules the loader mapped (found through the PEB's loader lists, exports read
 * from the images in memory), and what the version calls report. Dormer has no
 * LoadLibrary of new images yet: LoadLibrary finds DLLs already in the process.
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

/*
 * CreateProcess: the command line (or the application name when there is none) is run
 * with the caller's console. Handles, environment, current directory and creation
 * flags other than the console ones are not passed on yet.
 */
BOOL WINAPI CreateProcessA(LPCSTR app, LPSTR cmdline, LPSECURITY_ATTRIBUTES psa,
                           LPSECURITY_ATTRIBUTES tsa, BOOL inherit, DWORD flags, LPVOID env,
                           LPCSTR dir, LPSTARTUPINFOA si, LPPROCESS_INFORMATION pi)
{
    const char *line = cmdline && cmdline[0] ? cmdline : app;
    dormer_handle_t h = 0;
    uint64_t pid = 0;

    (void)psa;
    (void)tsa;
    (void)inherit;
    (void)env;
    (void)dir;
    (void)si;
    if (!line || !pi) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (flags & CREATE_SUSPENDED) {
        k32_set_error(ERROR_NOT_SUPPORTED);
        return FALSE;
    }
    dormer_status_t st = NtCreateProcess(&h, line, strlen(line), 0);
    if (!NT_SUCCESS(st))
        return k32_fail(st);
    DmQueryObjectId(h, &pid);
    pi->hProcess = (HANDLE)(uintptr_t)h;
    pi->hThread = NULL; /* Dormer gives no handle to the first thread yet */
    pi->dwProcessId = (DWORD)pid;
    pi->dwThreadId = 0;
    return TRUE;
}

BOOL WINAPI CreateProcessW(LPCWSTR app, LPWSTR cmdline, LPSECURITY_ATTRIBUTES psa,
                           LPSECURITY_ATTRIBUTES tsa, BOOL inherit, DWORD flags, LPVOID env,
                           LPCWSTR dir, LPSTARTUPINFOW si, LPPROCESS_INFORMATION pi)
{
    char *a = app ? k32_to_ansi(app) : NULL, *c = cmdline ? k32_to_ansi(cmdline) : NULL;
    BOOL ok = FALSE;

    (void)si;
    (void)dir;
    if ((!app || a) && (!cmdline || c))
        ok = CreateProcessA(a, c, psa, tsa, inherit, flags, env, NULL, NULL, pi);
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

HMODULE WINAPI GetModuleHandleW(LPCWSTR name)
{
    if (!name)
        return (HMODULE)(uintptr_t)DormerGetPeb()->image_base_address;
    struct dormer_ldr_entry *e = module_find(name);
    if (!e) {
        k32_set_error(ERROR_MOD_NOT_FOUND);
        return NULL;
    }
    return (HMODULE)(uintptr_t)e->dll_base;
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
    if (flags & GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS) {
        MEMORY_BASIC_INFORMATION mi;
        if (!VirtualQuery(name, &mi, sizeof mi) || mi.Type != MEM_IMAGE ||
            !module_by_base((HMODULE)mi.AllocationBase)) {
            *out = NULL;
            k32_set_error(ERROR_MOD_NOT_FOUND);
            return FALSE;
        }
        *out = (HMODULE)mi.AllocationBase;
        return TRUE;
    }
    *out = GetModuleHandleW(name);
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
    struct dormer_ldr_entry *e =
        module_by_base(module ? module : GetModuleHandleW(NULL));
    WCHAR path[MAX_PATH];
    size_t n = 0;

    if (!e) {
        k32_set_error(ERROR_MOD_NOT_FOUND);
        return 0;
    }
    for (const WCHAR *s = SYSTEM_DIR L"\\"; *s; s++)
        path[n++] = *s;
    for (size_t i = 0; i < 32 && e->name[i]; i++)
        path[n++] = e->name[i];
    path[n] = 0;
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
    if (!module_by_base(module)) {
        k32_set_error(ERROR_MOD_NOT_FOUND);
        return NULL;
    }
    FARPROC f = export_lookup(module, name, 0);
    if (!f)
        k32_set_error(ERROR_PROC_NOT_FOUND);
    return f;
}

HMODULE WINAPI LoadLibraryExW(LPCWSTR name, HANDLE file, DWORD flags)
{
    (void)file;
    (void)flags;
    if (!name) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    return GetModuleHandleW(name); /* ERROR_MOD_NOT_FOUND for one not loaded */
}

HMODULE WINAPI LoadLibraryW(LPCWSTR name)
{
    return LoadLibraryExW(name, NULL, 0);
}

HMODULE WINAPI LoadLibraryExA(LPCSTR name, HANDLE file, DWORD flags)
{
    if (!name) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    WCHAR *w = k32_to_wide(name);
    if (!w)
        return NULL;
    HMODULE m = LoadLibraryExW(w, file, flags);
    k32_free(w);
    return m;
}

HMODULE WINAPI LoadLibraryA(LPCSTR name)
{
    return LoadLibraryExA(name, NULL, 0);
}

BOOL WINAPI FreeLibrary(HMODULE module)
{
    if (!module_by_base(module)) {
        k32_set_error(ERROR_MOD_NOT_FOUND);
        return FALSE;
    }
    return TRUE; /* modules loaded with the program stay for its lifetime */
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
