/*
 * t_volume: DmQueryVolumeInformation on C:\, RAM or FAT32: the sizes are plausible and
 * agree from a directory and a file handle; writing a file of 40 units and a bit takes
 * 41 units of free space (FAT32: exactly 41 clusters; RAM: at least 41 pages, as the
 * kernel may take frames meanwhile) and deleting it gives them back; bad arguments get
 * their statuses. Prints the label and serial (the disk test compares them with the
 * image's). Works in C:\t_volume. Exit 0 when all pass.
 */
#include <dormer.h>

#define SHARE_ALL (DORMER_FILE_SHARE_READ | DORMER_FILE_SHARE_WRITE | DORMER_FILE_SHARE_DELETE)
#define UNITS 40

static uint8_t chunk[4096];

static dormer_status_t create(const char *ascii, uint32_t options, dormer_handle_t *h)
{
    uint16_t path[64];
    uint64_t n = 0;
    struct dormer_create_file a = { DORMER_GENERIC_READ | DORMER_GENERIC_WRITE | DORMER_DELETE,
                                    SHARE_ALL, DORMER_FILE_CREATE, options, 0, 0 };

    for (; ascii[n] && n < 64; n++)
        path[n] = (uint8_t)ascii[n];
    return DmCreateFile(h, path, n, &a);
}

static void remove_handle(dormer_handle_t h)
{
    struct dormer_file_disposition d = { 1, { 0 } };

    DmSetInformationFile(h, DORMER_FILE_DISPOSITION_INFO, &d, sizeof d);
    NtClose(h);
}

static uint64_t free_units(dormer_handle_t h)
{
    struct dormer_volume_info v;

    memset(&v, 0, sizeof v);
    DmQueryVolumeInformation(h, &v, sizeof v);
    return v.free_units;
}

int main(void)
{
    struct dormer_volume_info v, vf;
    dormer_handle_t d = 0, f = 0, r = 0, w = 0;
    char label[40], fs[20];

    CHECK_STATUS(create("C:\\t_volume", DORMER_FILE_DIRECTORY_FILE, &d), STATUS_SUCCESS,
                 "mkdir_work_dir");
    memset(&v, 0xee, sizeof v);
    CHECK_STATUS(DmQueryVolumeInformation(d, &v, sizeof v), STATUS_SUCCESS, "query_directory");
    uint64_t unit = (uint64_t)v.sectors_per_unit * v.bytes_per_sector;
    CHECK(v.bytes_per_sector == 512 && v.sectors_per_unit >= 1 && unit <= 65536,
          "units_plausible");
    CHECK(v.total_units > 0 && v.free_units <= v.total_units, "free_within_total");
    CHECK(v.max_component == 255 && v.device_type != 0 && v.fs_name_chars > 0 &&
              v.fs_name_chars <= 16 && v.label_chars <= 32,
          "names_and_device");
    CHECK(v.fs_attributes & DORMER_FS_CASE_PRESERVED_NAMES, "case_preserved");
    size_t i;
    for (i = 0; i < v.label_chars && i + 1 < sizeof label; i++)
        label[i] = (char)v.label[i];
    label[i] = '\0';
    for (i = 0; i < v.fs_name_chars && i + 1 < sizeof fs; i++)
        fs[i] = (char)v.fs_name[i];
    fs[i] = '\0';
    int fat = strcmp(fs, "FAT32") == 0;
    CHECK(fat || strcmp(fs, "RAMFS") == 0, "file_system_name");
    uprintf("t_volume: %s, label \"%s\", serial %04X-%04X, %llu units of %llu bytes, %llu free\n",
            fs, label, (unsigned)(v.serial >> 16), (unsigned)(v.serial & 0xffff),
            (unsigned long long)v.total_units, (unsigned long long)unit,
            (unsigned long long)v.free_units);

    /* The file is created (its directory entry made) before the first count. */
    CHECK_STATUS(create("C:\\t_volume\\big.bin", 0, &f), STATUS_SUCCESS, "create_file");
    memset(&vf, 0, sizeof vf);
    CHECK_STATUS(DmQueryVolumeInformation(f, &vf, sizeof vf), STATUS_SUCCESS, "query_file");
    CHECK(vf.serial == v.serial && vf.total_units == v.total_units &&
              vf.sectors_per_unit == v.sectors_per_unit,
          "file_and_directory_agree");
    uint64_t before = free_units(f), size = UNITS * unit + 100, done = 0, left = size;
    memset(chunk, 'v', sizeof chunk);
    while (left > 0) {
        uint64_t n = left < sizeof chunk ? left : sizeof chunk;
        if (!NT_SUCCESS(DmWriteFile(f, chunk, n, NULL, &done)) || done != n)
            break;
        left -= n;
    }
    CHECK(left == 0, "write_file");
    DmFlushBuffersFile(f);
    uint64_t after = free_units(d);
    ulib_check(fat ? before - after == UNITS + 1 : before - after >= UNITS + 1 &&
                                                       before > after,
               "free_drops_by_the_file", "%llu units free before, %llu after",
               (unsigned long long)before, (unsigned long long)after);
    remove_handle(f);
    uint64_t back = free_units(d);
    ulib_check(fat ? back == before : back >= after + UNITS + 1, "delete_gives_it_back",
               "%llu units free after the write, %llu after the delete",
               (unsigned long long)after, (unsigned long long)back);

    CHECK_STATUS(DmQueryVolumeInformation(d, &v, sizeof v - 1), STATUS_INFO_LENGTH_MISMATCH,
                 "short_buffer");
    CHECK_STATUS(DmQueryVolumeInformation(d, (struct dormer_volume_info *)8, sizeof v),
                 STATUS_ACCESS_VIOLATION, "bad_pointer");
    CHECK_STATUS(DmQueryVolumeInformation(d, (struct dormer_volume_info *)0xffff800000001000ull,
                                          sizeof v),
                 STATUS_ACCESS_VIOLATION, "kernel_pointer");
    CHECK_STATUS(DmQueryVolumeInformation(0x1230, &v, sizeof v), STATUS_INVALID_HANDLE,
                 "bogus_handle");
    DmCreatePipe(&r, &w);
    CHECK_STATUS(DmQueryVolumeInformation(r, &v, sizeof v), STATUS_OBJECT_TYPE_MISMATCH, "pipe");
    CHECK_STATUS(DmQueryVolumeInformation(DORMER_CURRENT_PROCESS, &v, sizeof v),
                 STATUS_OBJECT_TYPE_MISMATCH, "process_handle");
    NtClose(r);
    NtClose(w);
    remove_handle(d);
    return ulib_check_summary();
}
