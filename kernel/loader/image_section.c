/*
 * Image sections (see <loader/image_section.h>): a short list of parsed boot files,
 * each with the prepared view of its first load at its preferred base.
 */
#include <core/printk.h>
#include <core/spinlock.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <loader/image_section.h>
#include <mm/kheap.h>
#include <mm/pmm.h>

static struct spinlock table_lock = SPINLOCK_INIT("image_sections");
static struct image_section *sections; /* protected by table_lock */
static uint64_t view_frames;           /* protected by table_lock */

static struct image_section *find_locked(const struct bootfs_file *f)
{
    spin_assert_held(&table_lock);
    for (struct image_section *s = sections; s; s = s->next) {
        if (s->file == f)
            return s;
    }
    return NULL;
}

/* A fresh, unpublished section holding f's parse, or NULL (reason says why). */
static struct image_section *parse_section(const struct bootfs_file *f, char *reason,
                                           size_t reason_len)
{
    struct image_section *fresh = kcalloc(1, sizeof *fresh);
    if (!fresh) {
        strlcpy(reason, "out of memory", reason_len);
        return NULL;
    }
    fresh->file = f;
    /* Past the sections struct pe_image holds, the table gets its own (bounded: the
     * count is 16-bit) storage. */
    uint32_t nsec = pe_section_count(f->data, f->size);
    if (nsec > PE_INLINE_SECTIONS) {
        fresh->extra_sections = kcalloc(nsec, sizeof *fresh->extra_sections);
        if (!fresh->extra_sections) {
            kfree(fresh);
            strlcpy(reason, "out of memory", reason_len);
            return NULL;
        }
    }
    if (pe_parse_into(f->data, f->size, &fresh->pe, fresh->extra_sections,
                      fresh->extra_sections ? nsec : 0, reason, reason_len) != 0) {
        kfree(fresh->extra_sections);
        kfree(fresh);
        return NULL; /* not kept: a bad file is refused (and re-read) every time */
    }
    return fresh;
}

struct image_section *image_section_get(const struct bootfs_file *f, char *reason,
                                        size_t reason_len)
{
    spin_lock(&table_lock);
    struct image_section *sec = find_locked(f);
    spin_unlock(&table_lock);
    if (sec)
        return sec;

    /* Parse outside the lock; if another thread published the file meanwhile, its
     * section wins and this one goes. */
    struct image_section *fresh = parse_section(f, reason, reason_len);
    if (!fresh)
        return NULL;
    spin_lock(&table_lock);
    sec = find_locked(f);
    if (!sec) {
        fresh->next = sections;
        sections = fresh;
        sec = fresh;
        fresh = NULL;
    }
    spin_unlock(&table_lock);
    if (fresh)
        kfree(fresh->extra_sections);
    kfree(fresh);
    return sec;
}

struct image_section *image_section_private(const struct bootfs_file *f, char *reason,
                                            size_t reason_len)
{
    struct image_section *sec = parse_section(f, reason, reason_len);

    if (sec)
        sec->is_private = true;
    return sec;
}

void image_section_free_private(struct image_section *sec)
{
    if (!sec || !sec->is_private)
        return;
    kfree(sec->extra_sections);
    kfree(sec);
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

/* Extend the runs to page `end` with prot, merging with the last run when it matches. */
static void add_run(struct vm_view_run *runs, size_t *n, uint32_t *next, uint32_t end,
                    unsigned prot)
{
    if (end <= *next)
        return;
    if (*n && runs[*n - 1].prot == prot)
        runs[*n - 1].pages += end - *next;
    else
        runs[(*n)++] = (struct vm_view_run){ .pages = end - *next, .prot = (uint8_t)prot };
    *next = end;
}

size_t image_section_runs(const struct pe_image *pe, struct vm_view_run *runs)
{
    uint32_t pages = (pe->size_of_image + PAGE_SIZE - 1) / PAGE_SIZE;
    uint32_t next = 0; /* first page not yet in a run */
    size_t n = 0;

    if (pe->flat) { /* one block, as Windows maps an image aligned below the page */
        add_run(runs, &n, &next, pages, VM_READ | VM_WRITE | VM_EXEC);
        return n;
    }
    /* Sections ascend and never overlap, so only a section's first page can already
     * be in a run (shared with the section before it): the later section wins it. */
    for (uint32_t i = 0; i < pe->num_sections; i++) {
        const struct pe_section *s = &pe->sections[i];
        uint32_t first = s->rva / PAGE_SIZE;
        uint32_t end = (uint32_t)(((uint64_t)s->rva + s->vsize + PAGE_SIZE - 1) / PAGE_SIZE);
        if (end > pages)
            end = pages;
        if (s->prot == PE_PROT_R || end <= first)
            continue;
        if (first < next) {
            runs[n - 1].pages -= next - first;
            if (runs[n - 1].pages == 0)
                n--;
            next = first;
        }
        add_run(runs, &n, &next, first, VM_READ);
        add_run(runs, &n, &next, end, vm_prot(s->prot));
    }
    add_run(runs, &n, &next, pages, VM_READ);
    return n;
}

/* Undo a half-built view. */
static void free_view(paddr_t *frames, size_t pages, struct vm_view_run *runs)
{
    for (size_t i = 0; frames && i < pages; i++) {
        if (frames[i])
            pmm_free_frame(frames[i]);
    }
    kfree(frames);
    kfree(runs);
}

void image_section_prepare(struct image_section *sec, vmm_space_t *space,
                           struct image_section *const *deps, size_t dep_count)
{
    const struct pe_image *pe = &sec->pe;
    size_t pages = (pe->size_of_image + PAGE_SIZE - 1) / PAGE_SIZE;
    size_t run_count = 0, held = 0;

    if (sec->is_private || __atomic_load_n(&sec->prepared, __ATOMIC_ACQUIRE) ||
        dep_count > IMAGE_SECTION_MAX_DEPS)
        return;
    paddr_t *frames = kcalloc(pages, sizeof *frames);
    struct vm_view_run *runs = kmalloc(IMAGE_SECTION_MAX_RUNS(pe) * sizeof *runs);
    if (!frames || !runs)
        goto fail;
    run_count = image_section_runs(pe, runs);
    for (size_t i = 0; i < pages; i++) {
        paddr_t pa = pmm_alloc_frame();
        if (!pa)
            goto fail;
        int rc = vmm_read_page(space, pe->image_base + i * PAGE_SIZE, phys_to_virt(pa));
        if (rc == 0) {
            frames[i] = pa;
            held++;
        } else {
            pmm_free_frame(pa); /* never touched: stays a zero page */
        }
    }

    spin_lock(&table_lock);
    bool won = !sec->prepared;
    if (won) {
        sec->pages = pages;
        sec->frames = frames;
        sec->runs = runs;
        sec->run_count = run_count;
        for (size_t i = 0; i < dep_count; i++)
            sec->deps[i] = deps[i];
        sec->dep_count = dep_count;
        view_frames += held;
        __atomic_store_n(&sec->prepared, true, __ATOMIC_RELEASE);
    }
    spin_unlock(&table_lock);
    if (won) {
        pr_debug("loader: %s prepared for sharing (%zu pages, %zu with data, %zu runs)\n",
                 sec->file->name, pages, held, run_count);
        return;
    }
fail:
    free_view(frames, pages, runs);
}

uint64_t image_section_frames(void)
{
    spin_lock(&table_lock);
    uint64_t n = view_frames;
    spin_unlock(&table_lock);
    return n;
}
