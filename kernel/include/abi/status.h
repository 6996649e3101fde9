/*
 * NTSTATUS values Dormer returns, with their Windows numbers, and the exit codes of
 * processes killed by faults. Shared by the kernel (LP64) and user code (LLP64):
 * fixed-width types only.
 */
#ifndef ABI_STATUS_H
#define ABI_STATUS_H

#include <stdint.h>

typedef int32_t dormer_status_t;

#define STATUS_SUCCESS                  ((dormer_status_t)0x00000000)
#define STATUS_WAIT_0                   ((dormer_status_t)0x00000000) /* + index */
#define STATUS_ABANDONED_WAIT_0         ((dormer_status_t)0x00000080) /* + index */
#define STATUS_TIMEOUT                  ((dormer_status_t)0x00000102)
#define STATUS_PENDING                  ((dormer_status_t)0x00000103)
#define STATUS_OBJECT_NAME_EXISTS       ((dormer_status_t)0x40000000) /* opened an existing named object */
#define STATUS_BREAKPOINT               ((dormer_status_t)0x80000003)
#define STATUS_NO_MORE_FILES            ((dormer_status_t)0x80000006)
#define STATUS_UNSUCCESSFUL             ((dormer_status_t)0xC0000001)
#define STATUS_NOT_IMPLEMENTED          ((dormer_status_t)0xC0000002)
#define STATUS_INVALID_INFO_CLASS       ((dormer_status_t)0xC0000003)
#define STATUS_INFO_LENGTH_MISMATCH     ((dormer_status_t)0xC0000004)
#define STATUS_ACCESS_VIOLATION         ((dormer_status_t)0xC0000005)
#define STATUS_INVALID_HANDLE           ((dormer_status_t)0xC0000008)
#define STATUS_INVALID_PARAMETER        ((dormer_status_t)0xC000000D)
#define STATUS_END_OF_FILE              ((dormer_status_t)0xC0000011)
#define STATUS_NO_MEMORY                ((dormer_status_t)0xC0000017)
#define STATUS_COMMITMENT_LIMIT         ((dormer_status_t)0xC000012D)
#define STATUS_CONFLICTING_ADDRESSES    ((dormer_status_t)0xC0000018)
#define STATUS_ILLEGAL_INSTRUCTION      ((dormer_status_t)0xC000001D)
#define STATUS_INVALID_SYSTEM_SERVICE   ((dormer_status_t)0xC000001C)
#define STATUS_MEMORY_NOT_ALLOCATED     ((dormer_status_t)0xC00000A0)
#define STATUS_OBJECT_NAME_NOT_FOUND    ((dormer_status_t)0xC0000034)
#define STATUS_INVALID_IMAGE_FORMAT     ((dormer_status_t)0xC000007B)
#define STATUS_INSUFFICIENT_RESOURCES   ((dormer_status_t)0xC000009A)
#define STATUS_INTEGER_DIVIDE_BY_ZERO   ((dormer_status_t)0xC0000094)
#define STATUS_PRIVILEGED_INSTRUCTION   ((dormer_status_t)0xC0000096)
#define STATUS_STACK_OVERFLOW           ((dormer_status_t)0xC00000FD)
#define STATUS_DLL_NOT_FOUND            ((dormer_status_t)0xC0000135)
#define STATUS_DLL_INIT_FAILED          ((dormer_status_t)0xC0000142)
#define STATUS_ENTRYPOINT_NOT_FOUND     ((dormer_status_t)0xC0000139)
#define STATUS_BUFFER_TOO_SMALL         ((dormer_status_t)0xC0000023)
#define STATUS_GUARD_PAGE_VIOLATION     ((dormer_status_t)0x80000001)
#define STATUS_OBJECT_TYPE_MISMATCH     ((dormer_status_t)0xC0000024)
#define STATUS_MUTANT_NOT_OWNED         ((dormer_status_t)0xC0000046)
#define STATUS_SEMAPHORE_LIMIT_EXCEEDED ((dormer_status_t)0xC0000047)
#define STATUS_PROCESS_IS_TERMINATING   ((dormer_status_t)0xC000010A)
#define STATUS_PIPE_BROKEN              ((dormer_status_t)0xC000014B)
#define STATUS_CONTROL_C_EXIT           ((dormer_status_t)0xC000013A) /* ended by Ctrl+C */
#define STATUS_TERMINATED               ((dormer_status_t)0xC000004B) /* default kill status */
#define STATUS_THREAD_IS_TERMINATING    STATUS_TERMINATED             /* the same code */
#define STATUS_SUSPEND_COUNT_EXCEEDED   ((dormer_status_t)0xC000004A)
#define STATUS_NOT_SUPPORTED            ((dormer_status_t)0xC00000BB)

/* File-system statuses (issue #14). */
#define STATUS_BUFFER_OVERFLOW          ((dormer_status_t)0x80000005) /* partial data returned */
#define STATUS_NO_SUCH_FILE             ((dormer_status_t)0xC000000F)
#define STATUS_ACCESS_DENIED            ((dormer_status_t)0xC0000022)
#define STATUS_OBJECT_NAME_INVALID      ((dormer_status_t)0xC0000033)
#define STATUS_OBJECT_NAME_COLLISION    ((dormer_status_t)0xC0000035)
#define STATUS_HANDLE_NOT_CLOSABLE      ((dormer_status_t)0xC0000235)
#define STATUS_OBJECT_PATH_NOT_FOUND    ((dormer_status_t)0xC000003A)
#define STATUS_OBJECT_PATH_SYNTAX_BAD   ((dormer_status_t)0xC000003B)
#define STATUS_SHARING_VIOLATION        ((dormer_status_t)0xC0000043)
#define STATUS_DELETE_PENDING           ((dormer_status_t)0xC0000056)
#define STATUS_DISK_FULL                ((dormer_status_t)0xC000007F)
#define STATUS_MEDIA_WRITE_PROTECTED    ((dormer_status_t)0xC00000A2)
#define STATUS_FILE_IS_A_DIRECTORY      ((dormer_status_t)0xC00000BA)
#define STATUS_NOT_SAME_DEVICE          ((dormer_status_t)0xC00000D4)
#define STATUS_DIRECTORY_NOT_EMPTY      ((dormer_status_t)0xC0000101)
#define STATUS_FILE_CORRUPT_ERROR       ((dormer_status_t)0xC0000102)
#define STATUS_NOT_A_DIRECTORY          ((dormer_status_t)0xC0000103)
#define STATUS_CANNOT_DELETE            ((dormer_status_t)0xC0000121)
#define STATUS_IO_DEVICE_ERROR          ((dormer_status_t)0xC0000185)

/* Network statuses (what Windows' socket driver returns; ws2_32 maps them to WSAE*). */
#define STATUS_IO_TIMEOUT               ((dormer_status_t)0xC00000B5)
#define STATUS_CANT_WAIT                ((dormer_status_t)0xC00000D8)
#define STATUS_INVALID_CONNECTION       ((dormer_status_t)0xC0000140)
#define STATUS_INVALID_ADDRESS_COMPONENT ((dormer_status_t)0xC0000207)
#define STATUS_CONNECTION_RESET         ((dormer_status_t)0xC000020D)
#define STATUS_CONNECTION_ACTIVE        ((dormer_status_t)0xC000023B)
#define STATUS_NETWORK_UNREACHABLE      ((dormer_status_t)0xC000023C)
#define STATUS_HOST_UNREACHABLE         ((dormer_status_t)0xC000023D)
#define STATUS_CONNECTION_REFUSED       ((dormer_status_t)0xC0000236)
#define STATUS_CONNECTION_ABORTED       ((dormer_status_t)0xC0000241)
#define STATUS_ADDRESS_ALREADY_ASSOCIATED ((dormer_status_t)0xC0000328)

#define NT_SUCCESS(s) ((dormer_status_t)(s) >= 0)

#endif
