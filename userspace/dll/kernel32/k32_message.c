/*
 * FormatMessage for system error codes (Windows' English texts for the codes Dormer's
 * calls return), fiber-local storage over the TLS slots (Dormer has no fibers, so a
 * fiber is its thread), and the console's colours as ANSI escape sequences.
 */
#include "k32.h"

struct message {
    DWORD code;
    const char *text;
};

static const struct message messages[] = {
    {ERROR_SUCCESS, "The operation completed successfully."},
    {ERROR_INVALID_FUNCTION, "Incorrect function."},
    {ERROR_FILE_NOT_FOUND, "The system cannot find the file specified."},
    {ERROR_PATH_NOT_FOUND, "The system cannot find the path specified."},
    {ERROR_TOO_MANY_OPEN_FILES, "The system cannot open the file."},
    {ERROR_ACCESS_DENIED, "Access is denied."},
    {ERROR_INVALID_HANDLE, "The handle is invalid."},
    {ERROR_NOT_ENOUGH_MEMORY, "Not enough memory resources are available to process this command."},
    {ERROR_OUTOFMEMORY, "Not enough memory resources are available to complete this operation."},
    {ERROR_NO_MORE_FILES, "There are no more files."},
    {ERROR_WRITE_PROTECT, "The media is write protected."},
    {ERROR_SHARING_VIOLATION, "The process cannot access the file because it is being used by another process."},
    {ERROR_HANDLE_EOF, "Reached the end of the file."},
    {ERROR_NOT_SUPPORTED, "The request is not supported."},
    {ERROR_FILE_EXISTS, "The file exists."},
    {ERROR_INVALID_PARAMETER, "The parameter is incorrect."},
    {ERROR_BROKEN_PIPE, "The pipe has been ended."},
    {ERROR_DISK_FULL, "There is not enough space on the disk."},
    {ERROR_INSUFFICIENT_BUFFER, "The data area passed to a system call is too small."},
    {ERROR_INVALID_NAME, "The filename, directory name, or volume label syntax is incorrect."},
    {ERROR_MOD_NOT_FOUND, "The specified module could not be found."},
    {ERROR_PROC_NOT_FOUND, "The specified procedure could not be found."},
    {ERROR_DIR_NOT_EMPTY, "The directory is not empty."},
    {ERROR_ALREADY_EXISTS, "Cannot create a file when that file already exists."},
    {ERROR_ENVVAR_NOT_FOUND, "The system could not find the environment option that was entered."},
    {WAIT_TIMEOUT, "The wait operation timed out."},
    {ERROR_DIRECTORY, "The directory name is invalid."},
    {ERROR_NOT_OWNER, "Attempt to release mutex not owned by caller."},
    {ERROR_TOO_MANY_POSTS, "Too many posts were made to a semaphore."},
    {ERROR_INVALID_ADDRESS, "Attempt to access invalid address."},
    {ERROR_NOACCESS, "Invalid access to memory location."},
};

static const char *system_message(DWORD code)
{
    for (size_t i = 0; i < sizeof messages / sizeof messages[0]; i++)
        if (messages[i].code == code)
            return messages[i].text;
    return NULL;
}

/* The text of a message as FormatMessage produces it (CRLF at the end), or NULL. */
static const char *message_text(DWORD flags, LPCVOID source, DWORD id, char *tmp, size_t size)
{
    if (flags & FORMAT_MESSAGE_FROM_STRING)
        return source;
    if (!(flags & FORMAT_MESSAGE_FROM_SYSTEM))
        return NULL;
    const char *t = system_message(id);
    if (!t)
        return NULL;
    usnprintf(tmp, size, "%s\r\n", t);
    return tmp;
}

DWORD WINAPI FormatMessageA(DWORD flags, LPCVOID source, DWORD id, DWORD lang, LPSTR buf,
                            DWORD size, va_list *args)
{
    char tmp[256];
    const char *text = message_text(flags, source, id, tmp, sizeof tmp);

    (void)lang;
    (void)args;
    if (!text) {
        k32_set_error(ERROR_MR_MID_NOT_FOUND);
        return 0;
    }
    /* Inserts (%1 ...) are only copied as they are: FORMAT_MESSAGE_IGNORE_INSERTS's
     * behaviour, which is also what system messages without inserts need. */
    DWORD n = (DWORD)strlen(text);
    if (flags & FORMAT_MESSAGE_ALLOCATE_BUFFER) {
        char *p = LocalAlloc(LMEM_FIXED, n + 1 > size ? n + 1 : size);
        if (!p) {
            k32_set_error(ERROR_NOT_ENOUGH_MEMORY);
            return 0;
        }
        memcpy(p, text, n + 1);
        *(char **)buf = p;
        return n;
    }
    if (n + 1 > size) {
        k32_set_error(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    memcpy(buf, text, n + 1);
    return n;
}

DWORD WINAPI FormatMessageW(DWORD flags, LPCVOID source, DWORD id, DWORD lang, LPWSTR buf,
                            DWORD size, va_list *args)
{
    char tmp[256];
    char *ansi_source = NULL;

    if (flags & FORMAT_MESSAGE_FROM_STRING) {
        ansi_source = k32_to_ansi(source);
        if (!ansi_source)
            return 0;
        source = ansi_source;
    }
    const char *text = message_text(flags, source, id, tmp, sizeof tmp);
    (void)lang;
    (void)args;
    if (!text) {
        k32_free(ansi_source);
        k32_set_error(ERROR_MR_MID_NOT_FOUND);
        return 0;
    }
    int n = MultiByteToWideChar(CP_ACP, 0, text, -1, NULL, 0);
    WCHAR *out;
    if (flags & FORMAT_MESSAGE_ALLOCATE_BUFFER) {
        out = LocalAlloc(LMEM_FIXED, (size_t)n * sizeof(WCHAR));
        if (!out) {
            k32_free(ansi_source);
            k32_set_error(ERROR_NOT_ENOUGH_MEMORY);
            return 0;
        }
        *(WCHAR **)buf = out;
    } else if ((DWORD)n > size) {
        k32_free(ansi_source);
        k32_set_error(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    } else {
        out = buf;
    }
    MultiByteToWideChar(CP_ACP, 0, text, -1, out, n);
    k32_free(ansi_source);
    return (DWORD)n - 1;
}

/* ------------------------------------------------------------------ FLS ---- */

DWORD WINAPI FlsAlloc(PFLS_CALLBACK_FUNCTION callback)
{
    (void)callback; /* not called at thread exit yet, like DLL_THREAD_DETACH */
    DWORD slot = TlsAlloc();
    return slot == TLS_OUT_OF_INDEXES ? FLS_OUT_OF_INDEXES : slot;
}

BOOL WINAPI FlsFree(DWORD slot)
{
    return TlsFree(slot);
}

PVOID WINAPI FlsGetValue(DWORD slot)
{
    return TlsGetValue(slot);
}

BOOL WINAPI FlsSetValue(DWORD slot, PVOID value)
{
    return TlsSetValue(slot, value);
}

/* -------------------------------------------------------------- colours ---- */

static WORD text_attribute = FOREGROUND_RED | FOREGROUND_GREEN | FOREGROUND_BLUE;

/* Windows' colour bits (blue=1, green=2, red=4) in ANSI's order (red=1, green=2, blue=4). */
static int ansi_colour(WORD bits)
{
    return (bits & 4 ? 1 : 0) | (bits & 2) | (bits & 1 ? 4 : 0);
}

BOOL WINAPI SetConsoleTextAttribute(HANDLE h, WORD attr)
{
    char seq[32];

    if (!k32_is_console(h) || h == K32_CONSOLE_INPUT) {
        k32_set_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    int fg = ansi_colour(attr & 7), bg = ansi_colour((attr >> 4) & 7);
    int n = usnprintf(seq, sizeof seq, "\x1b[0;%d;%dm", (attr & FOREGROUND_INTENSITY ? 90 : 30) + fg,
                      (attr & BACKGROUND_INTENSITY ? 100 : 40) + bg);
    text_attribute = attr;
    return WriteConsoleA(h, seq, (DWORD)n, NULL, NULL);
}

BOOL WINAPI GetConsoleScreenBufferInfo(HANDLE h, PCONSOLE_SCREEN_BUFFER_INFO info)
{
    if (!k32_is_console(h) || h == K32_CONSOLE_INPUT) {
        k32_set_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    memset(info, 0, sizeof *info);
    info->dwSize.X = 80;
    info->dwSize.Y = 25;
    info->wAttributes = text_attribute;
    info->srWindow.Right = 79;
    info->srWindow.Bottom = 24;
    info->dwMaximumWindowSize = info->dwSize;
    return TRUE;
}
