/*
 * The object calls' ABI (syscalls 160-169): named objects, handle duplication across
 * processes, handle attributes and what a handle names. Access rights have Windows'
 * values. Shared by the kernel (LP64) and mingw user code (LLP64): fixed-width types
 * only, layouts pinned. Names carry a DORMER_ prefix so user code may include
 * <windows.h> beside this.
 */
#ifndef ABI_OBJECT_H
#define ABI_OBJECT_H

#include <stddef.h>
#include <stdint.h>

/* Standard and generic rights (the generic ones are mapped per type, as on NT). */
#define DORMER_ACCESS_DELETE        0x00010000u
#define DORMER_ACCESS_READ_CONTROL  0x00020000u
#define DORMER_ACCESS_WRITE_DAC     0x00040000u
#define DORMER_ACCESS_WRITE_OWNER   0x00080000u
#define DORMER_ACCESS_SYNCHRONIZE   0x00100000u
#define DORMER_ACCESS_STANDARD      0x000F0000u /* STANDARD_RIGHTS_REQUIRED */
#define DORMER_ACCESS_MAXIMUM       0x02000000u /* MAXIMUM_ALLOWED */
#define DORMER_ACCESS_GENERIC_READ  0x80000000u
#define DORMER_ACCESS_GENERIC_WRITE 0x40000000u
#define DORMER_ACCESS_GENERIC_EXEC  0x20000000u
#define DORMER_ACCESS_GENERIC_ALL   0x10000000u

/* Type-specific rights. */
#define DORMER_EVENT_QUERY_STATE      0x0001u
#define DORMER_EVENT_MODIFY_STATE     0x0002u
#define DORMER_EVENT_ALL_ACCESS       0x001F0003u
#define DORMER_MUTANT_QUERY_STATE     0x0001u
#define DORMER_MUTANT_ALL_ACCESS      0x001F0001u
#define DORMER_SEMAPHORE_QUERY_STATE  0x0001u
#define DORMER_SEMAPHORE_MODIFY_STATE 0x0002u
#define DORMER_SEMAPHORE_ALL_ACCESS   0x001F0003u
#define DORMER_PROCESS_TERMINATE      0x0001u
#define DORMER_PROCESS_DUP_HANDLE     0x0040u
#define DORMER_PROCESS_QUERY_INFO     0x0400u
#define DORMER_PROCESS_QUERY_LIMITED  0x1000u
#define DORMER_PROCESS_ALL_ACCESS     0x001FFFFFu

/* DmQueryTimes: a process's or thread's times, as GetProcessTimes/GetThreadTimes give
 * them. create and exit are FILETIMEs (exit 0 while it runs); kernel and user are CPU
 * time in 100 ns units (a process's: the sum of its threads', ended ones included),
 * counted by the scheduler's tick (1 ms) that finds the thread running. */
struct dormer_times {
    int64_t create;  /*  0 */
    int64_t exit;    /*  8 */
    uint64_t kernel; /* 16 */
    uint64_t user;   /* 24 */
};
#define DORMER_THREAD_ALL_ACCESS      0x001FFFFFu
#define DORMER_THREAD_SUSPEND_RESUME  0x00000002u
#define DORMER_THREAD_GET_CONTEXT     0x00000008u
#define DORMER_THREAD_SET_CONTEXT     0x00000010u
#define DORMER_FILE_ALL_ACCESS        0x001F01FFu
#define DORMER_FILE_GENERIC_READ      0x00120089u
#define DORMER_FILE_GENERIC_WRITE     0x00120116u
#define DORMER_FILE_GENERIC_EXECUTE   0x001200A0u

/* Object kinds the named-object calls create or open. */
#define DORMER_OBJECT_EVENT     1u
#define DORMER_OBJECT_MUTEX     2u
#define DORMER_OBJECT_SEMAPHORE 3u

/* Handle attributes (Windows' HANDLE_FLAG_* values). */
#define DORMER_HANDLE_INHERIT            0x1u
#define DORMER_HANDLE_PROTECT_FROM_CLOSE 0x2u

/* Names: full object paths in UTF-16 units, at most this many ("\BaseNamedObjects\x"
 * for Global\x, "\Sessions\1\BaseNamedObjects\x" for a session's names). */
#define DORMER_OBJECT_NAME_MAX 320u

/* DmCreateObject's request. A name that exists already with the same kind opens it
 * (the call returns STATUS_OBJECT_NAME_EXISTS, a success) unless flags lack
 * DORMER_OBJECT_OPEN_IF (then STATUS_OBJECT_NAME_COLLISION); with another kind it is
 * STATUS_OBJECT_TYPE_MISMATCH. */
#define DORMER_OBJECT_OPEN_IF 0x1u /* open an existing object of the name */
#define DORMER_OBJECT_INHERIT 0x2u /* the new handle is inheritable */
struct dormer_object_create {
    uint32_t kind;        /* DORMER_OBJECT_* */
    uint32_t flags;       /* DORMER_OBJECT_OPEN_IF | DORMER_OBJECT_INHERIT */
    uint32_t access;      /* the handle's access (generic rights mapped) */
    uint32_t name_chars;  /* 0: unnamed */
    uint64_t name;        /* const uint16_t * */
    int64_t arg1, arg2;   /* event: manual reset, initially set; mutex: initially
                             owned, 0; semaphore: initial count, maximum */
};
_Static_assert(sizeof(struct dormer_object_create) == 40, "dormer_object_create layout");

/* DmDuplicateObject's options (Windows' DUPLICATE_* values, plus the attribute). */
#define DORMER_DUPLICATE_CLOSE_SOURCE    0x1u
#define DORMER_DUPLICATE_SAME_ACCESS     0x2u
#define DORMER_DUPLICATE_SAME_ATTRIBUTES 0x4u
#define DORMER_DUPLICATE_INHERIT         0x100u /* the new handle is inheritable */

/* What DmQueryHandle reports (NtQueryObject's basic and type information). */
struct dormer_handle_info {
    uint32_t flags;        /* DORMER_HANDLE_* */
    uint32_t access;       /* granted access */
    uint32_t handle_count; /* handles naming the object, system-wide */
    uint32_t ref_count;    /* references to it (handles and the kernel's own) */
    uint16_t type_name[24];/* "Event", "Mutant", "Semaphore", "Process", "Thread",
                              "File", NUL-terminated */
    uint16_t name_chars;   /* the object's name, when it has one */
    uint16_t name[DORMER_OBJECT_NAME_MAX];
    uint16_t pad;
};
_Static_assert(sizeof(struct dormer_handle_info) == 708, "dormer_handle_info layout");

/* DmCreateProcessEx's request and results: the command line's program is started
 * with the standard handles (each DORMER_STD_CONSOLE, a handle, or 0 for the caller's
 * own, as DmCreateProcessStd) and, with DORMER_PROCESS_INHERIT_HANDLES, a copy of
 * every inheritable handle of the caller at the same value (CreateProcess's
 * bInheritHandles). */
#define DORMER_PROCESS_INHERIT_HANDLES 0x1u
struct dormer_process_create {
    uint64_t cmdline;     /* const char *, the whole line, program first */
    uint64_t cmdline_len;
    uint64_t std[3];      /* input, output, error */
    uint32_t flags;       /* DORMER_PROCESS_* */
    uint32_t pad;
    uint64_t process;     /* out: a handle to the process */
    uint64_t thread;      /* out: a handle to its first thread */
    uint64_t pid, tid;    /* out */
};
_Static_assert(sizeof(struct dormer_process_create) == 80, "dormer_process_create layout");

#endif /* ABI_OBJECT_H */
