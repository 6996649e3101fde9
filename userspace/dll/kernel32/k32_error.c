/*
 * Errors: the thread's last error (in the TEB, where Windows keeps it), NTSTATUS to
 * Windows error codes in one table, and the process-wide exception hooks that exist
 * before structured exception dispatch does.
 */
#include "k32.h"

struct status_map {
    dormer_status_t status;
    DWORD error;
};

/* RtlNtStatusToDosError's answers for every status Dormer's kernel returns. */
static const struct status_map status_map[] = {
    {STATUS_SUCCESS, ERROR_SUCCESS},
    {STATUS_TIMEOUT, WAIT_TIMEOUT},
    {STATUS_PENDING, ERROR_IO_PENDING},
    {STATUS_BREAKPOINT, ERROR_EXCEPTION_IN_SERVICE},
    {STATUS_NO_MORE_FILES, ERROR_NO_MORE_FILES},
    {(dormer_status_t)0x80000005, ERROR_MORE_DATA},        /* STATUS_BUFFER_OVERFLOW */
    {STATUS_UNSUCCESSFUL, ERROR_GEN_FAILURE},
    {STATUS_NOT_IMPLEMENTED, ERROR_INVALID_FUNCTION},
    {STATUS_INVALID_INFO_CLASS, ERROR_INVALID_PARAMETER},
    {STATUS_INFO_LENGTH_MISMATCH, ERROR_BAD_LENGTH},
    {STATUS_ACCESS_VIOLATION, ERROR_NOACCESS},
    {STATUS_INVALID_HANDLE, ERROR_INVALID_HANDLE},
    {STATUS_INVALID_PARAMETER, ERROR_INVALID_PARAMETER},
    {(dormer_status_t)0xC000000F, ERROR_FILE_NOT_FOUND},   /* STATUS_NO_SUCH_FILE */
    {STATUS_END_OF_FILE, ERROR_HANDLE_EOF},
    {STATUS_NO_MEMORY, ERROR_NOT_ENOUGH_MEMORY},
    {STATUS_CONFLICTING_ADDRESSES, ERROR_INVALID_ADDRESS},
    {STATUS_INVALID_SYSTEM_SERVICE, ERROR_INVALID_FUNCTION},
    {STATUS_ILLEGAL_INSTRUCTION, ERROR_INVALID_FUNCTION},
    {(dormer_status_t)0xC0000022, ERROR_ACCESS_DENIED},    /* STATUS_ACCESS_DENIED */
    {STATUS_BUFFER_TOO_SMALL, ERROR_INSUFFICIENT_BUFFER},
    {STATUS_OBJECT_TYPE_MISMATCH, ERROR_INVALID_HANDLE},
    {(dormer_status_t)0xC0000033, ERROR_INVALID_NAME},     /* STATUS_OBJECT_NAME_INVALID */
    {STATUS_OBJECT_NAME_NOT_FOUND, ERROR_FILE_NOT_FOUND},
    {(dormer_status_t)0xC0000035, ERROR_ALREADY_EXISTS},   /* STATUS_OBJECT_NAME_COLLISION */
    {(dormer_status_t)0xC000003A, ERROR_PATH_NOT_FOUND},   /* STATUS_OBJECT_PATH_NOT_FOUND */
    {(dormer_status_t)0xC000003B, ERROR_BAD_PATHNAME},     /* STATUS_OBJECT_PATH_SYNTAX_BAD */
    {(dormer_status_t)0xC0000043, ERROR_SHARING_VIOLATION},
    {STATUS_MUTANT_NOT_OWNED, ERROR_NOT_OWNER},
    {STATUS_SEMAPHORE_LIMIT_EXCEEDED, ERROR_TOO_MANY_POSTS},
    {(dormer_status_t)0xC0000056, ERROR_ACCESS_DENIED},    /* STATUS_DELETE_PENDING */
    {(dormer_status_t)0xC000007F, ERROR_DISK_FULL},
    {STATUS_INVALID_IMAGE_FORMAT, ERROR_BAD_EXE_FORMAT},
    {STATUS_INSUFFICIENT_RESOURCES, ERROR_NO_SYSTEM_RESOURCES},
    {STATUS_MEMORY_NOT_ALLOCATED, ERROR_INVALID_ADDRESS},
    {(dormer_status_t)0xC00000A2, ERROR_WRITE_PROTECT},
    {(dormer_status_t)0xC00000BA, ERROR_ACCESS_DENIED},    /* STATUS_FILE_IS_A_DIRECTORY */
    {(dormer_status_t)0xC00000D4, ERROR_NOT_SAME_DEVICE},
    {STATUS_STACK_OVERFLOW, ERROR_STACK_OVERFLOW},
    {(dormer_status_t)0xC0000101, ERROR_DIR_NOT_EMPTY},
    {(dormer_status_t)0xC0000102, ERROR_FILE_CORRUPT},
    {(dormer_status_t)0xC0000103, ERROR_DIRECTORY},        /* STATUS_NOT_A_DIRECTORY */
    {STATUS_PROCESS_IS_TERMINATING, ERROR_ACCESS_DENIED},
    {(dormer_status_t)0xC0000121, ERROR_ACCESS_DENIED},    /* STATUS_CANNOT_DELETE */
    {STATUS_DLL_NOT_FOUND, ERROR_MOD_NOT_FOUND},
    {STATUS_ENTRYPOINT_NOT_FOUND, ERROR_PROC_NOT_FOUND},
    {STATUS_CONTROL_C_EXIT, 572}, /* ERROR_CONTROL_C_EXIT */
    {STATUS_DLL_INIT_FAILED, ERROR_DLL_INIT_FAILED},
    {STATUS_PIPE_BROKEN, ERROR_BROKEN_PIPE},
};

DWORD k32_status_to_error(dormer_status_t status)
{
    for (size_t i = 0; i < sizeof status_map / sizeof status_map[0]; i++)
        if (status_map[i].status == status)
            return status_map[i].error;
    return ERROR_MR_MID_NOT_FOUND; /* what Windows answers for a status it has no code for */
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
