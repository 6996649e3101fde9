/* A DLL whose DllMain refuses DLL_PROCESS_ATTACH. */
#include <windows.h>
#include <stdio.h>

__declspec(dllexport) int wl_fail_value(void)
{
    return 1;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH) {
        printf("  wl_fail: process attach, returning FALSE\n");
        return FALSE;
    }
    if (reason == DLL_PROCESS_DETACH)
        printf("  wl_fail: process detach\n");
    return TRUE;
}
