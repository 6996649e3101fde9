/*
 * w_openproc: kernel32's OpenProcess. The program opens itself by id (the handle names
 * the same process, is still active, and waits), opens a child it started by the
 * child's id and waits on that handle for the child's end, and shows the errors of
 * pid 0 and of an id no process has.
 */
#include <windows.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc > 1) /* the child */
        return 5;

    DWORD self = GetCurrentProcessId();
    HANDLE h = OpenProcess(PROCESS_QUERY_INFORMATION | SYNCHRONIZE, FALSE, self);
    DWORD code = 0;
    printf("open self: %s\n", h ? "handle" : "NULL");
    printf("same id: %d\n", GetProcessId(h) == self);
    BOOL ok = GetExitCodeProcess(h, &code);
    printf("exit code: ok=%d code=%lu\n", ok, code);
    printf("wait 0 ms on self: %lu\n", WaitForSingleObject(h, 0));
    printf("close: %d\n", CloseHandle(h));

    char cmd[MAX_PATH + 16];
    char path[MAX_PATH];
    GetModuleFileNameA(NULL, path, MAX_PATH);
    snprintf(cmd, sizeof cmd, "\"%s\" child", path);
    STARTUPINFOA si = { sizeof si };
    PROCESS_INFORMATION pi;
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        printf("CreateProcess failed: %lu\n", GetLastError());
        return 1;
    }
    HANDLE child = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE,
                               pi.dwProcessId);
    printf("open child: %s\n", child ? "handle" : "NULL");
    printf("wait on the opened handle: %lu\n", WaitForSingleObject(child, 10000));
    ok = GetExitCodeProcess(child, &code);
    printf("child exit code: ok=%d code=%lu\n", ok, code);
    CloseHandle(child);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);

    SetLastError(0xdead);
    h = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, 0);
    printf("pid 0: %s error=%lu\n", h ? "handle" : "NULL", GetLastError());
    SetLastError(0xdead);
    h = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, 0x7ffffff8);
    printf("no such pid: %s error=%lu\n", h ? "handle" : "NULL", GetLastError());
    return 0;
}
