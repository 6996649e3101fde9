/*
 * The console and the standard handles. Standard input, output and error are console
 * handles (3, 7, 11) until a program sets others with SetStdHandle; a console handle's
 * output goes to the process's console (or the pipe or file its parent gave it) through
 * DmWriteConsole (DmWriteConsoleError for 11), and its input comes a line at a time, ending in "\r\n" as on
 * Windows. ReadFile and WriteFile on other handles go to the native file calls.
 */
#include "k32.h"

static HANDLE std_handles[3] = {K32_CONSOLE_INPUT, K32_CONSOLE_OUTPUT, K32_CONSOLE_ERROR};
static DWORD input_mode = ENABLE_PROCESSED_INPUT | ENABLE_LINE_INPUT | ENABLE_ECHO_INPUT;
static DWORD output_mode = ENABLE_PROCESSED_OUTPUT | ENABLE_WRAP_AT_EOL_OUTPUT;

static int std_index(DWORD which)
{
    switch (which) {
    case STD_INPUT_HANDLE:
        return 0;
    case STD_OUTPUT_HANDLE:
        return 1;
    case STD_ERROR_HANDLE:
        return 2;
    default:
        return -1;
    }
}

HANDLE WINAPI GetStdHandle(DWORD which)
{
    int i = std_index(which);

    if (i < 0) {
        k32_set_error(ERROR_INVALID_HANDLE);
        return INVALID_HANDLE_VALUE;
    }
    return std_handles[i];
}

BOOL WINAPI SetStdHandle(DWORD which, HANDLE h)
{
    int i = std_index(which);

    if (i < 0) {
        k32_set_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    std_handles[i] = h;
    return TRUE;
}

/* Console output: the error handle writes to the process's stderr, the others to its
 * stdout (each the console unless the parent redirected it). */
static BOOL console_write(HANDLE h, const void *buf, DWORD len, LPDWORD written)
{
    dormer_status_t st = STATUS_SUCCESS;

    if (len)
        st = h == K32_CONSOLE_ERROR ? DmWriteConsoleError(buf, len) : DmWriteConsole(buf, len);

    if (written)
        *written = NT_SUCCESS(st) ? len : 0;
    return NT_SUCCESS(st) ? TRUE : k32_fail(st);
}

/* What is left of the last line read from the console, for reads shorter than a line. */
static char line_buf[1024];
static DWORD line_len, line_pos;
static struct dormer_lock line_lock = DORMER_LOCK_INIT;

static BOOL console_read(void *buf, DWORD len, LPDWORD got)
{
    BOOL ok = TRUE;

    DormerAcquireLock(&line_lock);
    if (line_pos == line_len) {
        uint64_t n = 0;
        line_pos = line_len = 0;
        dormer_status_t st = DmReadConsole(line_buf, sizeof line_buf - 2, &n);
        if (st == STATUS_END_OF_FILE) {
            n = 0; /* end of input: a read of 0 bytes, as Windows gives for Ctrl+Z */
        } else if (!NT_SUCCESS(st)) {
            DormerReleaseLock(&line_lock);
            *got = 0;
            return k32_fail(st);
        } else if ((input_mode & ENABLE_LINE_INPUT) &&
                   (n == 0 || line_buf[n - 1] != '\n')) {
            line_buf[n++] = '\r'; /* the console's line comes without its Enter */
            line_buf[n++] = '\n';
        }
        line_len = (DWORD)n;
    }
    DWORD n = line_len - line_pos < len ? line_len - line_pos : len;
    memcpy(buf, line_buf + line_pos, n);
    line_pos += n;
    *got = n;
    DormerReleaseLock(&line_lock);
    return ok;
}

BOOL WINAPI WriteFile(HANDLE h, LPCVOID buf, DWORD len, LPDWORD written, LPOVERLAPPED ov)
{
    uint64_t done = 0;

    if (written)
        *written = 0;
    if (k32_is_console(h))
        return console_write(h, buf, len, written);
    int64_t offset = 0, *at = NULL;
    if (ov) {
        offset = (int64_t)((uint64_t)ov->OffsetHigh << 32 | ov->Offset);
        at = &offset;
    }
    dormer_status_t st = DmWriteFile(k32_handle(h), buf, len, at, &done);
    if (written)
        *written = (DWORD)done;
    return NT_SUCCESS(st) ? TRUE : k32_fail(st);
}

BOOL WINAPI ReadFile(HANDLE h, LPVOID buf, DWORD len, LPDWORD got, LPOVERLAPPED ov)
{
    uint64_t done = 0;
    DWORD dummy;

    if (!got)
        got = &dummy;
    *got = 0;
    if (k32_is_console(h))
        return console_read(buf, len, got);
    int64_t offset = 0, *at = NULL;
    if (ov) {
        offset = (int64_t)((uint64_t)ov->OffsetHigh << 32 | ov->Offset);
        at = &offset;
    }
    dormer_status_t st = DmReadFile(k32_handle(h), buf, len, at, &done);
    *got = (DWORD)done;
    /* A pipe whose writers are gone reads as the end: Windows says ERROR_BROKEN_PIPE. */
    if (st == STATUS_END_OF_FILE && !ov)
        return TRUE;
    return NT_SUCCESS(st) ? TRUE : k32_fail(st);
}

BOOL WINAPI WriteConsoleA(HANDLE h, const void *buf, DWORD len, LPDWORD written, LPVOID reserved)
{
    (void)reserved;
    if (!k32_is_console(h) || h == K32_CONSOLE_INPUT) {
        k32_set_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    return console_write(h, buf, len, written);
}

BOOL WINAPI WriteConsoleW(HANDLE h, const void *buf, DWORD len, LPDWORD written, LPVOID reserved)
{
    char bytes[512];
    const WCHAR *w = buf;
    DWORD done = 0;

    (void)reserved;
    if (!k32_is_console(h) || h == K32_CONSOLE_INPUT) {
        k32_set_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    while (done < len) {
        int chunk = len - done > 128 ? 128 : (int)(len - done);
        int n = WideCharToMultiByte(CP_ACP, 0, w + done, chunk, bytes, sizeof bytes, NULL, NULL);
        if (n > 0 && !console_write(h, bytes, (DWORD)n, NULL))
            return FALSE;
        done += (DWORD)chunk;
    }
    if (written)
        *written = len;
    return TRUE;
}

BOOL WINAPI ReadConsoleA(HANDLE h, LPVOID buf, DWORD len, LPDWORD got, LPVOID c)
{
    (void)c;
    if (h != K32_CONSOLE_INPUT) {
        k32_set_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    return console_read(buf, len, got);
}

BOOL WINAPI GetConsoleMode(HANDLE h, LPDWORD mode)
{
    if (!k32_is_console(h)) {
        k32_set_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    *mode = h == K32_CONSOLE_INPUT ? input_mode : output_mode;
    return TRUE;
}

BOOL WINAPI SetConsoleMode(HANDLE h, DWORD mode)
{
    if (!k32_is_console(h)) {
        k32_set_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    if (h == K32_CONSOLE_INPUT)
        input_mode = mode;
    else
        output_mode = mode;
    return TRUE;
}

BOOL WINAPI SetConsoleCtrlHandler(PHANDLER_ROUTINE handler, BOOL add)
{
    (void)handler;
    (void)add;
    return TRUE; /* Ctrl+C ends the program (STATUS_CONTROL_C_EXIT); handlers are not called */
}

BOOL WINAPI SetConsoleTitleA(LPCSTR title)
{
    (void)title;
    return TRUE;
}

BOOL WINAPI FlushConsoleInputBuffer(HANDLE h)
{
    if (h != K32_CONSOLE_INPUT) {
        k32_set_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    DormerAcquireLock(&line_lock);
    line_pos = line_len = 0;
    DormerReleaseLock(&line_lock);
    return TRUE;
}

DWORD WINAPI GetFileType(HANDLE h)
{
    struct dormer_file_type t;

    if (k32_is_console(h))
        return FILE_TYPE_CHAR;
    dormer_status_t st = DmQueryInformationFile(k32_handle(h), DORMER_FILE_TYPE_INFO, &t,
                                                sizeof t);
    if (!NT_SUCCESS(st)) {
        k32_fail(st);
        return FILE_TYPE_UNKNOWN;
    }
    k32_set_error(ERROR_SUCCESS);
    return t.type;
}
