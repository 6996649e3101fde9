/*
 * Errors: the thread's last error (in the TEB, where Windows keeps it), NTSTATUS to
 * Windows error codes in one table, and the process-wide exception hooks that exist
 * before structured exception dispatch does.
 */
#include "k32.h"

DWORD k32_status_to_error(dormer_status_t status)
{
    return RtlNtStatusToDosError(status); /* ntdll holds the one table */
}

BOOL k32_fail(dormer_status_t status)
{
    k32_set_error(k32_status_to_error(status));
    return FALSE;
}

DWORD WINAPI GetLastError(void)
{
    return DormerGetTeb()->last_error_value;
}

void WINAPI SetLastError(DWORD error)
{
    DormerGetTeb()->last_error_value = error;
}

/* ------------------------------------------------------------ exception hooks ---- */


static UINT error_mode;

UINT WINAPI SetErrorMode(UINT mode)
{
    return __atomic_exchange_n(&error_mode, mode, __ATOMIC_ACQ_REL);
}

UINT WINAPI GetErrorMode(void)
{
    return __atomic_load_n(&error_mode, __ATOMIC_ACQUIRE);
}

BOOL WINAPI IsDebuggerPresent(void)
{
    return FALSE;
}

void WINAPI OutputDebugStringA(LPCSTR text)
{
    (void)text; /* no debugger to receive it, as on Windows without one */
}

void WINAPI OutputDebugStringW(LPCWSTR text)
{
    (void)text;
}

void WINAPI DebugBreak(void)
{
    __asm__ volatile("int3");
}
