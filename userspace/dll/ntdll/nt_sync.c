/*
 * ntdll's Windows-prototype calls for events, waits, time and virtual memory, in C over
 * Dormer's own calls. NT timeouts are LARGE_INTEGERs in 100 ns units, negative for a
 * relative interval, positive for an absolute system time; Dormer's waits take
 * milliseconds, so an interval is rounded up: a wait never ends early. There are no
 * APCs, so Alertable changes nothing and STATUS_USER_APC never comes back.
 */
#include "nt_priv.h"

#define STATUS_INVALID_PARAMETER_1 ((NTSTATUS)0xC00000EF)
#define STATUS_INVALID_PARAMETER_3 ((NTSTATUS)0xC00000F1)
#define STATUS_INVALID_PARAMETER_5 ((NTSTATUS)0xC00000F3)

#define NT_CURRENT_PROCESS ((HANDLE)(intptr_t)-1)

/* Milliseconds to wait for an NT timeout (NULL: forever). */
static uint64_t timeout_ms(const LARGE_INTEGER *t)
{
    int64_t units;

    if (!t)
        return DORMER_INFINITE;
    if (t->QuadPart < 0) {
        units = -(t->QuadPart + 1) + 1; /* no overflow at INT64_MIN */
    } else {
        int64_t now = 0;
        DmQuerySystemTime(&now);
        units = t->QuadPart > now ? t->QuadPart - now : 0;
    }
    uint64_t ms = (uint64_t)units / 10000 + ((uint64_t)units % 10000 != 0);
    return ms >= DORMER_INFINITE ? DORMER_INFINITE - 1 : ms;
}

/* ----------------------------------------------------------------- events ---- */

/* The object path and attributes of an OBJECT_ATTRIBUTES: names are full paths
 * ("\BaseNamedObjects\x"); a root directory handle is not supported (Dormer has no
 * directory objects). */
static NTSTATUS object_name(const OBJECT_ATTRIBUTES *oa, const uint16_t **name,
                            uint32_t *chars, uint32_t *flags)
{
    *name = NULL;
    *chars = 0;
    if (!oa)
        return STATUS_SUCCESS;
    if (oa->Attributes & OBJ_INHERIT)
        *flags |= DORMER_OBJECT_INHERIT;
    if (oa->Attributes & OBJ_OPENIF)
        *flags |= DORMER_OBJECT_OPEN_IF;
    if (!oa->ObjectName || !oa->ObjectName->Length)
        return oa->RootDirectory ? STATUS_OBJECT_NAME_INVALID : STATUS_SUCCESS;
    if (oa->RootDirectory)
        return STATUS_NOT_SUPPORTED;
    *name = (const uint16_t *)oa->ObjectName->Buffer;
    *chars = oa->ObjectName->Length / 2;
    return STATUS_SUCCESS;
}

static NTSTATUS create_object(PHANDLE out, uint32_t kind, ACCESS_MASK access,
                              const OBJECT_ATTRIBUTES *oa, int64_t arg1, int64_t arg2)
{
    struct dormer_object_create c = { .kind = kind, .access = access, .arg1 = arg1,
                                      .arg2 = arg2 };
    const uint16_t *name;
    dormer_handle_t h = 0;

    if (!out)
        return STATUS_ACCESS_VIOLATION;
    NTSTATUS st = object_name(oa, &name, &c.name_chars, &c.flags);
    if (!NT_SUCCESS(st))
        return st;
    c.name = (uint64_t)(uintptr_t)name;
    st = DmCreateObject(&h, &c);
    if (NT_SUCCESS(st))
        *out = (HANDLE)(uintptr_t)h;
    return st;
}

static NTSTATUS open_object(PHANDLE out, uint32_t kind, ACCESS_MASK access,
                            const OBJECT_ATTRIBUTES *oa)
{
    const uint16_t *name;
    uint32_t chars, flags = 0;
    dormer_handle_t h = 0;

    if (!out)
        return STATUS_ACCESS_VIOLATION;
    NTSTATUS st = object_name(oa, &name, &chars, &flags);
    if (!NT_SUCCESS(st))
        return st;
    if (!name)
        return STATUS_OBJECT_PATH_SYNTAX_BAD;
    uint64_t inherit = flags & DORMER_OBJECT_INHERIT ? 1ull << 32 : 0;
    st = DmOpenObject(&h, kind, access, name, chars | inherit);
    if (NT_SUCCESS(st))
        *out = (HANDLE)(uintptr_t)h;
    return st;
}

NT_EXPORT NTSTATUS NTAPI NtCreateEvent(PHANDLE EventHandle, ACCESS_MASK DesiredAccess,
                             POBJECT_ATTRIBUTES ObjectAttributes, EVENT_TYPE EventType,
                             BOOLEAN InitialState)
{
    if (EventType != NotificationEvent && EventType != SynchronizationEvent)
        return STATUS_INVALID_PARAMETER;
    return create_object(EventHandle, DORMER_OBJECT_EVENT, DesiredAccess, ObjectAttributes,
                         EventType == NotificationEvent, InitialState != 0);
}

NT_EXPORT NTSTATUS NTAPI NtOpenEvent(PHANDLE EventHandle, ACCESS_MASK DesiredAccess,
                                     POBJECT_ATTRIBUTES ObjectAttributes)
{
    return open_object(EventHandle, DORMER_OBJECT_EVENT, DesiredAccess, ObjectAttributes);
}

NT_EXPORT NTSTATUS NTAPI NtCreateMutant(PHANDLE MutantHandle, ACCESS_MASK DesiredAccess,
                                        POBJECT_ATTRIBUTES ObjectAttributes,
                                        BOOLEAN InitialOwner)
{
    return create_object(MutantHandle, DORMER_OBJECT_MUTEX, DesiredAccess, ObjectAttributes,
                         InitialOwner != 0, 0);
}

NT_EXPORT NTSTATUS NTAPI NtOpenMutant(PHANDLE MutantHandle, ACCESS_MASK DesiredAccess,
                                      POBJECT_ATTRIBUTES ObjectAttributes)
{
    return open_object(MutantHandle, DORMER_OBJECT_MUTEX, DesiredAccess, ObjectAttributes);
}

NT_EXPORT NTSTATUS NTAPI NtCreateSemaphore(PHANDLE SemaphoreHandle, ACCESS_MASK DesiredAccess,
                                           POBJECT_ATTRIBUTES ObjectAttributes,
                                           LONG InitialCount, LONG MaximumCount)
{
    return create_object(SemaphoreHandle, DORMER_OBJECT_SEMAPHORE, DesiredAccess,
                         ObjectAttributes, InitialCount, MaximumCount);
}

NT_EXPORT NTSTATUS NTAPI NtOpenSemaphore(PHANDLE SemaphoreHandle, ACCESS_MASK DesiredAccess,
                                         POBJECT_ATTRIBUTES ObjectAttributes)
{
    return open_object(SemaphoreHandle, DORMER_OBJECT_SEMAPHORE, DesiredAccess,
                       ObjectAttributes);
}

NT_EXPORT NTSTATUS NTAPI NtDuplicateObject(HANDLE SourceProcessHandle, HANDLE SourceHandle,
                                           HANDLE TargetProcessHandle, PHANDLE TargetHandle,
                                           ACCESS_MASK DesiredAccess, ULONG HandleAttributes,
                                           ULONG Options)
{
    dormer_handle_t h = 0;
    uint64_t opts = Options | (HandleAttributes & OBJ_INHERIT ? DORMER_DUPLICATE_INHERIT : 0);
    NTSTATUS st = DmDuplicateObject((dormer_handle_t)(uintptr_t)SourceProcessHandle,
                                    (dormer_handle_t)(uintptr_t)SourceHandle,
                                    (dormer_handle_t)(uintptr_t)TargetProcessHandle,
                                    TargetHandle ? &h : NULL, DesiredAccess, opts);
    if (NT_SUCCESS(st) && TargetHandle)
        *TargetHandle = (HANDLE)(uintptr_t)h;
    return st;
}

NT_EXPORT NTSTATUS NTAPI NtSetEvent(HANDLE EventHandle, PLONG PreviousState)
{
    return DmSetEvent((dormer_handle_t)(uintptr_t)EventHandle, (int32_t *)PreviousState);
}

NT_EXPORT NTSTATUS NTAPI NtResetEvent(HANDLE EventHandle, PLONG PreviousState)
{
    return DmResetEvent((dormer_handle_t)(uintptr_t)EventHandle, (int32_t *)PreviousState);
}

/* ------------------------------------------------------------------ waits ---- */

NT_EXPORT NTSTATUS NTAPI NtWaitForSingleObject(HANDLE Handle, BOOLEAN Alertable, PLARGE_INTEGER Timeout)
{
    dormer_handle_t h = (dormer_handle_t)(uintptr_t)Handle;

    (void)Alertable;
    return DmWaitForMultipleObjects(1, &h, 0, timeout_ms(Timeout));
}

NT_EXPORT NTSTATUS NTAPI NtWaitForMultipleObjects(ULONG Count, HANDLE *Handles, WAIT_TYPE WaitType,
                                        BOOLEAN Alertable, PLARGE_INTEGER Timeout)
{
    dormer_handle_t hs[DORMER_MAX_WAIT_OBJECTS];

    (void)Alertable;
    if (Count == 0 || Count > DORMER_MAX_WAIT_OBJECTS)
        return STATUS_INVALID_PARAMETER_1;
    if (WaitType != WaitAll && WaitType != WaitAny)
        return STATUS_INVALID_PARAMETER_3;
    if (!Handles)
        return STATUS_ACCESS_VIOLATION;
    for (ULONG i = 0; i < Count; i++)
        hs[i] = (dormer_handle_t)(uintptr_t)Handles[i];
    return DmWaitForMultipleObjects(Count, hs, WaitType == WaitAll, timeout_ms(Timeout));
}

NT_EXPORT NTSTATUS NTAPI NtDelayExecution(BOOLEAN Alertable, PLARGE_INTEGER DelayInterval)
{
    (void)Alertable;
    if (!DelayInterval)
        return STATUS_ACCESS_VIOLATION;
    uint64_t ms = timeout_ms(DelayInterval);
    if (ms == 0) {
        NtYieldExecution(); /* a zero interval gives up the rest of the time slice */
        return STATUS_SUCCESS;
    }
    return DmDelayExecution(ms);
}

NT_EXPORT NTSTATUS NTAPI NtQuerySystemTime(PLARGE_INTEGER SystemTime)
{
    int64_t t;

    if (!SystemTime)
        return STATUS_ACCESS_VIOLATION;
    NTSTATUS st = DmQuerySystemTime(&t);
    if (NT_SUCCESS(st))
        SystemTime->QuadPart = t;
    return st;
}

/* --------------------------------------------------------- virtual memory ---- */

#define STATUS_INVALID_PAGE_PROTECTION_ ((NTSTATUS)0xC0000045)

/* Windows' rule for a protection: exactly one of the eight base values in the low byte
 * (modifiers above it); anything else is STATUS_INVALID_PAGE_PROTECTION before the call. */
static BOOL protection_valid(ULONG protect)
{
    ULONG base = protect & 0xff;
    return base != 0 && (base & (base - 1)) == 0;
}

/* Dormer's memory calls act on the calling process only. */
static NTSTATUS own_process(HANDLE process)
{
    return process == NT_CURRENT_PROCESS ? STATUS_SUCCESS : STATUS_NOT_SUPPORTED;
}

NT_EXPORT NTSTATUS NTAPI NtAllocateVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress,
                                       ULONG_PTR ZeroBits, PSIZE_T RegionSize,
                                       ULONG AllocationType, ULONG Protect)
{
    NTSTATUS st = own_process(ProcessHandle);

    if (!NT_SUCCESS(st))
        return st;
    if (ZeroBits > 21 && ZeroBits < 32)
        return STATUS_INVALID_PARAMETER_3;
    if (!BaseAddress || !RegionSize)
        return STATUS_ACCESS_VIOLATION;
    if (!protection_valid(Protect))
        return STATUS_INVALID_PAGE_PROTECTION_;
    uint64_t base = (uint64_t)(uintptr_t)*BaseAddress, size = *RegionSize;
    st = DmAllocateVirtualMemory(&base, &size, AllocationType, Protect);
    if (!NT_SUCCESS(st))
        return st;
    /* ZeroBits: the high bits of the address that must be clear (a count below 32, a mask
     * above). Dormer places regions itself, so one placed too high is given back. */
    uint64_t limit = ZeroBits == 0 ? 0 : ZeroBits < 32 ? (~0ull >> (ZeroBits + 1)) : ZeroBits;
    if (limit && base + size - 1 > limit) {
        uint64_t b = base, s = 0;
        DmFreeVirtualMemory(&b, &s, MEM_RELEASE);
        return STATUS_NO_MEMORY;
    }
    *BaseAddress = (PVOID)(uintptr_t)base;
    *RegionSize = size;
    return st;
}

NT_EXPORT NTSTATUS NTAPI NtFreeVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
                                   ULONG FreeType)
{
    NTSTATUS st = own_process(ProcessHandle);

    if (!NT_SUCCESS(st))
        return st;
    if (!BaseAddress || !RegionSize)
        return STATUS_ACCESS_VIOLATION;
    uint64_t base = (uint64_t)(uintptr_t)*BaseAddress, size = *RegionSize;
    st = DmFreeVirtualMemory(&base, &size, FreeType);
    if (NT_SUCCESS(st)) {
        *BaseAddress = (PVOID)(uintptr_t)base;
        *RegionSize = size;
    }
    return st;
}

NT_EXPORT NTSTATUS NTAPI NtProtectVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress,
                                      PSIZE_T NumberOfBytesToProtect, ULONG NewAccessProtection,
                                      PULONG OldAccessProtection)
{
    NTSTATUS st = own_process(ProcessHandle);
    uint32_t old = 0;

    if (!NT_SUCCESS(st))
        return st;
    if (!BaseAddress || !NumberOfBytesToProtect || !OldAccessProtection)
        return STATUS_ACCESS_VIOLATION;
    if (!protection_valid(NewAccessProtection))
        return STATUS_INVALID_PAGE_PROTECTION_;
    uint64_t base = (uint64_t)(uintptr_t)*BaseAddress, size = *NumberOfBytesToProtect;
    st = DmProtectVirtualMemory(&base, &size, NewAccessProtection, &old);
    if (NT_SUCCESS(st)) {
        *BaseAddress = (PVOID)(uintptr_t)base;
        *NumberOfBytesToProtect = size;
        *OldAccessProtection = old;
    }
    return st;
}

NT_EXPORT NTSTATUS NTAPI NtQueryVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress,
                                    ULONG MemoryInformationClass, PVOID MemoryInformation,
                                    SIZE_T MemoryInformationLength, PSIZE_T ReturnLength)
{
    _Static_assert(sizeof(MEMORY_BASIC_INFORMATION) == sizeof(struct dormer_memory_info),
                   "MEMORY_BASIC_INFORMATION is dormer_memory_info");
    NTSTATUS st = own_process(ProcessHandle);

    if (!NT_SUCCESS(st))
        return st;
    if (MemoryInformationClass != 0) /* MemoryBasicInformation */
        return STATUS_INVALID_INFO_CLASS;
    if (MemoryInformationLength < sizeof(MEMORY_BASIC_INFORMATION))
        return STATUS_INFO_LENGTH_MISMATCH;
    st = DmQueryVirtualMemory((uint64_t)(uintptr_t)BaseAddress, MemoryInformation,
                              sizeof(MEMORY_BASIC_INFORMATION));
    if (NT_SUCCESS(st) && ReturnLength)
        *ReturnLength = sizeof(MEMORY_BASIC_INFORMATION);
    return st;
}

/* ------------------------------------------------------------------ strings ---- */

NT_EXPORT VOID NTAPI RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    SIZE_T n = 0;

    DestinationString->Buffer = (PWSTR)SourceString;
    if (SourceString)
        while (SourceString[n] && n < 0x7ffe)
            n++;
    DestinationString->Length = (USHORT)(n * sizeof(WCHAR));
    DestinationString->MaximumLength = SourceString ? (USHORT)((n + 1) * sizeof(WCHAR)) : 0;
}
