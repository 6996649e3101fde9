/*
 * t_dllfail: imports tfail.dll, whose entry point returns FALSE. ntdll must end the
 * process with STATUS_DLL_INIT_FAILED (0xC0000142) before main runs; if main runs, it
 * says so and exits 1.
 */
#include <dormer.h>

__declspec(dllimport) int32_t tfail_value(void);

int main(void)
{
    uprintf("t_dllfail: FAIL: main ran although tfail.dll refused to load (%d)\n",
            (int)tfail_value());
    return 1;
}
