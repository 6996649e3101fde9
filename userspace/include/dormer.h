/*
 * What a Dormer user program (PE32+, built with mingw-w64, freestanding) can call: the
 * ntdll system-call stubs with their real prototypes, ntdll's Dormer* helpers, and ulib's
 * string and formatted-output routines. Fixed-width types only: this is LLP64 code, where
 * `long` is 32 bits. Nothing here comes from a C library; there is none.
 */
#ifndef DORMER_H
#define DORMER_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/exception.h>
#include <abi/file.h>
#include <abi/net.h>
#include <abi/object.h>
#include <abi/peb.h>
#include <abi/status.h>
#include <abi/types.h>
#include <lib/fmt.h>
#include <lib/string.h>

typedef uint64_t dormer_handle_t;

/*
 * ntdll's exports. Code outside ntdll calls them through the import address table
 * (dllimport: one indirect call, no thunk); ntdll itself is built with
 * DORMER_BUILDING_NTDLL, sees plain declarations and marks its definitions dllexport.
 */
#ifdef DORMER_BUILDING_NTDLL
#define NTAPI_IMPORT
#else
#define NTAPI_IMPORT __declspec(dllimport)
#endif

/*
 * System calls, in the order of <abi/syscalls.def>. Each is a four-instruction stub
 * (mov r10, rcx; mov eax, N; syscall; ret) generated from that list. 32-bit arguments
 * arrive in 64-bit registers whose upper halves the x64 ABI leaves undefined: the kernel
 * uses only the low 32 bits of them.
 */
NTAPI_IMPORT dormer_status_t NtTerminateProcess(dormer_handle_t process, uint32_t exit_status);
NTAPI_IMPORT dormer_status_t DmWriteConsole(const char *buf, uint64_t len);
NTAPI_IMPORT dormer_status_t DmReadConsole(char *buf, uint64_t len, uint64_t *read);
NTAPI_IMPORT dormer_status_t DmDelayExecution(uint64_t milliseconds);
NTAPI_IMPORT dormer_status_t DmQueryUptime(uint64_t *ns_since_boot);
NTAPI_IMPORT dormer_status_t DmAllocateVirtualMemory(uint64_t *base, uint64_t *size, uint32_t type,
                                                     uint32_t protect);
NTAPI_IMPORT dormer_status_t DmFreeVirtualMemory(uint64_t *base, uint64_t *size, uint32_t type);
NTAPI_IMPORT dormer_status_t DmProtectVirtualMemory(uint64_t *base, uint64_t *size,
                                                    uint32_t protect, uint32_t *old_protect);
NTAPI_IMPORT dormer_status_t DmQueryVirtualMemory(uint64_t address, struct dormer_memory_info *out,
                                                  uint64_t out_size);
/* Windows' prototype is in <winternl.h> (NTSTATUS, HANDLE: the same registers): code
 * that defines DORMER_WITH_WINTERNL and includes <winternl.h> after this gets that one. */
#ifndef DORMER_WITH_WINTERNL
NTAPI_IMPORT dormer_status_t NtClose(dormer_handle_t handle);
/* Windows' error code for an NTSTATUS (ntdll's C half, not a system call). */
NTAPI_IMPORT uint32_t RtlNtStatusToDosError(dormer_status_t status);
#endif
NTAPI_IMPORT dormer_status_t DmQuerySystemInformation(uint32_t info_class, void *buf,
                                                      uint64_t size);
NTAPI_IMPORT dormer_status_t DmNop(void);

/*
 * Processes, threads, waiting and synchronisation (calls 15-33). Every handle is closed
 * with NtClose; process, thread, event, mutex and semaphore handles are waitable.
 * Pseudo-handles: DORMER_CURRENT_PROCESS (-1), DORMER_CURRENT_THREAD (-2).
 */

/* A thread's code: gets the creator's argument, returns the thread's exit status. */
typedef uint32_t (*dormer_thread_fn)(uint64_t arg);

/*
 * Starts the program named by the first word of cmdline (len bytes, no NUL needed) as a
 * new process with that command line. stdout_handle 0 gives the child the caller's own
 * output (the console, or what the caller's parent redirected it to); otherwise it is a
 * pipe write end or writable file of the caller's, which becomes the child's console
 * output (the child holds its own reference). The child inherits the caller's standard
 * input (see DmCreateProcessStd). *handle is signaled when the process has ended.
 */
NTAPI_IMPORT dormer_status_t DmCreateProcess(dormer_handle_t *handle, const char *cmdline,
                                             uint64_t len, dormer_handle_t stdout_handle);
/*
 * The raw call: the thread starts at entry with rcx = arg and a return address of 0, so
 * entry must end with DmExitThread and never return. Use DormerCreateThread instead.
 * stack_reserve 0 means 1 MiB.
 */
NTAPI_IMPORT dormer_status_t DmCreateThread(dormer_handle_t *handle, dormer_thread_fn entry,
                                            uint64_t arg, uint64_t stack_reserve);
/* Ends the calling thread; the process ends with its last thread (and that exit status). */
NTAPI_IMPORT dormer_status_t DmExitThread(uint32_t exit_status);
/*
 * Waits for count (1..DORMER_MAX_WAIT_OBJECTS) handles: any one (wait_all 0) or all at
 * once. Returns STATUS_WAIT_0 + i (wait-any: the lowest signaled index; wait-all: 0),
 * STATUS_ABANDONED_WAIT_0 + i when it took a mutex whose owner ended without releasing
 * it, or STATUS_TIMEOUT. timeout_ms 0 polls, DORMER_INFINITE waits forever. A satisfied
 * wait resets auto-reset events, takes one from semaphores and acquires mutexes.
 */
NTAPI_IMPORT dormer_status_t DmWaitForMultipleObjects(uint64_t count,
                                                      const dormer_handle_t *handles,
                                                      uint64_t wait_all, uint64_t timeout_ms);
/* *status = the exit status of a process or thread, STATUS_PENDING while it runs. */
NTAPI_IMPORT dormer_status_t DmQueryExitStatus(dormer_handle_t handle, int32_t *status);
NTAPI_IMPORT dormer_status_t DmCreateEvent(dormer_handle_t *handle, uint64_t manual_reset,
                                           uint64_t initially_set);
/* *previous (may be NULL) gets 1 if the event was set before the call, else 0. */
NTAPI_IMPORT dormer_status_t DmSetEvent(dormer_handle_t event, int32_t *previous);
NTAPI_IMPORT dormer_status_t DmResetEvent(dormer_handle_t event, int32_t *previous);
/* Recursive: the owner may acquire again and must release as many times. */
NTAPI_IMPORT dormer_status_t DmCreateMutex(dormer_handle_t *handle, uint64_t initially_owned);
/* STATUS_MUTANT_NOT_OWNED unless the calling thread owns the mutex. */
NTAPI_IMPORT dormer_status_t DmReleaseMutex(dormer_handle_t mutex);
NTAPI_IMPORT dormer_status_t DmCreateSemaphore(dormer_handle_t *handle, uint64_t initial,
                                               uint64_t maximum);
/* Adds count; past the maximum: STATUS_SEMAPHORE_LIMIT_EXCEEDED and nothing added.
 * *previous (may be NULL) gets the count before the call. */
NTAPI_IMPORT dormer_status_t DmReleaseSemaphore(dormer_handle_t semaphore, uint64_t count,
                                                int32_t *previous);
/* A 64 KiB pipe. DmReadFile on the read end blocks while it is empty and returns what is
 * there; empty with every write end closed: STATUS_PIPE_BROKEN. */
NTAPI_IMPORT dormer_status_t DmCreatePipe(dormer_handle_t *read_handle,
                                          dormer_handle_t *write_handle);
/* The read end's own call (DmReadFile does the same with an offset argument more): up to
 * len bytes, blocking while the pipe is empty; empty with every write end closed:
 * STATUS_PIPE_BROKEN. */
NTAPI_IMPORT dormer_status_t DmReadPipe(dormer_handle_t handle, void *buf, uint64_t len,
                                        uint64_t *read);
/* Blocks while the pipe is full; no read end left: STATUS_PIPE_BROKEN. */
NTAPI_IMPORT dormer_status_t DmWritePipe(dormer_handle_t handle, const void *buf, uint64_t len,
                                         uint64_t *written);
NTAPI_IMPORT dormer_status_t NtYieldExecution(void);
/*
 * Fills up to count entries, one per process that exists (exited ones too, while handles
 * to them are open); *needed = how many there are. STATUS_INFO_LENGTH_MISMATCH when count
 * is too small (the first count entries are still filled).
 */
NTAPI_IMPORT dormer_status_t DmQuerySystemProcesses(struct dormer_process_info *buf,
                                                    uint64_t count, uint64_t *needed);
/*
 * If the size-byte (1, 2, 4 or 8) value at addr equals expected, sleeps until
 * DmWakeAddress(addr) or the timeout (STATUS_TIMEOUT); otherwise returns STATUS_SUCCESS
 * at once. The compare and the sleep are atomic with respect to DmWakeAddress.
 */
NTAPI_IMPORT dormer_status_t DmWaitOnAddress(const volatile void *addr, uint64_t expected,
                                             uint64_t size, uint64_t timeout_ms);
/* Wakes one thread sleeping on addr, or all of them. */
NTAPI_IMPORT dormer_status_t DmWakeAddress(const volatile void *addr, uint64_t wake_all);
/* priority: DORMER_PRIORITY_IDLE..DORMER_PRIORITY_REALTIME. */
NTAPI_IMPORT dormer_status_t DmSetThreadPriority(dormer_handle_t thread, uint64_t priority);

/*
 * Native file calls (35-45), over C:\ (a RAM volume; the boot files are read-only in
 * C:\Windows\System32). Paths are UTF-16 with a length in units (no NUL needed; a NUL
 * ends the path early) in any Windows form: "C:\a\b", "C:/a/b", "\a" (root of the
 * current drive), "a\b", ".\a", "..\a" (from the current directory). Names match
 * without regard to case and keep theirs. Structures and values: <abi/file.h>.
 * Handles are closed with NtClose. Statuses as NT: STATUS_OBJECT_NAME_NOT_FOUND (no
 * such file), STATUS_OBJECT_PATH_NOT_FOUND (no such directory on the way, or drive),
 * STATUS_OBJECT_NAME_INVALID (reserved characters, device names, too long), ...
 */
/* Opens or creates per args->disposition/options with args->access and args->share;
 * args->action gets what happened (DORMER_FILE_OPENED, _CREATED, ...). */
NTAPI_IMPORT dormer_status_t DmCreateFile(dormer_handle_t *handle, const uint16_t *path,
                                          uint64_t path_chars, struct dormer_create_file *args);
/* Reads up to len bytes at *offset, or at the handle's position when offset is NULL (or
 * *offset is DORMER_FILE_USE_FILE_POINTER); the position moves past what was read. At
 * the end: STATUS_SUCCESS with *done 0 (no offset), STATUS_END_OF_FILE (an offset).
 * Pipe read ends too (blocks while empty; STATUS_PIPE_BROKEN when no writer is left). */
NTAPI_IMPORT dormer_status_t DmReadFile(dormer_handle_t handle, void *buf, uint64_t len,
                                        const int64_t *offset, uint64_t *done);
/* Writes len bytes at *offset (DORMER_FILE_WRITE_TO_END_OF_FILE: at the end), or at the
 * position when offset is NULL; a handle opened with DORMER_FILE_APPEND_DATA but not
 * DORMER_FILE_WRITE_DATA always writes at the end. Pipe write ends too. */
NTAPI_IMPORT dormer_status_t DmWriteFile(dormer_handle_t handle, const void *buf, uint64_t len,
                                         const int64_t *offset, uint64_t *done);
/* DORMER_FILE_BASIC_INFO, _STANDARD_INFO, _POSITION_INFO, _NAME_INFO, _TYPE_INFO (also on
 * pipes). STATUS_INFO_LENGTH_MISMATCH when size is below the structure's. */
NTAPI_IMPORT dormer_status_t DmQueryInformationFile(dormer_handle_t handle, uint64_t info_class,
                                                    void *buf, uint64_t size);
/* DORMER_FILE_BASIC_INFO, _POSITION_INFO, _END_OF_FILE_INFO, _DISPOSITION_INFO,
 * _RENAME_INFO. Rename and disposition need DORMER_DELETE access. */
NTAPI_IMPORT dormer_status_t DmSetInformationFile(dormer_handle_t handle, uint64_t info_class,
                                                  const void *buf, uint64_t size);
/* The next entry of a directory handle (opened with DORMER_FILE_READ_DATA) matching
 * pattern (* and ?; NULL: all), from the start when restart. Non-root directories list
 * "." and ".." first. STATUS_NO_MORE_FILES at the end; STATUS_NO_SUCH_FILE when nothing
 * matched since the start. */
NTAPI_IMPORT dormer_status_t DmQueryDirectoryFile(dormer_handle_t directory,
                                                  struct dormer_find_data *out,
                                                  const uint16_t *pattern,
                                                  uint64_t pattern_chars, uint64_t restart);
/* As many of the next entries as fit in buf (size bytes), chained struct dormer_dir_info
 * records, in one call: what DmQueryDirectoryFile returns one at a time. q NULL: all
 * entries, continuing; q->flags DORMER_DIR_RESTART: from the first. STATUS_NO_MORE_FILES,
 * STATUS_NO_SUCH_FILE as there; STATUS_BUFFER_TOO_SMALL when the next entry does not fit
 * (nothing written; DORMER_DIR_INFO_MAX bytes always fit one); STATUS_INFO_LENGTH_MISMATCH
 * below sizeof(struct dormer_dir_info). */
NTAPI_IMPORT dormer_status_t DmQueryDirectoryEntries(dormer_handle_t directory, void *buf,
                                                     uint64_t size,
                                                     const struct dormer_dir_query *q);
/* Needs write access (pipe write ends: always succeeds). */
NTAPI_IMPORT dormer_status_t DmFlushBuffersFile(dormer_handle_t handle);
/* A second handle to the same object (for a file: the same position). */
NTAPI_IMPORT dormer_status_t DmDuplicateHandle(dormer_handle_t handle,
                                               dormer_handle_t *new_handle);
/* The process's current directory (inherited by children; C:\ at first). Must be an
 * existing directory: STATUS_NOT_A_DIRECTORY for a file. */
NTAPI_IMPORT dormer_status_t DmSetCurrentDirectory(const uint16_t *path, uint64_t chars);
/* *needed = its length without the NUL ("C:\" or "C:\a\b"); copied NUL-terminated when
 * chars > *needed, else STATUS_BUFFER_TOO_SMALL. */
NTAPI_IMPORT dormer_status_t DmGetCurrentDirectory(uint16_t *buf, uint64_t chars,
                                                   uint64_t *needed);
/* Attributes and times of the file at path without opening it (no share check). */
NTAPI_IMPORT dormer_status_t DmQueryAttributesFile(const uint16_t *path, uint64_t chars,
                                                   struct dormer_file_basic *out);

/* Objects (<abi/object.h>, docs/objects.md). A named event, mutex or semaphore is
 * created, or opened when the name exists (STATUS_OBJECT_NAME_EXISTS, a success code,
 * with DORMER_OBJECT_OPEN_IF; STATUS_OBJECT_TYPE_MISMATCH for another kind). */
NTAPI_IMPORT dormer_status_t DmCreateObject(dormer_handle_t *handle,
                                            const struct dormer_object_create *c);
/* Open a named object of a kind: STATUS_OBJECT_NAME_NOT_FOUND, _TYPE_MISMATCH.
 * chars_inherit = the name's length, | 1 << 32 for an inheritable handle. */
NTAPI_IMPORT dormer_status_t DmOpenObject(dormer_handle_t *handle, uint64_t kind,
                                          uint64_t access, const uint16_t *name,
                                          uint64_t chars_inherit);
/* DuplicateHandle: source and target are process handles with PROCESS_DUP_HANDLE
 * (-1: the caller). options DORMER_DUPLICATE_*; the source is closed with
 * CLOSE_SOURCE whatever the outcome. target_handle may be NULL. */
NTAPI_IMPORT dormer_status_t DmDuplicateObject(dormer_handle_t source_process,
                                               dormer_handle_t source_handle,
                                               dormer_handle_t target_process,
                                               dormer_handle_t *target_handle,
                                               uint64_t access, uint64_t options);
/* Change the handle attributes in mask (DORMER_HANDLE_*) to those in flags. */
NTAPI_IMPORT dormer_status_t DmSetHandleInformation(dormer_handle_t handle, uint64_t mask,
                                                    uint64_t flags);
NTAPI_IMPORT dormer_status_t DmQueryHandle(dormer_handle_t handle,
                                           struct dormer_handle_info *out);
/* Start a process (see DmCreateProcessStd) with handles to it and its first thread;
 * with DORMER_PROCESS_INHERIT_HANDLES the child gets the caller's inheritable handles
 * at the same values. size = sizeof *c. */
NTAPI_IMPORT dormer_status_t DmCreateProcessEx(struct dormer_process_create *c, uint64_t size);
/* The volume a file or directory handle lives on (label, serial, size and free space in
 * allocation units, file-system name and flags). STATUS_INFO_LENGTH_MISMATCH below the
 * structure's size; STATUS_OBJECT_TYPE_MISMATCH for a handle that is not a file. */
NTAPI_IMPORT dormer_status_t DmQueryVolumeInformation(dormer_handle_t handle,
                                                      struct dormer_volume_info *out,
                                                      uint64_t size);

/* A process's or thread's creation and exit FILETIMEs and its kernel and user CPU time
 * (100 ns units; a process's counts its ended threads too). kind: 0 a thread handle, 1 a
 * process handle; -1 and -2 name the caller's own; STATUS_INVALID_HANDLE for a handle of
 * another kind. */
NTAPI_IMPORT dormer_status_t DmQueryTimes(dormer_handle_t handle, uint64_t kind,
                                          struct dormer_times *out);
/* A handle to the process with id pid (OpenProcess); STATUS_INVALID_PARAMETER when there
 * is none. */
NTAPI_IMPORT dormer_status_t DmOpenProcess(dormer_handle_t *handle, uint64_t access,
                                           uint64_t pid, uint64_t inherit);
/* The id of a process or thread handle (-1 and -2 name the caller's own). */
NTAPI_IMPORT dormer_status_t DmQueryObjectId(dormer_handle_t handle, uint64_t *id);
/* Wall-clock time as a FILETIME: UTC, 100 ns units since 1601-01-01. */
NTAPI_IMPORT dormer_status_t DmQuerySystemTime(int64_t *filetime);

/* Network (<abi/net.h>). The default interface: all zero without one. */
NTAPI_IMPORT dormer_status_t DmNetQueryAddress(struct dormer_net_address *out);
/* One ICMP echo to addr (IPv4, network order); arg = payload bytes << 16 | sequence.
 * STATUS_SUCCESS with *rtt_ms on a reply, STATUS_TIMEOUT after timeout_ms without. */
NTAPI_IMPORT dormer_status_t DmNetPing(uint64_t addr, uint64_t arg, uint64_t timeout_ms,
                                       uint64_t *rtt_ms);
/* Sockets (<abi/net.h>): handles closed with NtClose; see abi/syscalls.def. */
NTAPI_IMPORT dormer_status_t DmSocketCreate(dormer_handle_t *handle, uint64_t type);
NTAPI_IMPORT dormer_status_t DmSocketBind(dormer_handle_t h, const struct dormer_sockaddr *a);
NTAPI_IMPORT dormer_status_t DmSocketListen(dormer_handle_t h, uint64_t backlog);
NTAPI_IMPORT dormer_status_t DmSocketAccept(dormer_handle_t h, dormer_handle_t *conn,
                                            struct dormer_sockaddr *peer);
NTAPI_IMPORT dormer_status_t DmSocketConnect(dormer_handle_t h, const struct dormer_sockaddr *a);
NTAPI_IMPORT dormer_status_t DmSocketSend(dormer_handle_t h, const void *buf, uint64_t len,
                                          uint64_t flags, const struct dormer_sockaddr *to,
                                          uint64_t *sent);
NTAPI_IMPORT dormer_status_t DmSocketRecv(dormer_handle_t h, void *buf, uint64_t len,
                                          uint64_t flags, struct dormer_sockaddr *from,
                                          uint64_t *got);
NTAPI_IMPORT dormer_status_t DmSocketShutdown(dormer_handle_t h, uint64_t how);
NTAPI_IMPORT dormer_status_t DmSocketSetOption(dormer_handle_t h, uint64_t opt, uint64_t value);
NTAPI_IMPORT dormer_status_t DmSocketGetOption(dormer_handle_t h, uint64_t opt, uint64_t *value);
NTAPI_IMPORT dormer_status_t DmSocketGetName(dormer_handle_t h, uint64_t which,
                                             struct dormer_sockaddr *out);
NTAPI_IMPORT dormer_status_t DmSocketPoll(struct dormer_poll *entries, uint64_t count,
                                          uint64_t timeout_ms, uint64_t *ready);

/* ntdll's Dormer helpers. */

/* Writes the NUL-terminated string s to the console; returns DmWriteConsole's status. */
NTAPI_IMPORT dormer_status_t DormerWrite(const char *s);

/* The process's ANSI command line (program name first, as on Windows), never NULL. */
NTAPI_IMPORT const char *DormerGetCommandLineA(void);

/* This process's PEB (gs:[0x60]) and this thread's TEB (gs:[0x30]). */
NTAPI_IMPORT struct dormer_peb *DormerGetPeb(void);
NTAPI_IMPORT struct dormer_teb *DormerGetTeb(void);
/* Where the kernel starts a process's first thread (RCX = the PEB): runs every DLL's
 * entry point in initialization order, then the program's. Never returns. */
NTAPI_IMPORT void DormerProcessStartup(struct dormer_peb *peb);
/* Ends the calling thread after DLL_THREAD_DETACH (DLLs, then TLS callbacks) and frees
 * its TLS copies: what ExitThread does. */
NTAPI_IMPORT __attribute__((noreturn)) void DormerExitThread(uint32_t status);
/* Ends the process after DLL_PROCESS_DETACH (once, in reverse initialization order):
 * what ExitProcess does. */
NTAPI_IMPORT __attribute__((noreturn)) void DormerExitProcess(uint32_t status);
/* DisableThreadLibraryCalls: no thread attach/detach for the image at base. Returns 1,
 * or 0 if no image starts there. */
NTAPI_IMPORT int DormerDisableThreadCalls(uint64_t base);

/*
 * The loader at run time (LoadLibrary's kernel half). DmLoadImage maps `name` (a path,
 * or a bare name looked for in `search`: ';'-separated directories, NULL for the
 * process's default order) and the DLLs it needs that are not loaded yet; out says where
 * and which loader entries it filled (abi/peb.h). STATUS_DLL_NOT_FOUND (it, or a DLL it
 * imports, is not there), STATUS_INVALID_IMAGE_FORMAT, STATUS_NO_MEMORY. DmUnloadImage
 * unmaps an image DmLoadImage loaded (STATUS_ACCESS_DENIED for one loaded with the
 * program). ntdll's DormerLoadLibrary and DormerFreeLibrary wrap them with the loader
 * lock, the reference counts and the entry points: call those.
 */
NTAPI_IMPORT dormer_status_t DmLoadImage(const char *name, uint64_t name_len,
                                         const char *search, uint64_t search_len,
                                         struct dormer_load_result *out);
NTAPI_IMPORT dormer_status_t DmUnloadImage(uint64_t base);

/*
 * LdrLoadDll's part: the image's base in *base, after (for a new one) its DLLs' and its
 * own TLS callbacks and DLL_PROCESS_ATTACH ran. flags: DORMER_LOAD_NO_ENTRY (Windows'
 * DONT_RESOLVE_DLL_REFERENCES: the entry points are not called). Each successful call
 * counts one reference. STATUS_DLL_INIT_FAILED when an entry point returned FALSE
 * (everything this call loaded is unloaded again), or DmLoadImage's statuses.
 */
#define DORMER_LOAD_NO_ENTRY 1u
NTAPI_IMPORT dormer_status_t DormerLoadLibrary(const char *name, const char *search,
                                               uint32_t flags, uint64_t *base);
/* One reference fewer; at the last, DLL_PROCESS_DETACH, then the same for the DLLs it
 * alone kept, then unmapped. An image loaded with the program is never unloaded.
 * STATUS_DLL_NOT_FOUND when no image starts at base. */
NTAPI_IMPORT dormer_status_t DormerFreeLibrary(uint64_t base);
/* Windows' loader lock calls (LdrLockLoaderLock's flags: 1 raise on errors, which
 * Dormer answers with the status instead; 2 try only, *disposition 1 taken, 2 busy). */
NTAPI_IMPORT dormer_status_t LdrLockLoaderLock(uint32_t flags, uint32_t *disposition,
                                               uint64_t *cookie);
NTAPI_IMPORT dormer_status_t LdrUnlockLoaderLock(uint32_t flags, uint64_t cookie);
/* GetModuleHandleEx's count: one reference more, or (pin) never unloaded. */
NTAPI_IMPORT dormer_status_t DormerAddRefLibrary(uint64_t base, int pin);

/*
 * Issues system call `number` with arguments 1-4 (a5-a8 read from the stack are
 * whatever the caller left there). For tests of the dispatcher only: everything else
 * goes through the named stubs.
 */
NTAPI_IMPORT dormer_status_t DormerRawSyscall(uint64_t number, uint64_t a1, uint64_t a2,
                                              uint64_t a3, uint64_t a4);

/*
 * Starts a thread running fn(arg) whose return value becomes its exit status (ntdll's
 * own entry routine calls fn, then DmExitThread). stack_reserve 0 means 1 MiB.
 * Returns DmCreateThread's status (or STATUS_NO_MEMORY); *handle is waitable.
 */
NTAPI_IMPORT dormer_status_t DormerCreateThread(dormer_handle_t *handle, dormer_thread_fn fn,
                                                uint64_t arg, uint64_t stack_reserve);

/* Raw console input for a line editor: blocks for the first byte, then returns what
 * else is waiting (up to len), without echo. STATUS_END_OF_FILE once the input has
 * ended (headless: the host's stdin reached its end). A process started with an input
 * pipe reads the pipe instead, here and in DmReadConsole. */
NTAPI_IMPORT dormer_status_t DmReadConsoleInput(char *buf, uint64_t len, uint64_t *read);
/* The processes Ctrl+C ends (with STATUS_CONTROL_C_EXIT) instead of queueing 0x03;
 * count 0..8, 0 clears the list. The console keeps a reference to each. */
NTAPI_IMPORT dormer_status_t DmSetConsoleForeground(const dormer_handle_t *processes,
                                                    uint64_t count);
/* DmCreateProcess with an input too: stdin_handle a pipe read end or a file opened for
 * reading (0: inherit the caller's); stdout_handle a pipe write end or a file opened for
 * writing. */
NTAPI_IMPORT dormer_status_t DmCreateProcessIo(dormer_handle_t *handle, const char *cmdline,
                                               uint64_t len, dormer_handle_t stdin_handle,
                                               dormer_handle_t stdout_handle);
/*
 * Starts a program with all three standard handles. Each is 0 (inherit the caller's own:
 * the console unless the caller was itself started redirected), DORMER_STD_CONSOLE (the
 * console), or a handle of the caller's: standard input a pipe read end or a file with
 * read access, standard output and error a pipe write end or a file with write or
 * append access (a directory or the wrong pipe end is STATUS_ACCESS_DENIED). stderr 0
 * with a stdout given sends error output with the output. The child's console output
 * (DmWriteConsole) goes to its stdout, DmWriteConsoleError to its stderr, and its
 * console reads (DmReadConsole: one line at a time from a file; DmReadConsoleInput: the
 * bytes) come from its stdin, STATUS_END_OF_FILE at the end. A file is read and written
 * at its position, shared with the caller's handle (so `>>` appends when the handle has
 * append access only). The child holds its own references until it ends: the caller
 * may close its handles at once. DmCreateProcess and DmCreateProcessIo are this call
 * with stdin (and stderr) 0.
 */
NTAPI_IMPORT dormer_status_t DmCreateProcessStd(dormer_handle_t *handle, const char *cmdline,
                                                uint64_t len, dormer_handle_t stdin_handle,
                                                dormer_handle_t stdout_handle,
                                                dormer_handle_t stderr_handle);
/* Error output: to the process's stderr (its stdout, or the console, without one). */
NTAPI_IMPORT dormer_status_t DmWriteConsoleError(const char *buf, uint64_t len);

/* Exception dispatch (abi/exception.h, docs/exceptions.md). NtContinue resumes ctx (it
 * returns only with an error: a CONTEXT that cannot be resumed ends the process);
 * NtRaiseException with first_chance 1 delivers rec again to KiUserExceptionDispatcher
 * on ctx's stack, with 0 ends the process with the kernel's report. */
NTAPI_IMPORT dormer_status_t NtContinue(const struct dormer_context *ctx, uint64_t test_alert);
NTAPI_IMPORT dormer_status_t NtRaiseException(const struct dormer_exception_record *rec,
                                              const struct dormer_context *ctx,
                                              uint64_t first_chance);
NTAPI_IMPORT dormer_status_t DmSetExceptionDispatcher(uint64_t dispatcher);
/* Suspension and thread contexts, with Windows' prototypes: a thread stops on its way
 * back to user mode; ContextFlags names the CONTEXT's parts read or written. */
NTAPI_IMPORT dormer_status_t NtSuspendThread(dormer_handle_t thread, uint32_t *previous);
NTAPI_IMPORT dormer_status_t NtResumeThread(dormer_handle_t thread, uint32_t *previous);
NTAPI_IMPORT dormer_status_t NtGetContextThread(dormer_handle_t thread,
                                                struct dormer_context *ctx);
NTAPI_IMPORT dormer_status_t NtSetContextThread(dormer_handle_t thread,
                                                const struct dormer_context *ctx);
/* DmCreateProcess with a NUL-terminated command line. */
NTAPI_IMPORT dormer_status_t DormerSpawn(const char *cmdline, dormer_handle_t stdout_handle,
                                         dormer_handle_t *handle);

/* Waits for one handle: STATUS_WAIT_0, STATUS_ABANDONED_WAIT_0 or STATUS_TIMEOUT. */
NTAPI_IMPORT dormer_status_t DormerWait(dormer_handle_t handle, uint64_t timeout_ms);

/*
 * A lock for threads of one process, on DmWaitOnAddress/DmWakeAddress: taking it free
 * and releasing it without waiters are one atomic instruction each and never enter the
 * kernel. Not recursive; not shared between processes. Zero-initialised is unlocked.
 */
struct dormer_lock {
    uint32_t state; /* DORMER_LOCK_FREE, _HELD or _CONTENDED (held, and maybe waiters) */
};
#define DORMER_LOCK_FREE      0u
#define DORMER_LOCK_HELD      1u
#define DORMER_LOCK_CONTENDED 2u
#define DORMER_LOCK_INIT {DORMER_LOCK_FREE}

/* Takes the lock, sleeping in the kernel while another thread holds it. */
NTAPI_IMPORT void DormerAcquireLock(struct dormer_lock *lock);
/* Takes the lock if it is free; returns 1 if it did, 0 otherwise. Never sleeps. */
NTAPI_IMPORT int DormerTryAcquireLock(struct dormer_lock *lock);
/* Releases a lock the caller holds, waking one sleeper if there may be any. */
NTAPI_IMPORT void DormerReleaseLock(struct dormer_lock *lock);

/* ulib (userspace/lib/ulib.c, linked statically into every image). */

/* The memory and string routines (memcpy, strlen, strcasecmp, strlcpy, ...) and the
 * printf core are the library shared with the kernel: <lib/string.h>, <lib/fmt.h>. */

/*
 * printf over lib/fmt (see <lib/fmt.h> for the conversions; no floats): in LLP64, l is
 * 32 bits, ll and z 64. usnprintf is C99 snprintf: it NUL-terminates when n >= 1 and
 * returns the length the whole output would have had.
 */
__attribute__((format(gnu_printf, 3, 4))) int usnprintf(char *buf, size_t n, const char *fmt,
                                                         ...);
int uvsnprintf(char *buf, size_t n, const char *fmt, va_list ap);

/* Formats to the console (in pieces of at most 256 bytes); returns the length written. */
__attribute__((format(gnu_printf, 1, 2))) int uprintf(const char *fmt, ...);

/*
 * Splits a command line in place into at most max_args words (separated by spaces or
 * tabs; double quotes group and are removed; "" is an empty word; no escapes), stores
 * pointers to them in argv, argv[count] = NULL (argv has max_args + 1 slots), and
 * returns the count. Words past max_args are dropped.
 */
int ulib_split_args(char *line, char **argv, int max_args);

/* Opens the existing file or directory at path (ASCII, at most ULIB_PATH_MAX chars, any
 * form DmCreateFile takes) with access and options, sharing everything; DmCreateFile's
 * status (STATUS_OBJECT_NAME_INVALID for a longer path). */
#define ULIB_PATH_MAX 260
dormer_status_t ulib_open(const char *path, uint32_t access, uint32_t options,
                          dormer_handle_t *handle);

/* Runs this image's C constructors (the .ctors list) once; crt0 and dllcrt0 call it. */
void ulib_run_constructors(void);

/*
 * Test reporting, the format every t_* program uses: one "check NAME ... ok" or
 * "check NAME ... FAIL (why)" line per check; ulib_check_summary prints
 * "N checks, N failed" and returns the exit code (0 only when nothing failed).
 */
__attribute__((format(gnu_printf, 3, 4))) int ulib_check(int ok, const char *name,
                                                          const char *why_fmt, ...);
int ulib_check_summary(void);

/* CHECK(cond, name): records cond; on failure the reason is the condition's text. */
#define CHECK(cond, name) ulib_check(!!(cond), (name), "%s", #cond)

/* CHECK_STATUS(expr, expected, name): expr is an NTSTATUS; prints both on failure. */
#define CHECK_STATUS(expr, expected, name)                                                     \
    do {                                                                                       \
        dormer_status_t check_got_ = (expr);                                                   \
        dormer_status_t check_want_ = (expected);                                              \
        ulib_check(check_got_ == check_want_, (name), "status 0x%08x, expected 0x%08x",        \
                   (uint32_t)check_got_, (uint32_t)check_want_);                               \
    } while (0)

#define DORMER_PAGE_SIZE 4096u

/* DLL entry point reasons (Windows values). */
#define DLL_PROCESS_DETACH 0u
#define DLL_PROCESS_ATTACH 1u

/*
 * Defined by each test DLL; lib/dllcrt0.c's DllMainCRTStartup (the DLL's PE entry point)
 * runs the constructors on attach, then calls it. Returns nonzero to let the load go on.
 */
int DllMain(void *instance, uint32_t reason, void *reserved);

/*
 * For functions that must keep their own frame and name in a backtrace: not inlined,
 * cloned or otherwise merged (the build also turns off sibling-call optimisation).
 */
#define DORMER_NOINLINE __attribute__((noipa))

#endif
