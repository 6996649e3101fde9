/*
 * The shell's small services: built-in output to the console or a redirected handle,
 * ASCII/UTF-16 path conversion over the native file calls, statuses as cmd's messages,
 * and the shell-level variables of `set` (a fixed table: no heap).
 */
#include "shell.h"

#define VAR_MAX       32
#define VAR_NAME_MAX  32
#define VAR_VALUE_MAX 256

dormer_handle_t sh_out, sh_err;
int32_t sh_errorlevel;

dormer_status_t sh_write(const void *buf, uint64_t len)
{
    uint64_t done = 0;

    if (len == 0)
        return STATUS_SUCCESS;
    if (!sh_out)
        return DmWriteConsole(buf, len);
    return DmWriteFile(sh_out, buf, len, NULL, &done);
}

int sh_printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, fmt);
    int n = uvsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
    sh_write(buf, len);
    return (int)len;
}

int sh_error(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    uint64_t done = 0;

    va_start(ap, fmt);
    int n = uvsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
    if (sh_err)
        DmWriteFile(sh_err, buf, len, NULL, &done);
    else
        DmWriteConsoleError(buf, len);
    return 1;
}

size_t sh_to_wide(uint16_t *dst, size_t cap, const char *src)
{
    size_t n = 0;

    while (src[n] && n + 1 < cap) {
        dst[n] = (uint8_t)src[n];
        n++;
    }
    dst[n] = 0;
    return n;
}

size_t sh_from_wide(char *dst, size_t cap, const uint16_t *src)
{
    size_t n = 0;

    while (src[n] && n + 1 < cap) {
        dst[n] = src[n] < 0x80 ? (char)src[n] : '?';
        n++;
    }
    dst[n] = '\0';
    return n;
}

dormer_status_t sh_open(dormer_handle_t *h, const char *path, uint32_t access, uint32_t share,
                        uint32_t disposition, uint32_t options)
{
    uint16_t wide[SHELL_PATH_MAX + 1];
    struct dormer_create_file args = { access, share, disposition, options, 0, 0 };

    size_t n = sh_to_wide(wide, sizeof wide / sizeof wide[0], path);
    if (n == 0)
        return STATUS_OBJECT_NAME_INVALID;
    return DmCreateFile(h, wide, n, &args);
}

uint32_t sh_attributes(const char *path)
{
    uint16_t wide[SHELL_PATH_MAX + 1];
    struct dormer_file_basic b;

    size_t n = sh_to_wide(wide, sizeof wide / sizeof wide[0], path);
    if (n == 0 || !NT_SUCCESS(DmQueryAttributesFile(wide, n, &b)))
        return 0;
    return b.attributes ? b.attributes : DORMER_FILE_ATTRIBUTE_NORMAL;
}

void sh_cwd(char *buf, size_t cap)
{
    uint16_t wide[SHELL_PATH_MAX + 1];
    uint64_t needed = 0;

    if (!NT_SUCCESS(DmGetCurrentDirectory(wide, sizeof wide / sizeof wide[0], &needed)))
        wide[0] = 0;
    sh_from_wide(buf, cap, wide);
}

const char *sh_status_text(dormer_status_t st)
{
    switch (st) {
    case STATUS_OBJECT_NAME_NOT_FOUND:
    case STATUS_NO_SUCH_FILE:
        return "The system cannot find the file specified.";
    case STATUS_OBJECT_PATH_NOT_FOUND:
        return "The system cannot find the path specified.";
    case STATUS_OBJECT_NAME_INVALID:
        return "The filename, directory name, or volume label syntax is incorrect.";
    case STATUS_OBJECT_NAME_COLLISION:
        return "A duplicate file name exists, or the file cannot be found.";
    case STATUS_ACCESS_DENIED:
    case STATUS_CANNOT_DELETE:
        return "Access is denied.";
    case STATUS_SHARING_VIOLATION:
        return "The process cannot access the file because it is being used by another "
               "process.";
    case STATUS_DIRECTORY_NOT_EMPTY:
        return "The directory is not empty.";
    case STATUS_NOT_A_DIRECTORY:
        return "The directory name is invalid.";
    case STATUS_FILE_IS_A_DIRECTORY:
        return "The file is a directory.";
    case STATUS_DISK_FULL:
        return "There is not enough space on the disk.";
    case STATUS_MEDIA_WRITE_PROTECTED:
        return "The media is write protected.";
    default:
        return "The operation failed.";
    }
}

/* ------------------------------------------------------------- variables ---- */

struct var {
    char name[VAR_NAME_MAX + 1];
    char value[VAR_VALUE_MAX + 1];
};

static struct var vars[VAR_MAX];
static int var_count;

static char upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool name_is(const struct var *v, const char *name, size_t len)
{
    size_t i = 0;

    for (; i < len; i++)
        if (!v->name[i] || upper(v->name[i]) != upper(name[i]))
            return false;
    return v->name[i] == '\0';
}

static struct var *var_find(const char *name, size_t len)
{
    for (int i = 0; i < var_count; i++)
        if (name_is(&vars[i], name, len))
            return &vars[i];
    return NULL;
}

const char *sh_var_get(const char *name, size_t len)
{
    static char level[16];
    struct var *v = var_find(name, len);

    if (v)
        return v->value;
    if (len == 10 && name_is(&(struct var){ "ERRORLEVEL", "" }, name, len)) {
        usnprintf(level, sizeof level, "%d", (int)sh_errorlevel);
        return level;
    }
    if (len == 2 && name_is(&(struct var){ "CD", "" }, name, len)) {
        static char cwd[SHELL_PATH_MAX + 1];
        sh_cwd(cwd, sizeof cwd);
        return cwd;
    }
    return NULL;
}

int sh_var_set(const char *name, size_t len, const char *value)
{
    struct var *v = var_find(name, len);

    if (len == 0 || len > VAR_NAME_MAX)
        return -1;
    if (!value || !*value) {
        if (v) { /* keep the others in the order they were set */
            memmove(v, v + 1, (size_t)(vars + var_count - 1 - v) * sizeof *v);
            var_count--;
        }
        return 0;
    }
    if (!v) {
        if (var_count == VAR_MAX)
            return -1;
        v = &vars[var_count++];
        memcpy(v->name, name, len);
        v->name[len] = '\0';
    }
    size_t n = strlen(value);
    if (n > VAR_VALUE_MAX)
        n = VAR_VALUE_MAX;
    memcpy(v->value, value, n);
    v->value[n] = '\0';
    return 0;
}

int sh_var_list(const char *prefix)
{
    size_t plen = strlen(prefix);
    int shown = 0;

    for (int i = 0; i < var_count; i++) {
        size_t k = 0;
        while (k < plen && upper(vars[i].name[k]) == upper(prefix[k]))
            k++;
        if (k == plen) {
            sh_printf("%s=%s\n", vars[i].name, vars[i].value);
            shown++;
        }
    }
    return shown;
}
