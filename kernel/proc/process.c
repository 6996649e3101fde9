/*
 * Processes and threads as kernel objects. A process is created with its main
 * thread ready to enter user mode at the image's entry point (RCX = the PEB, as on
 * Windows). It ends when its last thread ends or it is terminated; at that moment
 * its address space, handles and images are freed (on the last thread's own kernel
 * stack, with the kernel-only page tables active), and waiters are woken. The
 * small record stays until the last reference to it goes.
 */
#include <abi/object.h>
#include <abi/peb.h>
#include <abi/types.h>
#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/uaccess.h>
#include <core/lock_order.h>
#include <core/panic.h>
#include <core/printk.h>
#include <core/time.h>
#include <fs/bootfs.h>
#include <fs/vfs.h>
#include <lib/errno.h>
#include <lib/fmt.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/kstack.h>
#include <loader/image_section.h>
#include <proc/process.h>

#define KERNEL_STACK_SIZE    (16 * 1024)
#define MIN_STACK_RESERVE    (64 * 1024)
#define DEFAULT_THREAD_STACK (1024 * 1024)
#define MAX_CMDLINE          1024
#define PEB_AREA_PAGES       7 /* TEB (2 pages), PEB + loader data, parameters (2 pages),
                                  * the images' full paths (2 pages) */
#define PATHS_OFFSET         (5 * PAGE_SIZE)
#define NTDLL_NAME           "ntdll.dll"
#define NTDLL_STARTUP        "DormerProcessStartup" /* void (struct dormer_peb *) */

/* The loader data follows the PEB in the PEB's page. */
_Static_assert(sizeof(struct dormer_peb) + sizeof(struct dormer_ldr_data) +
                   PROCESS_MAX_IMAGES * sizeof(struct dormer_ldr_entry) <= PAGE_SIZE,
               "loader data fits beside the PEB");
_Static_assert(PROCESS_MAX_IMAGES == DORMER_MAX_IMAGES, "one slot per loader entry");
_Static_assert(DORMER_IMAGE_PATH_CHARS == IMAGE_PATH_MAX, "a path fits its entry");
_Static_assert(PROCESS_MAX_IMAGES * DORMER_IMAGE_PATH_CHARS * 2 <= 2 * PAGE_SIZE,
               "the paths fit their two pages");

static struct list all_processes = LIST_INIT(all_processes); /* protected by sched_lock */
static uint64_t next_pid = 1, next_tid = 1;                   /* protected by sched_lock */

static void thread_destroy(struct kobject *obj)
{
    struct thread *t = (struct thread *)obj;

    if (t->process) {
        uint64_t flags = sched_lock_irq();
        list_remove(&t->proc_node);
        t->process->ended_user_ticks += t->user_ticks;
        t->process->ended_kernel_ticks += t->kernel_ticks;
        sched_unlock_irq(flags);
        kobj_unref(&t->process->obj);
    }
    kfree(t);
}

static bool thread_signaled(struct kobject *obj, struct thread *waiter)
{
    (void)waiter;
    return ((struct thread *)obj)->state == THREAD_DEAD;
}

const struct kobj_type thread_type = {
    .name = "Thread",
    .valid_access = DORMER_THREAD_ALL_ACCESS,
    .generic = { DORMER_ACCESS_READ_CONTROL | 0x0048, DORMER_ACCESS_READ_CONTROL | 0x0037,
                 DORMER_ACCESS_READ_CONTROL | DORMER_ACCESS_SYNCHRONIZE | 0x1800,
                 DORMER_THREAD_ALL_ACCESS },
    .destroy = thread_destroy,
    .signaled = thread_signaled,
};

/* A thread record with a kernel stack, not yet runnable. */
static struct thread *thread_alloc(struct process *p)
{
    struct thread *t = kcalloc(1, sizeof *t);

    if (!t)
        return NULL;
    kobj_init(&t->obj, &thread_type);
    t->kstack = kstack_create(KERNEL_STACK_SIZE, p ? p->name : "kernel");
    if (!t->kstack) {
        kobj_unref(&t->obj); /* t->process is not set yet: only the record goes */
        return NULL;
    }
    uint64_t flags = sched_lock_irq();
    t->tid = next_tid++;
    sched_unlock_irq(flags);
    t->priority = DORMER_PRIORITY_NORMAL;
    t->create_time = time_wall_filetime();
    list_node_init(&t->proc_node);
    if (p) {
        t->process = p;
        kobj_ref(&p->obj);
        t->space_active = p->space;
        arch_fpu_init_state(&t->fpu);
    }
    return t;
}

struct thread *thread_create_kernel(void (*fn)(void *arg), void *arg)
{
    struct thread *t = thread_alloc(NULL);

    if (t)
        sched_prepare_thread(t, fn, arg);
    return t;
}

void thread_check_terminate(void)
{
    struct thread *t = thread_current();

    if (t->terminate && t->process)
        thread_exit_current(t->process->exit_status);
}

/* First code of a user thread, on its own kernel stack. */
static void user_thread_start(void *arg)
{
    struct thread *t = arg;

    thread_check_terminate();
    arch_enter_user(t->user_entry, t->user_stack, t->user_arg, t->teb);
}

/* Attach a prepared thread to its process (it now counts as alive). */
static void thread_attach(struct process *p, struct thread *t)
{
    uint64_t flags = sched_lock_irq();

    list_push_back(&p->threads, &t->proc_node);
    p->live_threads++;
    sched_unlock_irq(flags);
}

/* The TEB of a new thread of p (p's space active). */
static int build_teb(struct process *p, struct thread *t, uint64_t stack_top,
                     uint64_t stack_reserve, uint64_t teb)
{
    uint64_t v; /* field by field: the TEB is a page, too big for a kernel stack */
    int rc = 0;

    v = teb;
    rc |= copy_to_user(uptr(teb + offsetof(struct dormer_teb, self)), &v, 8);
    v = stack_top;
    rc |= copy_to_user(uptr(teb + offsetof(struct dormer_teb, stack_base)), &v, 8);
    v = stack_top - stack_reserve;
    rc |= copy_to_user(uptr(teb + offsetof(struct dormer_teb, stack_limit)), &v, 8);
    v = p->pid;
    rc |= copy_to_user(uptr(teb + offsetof(struct dormer_teb, client_id_process)), &v, 8);
    v = t->tid;
    rc |= copy_to_user(uptr(teb + offsetof(struct dormer_teb, client_id_thread)), &v, 8);
    v = p->peb;
    rc |= copy_to_user(uptr(teb + offsetof(struct dormer_teb, process_environment_block)),
                       &v, 8);
    t->teb = teb;
    return rc ? K_EFAULT : 0;
}

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
    for (size_t i = 0; i <= len; i++) {
        uint16_t w = (uint8_t)cmdline[i]; /* ASCII/Latin-1 widened */
        rc |= copy_to_user(uptr(wide + 2 * i), &w, sizeof w);
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

int process_publish_image(struct process *p, size_t i)
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

/* Free what a process owns besides its record: called once, by its last thread
 * (on that thread's kernel stack) or by process_create on failure. */
static void process_release(struct process *p)
{
    vmm_space_t *space = p->space;
    handle_table_close_all(&p->handles);
    spin_lock(&p->cwd_lock);
    struct vfs_cwd *cwd = p->cwd;
    p->cwd = NULL;
    spin_unlock(&p->cwd_lock);
    vfs_cwd_drop(cwd);
    struct kobject *std[3] = { p->std_in, p->std_out, p->std_err };
    p->std_in = p->std_out = p->std_err = NULL;
    for (size_t i = 0; i < 3; i++)
        if (std[i])
            kobj_unref(std[i]);
    if (space) {
        if (vmm_current_user_space() == space)
            vmm_space_activate(NULL);
        thread_current()->space_active = vmm_current_user_space();
        p->space = NULL;
        vmm_space_destroy(space);
    }
    for (size_t i = 0; p->images && i < p->image_count; i++) {
        if (!p->images[i].name[0])
            continue;
        image_section_free_private(p->images[i].section);
        image_file_free_owned(p->images[i].owned);
    }
    loader_free_retired(p, true);
    kfree(p->images);
    p->images = NULL;
    p->image_count = 0;
    kfree(p->unimpl_names);
    p->unimpl_names = NULL;
    p->unimpl_count = 0;
    p->unimpl_base = 0;
}

static void process_destroy(struct kobject *obj)
{
    struct process *p = (struct process *)obj;
    uint64_t flags = sched_lock_irq();

    list_remove(&p->all_node);
    sched_unlock_irq(flags);
    process_release(p);
    kfree(p);
}

static bool process_signaled(struct kobject *obj, struct thread *waiter)
{
    (void)waiter;
    return ((struct process *)obj)->exited;
}

const struct kobj_type process_type = {
    .name = "Process",
    .valid_access = DORMER_PROCESS_ALL_ACCESS,
    .generic = { DORMER_ACCESS_READ_CONTROL | 0x0410, DORMER_ACCESS_READ_CONTROL | 0x0BEA,
                 DORMER_ACCESS_READ_CONTROL | DORMER_ACCESS_SYNCHRONIZE | 0x1000,
                 DORMER_PROCESS_ALL_ACCESS },
    .destroy = process_destroy,
    .signaled = process_signaled,
};

struct process *process_create(const char *name, const char *cmdline, char *err, size_t errlen,
                               int *why)
{
    char search[2 * IMAGE_PATH_MAX + 32];
    struct process *p = kcalloc(1, sizeof *p);
    vmm_space_t *previous = vmm_current_user_space();
    struct process *parent = process_current();

    sched_reap();
    if (!p) {
        fmt_snprintf(err, errlen, "%s: out of memory", name);
        return NULL;
    }
    kobj_init(&p->obj, &process_type);
    p->create_time = time_wall_filetime();
    handle_table_init(&p->handles);
    p->cwd_lock = (struct spinlock)SPINLOCK_INIT_RANKED("cwd", LOCK_RANK_CWD);
    sleeplock_init(&p->loader_lock, "loader");
    p->image_lock = (struct spinlock)SPINLOCK_INIT_RANKED("images", LOCK_RANK_IMAGES);
    *why = K_ENOMEM;
    list_init(&p->threads);
    strlcpy(p->name, name, sizeof p->name);
    p->parent_pid = parent ? parent->pid : 0;
    if (parent) { /* the child starts in its parent's current directory */
        spin_lock(&parent->cwd_lock);
        p->cwd = vfs_cwd_hold(parent->cwd);
        spin_unlock(&parent->cwd_lock);
    }
    uint64_t flags = sched_lock_irq();
    p->pid = next_pid++;
    list_push_back(&all_processes, &p->all_node);
    sched_unlock_irq(flags);
    /* Not zeroed: the loader initialises each entry it uses (image_count of them). */
    p->images = kmalloc(PROCESS_MAX_IMAGES * sizeof *p->images);
    p->space = vmm_space_create();
    if (!p->images || !p->space || strlen(cmdline) >= MAX_CMDLINE) {
        fmt_snprintf(err, errlen, "%s: %s", name,
                     strlen(cmdline) >= MAX_CMDLINE ? "command line too long" : "out of memory");
        goto fail;
    }

    vmm_space_activate(p->space);
    /* A bare program name, as CreateProcess looks for it: the directory of the parent's
     * program, the current directory, System32, the Windows directory. */
    if (parent && parent->exe_dir[0])
        fmt_snprintf(search, sizeof search, "%s;.;%s;%s", parent->exe_dir, IMAGE_SYSTEM_DIR,
                     IMAGE_WINDOWS_DIR);
    else
        fmt_snprintf(search, sizeof search, "%s", IMAGE_SYSTEM_DIR);
    struct loaded_image *exe = loader_load_image(p, name, search, err, errlen, why);
    if (!exe)
        goto fail_active;
    *why = K_ENOEXEC;
    if (pe_is_dll(exe->pe)) {
        fmt_snprintf(err, errlen, "%s: is a DLL, not a program", exe->name);
        goto fail_active;
    }
    strlcpy(p->name, exe->name, sizeof p->name); /* as the file system spells it */
    struct loaded_image *ntdll = NULL;
    if (load_ntdll(p, &ntdll, err, errlen) != 0)
        goto fail_active;
    *why = K_ENOMEM;
    uint64_t reserve = exe->pe->stack_reserve, commit = exe->pe->stack_commit;
    if (reserve < MIN_STACK_RESERVE)
        reserve = MIN_STACK_RESERVE;
    if (commit < PAGE_SIZE)
        commit = PAGE_SIZE;
    if (commit + 2 * PAGE_SIZE > reserve)
        commit = reserve - 2 * PAGE_SIZE;
    vaddr_t top, area = 0;
    struct thread *t = thread_alloc(p);
    if (!t) {
        fmt_snprintf(err, errlen, "%s: out of memory", exe->name);
        goto fail_active;
    }
    p->main_thread = t;
    if (vmm_reserve_stack(p->space, reserve, commit, VM_READ | VM_WRITE, &top) != 0 ||
        vmm_reserve(p->space, &area, PEB_AREA_PAGES * PAGE_SIZE, VM_READ | VM_WRITE,
                    VM_COMMIT) != 0 ||
        (p->image_paths = area + PATHS_OFFSET, build_peb(p, exe, cmdline, area) != 0) ||
        build_teb(p, t, top, reserve, area) != 0 ||
        build_loader_data(p, p->peb + sizeof(struct dormer_peb)) != 0) {
        fmt_snprintf(err, errlen, "%s: cannot set up its stack and environment", exe->name);
        goto fail_active;
    }
    /* As if called: a zero return address below 32 bytes of home space. */
    t->user_stack = top - 0x28;
    t->stack_reservation = top - reserve;
    t->user_entry = exe->base + exe->pe->entry_rva;
    if (ntdll) {
        uint64_t startup = loader_find_export(ntdll, NTDLL_STARTUP);
        if (startup)
            t->user_entry = startup;
    }
    t->user_arg = p->peb;
    sched_prepare_thread(t, user_thread_start, t);
    thread_attach(p, t);
    vmm_space_activate(previous);
    thread_current()->space_active = previous;
    return p;

fail_active:
    vmm_space_activate(previous);
    thread_current()->space_active = previous;
fail:
    if (p->main_thread) {
        kstack_destroy(p->main_thread->kstack);
        p->main_thread->kstack = NULL;
        kobj_unref(&p->main_thread->obj);
        p->main_thread = NULL;
    }
    kobj_unref(&p->obj);
    return NULL;
}

void process_start(struct process *p)
{
    sched_start_thread(p->main_thread);
}

dormer_status_t process_run(struct process *p)
{
    struct kobject *obj = &p->obj;
    bool abandoned;

    process_start(p);
    sched_wait(&obj, 1, false, DORMER_INFINITE, &abandoned);
    return p->exit_status;
}

struct thread *thread_create_user(struct process *p, uint64_t entry, uint64_t arg,
                                  uint64_t stack_reserve, int *err)
{
    struct thread *t;
    vaddr_t top, teb = 0;

    if (stack_reserve == 0)
        stack_reserve = DEFAULT_THREAD_STACK;
    if (stack_reserve < MIN_STACK_RESERVE)
        stack_reserve = MIN_STACK_RESERVE;
    stack_reserve = (stack_reserve + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    *err = K_ENOMEM;
    t = thread_alloc(p);
    if (!t)
        return NULL;
    *err = vmm_reserve_stack(p->space, stack_reserve, PAGE_SIZE, VM_READ | VM_WRITE, &top);
    if (!*err)
        *err = vmm_reserve(p->space, &teb, DORMER_TEB_SIZE, VM_READ | VM_WRITE, VM_COMMIT);
    if (!*err)
        *err = build_teb(p, t, top, stack_reserve, teb);
    if (*err) {
        kstack_destroy(t->kstack);
        t->kstack = NULL;
        kobj_unref(&t->obj);
        return NULL;
    }
    t->user_entry = entry;
    t->user_stack = top - 0x28;
    t->user_arg = arg;
    t->stack_reservation = top - stack_reserve;
    t->teb_reservation = teb;
    sched_prepare_thread(t, user_thread_start, t);
    thread_attach(p, t);
    kobj_ref(&t->obj); /* the caller's */
    sched_start_thread(t);
    return t;
}

void thread_exit_current(dormer_status_t status)
{
    struct thread *t = thread_current();
    struct process *p = t->process;
    int64_t now = time_wall_filetime();
    uint64_t flags = sched_lock_irq();

    t->exit_status = status;
    t->exit_time = now;
    bool last = p && --p->live_threads == 0;
    if (last && !p->terminating)
        p->exit_status = status;
    sched_unlock_irq(flags);
    if (last) {
        process_release(p);
    } else if (p) {
        /* The process goes on: give back this thread's stack and TEB now, so a
         * program that keeps making threads does not keep their memory. */
        if (t->stack_reservation)
            vmm_release(p->space, t->stack_reservation);
        if (t->teb_reservation)
            vmm_release(p->space, t->teb_reservation);
    }
    sched_lock_irq(); /* held into the switch; never returned to */
    if (last) {
        p->exit_time = now;
        p->exited = true;
        kobj_wake_all_locked(&p->obj);
    }
    sched_exit_locked();
}

void process_terminate(struct process *p, dormer_status_t status)
{
    uint64_t flags = sched_lock_irq();

    if (!p->exited && !p->terminating) {
        p->terminating = true;
        p->exit_status = status;
        struct list_node *n;
        list_for_each(n, &p->threads) {
            struct thread *t = list_entry(n, struct thread, proc_node);
            if (t->state != THREAD_DEAD) {
                t->terminate = true;
                sched_wake_thread_locked(t);
            }
        }
    }
    sched_unlock_irq(flags);
}

void process_exit_current(dormer_status_t status)
{
    process_terminate(process_current(), status);
    thread_exit_current(process_current()->exit_status);
}

void process_for_each(void (*fn)(struct process *p, void *ctx), void *ctx)
{
    uint64_t flags = sched_lock_irq();
    struct list_node *n;

    list_for_each(n, &all_processes)
        fn(list_entry(n, struct process, all_node), ctx);
    sched_unlock_irq(flags);
}

struct process *process_get_by_id(uint64_t pid)
{
    struct process *found = NULL;
    uint64_t flags = sched_lock_irq();
    struct list_node *n;

    list_for_each(n, &all_processes) {
        struct process *p = list_entry(n, struct process, all_node);
        if (p->pid == pid) {
            if (kobj_ref_unless_zero(&p->obj))
                found = p;
            break;
        }
    }
    sched_unlock_irq(flags);
    return found;
}

bool process_image_at(struct process *p, uint64_t addr, struct loaded_image *copy)
{
    bool found = false;

    spin_lock(&p->image_lock);
    for (size_t i = 0; p->images && i < p->image_count && !found; i++) {
        const struct loaded_image *img = &p->images[i];
        if (img->name[0] && addr >= img->base && addr - img->base < img->size) {
            found = true;
            if (copy)
                *copy = *img;
        }
    }
    spin_unlock(&p->image_lock);
    return found;
}

int handle_insert(struct process *p, struct kobject *obj, uint64_t *handle)
{
    return handle_table_insert(&p->handles, obj, obj->type->valid_access, 0, handle);
}

int handle_get(struct process *p, uint64_t handle, const struct kobj_type *type, uint32_t need,
               struct kobject **out, struct handle_entry *entry)
{
    struct kobject *obj = NULL;

    if (p == process_current()) { /* the pseudo-handles grant everything */
        if (handle == DORMER_CURRENT_PROCESS)
            obj = &p->obj;
        else if (handle == DORMER_CURRENT_THREAD)
            obj = &thread_current()->obj;
    }
    if (!obj)
        return handle_table_get(&p->handles, handle, type, need, out, entry);
    *out = NULL;
    if (!kobj_is(obj, type))
        return K_ETYPE;
    kobj_ref(obj);
    *out = obj;
    if (entry)
        *entry = (struct handle_entry){ obj, obj->type->valid_access, 0 };
    return 0;
}

struct kobject *handle_lookup(struct process *p, uint64_t handle, const struct kobj_type *type)
{
    struct kobject *obj;

    return handle_get(p, handle, type, 0, &obj, NULL) == 0 ? obj : NULL;
}

int handle_close(struct process *p, uint64_t handle)
{
    return handle_table_close(&p->handles, handle);
}
