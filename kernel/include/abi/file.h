/*
 * The native file calls' shared structures and values (DmCreateFile and friends), laid
 * out with fixed-width types for the LP64 kernel and LLP64 user code alike. Values are
 * Windows' own wherever Windows has one, with DORMER_ prefixes so they never clash
 * with windows.h in user code.
 */
#ifndef ABI_FILE_H
#define ABI_FILE_H

#include <stdint.h>

/* Access rights (dormer_create_file.access). */
#define DORMER_GENERIC_READ          0x80000000u
#define DORMER_GENERIC_WRITE         0x40000000u
#define DORMER_GENERIC_ALL           0x10000000u
#define DORMER_FILE_READ_DATA        0x00000001u
#define DORMER_FILE_WRITE_DATA       0x00000002u
#define DORMER_FILE_APPEND_DATA      0x00000004u
#define DORMER_FILE_READ_ATTRIBUTES  0x00000080u
#define DORMER_FILE_WRITE_ATTRIBUTES 0x00000100u
#define DORMER_DELETE                0x00010000u

/* Sharing. */
#define DORMER_FILE_SHARE_READ   1u
#define DORMER_FILE_SHARE_WRITE  2u
#define DORMER_FILE_SHARE_DELETE 4u

/* Dispositions (NT's values). */
#define DORMER_FILE_SUPERSEDE    0u
#define DORMER_FILE_OPEN         1u
#define DORMER_FILE_CREATE       2u
#define DORMER_FILE_OPEN_IF      3u
#define DORMER_FILE_OVERWRITE    4u
#define DORMER_FILE_OVERWRITE_IF 5u

/* Options. */
#define DORMER_FILE_DIRECTORY_FILE     0x0001u
#define DORMER_FILE_WRITE_THROUGH      0x0002u
#define DORMER_FILE_NON_DIRECTORY_FILE 0x0040u
#define DORMER_FILE_DELETE_ON_CLOSE    0x1000u

/* What DmCreateFile did (dormer_create_file.action). */
#define DORMER_FILE_SUPERSEDED  0u
#define DORMER_FILE_OPENED      1u
#define DORMER_FILE_CREATED     2u
#define DORMER_FILE_OVERWRITTEN 3u

/* Attributes (Windows' FILE_ATTRIBUTE_* values). */
#define DORMER_FILE_ATTRIBUTE_READONLY  0x01u
#define DORMER_FILE_ATTRIBUTE_HIDDEN    0x02u
#define DORMER_FILE_ATTRIBUTE_SYSTEM    0x04u
#define DORMER_FILE_ATTRIBUTE_DIRECTORY 0x10u
#define DORMER_FILE_ATTRIBUTE_ARCHIVE   0x20u
#define DORMER_FILE_ATTRIBUTE_NORMAL    0x80u

struct dormer_create_file {
    uint32_t access, share, disposition, options, attributes;
    uint32_t action; /* out */
};
_Static_assert(sizeof(struct dormer_create_file) == 24, "dormer_create_file layout");

/* Information classes of DmQueryInformationFile / DmSetInformationFile. */
#define DORMER_FILE_BASIC_INFO       1 /* query, set */
#define DORMER_FILE_STANDARD_INFO    2 /* query */
#define DORMER_FILE_POSITION_INFO    3 /* query, set */
#define DORMER_FILE_END_OF_FILE_INFO 4 /* set */
#define DORMER_FILE_DISPOSITION_INFO 5 /* set */
#define DORMER_FILE_RENAME_INFO      6 /* set */
#define DORMER_FILE_NAME_INFO        7 /* query */
#define DORMER_FILE_TYPE_INFO        8 /* query */

/* Times are FILETIME values (100 ns since 1601-01-01 UTC); 0 in a set leaves one as it is. */
struct dormer_file_basic {
    int64_t creation, last_access, last_write, change;
    uint32_t attributes, pad;
};
_Static_assert(sizeof(struct dormer_file_basic) == 40, "dormer_file_basic layout");

struct dormer_file_standard {
    uint64_t allocation, end_of_file;
    uint32_t links;
    uint8_t delete_pending, directory, pad[2];
};
_Static_assert(sizeof(struct dormer_file_standard) == 24, "dormer_file_standard layout");

struct dormer_file_position {
    int64_t position;
};

struct dormer_file_end_of_file {
    uint64_t end_of_file;
};

struct dormer_file_disposition {
    uint8_t delete_file, pad[7];
};

/* The new path, in any form a path may take; the same volume only. */
struct dormer_file_rename {
    uint8_t replace, pad[3];
    uint32_t chars;
    uint16_t name[];
};

/* The full path "C:\dir\name". */
struct dormer_file_name {
    uint32_t chars;
    uint16_t name[];
};

#define DORMER_FILE_TYPE_DISK 1u
#define DORMER_FILE_TYPE_CHAR 2u
#define DORMER_FILE_TYPE_PIPE 3u

struct dormer_file_type {
    uint32_t type, pad;
};

struct dormer_find_data {
    uint32_t attributes, pad;
    int64_t creation, last_access, last_write;
    uint64_t size;
    uint16_t name[260];
    uint16_t short_name[14];
};
_Static_assert(sizeof(struct dormer_find_data) == 8 + 24 + 8 + 520 + 28 + 4,
               "dormer_find_data layout");

#endif
