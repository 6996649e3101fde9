/* LoadLibrary of DLLs that are not loaded yet, GetProcAddress by name and ordinal,
 * FreeLibrary's reference counts and detach order, Windows' errors (126, 127, 193, 1114),
 * and the DLL search order: a DLL beside the program wins over the system directory's,
 * for imports and for LoadLibrary alike. */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#define SIDE_DIR "C:\\wl_side"

__declspec(dllimport) const char *wl_pick_where(void);

typedef int (*int_fn)(void);
typedef int (*twice_fn)(int);
typedef const char *(*str_fn)(void);

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && _stricmp(s + n - t, tail) == 0;
}

/* The copied program: its imports and its LoadLibrary find the DLL beside it. */
static int child(void)
{
    char path[MAX_PATH];

    printf("child: imported wl_pick.dll is %s\n", wl_pick_where());
    HMODULE pick = GetModuleHandleA("wl_pick.dll");
    GetModuleFileNameA(pick, path, sizeof path);
    printf("child: it was loaded from " SIDE_DIR ": %d\n", ends_with(path, SIDE_DIR "\\wl_pick.dll"));
    HMODULE again = LoadLibraryA("wl_pick");
    printf("child: LoadLibrary(\"wl_pick\") gives the same module: %d\n", again == pick);
    HMODULE crt = GetModuleHandleA("msvcrt.dll");
    printf("child: msvcrt.dll is the system one (it has printf): %d\n",
           crt && GetProcAddress(crt, "printf") != NULL);
    FreeLibrary(again);
    return 5;
}

/* The copies keep their source's attributes (read-only, for a system file): clear them. */
static void remove_copies(void)
{
    SetFileAttributesA(SIDE_DIR "\\w_loadlib.exe", FILE_ATTRIBUTE_NORMAL);
    SetFileAttributesA(SIDE_DIR "\\wl_pick.dll", FILE_ATTRIBUTE_NORMAL);
    SetFileAttributesA(SIDE_DIR "\\msvcrt.dll", FILE_ATTRIBUTE_NORMAL);
    DeleteFileA(SIDE_DIR "\\w_loadlib.exe");
    DeleteFileA(SIDE_DIR "\\wl_pick.dll");
    DeleteFileA(SIDE_DIR "\\msvcrt.dll");
}

/* Threads loading, calling and freeing one DLL at once: the loader lock keeps the lists
 * and counts whole. */
static LONG good_calls;

static DWORD WINAPI load_loop(LPVOID arg)
{
    (void)arg;
    for (int i = 0; i < 50; i++) {
        HMODULE m = LoadLibraryA("wl_quiet.dll");
        int_fn f = m ? (int_fn)GetProcAddress(m, "wl_quiet_attached") : NULL;
        if (f && f() == 1)
            InterlockedIncrement(&good_calls);
        if (m)
            FreeLibrary(m);
    }
    return 0;
}

static void threads_at_once(void)
{
    HANDLE t[4];

    for (int i = 0; i < 4; i++)
        t[i] = CreateThread(NULL, 0, load_loop, NULL, 0, NULL);
    WaitForMultipleObjects(4, t, TRUE, INFINITE);
    for (int i = 0; i < 4; i++)
        CloseHandle(t[i]);
    printf("4 threads x 50 loads: %ld good calls, wl_quiet gone after: %d\n", good_calls,
           GetModuleHandleA("wl_quiet.dll") == NULL);
}

static void side_by_side(void)
{
    char self[MAX_PATH], dir[MAX_PATH], src[MAX_PATH];
    DWORD n = GetModuleFileNameA(NULL, self, sizeof self);

    printf("imported wl_pick.dll is %s\n", wl_pick_where());
    strcpy(dir, self);
    while (n && dir[n - 1] != '\\')
        n--;
    dir[n] = 0;
    snprintf(src, sizeof src, "%swl_pick2.dll", dir);
    CreateDirectoryA(SIDE_DIR, NULL);
    remove_copies(); /* left by an earlier run that did not finish */
    /* and a DLL named like a system one: msvcrt.dll is a known DLL, always System32's */
    BOOL ok = CopyFileA(self, SIDE_DIR "\\w_loadlib.exe", FALSE) &&
              CopyFileA(src, SIDE_DIR "\\wl_pick.dll", FALSE) &&
              CopyFileA(src, SIDE_DIR "\\msvcrt.dll", FALSE);
    printf("copied the program, another wl_pick.dll and a fake msvcrt.dll to " SIDE_DIR
           ": %d\n", ok);
    STARTUPINFOA si = { sizeof si };
    PROCESS_INFORMATION pi;
    char cmd[] = SIDE_DIR "\\w_loadlib.exe child";
    fflush(stdout);
    if (CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        DWORD code = 0;
        WaitForSingleObject(pi.hProcess, INFINITE);
        GetExitCodeProcess(pi.hProcess, &code);
        printf("child exit code %lu\n", code);
        CloseHandle(pi.hProcess);
        if (pi.hThread)
            CloseHandle(pi.hThread);
    } else {
        printf("CreateProcess failed: %lu\n", GetLastError());
    }
    remove_copies();
    RemoveDirectoryA(SIDE_DIR);
}

int main(int argc, char **argv)
{
    char path[MAX_PATH];

    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return child();
    setvbuf(stdout, NULL, _IONBF, 0); /* DllMain's lines in order with ours */

    printf("wl_top loaded before: %d\n", GetModuleHandleA("wl_top.dll") != NULL);
    printf("LoadLibrary(wl_top.dll):\n");
    HMODULE top = LoadLibraryA("wl_top.dll");
    printf("handle: %d\n", top != NULL);
    int_fn top_value = (int_fn)GetProcAddress(top, "wl_top_value");
    printf("wl_top_value() = %d\n", top_value ? top_value() : -1);
    HMODULE base = GetModuleHandleA("wl_base.dll");
    printf("wl_base loaded with it: %d\n", base != NULL);
    GetModuleFileNameA(top, path, sizeof path);
    printf("GetModuleFileName ends with \\wl_top.dll: %d\n", ends_with(path, "\\wl_top.dll"));

    /* by ordinal: ld numbers the exports in name order from 1 */
    FARPROC by_name = GetProcAddress(base, "wl_base_twice");
    FARPROC by_ord = GetProcAddress(base, MAKEINTRESOURCEA(1));
    printf("ordinal 1 is wl_base_twice: %d, twice(21) = %d\n", by_name == by_ord,
           by_ord ? ((twice_fn)(void *)by_ord)(21) : -1);
    SetLastError(0);
    FARPROC nope = GetProcAddress(base, "nope");
    DWORD err = GetLastError();
    printf("GetProcAddress(nope): %d, error %lu\n", nope != NULL, err);
    SetLastError(0);
    nope = GetProcAddress(base, MAKEINTRESOURCEA(99));
    err = GetLastError();
    printf("GetProcAddress(ordinal 99): %d, error %lu\n", nope != NULL, err);

    HMODULE base2 = LoadLibraryA("wl_base"); /* ".dll" added; a second reference */
    printf("LoadLibrary(\"wl_base\") is the same module: %d\n", base2 == base);
    printf("FreeLibrary(wl_top):\n");
    printf("ok=%d\n", FreeLibrary(top));
    SetLastError(0);
    HMODULE gone = GetModuleHandleA("wl_top.dll");
    err = GetLastError();
    printf("wl_top gone: %d, error %lu; wl_base still there: %d\n", gone == NULL, err,
           GetModuleHandleA("wl_base.dll") != NULL);
    printf("FreeLibrary(wl_base):\n");
    printf("ok=%d\n", FreeLibrary(base2));
    printf("wl_base gone: %d\n", GetModuleHandleA("wl_base.dll") == NULL);

    printf("again, LoadLibrary(wl_top.dll) then FreeLibrary:\n");
    top = LoadLibraryA("wl_top.dll");
    top_value = (int_fn)GetProcAddress(top, "wl_top_value");
    printf("wl_top_value() = %d\n", top_value ? top_value() : -1);
    printf("ok=%d\n", FreeLibrary(top));
    printf("both gone: %d\n",
           GetModuleHandleA("wl_top.dll") == NULL && GetModuleHandleA("wl_base.dll") == NULL);

    SetLastError(0);
    HMODULE m = LoadLibraryA("wl_no_such.dll");
    err = GetLastError();
    printf("missing DLL: %d, error %lu\n", m != NULL, err);

    FILE *f = fopen("wl_notpe.dll", "wb");
    if (f) {
        fputs("this is not a PE image\r\n", f);
        fclose(f);
    }
    SetLastError(0);
    m = LoadLibraryA(".\\wl_notpe.dll");
    err = GetLastError();
    printf("not a PE file: %d, error %lu\n", m != NULL, err);
    DeleteFileA("wl_notpe.dll");

    printf("LoadLibrary(wl_fail.dll):\n");
    SetLastError(0);
    m = LoadLibraryA("wl_fail.dll");
    err = GetLastError();
    printf("DllMain failed: %d, error %lu, left loaded: %d\n", m != NULL, err,
           GetModuleHandleA("wl_fail.dll") != NULL);

    SetLastError(0);
    BOOL freed = FreeLibrary(NULL);
    err = GetLastError();
    printf("FreeLibrary(NULL): %d, error %lu\n", freed, err);

    threads_at_once();
    side_by_side();
    return 0;
}
