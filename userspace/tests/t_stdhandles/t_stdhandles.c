/*
 * t_stdhandles: the standard handles a child inherits (DmCreateProcessStd). A child's
 * console output lands in a file at its position (overwritten, then appended through an
 * append-only handle), its console input comes from a file one line at a time, its error
 * output goes to a file of its own, with its output, or to the console, a grandchild
 * started with handle 0 inherits the redirected output, and the parent may close its
 * handles right after the call. Wrong handles are refused before anything starts.
 * Every file is deleted again (the boot's frame check counts RAM C:\).
 */
#include "../threads.h"

#define SHARE_ALL (DORMER_FILE_SHARE_READ | DORMER_FILE_SHARE_WRITE | DORMER_FILE_SHARE_DELETE)

static const char dir[] = "C:\\t_stdhandles";

static dormer_status_t open_path(const char *path, uint32_t access, uint32_t disposition,
                                 uint32_t options, dormer_handle_t *h)
{
    uint16_t wide[128];
    size_t n = 0;
    struct dormer_create_file args = { access, SHARE_ALL, disposition, options, 0, 0 };

    for (; path[n] && n < 127; n++)
        wide[n] = (uint8_t)path[n];
    return DmCreateFile(h, wide, n, &args);
}

static dormer_handle_t create(const char *path, uint32_t access)
{
    dormer_handle_t h = 0;

    open_path(path, access | DORMER_DELETE, DORMER_FILE_OVERWRITE_IF, 0, &h);
    return h;
}

/* The whole file at path, NUL-terminated, into buf. */
static uint64_t slurp(const char *path, char *buf, uint64_t cap)
{
    dormer_handle_t h = 0;
    uint64_t total = 0, n = 0;
    int64_t at = 0;

    buf[0] = '\0';
    if (!NT_SUCCESS(open_path(path, DORMER_GENERIC_READ, DORMER_FILE_OPEN, 0, &h)))
        return 0;
    while (total + 1 < cap && DmReadFile(h, buf + total, cap - 1 - total, &at, &n) ==
                                  STATUS_SUCCESS && n > 0) {
        total += n;
        at = (int64_t)total;
    }
    buf[total] = '\0';
    NtClose(h);
    return total;
}

static void remove_file(const char *path)
{
    dormer_handle_t h = 0;
    struct dormer_file_disposition d = { 1, { 0 } };

    if (NT_SUCCESS(open_path(path, DORMER_DELETE, DORMER_FILE_OPEN, 0, &h))) {
        DmSetInformationFile(h, DORMER_FILE_DISPOSITION_INFO, &d, sizeof d);
        NtClose(h);
    }
}

/* Runs cmdline with the three handles; its exit status, or 0xbad if it did not start. */
static int32_t run(const char *cmdline, dormer_handle_t in, dormer_handle_t out,
                   dormer_handle_t err, dormer_status_t *st)
{
    dormer_handle_t child = 0;

    *st = DmCreateProcessStd(&child, cmdline, strlen(cmdline), in, out, err);
    if (!NT_SUCCESS(*st))
        return 0xbad;
    DormerWait(child, THREADS_TIMEOUT_MS);
    int32_t status = threads_exit_status(child);
    NtClose(child);
    return status;
}

static void test_output_to_file(void)
{
    static char text[512];
    dormer_status_t st;
    dormer_handle_t out = create("C:\\t_stdhandles\\out.txt", DORMER_GENERIC_WRITE);

    CHECK(out != 0, "create_out");
    CHECK(run("t_child.exe print", 0, out, 0, &st) == 0 && st == STATUS_SUCCESS,
          "child_into_file");
    NtClose(out);
    slurp("C:\\t_stdhandles\\out.txt", text, sizeof text);
    ulib_check(strcmp(text, "child says hello\n") == 0, "file_holds_output", "got \"%s\"", text);

    /* >>: an append-only handle writes at the end whatever its position. */
    dormer_handle_t app = 0;
    open_path("C:\\t_stdhandles\\out.txt", DORMER_FILE_APPEND_DATA, DORMER_FILE_OPEN_IF, 0,
              &app);
    dormer_handle_t child = 0;
    const char *cmd = "t_child.exe print";
    CHECK_STATUS(DmCreateProcessStd(&child, cmd, strlen(cmd), 0, app, 0), STATUS_SUCCESS,
                 "append_start");
    CHECK_STATUS(NtClose(app), STATUS_SUCCESS, "close_parent_handle_at_once");
    DormerWait(child, THREADS_TIMEOUT_MS);
    NtClose(child);
    slurp("C:\\t_stdhandles\\out.txt", text, sizeof text);
    ulib_check(strcmp(text, "child says hello\nchild says hello\n") == 0, "file_appended",
               "got \"%s\"", text);
}

static void test_input_from_file(void)
{
    static char text[512];
    dormer_handle_t r = 0, w = 0;
    uint64_t n = 0, total = 0;
    dormer_status_t st;
    dormer_handle_t in = create("C:\\t_stdhandles\\in.txt",
                                DORMER_GENERIC_READ | DORMER_GENERIC_WRITE);

    DmWriteFile(in, "first\nsecond\nthird", 18, NULL, &n);
    struct dormer_file_position zero = { 0 };
    DmSetInformationFile(in, DORMER_FILE_POSITION_INFO, &zero, sizeof zero);
    DmCreatePipe(&r, &w);
    dormer_handle_t child = 0;
    const char *cmd = "t_child.exe lines";
    st = DmCreateProcessStd(&child, cmd, strlen(cmd), in, w, 0);
    CHECK_STATUS(st, STATUS_SUCCESS, "lines_start");
    NtClose(w);
    while (total + 1 < sizeof text &&
           DmReadFile(r, text + total, sizeof text - 1 - total, NULL, &n) == STATUS_SUCCESS && n)
        total += n;
    text[total] = '\0';
    NtClose(r);
    DormerWait(child, THREADS_TIMEOUT_MS);
    CHECK(threads_exit_status(child) == 3, "three_lines_read");
    NtClose(child);
    ulib_check(strcmp(text, "line: first\nline: second\nline: third") == 0,
               "lines_one_at_a_time", "got \"%s\"", text);
    struct dormer_file_position pos = { -1 };
    DmQueryInformationFile(in, DORMER_FILE_POSITION_INFO, &pos, sizeof pos);
    CHECK(pos.position == 18, "position_shared_with_parent");
    NtClose(in);
}

static void test_error_output(void)
{
    static char text[512];
    dormer_status_t st;
    dormer_handle_t out = create("C:\\t_stdhandles\\o.txt", DORMER_GENERIC_WRITE);
    dormer_handle_t err = create("C:\\t_stdhandles\\e.txt", DORMER_GENERIC_WRITE);

    CHECK(run("t_child.exe stderr", 0, out, err, &st) == 0, "stderr_apart");
    slurp("C:\\t_stdhandles\\o.txt", text, sizeof text);
    ulib_check(strcmp(text, "child to stdout\n") == 0, "stdout_file", "got \"%s\"", text);
    slurp("C:\\t_stdhandles\\e.txt", text, sizeof text);
    ulib_check(strcmp(text, "child to stderr\n") == 0, "stderr_file", "got \"%s\"", text);
    NtClose(out);
    NtClose(err);

    /* stderr 0 with an output given: with the output. */
    out = create("C:\\t_stdhandles\\o.txt", DORMER_GENERIC_WRITE);
    CHECK(run("t_child.exe stderr", 0, out, 0, &st) == 0, "stderr_with_stdout");
    slurp("C:\\t_stdhandles\\o.txt", text, sizeof text);
    ulib_check(strcmp(text, "child to stderr\nchild to stdout\n") == 0, "both_in_stdout_file",
               "got \"%s\"", text);
    NtClose(out);

    /* DORMER_STD_CONSOLE: error output on the console, not in the file. */
    out = create("C:\\t_stdhandles\\o.txt", DORMER_GENERIC_WRITE);
    CHECK(run("t_child.exe stderr", 0, out, DORMER_STD_CONSOLE, &st) == 0,
          "stderr_to_console");
    slurp("C:\\t_stdhandles\\o.txt", text, sizeof text);
    ulib_check(strcmp(text, "child to stdout\n") == 0, "only_stdout_in_file", "got \"%s\"", text);
    NtClose(out);
}

static void test_inherited(void)
{
    static char text[512];
    dormer_status_t st;
    dormer_handle_t out = create("C:\\t_stdhandles\\g.txt", DORMER_GENERIC_WRITE);

    CHECK(run("t_child.exe spawnprint", 0, out, 0, &st) == 0, "grandchild_runs");
    NtClose(out);
    slurp("C:\\t_stdhandles\\g.txt", text, sizeof text);
    ulib_check(strcmp(text, "child says hello\n") == 0, "grandchild_inherits_output",
               "got \"%s\"", text);
}

static void test_refused(void)
{
    dormer_handle_t r = 0, w = 0, ev = 0, ro = 0, d = 0, child = 0;
    const char *cmd = "t_child.exe print";
    uint64_t len = strlen(cmd);

    DmCreatePipe(&r, &w);
    DmCreateEvent(&ev, 1, 0);
    open_path("C:\\t_stdhandles\\out.txt", DORMER_GENERIC_READ, DORMER_FILE_OPEN, 0, &ro);
    open_path(dir, DORMER_FILE_READ_DATA, DORMER_FILE_OPEN, DORMER_FILE_DIRECTORY_FILE, &d);
    CHECK_STATUS(DmCreateProcessStd(&child, cmd, len, w, 0, 0), STATUS_ACCESS_DENIED,
                 "stdin_write_end");
    CHECK_STATUS(DmCreateProcessStd(&child, cmd, len, 0, r, 0), STATUS_ACCESS_DENIED,
                 "stdout_read_end");
    CHECK_STATUS(DmCreateProcessStd(&child, cmd, len, 0, 0, r), STATUS_ACCESS_DENIED,
                 "stderr_read_end");
    CHECK_STATUS(DmCreateProcessStd(&child, cmd, len, 0, ro, 0), STATUS_ACCESS_DENIED,
                 "stdout_read_only_file");
    CHECK_STATUS(DmCreateProcessStd(&child, cmd, len, d, 0, 0), STATUS_ACCESS_DENIED,
                 "stdin_directory");
    CHECK_STATUS(DmCreateProcessStd(&child, cmd, len, 0, ev, 0), STATUS_OBJECT_TYPE_MISMATCH,
                 "stdout_event");
    CHECK_STATUS(DmCreateProcessStd(&child, cmd, len, 0x7ffc, 0, 0), STATUS_INVALID_HANDLE,
                 "stdin_bogus");
    CHECK_STATUS(DmCreateProcessIo(&child, cmd, len, 0, ro), STATUS_ACCESS_DENIED,
                 "io_read_only_file");
    CHECK(child == 0, "nothing_started");
    NtClose(r);
    NtClose(w);
    NtClose(ev);
    NtClose(ro);
    NtClose(d);
}

int main(void)
{
    dormer_handle_t h = 0;

    CHECK_STATUS(open_path(dir, DORMER_FILE_READ_DATA, DORMER_FILE_OPEN_IF,
                           DORMER_FILE_DIRECTORY_FILE, &h),
                 STATUS_SUCCESS, "make_dir");
    NtClose(h);
    test_output_to_file();
    test_input_from_file();
    test_error_output();
    test_inherited();
    test_refused();
    static const char *files[] = { "out.txt", "in.txt", "o.txt", "e.txt", "g.txt" };
    char path[64];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        usnprintf(path, sizeof path, "%s\\%s", dir, files[i]);
        remove_file(path);
    }
    remove_file(dir);
    return ulib_check_summary();
}
