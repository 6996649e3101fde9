/*
 * Finding the file of an image, as Windows' loader does in safe DLL search mode: a name
 * with a path is opened as it stands; a bare name is looked for in each directory of a
 * search list in turn (for a DLL: the program's directory, System32, the Windows
 * directory, the current directory, then what the caller adds, such as PATH). Windows'
 * known DLLs (ntdll, kernel32, msvcrt) always come from System32, whatever the list.
 *
 * A file in System32 that is a boot file is the boot file itself (shared by every
 * process through its image section); any other file is read whole from the file
 * system into a private copy that the image owns until it is unloaded.
 */
#ifndef LOADER_IMAGE_FILE_H
#define LOADER_IMAGE_FILE_H

#include <abi/peb.h>
#include <fs/bootfs.h>
#include <stdbool.h>
#include <stddef.h>

#define IMAGE_PATH_MAX    DORMER_IMAGE_PATH_CHARS /* a full path, NUL included */
#define IMAGE_FILE_MAX    (64u * 1024 * 1024) /* a file larger than this is not read */
#define IMAGE_SYSTEM_DIR  "C:\\Windows\\System32"
#define IMAGE_WINDOWS_DIR "C:\\Windows"

struct process;

struct image_file {
    const struct bootfs_file *file; /* the boot file, or `owned` */
    struct bootfs_file *owned;      /* a private copy (data kmalloc'd too), or NULL */
    char path[IMAGE_PATH_MAX];      /* its full path, as GetModuleFileName gives it */
};

/*
 * Find `name` for p: a path (it has '\', '/' or ':') is normalized against p's current
 * directory and opened; a bare name (".dll" added when it has no extension, as Windows
 * does) is tried in each directory of `search`, a ';'-separated list (empty entries
 * skipped). Returns 0 with *out filled, K_ENOENT when no directory has it, K_ENOEXEC
 * when the file is too large to be an image, K_EBADNAME, K_ENOMEM. Takes the vfs lock
 * (the caller holds none of the file-system layer's locks); thread context.
 */
int image_file_find(struct process *p, const char *name, const char *search,
                    struct image_file *out);

/* Free a private copy (a boot file needs nothing). Safe on a zeroed struct. */
void image_file_release(struct image_file *f);

/* Free a private copy given only its bootfs_file (the loaded image keeps that). */
void image_file_free_owned(struct bootfs_file *owned);

/* Is name (a bare file name) one of Windows' known DLLs, always from System32? */
bool image_file_is_known_dll(const char *name);

/* The directory part of a full path ("C:\a\b.exe" -> "C:\a"; "C:\b.exe" -> "C:\"). */
void image_file_dir_of(const char *path, char *dir, size_t cap);

/* The last component of a path (the path itself when it has no separator). */
const char *image_file_base_name(const char *path);

#endif
