/*
 * t_stdio: a stock mingw-w64 program (msvcrt.dll and kernel32.dll, built as for Windows)
 * using files on RAM C:\ the way C programs do: stdio, then Win32 directories, finds,
 * renames and the current directory. It prints the t_* check lines itself.
 */
#include <stdio.h>
#include <string.h>
#include <windows.h>

static int failed, checks;

static void check(int ok, const char *name)
{
    checks++;
    failed += !ok;
    printf("check %s ... %s\n", name, ok ? "ok" : "FAIL");
}

int main(void)
{
    char line[64] = "";
    check(CreateDirectoryA("C:\\t_stdio", NULL), "create_directory");
    check(!CreateDirectoryA("C:\\t_stdio", NULL) && GetLastError() == ERROR_ALREADY_EXISTS,
          "create_directory_exists");

    FILE *f = fopen("C:\\t_stdio\\notes.txt", "w");
    check(f != NULL, "fopen_write");
    if (f) {
        fprintf(f, "line one\nline %d\n", 2);
        fclose(f);
    }
    f = fopen("C:/t_stdio/NOTES.TXT", "r");
    check(f != NULL, "fopen_read_other_case");
    if (f) {
        check(fgets(line, sizeof line, f) && strcmp(line, "line one\n") == 0, "fgets_first");
        check(fgets(line, sizeof line, f) && strcmp(line, "line 2\n") == 0, "fgets_second");
        check(fgets(line, sizeof line, f) == NULL && feof(f), "fgets_eof");
        fclose(f);
    }
    f = fopen("C:\\t_stdio\\notes.txt", "a");
    if (f) {
        fputs("three\n", f);
        fclose(f);
    }
    f = fopen("C:\\t_stdio\\notes.txt", "rb");
    long size = -1;
    if (f) {
        fseek(f, 0, SEEK_END);
        size = ftell(f);
        fclose(f);
    }
    /* Text mode wrote CR LF for each of the three newlines, as on Windows. */
    check(size == 25, "append_then_size");
    if (size != 25)
        printf("t_stdio: size %ld\n", size);
    check(fopen("C:\\t_stdio\\missing.txt", "r") == NULL, "fopen_missing");

    check(SetCurrentDirectoryA("C:\\t_stdio"), "set_current_directory");
    char cwd[MAX_PATH] = "";
    GetCurrentDirectoryA(sizeof cwd, cwd);
    check(strcmp(cwd, "C:\\t_stdio") == 0, "get_current_directory");
    check(MoveFileA("notes.txt", "renamed.txt"), "move_file_relative");
    check(GetFileAttributesA("C:\\t_stdio\\renamed.txt") != INVALID_FILE_ATTRIBUTES,
          "renamed_exists");

    WIN32_FIND_DATAA fd;
    HANDLE h = FindFirstFileA("C:\\t_stdio\\*.txt", &fd);
    int found = 0;
    if (h != INVALID_HANDLE_VALUE) {
        do
            found += strcmp(fd.cFileName, "renamed.txt") == 0;
        while (FindNextFileA(h, &fd));
        FindClose(h);
    }
    check(found == 1, "find_first_file");

    HANDLE sys = CreateFileA("C:\\Windows\\System32\\kernel32.dll", GENERIC_READ,
                             FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    char mz[2] = { 0, 0 };
    DWORD got = 0;
    check(sys != INVALID_HANDLE_VALUE && ReadFile(sys, mz, 2, &got, NULL) && got == 2 &&
              mz[0] == 'M' && mz[1] == 'Z',
          "read_system32");
    if (sys != INVALID_HANDLE_VALUE)
        CloseHandle(sys);
    check(CreateFileA("C:\\Windows\\System32\\kernel32.dll", GENERIC_WRITE, 0, NULL,
                      OPEN_EXISTING, 0, NULL) == INVALID_HANDLE_VALUE &&
              GetLastError() == ERROR_ACCESS_DENIED,
          "system32_not_writable");

    check(DeleteFileA("renamed.txt"), "delete_file");
    SetCurrentDirectoryA("C:\\");
    check(RemoveDirectoryA("C:\\t_stdio"), "remove_directory");
    check(GetFileAttributesA("C:\\t_stdio") == INVALID_FILE_ATTRIBUTES, "directory_gone");
    printf("%d checks, %d failed\n", checks, failed);
    return failed != 0;
}
