/*
 * A new process from a program file: the loader maps the program and the DLLs it
 * imports (ntdll always), then writes what ntdll reads at startup: the PEB, the
 * process parameters (command line in UTF-16 and ANSI), the loader data (one entry per
 * image in Windows' three lists) and the images' full paths. proc supplies the
 * process record, its space and its main thread (proc/process.h).
 */
#include <abi/peb.h>
#include <abi/types.h>
#include <arch/uaccess.h>
#include <core/init.h>
#include <fs/bootfs.h>
#include <lib/errno.h>
#include <lib/fmt.h>
#include <lib/string.h>
#include <loader/image_file.h>
#include <loader/image_section.h>
#include <loader/loader.h>
#include <loader/pe.h>
#include <mm/kheap.h>
#include <mm/vmm.h>
#include <proc/fault.h>
#include <proc/process.h>

#define MAX_CMDLINE       1024
#define MIN_STACK_RESERVE (64 * 1024)
#define PEB_AREA_PAGES    7 /* TEB (2 pages), PEB + loader data, parameters (2 pages),
                             * the images' full paths (2 pages) */
#define PATHS_OFFSET      (5 * PAGE_SIZE)
#define NTDLL_NAME        "ntdll.dll"
#define NTDLL_STARTUP     "DormerProcessStartup" /* void (struct dormer_peb *) */

/* The loader data follows the PEB in the PEB's page. */
_Static_assert(sizeof(struct dormer_peb) + sizeof(struct dormer_ldr_data) +
                   PROCESS_MAX_IMAGES * sizeof(struct dormer_ldr_entry) <= PAGE_SIZE,
               "loader data fits beside the PEB");
_Static_assert(PROCESS_MAX_IMAGES == DORMER_MAX_IMAGES, "one slot per loader entry");
_Static_assert(PROCESS_MAX_IMAGES * DORMER_IMAGE_PATH_CHARS * 2 <= 2 * PAGE_SIZE,
               "the paths fit their two pages");

/* The PEB and process parameters (command line in UTF-16 and ANSI), after the main
 * thread's TEB at the start of area. */
static int build_peb(struct process *p, const struct loaded_image *exe, const char *cmdline,
                     uint64_t area)
{
    size_t len = strlen(cmdline);
    uint64_t peb = area + DORMER_TEB_SIZE, params = peb + PAGE_SIZE;
    uint64_t wide = params + sizeof(struct dormer_process_parameters);
    uint64_t ansi = wide + 2 * (len + 1);
    struct dormer_unicode_string us = {
        .length = (uint16_t)(2 * len), .maximum_length = (uint16_t)(2 * (len + 1)),
        .buffer = wide,
    };
    uint64_t v;
    int rc = 0;

    v = exe->base;
    rc |= copy_to_user(uptr(peb + offsetof(struct dormer_peb, image_base_address)), &v, 8);
    v = params;
    rc |= copy_to_user(uptr(peb + offsetof(struct dormer_peb, process_parameters)), &v, 8);
    rc |= copy_to_user(uptr(params + offsetof(struct dormer_process_parameters, command_line)),
                       &us, sizeof us);
    us.length = 0;
    rc |= copy_to_user(
        uptr(params + offsetof(struct dormer_process_parameters, image_path_name)), &us,
        sizeof us);
    v = ansi;
    rc |= copy_to_user(
        uptr(params + offsetof(struct dormer_process_parameters, command_line_ansi)), &v, 8);
    v = len;
    rc |= copy_to_user(
        uptr(params + offsetof(struct dormer_process_parameters, command_line_ansi_length)),
        &v, 8);
    for (size_t i = 0; i <= len;) { /* ASCII/Latin-1 widened, a piece at a time */
        uint16_t w[64];
        size_t n = len + 1 - i < 64 ? len + 1 - i : 64;
        for (size_t k = 0; k < n; k++)
            w[k] = (uint8_t)cmdline[i + k];
        rc |= copy_to_user(uptr(wide + 2 * i), w, n * sizeof *w);
        i += n;
    }
    rc |= copy_to_user(uptr(ansi), cmdline, len + 1);
    p->peb = peb;
    return rc ? K_EFAULT : 0;
}

/* Loader entry i (at user address ue) of slot i, links left zero, and its full path
 * written to the paths area. */
static int fill_entry(struct process *p, size_t i, struct dormer_ldr_entry *e, uint64_t ue)
{
    const struct loaded_image *img = &p->images[i];
    uint16_t path[IMAGE_PATH_MAX];
    size_t len = strlen(img->name), plen = strlen(img->path);
    uint64_t upath = p->image_paths + i * IMAGE_PATH_MAX * sizeof(uint16_t);

    *e = (struct dormer_ldr_entry){ 0 };
    if (len >= sizeof e->name / 2)
        len = sizeof e->name / 2 - 1;
    for (size_t c = 0; c < len; c++)
        e->name[c] = (uint8_t)img->name[c];
    e->base_dll_name = (struct dormer_unicode_string){
        .length = (uint16_t)(2 * len), .maximum_length = (uint16_t)(2 * len + 2),
        .buffer = ue + offsetof(struct dormer_ldr_entry, name),
    };
    if (plen >= IMAGE_PATH_MAX)
        plen = IMAGE_PATH_MAX - 1;
    for (size_t c = 0; c < plen; c++)
        path[c] = (uint8_t)img->path[c];
    path[plen] = 0;
    e->full_dll_name = (struct dormer_unicode_string){
        .length = (uint16_t)(2 * plen), .maximum_length = (uint16_t)(2 * plen + 2),
        .buffer = upath,
    };
    e->dll_base = img->base;
    e->size_of_image = (uint32_t)img->size;
    e->entry_point = img->pe->entry_rva ? img->base + img->pe->entry_rva : 0;
    e->flags = pe_is_dll(img->pe) ? DORMER_LDR_IMAGE_DLL : 0;
    return copy_to_user(uptr(upath), path, (plen + 1) * sizeof *path) ? K_EFAULT : 0;
}

int loader_publish_image(struct process *p, size_t i)
{
    struct dormer_ldr_entry e;
    uint64_t ue = p->peb + sizeof(struct dormer_peb) + sizeof(struct dormer_ldr_data) +
                  i * sizeof e;

    if (i >= PROCESS_MAX_IMAGES || fill_entry(p, i, &e, ue) != 0)
        return K_EFAULT;
    e.load_count = 0; /* ntdll counts LoadLibrary's references */
    return copy_to_user(uptr(ue), &e, sizeof e) ? K_EFAULT : 0;
}

/* The loader data (PEB+0x18): one entry per image in three lists, as Windows' ntdll
 * keeps them, built in a kernel buffer and copied out at `at` in one piece. */
static int build_loader_data(struct process *p, uint64_t at)
{
    size_t n = p->image_count;
    size_t size = sizeof(struct dormer_ldr_data) + n * sizeof(struct dormer_ldr_entry);
    uint8_t *buf = kcalloc(1, size);

    if (!buf)
        return K_ENOMEM;
    struct dormer_ldr_data *ldr = (struct dormer_ldr_data *)buf;
    struct dormer_ldr_entry *e = (struct dormer_ldr_entry *)(ldr + 1);
    uint64_t ue = at + sizeof *ldr; /* user address of e[0] */
#define USER_ENTRY(i, field) (ue + (i) * sizeof *e + offsetof(struct dormer_ldr_entry, field))
    uint64_t load_head = at + offsetof(struct dormer_ldr_data, in_load_order);
    uint64_t mem_head = at + offsetof(struct dormer_ldr_data, in_memory_order);
    uint64_t init_head = at + offsetof(struct dormer_ldr_data, in_initialization_order);

    ldr->length = sizeof *ldr;
    for (size_t i = 0; i < n; i++) {
        if (fill_entry(p, i, &e[i], ue + i * sizeof *e) != 0) {
            kfree(buf);
            return K_EFAULT;
        }
        e[i].load_count = DORMER_LDR_STATIC_COUNT;
        e[i].in_load_order_links.flink = i + 1 < n ? USER_ENTRY(i + 1, in_load_order_links)
                                                   : load_head;
        e[i].in_load_order_links.blink = i > 0 ? USER_ENTRY(i - 1, in_load_order_links)
                                               : load_head;
        e[i].in_memory_order_links.flink = i + 1 < n ? USER_ENTRY(i + 1, in_memory_order_links)
                                                     : mem_head;
        e[i].in_memory_order_links.blink = i > 0 ? USER_ENTRY(i - 1, in_memory_order_links)
                                                 : mem_head;
    }
    ldr->in_load_order = (struct dormer_list_entry){ USER_ENTRY(0, in_load_order_links),
                                                     USER_ENTRY(n - 1, in_load_order_links) };
    ldr->in_memory_order = (struct dormer_list_entry){ USER_ENTRY(0, in_memory_order_links),
                                                       USER_ENTRY(n - 1, in_memory_order_links) };
    /* Initialization order: the DLLs as they became ready (each after its own DLLs). */
    uint64_t prev = init_head;
    struct dormer_list_entry *prev_links = &ldr->in_initialization_order;
    for (size_t k = 0; k < p->init_count; k++) {
        size_t i = p->init_order[k];
        if (!pe_is_dll(p->images[i].pe))
            continue;
        uint64_t links = USER_ENTRY(i, in_initialization_order_links);
        prev_links->flink = links;
        e[i].in_initialization_order_links.blink = prev;
        prev = links;
        prev_links = &e[i].in_initialization_order_links;
    }
    prev_links->flink = init_head;
    ldr->in_initialization_order.blink = prev;
#undef USER_ENTRY
    int rc = copy_to_user(uptr(at), buf, size);
    kfree(buf);
    if (rc)
        return K_EFAULT;
    uint64_t v = at;
    return copy_to_user(uptr(p->peb + offsetof(struct dormer_peb, ldr)), &v, 8) ? K_EFAULT : 0;
}

/* ntdll is in every process, as on Windows (its startup routine runs the DLLs' entry
 * points before the program's): *out is the loaded one, or NULL if the boot file system
 * has none. Fails only if it is there but cannot be loaded (err says why). */
static int load_ntdll(struct process *p, struct loaded_image **out, char *err, size_t errlen)
{
    *out = loader_find_image(p, NTDLL_NAME);
    if (*out || !bootfs_find(NTDLL_NAME))
        return 0;
    *out = loader_load_image(p, NTDLL_NAME, NULL, err, errlen, NULL);
    return *out ? 0 : K_ENOEXEC;
}

/*
 * Give the pages that are written before the program runs their zeroed frames now:
 * the first TEB page, the PEB (and loader data), the first page of the parameters,
 * the first page of the paths (all written here) and the top of the stack (its first
 * push). The same frames the first touches would fault in, without the fault path; a
 * page that cannot be filled (no memory) is left to fault in as before.
 */
static void prefill_pages(vmm_space_t *space, vaddr_t stack_top, vaddr_t area)
{
    static const uint8_t area_pages[] = { 0, DORMER_TEB_SIZE / PAGE_SIZE,
                                          DORMER_TEB_SIZE / PAGE_SIZE + 1,
                                          PATHS_OFFSET / PAGE_SIZE };

    for (size_t i = 0; i < sizeof area_pages; i++)
        (void)vmm_fill_page(space, area + area_pages[i] * PAGE_SIZE, NULL, 0);
    (void)vmm_fill_page(space, stack_top - PAGE_SIZE, NULL, 0);
}

/* The address of ntdll's start-up routine in p, or 0. The export is the same in every
 * load of one boot file (relocation moves the base, not the RVA), so its shared section
 * keeps what the first lookup found. */
static uint64_t ntdll_startup(const struct loaded_image *ntdll)
{
    struct image_section *sec = ntdll->section->is_private ? NULL : ntdll->section;
    uint32_t rva = sec ? __atomic_load_n(&sec->startup_rva, __ATOMIC_RELAXED) : 0;

    if (rva)
        return ntdll->base + rva;
    uint64_t at = loader_find_export(ntdll, NTDLL_STARTUP);
    if (at && sec)
        __atomic_store_n(&sec->startup_rva, (uint32_t)(at - ntdll->base), __ATOMIC_RELAXED);
    return at;
}

/* What an ended process's images leave behind: private sections and file copies. */
static void release_images(struct process *p)
{
    for (size_t i = 0; i < p->image_count; i++) {
        if (!p->images[i].name[0])
            continue;
        image_section_free_private(p->images[i].section);
        image_file_free_owned(p->images[i].owned);
    }
    loader_free_retired(p, true);
}

static int symbolize(const struct loaded_image *img, uint32_t rva, char *name, size_t len,
                     uint32_t *off)
{
    return pe_symbolize(img->file, img->file_size, img->pe, rva, name, len, off);
}

static int read_user_u64(void *ctx, uint64_t addr, uint64_t *value)
{
    (void)ctx;
    return copy_from_user(value, uptr(addr), sizeof *value);
}

static int unwind_step(const struct loaded_image *img, uint64_t *rip, uint64_t gpr[16])
{
    struct pe_unwind_regs r = { .rip = *rip };
    int rc;

    memcpy(r.gpr, gpr, sizeof r.gpr);
    rc = pe_unwind_step(img->file, img->file_size, img->pe, img->base, &r, read_user_u64, NULL);
    *rip = r.rip;
    memcpy(gpr, r.gpr, sizeof r.gpr);
    return rc;
}

static const struct fault_image_ops fault_images = {
    .symbolize = symbolize,
    .unwind_step = unwind_step,
};

static void process_image_init(void)
{
    process_set_image_release(release_images);
    fault_set_image_ops(&fault_images);
}
INIT_STEP(INIT_PROC, process_image_init);

struct process *loader_create_process(const char *name, const char *cmdline, char *err,
                                      size_t errlen, int *why)
{
    char search[2 * IMAGE_PATH_MAX + 32];
    vmm_space_t *previous = vmm_current_user_space();
    struct process *parent = process_current();

    *why = K_ENOMEM;
    if (strlen(cmdline) >= MAX_CMDLINE) {
        fmt_snprintf(err, errlen, "%s: command line too long", name);
        return NULL;
    }
    struct process *p = process_alloc(name, err, errlen);
    if (!p)
        return NULL;
    vmm_space_activate(p->space);
    /* A bare program name, as CreateProcess looks for it: the directory of the parent's
     * program, the current directory, System32, the Windows directory. */
    if (parent && parent->exe_dir[0]) {
        strlcpy(search, parent->exe_dir, sizeof search);
        strlcat(search, ";.;" IMAGE_SYSTEM_DIR ";" IMAGE_WINDOWS_DIR, sizeof search);
    } else {
        strlcpy(search, IMAGE_SYSTEM_DIR, sizeof search);
    }
    struct loaded_image *exe = loader_load_image(p, name, search, err, errlen, why);
    if (!exe)
        goto fail;
    *why = K_ENOEXEC;
    if (pe_is_dll(exe->pe)) {
        fmt_snprintf(err, errlen, "%s: is a DLL, not a program", exe->name);
        goto fail;
    }
    strlcpy(p->name, exe->name, sizeof p->name); /* as the file system spells it */
    struct loaded_image *ntdll = NULL;
    if (load_ntdll(p, &ntdll, err, errlen) != 0)
        goto fail;
    *why = K_ENOMEM;
    uint64_t reserve = exe->pe->stack_reserve, commit = exe->pe->stack_commit;
    if (reserve < MIN_STACK_RESERVE)
        reserve = MIN_STACK_RESERVE;
    if (commit < PAGE_SIZE)
        commit = PAGE_SIZE;
    if (commit + 2 * PAGE_SIZE > reserve)
        commit = reserve - 2 * PAGE_SIZE;
    if (!process_alloc_main_thread(p)) {
        fmt_snprintf(err, errlen, "%s: out of memory", exe->name);
        goto fail;
    }
    uint64_t entry = exe->base + exe->pe->entry_rva;
    if (ntdll) {
        uint64_t startup = ntdll_startup(ntdll);
        if (startup)
            entry = startup;
    }
    vaddr_t top, area = 0;
    bool reserved =
        vmm_reserve_stack(p->space, reserve, commit, VM_READ | VM_WRITE, &top) == 0 &&
        vmm_reserve(p->space, &area, PEB_AREA_PAGES * PAGE_SIZE, VM_READ | VM_WRITE,
                    VM_COMMIT) == 0;
    if (reserved)
        prefill_pages(p->space, top, area);
    if (!reserved ||
        (p->image_paths = area + PATHS_OFFSET, build_peb(p, exe, cmdline, area) != 0) ||
        build_loader_data(p, p->peb + sizeof(struct dormer_peb)) != 0 ||
        process_setup_main_thread(p, top, reserve, area, entry, p->peb) != 0) {
        fmt_snprintf(err, errlen, "%s: cannot set up its stack and environment", exe->name);
        goto fail;
    }
    vmm_space_activate(previous);
    thread_current()->space_active = previous;
    return p;

fail:
    vmm_space_activate(previous);
    thread_current()->space_active = previous;
    process_discard(p);
    return NULL;
}
