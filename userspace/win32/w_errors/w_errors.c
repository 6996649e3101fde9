/* GetLastError after failing calls: the codes Windows gives. */
#include <windows.h>
#include <stdio.h>

static void show(const char *what, BOOL ok)
{
    printf("%-40s ok=%d error=%lu\n", what, ok ? 1 : 0, ok ? 0 : GetLastError());
}

int main(void)
{
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);

    SetLastError(1234);
    printf("SetLastError round trip: %lu\n", GetLastError());
    show("CloseHandle(bogus)", CloseHandle((HANDLE)(ULONG_PTR)0x12340));
    show("GetModuleHandleA(no such dll)", GetModuleHandleA("nosuch.dll") != NULL);
    HMODULE k32 = GetModuleHandleA("kernel32.dll");
    show("GetModuleHandleA(kernel32.dll)", k32 != NULL);
    show("GetModuleHandleA(KERNEL32)", GetModuleHandleA("KERNEL32") == k32);
    show("GetProcAddress(no such function)", GetProcAddress(k32, "NoSuchFunction") != NULL);
    FARPROC f = GetProcAddress(k32, "GetCurrentProcessId");
    show("GetProcAddress(GetCurrentProcessId)", f != NULL);
    printf("called through it: same pid=%d\n",
           ((DWORD(WINAPI *)(void))(void *)f)() == GetCurrentProcessId());
    char buf[16];
    DWORD n = GetEnvironmentVariableA("DORMER_NOT_SET", buf, sizeof buf);
    printf("GetEnvironmentVariableA(missing) = %lu error=%lu\n", n, GetLastError());
    SetEnvironmentVariableA("DORMER_LONG", "0123456789abcdefghij");
    n = GetEnvironmentVariableA("DORMER_LONG", buf, sizeof buf);
    printf("GetEnvironmentVariableA(too long) = %lu\n", n);
    n = GetEnvironmentVariableA("dormer_long", NULL, 0);
    printf("GetEnvironmentVariableA(any case, size query) = %lu\n", n);
    printf("WaitForSingleObject(unset event, 10) = %lu\n", WaitForSingleObject(ev, 10));
    SetEvent(ev);
    printf("WaitForSingleObject(set event) = %lu\n", WaitForSingleObject(ev, 0));
    show("SetEvent(closed)", CloseHandle(ev) && SetEvent(ev));
    SetLastError(0);
    DWORD wr = WaitForSingleObject(ev, 0);
    printf("WaitForSingleObject(closed) = %lx error=%lu\n", wr, GetLastError());
    show("ReleaseMutex(not owner)", ReleaseMutex(CreateMutexA(NULL, FALSE, NULL)));
    show("TlsGetValue(2000)", TlsGetValue(2000) != NULL);
    show("TlsFree(unused slot)", TlsFree(63));
    show("HeapFree(bad pointer)", HeapFree(GetProcessHeap(), 0, buf + 1));
    int wn = MultiByteToWideChar(CP_ACP, 0, "abc", -1, NULL, 0);
    printf("MultiByteToWideChar size = %d\n", wn);
    WCHAR w[2];
    show("MultiByteToWideChar(too small)", MultiByteToWideChar(CP_ACP, 0, "abc", -1, w, 2));
    char u8[16];
    int un = WideCharToMultiByte(CP_UTF8, 0, L"\x00e9\x20ac", -1, u8, sizeof u8, NULL, NULL);
    printf("WideCharToMultiByte UTF-8 = %d bytes: %02x %02x %02x %02x %02x\n", un,
           (unsigned char)u8[0], (unsigned char)u8[1], (unsigned char)u8[2],
           (unsigned char)u8[3], (unsigned char)u8[4]);
    un = WideCharToMultiByte(1252, 0, L"\x20ac", 1, u8, sizeof u8, NULL, NULL);
    printf("WideCharToMultiByte 1252 euro = %d: %02x\n", un, (unsigned char)u8[0]);
    printf("GetACP=%u\n", GetACP());
    return 0;
}
