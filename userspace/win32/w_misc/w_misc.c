/* Built with -g (DWARF sections inside the image): file status, _findfirst, temporary
 * files, FormatMessage, GetFullPathName, sscanf, %a and %p, CopyFile, file times. */
#include <windows.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int main(void)
{
    char text[256], full[MAX_PATH], *part = NULL;
    struct stat st;
    int r;

    /* A scratch directory with one file, seen through stat and _findfirst. */
    CreateDirectoryA("wm_dir", NULL);
    FILE *f = fopen("wm_dir\\a.txt", "wb");
    fputs("twelve bytes", f);
    fclose(f);
    r = stat("wm_dir\\a.txt", &st);
    printf("stat file: %d size=%ld reg=%d dir=%d write=%d\n", r, (long)st.st_size, (st.st_mode & _S_IFREG) != 0, (st.st_mode & _S_IFDIR) != 0,
           (st.st_mode & _S_IWRITE) != 0);
    r = stat("wm_dir", &st);
    printf("stat dir: %d dir=%d\n", r, (st.st_mode & _S_IFDIR) != 0);
    r = stat("wm_dir\\none", &st);
    printf("stat missing: %d\n", r);
    struct _finddata_t fd;
    intptr_t h = _findfirst("wm_dir\\*.txt", &fd);
    printf("_findfirst: ok=%d name=%s size=%lu\n", h != -1, fd.name, (unsigned long)fd.size);
    printf("_findnext at end: %d\n", _findnext(h, &fd));
    _findclose(h);
    printf("CopyFileA: %d\n", CopyFileA("wm_dir\\a.txt", "wm_dir\\b.txt", TRUE));
    printf("CopyFileA onto existing (fail): %d\n", CopyFileA("wm_dir\\a.txt", "wm_dir\\b.txt", TRUE));
    HANDLE fh = CreateFileA("wm_dir\\b.txt", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    BY_HANDLE_FILE_INFORMATION info;
    r = GetFileInformationByHandle(fh, &info);
    printf("GetFileInformationByHandle: %d size=%lu links=%lu\n", r, info.nFileSizeLow,
           info.nNumberOfLinks);
    CloseHandle(fh);
    int fdn = _open("wm_dir\\b.txt", 0);
    r = fstat(fdn, &st);
    printf("fstat: %d size=%ld\n", r, (long)st.st_size);
    _close(fdn);
    DeleteFileA("wm_dir\\a.txt");
    DeleteFileA("wm_dir\\b.txt");
    RemoveDirectoryA("wm_dir");

    /* A temporary file is gone once closed. */
    FILE *t = tmpfile();
    fputs("scratch", t);
    rewind(t);
    char back[16] = {0};
    fread(back, 1, 7, t);
    printf("tmpfile: ok=%d read=[%s]\n", t != NULL, back);
    fclose(t);

    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                             ERROR_FILE_NOT_FOUND, 0, text, sizeof text, NULL);
    /* The texts are Windows' (Wine's differ): only their shape is compared here. */
    printf("FormatMessage(2): length matches=%d ends with CRLF=%d\n", n == strlen(text),
           n > 2 && strcmp(text + n - 2, "\r\n") == 0);
    SetLastError(0);
    n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, 0x20001234, 0, text, sizeof text, NULL);
    printf("FormatMessage(unknown): %lu error=%lu\n", n, GetLastError());
    char *alloc = NULL;
    FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_ALLOCATE_BUFFER |
                   FORMAT_MESSAGE_IGNORE_INSERTS, NULL, ERROR_SHARING_VIOLATION, 0,
                   (LPSTR)&alloc, 0, NULL);
    printf("FormatMessage(32) allocated: %d\n", alloc != NULL && strlen(alloc) > 2);
    LocalFree(alloc);

    n = GetFullPathNameA("C:\\one\\two\\..\\three\\.\\four.txt", MAX_PATH, full, &part);
    printf("GetFullPathName: %lu %s part=%s\n", n, full, part);
    n = GetFullPathNameA("C:/a/b/../../..", MAX_PATH, full, &part);
    printf("GetFullPathName up past the root: %s\n", full);

    int a = 0, c = 0;
    char word[16];
    double d = 0;
    r = sscanf("  42 apples 2.5 x", "%d %15s %lf %n", &a, word, &d, &c);
    printf("sscanf: %d a=%d word=%s d=%.2f consumed=%d\n", r, a, word, d, c);
    printf("%%a: %a %a\n", 1.0, -0.375);
    printf("%%p: %p\n", (void *)(ULONG_PTR)0x1234abcd);
    return 0;
}
