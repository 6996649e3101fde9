/*
 * ntdll's C half: the DLL entry point and the Dormer* helpers every program may use.
 * It links against nothing (no ulib, no libgcc), so the few string helpers it needs are
 * private here; the TEB and PEB are reached through gs exactly as Windows code does.
 */
#include <dormer.h>

#define EXPORT __declspec(dllexport)

/* Every call in the list has a prototype in <dormer.h> (a new one fails to build here). */
#define SYSCALL(number, name, nargs)                                                        \
    _Static_assert(sizeof(&name) == sizeof(void *), #name " is declared in dormer.h");
#include <abi/syscalls.def>
#undef SYSCALL

/* The DLL entry point, called with the x64 ABI: nothing to set up yet. Returns TRUE (1). */
int DllMainCRTStartup(void *instance, uint32_t reason, void *reserved);

int DllMainCRTStartup(void *instance, uint32_t reason, void *reserved)
{
    (void)instance;
    (void)reason;
    (void)reserved;
    return 1;
}

static uint64_t ntdll_strlen(const char *s)
{
    uint64_t n = 0;

    while (s[n])
        n++;
    return n;
}

EXPORT struct dormer_teb *DormerGetTeb(void)
{
    struct dormer_teb *teb;

    __asm__("mov %%gs:0x30, %0" : "=r"(teb));
    return teb;
}

EXPORT struct dormer_peb *DormerGetPeb(void)
{
    struct dormer_peb *peb;

    __asm__("mov %%gs:0x60, %0" : "=r"(peb));
    return peb;
}

EXPORT const char *DormerGetCommandLineA(void)
{
    struct dormer_peb *peb = DormerGetPeb();
    const struct dormer_process_parameters *params;

    if (!peb || !peb->process_parameters)
        return "";
    params = (const struct dormer_process_parameters *)(uintptr_t)peb->process_parameters;
    if (!params->command_line_ansi)
        return "";
    return (const char *)(uintptr_t)params->command_line_ansi;
}

EXPORT dormer_status_t DormerWrite(const char *s)
{
    return NtWriteConsole(s, ntdll_strlen(s));
}
