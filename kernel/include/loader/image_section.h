/*
 * Image sections: what every process that loads the same boot file shares, after
 * Windows' image section objects. A section holds the file's parse (done once per
 * boot: boot files never change) and, once the image has been loaded at its
 * preferred base with every DLL it imports at theirs, a prepared view: the loaded
 * pages (imports bound) and their protections. Later loads map the view's read-only
 * pages shared and copy its writable ones, instead of parsing, copying from the file,
 * binding imports and protecting section by section.
 *
 * Sections live as long as the kernel. Their frames are counted apart
 * (image_section_frames) so that leak checks can tell them from a leak.
 *
 * Lock order: the section table's lock is a leaf (nothing is taken under it).
 */
#ifndef LOADER_IMAGE_SECTION_H
#define LOADER_IMAGE_SECTION_H

#include <fs/bootfs.h>
#include <loader/pe.h>
#include <mm/vmm.h>
#include <stdbool.h>
#include <stddef.h>

/* DLLs one prepared image may import from (a process holds at most 16 images). */
#define IMAGE_SECTION_MAX_DEPS 16

struct image_section {
    const struct bootfs_file *file;
    struct pe_image pe;              /* immutable once the section is published */
    struct pe_section *extra_sections; /* pe.sections when there are more than
                                          PE_INLINE_SECTIONS, else NULL */
    bool is_private;                 /* one image's own (a file-system file): never in
                                        the table, never prepared */

    /* The prepared view: set once, before `prepared` is (then immutable). */
    bool prepared;
    size_t pages;                    /* size_of_image in pages */
    paddr_t *frames;                 /* page contents; 0: a zero page */
    struct vm_view_run *runs;        /* protections, in page order */
    size_t run_count;
    struct image_section *deps[IMAGE_SECTION_MAX_DEPS]; /* the DLLs its imports were bound
                                                         * to, each at its preferred base */
    size_t dep_count;

    uint32_t startup_rva;            /* ntdll's: its start-up routine, once a load has
                                        looked it up (0: not yet); atomic */

    struct image_section *next;      /* in the section table */
};

/*
 * The section of a boot file, parsed on first use. NULL if the file is not a valid
 * PE32+ image (reason gets the parser's one-line reason) or memory ran out.
 */
struct image_section *image_section_get(const struct bootfs_file *f, char *reason,
                                        size_t reason_len);

/*
 * A section of its own for a file that is not a boot file (read from the file system:
 * it may change, so it is parsed at every load and never shared). NULL as above. The
 * image that loaded it frees it with image_section_free_private, before the file.
 */
struct image_section *image_section_private(const struct bootfs_file *f, char *reason,
                                            size_t reason_len);
/* Free a private section (does nothing for a shared one or NULL). */
void image_section_free_private(struct image_section *sec);

/* Room image_section_runs needs: each section adds at most a gap and itself. */
#define IMAGE_SECTION_MAX_RUNS(pe) (2 * (size_t)(pe)->num_sections + 1)

/*
 * The protection runs of an image as the loader gives them: every page readable, each
 * section's pages with the section's protection (a page two sections share takes the
 * later one's); a flat image is one read-write-execute run. runs has room for IMAGE_SECTION_MAX_RUNS(pe); returns how many.
 */
size_t image_section_runs(const struct pe_image *pe, struct vm_view_run *runs);

/*
 * Prepare the view of sec from its image just loaded into `space` at its preferred
 * base, with imports bound to deps (each loaded at its preferred base). Only before
 * the image's own code has run. Does nothing if the section is already prepared; a
 * failure (out of memory) leaves it unprepared, which only costs speed.
 */
void image_section_prepare(struct image_section *sec, vmm_space_t *space,
                           struct image_section *const *deps, size_t dep_count);

/* Frames held by prepared views, all sections. */
uint64_t image_section_frames(void);

#endif
