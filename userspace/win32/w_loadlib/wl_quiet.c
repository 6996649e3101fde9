/* A DLL without output, loaded and freed by several threads at once. */
#include <windows.h>

static LONG attached;

__declspec(dllexport) LONG wl_quiet_attached(void)
{
    return attached;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH)
        InterlockedIncrement(&attached);
    return TRUE;
}
