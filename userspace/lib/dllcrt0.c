/*
 * The entry point linked into Dormer's test DLLs (not ntdll, which has its own):
 * DllMainCRTStartup runs the image's constructors on process attach and then the DLL's
 * own DllMain, which every such DLL defines. Same contract as Windows' DLL entry.
 */
#include <dormer.h>

/* The PE entry point of the DLL, called with the x64 ABI (rsp + 8 16-byte aligned):
 * returns DllMain's verdict (1 = success). */
int DllMainCRTStartup(void *instance, uint32_t reason, void *reserved);

int DllMainCRTStartup(void *instance, uint32_t reason, void *reserved)
{
    if (reason == DLL_PROCESS_ATTACH)
        ulib_run_constructors();
    return DllMain(instance, reason, reserved);
}
