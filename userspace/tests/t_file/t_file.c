/*
 * t_file: the boot file system through DmQueryBootDirectory (the listing) and
 * DmOpenBootFile/DmReadBootFile/DmQueryBootFile/
 * NtClose, using hello.exe (always on the ISO) as the file: names match without regard
 * to case and by their length (not a NUL), reads advance and end in STATUS_END_OF_FILE,
 * closed handles are dead. Exit 0 when all pass.
 */
#include <dormer.h>

#define CHUNK 1000 /* not a divisor of anything: reads end mid-chunk */

static uint8_t chunk[CHUNK];

static void test_read_whole_file(dormer_handle_t h, uint64_t size)
{
    uint64_t base = 0, alloc = size, total = 2, n = 0;
    uint8_t *image;
    dormer_status_t st = STATUS_SUCCESS;
    uint32_t pe;

    if (!NT_SUCCESS(DmAllocateVirtualMemory(&base, &alloc, MEM_RESERVE | MEM_COMMIT,
                                            PAGE_READWRITE))) {
        CHECK(0, "allocate_file_buffer");
        return;
    }
    image = (uint8_t *)(uintptr_t)base;
    image[0] = 'M';
    image[1] = 'Z';
    while (total < size + CHUNK) {
        n = 12345;
        st = DmReadBootFile(h, chunk, CHUNK, &n);
        if (st != STATUS_SUCCESS || n == 0 || n > CHUNK || total + n > size)
            break;
        memcpy(image + total, chunk, n);
        total += n;
    }
    ulib_check(st == STATUS_END_OF_FILE && total == size, "read_to_end",
               "status 0x%08x after %llu of %llu bytes", (uint32_t)st,
               (unsigned long long)total, (unsigned long long)size);
    CHECK(n == 0, "eof_reads_nothing");
    CHECK_STATUS(DmReadBootFile(h, chunk, CHUNK, &n), STATUS_END_OF_FILE, "read_past_eof_again");

    /* The bytes are the file: its PE header is where the DOS header says. */
    pe = (uint32_t)image[0x3c] | (uint32_t)image[0x3d] << 8 | (uint32_t)image[0x3e] << 16 |
         (uint32_t)image[0x3f] << 24;
    CHECK(pe + 4 <= size && memcmp(image + pe, "PE\0\0", 4) == 0, "contents_are_pe");

    alloc = 0;
    DmFreeVirtualMemory(&base, &alloc, MEM_RELEASE);
}

/* The listing: every file once, hello.exe among them with the size its handle reports;
 * the end, and bad arguments. */
static void test_listing(uint64_t hello_size)
{
    struct dormer_dir_entry e;
    uint64_t count = 0, hello_seen = 0, named = 0;
    dormer_status_t st;

    while ((st = DmQueryBootDirectory(count, &e, sizeof e)) == STATUS_SUCCESS && count < 1000) {
        named += e.name[0] != '\0' && strlen(e.name) < sizeof e.name;
        if (ulib_strcasecmp(e.name, "hello.exe") == 0)
            hello_seen += e.size == hello_size;
        count++;
    }
    ulib_check(st == STATUS_NO_MORE_FILES && count >= 3 && named == count, "list_boot_files",
               "status 0x%08x after %llu entries", (uint32_t)st, (unsigned long long)count);
    CHECK(hello_seen == 1, "listing_shows_hello_with_its_size");
    CHECK_STATUS(DmQueryBootDirectory(count + 1000, &e, sizeof e), STATUS_NO_MORE_FILES,
                 "list_far_past_the_end");
    CHECK_STATUS(DmQueryBootDirectory(0, &e, sizeof e - 1), STATUS_INFO_LENGTH_MISMATCH,
                 "list_small_buffer");
    CHECK_STATUS(DmQueryBootDirectory(0, (struct dormer_dir_entry *)8, sizeof e),
                 STATUS_ACCESS_VIOLATION, "list_bad_pointer");
    uprintf("t_file: %llu boot files\n", (unsigned long long)count);
}

int main(void)
{
    dormer_handle_t h = 0, h2 = 0;
    struct dormer_file_info fi;
    uint64_t n = 0;
    uint8_t mz[2] = {0, 0};
    dormer_status_t st;

    CHECK_STATUS(DmOpenBootFile(&h, "HELLO.EXE", 9), STATUS_SUCCESS, "open_upper_case");
    CHECK(h != 0 && h != DORMER_CURRENT_PROCESS, "handle_value");
    CHECK_STATUS(DmOpenBootFile(&h2, "hello.exe", 9), STATUS_SUCCESS, "open_lower_case");
    CHECK(h2 != h, "second_open_new_handle");
    NtClose(h2);
    h2 = 0;
    /* The name is `len` bytes: what follows is not part of it. */
    CHECK_STATUS(DmOpenBootFile(&h2, "Hello.Exe.trailing", 9), STATUS_SUCCESS,
                 "open_uses_length");
    NtClose(h2);
    h2 = 0;
    CHECK_STATUS(DmOpenBootFile(&h2, "HELLO.EX", 8), STATUS_OBJECT_NAME_NOT_FOUND, "open_prefix");
    CHECK_STATUS(DmOpenBootFile(&h2, "nosuch.exe", 10), STATUS_OBJECT_NAME_NOT_FOUND,
                 "open_missing");
    st = DmOpenBootFile(&h2, "", 0);
    ulib_check(st == STATUS_OBJECT_NAME_NOT_FOUND || st == STATUS_INVALID_PARAMETER,
               "open_empty_name", "status 0x%08x", (uint32_t)st);

    CHECK_STATUS(DmReadBootFile(h, mz, 2, &n), STATUS_SUCCESS, "read_2");
    CHECK(n == 2 && mz[0] == 'M' && mz[1] == 'Z', "starts_with_mz");

    memset(&fi, 0xff, sizeof(fi));
    CHECK_STATUS(DmQueryBootFile(h, &fi, sizeof(fi)), STATUS_SUCCESS, "query_file");
    CHECK(fi.size > 0x200 && fi.size < 0x1000000, "size_plausible");
    CHECK(fi.position == 2, "position_after_read");
    uprintf("t_file: HELLO.EXE is %llu bytes\n", (unsigned long long)fi.size);

    CHECK_STATUS(DmReadBootFile(h, mz, 0, &n), STATUS_SUCCESS, "read_0_bytes");
    test_listing(fi.size);
    if (fi.size > 2 && fi.size < 0x1000000)
        test_read_whole_file(h, fi.size);

    CHECK_STATUS(NtClose(h), STATUS_SUCCESS, "close");
    CHECK_STATUS(NtClose(h), STATUS_INVALID_HANDLE, "close_twice");
    CHECK_STATUS(DmReadBootFile(h, mz, 2, &n), STATUS_INVALID_HANDLE, "read_closed");
    CHECK_STATUS(DmQueryBootFile(h, &fi, sizeof(fi)), STATUS_INVALID_HANDLE,
                 "query_closed");
    return ulib_check_summary();
}
