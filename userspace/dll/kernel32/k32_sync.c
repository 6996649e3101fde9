/*
 * Synchronization: critical sections, slim reader/writer locks, condition variables
 * and one-time initialization live in user memory and sleep in the kernel only when
 * contended (DmWaitOnAddress on the lock word); events, mutexes and semaphores are
 * kernel objects behind handles, so they work with WaitForMultipleObjects.
 */
#include "k32.h"

/* ------------------------------------------------------------ critical sections ---- */
/* LockCount holds the futex word (struct dormer_lock's three states); OwningThread is the
 * owner's id, RecursionCount its depth. Nothing else in the structure is used. */

static struct dormer_lock *cs_lock(LPCRITICAL_SECTION cs)
{
    _Static_assert(sizeof(cs->LockCount) == sizeof(struct dormer_lock), "lock word fits");
    return (struct dormer_lock *)&cs->LockCount;
}

static HANDLE self_id(void)
{
    return (HANDLE)(uintptr_t)DormerGetTeb()->client_id_thread;
}

void WINAPI InitializeCriticalSection(LPCRITICAL_SECTION cs)
{
    memset(cs, 0, sizeof *cs);
}

BOOL WINAPI InitializeCriticalSectionAndSpinCount(LPCRITICAL_SECTION cs, DWORD spin)
{
    memset(cs, 0, sizeof *cs);
    cs->SpinCount = spin;
    return TRUE;
}

BOOL WINAPI InitializeCriticalSectionEx(LPCRITICAL_SECTION cs, DWORD spin, DWORD flags)
{
    (void)flags;
    return InitializeCriticalSectionAndSpinCount(cs, spin);
}

void WINAPI DeleteCriticalSection(LPCRITICAL_SECTION cs)
{
    memset(cs, 0, sizeof *cs);
}

void WINAPI EnterCriticalSection(LPCRITICAL_SECTION cs)
{
    HANDLE me = self_id();

    if (cs->OwningThread == me) {
        cs->RecursionCount++;
        return;
    }
    DormerAcquireLock(cs_lock(cs));
    cs->OwningThread = me;
    cs->RecursionCount = 1;
}

BOOL WINAPI TryEnterCriticalSection(LPCRITICAL_SECTION cs)
{
    HANDLE me = self_id();

    if (cs->OwningThread == me) {
        cs->RecursionCount++;
        return TRUE;
    }
    if (!DormerTryAcquireLock(cs_lock(cs)))
        return FALSE;
    cs->OwningThread = me;
    cs->RecursionCount = 1;
    return TRUE;
}

void WINAPI LeaveCriticalSection(LPCRITICAL_SECTION cs)
{
    if (cs->OwningThread != self_id() || cs->RecursionCount <= 0)
        return; /* not the owner: Windows' behaviour is undefined; do no harm */
    if (--cs->RecursionCount > 0)
        return;
    cs->OwningThread = NULL;
    DormerReleaseLock(cs_lock(cs));
}

/* --------------------------------------------------------------- SRW locks ---- */
/* The pointer-sized word: bit 0 writer, bits 1.. reader count; waiters sleep on the
 * low 32 bits and are all woken on release (they race again). */

#define SRW_WRITER 1u
#define SRW_READER 2u

static uint32_t *srw_word(PSRWLOCK l)
{
    return (uint32_t *)&l->Ptr;
}

void WINAPI InitializeSRWLock(PSRWLOCK l)
{
    l->Ptr = NULL;
}

BOOLEAN WINAPI TryAcquireSRWLockExclusive(PSRWLOCK l)
{
    uint32_t expect = 0;

    return __atomic_compare_exchange_n(srw_word(l), &expect, SRW_WRITER, 0, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED);
}

void WINAPI AcquireSRWLockExclusive(PSRWLOCK l)
{
    uint32_t *w = srw_word(l);

    for (;;) {
        uint32_t v = __atomic_load_n(w, __ATOMIC_RELAXED);
        if (v == 0 && TryAcquireSRWLockExclusive(l))
            return;
        if (v != 0)
            DmWaitOnAddress(w, v, sizeof *w, DORMER_INFINITE);
    }
}

void WINAPI ReleaseSRWLockExclusive(PSRWLOCK l)
{
    __atomic_store_n(srw_word(l), 0, __ATOMIC_RELEASE);
    DmWakeAddress(srw_word(l), 1);
}

BOOLEAN WINAPI TryAcquireSRWLockShared(PSRWLOCK l)
{
    uint32_t *w = srw_word(l), v = __atomic_load_n(w, __ATOMIC_RELAXED);

    while (!(v & SRW_WRITER))
        if (__atomic_compare_exchange_n(w, &v, v + SRW_READER, 1, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
            return TRUE;
    return FALSE;
}

void WINAPI AcquireSRWLockShared(PSRWLOCK l)
{
    uint32_t *w = srw_word(l);

    while (!TryAcquireSRWLockShared(l)) {
        uint32_t v = __atomic_load_n(w, __ATOMIC_RELAXED);
        if (v & SRW_WRITER)
            DmWaitOnAddress(w, v, sizeof *w, DORMER_INFINITE);
    }
}

void WINAPI ReleaseSRWLockShared(PSRWLOCK l)
{
    if (__atomic_sub_fetch(srw_word(l), SRW_READER, __ATOMIC_RELEASE) == 0)
        DmWakeAddress(srw_word(l), 1);
}

/* ------------------------------------------------------- condition variables ---- */
/* A sequence number: a sleeper waits for it to change from what it read before it let
 * go of the lock, so a wake between the two is never lost. */

static uint32_t *cv_word(PCONDITION_VARIABLE cv)
{
    return (uint32_t *)&cv->Ptr;
}

void WINAPI InitializeConditionVariable(PCONDITION_VARIABLE cv)
{
    cv->Ptr = NULL;
}

static BOOL cv_sleep(PCONDITION_VARIABLE cv, uint32_t seq, DWORD ms)
{
    dormer_status_t st = DmWaitOnAddress(cv_word(cv), seq, sizeof(uint32_t), k32_timeout(ms));

    if (st == STATUS_TIMEOUT) {
        k32_set_error(ERROR_TIMEOUT);
        return FALSE;
    }
    return TRUE;
}

BOOL WINAPI SleepConditionVariableCS(PCONDITION_VARIABLE cv, PCRITICAL_SECTION cs, DWORD ms)
{
    uint32_t seq = __atomic_load_n(cv_word(cv), __ATOMIC_ACQUIRE);
    LONG depth = cs->RecursionCount;

    cs->RecursionCount = 1;
    LeaveCriticalSection(cs);
    BOOL ok = cv_sleep(cv, seq, ms);
    EnterCriticalSection(cs);
    cs->RecursionCount = depth;
    return ok;
}

BOOL WINAPI SleepConditionVariableSRW(PCONDITION_VARIABLE cv, PSRWLOCK l, DWORD ms, ULONG flags)
{
    uint32_t seq = __atomic_load_n(cv_word(cv), __ATOMIC_ACQUIRE);
    BOOL shared = (flags & CONDITION_VARIABLE_LOCKMODE_SHARED) != 0;

    if (shared)
        ReleaseSRWLockShared(l);
    else
        ReleaseSRWLockExclusive(l);
    BOOL ok = cv_sleep(cv, seq, ms);
    if (shared)
        AcquireSRWLockShared(l);
    else
        AcquireSRWLockExclusive(l);
    return ok;
}

void WINAPI WakeConditionVariable(PCONDITION_VARIABLE cv)
{
    __atomic_add_fetch(cv_word(cv), 1, __ATOMIC_RELEASE);
    DmWakeAddress(cv_word(cv), 0);
}

void WINAPI WakeAllConditionVariable(PCONDITION_VARIABLE cv)
{
    __atomic_add_fetch(cv_word(cv), 1, __ATOMIC_RELEASE);
    DmWakeAddress(cv_word(cv), 1);
}

/* ------------------------------------------------------------- init once ---- */
/* 0 not started, 1 running, 2 done. */

void WINAPI InitOnceInitialize(PINIT_ONCE once)
{
    once->Ptr = NULL;
}

BOOL WINAPI InitOnceExecuteOnce(PINIT_ONCE once, PINIT_ONCE_FN fn, PVOID param, LPVOID *context)
{
    uint32_t *w = (uint32_t *)&once->Ptr;

    for (;;) {
        uint32_t v = 0;
        if (__atomic_compare_exchange_n(w, &v, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
            BOOL ok = fn(once, param, context);
            __atomic_store_n(w, ok ? 2 : 0, __ATOMIC_RELEASE);
            DmWakeAddress(w, 1);
            return ok;
        }
        if (v == 2)
            return TRUE;
        DmWaitOnAddress(w, 1, sizeof *w, DORMER_INFINITE);
    }
}

/* ------------------------------------------------------- kernel objects ---- */

/*
 * Named objects: kernel32 names them as Windows does, "Global\x" in \BaseNamedObjects
 * and every other name (and "Local\x") in the session's own directory,
 * \Sessions\1\BaseNamedObjects. A name that exists opens the object, with
 * ERROR_ALREADY_EXISTS; a name of another kind of object fails with
 * ERROR_INVALID_HANDLE. Names compare case-sensitively.
 */

#define SESSION_DIR "\\Sessions\\1\\BaseNamedObjects\\"
#define GLOBAL_DIR  "\\BaseNamedObjects\\"

/* The full object path of a kernel32 name into buf (DORMER_OBJECT_NAME_MAX units);
 * its length, 0 for no name (NULL or ""), or -1 with the error set. */
static long object_path(const WCHAR *name, WCHAR *buf)
{
    static const WCHAR global[] = { 'G', 'l', 'o', 'b', 'a', 'l', '\\' };
    static const WCHAR local[] = { 'L', 'o', 'c', 'a', 'l', '\\' };
    const char *dir = SESSION_DIR;

    if (!name || !name[0])
        return 0;
    size_t len = k32_wcslen(name);
    if (len >= 7 && memcmp(name, global, sizeof global) == 0) {
        dir = GLOBAL_DIR;
        name += 7;
        len -= 7;
    } else if (len >= 6 && memcmp(name, local, sizeof local) == 0) {
        name += 6;
        len -= 6;
    }
    if (len > MAX_PATH) {
        k32_set_error(ERROR_FILENAME_EXCED_RANGE);
        return -1;
    }
    if (len == 0 || k32_wcschr(name, '\\')) { /* no such directory below */
        k32_set_error(len ? ERROR_PATH_NOT_FOUND : ERROR_INVALID_NAME);
        return -1;
    }
    size_t n = 0;
    while (dir[n]) {
        buf[n] = (WCHAR)dir[n];
        n++;
    }
    memcpy(buf + n, name, len * sizeof *name);
    return (long)(n + len);
}

static HANDLE create_object(uint32_t kind, LPSECURITY_ATTRIBUTES sa, LPCWSTR name,
                            DWORD access, int64_t arg1, int64_t arg2)
{
    WCHAR path[DORMER_OBJECT_NAME_MAX];
    long len = object_path(name, path);
    dormer_handle_t h = 0;

    if (len < 0)
        return NULL;
    struct dormer_object_create c = {
        .kind = kind,
        .flags = DORMER_OBJECT_OPEN_IF | (sa && sa->bInheritHandle ? DORMER_OBJECT_INHERIT : 0),
        .access = access,
        .name_chars = (uint32_t)len,
        .name = (uint64_t)(uintptr_t)path,
        .arg1 = arg1,
        .arg2 = arg2,
    };
    dormer_status_t st = DmCreateObject(&h, &c);
    if (!NT_SUCCESS(st)) {
        k32_fail(st);
        return NULL;
    }
    k32_set_error(st == STATUS_OBJECT_NAME_EXISTS ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
    return (HANDLE)(uintptr_t)h;
}

/* The A forms: the name as UTF-16 (NULL stays NULL). */
static HANDLE create_object_a(uint32_t kind, LPSECURITY_ATTRIBUTES sa, LPCSTR name,
                              DWORD access, int64_t arg1, int64_t arg2)
{
    WCHAR *w = name ? k32_to_wide(name) : NULL;

    if (name && !w) {
        k32_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    HANDLE h = create_object(kind, sa, w, access, arg1, arg2);
    k32_free(w);
    return h;
}

static HANDLE open_object(uint32_t kind, DWORD access, BOOL inherit, LPCWSTR name)
{
    WCHAR path[DORMER_OBJECT_NAME_MAX];
    dormer_handle_t h = 0;

    if (!name) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    long len = object_path(name, path);
    if (len < 0)
        return NULL;
    if (len == 0) {
        k32_set_error(ERROR_INVALID_NAME);
        return NULL;
    }
    uint64_t chars = (uint64_t)len | (inherit ? 1ull << 32 : 0);
    dormer_status_t st = DmOpenObject(&h, kind, access, (const uint16_t *)path, chars);
    if (!NT_SUCCESS(st)) {
        k32_fail(st);
        return NULL;
    }
    return (HANDLE)(uintptr_t)h;
}

static HANDLE open_object_a(uint32_t kind, DWORD access, BOOL inherit, LPCSTR name)
{
    WCHAR *w = name ? k32_to_wide(name) : NULL;

    if (name && !w) {
        k32_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    HANDLE h = open_object(kind, access, inherit, w);
    k32_free(w);
    return h;
}

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES sa, BOOL manual, BOOL initial, LPCSTR name)
{
    return create_object_a(DORMER_OBJECT_EVENT, sa, name, EVENT_ALL_ACCESS, manual ? 1 : 0,
                           initial ? 1 : 0);
}

HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES sa, BOOL manual, BOOL initial, LPCWSTR name)
{
    return create_object(DORMER_OBJECT_EVENT, sa, name, EVENT_ALL_ACCESS, manual ? 1 : 0,
                         initial ? 1 : 0);
}

HANDLE WINAPI CreateEventExA(LPSECURITY_ATTRIBUTES sa, LPCSTR name, DWORD flags, DWORD access)
{
    return create_object_a(DORMER_OBJECT_EVENT, sa, name, access,
                           (flags & CREATE_EVENT_MANUAL_RESET) != 0,
                           (flags & CREATE_EVENT_INITIAL_SET) != 0);
}

HANDLE WINAPI CreateEventExW(LPSECURITY_ATTRIBUTES sa, LPCWSTR name, DWORD flags, DWORD access)
{
    return create_object(DORMER_OBJECT_EVENT, sa, name, access,
                         (flags & CREATE_EVENT_MANUAL_RESET) != 0,
                         (flags & CREATE_EVENT_INITIAL_SET) != 0);
}

HANDLE WINAPI OpenEventA(DWORD access, BOOL inherit, LPCSTR name)
{
    return open_object_a(DORMER_OBJECT_EVENT, access, inherit, name);
}

HANDLE WINAPI OpenEventW(DWORD access, BOOL inherit, LPCWSTR name)
{
    return open_object(DORMER_OBJECT_EVENT, access, inherit, name);
}

BOOL WINAPI SetEvent(HANDLE h)
{
    dormer_status_t st = DmSetEvent(k32_handle(h), NULL);
    return NT_SUCCESS(st) ? TRUE : k32_fail(st);
}

BOOL WINAPI ResetEvent(HANDLE h)
{
    dormer_status_t st = DmResetEvent(k32_handle(h), NULL);
    return NT_SUCCESS(st) ? TRUE : k32_fail(st);
}

HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES sa, BOOL owned, LPCSTR name)
{
    return create_object_a(DORMER_OBJECT_MUTEX, sa, name, MUTEX_ALL_ACCESS, owned ? 1 : 0, 0);
}

HANDLE WINAPI CreateMutexW(LPSECURITY_ATTRIBUTES sa, BOOL owned, LPCWSTR name)
{
    return create_object(DORMER_OBJECT_MUTEX, sa, name, MUTEX_ALL_ACCESS, owned ? 1 : 0, 0);
}

HANDLE WINAPI CreateMutexExA(LPSECURITY_ATTRIBUTES sa, LPCSTR name, DWORD flags, DWORD access)
{
    return create_object_a(DORMER_OBJECT_MUTEX, sa, name, access,
                           (flags & CREATE_MUTEX_INITIAL_OWNER) != 0, 0);
}

HANDLE WINAPI CreateMutexExW(LPSECURITY_ATTRIBUTES sa, LPCWSTR name, DWORD flags, DWORD access)
{
    return create_object(DORMER_OBJECT_MUTEX, sa, name, access,
                         (flags & CREATE_MUTEX_INITIAL_OWNER) != 0, 0);
}

HANDLE WINAPI OpenMutexA(DWORD access, BOOL inherit, LPCSTR name)
{
    return open_object_a(DORMER_OBJECT_MUTEX, access, inherit, name);
}

HANDLE WINAPI OpenMutexW(DWORD access, BOOL inherit, LPCWSTR name)
{
    return open_object(DORMER_OBJECT_MUTEX, access, inherit, name);
}

BOOL WINAPI ReleaseMutex(HANDLE h)
{
    dormer_status_t st = DmReleaseMutex(k32_handle(h));
    return NT_SUCCESS(st) ? TRUE : k32_fail(st);
}

static BOOL semaphore_args_ok(LONG initial, LONG maximum)
{
    if (maximum <= 0 || initial < 0 || initial > maximum) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    return TRUE;
}

HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES sa, LONG initial, LONG maximum, LPCSTR name)
{
    if (!semaphore_args_ok(initial, maximum))
        return NULL;
    return create_object_a(DORMER_OBJECT_SEMAPHORE, sa, name, SEMAPHORE_ALL_ACCESS, initial,
                           maximum);
}

HANDLE WINAPI CreateSemaphoreW(LPSECURITY_ATTRIBUTES sa, LONG initial, LONG maximum,
                               LPCWSTR name)
{
    if (!semaphore_args_ok(initial, maximum))
        return NULL;
    return create_object(DORMER_OBJECT_SEMAPHORE, sa, name, SEMAPHORE_ALL_ACCESS, initial,
                         maximum);
}

HANDLE WINAPI CreateSemaphoreExA(LPSECURITY_ATTRIBUTES sa, LONG initial, LONG maximum,
                                 LPCSTR name, DWORD flags, DWORD access)
{
    (void)flags; /* reserved, must be 0 */
    if (!semaphore_args_ok(initial, maximum))
        return NULL;
    return create_object_a(DORMER_OBJECT_SEMAPHORE, sa, name, access, initial, maximum);
}

HANDLE WINAPI CreateSemaphoreExW(LPSECURITY_ATTRIBUTES sa, LONG initial, LONG maximum,
                                 LPCWSTR name, DWORD flags, DWORD access)
{
    (void)flags;
    if (!semaphore_args_ok(initial, maximum))
        return NULL;
    return create_object(DORMER_OBJECT_SEMAPHORE, sa, name, access, initial, maximum);
}

HANDLE WINAPI OpenSemaphoreA(DWORD access, BOOL inherit, LPCSTR name)
{
    return open_object_a(DORMER_OBJECT_SEMAPHORE, access, inherit, name);
}

HANDLE WINAPI OpenSemaphoreW(DWORD access, BOOL inherit, LPCWSTR name)
{
    return open_object(DORMER_OBJECT_SEMAPHORE, access, inherit, name);
}

BOOL WINAPI ReleaseSemaphore(HANDLE h, LONG count, LPLONG previous)
{
    int32_t prev = 0;

    if (count <= 0) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    dormer_status_t st = DmReleaseSemaphore(k32_handle(h), (uint64_t)count, &prev);
    if (!NT_SUCCESS(st))
        return k32_fail(st);
    if (previous)
        *previous = prev;
    return TRUE;
}
