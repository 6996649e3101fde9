/*
 * t_pipe: pipes between processes and between threads. A child started with a pipe's
 * write end as its console writes into it; the parent, having closed its own write end,
 * reads until STATUS_PIPE_BROKEN and finds the child's line. Two threads stream 320 KiB
 * through one pipe (five times its 64 KiB, in uneven pieces and one 96 KiB write that
 * must wait for room), and every byte arrives in order. Also the rules at the pipe's
 * ends (DmReadPipe, DmWritePipe): short reads, data outliving the writer, writing with
 * no reader, the wrong end and bad arguments refused. Four threads
 * reading one pipe at once each get different bytes: together exactly what was written.
 */
#include "../threads.h"

#define STREAM_BYTES (320 * 1024)
#define BIG_WRITE (96 * 1024)

static uint8_t out_buf[BIG_WRITE];
static uint8_t in_buf[7000];
static char child_text[4096];
static dormer_handle_t stream_w;

static uint8_t pattern(uint64_t i)
{
    return (uint8_t)(i * 131 + (i >> 9));
}

static void test_child_output(void)
{
    dormer_handle_t r = 0, w = 0, child = 0;
    dormer_status_t st = STATUS_SUCCESS;
    uint64_t total = 0, n = 0;

    CHECK_STATUS(DmCreatePipe(&r, &w), STATUS_SUCCESS, "create_pipe");
    CHECK_STATUS(DormerSpawn("t_child.exe print", w, &child), STATUS_SUCCESS,
                 "spawn_child_into_pipe");
    CHECK_STATUS(NtClose(w), STATUS_SUCCESS, "close_parent_write_end");
    while (total < sizeof(child_text) - 1) {
        n = 0;
        st = DmReadPipe(r, child_text + total, sizeof(child_text) - 1 - total, &n);
        if (st != STATUS_SUCCESS || n == 0 || n > sizeof(child_text) - 1 - total)
            break;
        total += n;
    }
    child_text[total] = '\0';
    uprintf("t_pipe: the child wrote %llu bytes\n", (unsigned long long)total);
    ulib_check(st == STATUS_PIPE_BROKEN && total > 0, "read_child_until_broken",
               "status 0x%08x after %llu bytes (last read %llu)", (uint32_t)st,
               (unsigned long long)total, (unsigned long long)n);
    ulib_check(strstr(child_text, "child says hello") != NULL, "child_line_arrived",
               "got \"%.60s\"", child_text);
    CHECK_STATUS(DormerWait(child, THREADS_TIMEOUT_MS), STATUS_WAIT_0, "child_ends");
    CHECK(threads_exit_status(child) == 0, "child_status");
    CHECK_STATUS(DmReadPipe(r, in_buf, 1, &n), STATUS_PIPE_BROKEN, "stays_broken");
    NtClose(child);
    NtClose(r);
}

/* Writes all of len bytes, however many calls that takes; returns the last status. */
static dormer_status_t write_all(dormer_handle_t w, const uint8_t *buf, uint64_t len)
{
    while (len) {
        uint64_t n = 0;
        dormer_status_t st = DmWritePipe(w, buf, len, &n);

        if (st != STATUS_SUCCESS)
            return st;
        if (n == 0 || n > len)
            return STATUS_UNSUCCESSFUL;
        buf += n;
        len -= n;
    }
    return STATUS_SUCCESS;
}

/*
 * The writer: pieces of 1..5000 bytes, then one BIG_WRITE, then pieces again, then it
 * closes its end. Returns 0, or the failing status.
 */
static uint32_t stream_writer(uint64_t arg)
{
    uint64_t sent = 0, piece = 1;
    int big_done = 0;

    (void)arg;
    while (sent < STREAM_BYTES) {
        uint64_t len = piece;
        dormer_status_t st;

        if (!big_done && sent >= 100 * 1024) {
            len = BIG_WRITE;
            big_done = 1;
        }
        if (len > STREAM_BYTES - sent)
            len = STREAM_BYTES - sent;
        for (uint64_t i = 0; i < len; i++)
            out_buf[i] = pattern(sent + i);
        st = write_all(stream_w, out_buf, len);
        if (st != STATUS_SUCCESS)
            return (uint32_t)st;
        sent += len;
        piece = piece * 7 % 5000 + 1;
    }
    return (uint32_t)NtClose(stream_w);
}

static void test_stream(void)
{
    dormer_handle_t r = 0, h = 0;
    dormer_status_t st = STATUS_SUCCESS;
    uint64_t got = 0, n = 0, bad_at = ~0ull, reads = 0;

    CHECK_STATUS(DmCreatePipe(&r, &stream_w), STATUS_SUCCESS, "create_stream_pipe");
    CHECK_STATUS(DormerCreateThread(&h, stream_writer, 0, 0), STATUS_SUCCESS,
                 "create_writer_thread");
    /* Let the writer fill the pipe and block before the first read. */
    DmDelayExecution(50);
    for (;;) {
        n = 0;
        st = DmReadPipe(r, in_buf, sizeof(in_buf), &n);
        if (st != STATUS_SUCCESS || n == 0 || n > sizeof(in_buf))
            break;
        reads++;
        for (uint64_t i = 0; i < n && bad_at == ~0ull; i++) {
            if (in_buf[i] != pattern(got + i))
                bad_at = got + i;
        }
        got += n;
        if (got > STREAM_BYTES)
            break;
    }
    uprintf("t_pipe: streamed %llu bytes in %llu reads\n", (unsigned long long)got,
            (unsigned long long)reads);
    ulib_check(st == STATUS_PIPE_BROKEN && got == STREAM_BYTES, "stream_320k_until_broken",
               "status 0x%08x after %llu bytes", (uint32_t)st, (unsigned long long)got);
    ulib_check(bad_at == ~0ull, "stream_bytes_in_order", "first wrong byte at %llu",
               (unsigned long long)bad_at);
    CHECK_STATUS(DormerWait(h, THREADS_TIMEOUT_MS), STATUS_WAIT_0, "writer_ends");
    CHECK(threads_exit_status(h) == 0, "writer_status");
    NtClose(h);
    NtClose(r);
}

#define SHARED_READERS 4
#define SHARED_ROUNDS 1024 /* each byte value is written this many times */

static dormer_handle_t shared_r;
static dormer_handle_t shared_dup[SHARED_READERS]; /* each reader's own read end */
static uint64_t shared_seen[256]; /* atomic */
static uint8_t shared_out[4096];

#define SHARED_PAGES 2048

/*
 * One of the readers: odd-sized reads until the pipe is broken; every byte is counted.
 * Each read lands on a page not touched before, so the kernel's copy-out takes a
 * demand-zero fault: a long window in which another reader may run.
 */
static uint32_t shared_reader(uint64_t arg)
{
    uint64_t base = 0, size = SHARED_PAGES * 4096ull, page = 0, n, len = 97 - arg * 13;
    dormer_status_t st = DmAllocateVirtualMemory(&base, &size, MEM_RESERVE | MEM_COMMIT,
                                                 PAGE_READWRITE);

    if (st != STATUS_SUCCESS) {
        NtClose(shared_dup[arg]);
        return (uint32_t)st;
    }
    for (;;) {
        uint8_t *buf = (uint8_t *)(base + (page++ % SHARED_PAGES) * 4096 + 4096 - 8);
        n = 0;
        st = DmReadPipe(shared_dup[arg], buf, len, &n);
        if (st != STATUS_SUCCESS)
            break;
        for (uint64_t i = 0; i < n && i < len; i++)
            __atomic_add_fetch(&shared_seen[buf[i]], 1, __ATOMIC_RELAXED);
    }
    size = 0;
    DmFreeVirtualMemory(&base, &size, MEM_RELEASE);
    NtClose(shared_dup[arg]); /* the last reader to end leaves the writer none */
    return st == STATUS_PIPE_BROKEN ? 0 : (uint32_t)st;
}

static void test_shared_readers(void)
{
    dormer_handle_t w = 0, h[SHARED_READERS] = { 0 };
    dormer_status_t st = STATUS_SUCCESS;
    uint64_t total = 0, wrong = 0;

    CHECK_STATUS(DmCreatePipe(&shared_r, &w), STATUS_SUCCESS, "create_shared_pipe");
    /* Each reader reads through its own handle and closes it when it ends, and this
     * thread keeps none: should every reader end early (a program that runs out of
     * memory), the writer below gets STATUS_PIPE_BROKEN instead of waiting for ever. */
    uint64_t created = 0;
    for (uint64_t i = 0; i < SHARED_READERS; i++) {
        if (DmDuplicateHandle(shared_r, &shared_dup[i]) != STATUS_SUCCESS)
            continue;
        if (DormerCreateThread(&h[i], shared_reader, i, 0) == STATUS_SUCCESS)
            created++;
        else
            NtClose(shared_dup[i]);
    }
    NtClose(shared_r);
    CHECK(created == SHARED_READERS, "create_shared_readers");
    for (uint64_t i = 0; i < sizeof shared_out; i++)
        shared_out[i] = (uint8_t)i;
    for (int round = 0; round < SHARED_ROUNDS * 256 / (int)sizeof shared_out; round++) {
        st = write_all(w, shared_out, sizeof shared_out);
        if (st != STATUS_SUCCESS)
            break;
    }
    CHECK_STATUS(st, STATUS_SUCCESS, "shared_writes");
    NtClose(w);
    CHECK_STATUS(threads_wait_all(h, SHARED_READERS, THREADS_TIMEOUT_MS), STATUS_WAIT_0,
                 "shared_readers_end");
    int32_t bad_status = 0;
    for (int i = 0; i < SHARED_READERS; i++) {
        if (threads_exit_status(h[i]) != 0)
            bad_status = threads_exit_status(h[i]);
        NtClose(h[i]);
    }
    ulib_check(bad_status == 0, "shared_readers_status", "a reader ended with 0x%08x",
               (uint32_t)bad_status);
    for (int v = 0; v < 256; v++) {
        total += shared_seen[v];
        if (shared_seen[v] != SHARED_ROUNDS)
            wrong++;
    }
    ulib_check(total == SHARED_ROUNDS * 256ull && wrong == 0, "shared_readers_each_byte_once",
               "%llu bytes read (%u written), %llu byte values with the wrong count",
               (unsigned long long)total, SHARED_ROUNDS * 256, (unsigned long long)wrong);
}

static void test_ends(void)
{
    dormer_handle_t r = 0, w = 0;
    uint64_t n = 0;
    char buf[100];

    CHECK_STATUS(DmCreatePipe(&r, &w), STATUS_SUCCESS, "create_small_pipe");
    CHECK_STATUS(DmWritePipe(w, "0123456789", 10, &n), STATUS_SUCCESS, "write_10");
    CHECK(n == 10, "wrote_10");
    n = 0;
    CHECK_STATUS(DmReadPipe(r, buf, sizeof(buf), &n), STATUS_SUCCESS, "short_read");
    CHECK(n == 10 && memcmp(buf, "0123456789", 10) == 0, "short_read_returns_what_is_there");
    CHECK_STATUS(DmReadPipe(w, buf, 1, &n), STATUS_INVALID_HANDLE, "read_write_end_refused");
    CHECK_STATUS(DmReadPipe(0x1230, buf, 1, &n), STATUS_INVALID_HANDLE, "read_bogus_handle");
    /* Refused before the call could wait on the empty pipe. */
    CHECK_STATUS(DmReadPipe(r, (void *)0xffff800000001000ull, 1, &n), STATUS_ACCESS_VIOLATION,
                 "read_kernel_buffer");
    CHECK_STATUS(DmReadPipe(r, buf, 1, (uint64_t *)0xffff800000001000ull),
                 STATUS_ACCESS_VIOLATION, "read_kernel_count");
    CHECK_STATUS(DmReadPipe(r, buf, 1ull << 62, &n), STATUS_ACCESS_VIOLATION,
                 "read_huge_length");
    /* The count is a one-move user copy: a page only reserved faults (refused before
     * the call waits), a committed page not yet touched is faulted in. */
    uint64_t reserved = 0, committed = 0, size = 2 * DORMER_PAGE_SIZE;
    CHECK_STATUS(DmAllocateVirtualMemory(&reserved, &size, MEM_RESERVE, PAGE_READWRITE),
                 STATUS_SUCCESS, "reserve_count_page");
    CHECK_STATUS(DmReadPipe(r, buf, 1, (uint64_t *)(uintptr_t)reserved),
                 STATUS_ACCESS_VIOLATION, "read_count_on_reserved_page");
    size = DORMER_PAGE_SIZE;
    CHECK_STATUS(DmAllocateVirtualMemory(&committed, &size, MEM_RESERVE | MEM_COMMIT,
                                         PAGE_READWRITE),
                 STATUS_SUCCESS, "commit_count_page");
    if (committed) {
        uint64_t *fresh = (uint64_t *)(uintptr_t)(committed + DORMER_PAGE_SIZE - 8);
        CHECK_STATUS(DmWritePipe(w, "z", 1, fresh), STATUS_SUCCESS,
                     "write_count_on_fresh_page");
        CHECK(*fresh == 1, "count_written_to_fresh_page");
        CHECK_STATUS(DmReadPipe(r, buf, sizeof(buf), &n), STATUS_SUCCESS, "read_back_z");
        CHECK(n == 1 && buf[0] == 'z', "z_read_back");
    }
    CHECK_STATUS(DmWritePipe(w, "abc", 3, &n), STATUS_SUCCESS, "write_before_close");
    CHECK_STATUS(NtClose(w), STATUS_SUCCESS, "close_write_end");
    n = 0;
    CHECK_STATUS(DmReadPipe(r, buf, 2, &n), STATUS_SUCCESS, "data_outlives_writer");
    CHECK(n == 2 && memcmp(buf, "ab", 2) == 0, "first_2_of_3");
    n = 0;
    CHECK_STATUS(DmReadPipe(r, buf, sizeof(buf), &n), STATUS_SUCCESS, "rest_outlives_writer");
    CHECK(n == 1 && buf[0] == 'c', "last_byte");
    CHECK_STATUS(DmReadPipe(r, buf, sizeof(buf), &n), STATUS_PIPE_BROKEN, "empty_no_writer");
    CHECK(!NT_SUCCESS(DmWritePipe(r, "x", 1, &n)), "write_to_read_end_refused");
    NtClose(r);

    CHECK_STATUS(DmCreatePipe(&r, &w), STATUS_SUCCESS, "create_pipe_no_reader");
    CHECK_STATUS(NtClose(r), STATUS_SUCCESS, "close_read_end");
    CHECK_STATUS(DmWritePipe(w, "x", 1, &n), STATUS_PIPE_BROKEN, "write_no_reader");
    NtClose(w);
}

int main(void)
{
    test_ends();
    test_child_output();
    test_stream();
    test_shared_readers();
    return ulib_check_summary();
}
