/*
 * The program loader: maps PE images and the DLLs they import into a process, builds
 * what ntdll reads (PEB, process parameters, loader data), and puts a new process
 * together from a program file (loader/process_image.c). Above proc and fs.
 */
#ifndef LOADER_LOADER_H
#define LOADER_LOADER_H

#include <proc/process.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Create a process from the program `name` (a path, or a bare name looked for in the
 * directory of the caller's program, the current directory, System32 and the Windows
 * directory) with the command line `cmdline` (the whole line, program name first). On
 * failure returns NULL, writes a one-line reason (naming the file) into err and the
 * cause into *why: K_ENOENT (no such program), K_ENODLL (a DLL it imports is not
 * there), K_ENOEXEC (not a valid program), K_ENOMEM. Thread context.
 */
struct process *loader_create_process(const char *name, const char *cmdline, char *err,
                                      size_t errlen, int *why);

/* Force the loader to place images away from their preferred base (tests). */
void loader_set_force_relocate(bool on);

/*
 * Map `name` (and, recursively, the DLLs it imports) into p's space, which must be
 * active, while p is being created. Bare names are looked for in search (';'-separated
 * directories), or, when it is NULL and the program is loaded, in the program's
 * directory, System32, the Windows directory and the current directory. Returns the
 * image, or NULL with a reason in err and in *why (may be NULL): K_ENOENT (no such
 * file), K_ENODLL (a DLL it imports is not there), K_ENOEXEC, K_ENOMEM. Nothing it
 * mapped stays mapped on failure.
 */
struct loaded_image *loader_load_image(struct process *p, const char *name, const char *search,
                                       char *err, size_t errlen, int *why);

struct dormer_load_result;
/*
 * LoadLibrary's kernel half: load `name` and the DLLs it needs that are not loaded yet
 * into the running process p (the caller's; its space active), with p->loader_lock held.
 * res gets the image's slot and base and the slots of the images this call loaded, in
 * initialization order (none when it was loaded already). Errors as loader_load_image;
 * nothing stays on failure.
 */
int loader_load_dll(struct process *p, const char *name, const char *search,
                    struct dormer_load_result *res, char *err, size_t errlen);

/* Write the loader entry of slot i (its links zero) and its full path into p's loader
 * data, for an image loaded at run time (p's space active). 0 or K_EFAULT. */
int loader_publish_image(struct process *p, size_t i);

/* Unmap the image at base, loaded at run time (p->loader_lock held). K_EPERM for an
 * image loaded with the program, K_EINVAL if there is none at base. */
int loader_unload(struct process *p, uint64_t base);

/* Free the retired file copies: all of them (the process has ended), or only if no
 * fault report is reading images. */
void loader_free_retired(struct process *p, bool all);

/* The image of p loaded from the file `name` (case-insensitive), or NULL. */
struct loaded_image *loader_find_image(struct process *p, const char *name);

/* The address of an export of a loaded image (its space active), or 0. */
uint64_t loader_find_export(const struct loaded_image *img, const char *name);

#endif
