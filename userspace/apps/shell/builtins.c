/*
 * The shell's built-in commands, cmd's where cmd has one (cd, dir, type, copy, del, ren,
 * mkdir, rmdir, cls, set, echo, exit) plus Dormer's own (help, ls, ps, mem). Each writes
 * through sh_printf/sh_write, so `>`, `>>` and `|` apply to built-ins as to programs;
 * errors go to sh_err (the console, or 2> FILE) as cmd's messages and make the status 1.
 */
#include <lib/civil.h>

#include "shell.h"

#define MAX_PROCS 32
#define IO_CHUNK  4096

static int fail_status(dormer_status_t st)
{
    return sh_error("%s\n", sh_status_text(st));
}

static int cmd_help(struct shell_command *c, struct sh_context *ctx)
{
    (void)c, (void)ctx;
    sh_printf("Built-in commands:\n"
              "  cd [DIR]          show or change the current directory (also chdir)\n"
              "  dir [PATH]        list a directory or the files matching a pattern\n"
              "  type FILE         print a file\n"
              "  copy FROM TO      copy a file (TO may be a directory)\n"
              "  del FILE          delete a file (also erase)\n"
              "  ren FROM NAME     rename a file or directory (also rename)\n"
              "  mkdir DIR         make a directory (also md)\n"
              "  rmdir DIR         remove an empty directory (also rd)\n"
              "  cls               clear the screen\n"
              "  set [NAME[=VAL]]  list or set the shell's variables (%%NAME%% expands)\n"
              "  echo TEXT         print TEXT\n"
              "  exit [N]          end the shell with status N (default 0)\n"
              "  help, ls, ps, mem this list, System32's files, the processes, memory\n"
              "  time PROGRAM ...  run a program and print how long it took\n"
              "Anything else starts a program from C:\\Windows\\System32: NAME[.exe] [args].\n"
              "Redirection: > FILE, >> FILE, < FILE, 2> FILE, 2>&1; pipes: a | b.\n");
    return 0;
}

/* ls: the programs and DLLs in C:\Windows\System32 (the boot files, and any others). */
static int cmd_ls(struct shell_command *c, struct sh_context *ctx)
{
    struct dormer_find_data fd;
    char name[SHELL_PATH_MAX + 1];
    dormer_handle_t h;
    uint64_t files = 0, bytes = 0;

    (void)c, (void)ctx;
    dormer_status_t st = sh_open(&h, "C:\\Windows\\System32", DORMER_FILE_READ_DATA,
                                 DORMER_FILE_SHARE_READ | DORMER_FILE_SHARE_WRITE |
                                     DORMER_FILE_SHARE_DELETE,
                                 DORMER_FILE_OPEN, DORMER_FILE_DIRECTORY_FILE);
    if (!NT_SUCCESS(st))
        return fail_status(st);
    for (uint64_t restart = 1; NT_SUCCESS(DmQueryDirectoryFile(h, &fd, NULL, 0, restart));
         restart = 0) {
        if (fd.attributes & DORMER_FILE_ATTRIBUTE_DIRECTORY)
            continue;
        sh_from_wide(name, sizeof name, fd.name);
        sh_printf("  %8llu  %s\n", (unsigned long long)fd.size, name);
        bytes += fd.size;
        files++;
    }
    NtClose(h);
    sh_printf("%llu files, %llu bytes\n", (unsigned long long)files, (unsigned long long)bytes);
    return 0;
}

static int cmd_ps(struct shell_command *c, struct sh_context *ctx)
{
    static struct dormer_process_info list[MAX_PROCS];
    uint64_t total = 0;
    dormer_status_t st = DmQuerySystemProcesses(list, MAX_PROCS, &total);

    (void)c, (void)ctx;
    if (!NT_SUCCESS(st) && st != STATUS_INFO_LENGTH_MISMATCH)
        return sh_error("ps: cannot list processes (0x%08x)\n", (uint32_t)st);
    sh_printf("  pid  parent threads  pages  state    name\n");
    for (uint64_t i = 0; i < total && i < MAX_PROCS; i++)
        sh_printf("  %3u  %6u %7u %6u  %-8s %s\n", (unsigned)list[i].pid,
                  (unsigned)list[i].parent_pid, (unsigned)list[i].threads,
                  (unsigned)list[i].resident_pages,
                  list[i].state == DORMER_PROCESS_RUNNING ? "running" : "exited", list[i].name);
    if (total > MAX_PROCS)
        sh_printf("  ... and %u more\n", (unsigned)(total - MAX_PROCS));
    return 0;
}

static int cmd_mem(struct shell_command *c, struct sh_context *ctx)
{
    struct dormer_memory_counters m;
    dormer_status_t st = DmQuerySystemInformation(DORMER_INFO_MEMORY, &m, sizeof m);

    (void)c, (void)ctx;
    if (!NT_SUCCESS(st))
        return sh_error("mem: cannot read the counters (0x%08x)\n", (uint32_t)st);
    sh_printf("memory: %llu frames of %u KiB, %llu free, %llu used (%llu shared by images)\n"
              "this shell maps %llu pages\n",
              (unsigned long long)m.total_frames, (unsigned)(m.page_size / 1024),
              (unsigned long long)m.free_frames, (unsigned long long)m.used_frames,
              (unsigned long long)m.shared_frames, (unsigned long long)m.process_pages);
    return 0;
}

static int cmd_echo(struct shell_command *c, struct sh_context *ctx)
{
    (void)ctx;
    if (!*c->text && !c->echo_blank)
        sh_printf("ECHO is on.\n");
    else
        sh_printf("%s\n", c->text);
    return 0;
}

static int cmd_exit(struct shell_command *c, struct sh_context *ctx)
{
    const char *s = c->argc > 1 ? c->argv[1] : "0";
    int32_t sign = 1, v = 0;
    bool ok = false;

    if (*s == '-') {
        sign = -1;
        s++;
    }
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (*s++ - '0');
        ok = true;
    }
    if (!ok || *s)
        return sh_error("exit: not a number: %s\n", c->argv[1]);
    ctx->quit = true;
    ctx->exit_status = sign * v;
    return 0;
}

static int cmd_cls(struct shell_command *c, struct sh_context *ctx)
{
    (void)c, (void)ctx;
    sh_printf("\x1b[2J\x1b[H");
    return 0;
}

static int cmd_set(struct shell_command *c, struct sh_context *ctx)
{
    (void)ctx;
    const char *eq = strchr(c->text, '=');

    if (!eq) {
        if (sh_var_list(c->text) == 0 && *c->text)
            return sh_error("Environment variable %s not defined\n", c->text);
        return 0;
    }
    if (eq == c->text)
        return sh_error("The syntax of the command is incorrect.\n");
    if (sh_var_set(c->text, (size_t)(eq - c->text), eq + 1) != 0)
        return sh_error("set: no room for another variable (or the name is too long)\n");
    return 0;
}

/* Is s a drive alone ("C:")? */
static bool is_drive(const char *s)
{
    return ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) && s[1] == ':' &&
           !s[2];
}

static bool drive_exists(char letter)
{
    char root[4] = { letter, ':', '\\', '\0' };
    return (sh_attributes(root) & DORMER_FILE_ATTRIBUTE_DIRECTORY) != 0;
}

/* Makes path the current directory, spelled as the file system spells its names
 * (`cd windows` shows C:\Windows>, as cmd does): each component is looked up in its
 * parent. */
static dormer_status_t set_cwd(const char *path)
{
    uint16_t wide[SHELL_PATH_MAX + 1], pattern[SHELL_PATH_MAX + 1];
    char cwd[SHELL_PATH_MAX + 1], fixed[SHELL_PATH_MAX + 1], name[SHELL_PATH_MAX + 1];
    struct dormer_find_data fd;
    dormer_handle_t h;

    size_t n = sh_to_wide(wide, sizeof wide / sizeof wide[0], path);
    dormer_status_t st = DmSetCurrentDirectory(wide, n);
    if (!NT_SUCCESS(st))
        return st;
    sh_cwd(cwd, sizeof cwd);
    if (strlen(cwd) < 3)
        return STATUS_SUCCESS;
    memcpy(fixed, cwd, 3); /* "C:\" */
    size_t flen = 3, i = 3;
    while (cwd[i]) {
        size_t j = i;
        while (cwd[j] && cwd[j] != '\\')
            j++;
        memcpy(name, cwd + i, j - i);
        name[j - i] = '\0';
        fixed[flen] = '\0';
        size_t plen = sh_to_wide(pattern, sizeof pattern / sizeof pattern[0], name);
        if (NT_SUCCESS(sh_open(&h, fixed, DORMER_FILE_READ_DATA, 7, DORMER_FILE_OPEN,
                               DORMER_FILE_DIRECTORY_FILE))) {
            if (NT_SUCCESS(DmQueryDirectoryFile(h, &fd, pattern, plen, 1)))
                sh_from_wide(name, sizeof name, fd.name);
            NtClose(h);
        }
        flen += (size_t)usnprintf(fixed + flen, sizeof fixed - flen, "%s%s",
                                  flen > 3 ? "\\" : "", name);
        if (flen >= sizeof fixed - 1)
            return STATUS_SUCCESS;
        i = cwd[j] ? j + 1 : j;
    }
    if (strcasecmp(fixed, cwd) == 0) {
        n = sh_to_wide(wide, sizeof wide / sizeof wide[0], fixed);
        DmSetCurrentDirectory(wide, n);
    }
    return STATUS_SUCCESS;
}

/* `C:`: the current directory of that drive becomes the shell's. */
static int cmd_drive(struct shell_command *c, struct sh_context *ctx)
{
    (void)ctx;
    if (c->argc > 1)
        return sh_error("The syntax of the command is incorrect.\n");
    if (!drive_exists(c->argv[0][0]))
        return sh_error("The system cannot find the drive specified.\n");
    dormer_status_t st = set_cwd(c->argv[0]); /* "X:" is X's directory */
    return NT_SUCCESS(st) ? 0 : fail_status(st);
}

/* cd [/d] [PATH]: PATH may hold blanks without quotes, as in cmd. */
static int cmd_cd(struct shell_command *c, struct sh_context *ctx)
{
    char cwd[SHELL_PATH_MAX + 1], to[SHELL_PATH_MAX + 1];
    int first = 1;

    (void)ctx;
    if (c->argc > 1 && strcasecmp(c->argv[1], "/d") == 0)
        first = 2;
    if (c->argc <= first) {
        sh_cwd(cwd, sizeof cwd);
        sh_printf("%s\n", cwd);
        return 0;
    }
    size_t n = 0;
    to[0] = '\0';
    for (int i = first; i < c->argc && n < sizeof to; i++)
        n += (size_t)usnprintf(to + n, sizeof to - n, "%s%s", i > first ? " " : "", c->argv[i]);
    if (n >= sizeof to)
        return fail_status(STATUS_OBJECT_NAME_INVALID);
    if (is_drive(to)) { /* cd X: shows X's directory */
        sh_cwd(cwd, sizeof cwd);
        if ((to[0] | 0x20) == (cwd[0] | 0x20)) {
            sh_printf("%s\n", cwd);
            return 0;
        }
        if (!drive_exists(to[0]))
            return sh_error("The system cannot find the drive specified.\n");
        sh_printf("%c:\\\n", to[0] & ~0x20);
        return 0;
    }
    dormer_status_t st = set_cwd(to);
    if (st == STATUS_OBJECT_NAME_NOT_FOUND)
        st = STATUS_OBJECT_PATH_NOT_FOUND; /* cmd's wording for a missing directory */
    return NT_SUCCESS(st) ? 0 : fail_status(st);
}

/* n with thousands separators, right-aligned in width. */
static void print_number(uint64_t n, int width)
{
    char digits[32], out[40];
    int len = 0, o = 0;

    do {
        digits[len++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    for (int i = len - 1; i >= 0; i--) {
        out[o++] = digits[i];
        if (i && i % 3 == 0)
            out[o++] = ',';
    }
    out[o] = '\0';
    for (; o < width; o++)
        sh_write(" ", 1); /* ulib's printf has no %*s */
    sh_printf("%s", out);
}

/* A FILETIME as cmd prints it: MM/DD/YYYY  HH:MM AM. */
static void print_time(int64_t filetime)
{
    int64_t secs = filetime / 10000000 - 11644473600ll, y;
    unsigned m, d;

    if (secs < 0)
        secs = 0;
    civil_from_days(secs / 86400, &y, &m, &d);
    unsigned hour = (unsigned)(secs % 86400 / 3600), min = (unsigned)(secs % 3600 / 60);
    sh_printf("%02u/%02u/%04u  %02u:%02u %s", m, d, (unsigned)y,
              hour % 12 ? hour % 12 : 12, min, hour < 12 ? "AM" : "PM");
}

static bool has_wildcard(const char *s)
{
    return strchr(s, '*') || strchr(s, '?');
}

/* Splits path into its directory (into dir) and last component (returned). */
static const char *split_path(const char *path, char *dir, size_t cap)
{
    const char *last = path;

    for (const char *p = path; *p; p++)
        if (*p == '\\' || *p == '/' || *p == ':')
            last = p + 1;
    size_t n = (size_t)(last - path);
    if (n == 0) {
        usnprintf(dir, cap, ".");
    } else {
        if (n >= cap)
            n = cap - 1;
        memcpy(dir, path, n);
        dir[n] = '\0';
        /* "a\" names a, but "\" and "C:\" are roots and keep their separator */
        if (n > 1 && (dir[n - 1] == '\\' || dir[n - 1] == '/') && dir[n - 2] != ':')
            dir[n - 1] = '\0';
    }
    return last;
}

/* cmd's two lines about the volume, before " Directory of". */
static void print_volume(char drive, const struct dormer_volume_info *v)
{
    char label[sizeof v->label / sizeof v->label[0] + 1];
    size_t n = 0;

    for (; n < v->label_chars && n + 1 < sizeof label; n++)
        label[n] = v->label[n] < 0x80 ? (char)v->label[n] : '?';
    label[n] = '\0';
    if (n)
        sh_printf(" Volume in drive %c is %s\n", drive, label);
    else
        sh_printf(" Volume in drive %c has no label.\n", drive);
    sh_printf(" Volume Serial Number is %04X-%04X\n\n", (unsigned)(v->serial >> 16),
              (unsigned)(v->serial & 0xffff));
}

static int cmd_dir(struct shell_command *c, struct sh_context *ctx)
{
    char dir[SHELL_PATH_MAX + 1], shown[SHELL_PATH_MAX + 1], name[SHELL_PATH_MAX + 1];
    uint16_t pattern[SHELL_PATH_MAX + 1];
    const char *arg = ".", *pat = NULL;
    struct dormer_find_data fd;
    dormer_handle_t h;
    bool bare = false;

    (void)ctx;
    for (int i = 1; i < c->argc; i++) {
        const char *a = c->argv[i];
        if (a[0] != '/')
            arg = a;
        else if ((a[1] == 'b' || a[1] == 'B') && !a[2])
            bare = true; /* dir /b: the names only */
        else
            return sh_error("Invalid switch - \"%s\".\n", a + 1);
    }
    uint32_t attrs = sh_attributes(arg);
    if (attrs & DORMER_FILE_ATTRIBUTE_DIRECTORY) {
        usnprintf(dir, sizeof dir, "%s", arg);
    } else {
        pat = split_path(arg, dir, sizeof dir);
        if (!attrs && !has_wildcard(pat) && !*pat)
            pat = NULL;
    }
    dormer_status_t st = sh_open(&h, dir, DORMER_FILE_READ_DATA,
                                 DORMER_FILE_SHARE_READ | DORMER_FILE_SHARE_WRITE |
                                     DORMER_FILE_SHARE_DELETE,
                                 DORMER_FILE_OPEN, DORMER_FILE_DIRECTORY_FILE);
    if (!NT_SUCCESS(st))
        return fail_status(st == STATUS_OBJECT_NAME_NOT_FOUND ? STATUS_OBJECT_PATH_NOT_FOUND
                                                              : st);
    /* The directory's full name, as cmd shows it. */
    struct {
        struct dormer_file_name n;
        uint16_t chars[SHELL_PATH_MAX];
    } full;
    if (NT_SUCCESS(DmQueryInformationFile(h, DORMER_FILE_NAME_INFO, &full, sizeof full)) &&
        full.n.chars < SHELL_PATH_MAX) {
        full.n.name[full.n.chars] = 0;
        sh_from_wide(shown, sizeof shown, full.n.name);
    } else {
        usnprintf(shown, sizeof shown, "%s", dir);
    }
    size_t plen = pat ? sh_to_wide(pattern, sizeof pattern / sizeof pattern[0], pat) : 0;
    uint64_t files = 0, dirs = 0, bytes = 0;
    struct dormer_volume_info vol;
    bool have_vol = NT_SUCCESS(DmQueryVolumeInformation(h, &vol, sizeof vol));
    if (!bare && have_vol)
        print_volume(shown[0], &vol);
    if (!bare)
        sh_printf(" Directory of %s\n\n", shown);
    for (uint64_t restart = 1;; restart = 0) {
        st = DmQueryDirectoryFile(h, &fd, pat ? pattern : NULL, plen, restart);
        if (!NT_SUCCESS(st))
            break;
        sh_from_wide(name, sizeof name, fd.name);
        if (bare) {
            if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
                sh_printf("%s\n", name);
                files++;
            }
            continue;
        }
        print_time(fd.last_write);
        if (fd.attributes & DORMER_FILE_ATTRIBUTE_DIRECTORY) {
            sh_printf("    <DIR>          %s\n", name);
            dirs++;
        } else {
            print_number(fd.size, 18);
            sh_printf(" %s\n", name);
            files++;
            bytes += fd.size;
        }
    }
    NtClose(h);
    if (st == STATUS_NO_SUCH_FILE || (files == 0 && dirs == 0))
        return sh_error("File Not Found\n");
    if (bare)
        return 0;
    print_number(files, 16);
    sh_printf(" File(s) ");
    print_number(bytes, 14);
    sh_printf(" bytes\n");
    print_number(dirs, 16);
    sh_printf(" Dir(s)");
    if (have_vol) {
        sh_printf(" ");
        print_number(vol.free_units * vol.sectors_per_unit * vol.bytes_per_sector, 15);
        sh_printf(" bytes free");
    }
    sh_printf("\n");
    return 0;
}

/* Copies from handle in to sh_out (type) or to handle out (copy). */
static dormer_status_t pump(dormer_handle_t in, dormer_handle_t out, uint64_t *total)
{
    static char buf[IO_CHUNK];
    dormer_status_t st;

    *total = 0;
    for (;;) {
        uint64_t got = 0, put = 0;
        st = DmReadFile(in, buf, sizeof buf, NULL, &got);
        if (!NT_SUCCESS(st) || got == 0)
            return st == STATUS_END_OF_FILE || st == STATUS_PIPE_BROKEN ? STATUS_SUCCESS : st;
        st = out ? DmWriteFile(out, buf, got, NULL, &put) : sh_write(buf, got);
        if (!NT_SUCCESS(st))
            return st;
        *total += got;
    }
}

static dormer_status_t open_read(dormer_handle_t *h, const char *path)
{
    return sh_open(h, path, DORMER_GENERIC_READ, DORMER_FILE_SHARE_READ | DORMER_FILE_SHARE_WRITE,
                   DORMER_FILE_OPEN, DORMER_FILE_NON_DIRECTORY_FILE);
}

/* Runs one(argument) for each argument of c (at least one); 1 if any failed. */
static int each_arg(struct shell_command *c, int (*one)(const char *arg))
{
    int rc = 0;

    if (c->argc < 2)
        return sh_error("The syntax of the command is incorrect.\n");
    for (int i = 1; i < c->argc; i++)
        rc |= one(c->argv[i]);
    return rc;
}

static int type_one(const char *path)
{
    dormer_handle_t h;
    uint64_t n;
    dormer_status_t st = open_read(&h, path);

    if (NT_SUCCESS(st)) {
        st = pump(h, 0, &n);
        NtClose(h);
    }
    return NT_SUCCESS(st) ? 0 : fail_status(st);
}

static int cmd_type(struct shell_command *c, struct sh_context *ctx)
{
    (void)ctx;
    return each_arg(c, type_one);
}

static int cmd_copy(struct shell_command *c, struct sh_context *ctx)
{
    char to[SHELL_PATH_MAX + 1], dir[SHELL_PATH_MAX + 1];
    dormer_handle_t in, out;
    uint64_t n;

    (void)ctx;
    if (c->argc != 3)
        return sh_error("The syntax of the command is incorrect.\n");
    usnprintf(to, sizeof to, "%s", c->argv[2]);
    if (sh_attributes(to) & DORMER_FILE_ATTRIBUTE_DIRECTORY) {
        const char *base = split_path(c->argv[1], dir, sizeof dir);
        size_t tl = strlen(to);
        usnprintf(to + tl, sizeof to - tl, "%s%s",
                  tl && (to[tl - 1] == '\\' || to[tl - 1] == '/') ? "" : "\\", base);
    }
    dormer_status_t st = open_read(&in, c->argv[1]);
    if (!NT_SUCCESS(st))
        return fail_status(st);
    st = sh_open(&out, to, DORMER_GENERIC_WRITE, DORMER_FILE_SHARE_READ,
                 DORMER_FILE_OVERWRITE_IF, DORMER_FILE_NON_DIRECTORY_FILE);
    if (NT_SUCCESS(st)) {
        st = pump(in, out, &n);
        NtClose(out);
    }
    NtClose(in);
    if (!NT_SUCCESS(st))
        return fail_status(st);
    sh_printf("        1 file(s) copied.\n");
    return 0;
}

/* Opens path with DELETE access and marks it delete-on-close (a file, or a directory
 * when dir); closing the handle removes it. */
static dormer_status_t delete_path(const char *path, bool dir)
{
    dormer_handle_t h;
    struct dormer_file_disposition d = { 1, { 0 } };
    dormer_status_t st = sh_open(&h, path, DORMER_DELETE | DORMER_FILE_READ_ATTRIBUTES,
                                 DORMER_FILE_SHARE_READ | DORMER_FILE_SHARE_WRITE |
                                     DORMER_FILE_SHARE_DELETE,
                                 DORMER_FILE_OPEN,
                                 dir ? DORMER_FILE_DIRECTORY_FILE
                                     : DORMER_FILE_NON_DIRECTORY_FILE);
    if (!NT_SUCCESS(st))
        return st;
    st = DmSetInformationFile(h, DORMER_FILE_DISPOSITION_INFO, &d, sizeof d);
    NtClose(h);
    return st;
}

/* arg as an absolute path, for messages (cmd names the file it could not find so). */
static void full_path(const char *arg, char *out, size_t cap)
{
    char cwd[SHELL_PATH_MAX + 1];

    sh_cwd(cwd, sizeof cwd);
    if (!cwd[0])
        usnprintf(cwd, sizeof cwd, "C:\\");
    if (arg[0] && arg[1] == ':')
        usnprintf(out, cap, "%s", arg);
    else if (arg[0] == '\\' || arg[0] == '/')
        usnprintf(out, cap, "%c:%s", cwd[0], arg);
    else
        usnprintf(out, cap, "%s%s%s", cwd, cwd[strlen(cwd) - 1] == '\\' ? "" : "\\", arg);
}

/* Deletes the files matching pattern arg (with * or ?), one at a time: the listing
 * changes under each deletion, so it starts over after each. */
static int del_pattern(const char *arg)
{
    char dir[SHELL_PATH_MAX + 1], path[SHELL_PATH_MAX + 1], name[SHELL_PATH_MAX + 1];
    uint16_t pattern[SHELL_PATH_MAX + 1];
    const char *pat = split_path(arg, dir, sizeof dir);
    size_t plen = sh_to_wide(pattern, sizeof pattern / sizeof pattern[0], pat);
    int deleted = 0;

    for (int guard = 0; guard < 4096; guard++) {
        dormer_handle_t h;
        struct dormer_find_data fd;
        if (!NT_SUCCESS(sh_open(&h, dir, DORMER_FILE_READ_DATA, 7, DORMER_FILE_OPEN,
                                DORMER_FILE_DIRECTORY_FILE)))
            break;
        bool found = false;
        for (uint64_t restart = 1;
             NT_SUCCESS(DmQueryDirectoryFile(h, &fd, pattern, plen, restart)); restart = 0) {
            if (!(fd.attributes & DORMER_FILE_ATTRIBUTE_DIRECTORY)) {
                found = true;
                break;
            }
        }
        NtClose(h);
        if (!found)
            break;
        sh_from_wide(name, sizeof name, fd.name);
        usnprintf(path, sizeof path, "%s\\%s", dir, name);
        if (!NT_SUCCESS(delete_path(path, false)))
            return sh_error("Could Not Delete %s\n", path);
        deleted++;
    }
    if (deleted)
        return 0;
    full_path(arg, path, sizeof path);
    return sh_error("Could Not Find %s\n", path);
}

static int del_one(const char *arg)
{
    if (has_wildcard(arg))
        return del_pattern(arg);
    dormer_status_t st = delete_path(arg, false);
    if (st == STATUS_FILE_IS_A_DIRECTORY)
        st = STATUS_ACCESS_DENIED;
    if (st == STATUS_OBJECT_NAME_NOT_FOUND || st == STATUS_OBJECT_PATH_NOT_FOUND) {
        char full[SHELL_PATH_MAX + 1];
        full_path(arg, full, sizeof full);
        return sh_error("Could Not Find %s\n", full);
    }
    return NT_SUCCESS(st) ? 0 : sh_error("%s\n%s\n", arg, sh_status_text(st));
}

static int cmd_del(struct shell_command *c, struct sh_context *ctx)
{
    (void)ctx;
    return each_arg(c, del_one);
}

static int cmd_ren(struct shell_command *c, struct sh_context *ctx)
{
    char dir[SHELL_PATH_MAX + 1], to[SHELL_PATH_MAX + 1];
    struct {
        struct dormer_file_rename r;
        uint16_t chars[SHELL_PATH_MAX + 1];
    } ren;
    dormer_handle_t h;

    (void)ctx;
    if (c->argc != 3 || strchr(c->argv[2], '\\') || strchr(c->argv[2], '/'))
        return sh_error("The syntax of the command is incorrect.\n");
    split_path(c->argv[1], dir, sizeof dir);
    bool same_dir = strcmp(dir, ".") == 0;
    usnprintf(to, sizeof to, "%s%s%s", same_dir ? "" : dir,
              same_dir || dir[strlen(dir) - 1] == '\\' ? "" : "\\", c->argv[2]);
    dormer_status_t st = sh_open(&h, c->argv[1], DORMER_DELETE | DORMER_FILE_READ_ATTRIBUTES,
                                 DORMER_FILE_SHARE_READ | DORMER_FILE_SHARE_WRITE |
                                     DORMER_FILE_SHARE_DELETE,
                                 DORMER_FILE_OPEN, 0);
    if (!NT_SUCCESS(st))
        return fail_status(st);
    memset(&ren, 0, sizeof ren);
    ren.r.replace = 0;
    ren.r.chars = (uint32_t)sh_to_wide(ren.r.name, SHELL_PATH_MAX + 1, to);
    st = DmSetInformationFile(h, DORMER_FILE_RENAME_INFO, &ren,
                              sizeof ren.r + ren.r.chars * sizeof(uint16_t));
    NtClose(h);
    return NT_SUCCESS(st) ? 0 : fail_status(st);
}

static dormer_status_t make_directory(const char *path)
{
    dormer_handle_t h;
    dormer_status_t st = sh_open(&h, path, DORMER_FILE_READ_ATTRIBUTES,
                                 DORMER_FILE_SHARE_READ | DORMER_FILE_SHARE_WRITE,
                                 DORMER_FILE_CREATE, DORMER_FILE_DIRECTORY_FILE);
    if (NT_SUCCESS(st))
        NtClose(h);
    return st;
}

/* mkdir a\b\c makes a and a\b first when they are missing, as cmd does. */
static int mkdir_one(const char *path)
{
    char part[SHELL_PATH_MAX + 1];
    dormer_status_t st = make_directory(path);

    if (st == STATUS_OBJECT_PATH_NOT_FOUND) {
        size_t n = strlen(path);
        if (n > SHELL_PATH_MAX)
            return fail_status(STATUS_OBJECT_NAME_INVALID);
        for (size_t i = 1; i < n; i++) {
            if ((path[i] != '\\' && path[i] != '/') || path[i - 1] == ':' ||
                path[i - 1] == '\\' || path[i - 1] == '/')
                continue;
            memcpy(part, path, i);
            part[i] = '\0';
            dormer_status_t p = make_directory(part);
            if (!NT_SUCCESS(p) && p != STATUS_OBJECT_NAME_COLLISION) {
                st = p;
                break;
            }
        }
        if (st == STATUS_OBJECT_PATH_NOT_FOUND)
            st = make_directory(path);
    }
    if (NT_SUCCESS(st))
        return 0;
    if (st == STATUS_OBJECT_NAME_COLLISION)
        return sh_error("A subdirectory or file %s already exists.\n", path);
    return fail_status(st);
}

static int cmd_mkdir(struct shell_command *c, struct sh_context *ctx)
{
    (void)ctx;
    return each_arg(c, mkdir_one);
}

static int rmdir_one(const char *path)
{
    dormer_status_t st = delete_path(path, true);
    return NT_SUCCESS(st) ? 0 : fail_status(st);
}

static int cmd_rmdir(struct shell_command *c, struct sh_context *ctx)
{
    (void)ctx;
    return each_arg(c, rmdir_one);
}

static const struct {
    const char *name;
    sh_builtin_fn fn;
} builtins[] = {
    { "help", cmd_help },   { "ls", cmd_ls },         { "ps", cmd_ps },
    { "mem", cmd_mem },     { "echo", cmd_echo },     { "exit", cmd_exit },
    { "cls", cmd_cls },     { "set", cmd_set },       { "cd", cmd_cd },
    { "chdir", cmd_cd },    { "dir", cmd_dir },       { "type", cmd_type },
    { "copy", cmd_copy },   { "del", cmd_del },       { "erase", cmd_del },
    { "ren", cmd_ren },     { "rename", cmd_ren },    { "mkdir", cmd_mkdir },
    { "md", cmd_mkdir },    { "rmdir", cmd_rmdir },   { "rd", cmd_rmdir },
};

sh_builtin_fn sh_find_builtin(const char *name)
{
    if (is_drive(name))
        return cmd_drive;
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (strcasecmp(name, builtins[i].name) == 0)
            return builtins[i].fn;
    return NULL;
}
