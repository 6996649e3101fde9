/*
 * Windows path rules as pure code: parsing and lexical normalization of UTF-16 paths
 * ("C:\a\b", "C:/a", "\a", "a\b", ".\a", "..\a", "C:a"), name checks, case-insensitive
 * comparison and wildcard matching. All input is hostile: every length is bounded and
 * every index checked. No locks, no heap, no globals: buffers come from the caller, so
 * host tests and the fuzzer run this file as the kernel does.
 */
#ifndef FS_PATH_H
#define FS_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PATH_MAX_CHARS 32767u /* longest path accepted, before and after normalizing */
#define PATH_MAX_NAME  255u   /* longest component */

/*
 * Normalizes in (len UTF-16 units; a NUL ends it early) against the current directory
 * cwd (a normalized path, see below) into out, which holds cap units (at least
 * PATH_MAX_CHARS + 1 to take every valid path). The result is "X:\" or "X:\a\b": the
 * drive letter upper case, backslashes, no empty, "." or ".." components (".." at the
 * root stays at the root), trailing dots and spaces of each component stripped, no
 * trailing backslash except at the root; the case of names is kept. NUL-terminated.
 * *dir_only (may be NULL) is set when the input ended in a separator (the caller then
 * accepts only a directory). A drive other than cwd's in "X:a" is taken at its root.
 * Returns the result's length, or K_EBADNAME (empty, a component over PATH_MAX_NAME, a
 * path over PATH_MAX_CHARS, a reserved character < > : " | ? * or 0x01-0x1F, a device
 * name such as CON or com1.txt), K_ESYNTAX (a UNC or device path "\\server", "\\.\",
 * or a relative path with an empty cwd), or K_ERANGE when cap is too small.
 */
long path_normalize(const uint16_t *in, size_t len, const uint16_t *cwd, size_t cwd_len,
                    uint16_t *out, size_t cap, bool *dir_only);

/*
 * Steps through the components of a normalized path: *pos starts at 0; each call sets
 * *name and *name_len to the next component and returns true, or returns false at the end.
 * The drive ("X:") is not a component.
 */
bool path_next_component(const uint16_t *path, size_t len, size_t *pos, const uint16_t **name,
                         size_t *name_len);

/* Length of the parent of a normalized path ("C:\a\b" -> 4 for "C:\a", "C:\a" -> 3 for
 * "C:\"); the root's parent is the root. *last and *last_len get the final component
 * (empty at the root). */
size_t path_split_last(const uint16_t *path, size_t len, const uint16_t **last,
                       size_t *last_len);

/* Is name (one component, before normalizing) a valid file name: 1-255 units, no
 * reserved character, not a device name, not "." or ".."? */
bool path_name_valid(const uint16_t *name, size_t len);

/* Windows-style case folding: ASCII and Latin-1 letters to upper case (0xFF to 0x178). */
uint16_t path_fold(uint16_t c);

/* Equal without regard to case (path_fold)? */
bool path_name_equal(const uint16_t *a, size_t alen, const uint16_t *b, size_t blen);

/*
 * Does name match pattern without regard to case? '*' matches any run (also empty),
 * '?' exactly one unit; "*.*" matches every name, as on Windows. An empty pattern
 * matches everything. Bounded work: O(len(pattern) * len(name)).
 */
bool path_match(const uint16_t *pattern, size_t plen, const uint16_t *name, size_t nlen);

/* Does pattern match every name ("", "*", "*.*")? Then a listing skips the matching. */
bool path_match_all(const uint16_t *pattern, size_t plen);

#endif
