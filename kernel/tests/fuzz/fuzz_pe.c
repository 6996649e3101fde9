/*
 * libFuzzer harness for the PE loader's pure code (loader/pe.c, pe_symbols.c,
 * pe_unwind.c). Input: a whole PE file. Whatever pe_parse_into accepts is laid out as an
 * image, relocated to another base, its imports walked and bound by a resolver that
 * always succeeds, its exports, TLS directory and unwind data read, and a few addresses
 * symbolized. It traps when an accepted image breaks a promise of <loader/pe.h>: a
 * section outside the image, raw data to load outside the file, sections out of order.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lib/errno.h>
#include <loader/pe.h>

#define FUZZ_MAX_IMAGE (16u << 20) /* lay out at most 16 MiB: larger images parse only */

static int any_dll(void *ctx, const char *dll)
{
    (void)ctx;
    (void)dll;
    return 0;
}

static int any_resolve(void *ctx, const char *dll, const char *name, uint16_t hint,
                       uint32_t ordinal, uint64_t *addr)
{
    (void)ctx;
    (void)dll;
    (void)name;
    (void)hint;
    (void)ordinal;
    *addr = 0x7ff000001000ull;
    return 0;
}

static int read_stack(void *ctx, uint64_t addr, uint64_t *value)
{
    (void)ctx;
    *value = addr ^ 0x5a5a5a5a5a5a5a5aull; /* any stack: the walk must stay bounded */
    return 0;
}

static void check_layout(const struct pe_image *pe, size_t size)
{
    uint64_t prev_end = 0;

    if (pe->size_of_image == 0 || pe->size_of_image > PE_MAX_IMAGE_SIZE ||
        pe->size_of_headers > pe->size_of_image || pe->size_of_headers > size)
        __builtin_trap();
    if (pe->base_outside && !pe_relocatable(pe))
        __builtin_trap();
    for (uint32_t i = 0; i < pe->num_sections; i++) {
        const struct pe_section *s = &pe->sections[i];
        uint64_t end = (uint64_t)s->rva + s->vsize;
        if (end > pe->size_of_image || s->rva < prev_end || s->load_size > s->vsize ||
            (uint64_t)s->raw_off + s->load_size > size)
            __builtin_trap();
        if (pe_section_at(pe, s->rva) != s)
            __builtin_trap();
        prev_end = end;
    }
}

static void exercise(const uint8_t *file, size_t size, const struct pe_image *pe)
{
    char err[160], name[32];
    uint32_t rva, off;
    struct pe_tls tls;

    uint8_t *img = malloc(pe->size_of_image);
    if (img == NULL)
        return;
    pe_copy_image(file, pe, img);
    uint64_t base = 0x10000000ull;
    if (pe_apply_relocations(img, pe->size_of_image, pe, base, err, sizeof(err)) != 0)
        base = pe->image_base;
    pe_import_dll_names(img, pe->size_of_image, pe, any_dll, NULL);
    pe_resolve_imports(img, pe->size_of_image, pe, any_resolve, NULL, err, sizeof(err));
    pe_find_export_by_name(img, pe->size_of_image, pe, "main", 0, &rva);
    pe_find_export_by_ordinal(img, pe->size_of_image, pe, 1, &rva);
    pe_export_dll_name(img, pe->size_of_image, pe);
    pe_tls_info(img, pe->size_of_image, pe, base, &tls);
    for (uint32_t i = 0; i < 8 && i < pe->num_sections; i++) {
        uint32_t at = pe->sections[i].rva + pe->sections[i].vsize / 2;
        pe_symbolize(file, size, pe, at, name, sizeof(name), &off);
        struct pe_unwind_regs r = { .rip = pe->image_base + at };
        r.gpr[4] = 0x100000;
        for (int step = 0; step < 4; step++) {
            if (pe_unwind_step(file, size, pe, pe->image_base, &r, read_stack, NULL) != 0)
                break;
        }
    }
    free(img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct pe_image pe;
    char err[160];
    uint32_t n = pe_section_count(data, size); /* <= 65535: bounded */
    struct pe_section *room = n > PE_INLINE_SECTIONS ? calloc(n, sizeof(*room)) : NULL;

    int rc = pe_parse_into(data, size, &pe, room, room != NULL ? n : 0, err, sizeof(err));
    if (rc == 0) {
        check_layout(&pe, size);
        if (pe.size_of_image <= FUZZ_MAX_IMAGE)
            exercise(data, size, &pe);
    } else if ((rc != K_ENOEXEC && rc != K_ENOSPC) || err[0] == '\0') {
        __builtin_trap(); /* every refusal is K_ENOEXEC with its one line */
    }
    free(room);
    return 0;
}
