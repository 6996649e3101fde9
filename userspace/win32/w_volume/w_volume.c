/*
 * w_volume: volumes as a stock program sees them: kernel32's GetLogicalDrives,
 * GetDriveType, GetVolumeInformation and GetDiskFreeSpace(Ex), and ntdll's
 * NtQueryVolumeInformationFile (linked with -lntdll), with every status and error
 * printed. Sizes, labels and serials differ from machine to machine, so the program
 * prints what must hold between them (the same volume seen by each call), not their
 * values. Its expected output is Wine's.
 */
#include <windows.h>
#include <winternl.h>
#include <stddef.h>
#include <stdio.h>

#define FILE_DEVICE_IS_MOUNTED 0x20 /* <ddk/wdm.h> has it, but does not go with <windows.h> */

static void show(const char *what, BOOL ok)
{
    printf("%-46s ok=%d error=%lu\n", what, ok ? 1 : 0, ok ? 0 : GetLastError());
}

static NTSTATUS query(HANDLE h, void *buf, ULONG len, int cls, ULONG_PTR *info)
{
    IO_STATUS_BLOCK io = { .Information = 0xdead };
    NTSTATUS st = NtQueryVolumeInformationFile(h, &io, buf, len, (FS_INFORMATION_CLASS)cls);
    *info = io.Information;
    return st;
}

static void ntquery(HANDLE dir, DWORD serial, ULONGLONG total)
{
    union {
        FILE_FS_VOLUME_INFORMATION vol;
        FILE_FS_SIZE_INFORMATION size;
        FILE_FS_FULL_SIZE_INFORMATION full;
        FILE_FS_DEVICE_INFORMATION dev;
        FILE_FS_ATTRIBUTE_INFORMATION attr;
        char raw[512];
    } u;
    ULONG_PTR info;
    NTSTATUS st;

    st = query(dir, &u, sizeof u, FileFsVolumeInformation, &info);
    printf("volume: status 0x%08lx, information matches %d, serial matches %d\n",
           (unsigned long)st, info == offsetof(FILE_FS_VOLUME_INFORMATION, VolumeLabel) +
                                         u.vol.VolumeLabelLength,
           u.vol.VolumeSerialNumber == serial);
    st = query(dir, &u, 8, FileFsVolumeInformation, &info);
    printf("volume, 8 bytes: status 0x%08lx\n", (unsigned long)st);
    st = query(dir, &u, sizeof u, FileFsSizeInformation, &info);
    printf("size: status 0x%08lx, information %lu, total matches %d, free <= total %d\n",
           (unsigned long)st, (unsigned long)info,
           (ULONGLONG)u.size.TotalAllocationUnits.QuadPart * u.size.SectorsPerAllocationUnit *
                   u.size.BytesPerSector == total,
           u.size.AvailableAllocationUnits.QuadPart <= u.size.TotalAllocationUnits.QuadPart);
    st = query(dir, &u, sizeof u, FileFsFullSizeInformation, &info);
    printf("full size: status 0x%08lx, information %lu, caller <= actual %d, sector %d\n",
           (unsigned long)st, (unsigned long)info,
           u.full.CallerAvailableAllocationUnits.QuadPart <=
               u.full.ActualAvailableAllocationUnits.QuadPart,
           u.full.BytesPerSector >= 512);
    st = query(dir, &u, sizeof u, FileFsDeviceInformation, &info);
    /* The type is the volume's device (Windows: FILE_DEVICE_DISK; Wine says DISK_FILE_SYSTEM). */
    printf("device: status 0x%08lx, information %lu, mounted %d\n", (unsigned long)st,
           (unsigned long)info, (u.dev.Characteristics & FILE_DEVICE_IS_MOUNTED) != 0);
    st = query(dir, &u, sizeof u, FileFsAttributeInformation, &info);
    printf("attribute: status 0x%08lx, information matches %d, max component %lu, "
           "case preserved %d\n",
           (unsigned long)st, info == offsetof(FILE_FS_ATTRIBUTE_INFORMATION, FileSystemName) +
                                         u.attr.FileSystemNameLength,
           u.attr.MaximumComponentNameLength,
           (u.attr.FileSystemAttributes & FILE_CASE_PRESERVED_NAMES) != 0);
    st = query(dir, &u, sizeof(FILE_FS_ATTRIBUTE_INFORMATION), FileFsAttributeInformation,
               &info);
    printf("attribute, name cut: information %lu\n", (unsigned long)info);
    st = query(dir, &u, 8, FileFsAttributeInformation, &info);
    printf("attribute, 8 bytes: status 0x%08lx\n", (unsigned long)st);
    st = query(dir, &u, sizeof u, 0, &info);
    printf("class 0: status 0x%08lx\n", (unsigned long)st);
    st = query(dir, &u, sizeof u, 99, &info);
    printf("class 99: status 0x%08lx\n", (unsigned long)st);
    st = query((HANDLE)(ULONG_PTR)0x1230, &u, sizeof u, FileFsSizeInformation, &info);
    printf("bad handle: status 0x%08lx\n", (unsigned long)st);
}

int main(void)
{
    char label[64], fs[64];
    DWORD serial = 0, maxc = 0, flags = 0, spc = 0, bps = 0, nfree = 0, ntotal = 0;
    ULARGE_INTEGER avail, total, tfree;
    BOOL ok;

    printf("GetLogicalDrives has C: %d\n", (GetLogicalDrives() & 4) != 0);
    UINT t = GetDriveTypeA("C:\\");
    printf("GetDriveTypeA(C:\\) fixed or RAM disk %d\n", t == DRIVE_FIXED || t == DRIVE_RAMDISK);
    printf("GetDriveTypeA(C:) the same %d\n", GetDriveTypeA("C:") == t);
    printf("GetDriveTypeW(C:\\) the same %d\n", GetDriveTypeW(L"C:\\") == t);
    printf("GetDriveTypeA(Q:\\) %u\n", GetDriveTypeA("Q:\\"));

    ok = GetVolumeInformationA("C:\\", label, sizeof label, &serial, &maxc, &flags, fs, sizeof fs);
    show("GetVolumeInformationA(C:\\)", ok);
    printf("  max component %lu, case preserved %d, has a name %d\n", maxc,
           (flags & FILE_CASE_PRESERVED_NAMES) != 0, fs[0] != 0);
    WCHAR wlabel[64], wfs[64];
    DWORD wserial = 0;
    ok = GetVolumeInformationW(L"C:\\", wlabel, 64, &wserial, NULL, NULL, wfs, 64);
    show("GetVolumeInformationW(C:\\)", ok);
    printf("  same serial %d\n", wserial == serial);
    show("GetVolumeInformationA(NULL)",
         GetVolumeInformationA(NULL, NULL, 0, NULL, NULL, NULL, NULL, 0));
    show("GetVolumeInformationA(C:)",
         GetVolumeInformationA("C:", NULL, 0, NULL, NULL, NULL, NULL, 0));
    show("GetVolumeInformationA(C:\\Windows)",
         GetVolumeInformationA("C:\\Windows", NULL, 0, NULL, NULL, NULL, NULL, 0));

    ok = GetDiskFreeSpaceExA("C:\\", &avail, &total, &tfree);
    show("GetDiskFreeSpaceExA(C:\\)", ok);
    printf("  total > 0 %d, free <= total %d, available <= free %d\n", total.QuadPart > 0,
           tfree.QuadPart <= total.QuadPart, avail.QuadPart <= tfree.QuadPart);
    ok = GetDiskFreeSpaceA("C:\\", &spc, &bps, &nfree, &ntotal);
    show("GetDiskFreeSpaceA(C:\\)", ok);
    printf("  sector >= 512 %d, cluster >= sector %d, clusters fit total %d\n", bps >= 512,
           spc >= 1, (ULONGLONG)ntotal * spc * bps <= total.QuadPart);
    ULARGE_INTEGER t2;
    show("GetDiskFreeSpaceExA(NULL)", GetDiskFreeSpaceExA(NULL, NULL, &t2, NULL));
    show("GetDiskFreeSpaceExW(C:\\Windows)", GetDiskFreeSpaceExW(L"C:\\Windows", NULL, &t2, NULL));
    printf("  same total %d\n", t2.QuadPart == total.QuadPart);
    show("GetDiskFreeSpaceExA(Q:\\)", GetDiskFreeSpaceExA("Q:\\", NULL, &t2, NULL));
    show("GetDiskFreeSpaceExA(C:\\nosuch\\)", GetDiskFreeSpaceExA("C:\\nosuch\\", NULL, &t2, NULL));
    show("CreateDirectoryA(C:\\w_volume)", CreateDirectoryA("C:\\w_volume", NULL));
    HANDLE f = CreateFileA("C:\\w_volume\\f.txt", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    show("CreateFileA(f.txt)", f != INVALID_HANDLE_VALUE);
    CloseHandle(f);
    show("GetDiskFreeSpaceExA(a file)", GetDiskFreeSpaceExA("C:\\w_volume\\f.txt", NULL, &t2, NULL));
    show("GetDiskFreeSpaceA(a file)", GetDiskFreeSpaceA("C:\\w_volume\\f.txt", &spc, &bps, &nfree,
                                                        &ntotal));
    DeleteFileA("C:\\w_volume\\f.txt");
    RemoveDirectoryA("C:\\w_volume");

    HANDLE dir = CreateFileA("C:\\", 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                             NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    show("CreateFileA(C:\\, backup semantics)", dir != INVALID_HANDLE_VALUE);
    ntquery(dir, serial, total.QuadPart);
    CloseHandle(dir);
    return 0;
}
