/*
 * The environment: a list of "NAME=value" strings (UTF-16) in the process heap, under
 * one lock. Names compare without case. Dormer's kernel passes no environment yet, so
 * every process starts with the same default one (below); children do not inherit
 * changes.
 */
#include "k32.h"

#define ENV_MAX 256

static WCHAR *env[ENV_MAX];
static int env_count = -1; /* -1: the defaults are not loaded yet */
static struct dormer_lock env_lock = DORMER_LOCK_INIT;

static const WCHAR *const env_defaults[] = {
    L"ComSpec=C:\\Windows\\System32\\cmd.exe",
    L"COMPUTERNAME=DORMER",
    L"NUMBER_OF_PROCESSORS=1",
    L"OS=Windows_NT",
    L"Path=C:\\Windows\\System32;C:\\Windows",
    L"PATHEXT=.COM;.EXE;.BAT;.CMD",
    L"PROCESSOR_ARCHITECTURE=AMD64",
    L"SystemDrive=C:",
    L"SystemRoot=C:\\Windows",
    L"TEMP=C:\\Windows\\Temp",
    L"TMP=C:\\Windows\\Temp",
    L"USERNAME=user",
    L"windir=C:\\Windows",
};

static WCHAR *wdup(const WCHAR *s, size_t n)
{
    WCHAR *d = HeapAlloc(k32_process_heap(), 0, (n + 1) * sizeof(WCHAR));

    if (d) {
        memcpy(d, s, n * sizeof(WCHAR));
        d[n] = 0;
    }
    return d;
}

static void env_load_locked(void)
{
    if (env_count >= 0)
        return;
    env_count = 0;
    for (size_t i = 0; i < sizeof env_defaults / sizeof env_defaults[0]; i++) {
        WCHAR *e = wdup(env_defaults[i], k32_wcslen(env_defaults[i]));
        if (e)
            env[env_count++] = e;
    }
}

static WCHAR fold(WCHAR c)
{
    return c >= 'a' && c <= 'z' ? c - 32 : c;
}

/* The index of the variable `name`, or -1. */
static int env_find_locked(const WCHAR *name)
{
    for (int i = 0; i < env_count; i++) {
        const WCHAR *e = env[i];
        size_t k = 0;
        while (name[k] && fold(name[k]) == fold(e[k]))
            k++;
        if (!name[k] && e[k] == '=')
            return i;
    }
    return -1;
}

DWORD WINAPI GetEnvironmentVariableW(LPCWSTR name, LPWSTR buf, DWORD size)
{
    DWORD ret = 0;

    DormerAcquireLock(&env_lock);
    env_load_locked();
    int i = env_find_locked(name);
    if (i < 0) {
        k32_set_error(ERROR_ENVVAR_NOT_FOUND);
    } else {
        const WCHAR *value = env[i] + k32_wcslen(name) + 1;
        DWORD n = (DWORD)k32_wcslen(value);
        if (n + 1 > size || !buf) {
            ret = n + 1;
        } else {
            memcpy(buf, value, (n + 1) * sizeof(WCHAR));
            ret = n;
            k32_set_error(ERROR_SUCCESS);
        }
    }
    DormerReleaseLock(&env_lock);
    return ret;
}

DWORD WINAPI GetEnvironmentVariableA(LPCSTR name, LPSTR buf, DWORD size)
{
    WCHAR *w = k32_to_wide(name), value[1024];
    DWORD ret = 0;

    if (!w)
        return 0;
    DWORD n = GetEnvironmentVariableW(w, value, sizeof value / sizeof value[0]);
    k32_free(w);
    if (n > 0 && n < sizeof value / sizeof value[0])
        ret = k32_copy_out_ansi(value, buf, buf ? size : 0);
    return ret;
}

BOOL WINAPI SetEnvironmentVariableW(LPCWSTR name, LPCWSTR value)
{
    size_t nl = name ? k32_wcslen(name) : 0;
    BOOL ok = TRUE;

    if (nl == 0 || k32_wcschr(name, '=')) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    WCHAR *entry = NULL;
    if (value) {
        size_t vl = k32_wcslen(value);
        entry = HeapAlloc(k32_process_heap(), 0, (nl + vl + 2) * sizeof(WCHAR));
        if (!entry) {
            k32_set_error(ERROR_NOT_ENOUGH_MEMORY);
            return FALSE;
        }
        memcpy(entry, name, nl * sizeof(WCHAR));
        entry[nl] = '=';
        memcpy(entry + nl + 1, value, (vl + 1) * sizeof(WCHAR));
    }
    DormerAcquireLock(&env_lock);
    env_load_locked();
    int i = env_find_locked(name);
    if (i >= 0) {
        k32_free(env[i]);
        if (entry)
            env[i] = entry;
        else
            env[i] = env[--env_count];
    } else if (entry) {
        if (env_count < ENV_MAX) {
            env[env_count++] = entry;
        } else {
            k32_free(entry);
            k32_set_error(ERROR_NOT_ENOUGH_MEMORY);
            ok = FALSE;
        }
    }
    DormerReleaseLock(&env_lock);
    return ok;
}

BOOL WINAPI SetEnvironmentVariableA(LPCSTR name, LPCSTR value)
{
    WCHAR *n = name ? k32_to_wide(name) : NULL, *v = value ? k32_to_wide(value) : NULL;
    BOOL ok = FALSE;

    if ((!name || n) && (!value || v))
        ok = SetEnvironmentVariableW(n, v);
    else if (!name)
        k32_set_error(ERROR_INVALID_PARAMETER);
    k32_free(n);
    k32_free(v);
    return ok;
}

/* A copy of the block: the strings one after another, each with its NUL, then a NUL. */
LPWCH WINAPI GetEnvironmentStringsW(void)
{
    size_t total = 1;
    WCHAR *block, *p;

    DormerAcquireLock(&env_lock);
    env_load_locked();
    for (int i = 0; i < env_count; i++)
        total += k32_wcslen(env[i]) + 1;
    block = HeapAlloc(k32_process_heap(), 0, total * sizeof(WCHAR));
    if (block) {
        p = block;
        for (int i = 0; i < env_count; i++) {
            size_t n = k32_wcslen(env[i]) + 1;
            memcpy(p, env[i], n * sizeof(WCHAR));
            p += n;
        }
        *p = 0;
    }
    DormerReleaseLock(&env_lock);
    if (!block)
        k32_set_error(ERROR_NOT_ENOUGH_MEMORY);
    return block;
}

LPCH WINAPI GetEnvironmentStringsA(void)
{
    WCHAR *w = GetEnvironmentStringsW();
    size_t n = 0;

    if (!w)
        return NULL;
    while (w[n] || w[n + 1])
        n++;
    n += 2;
    int len = WideCharToMultiByte(CP_ACP, 0, w, (int)n, NULL, 0, NULL, NULL);
    char *a = len > 0 ? HeapAlloc(k32_process_heap(), 0, (size_t)len) : NULL;
    if (a)
        WideCharToMultiByte(CP_ACP, 0, w, (int)n, a, len, NULL, NULL);
    k32_free(w);
    return a;
}

BOOL WINAPI FreeEnvironmentStringsW(LPWCH block)
{
    return HeapFree(k32_process_heap(), 0, block);
}

BOOL WINAPI FreeEnvironmentStringsA(LPCH block)
{
    return HeapFree(k32_process_heap(), 0, block);
}

DWORD WINAPI ExpandEnvironmentStringsW(LPCWSTR src, LPWSTR dst, DWORD size)
{
    WCHAR out[4096];
    size_t n = 0;

    for (const WCHAR *p = src; *p && n < 4095;) {
        const WCHAR *end = *p == '%' ? k32_wcschr(p + 1, '%') : NULL;
        if (end && end > p + 1 && end - p < 256) {
            WCHAR name[256], value[1024];
            size_t len = (size_t)(end - p - 1);
            memcpy(name, p + 1, len * sizeof(WCHAR));
            name[len] = 0;
            DWORD v = GetEnvironmentVariableW(name, value, 1024);
            if (v > 0 && v < 1024) {
                for (DWORD i = 0; i < v && n < 4095; i++)
                    out[n++] = value[i];
                p = end + 1;
                continue;
            }
        }
        out[n++] = *p++;
    }
    out[n++] = 0;
    if (dst && n <= size)
        memcpy(dst, out, n * sizeof(WCHAR));
    return (DWORD)n;
}
