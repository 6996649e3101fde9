/*
 * ntdll's Windows-prototype native calls that mingw-w64's <winternl.h> does not declare,
 * with Windows' prototypes. Include after <dormer.h> (with DORMER_WITH_WINTERNL defined),
 * <windows.h> and <winternl.h>. Semantics and limits: docs/syscalls.md, "Native API".
 * NtCreateFile, NtOpenFile, NtClose, NtQueryInformationFile, NtSetInformationFile,
 * NtWaitForSingleObject, NtQuerySystemTime, RtlInitUnicodeString and
 * RtlNtStatusToDosError are declared by <winternl.h> itself.
 */
#ifndef DORMER_NT_H
#define DORMER_NT_H

#ifndef _WINTERNL_
#error "include <winternl.h> before <dormer_nt.h>"
#endif

#ifndef _NTDEF_ /* <ntdef.h> has these, but does not go with <windows.h> */
typedef enum _EVENT_TYPE { NotificationEvent, SynchronizationEvent } EVENT_TYPE;
typedef enum _WAIT_TYPE { WaitAll, WaitAny } WAIT_TYPE;
#endif

NTAPI_IMPORT NTSTATUS NTAPI NtReadFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
                                       PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock,
                                       PVOID Buffer, ULONG Length, PLARGE_INTEGER ByteOffset,
                                       PULONG Key);
NTAPI_IMPORT NTSTATUS NTAPI NtWriteFile(HANDLE FileHandle, HANDLE Event,
                                        PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
                                        PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer,
                                        ULONG Length, PLARGE_INTEGER ByteOffset, PULONG Key);
NTAPI_IMPORT NTSTATUS NTAPI NtFlushBuffersFile(HANDLE FileHandle,
                                               PIO_STATUS_BLOCK IoStatusBlock);
NTAPI_IMPORT NTSTATUS NTAPI NtQueryAttributesFile(POBJECT_ATTRIBUTES ObjectAttributes,
                                                  PFILE_BASIC_INFORMATION FileInformation);
NTAPI_IMPORT NTSTATUS NTAPI NtDeleteFile(POBJECT_ATTRIBUTES ObjectAttributes);
NTAPI_IMPORT NTSTATUS NTAPI NtQueryDirectoryFile(HANDLE FileHandle, HANDLE Event,
                                                 PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
                                                 PIO_STATUS_BLOCK IoStatusBlock,
                                                 PVOID FileInformation, ULONG Length,
                                                 FILE_INFORMATION_CLASS FileInformationClass,
                                                 BOOLEAN ReturnSingleEntry,
                                                 PUNICODE_STRING FileName, BOOLEAN RestartScan);

NTAPI_IMPORT NTSTATUS NTAPI NtCreateEvent(PHANDLE EventHandle, ACCESS_MASK DesiredAccess,
                                          POBJECT_ATTRIBUTES ObjectAttributes,
                                          EVENT_TYPE EventType, BOOLEAN InitialState);
NTAPI_IMPORT NTSTATUS NTAPI NtOpenEvent(PHANDLE EventHandle, ACCESS_MASK DesiredAccess,
                                        POBJECT_ATTRIBUTES ObjectAttributes);
NTAPI_IMPORT NTSTATUS NTAPI NtCreateMutant(PHANDLE MutantHandle, ACCESS_MASK DesiredAccess,
                                           POBJECT_ATTRIBUTES ObjectAttributes,
                                           BOOLEAN InitialOwner);
NTAPI_IMPORT NTSTATUS NTAPI NtOpenMutant(PHANDLE MutantHandle, ACCESS_MASK DesiredAccess,
                                         POBJECT_ATTRIBUTES ObjectAttributes);
NTAPI_IMPORT NTSTATUS NTAPI NtCreateSemaphore(PHANDLE SemaphoreHandle, ACCESS_MASK DesiredAccess,
                                              POBJECT_ATTRIBUTES ObjectAttributes,
                                              LONG InitialCount, LONG MaximumCount);
NTAPI_IMPORT NTSTATUS NTAPI NtOpenSemaphore(PHANDLE SemaphoreHandle, ACCESS_MASK DesiredAccess,
                                            POBJECT_ATTRIBUTES ObjectAttributes);
NTAPI_IMPORT NTSTATUS NTAPI NtDuplicateObject(HANDLE SourceProcessHandle, HANDLE SourceHandle,
                                              HANDLE TargetProcessHandle, PHANDLE TargetHandle,
                                              ACCESS_MASK DesiredAccess, ULONG HandleAttributes,
                                              ULONG Options);
NTAPI_IMPORT NTSTATUS NTAPI NtSetEvent(HANDLE EventHandle, PLONG PreviousState);
NTAPI_IMPORT NTSTATUS NTAPI NtResetEvent(HANDLE EventHandle, PLONG PreviousState);
NTAPI_IMPORT NTSTATUS NTAPI NtWaitForMultipleObjects(ULONG Count, HANDLE *Handles,
                                                     WAIT_TYPE WaitType, BOOLEAN Alertable,
                                                     PLARGE_INTEGER Timeout);
NTAPI_IMPORT NTSTATUS NTAPI NtDelayExecution(BOOLEAN Alertable, PLARGE_INTEGER DelayInterval);

NTAPI_IMPORT NTSTATUS NTAPI NtAllocateVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress,
                                                    ULONG_PTR ZeroBits, PSIZE_T RegionSize,
                                                    ULONG AllocationType, ULONG Protect);
NTAPI_IMPORT NTSTATUS NTAPI NtFreeVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress,
                                                PSIZE_T RegionSize, ULONG FreeType);
NTAPI_IMPORT NTSTATUS NTAPI NtProtectVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress,
                                                   PSIZE_T NumberOfBytesToProtect,
                                                   ULONG NewAccessProtection,
                                                   PULONG OldAccessProtection);
NTAPI_IMPORT NTSTATUS NTAPI NtQueryVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress,
                                                 ULONG MemoryInformationClass,
                                                 PVOID MemoryInformation,
                                                 SIZE_T MemoryInformationLength,
                                                 PSIZE_T ReturnLength);

#endif
