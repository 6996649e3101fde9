/* The process's modules as kernel32 reports them, and its command line. */
#include <windows.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    char path[MAX_PATH];
    HMODULE self = GetModuleHandleA(NULL);

    printf("argc=%d argv[0] ends with w_modules.exe: %d\n", argc,
           strstr(argv[0], "w_modules") != NULL);
    printf("GetCommandLineA contains the name: %d\n", strstr(GetCommandLineA(), "w_modules") != NULL);
    printf("image base has MZ: %d\n", ((char *)self)[0] == 'M' && ((char *)self)[1] == 'Z');
    DWORD n = GetModuleFileNameA(NULL, path, sizeof path);
    printf("GetModuleFileNameA length matches: %d, ends with \\w_modules.exe: %d\n",
           n == strlen(path), n > 14 && _stricmp(path + n - 14, "\\w_modules.exe") == 0);
    n = GetModuleFileNameA(NULL, path, 4);
    printf("truncated: n=%lu error=%lu\n", n, GetLastError());
    HMODULE crt = GetModuleHandleA("msvcrt.dll");
    printf("msvcrt loaded: %d, exports printf: %d\n", crt != NULL,
           GetProcAddress(crt, "printf") != NULL);
    HMODULE k = LoadLibraryA("KERNEL32.DLL");
    printf("LoadLibrary of a loaded DLL gives its handle: %d\n", k == GetModuleHandleA("kernel32"));
    printf("FreeLibrary ok=%d\n", FreeLibrary(k));
    OSVERSIONINFOA v = {sizeof v};
    GetVersionExA(&v);
    printf("platform NT: %d, major>=6: %d\n", v.dwPlatformId == VER_PLATFORM_WIN32_NT,
           v.dwMajorVersion >= 6);
    return 0;
}
