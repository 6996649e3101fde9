/* A DLL loaded at run time by w_loadlib: says when it is attached and detached. */
#include <windows.h>
#include <stdio.h>

__declspec(dllexport) int wl_base_value(void)
{
    return 7;
}

__declspec(dllexport) int wl_base_twice(int x)
{
    return 2 * x;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    if (reason == DLL_PROCESS_ATTACH)
        printf("  wl_base: process attach (by LoadLibrary: %d)\n", reserved == NULL);
    else if (reason == DLL_PROCESS_DETACH)
        printf("  wl_base: process detach (by FreeLibrary: %d)\n", reserved == NULL);
    return TRUE;
}
