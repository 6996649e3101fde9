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
#include <lib/errno.h>
#include <lib/fmt.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/kstack.h>
#include <proc/process.h>

#define KERNEL_STACK_SIZE    (16 * 1024)
#define MIN_STACK_RESERVE    (64 * 1024)
#define DEFAULT_THREAD_STACK (1024 * 1024)

static struct list all_processes = LIST_INIT(all_processes); /* protected by sched_lock */
static const struct process_cwd_ops *cwd_ops; /* fs's (process_set_cwd_ops) */
static void (*image_release)(struct process *p); /* the loader's (process_set_image_release) */
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

    struct arch_regs *frame = arch_user_frame(t->kstack->hi);

    thread_check_terminate();
    arch_set_user_gs_base(t->teb);
    thread_park_if_suspended(frame); /* suspended (or its context set) before it ran */
    arch_syscall_return_full(frame);
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
    if (cwd)
        cwd_ops->drop(cwd); /* only fs makes them, and it installed cwd_ops first */
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
    if (p->images && image_release)
        image_release(p);
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

void process_set_cwd_ops(const struct process_cwd_ops *ops)
{
    cwd_ops = ops;
}

void process_set_image_release(void (*fn)(struct process *p))
{
    image_release = fn;
}

struct process *process_alloc(const char *name, char *err, size_t errlen)
{
    struct process *p = kcalloc(1, sizeof *p);
    struct process *parent = process_current();

    sched_reap();
    if (!p) {
        fmt_snprintf(err, errlen, "%s: out of memory", name);
        return NULL;
    }
    kobj_init(&p->obj, &process_type);
    p->create_time = time_wall_filetime();
    handle_table_init_zeroed(&p->handles); /* kcalloc cleared its slots */
    p->cwd_lock = (struct spinlock)SPINLOCK_INIT_RANKED("cwd", LOCK_RANK_CWD);
    sleeplock_init(&p->loader_lock, "loader");
    p->image_lock = (struct spinlock)SPINLOCK_INIT_RANKED("images", LOCK_RANK_IMAGES);
    list_init(&p->threads);
    strlcpy(p->name, name, sizeof p->name);
    p->parent_pid = parent ? parent->pid : 0;
    if (parent) { /* the child starts in its parent's current directory */
        spin_lock(&parent->cwd_lock);
        p->cwd = parent->cwd ? cwd_ops->hold(parent->cwd) : NULL;
        spin_unlock(&parent->cwd_lock);
    }
    uint64_t flags = sched_lock_irq();
    p->pid = next_pid++;
    list_push_back(&all_processes, &p->all_node);
    sched_unlock_irq(flags);
    /* Not zeroed: the loader initialises each entry it uses (image_count of them). */
    p->images = kmalloc(PROCESS_MAX_IMAGES * sizeof *p->images);
    p->space = vmm_space_create();
    if (!p->images || !p->space) {
        fmt_snprintf(err, errlen, "%s: out of memory", name);
        kobj_unref(&p->obj);
        return NULL;
    }
    return p;
}

struct thread *process_alloc_main_thread(struct process *p)
{
    p->main_thread = thread_alloc(p);
    return p->main_thread;
}

int process_setup_main_thread(struct process *p, uint64_t top, uint64_t reserve,
                              uint64_t area, uint64_t entry, uint64_t arg)
{
    struct thread *t = p->main_thread;
    int rc = build_teb(p, t, top, reserve, area);

    if (rc)
        return rc;
    /* As if called: a zero return address below 32 bytes of home space. */
    t->user_stack = top - 0x28;
    t->stack_reservation = top - reserve;
    t->user_entry = entry;
    t->user_arg = arg;
    sched_prepare_thread(t, user_thread_start, t);
    arch_regs_init_user(arch_user_frame(t->kstack->hi), entry, t->user_stack, arg);
    thread_attach(p, t);
    return 0;
}

void process_discard(struct process *p)
{
    struct thread *t = p->main_thread; /* never attached: its stack is ours to free */

    if (t) {
        kstack_destroy(t->kstack);
        t->kstack = NULL;
        p->main_thread = NULL;
        kobj_unref(&t->obj);
    }
    kobj_unref(&p->obj);
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
    if (!*err) {
        /* The TEB's first page and the stack's top are written at once: their frames
         * now, without the fault path (one that cannot be filled faults in as before). */
        (void)vmm_fill_page(p->space, teb, NULL, 0);
        (void)vmm_fill_page(p->space, top - PAGE_SIZE, NULL, 0);
        *err = build_teb(p, t, top, stack_reserve, teb);
    }
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
    arch_regs_init_user(arch_user_frame(t->kstack->hi), entry, t->user_stack, arg);
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

    /* Give back this thread's stack and TEB first, while it still counts as live, so a
     * program that keeps making threads does not keep their memory. Done after the
     * count went down, the last thread could destroy the space under the release (a
     * large stack takes long enough to be preempted): a use after free. */
    if (p && t->stack_reservation)
        vmm_release(p->space, t->stack_reservation);
    if (p && t->teb_reservation)
        vmm_release(p->space, t->teb_reservation);
    t->stack_reservation = t->teb_reservation = 0;
    uint64_t flags = sched_lock_irq();
    t->exit_status = status;
    t->exit_time = now;
    bool last = p && --p->live_threads == 0;
    if (last && !p->terminating)
        p->exit_status = status;
    if (p && !last) {
        /* Uncounted now, this thread must not hold on to the space either: the last
         * thread may destroy it before this one is switched out for good. */
        vmm_space_activate(NULL);
        t->space_active = NULL;
    }
    sched_unlock_irq(flags);
    if (last)
        process_release(p);
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
                t->return_work = 1;
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

const char *process_unimplemented_at(const struct process *p, uint64_t addr)
{
    if (!p->unimpl_base || addr < p->unimpl_base)
        return NULL;
    uint64_t i = (addr - p->unimpl_base) / PROCESS_UNIMPL_SLOT;
    return i < p->unimpl_count ? p->unimpl_names[i] : NULL;
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

/* handle_get's body, inlined into handle_lookup too (every object call makes one). */
static inline __attribute__((always_inline)) int get_handle(struct process *p, uint64_t handle,
                                                            const struct kobj_type *type,
                                                            uint32_t need, struct kobject **out,
                                                            struct handle_entry *entry)
{
    /* The pseudo-handles grant everything, in the current process only (elsewhere the
     * table refuses them: no slot has their values). */
    if ((handle != DORMER_CURRENT_PROCESS && handle != DORMER_CURRENT_THREAD) ||
        p != process_current())
        return handle_table_get(&p->handles, handle, type, need, out, entry);
    struct kobject *obj = handle == DORMER_CURRENT_PROCESS ? &p->obj : &thread_current()->obj;

    *out = NULL;
    if (!kobj_is(obj, type))
        return K_ETYPE;
    kobj_ref(obj);
    *out = obj;
    if (entry)
        *entry = (struct handle_entry){ obj, obj->type->valid_access, 0 };
    return 0;
}

int handle_get(struct process *p, uint64_t handle, const struct kobj_type *type, uint32_t need,
               struct kobject **out, struct handle_entry *entry)
{
    return get_handle(p, handle, type, need, out, entry);
}

struct kobject *handle_lookup(struct process *p, uint64_t handle, const struct kobj_type *type)
{
    struct kobject *obj;

    return get_handle(p, handle, type, 0, &obj, NULL) == 0 ? obj : NULL;
}

int handle_close(struct process *p, uint64_t handle)
{
    return handle_table_close(&p->handles, handle);
}
