/* CreateProcess of a child (this program again, with an argument) whose standard output
 * is a pipe the parent reads, and whose exit code the parent collects. */
#include <windows.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        printf("child line one\n");
        printf("child argc=%d\n", argc);
        return 5;
    }
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE rd, wr;
    printf("CreatePipe: %d\n", CreatePipe(&rd, &wr, &sa, 0));
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    STARTUPINFOA si = {sizeof si};
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = wr;
    si.hStdError = wr;
    PROCESS_INFORMATION pi;
    char cmd[] = "w_spawn.exe child";
    BOOL ok = CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi);
    printf("CreateProcessA: %d\n", ok);
    CloseHandle(wr);
    char buf[256];
    DWORD got, total = 0;
    while (total < sizeof buf - 1 && ReadFile(rd, buf + total, sizeof buf - 1 - total, &got, NULL) && got)
        total += got;
    buf[total] = 0;
    for (char *p = buf; *p; p++)
        if (*p == '\r')
            *p = '|';
    printf("child wrote %lu bytes: %s", total, buf);
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code = 0;
    GetExitCodeProcess(pi.hProcess, &code);
    printf("child exit code %lu\n", code);
    CloseHandle(pi.hProcess);
    if (pi.hThread)
        CloseHandle(pi.hThread);
    CloseHandle(rd);
    ok = CreateProcessA(NULL, (char[]){"no_such_program.exe"}, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi);
    printf("CreateProcessA(missing): %d error=%lu\n", ok, GetLastError());
    return 0;
}
