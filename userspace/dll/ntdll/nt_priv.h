/*
 * What ntdll's Windows-prototype files share: Dormer's native API first (with
 * DORMER_WITH_WINTERNL, so NtClose comes from winternl.h), then mingw's Windows headers.
 */
#ifndef NT_PRIV_H
#define NT_PRIV_H

#define DORMER_WITH_WINTERNL
#include <dormer.h>
#include <windows.h>
#include <winternl.h>
#include <dormer_nt.h>

#include <stddef.h>

/* On each definition: the export list is the objects' .drectve sections. */
#define NT_EXPORT __declspec(dllexport)

#define STATUS_EAS_NOT_SUPPORTED ((NTSTATUS)0xC000004F)

/* The longest path Dormer takes (UTF-16 units), and room for one in DOS form. The buffer
 * also serves as a struct dormer_file_name (4 bytes of header), hence the extra units. */
#define NT_PATH_MAX 32767u
struct nt_path {
    ULONG chars;
    uint16_t buf[NT_PATH_MAX + 2];
};

/* The DOS path ("C:\a\b") that an OBJECT_ATTRIBUTES names: "\??\C:\..." or a name relative
 * to its RootDirectory. Returns the NTSTATUS Windows gives for a name it cannot open. */
NTSTATUS nt_dos_path(const OBJECT_ATTRIBUTES *oa, struct nt_path *out);

#endif
