/*
 * The PE loader: maps an image from the boot file system into the active user
 * space, at its preferred base when that is free (else anywhere, relocated), loads
 * the DLLs it imports first (each once per process), binds its imports, and only
 * then gives each section its final protection: what the section asks for, even
 * writable and executable (as Windows maps it; said at loglevel=debug). Every step that
 * can fail names the file and the reason in one line.
 *
 * An image whose section has a prepared view (<loader/image_section.h>) takes the
 * short road instead: its view is mapped at the preferred base and its DLLs are
 * loaded; if any of them lands elsewhere than when the view was made, the view is
 * dropped again and the image takes the long road.
 *
 * Files are found by the DLL search order (<loader/image_file.h>). An image can also be
 * loaded into a running process (LoadLibrary) and unloaded again: images live in the
 * process's slots, a free slot has an empty name; a call that fails frees every slot it
 * filled. The file copies of unloaded images are retired, and freed only while no fault
 * report reads them (p->image_readers).
 */
#include <abi/peb.h>
#include <arch/uaccess.h>
#include <core/cmdline.h>
#include <core/init.h>
#include <core/panic.h>
#include <core/printk.h>
#include <fs/bootfs.h>
#include <lib/errno.h>
#include <lib/fmt.h>
#include <lib/string.h>
#include <loader/image_file.h>
#include <loader/image_section.h>
#include <loader/loader.h>
#include <mm/kheap.h>
#include <proc/process.h>
#include <proc/sleeplock.h>

static bool force_relocate;

void loader_set_force_relocate(bool on)
{
    force_relocate = on;
}

struct loaded_image *loader_find_image(struct process *p, const char *name)
{
    char full[BOOTFS_NAME_MAX];
    const char *base = image_file_base_name(name);

    /* "tdll" names "tdll.dll", as Windows adds the extension to a name without one. */
    size_t len = strlen(base);
    if (!strchr(base, '.') && len + 5 <= sizeof full) {
        memcpy(full, base, len);
        memcpy(full + len, ".dll", 5);
        base = full;
    }
    for (size_t i = 0; i < p->image_count; i++) {
        if (p->images[i].name[0] && strcasecmp(p->images[i].name, base) == 0)
            return &p->images[i];
    }
    return NULL;
}

/* One load: the process, where its DLLs are searched, and what it filled. */
struct load_call {
    struct process *p;
    const char *search;  /* ';'-separated directories for bare DLL names */
    char *err;
    size_t errlen;
    int why;             /* the failure: K_ENOENT (the file), K_ENODLL (a DLL it
                            imports), K_ENOEXEC, K_ENOMEM */
    uint32_t filled;     /* bit i: slot i was filled by this call */
    bool dynamic;        /* at run time (LoadLibrary): its images can be unloaded */
    bool program;        /* loading the program: search is for its own name only, its
                            DLLs are looked for in the default order from its directory */
    char dirs[3 * IMAGE_PATH_MAX]; /* the default order, when it is used */
};

static void default_search(const struct process *p, char *buf, size_t cap);

/* Fill (or, with val NULL, clear) a slot under the image lock, for fault reports. */
static void slot_set(struct process *p, struct loaded_image *img, const struct loaded_image *val)
{
    spin_lock(&p->image_lock);
    if (val)
        *img = *val;
    else
        *img = (struct loaded_image){ 0 };
    spin_unlock(&p->image_lock);
}

/* Free slot i: its mapping, its private section and file copy (retired), its place in
 * the initialization order. */
static void free_slot(struct process *p, size_t i)
{
    struct loaded_image *img = &p->images[i];

    struct loaded_image old = *img;

    if (img->base)
        vmm_release(p->space, img->base);
    slot_set(p, img, NULL);
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* cleared before the readers are counted */
    if (old.owned || (old.section && old.section->is_private)) {
        struct retired_image *r = kmalloc(sizeof *r);
        if (r) {
            *r = (struct retired_image){ .owned = old.owned, .section = old.section,
                                         .next = p->retired };
            p->retired = r;
        } else if (__atomic_load_n(&p->image_readers, __ATOMIC_SEQ_CST) == 0) {
            image_section_free_private(old.section);
            image_file_free_owned(old.owned);
        } /* else kept: lost until the process ends, never read freed */
    }
    size_t k = 0;
    for (size_t j = 0; j < p->init_count; j++) {
        if (p->init_order[j] != i)
            p->init_order[k++] = p->init_order[j];
    }
    p->init_count = k;
    while (p->image_count && !p->images[p->image_count - 1].name[0])
        p->image_count--;
}

void loader_free_retired(struct process *p, bool all)
{
    if (!all && __atomic_load_n(&p->image_readers, __ATOMIC_SEQ_CST) != 0)
        return;
    while (p->retired) {
        struct retired_image *r = p->retired;
        p->retired = r->next;
        image_section_free_private(r->section);
        image_file_free_owned(r->owned);
        kfree(r);
    }
}

/* A free slot (an empty name), or NULL when all PROCESS_MAX_IMAGES are taken. */
static struct loaded_image *alloc_slot(struct load_call *c)
{
    struct process *p = c->p;
    size_t i = 0;

    while (i < p->image_count && p->images[i].name[0])
        i++;
    if (i == PROCESS_MAX_IMAGES)
        return NULL;
    if (i == p->image_count)
        slot_set(p, &p->images[i], NULL);
    c->filled |= 1u << i;
    if (i == p->image_count)
        p->image_count++; /* after the slot is clear: readers walk up to image_count */
    return &p->images[i];
}

/* Reserve and commit the image's range; fills img->base. */
static int place_image(struct process *p, struct loaded_image *img, char *err, size_t errlen)
{
    const struct pe_image *pe = img->pe;
    vaddr_t base = pe->image_base;
    bool movable = pe_relocatable(pe);
    int rc = K_EEXIST;

    /* An image based outside user space is put anywhere, as Windows does (the parser
     * refused it if it cannot move). */
    if (!(force_relocate && movable) && !pe->base_outside)
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
    if (!rc) {
        rc = vmm_commit(p->space, base, pe->size_of_image, VM_READ | VM_WRITE);
        if (rc)
            vmm_release(p->space, base);
    }
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
    const struct pe_image *pe = img->pe;
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
    struct vm_view_run *runs = kmalloc(IMAGE_SECTION_MAX_RUNS(img->pe) * sizeof *runs);
    vaddr_t va = img->base;
    int rc = 0;

    if (!runs)
        return K_ENOMEM;
    size_t n = image_section_runs(img->pe, runs);
    for (size_t i = 0; !rc && i < n; i++) {
        if ((runs[i].prot & VM_WRITE) && (runs[i].prot & VM_EXEC))
            pr_debug("loader: %s maps 0x%llx..0x%llx writable and executable, as asked\n",
                     img->name, (unsigned long long)va,
                     (unsigned long long)(va + (vaddr_t)runs[i].pages * PAGE_SIZE));
        rc = vmm_protect(p->space, va, (size_t)runs[i].pages * PAGE_SIZE, runs[i].prot, NULL);
        va += (vaddr_t)runs[i].pages * PAGE_SIZE;
    }
    kfree(runs);
    return rc;
}

struct import_ctx {
    struct process *p;
    struct load_call *call;
    const char *importer;
    char *err;
    size_t errlen;
    int depth;
    /* The DLLs the imports come from, in order (for the prepared view). */
    struct loaded_image *deps[IMAGE_SECTION_MAX_DEPS];
    size_t dep_count;
};

static struct loaded_image *load_image(struct load_call *c, const char *name, int depth);

static int load_dependency(void *arg, const char *dll)
{
    struct import_ctx *c = arg;
    struct loaded_image *dep = loader_find_image(c->p, dll);

    if (dep && !dep->ready) {
        fmt_snprintf(c->err, c->errlen, "%s: circular dependency: it imports %s, which is "
                     "still being loaded", c->importer, dep->name);
        return K_ENOEXEC;
    }
    if (!dep) {
        /* Called inside the importer's user-access window: the nested load may sleep
         * (file-system reads) and use the copy routines, which end the window. Close it
         * around the load and open it again for the walk that goes on. */
        char name[IMAGE_PATH_MAX]; /* the name is in the image: copy it while readable */
        strlcpy(name, dll, sizeof name);
        arch_user_access_end(0);
        dep = load_image(c->call, name, c->depth + 1);
        arch_user_access_begin();
        if (!dep && c->call->why == K_ENOENT) {
            fmt_snprintf(c->err, c->errlen, "%s imports %s, which is not there", c->importer,
                         name);
            c->call->why = K_ENODLL;
        }
    }
    if (!dep)
        return c->call->why;
    if (c->dep_count < IMAGE_SECTION_MAX_DEPS)
        c->deps[c->dep_count] = dep;
    c->dep_count++;
    return 0;
}

/*
 * An import its DLL does not export: Windows refuses the program, Dormer binds it to an
 * address in a reserved region that is never committed, so the program runs until it
 * calls (or reads) that import; the fault there is reported with the import's name
 * (process_fault asks loader_unimplemented_at). The region is made on first use.
 */
static int bind_unimplemented(struct process *p, const char *dll, const char *name,
                              uint32_t ordinal, uint64_t *addr)
{
    if (p->unimpl_count == PROCESS_MAX_UNIMPL)
        return K_ENOENT;
    if (!p->unimpl_names) {
        vaddr_t base = 0;
        p->unimpl_names = kmalloc(PROCESS_MAX_UNIMPL * sizeof *p->unimpl_names);
        if (!p->unimpl_names ||
            vmm_reserve(p->space, &base, PROCESS_MAX_UNIMPL * PROCESS_UNIMPL_SLOT, 0, 0) != 0) {
            kfree(p->unimpl_names);
            p->unimpl_names = NULL;
            return K_ENOMEM;
        }
        p->unimpl_base = base;
    }
    char *slot = p->unimpl_names[p->unimpl_count];
    if (name)
        fmt_snprintf(slot, PROCESS_UNIMPL_NAME, "%s!%s", dll, name);
    else
        fmt_snprintf(slot, PROCESS_UNIMPL_NAME, "%s!#%u", dll, (unsigned)ordinal);
    *addr = p->unimpl_base + p->unimpl_count * PROCESS_UNIMPL_SLOT;
    p->unimpl_count++;
    return 0;
}

static int resolve_import(void *arg, const char *dll, const char *name, uint16_t hint,
                          uint32_t ordinal, uint64_t *addr)
{
    struct import_ctx *c = arg;
    struct loaded_image *dep = loader_find_image(c->p, dll);
    uint32_t rva;

    if (!dep)
        return K_ENOENT;
    const uint8_t *image = (const uint8_t *)dep->base;
    int rc = name ? pe_find_export_by_name(image, dep->size, dep->pe, name, hint, &rva)
                  : pe_find_export_by_ordinal(image, dep->size, dep->pe, ordinal, &rva);
    if (rc == K_ENOSYS)
        return K_ENOSYS; /* forwarders: not followed yet */
    if (rc == K_ENOENT)
        return bind_unimplemented(c->p, dep->name, name, ordinal, addr);
    if (rc)
        return rc;
    *addr = dep->base + rva;
    return 0;
}

/* Were the imports bound to DLLs each at its preferred base (a view can be kept)? */
static bool canonical(const struct loaded_image *img, const struct import_ctx *ctx)
{
    if (force_relocate || img->base != img->pe->image_base ||
        ctx->dep_count > IMAGE_SECTION_MAX_DEPS)
        return false;
    for (size_t i = 0; i < ctx->dep_count; i++) {
        if (ctx->deps[i]->base != ctx->deps[i]->pe->image_base ||
            ctx->deps[i]->section->is_private)
            return false;
    }
    return true;
}

/* The long road: place, copy, relocate, load the DLLs, bind, protect. */
static int load_from_file(struct load_call *call, struct loaded_image *img, int depth)
{
    struct process *p = call->p;
    char *err = call->err, reason[160];
    size_t errlen = call->errlen;
    int placed = place_image(p, img, err, errlen);

    if (placed != 0 || copy_sections(p, img) != 0) {
        if (err[0] == '\0')
            fmt_snprintf(err, errlen, "%s: cannot map the image", img->name);
        return placed == K_ENOEXEC ? K_ENOEXEC : K_ENOMEM;
    }
    uint64_t access = arch_user_access_begin();
    uint8_t *image = (uint8_t *)img->base;
    if (img->base != img->pe->image_base &&
        pe_apply_relocations(image, img->size, img->pe, img->base, reason, sizeof reason)) {
        arch_user_access_end(access);
        fmt_snprintf(err, errlen, "%s: %s", img->name, reason);
        return K_ENOEXEC;
    }
    struct import_ctx ctx = { .p = p, .call = call, .importer = img->name, .err = err,
                              .errlen = errlen, .depth = depth };
    int rc = pe_import_dll_names(image, img->size, img->pe, load_dependency, &ctx);
    if (rc == K_ENOEXEC && err[0] == '\0')
        fmt_snprintf(err, errlen, "%s: malformed import directory", img->name);
    if (!rc && pe_resolve_imports(image, img->size, img->pe, resolve_import, &ctx, reason,
                                  sizeof reason) != 0) {
        fmt_snprintf(err, errlen, "%s: %s", img->name, reason);
        rc = K_ENOEXEC;
    }
    arch_user_access_end(access);
    if (rc)
        return rc;
    if (protect_sections(p, img) != 0) {
        fmt_snprintf(err, errlen, "%s: cannot protect its sections", img->name);
        return K_ENOMEM;
    }
    if (canonical(img, &ctx)) {
        struct image_section *deps[IMAGE_SECTION_MAX_DEPS];
        for (size_t i = 0; i < ctx.dep_count; i++)
            deps[i] = ctx.deps[i]->section;
        image_section_prepare(img->section, p->space, deps, ctx.dep_count);
    }
    return 0;
}

static struct loaded_image *find_section(struct process *p, const struct image_section *sec)
{
    for (size_t i = 0; i < p->image_count; i++) {
        if (p->images[i].section == sec)
            return &p->images[i];
    }
    return NULL;
}

/*
 * The short road: map the prepared view, then make sure each DLL it was bound to is
 * loaded at the same place. K_EAGAIN (nothing left mapped) sends the image down the
 * long road; other errors are final and described in err.
 */
static int load_from_view(struct load_call *call, struct loaded_image *img, int depth)
{
    struct process *p = call->p;
    char *err = call->err;
    size_t errlen = call->errlen;
    const struct image_section *sec = img->section;
    int rc = vmm_map_view(p->space, img->pe->image_base, sec->runs, sec->run_count,
                          sec->frames);

    if (rc == K_EEXIST)
        return K_EAGAIN; /* something is at the preferred base: relocate */
    if (rc) {
        fmt_snprintf(err, errlen, "%s: no room for %u bytes of image", img->name,
                     img->pe->size_of_image);
        return rc;
    }
    img->base = img->pe->image_base;
    img->size = img->pe->size_of_image;
    for (size_t i = 0; !rc && i < sec->dep_count; i++) {
        /* The DLL by that name may be another file for this process (one beside its
         * program): then the view's bindings are not this process's. */
        struct loaded_image *dep = find_section(p, sec->deps[i]);
        if (!dep)
            dep = loader_find_image(p, sec->deps[i]->file->name);
        if (dep && !dep->ready) {
            fmt_snprintf(err, errlen, "%s: circular dependency: it imports %s, which is "
                         "still being loaded", img->name, dep->name);
            rc = K_ENOEXEC;
        } else if (!dep) {
            dep = load_image(call, sec->deps[i]->file->name, depth + 1);
            rc = dep ? 0 : K_EAGAIN; /* the long road says why, naming the importer */
        }
        if (!rc && (dep->section != sec->deps[i] || dep->base != dep->pe->image_base))
            rc = K_EAGAIN;
    }
    if (rc == K_EAGAIN)
        vmm_release(p->space, img->base);
    return rc;
}

static struct loaded_image *load_image(struct load_call *c, const char *name, int depth)
{
    struct process *p = c->p;
    char reason[160];
    struct image_file file;

    if (depth > 16) {
        fmt_snprintf(c->err, c->errlen, "%s: DLLs nested too deeply", name);
        c->why = K_ENOEXEC;
        return NULL;
    }
    int rc = image_file_find(p, name, c->search, &file);
    if (rc) {
        fmt_snprintf(c->err, c->errlen, "%s: %s", name,
                     rc == K_ENOENT || rc == K_EBADNAME ? "file not found"
                     : rc == K_ENOEXEC                  ? "file too large to be an image"
                                                        : "out of memory");
        c->why = rc == K_EBADNAME ? K_ENOENT : rc;
        return NULL;
    }
    const struct bootfs_file *f = file.file;
    struct loaded_image *img = alloc_slot(c);
    if (!img) {
        fmt_snprintf(c->err, c->errlen, "%s: too many images in one process", f->name);
        image_file_release(&file);
        c->why = K_ENOMEM;
        return NULL;
    }
    struct image_section *sec = file.owned ? image_section_private(f, reason, sizeof reason)
                                           : image_section_get(f, reason, sizeof reason);
    if (!sec) {
        fmt_snprintf(c->err, c->errlen, "%s: %s", f->name, reason);
        image_file_release(&file);
        c->why = strcmp(reason, "out of memory") == 0 ? K_ENOMEM : K_ENOEXEC;
        return NULL; /* the slot is freed with the call's others */
    }
    struct loaded_image *fill = kcalloc(1, sizeof *fill);
    if (!fill) {
        fmt_snprintf(c->err, c->errlen, "%s: out of memory", f->name);
        if (file.owned)
            image_section_free_private(sec);
        image_file_release(&file);
        c->why = K_ENOMEM;
        return NULL;
    }
    *fill = (struct loaded_image){ .file = f->data, .file_size = f->size, .section = sec,
                                   .pe = &sec->pe, .owned = file.owned,
                                   .dynamic = c->dynamic };
    strlcpy(fill->name, f->name, sizeof fill->name);
    strlcpy(fill->path, file.path, sizeof fill->path);
    slot_set(p, img, fill);
    kfree(fill);
    if (c->program && !p->exe_dir[0]) {
        /* The program: its directory is searched first for every DLL from now on. */
        image_file_dir_of(file.path, p->exe_dir, sizeof p->exe_dir);
        default_search(p, c->dirs, sizeof c->dirs);
        c->search = c->dirs;
    }

    rc = K_EAGAIN;
    if (__atomic_load_n(&sec->prepared, __ATOMIC_ACQUIRE) && !force_relocate)
        rc = load_from_view(c, img, depth);
    bool shared = rc == 0;
    if (rc == K_EAGAIN)
        rc = load_from_file(c, img, depth);
    if (rc) {
        if (c->why == 0)
            c->why = rc == K_ENOMEM ? K_ENOMEM : rc == K_ENODLL ? K_ENODLL : K_ENOEXEC;
        return NULL;
    }
    img->ready = true;
    if (p->init_count < PROCESS_MAX_IMAGES)
        p->init_order[p->init_count++] = (uint8_t)(img - p->images);
    pr_debug("loader: %s at 0x%llx (%s, %s)\n", img->name, (unsigned long long)img->base,
             shared ? "shared view" :
             img->base == img->pe->image_base ? "preferred base" : "relocated", img->path);
    return img;
}

/* The directories a bare DLL name is looked for in when the caller gives none, in
 * Windows' safe search order: the program's, System32, Windows, the current one. */
static void default_search(const struct process *p, char *buf, size_t cap)
{
    strlcpy(buf, p->exe_dir, cap);
    strlcat(buf, ";" IMAGE_SYSTEM_DIR ";" IMAGE_WINDOWS_DIR ";.", cap);
}

/* Undo a failed call: every slot it filled, in any state. */
static void undo_call(struct load_call *c)
{
    for (size_t i = 0; i < PROCESS_MAX_IMAGES; i++) {
        if (c->filled & (1u << i))
            free_slot(c->p, i);
    }
}

struct loaded_image *loader_load_image(struct process *p, const char *name, const char *search,
                                       char *err, size_t errlen, int *why)
{
    struct load_call *c = kcalloc(1, sizeof *c);

    if (errlen)
        err[0] = '\0';
    if (!c) {
        fmt_snprintf(err, errlen, "%s: out of memory", name);
        if (why)
            *why = K_ENOMEM;
        return NULL;
    }
    *c = (struct load_call){ .p = p, .search = search, .err = err, .errlen = errlen,
                             .program = !p->exe_dir[0] };
    if (!search && p->exe_dir[0]) {
        default_search(p, c->dirs, sizeof c->dirs);
        c->search = c->dirs;
    }
    struct loaded_image *img = load_image(c, name, 0);
    if (!img) {
        undo_call(c);
        if (why)
            *why = c->why ? c->why : K_ENOEXEC;
    }
    kfree(c);
    return img;
}

/* loader_load_dll's work, with the call's state on the heap (it holds a path list). */
static int load_dll(struct load_call *c, const char *name, struct dormer_load_result *res)
{
    struct process *p = c->p;

    loader_free_retired(p, false);
    struct loaded_image *img = loader_find_image(p, name);
    if (img && img->ready) {
        res->slot = (uint32_t)(img - p->images);
        res->base = img->base;
        return 0;
    }
    if (!c->search) {
        default_search(p, c->dirs, sizeof c->dirs);
        c->search = c->dirs;
    }
    size_t first = p->init_count;
    img = load_image(c, name, 0);
    if (!img) {
        undo_call(c);
        return c->why ? c->why : K_ENOEXEC;
    }
    res->slot = (uint32_t)(img - p->images);
    res->base = img->base;
    for (size_t k = first; k < p->init_count && res->count < PROCESS_MAX_IMAGES; k++)
        res->new_slots[res->count++] = p->init_order[k];
    return 0;
}

int loader_load_dll(struct process *p, const char *name, const char *search,
                    struct dormer_load_result *res, char *err, size_t errlen)
{
    ASSERT(sleeplock_held(&p->loader_lock));
    err[0] = '\0';
    *res = (struct dormer_load_result){ 0 };
    struct load_call *c = kcalloc(1, sizeof *c);
    if (!c)
        return K_ENOMEM;
    *c = (struct load_call){ .p = p, .search = search, .err = err, .errlen = errlen,
                             .dynamic = true };
    int rc = load_dll(c, name, res);
    kfree(c);
    return rc;
}

int loader_unload(struct process *p, uint64_t base)
{
    ASSERT(sleeplock_held(&p->loader_lock));
    for (size_t i = 0; i < p->image_count; i++) {
        struct loaded_image *img = &p->images[i];
        if (!img->name[0] || img->base != base)
            continue;
        if (!img->dynamic)
            return K_EPERM; /* loaded with the program: stays until it ends */
        free_slot(p, i);
        loader_free_retired(p, false);
        return 0;
    }
    return K_EINVAL;
}

uint64_t loader_find_export(const struct loaded_image *img, const char *name)
{
    uint32_t rva;
    uint64_t access = arch_user_access_begin();
    int rc = pe_find_export_by_name((const uint8_t *)img->base, img->size, img->pe, name, 0,
                                    &rva);

    arch_user_access_end(access);
    return rc == 0 ? img->base + rva : 0;
}

/* loader_relocate on the command line: every image away from its preferred base. */
static void loader_flags_step(void)
{
    loader_set_force_relocate(cmdline_flag("loader_relocate"));
}
INIT_STEP(INIT_PROC, loader_flags_step);
