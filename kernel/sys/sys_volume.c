/*
 * DmQueryVolumeInformation (140): what the volume a file or directory handle lives on
 * says of itself, in the shape of Windows' FileFsVolume/Size/Attribute/Device classes
 * together (ntdll's NtQueryVolumeInformationFile picks from it). The file system
 * answers under the vfs lock; the user copy happens after.
 */
#include <abi/file.h>
#include <arch/uaccess.h>
#include <fs/vfs.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <proc/process.h>
#include <sys/syscall.h>

#include "sys_io.h"

#define SECTOR_BYTES 512u

static void volume_to_abi(const struct vfs_volume *v, struct dormer_volume_info *out)
{
    memset(out, 0, sizeof *out);
    out->total_units = v->total_units;
    out->free_units = v->free_units;
    out->bytes_per_sector = SECTOR_BYTES;
    out->sectors_per_unit = v->unit_bytes / SECTOR_BYTES;
    out->serial = v->serial;
    out->fs_attributes = DORMER_FS_CASE_PRESERVED_NAMES | DORMER_FS_UNICODE_ON_DISK |
                         (v->read_only ? DORMER_FS_READ_ONLY_VOLUME : 0);
    out->max_component = VFS_NAME_MAX;
    out->device_type = v->in_memory ? DORMER_FILE_DEVICE_VIRTUAL_DISK : DORMER_FILE_DEVICE_DISK;
    out->characteristics = DORMER_FILE_DEVICE_IS_MOUNTED |
                           (v->read_only ? DORMER_FILE_READ_ONLY_DEVICE : 0);
    size_t n = v->label_len < VFS_LABEL_MAX ? v->label_len : VFS_LABEL_MAX;
    memcpy(out->label, v->label, n * sizeof out->label[0]);
    out->label_chars = (uint16_t)n;
    for (n = 0; v->fs_name[n] && n < sizeof out->fs_name / sizeof out->fs_name[0]; n++)
        out->fs_name[n] = (uint8_t)v->fs_name[n];
    out->fs_name_chars = (uint16_t)n;
}

dormer_status_t sys_DmQueryVolumeInformation(const uint64_t *args)
{
    struct kobject *obj = handle_lookup(process_current(), args[0], NULL);
    struct dormer_volume_info info;
    struct vfs_volume v;
    dormer_status_t st;

    if (!obj)
        return STATUS_INVALID_HANDLE;
    struct vfs_file *f = sys_vfs_file_of(obj);
    if (args[2] < sizeof info) {
        st = STATUS_INFO_LENGTH_MISMATCH;
    } else if (!uaccess_range_ok(uptr(args[1]), sizeof info)) {
        st = STATUS_ACCESS_VIOLATION;
    } else if (!f) {
        st = STATUS_OBJECT_TYPE_MISMATCH;
    } else {
        int rc = vfs_query_volume(f, &v);
        if (rc == 0) {
            volume_to_abi(&v, &info);
            rc = copy_to_user(uptr(args[1]), &info, sizeof info);
        }
        st = status_from_errno(rc);
    }
    kobj_unref(obj);
    return st;
}
