/*
 * The native file calls' ABI (DmCreateFile .. DmQueryAttributesFile, syscalls 35-45):
 * access rights, share modes, dispositions, options, attributes and the information
 * structures, with Windows' numeric values wherever Windows has one. Shared by the
 * kernel (LP64) and mingw user code (LLP64): fixed-width types only, layouts pinned.
 * Names carry a DORMER_ prefix so user code may include <windows.h> beside this.
 */
#ifndef ABI_FILE_H
#define ABI_FILE_H

#include <stddef.h>
#include <stdint.h>

/* Access rights (dormer_create_file.access). Generic rights map as on NT:
 * GENERIC_READ = READ_DATA | READ_ATTRIBUTES, GENERIC_WRITE = WRITE_DATA | APPEND_DATA |
 * WRITE_ATTRIBUTES, GENERIC_EXECUTE = EXECUTE | READ_ATTRIBUTES, GENERIC_ALL = all. */
#define DORMER_GENERIC_READ          0x80000000u
#define DORMER_GENERIC_WRITE         0x40000000u
#define DORMER_GENERIC_EXECUTE       0x20000000u
#define DORMER_GENERIC_ALL           0x10000000u
#define DORMER_FILE_READ_DATA        0x00000001u /* also FILE_LIST_DIRECTORY */
#define DORMER_FILE_WRITE_DATA       0x00000002u /* also FILE_ADD_FILE */
#define DORMER_FILE_APPEND_DATA      0x00000004u /* alone: every write goes to the end */
#define DORMER_FILE_EXECUTE          0x00000020u
#define DORMER_FILE_READ_ATTRIBUTES  0x00000080u
#define DORMER_FILE_WRITE_ATTRIBUTES 0x00000100u
#define DORMER_DELETE                0x00010000u
#define DORMER_SYNCHRONIZE           0x00100000u /* accepted, means nothing here */

/* Share modes: what other opens of the same file may do meanwhile. */
#define DORMER_FILE_SHARE_READ   1u
#define DORMER_FILE_SHARE_WRITE  2u
#define DORMER_FILE_SHARE_DELETE 4u

/* Dispositions (NT values). */
#define DORMER_FILE_SUPERSEDE    0u /* replace if it exists, else create */
#define DORMER_FILE_OPEN         1u /* open; fail if missing */
#define DORMER_FILE_CREATE       2u /* create; fail if it exists */
#define DORMER_FILE_OPEN_IF      3u /* open, or create if missing */
#define DORMER_FILE_OVERWRITE    4u /* open and truncate; fail if missing */
#define DORMER_FILE_OVERWRITE_IF 5u /* open and truncate, or create */

/* Options. */
#define DORMER_FILE_DIRECTORY_FILE     0x00000001u /* must be (or create) a directory */
#define DORMER_FILE_WRITE_THROUGH      0x00000002u /* accepted: RAM C:\ has no cache */
#define DORMER_FILE_NON_DIRECTORY_FILE 0x00000040u /* must not be a directory */
#define DORMER_FILE_DELETE_ON_CLOSE    0x00001000u /* delete when this handle closes */

/* Action (dormer_create_file.action, out). */
#define DORMER_FILE_SUPERSEDED  0u
#define DORMER_FILE_OPENED      1u
#define DORMER_FILE_CREATED     2u
#define DORMER_FILE_OVERWRITTEN 3u

/* Attributes (Windows FILE_ATTRIBUTE_* values). */
#define DORMER_FILE_ATTRIBUTE_READONLY  0x01u
#define DORMER_FILE_ATTRIBUTE_HIDDEN    0x02u
#define DORMER_FILE_ATTRIBUTE_SYSTEM    0x04u
#define DORMER_FILE_ATTRIBUTE_DIRECTORY 0x10u
#define DORMER_FILE_ATTRIBUTE_ARCHIVE   0x20u
#define DORMER_FILE_ATTRIBUTE_NORMAL    0x80u /* alone: none of the others */

/* DmCreateFile's in/out block. */
struct dormer_create_file {
    uint32_t access;      /*  0: DORMER_GENERIC_* / DORMER_FILE_* rights */
    uint32_t share;       /*  4: DORMER_FILE_SHARE_* */
    uint32_t disposition; /*  8: DORMER_FILE_SUPERSEDE .. _OVERWRITE_IF */
    uint32_t options;     /* 12: DORMER_FILE_*_FILE, _WRITE_THROUGH, _DELETE_ON_CLOSE */
    uint32_t attributes;  /* 16: for a new file (READONLY, HIDDEN, SYSTEM, ARCHIVE) */
    uint32_t action;      /* 20: out: DORMER_FILE_SUPERSEDED .. _OVERWRITTEN */
};
_Static_assert(sizeof(struct dormer_create_file) == 24, "dormer_create_file layout");

/* Information classes of DmQueryInformationFile / DmSetInformationFile. */
#define DORMER_FILE_BASIC_INFO       1 /* query, set: struct dormer_file_basic */
#define DORMER_FILE_STANDARD_INFO    2 /* query: struct dormer_file_standard */
#define DORMER_FILE_POSITION_INFO    3 /* query, set: struct dormer_file_position */
#define DORMER_FILE_END_OF_FILE_INFO 4 /* set: struct dormer_file_end_of_file */
#define DORMER_FILE_DISPOSITION_INFO 5 /* set: struct dormer_file_disposition */
#define DORMER_FILE_RENAME_INFO      6 /* set: struct dormer_file_rename */
#define DORMER_FILE_NAME_INFO        7 /* query: struct dormer_file_name */
#define DORMER_FILE_TYPE_INFO        8 /* query: struct dormer_file_type */

/* Times are FILETIME values: 100 ns units since 1601-01-01 UTC. In a set, 0 (or -1)
 * leaves a time unchanged, and attributes 0 leave the attributes unchanged. */
struct dormer_file_basic {
    int64_t creation;    /*  0 */
    int64_t last_access; /*  8 */
    int64_t last_write;  /* 16 */
    int64_t change;      /* 24 */
    uint32_t attributes; /* 32: DORMER_FILE_ATTRIBUTE_* */
    uint32_t pad;        /* 36 */
};
_Static_assert(sizeof(struct dormer_file_basic) == 40, "dormer_file_basic layout");

struct dormer_file_standard {
    uint64_t allocation;    /*  0: bytes the file system holds for it */
    uint64_t end_of_file;   /*  8: its size */
    uint32_t links;         /* 16: 1, 0 once delete-pending */
    uint8_t delete_pending; /* 20 */
    uint8_t directory;      /* 21 */
    uint8_t pad[2];         /* 22 */
};
_Static_assert(sizeof(struct dormer_file_standard) == 24, "dormer_file_standard layout");

struct dormer_file_position {
    int64_t position; /* 0 */
};
_Static_assert(sizeof(struct dormer_file_position) == 8, "dormer_file_position layout");

struct dormer_file_end_of_file {
    uint64_t end_of_file; /* 0 */
};
_Static_assert(sizeof(struct dormer_file_end_of_file) == 8, "dormer_file_end_of_file layout");

struct dormer_file_disposition {
    uint8_t delete_file; /* 0: 1 deletes once the last handle closes, 0 cancels that */
    uint8_t pad[7];      /* 1 */
};
_Static_assert(sizeof(struct dormer_file_disposition) == 8, "dormer_file_disposition layout");

/* The new name: a path in any form DmCreateFile takes; same volume only
 * (STATUS_NOT_SAME_DEVICE). size must cover name[chars]. */
struct dormer_file_rename {
    uint8_t replace;  /* 0: refuse, 1: replace an existing file of that name */
    uint8_t pad[3];   /* 1 */
    uint32_t chars;   /* 4: UTF-16 units in name */
    uint16_t name[];  /* 8 */
};
_Static_assert(sizeof(struct dormer_file_rename) == 8, "dormer_file_rename layout");

/* The full path "C:\dir\name". STATUS_BUFFER_OVERFLOW (chars set, name filled as far
 * as it fits) when it does not fit; no NUL. */
struct dormer_file_name {
    uint32_t chars;  /* 0 */
    uint16_t name[]; /* 4 */
};
_Static_assert(sizeof(struct dormer_file_name) == 4, "dormer_file_name layout");

#define DORMER_FILE_TYPE_DISK 1u /* Windows FILE_TYPE_* values */
#define DORMER_FILE_TYPE_CHAR 2u
#define DORMER_FILE_TYPE_PIPE 3u

struct dormer_file_type {
    uint32_t type; /* 0: DORMER_FILE_TYPE_* */
    uint32_t pad;  /* 4 */
};
_Static_assert(sizeof(struct dormer_file_type) == 8, "dormer_file_type layout");

/* One directory entry (DmQueryDirectoryFile): the shape of WIN32_FIND_DATAW's fields. */
struct dormer_find_data {
    uint32_t attributes;     /*   0 */
    uint32_t pad;            /*   4 */
    int64_t creation;        /*   8 */
    int64_t last_access;     /*  16 */
    int64_t last_write;      /*  24 */
    uint64_t size;           /*  32 */
    uint16_t name[260];      /*  40: NUL-terminated */
    uint16_t short_name[14]; /* 560: NUL-terminated 8.3 alias; empty when there is none */
};
_Static_assert(sizeof(struct dormer_find_data) == 592, "dormer_find_data layout");

/*
 * DmQueryDirectoryEntries: as many entries as fit in the caller's buffer, each at an
 * 8-byte aligned offset, chained by next (bytes from this entry to the following one;
 * 0 on the last). Windows' FILE_BOTH_DIR_INFORMATION in Dormer's shape.
 */
struct dormer_dir_info {
    uint32_t next;           /*  0 */
    uint32_t attributes;     /*  4 */
    int64_t creation;        /*  8 */
    int64_t last_access;     /* 16 */
    int64_t last_write;      /* 24 */
    uint64_t size;           /* 32 */
    uint16_t name_chars;     /* 40: units of name, no NUL */
    uint16_t short_chars;    /* 42: units of short_name (0: no 8.3 alias) */
    uint16_t short_name[12]; /* 44: no NUL */
    uint16_t name[];         /* 68 */
};
_Static_assert(sizeof(struct dormer_dir_info) == 72, "dormer_dir_info layout");
_Static_assert(offsetof(struct dormer_dir_info, name) == 68, "dormer_dir_info name");

/* The largest entry: a 255-unit name, aligned. Buffers this size always take one. */
#define DORMER_DIR_INFO_MAX ((offsetof(struct dormer_dir_info, name) + 255 * 2 + 7) & ~7ull)

/* DmQueryDirectoryEntries' query (NULL: every entry, continuing). */
struct dormer_dir_query {
    uint64_t pattern;        /*  0: const uint16_t * (0: all) */
    uint32_t pattern_chars;  /*  8 */
    uint32_t flags;          /* 12: DORMER_DIR_* */
};
_Static_assert(sizeof(struct dormer_dir_query) == 16, "dormer_dir_query layout");

#define DORMER_DIR_RESTART 1u /* from the first entry (and this pattern) */
#define DORMER_DIR_SINGLE  2u /* at most one entry */
/* Bits 8-15: the entries' layout. 0: struct dormer_dir_info; otherwise Windows'
 * FILE_INFORMATION_CLASS of a directory record, written in Windows' own layout (for
 * ntdll's NtQueryDirectoryFile): an entry fits when its name does (no padding needed
 * after the last), and a first entry whose name does not fit is written as far as it
 * goes, taken, and reported with STATUS_BUFFER_OVERFLOW. */
#define DORMER_DIR_FORMAT_SHIFT 8
#define DORMER_DIR_FORMAT_MASK  (0xffu << DORMER_DIR_FORMAT_SHIFT)
#define DORMER_DIR_NT_DIRECTORY 1u  /* FileDirectoryInformation: name at 64 */
#define DORMER_DIR_NT_FULL      2u  /* FileFullDirectoryInformation: name at 68 */
#define DORMER_DIR_NT_BOTH      3u  /* FileBothDirectoryInformation: name at 94 */
#define DORMER_DIR_NT_NAMES     12u /* FileNamesInformation: name at 12 */

/*
 * DmQueryVolumeInformation: the volume a file or directory handle lives on, in the
 * units Windows' FileFsSizeInformation uses (allocation units of sectors_per_unit
 * sectors of bytes_per_sector bytes). FAT32: its clusters, the BPB's label and serial;
 * RAM C:\: 4 KiB pages, total what it holds plus what it could still get.
 */
struct dormer_volume_info {
    uint64_t total_units;      /*   0 */
    uint64_t free_units;       /*   8: for the caller (no quotas: all free units) */
    uint32_t sectors_per_unit; /*  16 */
    uint32_t bytes_per_sector; /*  20 */
    uint32_t serial;           /*  24: volume serial number */
    uint32_t fs_attributes;    /*  28: Windows FILE_* file-system flags (CASE_PRESERVED_NAMES, ...) */
    uint32_t max_component;    /*  32: longest name, in units */
    uint32_t device_type;      /*  36: Windows FILE_DEVICE_* (DISK, VIRTUAL_DISK) */
    uint32_t characteristics;  /*  40: Windows FILE_* device characteristics (READ_ONLY_DEVICE) */
    uint16_t label_chars;      /*  44: units of label */
    uint16_t fs_name_chars;    /*  46: units of fs_name */
    int64_t creation;          /*  48: FILETIME the volume was made (0: not known) */
    uint16_t label[32];        /*  56: no NUL */
    uint16_t fs_name[16];      /* 120: "FAT32", "RAMFS"; no NUL */
};
_Static_assert(sizeof(struct dormer_volume_info) == 152, "dormer_volume_info layout");

#define DORMER_FS_CASE_PRESERVED_NAMES 0x00000002u /* Windows' FILE_* flag values */
#define DORMER_FS_UNICODE_ON_DISK      0x00000004u
#define DORMER_FS_READ_ONLY_VOLUME     0x00080000u
#define DORMER_FILE_DEVICE_DISK        7u    /* FAT32 C:\ */
#define DORMER_FILE_DEVICE_VIRTUAL_DISK 0x24u /* RAM C:\ */
#define DORMER_FILE_READ_ONLY_DEVICE   0x00000002u
#define DORMER_FILE_DEVICE_IS_MOUNTED  0x00000020u

/* DmReadFile / DmWriteFile special offsets (Windows' values): write at the end of the
 * file, or at the handle's position as if the offset were NULL. */
#define DORMER_FILE_WRITE_TO_END_OF_FILE ((int64_t)-1)
#define DORMER_FILE_USE_FILE_POINTER     ((int64_t)-2)

#endif
