/*
 * t_disk: the FAT32 disk C:\ across boots, driven by the boot tests (scons test) that
 * then check the image on the host with mtype and fsck.fat. One mode per boot:
 *   write    make C:\disk with files the host checks (short and long names, 200 KiB of
 *            a pattern, a nested directory, a rename, a delete), flushed
 *   check    read back what "write" left (a second boot of the same image), then add
 *            C:\disk\second.txt
 *   big      write C:\big.bin in 64 KiB pieces for ever: the power-cut test kills the
 *            machine in the middle
 *   ro       on a read-only disk: reads work, every change is STATUS_MEDIA_WRITE_PROTECTED
 *   corrupt  on a damaged image: open and read every file of C:\bad, list C:\bad\selfdir;
 *            each gets a status (printed), none hangs or panics
 *   speed    sequential write (with the flush) and read of a 16 MiB file, in 64 KiB
 *            pieces: fat32_seq_write_cycles_per_kib= and fat32_seq_read_cycles_per_kib=
 *            for scons bench (rdtsc: guest instructions under -icount)
 * Not part of utest=all (it wants a disk and an argument). Exit 0 if all checks pass.
 */
#include <dormer.h>

#define SHARE_ALL (DORMER_FILE_SHARE_READ | DORMER_FILE_SHARE_WRITE | DORMER_FILE_SHARE_DELETE)
#define RW (DORMER_GENERIC_READ | DORMER_GENERIC_WRITE)
#define PATTERN_BYTES (200 * 1024)

static uint8_t chunk[64 * 1024];

/* Opens path (ASCII) with the given access, disposition and options. */
static dormer_status_t open_path(const char *path, uint32_t access, uint32_t disposition,
                                 uint32_t options, dormer_handle_t *h)
{
    uint16_t w[260];
    uint64_t n = 0;
    struct dormer_create_file a = { access, SHARE_ALL, disposition, options, 0, 0 };
    dormer_handle_t tmp = 0;

    for (; path[n] && n < 259; n++)
        w[n] = (uint8_t)path[n];
    dormer_status_t st = DmCreateFile(h ? h : &tmp, w, n, &a);
    if (!h && NT_SUCCESS(st))
        NtClose(tmp);
    return st;
}

static dormer_status_t write_all(dormer_handle_t h, const void *buf, uint64_t len)
{
    uint64_t done = 0;
    dormer_status_t st = DmWriteFile(h, buf, len, NULL, &done);

    return NT_SUCCESS(st) && done != len ? STATUS_UNSUCCESSFUL : st;
}

/* Creates (or overwrites) path with len bytes of buf. */
static dormer_status_t put_file(const char *path, const void *buf, uint64_t len)
{
    dormer_handle_t h;
    dormer_status_t st = open_path(path, RW, DORMER_FILE_OVERWRITE_IF, 0, &h);

    if (!NT_SUCCESS(st))
        return st;
    st = write_all(h, buf, len);
    NtClose(h);
    return st;
}

/* Reads up to cap bytes of path into buf; *len the count. */
static dormer_status_t get_file(const char *path, void *buf, uint64_t cap, uint64_t *len)
{
    dormer_handle_t h;
    dormer_status_t st = open_path(path, DORMER_GENERIC_READ, DORMER_FILE_OPEN, 0, &h);

    *len = 0;
    if (!NT_SUCCESS(st))
        return st;
    uint8_t *out = buf;
    while (*len < cap) {
        uint64_t done = 0;
        st = DmReadFile(h, out + *len, cap - *len, NULL, &done);
        if (!NT_SUCCESS(st) || done == 0)
            break;
        *len += done;
    }
    NtClose(h);
    return st;
}

static dormer_status_t remove_path(const char *path)
{
    dormer_handle_t h;
    struct dormer_file_disposition d = { 1, { 0 } };
    dormer_status_t st = open_path(path, DORMER_DELETE, DORMER_FILE_OPEN, 0, &h);

    if (!NT_SUCCESS(st))
        return st;
    st = DmSetInformationFile(h, DORMER_FILE_DISPOSITION_INFO, &d, sizeof d);
    NtClose(h);
    return st;
}

static dormer_status_t make_dir(const char *path)
{
    return open_path(path, DORMER_FILE_READ_DATA, DORMER_FILE_CREATE,
                     DORMER_FILE_DIRECTORY_FILE, NULL);
}

static void fill_pattern(uint8_t *p, uint64_t start, uint64_t len)
{
    for (uint64_t i = 0; i < len; i++)
        p[i] = (uint8_t)((start + i) * 7 + ((start + i) >> 9));
}

static void mode_write(void)
{
    static const char hello[] = "Hello from Dormer's disk!\r\n";
    dormer_handle_t h;

    CHECK_STATUS(make_dir("C:\\disk"), STATUS_SUCCESS, "mkdir_disk");
    CHECK_STATUS(make_dir("C:\\disk\\Nested Directory"), STATUS_SUCCESS, "mkdir_nested");
    CHECK_STATUS(put_file("C:\\disk\\hello.txt", hello, sizeof hello - 1), STATUS_SUCCESS,
                 "write_hello");
    CHECK_STATUS(put_file("C:\\disk\\Nested Directory\\A Long File Name.txt", "nested\r\n", 8),
                 STATUS_SUCCESS, "write_long_name");
    /* 200 KiB of a pattern in pieces of 64 KiB: several cache write-backs. */
    CHECK_STATUS(open_path("C:\\disk\\pattern.bin", RW, DORMER_FILE_CREATE, 0, &h),
                 STATUS_SUCCESS, "create_pattern");
    dormer_status_t st = STATUS_SUCCESS;
    for (uint64_t off = 0; off < PATTERN_BYTES && NT_SUCCESS(st); off += sizeof chunk) {
        uint64_t n = PATTERN_BYTES - off < sizeof chunk ? PATTERN_BYTES - off : sizeof chunk;
        fill_pattern(chunk, off, n);
        st = write_all(h, chunk, n);
    }
    CHECK_STATUS(st, STATUS_SUCCESS, "write_pattern");
    CHECK_STATUS(DmFlushBuffersFile(h), STATUS_SUCCESS, "flush_pattern");
    NtClose(h);
    /* A rename and a delete the host must see. */
    CHECK_STATUS(put_file("C:\\disk\\old name.txt", "renamed\r\n", 9), STATUS_SUCCESS,
                 "write_to_rename");
    CHECK_STATUS(open_path("C:\\disk\\old name.txt", DORMER_DELETE | DORMER_GENERIC_READ,
                           DORMER_FILE_OPEN, 0, &h), STATUS_SUCCESS, "open_to_rename");
    static const char new_name[] = "C:\\disk\\new name.txt";
    struct {
        struct dormer_file_rename r;
        uint16_t more[40];
    } ren;
    memset(&ren, 0, sizeof ren);
    ren.r.chars = sizeof new_name - 1;
    for (uint32_t i = 0; i < ren.r.chars; i++)
        ren.r.name[i] = (uint8_t)new_name[i];
    CHECK_STATUS(DmSetInformationFile(h, DORMER_FILE_RENAME_INFO, &ren, sizeof ren),
                 STATUS_SUCCESS, "rename");
    NtClose(h);
    CHECK_STATUS(put_file("C:\\disk\\gone.txt", "x", 1), STATUS_SUCCESS, "write_to_delete");
    CHECK_STATUS(remove_path("C:\\disk\\gone.txt"), STATUS_SUCCESS, "delete");
    /* The boot files stay visible, read-only, whatever the disk holds. */
    uint64_t len;
    CHECK_STATUS(get_file("C:\\Windows\\System32\\t_disk.exe", chunk, 2, &len), STATUS_SUCCESS,
                 "system32_read");
    CHECK(len == 2 && chunk[0] == 'M' && chunk[1] == 'Z', "system32_is_pe");
    CHECK_STATUS(open_path("C:\\Windows\\System32\\t_disk.exe", RW, DORMER_FILE_OPEN, 0, NULL),
                 STATUS_ACCESS_DENIED, "system32_not_writable");
}

static void mode_check(void)
{
    uint64_t len;
    static uint8_t want[PATTERN_BYTES], got[PATTERN_BYTES + 1];

    CHECK_STATUS(get_file("C:\\disk\\hello.txt", got, sizeof got, &len), STATUS_SUCCESS,
                 "read_hello");
    CHECK(len == 27 && memcmp(got, "Hello from Dormer's disk!\r\n", 27) == 0, "hello_content");
    CHECK_STATUS(get_file("C:\\disk\\NESTED DIRECTORY\\a long file name.TXT", got, sizeof got,
                          &len), STATUS_SUCCESS, "read_long_name_any_case");
    CHECK(len == 8 && memcmp(got, "nested\r\n", 8) == 0, "long_name_content");
    CHECK_STATUS(get_file("C:\\disk\\pattern.bin", got, sizeof got, &len), STATUS_SUCCESS,
                 "read_pattern");
    fill_pattern(want, 0, PATTERN_BYTES);
    CHECK(len == PATTERN_BYTES && memcmp(got, want, PATTERN_BYTES) == 0, "pattern_content");
    CHECK_STATUS(get_file("C:\\disk\\new name.txt", got, sizeof got, &len), STATUS_SUCCESS,
                 "read_renamed");
    CHECK_STATUS(get_file("C:\\disk\\old name.txt", got, sizeof got, &len),
                 STATUS_OBJECT_NAME_NOT_FOUND, "old_name_gone");
    CHECK_STATUS(get_file("C:\\disk\\gone.txt", got, sizeof got, &len),
                 STATUS_OBJECT_NAME_NOT_FOUND, "deleted_stays_deleted");
    CHECK_STATUS(put_file("C:\\disk\\second.txt", "second boot\r\n", 13), STATUS_SUCCESS,
                 "write_second");
}

static void mode_big(void)
{
    dormer_handle_t h;
    dormer_status_t st = open_path("C:\\big.bin", RW, DORMER_FILE_OVERWRITE_IF, 0, &h);

    CHECK_STATUS(st, STATUS_SUCCESS, "create_big");
    for (uint64_t off = 0; NT_SUCCESS(st); off += sizeof chunk) {
        fill_pattern(chunk, off, sizeof chunk);
        st = write_all(h, chunk, sizeof chunk);
        if ((off + sizeof chunk) % (1024 * 1024) == 0)
            uprintf("big: %llu MiB written\n", (unsigned long long)((off + sizeof chunk) >> 20));
    }
    /* The volume filled up before the power cut came: that is a status too. */
    CHECK_STATUS(st, STATUS_DISK_FULL, "big_until_full");
    NtClose(h);
}

static void mode_ro(void)
{
    uint64_t len;
    dormer_handle_t h;

    CHECK_STATUS(get_file("C:\\disk\\hello.txt", chunk, sizeof chunk, &len), STATUS_SUCCESS,
                 "ro_read");
    CHECK(len == 27, "ro_read_content");
    CHECK_STATUS(put_file("C:\\disk\\new.txt", "x", 1), STATUS_MEDIA_WRITE_PROTECTED,
                 "ro_create");
    CHECK_STATUS(open_path("C:\\disk\\hello.txt", RW, DORMER_FILE_OPEN, 0, &h),
                 STATUS_MEDIA_WRITE_PROTECTED, "ro_open_for_write");
    CHECK_STATUS(remove_path("C:\\disk\\hello.txt"), STATUS_MEDIA_WRITE_PROTECTED, "ro_delete");
    CHECK_STATUS(make_dir("C:\\disk\\d"), STATUS_MEDIA_WRITE_PROTECTED, "ro_mkdir");
    CHECK_STATUS(get_file("C:\\Windows\\System32\\t_disk.exe", chunk, 2, &len), STATUS_SUCCESS,
                 "ro_system32_read");
}

static void mode_corrupt(void)
{
    static const char *const files[] = { "C:\\bad\\loop.bin", "C:\\bad\\outside.bin",
                                         "C:\\bad\\good.txt" };
    uint64_t len;
    dormer_handle_t h;
    struct dormer_find_data fd;

    for (int i = 0; i < 3; i++) {
        dormer_status_t st = get_file(files[i], chunk, sizeof chunk, &len);
        uprintf("corrupt: %s: status 0x%08x, %llu bytes\n", files[i], (uint32_t)st,
                (unsigned long long)len);
    }
    dormer_status_t st = open_path("C:\\bad\\selfdir", DORMER_FILE_READ_DATA, DORMER_FILE_OPEN,
                                   DORMER_FILE_DIRECTORY_FILE, &h);
    int entries = 0;
    if (NT_SUCCESS(st)) {
        st = DmQueryDirectoryFile(h, &fd, NULL, 0, 1);
        while (st == STATUS_SUCCESS && entries < 100) {
            entries++;
            st = DmQueryDirectoryFile(h, &fd, NULL, 0, 0);
        }
        NtClose(h);
    }
    uprintf("corrupt: C:\\bad\\selfdir: listing ended with status 0x%08x after %d entries\n",
            (uint32_t)st, entries);
    CHECK(entries < 100, "selfdir_listing_ends");
    CHECK_STATUS(get_file("C:\\bad\\good.txt", chunk, sizeof chunk, &len), STATUS_SUCCESS,
                 "good_file_still_reads");
}

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi)::"memory");
    return (uint64_t)hi << 32 | lo;
}

static void mode_speed(void)
{
    const uint64_t total = 16ull << 20;
    dormer_handle_t h;
    uint64_t done = 0;
    dormer_status_t st = open_path("C:\\speed.bin", RW, DORMER_FILE_OVERWRITE_IF, 0, &h);

    CHECK_STATUS(st, STATUS_SUCCESS, "create_speed");
    fill_pattern(chunk, 0, sizeof chunk);
    uint64_t t0 = rdtsc();
    for (uint64_t off = 0; off < total && NT_SUCCESS(st); off += sizeof chunk)
        st = write_all(h, chunk, sizeof chunk);
    if (NT_SUCCESS(st))
        st = DmFlushBuffersFile(h);
    uint64_t t1 = rdtsc();
    CHECK_STATUS(st, STATUS_SUCCESS, "write_speed");
    int64_t zero = 0;
    st = DmReadFile(h, chunk, sizeof chunk, &zero, &done);
    uint64_t got = done;
    while (NT_SUCCESS(st) && done)
        st = DmReadFile(h, chunk, sizeof chunk, NULL, &done), got += done;
    uint64_t t2 = rdtsc();
    CHECK(got == total, "read_speed");
    NtClose(h);
    CHECK_STATUS(remove_path("C:\\speed.bin"), STATUS_SUCCESS, "remove_speed");
    uprintf("fat32_seq_write_cycles_per_kib=%llu\n", (unsigned long long)((t1 - t0) / (total >> 10)));
    uprintf("fat32_seq_read_cycles_per_kib=%llu\n", (unsigned long long)((t2 - t1) / (total >> 10)));
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";

    if (strcmp(mode, "write") == 0)
        mode_write();
    else if (strcmp(mode, "check") == 0)
        mode_check();
    else if (strcmp(mode, "big") == 0)
        mode_big();
    else if (strcmp(mode, "ro") == 0)
        mode_ro();
    else if (strcmp(mode, "corrupt") == 0)
        mode_corrupt();
    else if (strcmp(mode, "speed") == 0)
        mode_speed();
    else
        CHECK(0, "usage: t_disk.exe write|check|big|ro|corrupt|speed");
    return ulib_check_summary();
}
