/*
 * ntdll's NtQueryVolumeInformationFile, Windows' prototype, over DmQueryVolumeInformation
 * (one call that answers every class). Fixed parts below the class's structure size are
 * STATUS_INFO_LENGTH_MISMATCH; a label or file-system name that does not fit is copied as
 * far as it goes with STATUS_BUFFER_OVERFLOW (its length field says what was copied, and
 * Information counts the bytes written), as Windows' FAT driver does.
 */
#include "nt_priv.h"

/* The variable tail: as much of src (chars units) as fits in room bytes at dst. */
static ULONG copy_tail(WCHAR *dst, ULONG room, const uint16_t *src, ULONG chars)
{
    ULONG bytes = chars * sizeof(WCHAR);

    if (bytes > room)
        bytes = room & ~1u;
    memcpy(dst, src, bytes);
    return bytes;
}

static ULONG class_size(FS_INFORMATION_CLASS cls)
{
    switch ((int)cls) {
    case FileFsVolumeInformation: return sizeof(FILE_FS_VOLUME_INFORMATION);
    case FileFsSizeInformation: return sizeof(FILE_FS_SIZE_INFORMATION);
    case FileFsDeviceInformation: return sizeof(FILE_FS_DEVICE_INFORMATION);
    case FileFsAttributeInformation: return sizeof(FILE_FS_ATTRIBUTE_INFORMATION);
    case FileFsFullSizeInformation: return sizeof(FILE_FS_FULL_SIZE_INFORMATION);
    default: return 0;
    }
}

NT_EXPORT NTSTATUS NTAPI NtQueryVolumeInformationFile(HANDLE hFile, PIO_STATUS_BLOCK io,
                                                      PVOID ptr, ULONG len,
                                                      FS_INFORMATION_CLASS cls)
{
    struct dormer_volume_info v;
    ULONG need = class_size(cls), info = 0, room;
    NTSTATUS st;

    /* Any other class, known (label: set only; control, object id, ...) or not, is
     * STATUS_INVALID_PARAMETER, as Wine gives for class 0 and past the last. */
    if (need == 0)
        return STATUS_INVALID_PARAMETER;
    if (len < need)
        return STATUS_INFO_LENGTH_MISMATCH;
    if (!io || !ptr)
        return STATUS_ACCESS_VIOLATION;
    st = DmQueryVolumeInformation((dormer_handle_t)(uintptr_t)hFile, &v, sizeof v);
    if (st == STATUS_OBJECT_TYPE_MISMATCH)
        st = STATUS_INVALID_HANDLE;
    if (!NT_SUCCESS(st))
        return st;
    FILE_FS_FULL_SIZE_INFORMATION full;
    full.TotalAllocationUnits.QuadPart = (LONGLONG)v.total_units;
    full.CallerAvailableAllocationUnits.QuadPart = (LONGLONG)v.free_units; /* no quotas */
    full.ActualAvailableAllocationUnits.QuadPart = (LONGLONG)v.free_units;
    full.SectorsPerAllocationUnit = v.sectors_per_unit;
    full.BytesPerSector = v.bytes_per_sector;
    switch ((int)cls) {
    case FileFsVolumeInformation: {
        FILE_FS_VOLUME_INFORMATION *o = ptr;
        o->VolumeCreationTime.QuadPart = v.creation;
        o->VolumeSerialNumber = v.serial;
        o->SupportsObjects = FALSE;
        room = len - (ULONG)offsetof(FILE_FS_VOLUME_INFORMATION, VolumeLabel);
        o->VolumeLabelLength = copy_tail(o->VolumeLabel, room, v.label, v.label_chars);
        if (o->VolumeLabelLength < v.label_chars * sizeof(WCHAR))
            st = STATUS_BUFFER_OVERFLOW;
        info = (ULONG)offsetof(FILE_FS_VOLUME_INFORMATION, VolumeLabel) + o->VolumeLabelLength;
        break;
    }
    case FileFsSizeInformation: {
        FILE_FS_SIZE_INFORMATION *o = ptr;
        o->TotalAllocationUnits = full.TotalAllocationUnits;
        o->AvailableAllocationUnits = full.CallerAvailableAllocationUnits;
        o->SectorsPerAllocationUnit = full.SectorsPerAllocationUnit;
        o->BytesPerSector = full.BytesPerSector;
        info = sizeof *o;
        break;
    }
    case FileFsFullSizeInformation:
        *(FILE_FS_FULL_SIZE_INFORMATION *)ptr = full;
        info = sizeof full;
        break;
    case FileFsDeviceInformation: {
        FILE_FS_DEVICE_INFORMATION *o = ptr;
        o->DeviceType = v.device_type;
        o->Characteristics = v.characteristics;
        info = sizeof *o;
        break;
    }
    default: { /* FileFsAttributeInformation */
        FILE_FS_ATTRIBUTE_INFORMATION *o = ptr;
        o->FileSystemAttributes = v.fs_attributes;
        o->MaximumComponentNameLength = v.max_component;
        room = len - (ULONG)offsetof(FILE_FS_ATTRIBUTE_INFORMATION, FileSystemName);
        o->FileSystemNameLength = copy_tail(o->FileSystemName, room, v.fs_name,
                                            v.fs_name_chars);
        if (o->FileSystemNameLength < v.fs_name_chars * sizeof(WCHAR))
            st = STATUS_BUFFER_OVERFLOW;
        info = (ULONG)offsetof(FILE_FS_ATTRIBUTE_INFORMATION, FileSystemName) +
               o->FileSystemNameLength;
        break;
    }
    }
    io->Status = st;
    io->Information = info;
    return st;
}
