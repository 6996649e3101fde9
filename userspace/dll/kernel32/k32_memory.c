/*
 * Virtual memory (thin wrappers over the native calls) and system information. The
 * native calls take the same MEM_* and PAGE_* values as Windows, so nothing is
 * translated: only the results and errors are put in Windows' shape.
 */
#include "k32.h"

LPVOID WINAPI VirtualAlloc(LPVOID address, SIZE_T size, DWORD type, DWORD protect)
{
    uint64_t base = (uint64_t)(uintptr_t)address, len = size;
    dormer_status_t st;

    if (size == 0) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    st = DmAllocateVirtualMemory(&base, &len, type, protect);
    if (!NT_SUCCESS(st)) {
        k32_fail(st);
        return NULL;
    }
    return (LPVOID)(uintptr_t)base;
}

BOOL WINAPI VirtualFree(LPVOID address, SIZE_T size, DWORD type)
{
    uint64_t base = (uint64_t)(uintptr_t)address, len = size;

    /* Windows: MEM_RELEASE wants size 0 (the whole reservation). */
    if ((type & MEM_RELEASE) && size != 0) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    dormer_status_t st = DmFreeVirtualMemory(&base, &len, type);
    return NT_SUCCESS(st) ? TRUE : k32_fail(st);
}

BOOL WINAPI VirtualProtect(LPVOID address, SIZE_T size, DWORD protect, PDWORD old_protect)
{
    uint64_t base = (uint64_t)(uintptr_t)address, len = size;
    uint32_t old = 0;

    /* Windows refuses a NULL old-protection pointer. */
    if (!old_protect) {
        k32_set_error(ERROR_NOACCESS);
        return FALSE;
    }
    dormer_status_t st = DmProtectVirtualMemory(&base, &len, protect, &old);
    if (!NT_SUCCESS(st))
        return k32_fail(st);
    *old_protect = old;
    return TRUE;
}

SIZE_T WINAPI VirtualQuery(LPCVOID address, PMEMORY_BASIC_INFORMATION info, SIZE_T size)
{
    struct dormer_memory_info mi;

    _Static_assert(sizeof mi == sizeof(MEMORY_BASIC_INFORMATION), "same layout");
    if (size < sizeof(MEMORY_BASIC_INFORMATION)) {
        k32_set_error(ERROR_BAD_LENGTH);
        return 0;
    }
    dormer_status_t st = DmQueryVirtualMemory((uint64_t)(uintptr_t)address, &mi, sizeof mi);
    if (!NT_SUCCESS(st)) {
        k32_fail(st);
        return 0;
    }
    info->BaseAddress = (PVOID)(uintptr_t)mi.base_address;
    info->AllocationBase = (PVOID)(uintptr_t)mi.allocation_base;
    info->AllocationProtect = mi.allocation_protect;
    info->RegionSize = mi.region_size;
    info->State = mi.state;
    info->Protect = mi.protect;
    info->Type = mi.type;
    return sizeof(MEMORY_BASIC_INFORMATION);
}

/* ------------------------------------------------------------ system info ---- */

void WINAPI GetSystemInfo(LPSYSTEM_INFO info)
{
    memset(info, 0, sizeof *info);
    info->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_AMD64;
    info->dwPageSize = DORMER_PAGE_SIZE;
    info->lpMinimumApplicationAddress = (LPVOID)(uintptr_t)0x10000;
    info->lpMaximumApplicationAddress = (LPVOID)(uintptr_t)0x7ffffffeffff;
    info->dwActiveProcessorMask = 1;
    info->dwNumberOfProcessors = 1; /* one CPU until SMP */
    info->dwProcessorType = PROCESSOR_AMD_X8664;
    info->dwAllocationGranularity = 0x10000;
    info->wProcessorLevel = 6;
}

void WINAPI GetNativeSystemInfo(LPSYSTEM_INFO info)
{
    GetSystemInfo(info);
}

BOOL WINAPI GlobalMemoryStatusEx(LPMEMORYSTATUSEX status)
{
    struct dormer_memory_counters c;

    if (!status || status->dwLength != sizeof *status) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    dormer_status_t st = DmQuerySystemInformation(DORMER_INFO_MEMORY, &c, sizeof c);
    if (!NT_SUCCESS(st))
        return k32_fail(st);
    status->ullTotalPhys = c.total_frames * c.page_size;
    status->ullAvailPhys = c.free_frames * c.page_size;
    status->dwMemoryLoad = c.total_frames ? (DWORD)(c.used_frames * 100 / c.total_frames) : 0;
    status->ullTotalPageFile = status->ullTotalPhys;
    status->ullAvailPageFile = status->ullAvailPhys;
    status->ullTotalVirtual = 0x7ffffffe0000ull;
    status->ullAvailVirtual = status->ullTotalVirtual;
    status->ullAvailExtendedVirtual = 0;
    return TRUE;
}
