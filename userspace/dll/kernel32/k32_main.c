/*
 * kernel32.dll's entry point. Nothing needs setting up at process attach: the heap, the
 * environment and the converted command line are made on first use.
 */
#include "k32.h"

BOOL WINAPI DllMainCRTStartup(HINSTANCE instance, DWORD reason, LPVOID reserved);

BOOL WINAPI DllMainCRTStartup(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    (void)reason;
    (void)reserved;
    return TRUE;
}
