/*
 * Volumes and drives: GetDiskFreeSpace(Ex), GetVolumeInformation, GetDriveType and
 * GetLogicalDrives over DmQueryVolumeInformation, which answers for the volume of an
 * open directory. A path here is any directory of the volume (NULL: the current
 * directory's drive); the W functions do the work, the A ones convert. Also
 * CreateHardLinkW, which the volumes' file systems decide.
 */
#include "k32.h"

#define FILE_DEVICE_VIRTUAL_DISK_ 0x24u
#define FILE_REMOVABLE_MEDIA_     0x01u
#define NAME_MAX_UNITS            64 /* longer than any label or file-system name */

/* The volume of the directory at path (NULL: the root of the current drive). */
static dormer_status_t query_volume(const WCHAR *path, struct dormer_volume_info *v)
{
    static const WCHAR root[] = { '\\', 0 };
    struct dormer_create_file a = { DORMER_FILE_READ_ATTRIBUTES | DORMER_SYNCHRONIZE,
                                    DORMER_FILE_SHARE_READ | DORMER_FILE_SHARE_WRITE |
                                        DORMER_FILE_SHARE_DELETE,
                                    DORMER_FILE_OPEN, DORMER_FILE_DIRECTORY_FILE, 0, 0 };
    dormer_handle_t h = 0;

    if (!path)
        path = root;
    dormer_status_t st = DmCreateFile(&h, path, k32_wcslen(path), &a);
    if (!NT_SUCCESS(st))
        return st;
    st = DmQueryVolumeInformation(h, v, sizeof *v);
    NtClose(h);
    return st;
}

BOOL WINAPI GetDiskFreeSpaceExW(LPCWSTR path, PULARGE_INTEGER avail, PULARGE_INTEGER total,
                                PULARGE_INTEGER total_free)
{
    struct dormer_volume_info v;
    dormer_status_t st = query_volume(path, &v);

    if (!NT_SUCCESS(st))
        return k32_fail(st);
    uint64_t unit = (uint64_t)v.sectors_per_unit * v.bytes_per_sector;
    if (avail)
        avail->QuadPart = v.free_units * unit;
    if (total)
        total->QuadPart = v.total_units * unit;
    if (total_free)
        total_free->QuadPart = v.free_units * unit;
    return TRUE;
}

static DWORD clamp32(uint64_t v)
{
    return v > 0xffffffffu ? 0xffffffffu : (DWORD)v;
}

BOOL WINAPI GetDiskFreeSpaceW(LPCWSTR root, LPDWORD sectors_per_cluster, LPDWORD bytes_per_sector,
                              LPDWORD free_clusters, LPDWORD total_clusters)
{
    struct dormer_volume_info v;
    dormer_status_t st = query_volume(root, &v);

    if (!NT_SUCCESS(st))
        return k32_fail(st);
    if (sectors_per_cluster)
        *sectors_per_cluster = v.sectors_per_unit;
    if (bytes_per_sector)
        *bytes_per_sector = v.bytes_per_sector;
    if (free_clusters)
        *free_clusters = clamp32(v.free_units);
    if (total_clusters)
        *total_clusters = clamp32(v.total_units);
    return TRUE;
}

/* A counted UTF-16 string into buf (size units with the NUL), cut to fit. */
static void copy_name(LPWSTR buf, DWORD size, const uint16_t *src, size_t chars)
{
    if (!buf || size == 0)
        return;
    if (chars > size - 1)
        chars = size - 1;
    memcpy(buf, src, chars * sizeof(WCHAR));
    buf[chars] = 0;
}

BOOL WINAPI GetVolumeInformationW(LPCWSTR root, LPWSTR label, DWORD label_size, LPDWORD serial,
                                  LPDWORD max_component, LPDWORD fs_flags, LPWSTR fs_name,
                                  DWORD fs_name_size)
{
    struct dormer_volume_info v;
    WCHAR drive[4] = { 0, ':', '\\', 0 };

    /* A root directory: "X:" (its root, as Wine takes it), or a path ending in a backslash. */
    if (root && root[0] && root[1] == ':' && !root[2]) {
        drive[0] = root[0];
        root = drive;
    }
    if (root && (!root[0] || root[k32_wcslen(root) - 1] != '\\')) {
        k32_set_error(ERROR_INVALID_NAME);
        return FALSE;
    }
    dormer_status_t st = query_volume(root, &v);
    if (!NT_SUCCESS(st))
        return k32_fail(st);
    copy_name(label, label_size, v.label, v.label_chars);
    copy_name(fs_name, fs_name_size, v.fs_name, v.fs_name_chars);
    if (serial)
        *serial = v.serial;
    if (max_component)
        *max_component = v.max_component;
    if (fs_flags)
        *fs_flags = v.fs_attributes;
    return TRUE;
}

UINT WINAPI GetDriveTypeW(LPCWSTR root)
{
    struct dormer_volume_info v;
    WCHAR drive[4] = { 0, ':', '\\', 0 };

    /* "X:" names the drive's root, not its current directory. */
    if (root && root[0] && root[1] == ':' && !root[2]) {
        drive[0] = root[0];
        root = drive;
    }
    if (!NT_SUCCESS(query_volume(root, &v)))
        return DRIVE_NO_ROOT_DIR;
    if (v.characteristics & FILE_REMOVABLE_MEDIA_)
        return DRIVE_REMOVABLE;
    return v.device_type == FILE_DEVICE_VIRTUAL_DISK_ ? DRIVE_RAMDISK : DRIVE_FIXED;
}

DWORD WINAPI GetLogicalDrives(void)
{
    struct dormer_file_basic b;
    uint16_t root[3] = { 0, ':', '\\' };
    DWORD mask = 0;

    for (int i = 0; i < 26; i++) {
        root[0] = (uint16_t)('A' + i);
        if (NT_SUCCESS(DmQueryAttributesFile(root, 3, &b)))
            mask |= 1u << i;
    }
    k32_set_error(ERROR_SUCCESS);
    return mask;
}

/* ---------------------------------------------------------------- A forms ---- */

/* path as UTF-16 in *w (NULL stays NULL); FALSE with the last error set. */
static BOOL wide_or_null(LPCSTR path, WCHAR **w)
{
    *w = NULL;
    return !path || (*w = k32_to_wide(path)) != NULL;
}

BOOL WINAPI GetDiskFreeSpaceExA(LPCSTR path, PULARGE_INTEGER avail, PULARGE_INTEGER total,
                                PULARGE_INTEGER total_free)
{
    WCHAR *w;

    if (!wide_or_null(path, &w))
        return FALSE;
    BOOL ok = GetDiskFreeSpaceExW(w, avail, total, total_free);
    DWORD err = GetLastError();
    k32_free(w);
    k32_set_error(err);
    return ok;
}

BOOL WINAPI GetDiskFreeSpaceA(LPCSTR root, LPDWORD sectors_per_cluster, LPDWORD bytes_per_sector,
                              LPDWORD free_clusters, LPDWORD total_clusters)
{
    WCHAR *w;

    if (!wide_or_null(root, &w))
        return FALSE;
    BOOL ok = GetDiskFreeSpaceW(w, sectors_per_cluster, bytes_per_sector, free_clusters,
                                total_clusters);
    DWORD err = GetLastError();
    k32_free(w);
    k32_set_error(err);
    return ok;
}

/* A UTF-16 name into an A caller's buffer (size bytes with the NUL), cut to fit. */
static void name_to_ansi(const WCHAR *src, LPSTR buf, DWORD size)
{
    if (!buf || size == 0)
        return;
    int n = WideCharToMultiByte(CP_ACP, 0, src, -1, buf, (int)size, NULL, NULL);
    if (n <= 0)
        buf[size - 1] = '\0';
}

BOOL WINAPI GetVolumeInformationA(LPCSTR root, LPSTR label, DWORD label_size, LPDWORD serial,
                                  LPDWORD max_component, LPDWORD fs_flags, LPSTR fs_name,
                                  DWORD fs_name_size)
{
    WCHAR *w, wlabel[NAME_MAX_UNITS], wfs[NAME_MAX_UNITS];

    if (!wide_or_null(root, &w))
        return FALSE;
    BOOL ok = GetVolumeInformationW(w, wlabel, NAME_MAX_UNITS, serial, max_component, fs_flags,
                                    wfs, NAME_MAX_UNITS);
    DWORD err = GetLastError();
    k32_free(w);
    if (ok) {
        name_to_ansi(wlabel, label, label_size);
        name_to_ansi(wfs, fs_name, fs_name_size);
    }
    k32_set_error(err);
    return ok;
}

UINT WINAPI GetDriveTypeA(LPCSTR root)
{
    WCHAR *w;

    if (!wide_or_null(root, &w))
        return DRIVE_NO_ROOT_DIR;
    UINT type = GetDriveTypeW(w);
    k32_free(w);
    return type;
}

/* Hard links need NTFS; every volume Dormer mounts is FAT32 or RAM, where Windows' file
 * system answers the link request with STATUS_INVALID_DEVICE_REQUEST: ERROR_INVALID_FUNCTION,
 * once the existing file is found (a missing one is its own error, as Windows reports). */
BOOL WINAPI CreateHardLinkW(LPCWSTR link, LPCWSTR existing, LPSECURITY_ATTRIBUTES sa)
{
    (void)sa;
    if (!link || !existing) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (GetFileAttributesW(existing) == INVALID_FILE_ATTRIBUTES)
        return FALSE;
    k32_set_error(ERROR_INVALID_FUNCTION);
    return FALSE;
}

/* ---------------------------------------------------------- volume names ---- */

/* FindFirstVolumeW's search: the drives still to name, lowest first. The handle is this
 * heap block; the tag tells a volume search from any other pointer passed in. */
#define VOLUME_FIND_TAG 0x566f6c46u /* "FloV" */
#define VOLUME_NAME_UNITS 50        /* \\?\Volume{8-4-4-4-12}\ and the NUL */

struct volume_find {
    uint32_t tag;
    uint32_t drives; /* GetLogicalDrives bits not yet returned */
};

static const char hex_digits[] = "0123456789abcdef";

/* The volume GUID path of drive letter 'A' + i: Dormer's GUID is made of the volume's
 * serial and its drive, so it is the same at every boot of the same disk. */
static void volume_name(int i, DWORD serial, WCHAR out[VOLUME_NAME_UNITS])
{
    uint8_t g[16] = { 0 };
    static const int groups[] = { 4, 2, 2, 2, 6 };
    int n = 0, b = 0;

    g[0] = (uint8_t)(serial >> 24);
    g[1] = (uint8_t)(serial >> 16);
    g[2] = (uint8_t)(serial >> 8);
    g[3] = (uint8_t)serial;
    g[4] = 'D';
    g[5] = 'm';
    g[6] = 0x40; /* a version digit, as a name-based GUID */
    g[8] = 0x80;
    g[15] = (uint8_t)('A' + i);
    for (const char *p = "\\\\?\\Volume{"; *p; p++)
        out[n++] = (WCHAR)*p;
    for (int grp = 0; grp < 5; grp++) {
        if (grp)
            out[n++] = '-';
        for (int k = 0; k < groups[grp]; k++, b++) {
            out[n++] = (WCHAR)hex_digits[g[b] >> 4];
            out[n++] = (WCHAR)hex_digits[g[b] & 15];
        }
    }
    out[n++] = '}';
    out[n++] = '\\';
    out[n] = 0;
}

/* The next mounted drive of f into buf (len units); FALSE with the last error set. */
static BOOL next_volume(struct volume_find *f, LPWSTR buf, DWORD len)
{
    WCHAR name[VOLUME_NAME_UNITS];

    for (int i = 0; i < 26; i++) {
        if (!(f->drives & (1u << i)))
            continue;
        WCHAR root[4] = { (WCHAR)('A' + i), ':', '\\', 0 };
        DWORD serial = 0;
        if (!GetVolumeInformationW(root, NULL, 0, &serial, NULL, NULL, NULL, 0)) {
            f->drives &= ~(1u << i); /* gone since the search began */
            continue;
        }
        volume_name(i, serial, name);
        size_t units = k32_wcslen(name) + 1;
        if (!buf || len < units) {
            k32_set_error(ERROR_FILENAME_EXCED_RANGE);
            return FALSE;
        }
        f->drives &= ~(1u << i);
        memcpy(buf, name, units * sizeof(WCHAR));
        return TRUE;
    }
    k32_set_error(ERROR_NO_MORE_FILES);
    return FALSE;
}

HANDLE WINAPI FindFirstVolumeW(LPWSTR buf, DWORD len)
{
    struct volume_find *f = HeapAlloc(k32_process_heap(), 0, sizeof *f);

    if (!f) {
        k32_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return INVALID_HANDLE_VALUE;
    }
    f->tag = VOLUME_FIND_TAG;
    f->drives = GetLogicalDrives();
    if (!next_volume(f, buf, len)) {
        DWORD err = GetLastError();
        f->tag = 0;
        HeapFree(k32_process_heap(), 0, f);
        k32_set_error(err);
        return INVALID_HANDLE_VALUE;
    }
    return (HANDLE)f;
}

static struct volume_find *volume_find_of(HANDLE h)
{
    struct volume_find *f = (struct volume_find *)h;

    if (!f || h == INVALID_HANDLE_VALUE || ((uintptr_t)f & 3) || f->tag != VOLUME_FIND_TAG) {
        k32_set_error(ERROR_INVALID_HANDLE);
        return NULL;
    }
    return f;
}

BOOL WINAPI FindNextVolumeW(HANDLE h, LPWSTR buf, DWORD len)
{
    struct volume_find *f = volume_find_of(h);

    return f && next_volume(f, buf, len);
}

BOOL WINAPI FindVolumeClose(HANDLE h)
{
    struct volume_find *f = volume_find_of(h);

    if (!f)
        return FALSE;
    f->tag = 0;
    HeapFree(k32_process_heap(), 0, f);
    return TRUE;
}
