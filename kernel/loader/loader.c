/*
 * The PE loader: maps an image from the boot file system into the active user
 * space, at its preferred base when that is free (else anywhere, relocated), loads
 * the DLLs it imports first (each once per process), binds its imports, and only
 * then gives each section its final protection (never writable and executable).
 * Every step that can fail names the file and the reason in one line.
 */
#include <arch/uaccess.h>
#include <core/printk.h>
#include <fs/bootfs.h>
#include <lib/errno.h>
#include <lib/fmt.h>
#include <lib/string.h>
#include <proc/process.h>

static bool force_relocate;

void loader_set_force_relocate(bool on)
{
    force_relocate = on;
}

static struct loaded_image *find_loaded(struct process *p, const char *name)
{
    for (size_t i = 0; i < p->image_count; i++) {
        if (strcasecmp(p->images[i].name, name) == 0)
            return &p->images[i];
    }
    return NULL;
}

static unsigned vm_prot(unsigned pe_prot)
{
    unsigned prot = VM_READ;

    if (pe_prot & PE_PROT_W)
        prot |= VM_WRITE;
    if (pe_prot & PE_PROT_X)
        prot |= VM_EXEC;
    return prot;
}

/* Reserve and commit the image's range; fills img->base. */
static int place_image(struct process *p, struct loaded_image *img, char *err, size_t errlen)
{
    const struct pe_image *pe = &img->pe;
    vaddr_t base = pe->image_base;
    bool movable = pe_relocatable(pe);
    int rc = K_EEXIST;

    if (!(force_relocate && movable))
        rc = vmm_reserve(p->space, &base, pe->size_of_image, 0, 0);
    if (rc) {
        if (!movable) {
            fmt_snprintf(err, errlen, "%s: cannot be loaded at 0x%llx and %s", img->name,
                         (unsigned long long)pe->image_base,
                         "image cannot be relocated (relocations stripped)");
            return K_ENOEXEC;
        }
        base = 0;
        rc = vmm_reserve(p->space, &base, pe->size_of_image, 0, 0);
    }
    if (!rc)
        rc = vmm_commit(p->space, base, pe->size_of_image, VM_READ | VM_WRITE);
    if (rc) {
        fmt_snprintf(err, errlen, "%s: no room for %u bytes of image", img->name,
                     pe->size_of_image);
        return rc;
    }
    img->base = base;
    img->size = pe->size_of_image;
    return 0;
}

/* Put len bytes of the file at va: page by page straight into fresh frames where the
 * range starts on a page (each page written once), else through the copy routine. */
static int place_bytes(struct process *p, uint64_t va, const uint8_t *src, size_t len)
{
    if (va & (PAGE_SIZE - 1))
        return copy_to_user(uptr(va), src, len);
    for (size_t off = 0; off < len; off += PAGE_SIZE) {
        size_t n = len - off < PAGE_SIZE ? len - off : PAGE_SIZE;
        int rc = vmm_fill_page(p->space, va + off, src + off, n);
        if (rc == K_EEXIST)
            rc = copy_to_user(uptr(va + off), src + off, n);
        if (rc)
            return rc;
    }
    return 0;
}

static int copy_sections(struct process *p, const struct loaded_image *img)
{
    const struct pe_image *pe = &img->pe;
    int rc = place_bytes(p, img->base, img->file, pe->size_of_headers);

    for (uint32_t i = 0; !rc && i < pe->num_sections; i++) {
        const struct pe_section *s = &pe->sections[i];
        if (s->load_size)
            rc = place_bytes(p, img->base + s->rva, img->file + s->raw_off, s->load_size);
    }
    return rc; /* the rest of each section is zero (filled, or demand-zero pages) */
}

static int protect_sections(struct process *p, const struct loaded_image *img)
{
    const struct pe_image *pe = &img->pe;
    int rc = vmm_protect(p->space, img->base, img->size, VM_READ, NULL);

    for (uint32_t i = 0; !rc && i < pe->num_sections; i++) {
        const struct pe_section *s = &pe->sections[i];
        uint64_t start = (img->base + s->rva) & ~(uint64_t)(PAGE_SIZE - 1);
        uint64_t end = (img->base + s->rva + s->vsize + PAGE_SIZE - 1) &
                       ~(uint64_t)(PAGE_SIZE - 1);
        if (end > img->base + img->size)
            end = img->base + img->size;
        if (end > start && s->prot != PE_PROT_R)
            rc = vmm_protect(p->space, start, end - start, vm_prot(s->prot), NULL);
    }
    return rc;
}

struct import_ctx {
    struct process *p;
    const char *importer;
    char *err;
    size_t errlen;
    int depth;
};

static struct loaded_image *load_image(struct process *p, const char *name, char *err,
                                       size_t errlen, int depth);

static int load_dependency(void *arg, const char *dll)
{
    struct import_ctx *c = arg;
    struct loaded_image *dep = find_loaded(c->p, dll);

    if (dep && !dep->ready) {
        fmt_snprintf(c->err, c->errlen, "%s: circular dependency: it imports %s, which is "
                     "still being loaded", c->importer, dep->name);
        return K_ENOEXEC;
    }
    if (dep)
        return 0;
    return load_image(c->p, dll, c->err, c->errlen, c->depth + 1) ? 0 : K_ENOENT;
}

static int resolve_import(void *arg, const char *dll, const char *name, uint16_t hint,
                          uint32_t ordinal, uint64_t *addr)
{
    struct import_ctx *c = arg;
    struct loaded_image *dep = find_loaded(c->p, dll);
    uint32_t rva;

    if (!dep)
        return K_ENOENT;
    const uint8_t *image = (const uint8_t *)dep->base;
    int rc = name ? pe_find_export_by_name(image, dep->size, &dep->pe, name, hint, &rva)
                  : pe_find_export_by_ordinal(image, dep->size, &dep->pe, ordinal, &rva);
    if (rc == K_ENOSYS)
        return K_ENOSYS; /* forwarders: not followed yet */
    if (rc)
        return K_ENOENT;
    *addr = dep->base + rva;
    return 0;
}

static struct loaded_image *load_image(struct process *p, const char *name, char *err,
                                       size_t errlen, int depth)
{
    char reason[160];

    if (depth > 16) {
        fmt_snprintf(err, errlen, "%s: DLLs nested too deeply", name);
        return NULL;
    }
    const struct bootfs_file *f = bootfs_find(name);
    if (!f) {
        fmt_snprintf(err, errlen, "%s: file not found", name);
        return NULL;
    }
    if (p->image_count == PROCESS_MAX_IMAGES) {
        fmt_snprintf(err, errlen, "%s: too many images in one process", f->name);
        return NULL;
    }
    struct loaded_image *img = &p->images[p->image_count++];
    memset(img, 0, sizeof *img);
    strlcpy(img->name, f->name, sizeof img->name);
    img->file = f->data;
    img->file_size = f->size;
    if (pe_parse(f->data, f->size, &img->pe, reason, sizeof reason) != 0) {
        fmt_snprintf(err, errlen, "%s: %s", f->name, reason);
        return NULL;
    }
    if (place_image(p, img, err, errlen) != 0 || copy_sections(p, img) != 0)
        goto fail;

    uint64_t access = arch_user_access_begin();
    uint8_t *image = (uint8_t *)img->base;
    if (img->base != img->pe.image_base &&
        pe_apply_relocations(image, img->size, &img->pe, img->base, reason, sizeof reason)) {
        arch_user_access_end(access);
        fmt_snprintf(err, errlen, "%s: %s", f->name, reason);
        return NULL;
    }
    struct import_ctx ctx = { p, f->name, err, errlen, depth };
    int rc = pe_import_dll_names(image, img->size, &img->pe, load_dependency, &ctx);
    if (rc == K_ENOEXEC && err[0] == '\0')
        fmt_snprintf(err, errlen, "%s: malformed import directory", f->name);
    if (!rc && pe_resolve_imports(image, img->size, &img->pe, resolve_import, &ctx, reason,
                                  sizeof reason) != 0) {
        fmt_snprintf(err, errlen, "%s: %s", f->name, reason);
        rc = K_ENOENT;
    }
    arch_user_access_end(access);
    if (rc)
        return NULL;
    if (protect_sections(p, img) != 0) {
        fmt_snprintf(err, errlen, "%s: cannot protect its sections", f->name);
        return NULL;
    }
    img->ready = true;
    pr_debug("loader: %s at 0x%llx (%s)\n", img->name, (unsigned long long)img->base,
             img->base == img->pe.image_base ? "preferred base" : "relocated");
    return img;
fail:
    if (err[0] == '\0')
        fmt_snprintf(err, errlen, "%s: cannot map the image", f->name);
    return NULL;
}

struct loaded_image *loader_load_image(struct process *p, const char *name, char *err,
                                       size_t errlen)
{
    if (errlen)
        err[0] = '\0';
    return load_image(p, name, err, errlen, 0);
}
