/* Kernel objects as Windows has them: named events, mutexes and semaphores (create,
 * open, ERROR_ALREADY_EXISTS, kinds that clash, names that end with their last handle,
 * Global\ and Local\), access rights on handles, handle attributes, handles inherited
 * by a child, DuplicateHandle within a process and into another one. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A create call: the last error tells a new object from an existing one. */
static void show_create(const char *what, HANDLE h)
{
    DWORD err = GetLastError();

    printf("%-34s %s error=%lu\n", what, h ? "handle" : "NULL", err);
}

/* Other calls: the last error only on failure (success leaves it alone). */
static void show(const char *what, HANDLE h)
{
    DWORD err = GetLastError();

    if (h)
        printf("%-34s handle\n", what);
    else
        printf("%-34s NULL error=%lu\n", what, err);
}

static void show_ok(const char *what, BOOL ok)
{
    DWORD err = GetLastError();

    if (ok)
        printf("%-34s 1\n", what);
    else
        printf("%-34s 0 error=%lu\n", what, err);
}

static const char *wait_name(DWORD r)
{
    return r == WAIT_OBJECT_0 ? "WAIT_OBJECT_0" : r == WAIT_TIMEOUT ? "WAIT_TIMEOUT"
                                                 : r == WAIT_FAILED ? "WAIT_FAILED" : "?";
}

/* Start this program again with an argument line; stdin from `in` when given. */
static BOOL spawn(const char *args, HANDLE in, BOOL inherit, PROCESS_INFORMATION *pi)
{
    char cmd[200];
    STARTUPINFOA si = {sizeof si};

    snprintf(cmd, sizeof cmd, "w_objects.exe %s", args);
    if (in) {
        si.dwFlags = STARTF_USESTDHANDLES;
        si.hStdInput = in;
        si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
        si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    }
    return CreateProcessA(NULL, cmd, NULL, NULL, inherit, 0, NULL, NULL, &si, pi);
}

static DWORD finish(PROCESS_INFORMATION *pi)
{
    DWORD code = 0;

    WaitForSingleObject(pi->hProcess, INFINITE);
    GetExitCodeProcess(pi->hProcess, &code);
    CloseHandle(pi->hProcess);
    CloseHandle(pi->hThread);
    return code;
}

/* The children print nothing (their lines could interleave with the parent's): each
 * answers through its exit code, 100 + what it found. */
static int child(int argc, char **argv)
{
    if (strcmp(argv[1], "inherited") == 0 && argc > 2) {
        HANDLE h = (HANDLE)(uintptr_t)strtoull(argv[2], NULL, 16);
        DWORD flags = 99;
        BOOL got = GetHandleInformation(h, &flags);
        return 100 + 10 * got + (int)flags + 2 * SetEvent(h);
    }
    if (strcmp(argv[1], "named") == 0) {
        HANDLE h = OpenEventA(EVENT_MODIFY_STATE, FALSE, "w_objects_across");
        return 100 + 10 * (h != NULL) + SetEvent(h);
    }
    if (strcmp(argv[1], "dup") == 0) {
        char line[64] = "";
        DWORD got = 0;
        ReadFile(GetStdHandle(STD_INPUT_HANDLE), line, sizeof line - 1, &got, NULL);
        line[got] = 0;
        HANDLE h = (HANDLE)(uintptr_t)strtoull(line, NULL, 16);
        return 100 + ReleaseSemaphore(h, 2, NULL);
    }
    return 1;
}

int main(int argc, char **argv)
{
    /* Unbuffered, so the children's lines come out where they are printed whatever
     * stdout is (a console, a pipe or a file). */
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1)
        return child(argc, argv);

    /* Named events: create, create again, other kinds, open. */
    SetLastError(1234);
    HANDLE e1 = CreateEventA(NULL, TRUE, FALSE, "w_objects_event");
    show_create("CreateEventA(new)", e1);
    HANDLE e2 = CreateEventA(NULL, FALSE, TRUE, "w_objects_event");
    show_create("CreateEventA(existing)", e2);
    printf("%-34s %d\n", "same object, new handle", e1 != e2);
    SetEvent(e2);
    printf("%-34s %s\n", "wait on first after set on second", wait_name(WaitForSingleObject(e1, 0)));
    printf("%-34s %s\n", "manual reset kept from the first", wait_name(WaitForSingleObject(e1, 0)));
    ResetEvent(e1);
    show_create("CreateMutexA(event's name)", CreateMutexA(NULL, FALSE, "w_objects_event"));
    show_create("CreateSemaphoreA(event's name)", CreateSemaphoreA(NULL, 0, 1, "w_objects_event"));
    show("OpenMutexA(event's name)", OpenMutexA(SYNCHRONIZE, FALSE, "w_objects_event"));
    show("OpenEventA(missing)", OpenEventA(EVENT_ALL_ACCESS, FALSE, "w_objects_none"));
    show("OpenEventA(NULL name)", OpenEventA(EVENT_ALL_ACCESS, FALSE, NULL));
    show("OpenEventA(other case)", OpenEventA(EVENT_ALL_ACCESS, FALSE, "W_OBJECTS_EVENT"));
    show_create("CreateEventA(a\\b)", CreateEventA(NULL, FALSE, FALSE, "w_objects\\sub"));

    /* Access rights: a handle opened for SYNCHRONIZE only waits. */
    HANDLE sync = OpenEventA(SYNCHRONIZE, FALSE, "w_objects_event");
    show("OpenEventA(SYNCHRONIZE)", sync);
    show_ok("SetEvent(SYNCHRONIZE handle)", SetEvent(sync));
    HANDLE mod = OpenEventA(EVENT_MODIFY_STATE, FALSE, "w_objects_event");
    show_ok("SetEvent(EVENT_MODIFY_STATE)", SetEvent(mod));
    printf("%-34s %s\n", "wait (SYNCHRONIZE handle)", wait_name(WaitForSingleObject(sync, 0)));
    SetLastError(0);
    DWORD r = WaitForSingleObject(mod, 0);
    DWORD err = GetLastError();
    printf("%-34s %s error=%lu\n", "wait (EVENT_MODIFY_STATE handle)", wait_name(r), err);

    /* The name goes with the last handle. */
    CloseHandle(e1);
    CloseHandle(e2);
    CloseHandle(sync);
    show("OpenEventA(one handle left)", e1 = OpenEventA(SYNCHRONIZE, FALSE, "w_objects_event"));
    CloseHandle(e1);
    CloseHandle(mod);
    show("OpenEventA(after last close)", OpenEventA(SYNCHRONIZE, FALSE, "w_objects_event"));

    /* Local\ is the session's namespace, the one a bare name is in; Global\ is not. */
    HANDLE l = CreateMutexA(NULL, TRUE, "Local\\w_objects_mutex");
    show_create("CreateMutexA(Local\\x, owned)", l);
    show("OpenMutexA(x)", OpenMutexA(SYNCHRONIZE, FALSE, "w_objects_mutex"));
    show("OpenMutexA(Global\\x)", OpenMutexA(SYNCHRONIZE, FALSE, "Global\\w_objects_mutex"));
    HANDLE g = CreateMutexA(NULL, TRUE, "w_objects_mutex");
    show_create("CreateMutexA(x, owned, existing)", g);
    show_ok("ReleaseMutex (once owned)", ReleaseMutex(g));
    show_ok("ReleaseMutex (not owned now)", ReleaseMutex(g));

    /* Named semaphores keep their count across handles. */
    HANDLE s1 = CreateSemaphoreA(NULL, 1, 5, "w_objects_sem");
    HANDLE s2 = OpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, "w_objects_sem");
    LONG prev = -1;
    show_ok("ReleaseSemaphore(second handle)", ReleaseSemaphore(s2, 2, &prev));
    printf("%-34s %ld\n", "previous count", prev);
    HANDLE s3 = OpenSemaphoreA(SYNCHRONIZE, FALSE, "w_objects_sem");
    show_ok("ReleaseSemaphore(SYNCHRONIZE)", ReleaseSemaphore(s3, 1, NULL));
    CloseHandle(s3);

    /* Handle attributes. */
    SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};
    HANDLE ie = CreateEventA(&inherit, TRUE, FALSE, NULL);
    DWORD flags = 99;
    show_ok("GetHandleInformation(inheritable)", GetHandleInformation(ie, &flags));
    printf("%-34s %lu\n", "flags", flags);
    show_ok("SetHandleInformation(protect)",
            SetHandleInformation(ie, HANDLE_FLAG_PROTECT_FROM_CLOSE, HANDLE_FLAG_PROTECT_FROM_CLOSE));
    GetHandleInformation(ie, &flags);
    printf("%-34s %lu\n", "flags", flags);
    show_ok("CloseHandle(protected)", CloseHandle(ie));
    SetHandleInformation(ie, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0);
    printf("%-34s %s\n", "still open", wait_name(WaitForSingleObject(ie, 0)));

    /* DuplicateHandle within the process. */
    HANDLE d = NULL;
    show_ok("DuplicateHandle(same access)",
            DuplicateHandle(GetCurrentProcess(), s1, GetCurrentProcess(), &d, 0, FALSE,
                            DUPLICATE_SAME_ACCESS));
    printf("%-34s %s\n", "wait on duplicate", wait_name(WaitForSingleObject(d, 0)));
    HANDLE d2 = NULL;
    show_ok("DuplicateHandle(SYNCHRONIZE)",
            DuplicateHandle(GetCurrentProcess(), d, GetCurrentProcess(), &d2, SYNCHRONIZE,
                            FALSE, 0));
    show_ok("ReleaseSemaphore(dup SYNCHRONIZE)", ReleaseSemaphore(d2, 1, NULL));
    HANDLE d3 = NULL;
    show_ok("DuplicateHandle(close source)",
            DuplicateHandle(GetCurrentProcess(), d2, GetCurrentProcess(), &d3, 0, FALSE,
                            DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    printf("%-34s %s\n", "wait on the new one", wait_name(WaitForSingleObject(d3, 0)));
    show_ok("DuplicateHandle(bad source)",
            DuplicateHandle(GetCurrentProcess(), (HANDLE)(uintptr_t)0x7ffc, GetCurrentProcess(),
                            &d2, 0, FALSE, DUPLICATE_SAME_ACCESS));
    HANDLE self = NULL;
    DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(), &self, 0,
                    FALSE, DUPLICATE_SAME_ACCESS);
    printf("%-34s %d\n", "GetProcessId(duplicated self)",
           GetProcessId(self) == GetCurrentProcessId());
    CloseHandle(self);
    CloseHandle(d3);
    CloseHandle(d);

    /* A child inherits an inheritable handle at the same value. Nothing is printed
     * here while a child runs, so its lines and ours never interleave. */
    PROCESS_INFORMATION pi;
    char args[64];
    snprintf(args, sizeof args, "inherited %llx", (unsigned long long)(uintptr_t)ie);
    BOOL ok = spawn(args, NULL, TRUE, &pi);
    DWORD thread_wait = WaitForSingleObject(pi.hThread, INFINITE);
    BOOL tid = pi.dwThreadId != 0;
    DWORD code = finish(&pi);
    show_ok("CreateProcessA(inherit)", ok);
    printf("%-34s %d\n", "thread id given", tid);
    printf("%-34s %s\n", "wait on the child's thread", wait_name(thread_wait));
    printf("%-34s %lu\n", "child exit code", code);
    printf("%-34s %s\n", "event set by the child", wait_name(WaitForSingleObject(ie, 0)));
    CloseHandle(ie);

    /* A child opens a named event by name. */
    HANDLE across = CreateEventA(NULL, TRUE, FALSE, "w_objects_across");
    ok = spawn("named", NULL, FALSE, &pi);
    code = finish(&pi);
    show_ok("CreateProcessA(named)", ok);
    printf("%-34s %lu\n", "child exit code", code);
    printf("%-34s %s\n", "event set by the child", wait_name(WaitForSingleObject(across, 0)));
    CloseHandle(across);

    /* DuplicateHandle into a child, which learns the value on its stdin. */
    HANDLE rd, wr;
    CreatePipe(&rd, &wr, &inherit, 0);
    SetHandleInformation(wr, HANDLE_FLAG_INHERIT, 0);
    ok = spawn("dup", rd, TRUE, &pi);
    CloseHandle(rd);
    HANDLE in_child = NULL;
    BOOL dup_ok = DuplicateHandle(GetCurrentProcess(), s1, pi.hProcess, &in_child, 0, FALSE,
                                  DUPLICATE_SAME_ACCESS);
    char line[32];
    int n = snprintf(line, sizeof line, "%llx\n", (unsigned long long)(uintptr_t)in_child);
    DWORD put;
    WriteFile(wr, line, n, &put, NULL);
    CloseHandle(wr);
    code = finish(&pi);
    show_ok("CreateProcessA(dup)", ok);
    show_ok("DuplicateHandle(into the child)", dup_ok);
    printf("%-34s %lu\n", "child exit code", code);
    prev = -1;
    ReleaseSemaphore(s1, 1, &prev);
    printf("%-34s %ld\n", "count after the child's release", prev);
    CloseHandle(s1);
    CloseHandle(s2);
    return 0;
}
