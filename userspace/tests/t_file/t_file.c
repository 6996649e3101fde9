/*
 * t_file: the boot programs as files of the file-system layer, C:\Windows\System32,
 * through the native calls (DmCreateFile, DmReadFile, DmQueryInformationFile,
 * DmQueryDirectoryEntries, NtClose), using hello.exe (always on the ISO): names match
 * without regard to case and by their length (not a NUL), reads advance and end with
 * 0 bytes, the listing shows every boot file, closed handles are dead. Exit 0 when all pass.
 */
#include <dormer.h>

#define CHUNK 1000 /* not a divisor of anything: reads end mid-chunk */
#define HELLO "C:\\Windows\\System32\\hello.exe"

static uint8_t chunk[CHUNK];

static uint64_t size_of(dormer_handle_t h)
{
    struct dormer_file_standard s;

    memset(&s, 0, sizeof s);
    DmQueryInformationFile(h, DORMER_FILE_STANDARD_INFO, &s, sizeof s);
    return s.end_of_file;
}

static int64_t position_of(dormer_handle_t h)
{
    struct dormer_file_position p = { -1 };

    DmQueryInformationFile(h, DORMER_FILE_POSITION_INFO, &p, sizeof p);
    return p.position;
}

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
        st = DmReadFile(h, chunk, CHUNK, NULL, &n);
        if (st != STATUS_SUCCESS || n == 0 || n > CHUNK || total + n > size)
            break;
        memcpy(image + total, chunk, n);
        total += n;
    }
    ulib_check(st == STATUS_SUCCESS && n == 0 && total == size, "read_to_end",
               "status 0x%08x, last %llu, after %llu of %llu bytes", (uint32_t)st,
               (unsigned long long)n, (unsigned long long)total, (unsigned long long)size);
    CHECK_STATUS(DmReadFile(h, chunk, CHUNK, NULL, &n), STATUS_SUCCESS, "read_past_eof_again");
    CHECK(n == 0, "eof_reads_nothing");
    int64_t at = (int64_t)size;
    CHECK_STATUS(DmReadFile(h, chunk, CHUNK, &at, &n), STATUS_END_OF_FILE, "read_at_eof_offset");

    /* The bytes are the file: its PE header is where the DOS header says. */
    pe = (uint32_t)image[0x3c] | (uint32_t)image[0x3d] << 8 | (uint32_t)image[0x3e] << 16 |
         (uint32_t)image[0x3f] << 24;
    CHECK(pe + 4 <= size && memcmp(image + pe, "PE\0\0", 4) == 0, "contents_are_pe");

    /* An offset read gives the same bytes as the sequential ones. */
    at = 0x3c;
    CHECK_STATUS(DmReadFile(h, chunk, 4, &at, &n), STATUS_SUCCESS, "read_at_offset");
    CHECK(n == 4 && memcmp(chunk, image + 0x3c, 4) == 0, "offset_read_same_bytes");

    alloc = 0;
    DmFreeVirtualMemory(&base, &alloc, MEM_RELEASE);
}

/* The listing of System32: every boot file once, hello.exe among them with the size its
 * handle reports. */
static void test_listing(uint64_t hello_size)
{
    static uint64_t buf[4096 / 8];
    dormer_handle_t d = 0;
    struct dormer_dir_query q = { 0, 0, DORMER_DIR_RESTART };
    uint64_t count = 0, hello_seen = 0, named = 0;
    dormer_status_t st;

    CHECK_STATUS(ulib_open("c:/windows/system32", DORMER_FILE_READ_DATA,
                           DORMER_FILE_DIRECTORY_FILE, &d),
                 STATUS_SUCCESS, "open_system32");
    while ((st = DmQueryDirectoryEntries(d, buf, sizeof buf, &q)) == STATUS_SUCCESS &&
           count < 1000) {
        q.flags = 0;
        const uint8_t *p = (const uint8_t *)buf;
        for (;;) {
            const struct dormer_dir_info *e = (const struct dormer_dir_info *)p;
            char name[16];
            size_t i;
            for (i = 0; i < e->name_chars && i + 1 < sizeof name; i++)
                name[i] = (char)e->name[i];
            name[i] = '\0';
            named += e->name_chars > 0;
            if (e->name_chars == 9 && strcasecmp(name, "hello.exe") == 0)
                hello_seen += e->size == hello_size;
            count++;
            if (e->next == 0)
                break;
            p += e->next;
        }
    }
    ulib_check(st == STATUS_NO_MORE_FILES && count >= 5 && named == count, "list_system32",
               "status 0x%08x after %llu entries", (uint32_t)st, (unsigned long long)count);
    CHECK(hello_seen == 1, "listing_shows_hello_with_its_size");
    CHECK_STATUS(DmQueryDirectoryEntries(d, buf, sizeof buf, NULL), STATUS_NO_MORE_FILES,
                 "list_past_the_end");
    CHECK_STATUS(DmQueryDirectoryEntries(d, (void *)8, sizeof buf, &q), STATUS_ACCESS_VIOLATION,
                 "list_bad_pointer");
    NtClose(d);
    uprintf("t_file: %llu entries in System32\n", (unsigned long long)count);
}

int main(void)
{
    dormer_handle_t h = 0, h2 = 0;
    uint64_t n = 0;
    uint8_t mz[2] = { 0, 0 };
    /* "Hello.Exe" then bytes past the length that are not part of the name. */
    static const uint16_t trailing[] = { 'C', ':', '\\', 'W', 'i', 'n', 'd', 'o', 'w', 's', '\\',
                                         'S', 'y', 's', 't', 'e', 'm', '3', '2', '\\', 'H', 'e',
                                         'l', 'l', 'o', '.', 'E', 'x', 'e', 'x', 'y', 'z' };
    struct dormer_create_file a = { DORMER_GENERIC_READ, DORMER_FILE_SHARE_READ, DORMER_FILE_OPEN,
                                    0, 0, 0 };

    CHECK_STATUS(ulib_open("C:\\WINDOWS\\SYSTEM32\\HELLO.EXE", DORMER_GENERIC_READ, 0, &h),
                 STATUS_SUCCESS, "open_upper_case");
    CHECK(h != 0 && h != DORMER_CURRENT_PROCESS, "handle_value");
    CHECK_STATUS(ulib_open("c:\\windows\\system32\\hello.exe", DORMER_GENERIC_READ, 0, &h2),
                 STATUS_SUCCESS, "open_lower_case");
    CHECK(h2 != h, "second_open_new_handle");
    NtClose(h2);
    h2 = 0;
    CHECK_STATUS(DmCreateFile(&h2, trailing, 29, &a), STATUS_SUCCESS, "open_uses_length");
    NtClose(h2);
    h2 = 0;
    CHECK_STATUS(ulib_open(HELLO "x", DORMER_GENERIC_READ, 0, &h2), STATUS_OBJECT_NAME_NOT_FOUND,
                 "open_longer");
    CHECK_STATUS(ulib_open("C:\\Windows\\System32\\hello.ex", DORMER_GENERIC_READ, 0, &h2),
                 STATUS_OBJECT_NAME_NOT_FOUND, "open_prefix");
    CHECK_STATUS(ulib_open("C:\\Windows\\System32\\nosuch.exe", DORMER_GENERIC_READ, 0, &h2),
                 STATUS_OBJECT_NAME_NOT_FOUND, "open_missing");
    CHECK_STATUS(DmCreateFile(&h2, trailing, 0, &a), STATUS_OBJECT_NAME_INVALID,
                 "open_empty_name");

    CHECK_STATUS(DmReadFile(h, mz, 2, NULL, &n), STATUS_SUCCESS, "read_2");
    CHECK(n == 2 && mz[0] == 'M' && mz[1] == 'Z', "starts_with_mz");

    uint64_t size = size_of(h);
    CHECK(size > 0x200 && size < 0x1000000, "size_plausible");
    CHECK(position_of(h) == 2, "position_after_read");
    uprintf("t_file: hello.exe is %llu bytes\n", (unsigned long long)size);

    CHECK_STATUS(DmReadFile(h, mz, 0, NULL, &n), STATUS_SUCCESS, "read_0_bytes");
    CHECK(position_of(h) == 2, "read_0_keeps_position");
    test_listing(size);
    if (size > 2 && size < 0x1000000)
        test_read_whole_file(h, size);

    CHECK_STATUS(NtClose(h), STATUS_SUCCESS, "close");
    CHECK_STATUS(NtClose(h), STATUS_INVALID_HANDLE, "close_twice");
    CHECK_STATUS(DmReadFile(h, mz, 2, NULL, &n), STATUS_INVALID_HANDLE, "read_closed");
    struct dormer_file_standard s;
    CHECK_STATUS(DmQueryInformationFile(h, DORMER_FILE_STANDARD_INFO, &s, sizeof s),
                 STATUS_INVALID_HANDLE, "query_closed");
    return ulib_check_summary();
}
