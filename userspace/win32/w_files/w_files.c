/* Files as a stock program uses them: stdio (text and binary modes, seeking, appending),
 * low-level _open/_read/_write, and kernel32's CreateFile family with its error codes,
 * directories and enumeration. Everything happens below a fresh directory in the
 * current one and is removed at the end. */
#include <windows.h>
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static void show(const char *what, BOOL ok)
{
    DWORD e = ok ? 0 : GetLastError();
    printf("%-44s ok=%d error=%lu\n", what, ok ? 1 : 0, e);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

int main(void)
{
    char line[128], names[16][MAX_PATH];
    FILE *f;

    show("CreateDirectoryA(wf_dir)", CreateDirectoryA("wf_dir", NULL));
    show("CreateDirectoryA(wf_dir) again", CreateDirectoryA("wf_dir", NULL));
    show("SetCurrentDirectoryA(wf_dir)", SetCurrentDirectoryA("wf_dir"));

    /* Text mode: "\n" is stored as "\r\n" and read back as "\n". */
    f = fopen("text.txt", "w");
    printf("fopen w: %d\n", f != NULL);
    for (int i = 1; i <= 3; i++)
        fprintf(f, "line %d of %s\n", i, "text");
    printf("fclose: %d\n", fclose(f));
    f = fopen("text.txt", "rb");
    fseek(f, 0, SEEK_END);
    printf("size on disk with CRs: %ld\n", ftell(f));
    fclose(f);
    f = fopen("text.txt", "r");
    while (fgets(line, sizeof line, f))
        printf("read: [%.*s]\n", (int)strcspn(line, "\n"), line);
    printf("feof=%d\n", feof(f) != 0);
    fclose(f);

    /* A "\r\n" that straddles two reads of the stream's 4 KiB buffer is one "\n". */
    f = fopen("edge.txt", "w");
    for (int i = 0; i < 4095; i++)
        fputc('a', f);
    fputs("\nnext\n", f);
    fclose(f);
    f = fopen("edge.txt", "r");
    static char longline[5000];
    fgets(longline, sizeof longline, f);
    size_t ll = strlen(longline);
    printf("straddling line: %u chars, ends in LF=%d, CR inside=%d\n", (unsigned)ll,
           longline[ll - 1] == '\n', strchr(longline, '\r') != NULL);
    fgets(line, sizeof line, f);
    printf("then: [%.*s]\n", (int)strcspn(line, "\n"), line);
    fclose(f);
    remove("edge.txt");

    /* Append, then read-update with seeks. */
    f = fopen("text.txt", "a");
    fputs("appended\n", f);
    fclose(f);
    f = fopen("text.txt", "r+b");
    fseek(f, 5, SEEK_SET);
    fputc('#', f);
    fseek(f, -10, SEEK_END);
    size_t n = fread(line, 1, sizeof line, f);
    printf("tail %u bytes: [%.8s]\n", (unsigned)n, line);
    rewind(f);
    n = fread(line, 1, 8, f);
    printf("head: [%.8s]\n", line);
    fclose(f);

    /* Binary data through the low-level calls. */
    int fd = _open("data.bin", _O_CREAT | _O_WRONLY | _O_BINARY | _O_TRUNC, _S_IREAD | _S_IWRITE);
    unsigned char buf[3000];
    for (int i = 0; i < 3000; i++)
        buf[i] = (unsigned char)(i * 7);
    printf("_write: %d\n", _write(fd, buf, sizeof buf));
    printf("_lseek end: %ld\n", _lseek(fd, 0, SEEK_END));
    _close(fd);
    fd = _open("data.bin", _O_RDONLY | _O_BINARY);
    memset(buf, 0, sizeof buf);
    _lseek(fd, 1000, SEEK_SET);
    int got = _read(fd, buf, 100), good = 1;
    for (int i = 0; i < got; i++)
        good &= buf[i] == (unsigned char)((i + 1000) * 7);
    printf("_read at 1000: %d good=%d\n", got, good);
    printf("_read at end: %d\n", (_lseek(fd, 0, SEEK_END), _read(fd, buf, 10)));
    _close(fd);
    errno = 0;
    fd = _open("missing.bin", _O_RDONLY);
    printf("_open missing: %d errno=%d\n", fd, errno);
    f = fopen("missing.txt", "r");
    printf("fopen missing: %d errno=%d\n", f != NULL, errno);

    /* kernel32: dispositions and their errors. */
    HANDLE h = CreateFileA("k32.txt", GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
    show("CreateFileA CREATE_NEW", h != INVALID_HANDLE_VALUE);
    DWORD done = 0;
    show("WriteFile", WriteFile(h, "0123456789", 10, &done, NULL) && done == 10);
    HANDLE h2 = CreateFileA("k32.txt", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    show("CreateFileA while open without sharing", h2 != INVALID_HANDLE_VALUE);
    show("SetFilePointer to 4", SetFilePointer(h, 4, NULL, FILE_BEGIN) == 4);
    show("SetEndOfFile", SetEndOfFile(h));
    CloseHandle(h);
    h = CreateFileA("k32.txt", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    printf("GetFileSize after truncate: %lu\n", GetFileSize(h, NULL));
    char rb[16] = {0};
    show("ReadFile", ReadFile(h, rb, sizeof rb, &done, NULL));
    printf("read %lu bytes: [%s]\n", done, rb);
    show("ReadFile at end", ReadFile(h, rb, sizeof rb, &done, NULL) && done == 0);
    CloseHandle(h);
    h = CreateFileA("k32.txt", GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    show("CreateFileA CREATE_NEW on existing", h != INVALID_HANDLE_VALUE);
    h = CreateFileA("k32.txt", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    printf("CREATE_ALWAYS on existing: ok=%d error=%lu\n", h != INVALID_HANDLE_VALUE, GetLastError());
    CloseHandle(h);
    h = CreateFileA("nothere.txt", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    show("CreateFileA OPEN_EXISTING missing", h != INVALID_HANDLE_VALUE);
    h = CreateFileA("nodir\\x.txt", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    show("CreateFileA in missing directory", h != INVALID_HANDLE_VALUE);
    h = CreateFileA("bad<name>.txt", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    show("CreateFileA bad name", h != INVALID_HANDLE_VALUE);

    /* Attributes, rename, delete. */
    DWORD attr = GetFileAttributesA("k32.txt");
    printf("attributes: archive=%d directory=%d\n", (attr & FILE_ATTRIBUTE_ARCHIVE) != 0,
           (attr & FILE_ATTRIBUTE_DIRECTORY) != 0);
    show("GetFileAttributesA(missing)", GetFileAttributesA("gone.txt") != INVALID_FILE_ATTRIBUTES);
    show("MoveFileA", MoveFileA("k32.txt", "moved.txt"));
    show("MoveFileA onto existing", MoveFileA("moved.txt", "text.txt"));
    show("MoveFileExA REPLACE_EXISTING", MoveFileExA("moved.txt", "text.txt", MOVEFILE_REPLACE_EXISTING));
    printf("rename(): %d\n", rename("data.bin", "data2.bin"));
    show("CreateDirectoryA(sub)", CreateDirectoryA("sub", NULL));
    f = fopen("sub\\inner.txt", "w");
    fputs("inside\n", f);
    fclose(f);
    show("RemoveDirectoryA(non-empty)", RemoveDirectoryA("sub"));

    /* Enumeration, sorted (the order of entries is the file system's). */
    WIN32_FIND_DATAA fd_data;
    int count = 0;
    HANDLE fh = FindFirstFileA("*", &fd_data);
    show("FindFirstFileA(*)", fh != INVALID_HANDLE_VALUE);
    do {
        if (strcmp(fd_data.cFileName, ".") && strcmp(fd_data.cFileName, "..") && count < 16)
            snprintf(names[count++], MAX_PATH, "%s%s", fd_data.cFileName,
                     (fd_data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ? "\\" : "");
    } while (FindNextFileA(fh, &fd_data));
    printf("FindNextFileA end error=%lu\n", GetLastError());
    FindClose(fh);
    qsort(names, (size_t)count, sizeof names[0], cmp_names);
    for (int i = 0; i < count; i++)
        printf("entry %s\n", names[i]);
    fh = FindFirstFileA("*.txt", &fd_data);
    count = 0;
    if (fh != INVALID_HANDLE_VALUE) {
        do
            count++;
        while (FindNextFileA(fh, &fd_data));
        FindClose(fh);
    }
    printf("*.txt matches %d\n", count);
    fh = FindFirstFileA("*.none", &fd_data);
    show("FindFirstFileA(*.none)", fh != INVALID_HANDLE_VALUE);

    show("DeleteFileA(sub\\inner.txt)", DeleteFileA("sub\\inner.txt"));
    show("RemoveDirectoryA(sub)", RemoveDirectoryA("sub"));
    show("DeleteFileA(text.txt)", DeleteFileA("text.txt"));
    printf("remove(data2.bin): %d\n", remove("data2.bin"));
    show("DeleteFileA(text.txt) again", DeleteFileA("text.txt"));
    show("SetCurrentDirectoryA(..)", SetCurrentDirectoryA(".."));
    show("RemoveDirectoryA(wf_dir)", RemoveDirectoryA("wf_dir"));
    show("GetFileAttributesA(wf_dir) after", GetFileAttributesA("wf_dir") != INVALID_FILE_ATTRIBUTES);
    return 0;
}
