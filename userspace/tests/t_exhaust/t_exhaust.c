/*
 * t_exhaust: running out of a resource ends with a status for the program that ran out,
 * never with the kernel. Each resource is taken until the kernel refuses, then given
 * back, and the kernel's counters (frames, heap blocks, objects, handles) must come back
 * to where they were: handles; memory (a child "t_exhaust.exe touch" commits more than
 * the machine has and touches it page by page: STATUS_NO_MEMORY); threads; processes
 * (children "t_exhaust.exe park" that wait on a shared pipe); pipes, each filled; the
 * stack (children that recurse until the reserve is used up, on the main thread and on
 * a thread with a large reserve: STATUS_STACK_OVERFLOW); the RAM C:\ (a file written
 * until no frame is left: STATUS_DISK_FULL, and all written before reads back).
 * "t_exhaust.exe disk" fills a FAT32 disk C:\ the same way (the disk boot of scons test).
 * Threads, processes, pipes and the full volumes run in a child of their own
 * ("t_exhaust.exe threads", ...), so the counters are compared once it has ended and
 * its address space (stacks, buffers, page tables) is gone. "t_exhaust.exe parts A,B"
 * runs only those parts: the utest boot runs the quick ones, the boot exhaust the ones
 * that take a resource of the whole machine (threads, processes, the RAM C:\).
 */
#include "../threads.h"

#define MAX_EVENTS 1024
#define MAX_THREADS 1024
#define MAX_PROCS 512
#define MAX_PIPES 512
#define TOUCH_BYTES (4ull << 30) /* more than any test machine's RAM */
#define PIPE_FILL (60 * 1024)    /* below the 64 KiB a pipe holds: the write never blocks */
#define CHUNK (64 * 1024)
#define SETTLE_MS 20000          /* ended threads and processes are reaped soon after */

static dormer_handle_t events[MAX_EVENTS];
static dormer_handle_t handles[MAX_THREADS];
static dormer_handle_t pipes[MAX_PIPES][2];
static uint8_t chunk[CHUNK], back[CHUNK];

static int counters(struct dormer_kernel_counters *k)
{
    return NT_SUCCESS(DmQuerySystemInformation(DORMER_INFO_KERNEL, k, sizeof *k));
}

/* Waits (up to SETTLE_MS) until frames, heap blocks, objects and handles are back at
 * k0's, then checks each, named after what was exhausted. */
static void check_back(const char *what, const struct dormer_kernel_counters *k0)
{
    struct dormer_kernel_counters k1 = { 0 };
    uint64_t deadline = threads_now_ns() + SETTLE_MS * THREADS_MS;

    while (counters(&k1) && (k1.used_frames != k0->used_frames ||
                             k1.heap_blocks != k0->heap_blocks || k1.objects != k0->objects ||
                             k1.handles != k0->handles) &&
           threads_now_ns() < deadline)
        DmDelayExecution(20);
    uprintf("t_exhaust: %s: frames %llu -> %llu, heap blocks %llu -> %llu, objects %llu -> "
            "%llu, handles %llu -> %llu\n", what, (unsigned long long)k0->used_frames,
            (unsigned long long)k1.used_frames, (unsigned long long)k0->heap_blocks,
            (unsigned long long)k1.heap_blocks, (unsigned long long)k0->objects,
            (unsigned long long)k1.objects, (unsigned long long)k0->handles,
            (unsigned long long)k1.handles);
    ulib_check(k1.used_frames == k0->used_frames && k1.heap_blocks == k0->heap_blocks &&
               k1.objects == k0->objects && k1.handles == k0->handles, what,
               "counters not back (frames %lld, heap blocks %lld, objects %lld, handles %lld)",
               (long long)(k1.used_frames - k0->used_frames),
               (long long)(k1.heap_blocks - k0->heap_blocks),
               (long long)(k1.objects - k0->objects), (long long)(k1.handles - k0->handles));
}

/* A refusal for lack of a resource, as Windows gives it. */
static int refused(dormer_status_t st)
{
    return st == STATUS_NO_MEMORY || st == STATUS_INSUFFICIENT_RESOURCES;
}

/* The child: commit TOUCH_BYTES (reserving and committing cost no frames) and write to
 * every page. Returning means the kernel never refused a frame. */
static int touch_all(void)
{
    uint64_t base = 0, size = TOUCH_BYTES;
    dormer_status_t st = DmAllocateVirtualMemory(&base, &size, MEM_RESERVE | MEM_COMMIT,
                                                 PAGE_READWRITE);

    if (!NT_SUCCESS(st)) {
        uprintf("t_exhaust touch: commit refused 0x%08x\n", (uint32_t)st);
        return 2;
    }
    for (uint64_t off = 0; off < size; off += 4096)
        *(volatile uint8_t *)(uintptr_t)(base + off) = 1;
    uprintf("t_exhaust touch: FAIL: %llu MiB touched\n", (unsigned long long)(size >> 20));
    return 3;
}

static void handles_until_refused(void)
{
    int n = 0;
    dormer_status_t st = STATUS_SUCCESS;

    for (; n < MAX_EVENTS; n++) {
        st = DmCreateEvent(&events[n], 1, 0);
        if (!NT_SUCCESS(st))
            break;
    }
    uprintf("t_exhaust: %d events open, then 0x%08x\n", n, (uint32_t)st);
    ulib_check(n >= 200 && n < MAX_EVENTS && st == STATUS_INSUFFICIENT_RESOURCES,
               "handles_refused_at_the_limit",
               "%d handles, status 0x%08x", n, (uint32_t)st);
    /* At the limit every call that opens a handle is refused the same way. */
    dormer_handle_t dup = 0;
    ulib_check(n == 0 || !NT_SUCCESS(DmDuplicateHandle(events[0], &dup)),
               "duplicate_refused_at_the_limit", "handle %llu", (unsigned long long)dup);
    int closed = 0;
    for (int i = 0; i < n; i++)
        closed += NT_SUCCESS(NtClose(events[i]));
    CHECK(closed == n, "every_handle_closes");
    dormer_handle_t again = 0;
    CHECK_STATUS(DmCreateEvent(&again, 1, 0), STATUS_SUCCESS, "handle_after_closing");
    NtClose(again);
}

static void frames_until_refused(void)
{
    struct dormer_kernel_counters k0, k1;
    dormer_handle_t h = 0;

    /* Warm what a first start of this image fills (the shared image view). */
    if (NT_SUCCESS(DormerSpawn("t_child.exe 1", 0, &h))) {
        DormerWait(h, THREADS_TIMEOUT_MS);
        NtClose(h);
    }
    CHECK(counters(&k0), "counters_before");
    dormer_status_t st = DormerSpawn("t_exhaust.exe touch", 0, &h);
    CHECK_STATUS(st, STATUS_SUCCESS, "toucher_started");
    if (!NT_SUCCESS(st))
        return;
    CHECK_STATUS(DormerWait(h, 120000), STATUS_WAIT_0, "toucher_ended");
    ulib_check(threads_exit_status(h) == STATUS_NO_MEMORY, "out_of_frames_is_status_no_memory",
               "status 0x%08x", (uint32_t)threads_exit_status(h));
    NtClose(h);
    /* Others keep running: a new program starts and ends with its status. */
    int32_t status = -1;
    if (NT_SUCCESS(DormerSpawn("t_child.exe 42", 0, &h))) {
        DormerWait(h, THREADS_TIMEOUT_MS);
        status = threads_exit_status(h);
        NtClose(h);
    }
    CHECK(status == 42, "a_program_runs_after_the_exhaustion");
    CHECK(counters(&k1), "counters_after");
    uprintf("t_exhaust: frames %llu -> %llu, heap blocks %llu -> %llu, objects %llu -> %llu, "
            "handles %llu -> %llu\n", (unsigned long long)k0.used_frames,
            (unsigned long long)k1.used_frames, (unsigned long long)k0.heap_blocks,
            (unsigned long long)k1.heap_blocks, (unsigned long long)k0.objects,
            (unsigned long long)k1.objects, (unsigned long long)k0.handles,
            (unsigned long long)k1.handles);
    CHECK(k1.used_frames == k0.used_frames, "frames_back_after_exhaustion");
    CHECK(k1.heap_blocks == k0.heap_blocks, "heap_blocks_back_after_exhaustion");
    CHECK(k1.objects == k0.objects && k1.handles == k0.handles,
          "objects_and_handles_back_after_exhaustion");
}


static dormer_handle_t go_event;

static uint32_t parked_thread(uint64_t arg)
{
    return DormerWait(go_event, 120000) == STATUS_WAIT_0 ? (uint32_t)arg : 0xdead;
}

/* Threads that wait on one event until the kernel refuses another (kernel stacks or
 * handles run out); then all are released and end with their own status. */
static void threads_until_refused(void)
{
    dormer_status_t st = STATUS_SUCCESS;
    int n = 0;

    CHECK_STATUS(DmCreateEvent(&go_event, 1, 0), STATUS_SUCCESS, "thread_event");
    for (; n < MAX_THREADS; n++) {
        st = DormerCreateThread(&handles[n], parked_thread, 1000 + n, 64 * 1024);
        if (!NT_SUCCESS(st))
            break;
    }
    uprintf("t_exhaust: %d threads, then 0x%08x\n", n, (uint32_t)st);
    ulib_check(n >= 100 && n < MAX_THREADS && refused(st), "threads_refused_at_the_limit",
               "%d threads, status 0x%08x", n, (uint32_t)st);
    /* At the limit a new program is refused cleanly, or starts and ends. */
    dormer_handle_t h = 0;
    dormer_status_t sp = DormerSpawn("t_child.exe 5", 0, &h);
    if (NT_SUCCESS(sp)) {
        ulib_check(DormerWait(h, THREADS_TIMEOUT_MS) == STATUS_WAIT_0 &&
                   threads_exit_status(h) == 5, "spawn_at_the_thread_limit_ends", "0x%08x",
                   (uint32_t)threads_exit_status(h));
        NtClose(h);
    } else {
        ulib_check(refused(sp), "spawn_at_the_thread_limit_refused", "0x%08x", (uint32_t)sp);
    }
    DmSetEvent(go_event, NULL);
    CHECK(threads_wait_all(handles, n, 60000) == STATUS_WAIT_0, "every_thread_ended");
    int right = 0;
    for (int i = 0; i < n; i++) {
        right += threads_exit_status(handles[i]) == 1000 + i;
        NtClose(handles[i]);
    }
    ulib_check(right == n, "every_thread_returned_its_status", "%d of %d", right, n);
    NtClose(go_event);
}

/* The child of processes_until_refused: reads its standard input (a pipe every child
 * shares) until the parent closes the write end. */
static int park(void)
{
    char c;
    uint64_t got = 0;

    while (NT_SUCCESS(DmReadConsoleInput(&c, 1, &got)) && got)
        ;
    return 7;
}

/* Processes until the kernel refuses another; closing the shared pipe ends them all. */
static void processes_until_refused(void)
{
    dormer_handle_t rd = 0, wr = 0;
    dormer_status_t st = STATUS_SUCCESS;
    int n = 0;

    CHECK_STATUS(DmCreatePipe(&rd, &wr), STATUS_SUCCESS, "process_pipe");
    for (; n < MAX_PROCS; n++) {
        static const char cmd[] = "t_exhaust.exe park";
        st = DmCreateProcessStd(&handles[n], cmd, sizeof cmd - 1, rd, 0, 0);
        if (!NT_SUCCESS(st))
            break;
    }
    uprintf("t_exhaust: %d processes, then 0x%08x\n", n, (uint32_t)st);
    ulib_check(n >= 50 && n < MAX_PROCS && refused(st), "processes_refused_at_the_limit",
               "%d processes, status 0x%08x", n, (uint32_t)st);
    NtClose(rd);
    NtClose(wr); /* every child's read now ends */
    CHECK(threads_wait_all(handles, n, 120000) == STATUS_WAIT_0, "every_process_ended");
    int right = 0;
    for (int i = 0; i < n; i++) {
        right += threads_exit_status(handles[i]) == 7;
        NtClose(handles[i]);
    }
    ulib_check(right == n, "every_process_ended_with_its_status", "%d of %d", right, n);
}

/* Pipes, each holding PIPE_FILL bytes, until the kernel refuses another. */
static void pipes_until_refused(void)
{
    dormer_status_t st = STATUS_SUCCESS;
    int n = 0, filled = 0;

    for (uint32_t i = 0; i < PIPE_FILL; i++)
        chunk[i] = (uint8_t)(i * 7 + 3);
    for (; n < MAX_PIPES; n++) {
        st = DmCreatePipe(&pipes[n][0], &pipes[n][1]);
        if (!NT_SUCCESS(st))
            break;
        uint64_t w = 0;
        filled += NT_SUCCESS(DmWritePipe(pipes[n][1], chunk, PIPE_FILL, &w)) && w == PIPE_FILL;
    }
    uprintf("t_exhaust: %d pipes (%d filled), then 0x%08x\n", n, filled, (uint32_t)st);
    ulib_check(n >= 50 && n < MAX_PIPES && refused(st), "pipes_refused_at_the_limit",
               "%d pipes, status 0x%08x", n, (uint32_t)st);
    CHECK(filled == n, "every_pipe_filled");
    /* What went in comes out, from the first pipe and the last. */
    int same = 0;
    for (int j = 0; j < 2 && n > 0; j++) {
        int i = j ? n - 1 : 0;
        uint64_t got = 0, r = 0;
        while (got < PIPE_FILL &&
               NT_SUCCESS(DmReadFile(pipes[i][0], back + got, PIPE_FILL - got, NULL, &r)) && r)
            got += r;
        same += got == PIPE_FILL && memcmp(back, chunk, PIPE_FILL) == 0;
    }
    CHECK(n == 0 || same == 2, "pipe_contents_read_back");
    for (int i = 0; i < n; i++) {
        NtClose(pipes[i][0]);
        NtClose(pipes[i][1]);
    }
}

static volatile uint64_t never; /* 0: the recursion cannot end, but gcc cannot know */

__attribute__((noinline)) static uint64_t recurse(uint64_t depth)
{
    volatile uint8_t frame[512];

    frame[0] = (uint8_t)depth;
    frame[sizeof frame - 1] = (uint8_t)depth;
    if (depth == never)
        return 0;
    return recurse(depth + 1) + frame[0] + frame[sizeof frame - 1];
}

static uint32_t recurse_thread(uint64_t arg)
{
    return (uint32_t)recurse(arg + 1);
}

/* The child "recurse_thread": the recursion runs on a thread with a 64 MiB reserve. */
static int recurse_on_thread(void)
{
    dormer_handle_t h = 0;
    dormer_status_t st = DormerCreateThread(&h, recurse_thread, 0, 64ull << 20);

    if (!NT_SUCCESS(st))
        return 2;
    DormerWait(h, 120000);
    return 3; /* only if the thread ended without killing the process */
}

/* A stack used up ends the program that used it (STATUS_STACK_OVERFLOW), on the main
 * thread's reserve and a large thread's; a reserve larger than the address space is
 * refused. The counters come back each time. */
static void stacks_until_overflow(void)
{
    static const char *const modes[] = { "t_exhaust.exe recurse", "t_exhaust.exe recurse_thread" };
    static const char *const names[] = { "main_stack_overflow_ends_the_program",
                                         "thread_stack_overflow_ends_the_program" };
    struct dormer_kernel_counters k0;

    CHECK(counters(&k0), "counters_before_stacks");
    for (int i = 0; i < 2; i++) {
        dormer_handle_t h = 0;
        int32_t status = -1;
        if (NT_SUCCESS(DormerSpawn(modes[i], 0, &h))) {
            DormerWait(h, 120000);
            status = threads_exit_status(h);
            NtClose(h);
        }
        ulib_check(status == (int32_t)STATUS_STACK_OVERFLOW, names[i], "status 0x%08x",
                   (uint32_t)status);
    }
    dormer_handle_t t = 0;
    dormer_status_t st = DormerCreateThread(&t, recurse_thread, 0, 1ull << 62);
    ulib_check(!NT_SUCCESS(st), "huge_stack_reserve_refused", "status 0x%08x", (uint32_t)st);
    if (NT_SUCCESS(st))
        NtClose(t);
    check_back("stacks_counters_back", &k0);
}

static dormer_status_t open_path(const char *path, uint32_t access, uint32_t disposition,
                                 uint32_t options, dormer_handle_t *h)
{
    uint16_t w[260];
    uint64_t n = 0;
    struct dormer_create_file a = { access, DORMER_FILE_SHARE_READ | DORMER_FILE_SHARE_WRITE |
                                    DORMER_FILE_SHARE_DELETE, disposition, options, 0, 0 };

    for (; path[n] && n < 259; n++)
        w[n] = (uint8_t)path[n];
    return DmCreateFile(h, w, n, &a);
}

static void fill_chunk(uint64_t index)
{
    for (uint32_t i = 0; i < CHUNK; i += 8)
        *(uint64_t *)(chunk + i) = index * 0x9e3779b97f4a7c15ull + i;
}

/* Writes `path` in CHUNK pieces until a write fails; that must be STATUS_DISK_FULL,
 * every byte reported written must read back, and after the delete the space is free
 * again (a second file of `again` bytes is written). `what` names the checks. */
static void fill_volume(const char *path, const char *what, uint64_t again)
{
    dormer_handle_t h = 0;
    char name[64];

    /* The buffers are ours before the volume takes every frame (on the RAM C:\ the
     * file takes them all: a first touch of `back` afterwards would find none). */
    memset(back, 0, CHUNK);
    memset(chunk, 0, CHUNK);
    dormer_status_t st = open_path(path, DORMER_GENERIC_READ | DORMER_GENERIC_WRITE | DORMER_DELETE,
                                   DORMER_FILE_OVERWRITE_IF, 0, &h);
    CHECK_STATUS(st, STATUS_SUCCESS, "fill_file_created");
    if (!NT_SUCCESS(st))
        return;
    uint64_t total = 0, done = 0;
    for (uint64_t i = 0;; i++) {
        fill_chunk(i);
        done = 0;
        st = DmWriteFile(h, chunk, CHUNK, NULL, &done);
        total += done;
        if (!NT_SUCCESS(st) || done != CHUNK)
            break;
    }
    uprintf("t_exhaust: %s: %llu KiB written, then 0x%08x (%llu bytes of the last write)\n",
            what, (unsigned long long)(total >> 10), (uint32_t)st, (unsigned long long)done);
    usnprintf(name, sizeof name, "%s_full_is_status_disk_full", what);
    ulib_check(st == STATUS_DISK_FULL && total >= (4u << 20), name, "status 0x%08x after %llu KiB",
               (uint32_t)st, (unsigned long long)(total >> 10));
    /* Everything reported written reads back. */
    uint64_t bad = 0, checked = 0;
    for (uint64_t i = 0; (i + 1) * CHUNK <= total; i++) {
        int64_t off = (int64_t)(i * CHUNK);
        uint64_t r = 0;
        fill_chunk(i);
        if (!NT_SUCCESS(DmReadFile(h, back, CHUNK, &off, &r)) || r != CHUNK ||
            memcmp(back, chunk, CHUNK) != 0)
            bad++;
        checked++;
    }
    usnprintf(name, sizeof name, "%s_data_before_full_reads_back", what);
    ulib_check(bad == 0 && checked > 0, name, "%llu of %llu chunks differ",
               (unsigned long long)bad, (unsigned long long)checked);
    struct dormer_file_disposition del = { .delete_file = 1 };
    DmSetInformationFile(h, DORMER_FILE_DISPOSITION_INFO, &del, sizeof del);
    NtClose(h);
    usnprintf(name, sizeof name, "%s_full_file_deleted", what);
    ulib_check(open_path(path, DORMER_GENERIC_READ, DORMER_FILE_OPEN, 0, &h) ==
               STATUS_OBJECT_NAME_NOT_FOUND, name, "still there");
    /* The space is back: another file of `again` bytes fits. */
    st = open_path(path, DORMER_GENERIC_WRITE | DORMER_DELETE, DORMER_FILE_CREATE,
                   DORMER_FILE_DELETE_ON_CLOSE, &h);
    uint64_t wrote = 0;
    for (uint64_t i = 0; NT_SUCCESS(st) && wrote < again; i++) {
        done = 0;
        st = DmWriteFile(h, chunk, CHUNK, NULL, &done);
        wrote += done;
    }
    if (h)
        NtClose(h);
    usnprintf(name, sizeof name, "%s_space_back_after_delete", what);
    ulib_check(NT_SUCCESS(st) && wrote >= again, name, "0x%08x after %llu KiB", (uint32_t)st,
               (unsigned long long)(wrote >> 10));
}

/* Runs "t_exhaust.exe MODE" (one exhaustion, its own checks) to its end: it must end
 * with 0, and the counters must be back where they were before it started. The child's
 * own address space (its stacks, buffers and page tables) goes with it, so what stays
 * is only what the kernel kept. */
static void run_child(const char *mode, const char *name)
{
    struct dormer_kernel_counters k0;
    dormer_handle_t h = 0;
    char cmd[64], what[64];

    /* Warm what a first start of t_child.exe fills (its shared image view): the
     * threads child starts one at the limit, and in a boot of its own it is the first. */
    if (NT_SUCCESS(DormerSpawn("t_child.exe 1", 0, &h))) {
        DormerWait(h, THREADS_TIMEOUT_MS);
        NtClose(h);
    }
    CHECK(counters(&k0), "counters_before_child");
    usnprintf(cmd, sizeof cmd, "t_exhaust.exe %s", mode);
    dormer_status_t st = DormerSpawn(cmd, 0, &h);
    int32_t status = st;
    if (NT_SUCCESS(st)) {
        st = DormerWait(h, 300000);
        status = st == STATUS_WAIT_0 ? threads_exit_status(h) : st;
        NtClose(h);
    }
    usnprintf(what, sizeof what, "%s_child_passed", name);
    ulib_check(status == 0, what, "\"%s\" ended with 0x%08x", cmd, (uint32_t)status);
    usnprintf(what, sizeof what, "%s_counters_back", name);
    check_back(what, &k0);
}

/* One part of the run, named by the n characters at name. */
static void run_part(const char *name, size_t n)
{
    static const struct {
        const char *name;
        void (*fn)(void);  /* a part run here, or */
        const char *child; /* one run in "t_exhaust.exe CHILD", its checks named by name */
    } parts[] = {
        { "handles", handles_until_refused, NULL },
        { "frames", frames_until_refused, NULL },
        { "threads", NULL, "threads" },
        { "processes", NULL, "processes" },
        { "pipes", NULL, "pipes" },
        { "stacks", stacks_until_overflow, NULL },
        { "ramfs_full", NULL, "fill_ram" },
    };

    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (strlen(parts[i].name) != n || memcmp(parts[i].name, name, n) != 0)
            continue;
        uprintf("t_exhaust: part %s\n", parts[i].name);
        if (parts[i].fn)
            parts[i].fn();
        else
            run_child(parts[i].child, parts[i].name);
        return;
    }
    ulib_check(0, "known_part", "no part %.*s", (int)n, name);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "touch") == 0)
        return touch_all();
    if (argc > 1 && strcmp(argv[1], "park") == 0)
        return park();
    if (argc > 1 && strcmp(argv[1], "recurse") == 0)
        return (int)recurse(1);
    if (argc > 1 && strcmp(argv[1], "recurse_thread") == 0)
        return recurse_on_thread();
    if (argc > 1 && strcmp(argv[1], "parts") != 0) { /* the children of run_child: one exhaustion each */
        if (strcmp(argv[1], "threads") == 0)
            threads_until_refused();
        else if (strcmp(argv[1], "processes") == 0)
            processes_until_refused();
        else if (strcmp(argv[1], "pipes") == 0)
            pipes_until_refused();
        else if (strcmp(argv[1], "fill_ram") == 0)
            fill_volume("C:\\exhaust_full.bin", "ramfs", 1u << 20);
        else if (strcmp(argv[1], "fill_disk") == 0)
            fill_volume("C:\\exhaust_full.bin", "fat32", 1u << 20);
        else if (strcmp(argv[1], "disk") == 0) /* the disk boot (init=) */
            run_child("fill_disk", "fat32_full");
        else
            return 99;
        return ulib_check_summary();
    }
    /* "t_exhaust.exe parts A,B,...": those parts, in that order. Without arguments (the
     * utest boot) the quick ones; the boot exhaust of scons test runs the others
     * (threads,processes,ramfs_full), which take each resource of the whole machine. */
    const char *parts = argc > 2 && strcmp(argv[1], "parts") == 0 ? argv[2] :
                        "handles,frames,pipes,stacks";
    while (*parts) {
        size_t n = 0;
        while (parts[n] && parts[n] != ',')
            n++;
        run_part(parts, n);
        parts += n + (parts[n] == ',');
    }
    return ulib_check_summary();
}
