/* TLS callbacks, registered the way C programs and runtimes do (a pointer in .CRT$XL?):
 * the loader calls them for process attach and for each thread's attach and detach. */
#include <windows.h>
#include <stdio.h>

static volatile LONG process_attach, thread_attach, thread_detach;

static void NTAPI on_tls(PVOID module, DWORD reason, PVOID reserved)
{
    (void)module;
    (void)reserved;
    switch (reason) {
    case DLL_PROCESS_ATTACH:
        InterlockedIncrement(&process_attach);
        break;
    case DLL_THREAD_ATTACH:
        InterlockedIncrement(&thread_attach);
        break;
    case DLL_THREAD_DETACH:
        InterlockedIncrement(&thread_detach);
        break;
    }
}

__attribute__((section(".CRT$XLY"), used)) PIMAGE_TLS_CALLBACK w_tls_callback = on_tls;

static DWORD WINAPI worker(LPVOID arg)
{
    return (DWORD)(ULONG_PTR)arg;
}

int main(void)
{
    HANDLE h[4];

    printf("process attach seen: %ld\n", process_attach);
    LONG before = thread_attach;
    for (int i = 0; i < 4; i++)
        h[i] = CreateThread(NULL, 0, worker, (LPVOID)(ULONG_PTR)i, 0, NULL);
    WaitForMultipleObjects(4, h, TRUE, INFINITE);
    for (int i = 0; i < 4; i++)
        CloseHandle(h[i]);
    printf("thread attach callbacks: %ld\n", thread_attach - before);
    printf("thread detach callbacks: %ld\n", thread_detach);
    printf("DisableThreadLibraryCalls(kernel32): %d\n",
           DisableThreadLibraryCalls(GetModuleHandleA("kernel32.dll")));
    return 0;
}
