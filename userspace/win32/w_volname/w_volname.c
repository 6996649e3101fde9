/*
 * w_volname: kernel32's volume enumeration, FindFirstVolumeW, FindNextVolumeW and
 * FindVolumeClose, as libstdc++'s std::filesystem uses them. GUIDs differ from machine to
 * machine, so the program prints the form of each name (\\?\Volume{8-4-4-4-12}\), that
 * no name repeats, the errors of a short buffer and of the end of the list, not the names.
 */
#include <windows.h>
#include <stdio.h>
#include <wchar.h>

static int well_formed(const wchar_t *n)
{
    static const int dash[] = { 19, 24, 29, 34 };

    if (wcslen(n) != 49 || wcsncmp(n, L"\\\\?\\Volume{", 11) != 0 || n[47] != L'}' ||
        n[48] != L'\\')
        return 0;
    for (int i = 11; i < 47; i++) {
        int is_dash = i == dash[0] || i == dash[1] || i == dash[2] || i == dash[3];
        if (is_dash ? n[i] != L'-' : !iswxdigit(n[i]))
            return 0;
    }
    return 1;
}

int main(void)
{
    wchar_t names[32][MAX_PATH], small[10];
    int count = 0, bad = 0, repeats = 0;

    SetLastError(0xdead);
    HANDLE h = FindFirstVolumeW(small, 10);
    printf("short buffer: handle %s error=%lu\n", h == INVALID_HANDLE_VALUE ? "invalid" : "valid",
           GetLastError());
    if (h != INVALID_HANDLE_VALUE)
        FindVolumeClose(h);

    h = FindFirstVolumeW(names[0], MAX_PATH);
    printf("first: handle %s\n", h == INVALID_HANDLE_VALUE ? "invalid" : "valid");
    if (h == INVALID_HANDLE_VALUE)
        return 1;
    count = 1;
    while (count < 32 && FindNextVolumeW(h, names[count], MAX_PATH))
        count++;
    printf("end: error=%lu\n", GetLastError());
    SetLastError(0xdead);
    BOOL ok = FindNextVolumeW(h, names[0], 0);
    printf("after the end, no buffer: ok=%d error=%lu\n", ok, ok ? 0 : GetLastError());
    for (int i = 0; i < count; i++) {
        if (!well_formed(names[i])) {
            bad++;
            wprintf(L"bad name %ls\n", names[i]);
        }
        for (int j = 0; j < i; j++)
            repeats += wcscmp(names[i], names[j]) == 0;
    }
    printf("at least one volume: %d\n", count >= 1);
    printf("badly formed: %d, repeated: %d\n", bad, repeats);
    printf("close: %d\n", FindVolumeClose(h));
    return 0;
}
