/*
 * tfail.dll: a DLL whose entry point refuses to load (DllMain returns FALSE on
 * DLL_PROCESS_ATTACH). t_dllfail imports it and must never reach main.
 */
#include <dormer.h>

__declspec(dllexport) int32_t tfail_value(void);

int DllMain(void *instance, uint32_t reason, void *reserved)
{
    (void)instance;
    (void)reserved;
    return reason != DLL_PROCESS_ATTACH;
}

int32_t tfail_value(void)
{
    return 42;
}
