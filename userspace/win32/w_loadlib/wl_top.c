/* A DLL that imports wl_base.dll: loading it loads wl_base first. */
#include <windows.h>
#include <stdio.h>

__declspec(dllimport) int wl_base_value(void);

__declspec(dllexport) int wl_top_value(void)
{
    return wl_base_value() * 6;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH)
        printf("  wl_top: process attach, wl_base says %d\n", wl_base_value());
    else if (reason == DLL_PROCESS_DETACH)
        printf("  wl_top: process detach\n");
    return TRUE;
}
