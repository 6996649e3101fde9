/*
 * kernel32's exception calls: thin layers over ntdll's dispatcher, as on Windows
 * (AddVectoredExceptionHandler is ntdll's RtlAddVectoredExceptionHandler), plus the
 * process-wide unhandled-exception filter, which ntdll calls once no frame handler
 * took an exception: EXCEPTION_EXECUTE_HANDLER ends the process with the exception
 * code as its exit status, as Windows' UnhandledExceptionFilter does.
 */
#include "k32.h"

/* ntdll's exports (dormer.h does not declare them: they take Windows types here). */
__declspec(dllimport) PVOID RtlAddVectoredExceptionHandler(ULONG first,
                                                           PVECTORED_EXCEPTION_HANDLER fn);
__declspec(dllimport) ULONG RtlRemoveVectoredExceptionHandler(PVOID handle);
__declspec(dllimport) PVOID RtlAddVectoredContinueHandler(ULONG first,
                                                          PVECTORED_EXCEPTION_HANDLER fn);
__declspec(dllimport) ULONG RtlRemoveVectoredContinueHandler(PVOID handle);
__declspec(dllimport) void RtlRaiseException(EXCEPTION_RECORD *rec);
__declspec(dllimport) void RtlSetUnhandledExceptionFilter(LPTOP_LEVEL_EXCEPTION_FILTER filter);

static LPTOP_LEVEL_EXCEPTION_FILTER top_filter;

PVOID WINAPI AddVectoredExceptionHandler(ULONG first, PVECTORED_EXCEPTION_HANDLER fn)
{
    return RtlAddVectoredExceptionHandler(first, fn);
}

ULONG WINAPI RemoveVectoredExceptionHandler(PVOID handle)
{
    return RtlRemoveVectoredExceptionHandler(handle);
}

PVOID WINAPI AddVectoredContinueHandler(ULONG first, PVECTORED_EXCEPTION_HANDLER fn)
{
    return RtlAddVectoredContinueHandler(first, fn);
}

ULONG WINAPI RemoveVectoredContinueHandler(PVOID handle)
{
    return RtlRemoveVectoredContinueHandler(handle);
}

LONG WINAPI UnhandledExceptionFilter(EXCEPTION_POINTERS *ptrs)
{
    LPTOP_LEVEL_EXCEPTION_FILTER f = top_filter;

    return f ? f(ptrs) : EXCEPTION_CONTINUE_SEARCH;
}

LPTOP_LEVEL_EXCEPTION_FILTER WINAPI SetUnhandledExceptionFilter(LPTOP_LEVEL_EXCEPTION_FILTER filter)
{
    LPTOP_LEVEL_EXCEPTION_FILTER old = __atomic_exchange_n(&top_filter, filter, __ATOMIC_SEQ_CST);

    RtlSetUnhandledExceptionFilter(UnhandledExceptionFilter);
    return old;
}

void WINAPI RaiseException(DWORD code, DWORD flags, DWORD nargs, const ULONG_PTR *args)
{
    EXCEPTION_RECORD rec;

    rec.ExceptionCode = code;
    rec.ExceptionFlags = flags & EXCEPTION_NONCONTINUABLE;
    rec.ExceptionRecord = NULL;
    rec.ExceptionAddress = (PVOID)RaiseException;
    if (!args)
        nargs = 0;
    if (nargs > EXCEPTION_MAXIMUM_PARAMETERS)
        nargs = EXCEPTION_MAXIMUM_PARAMETERS;
    rec.NumberParameters = nargs;
    for (DWORD i = 0; i < nargs; i++)
        rec.ExceptionInformation[i] = args[i];
    RtlRaiseException(&rec);
}
