/*
 * Process creation, running and teardown. Creation builds the address space with
 * the space active (the loader copies through the user-access routines), then a
 * main thread whose first switch enters user mode at the image's entry point with
 * RCX = the PEB, like Windows. Run-to-completion for now: the creator's thread
 * switches to the main thread and is switched back to when the process ends.
 */
#include <abi/peb.h>
#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/uaccess.h>
#include <core/panic.h>
#include <core/printk.h>
#include <lib/errno.h>
#include <lib/fmt.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/kstack.h>
#include <proc/process.h>

#define KERNEL_STACK_SIZE (16 * 1024)
#define MIN_STACK_RESERVE (64 * 1024)
#define MAX_CMDLINE       1024
#define PEB_AREA_PAGES    4 /* TEB, PEB, process parameters (2 pages) */

static struct thread boot_thread;
static struct thread *current = &boot_thread;
static uint64_t next_pid = 1, next_tid = 1;

struct thread *thread_current(void)
{
    return current;
}

struct process *process_current(void)
{
    return current->process;
}

/* The first code a user thread runs, on its own kernel stack. */
static void user_thread_start(void *arg)
{
    struct thread *t = arg;

    arch_enter_user(t->user_entry, t->user_stack, t->process->peb, t->teb);
}

/* Write the TEB, PEB and process parameters (command line in UTF-16 and ANSI). */
static int build_peb(struct process *p, const struct loaded_image *exe, const char *cmdline,
                     uint64_t stack_top, uint64_t stack_reserve, struct thread *t)
{
    vaddr_t area = 0;
    size_t len = strlen(cmdline);

    if (len >= MAX_CMDLINE)
        return K_EINVAL;
    int rc = vmm_reserve(p->space, &area, PEB_AREA_PAGES * PAGE_SIZE, VM_READ | VM_WRITE,
                         VM_COMMIT);
    if (rc)
        return rc;
    uint64_t teb = area, peb = area + PAGE_SIZE, params = area + 2 * PAGE_SIZE;
    uint64_t wide = params + sizeof(struct dormer_process_parameters);
    uint64_t ansi = wide + 2 * (len + 1);

    static struct dormer_teb kteb;
    static struct dormer_peb kpeb;
    static struct dormer_process_parameters kparams;
    memset(&kteb, 0, sizeof kteb);
    memset(&kpeb, 0, sizeof kpeb);
    memset(&kparams, 0, sizeof kparams);
    kteb.self = teb;
    kteb.stack_base = stack_top;
    kteb.stack_limit = stack_top - stack_reserve;
    kteb.client_id_process = p->pid;
    kteb.client_id_thread = t->tid;
    kteb.process_environment_block = peb;
    kpeb.image_base_address = exe->base;
    kpeb.process_parameters = params;
    kparams.command_line.length = (uint16_t)(2 * len);
    kparams.command_line.maximum_length = (uint16_t)(2 * (len + 1));
    kparams.command_line.buffer = wide;
    kparams.image_path_name = kparams.command_line;
    kparams.image_path_name.length = 0;
    kparams.command_line_ansi = ansi;
    kparams.command_line_ansi_length = len;

    rc = copy_to_user(uptr(teb), &kteb, sizeof kteb);
    if (!rc)
        rc = copy_to_user(uptr(peb), &kpeb, sizeof kpeb);
    if (!rc)
        rc = copy_to_user(uptr(params), &kparams, sizeof kparams);
    for (size_t i = 0; !rc && i <= len; i++) {
        uint16_t w = (uint8_t)cmdline[i]; /* ASCII/Latin-1 widened */
        rc = copy_to_user(uptr(wide + 2 * i), &w, sizeof w);
    }
    if (!rc)
        rc = copy_to_user(uptr(ansi), cmdline, len + 1);
    p->peb = peb;
    t->teb = teb;
    return rc;
}

struct process *process_create(const char *name, const char *cmdline, char *err, size_t errlen)
{
    struct process *p = kcalloc(1, sizeof *p);
    struct thread *t = kcalloc(1, sizeof *t);
    vmm_space_t *previous = vmm_current_user_space();

    if (!p || !t) {
        fmt_snprintf(err, errlen, "%s: out of memory", name);
        goto fail;
    }
    p->pid = next_pid++;
    strlcpy(p->name, name, sizeof p->name);
    p->space = vmm_space_create();
    t->kstack = kstack_create(KERNEL_STACK_SIZE, p->name);
    if (!p->space || !t->kstack) {
        fmt_snprintf(err, errlen, "%s: out of memory", name);
        goto fail;
    }
    t->tid = next_tid++;
    t->process = p;
    p->main_thread = t;

    vmm_space_activate(p->space);
    struct loaded_image *exe = loader_load_image(p, name, err, errlen);
    if (!exe)
        goto fail_active;
    if (pe_is_dll(&exe->pe)) {
        fmt_snprintf(err, errlen, "%s: is a DLL, not a program", exe->name);
        goto fail_active;
    }
    uint64_t reserve = exe->pe.stack_reserve, commit = exe->pe.stack_commit;
    if (reserve < MIN_STACK_RESERVE)
        reserve = MIN_STACK_RESERVE;
    if (commit < PAGE_SIZE)
        commit = PAGE_SIZE;
    if (commit + 2 * PAGE_SIZE > reserve)
        commit = reserve - 2 * PAGE_SIZE;
    vaddr_t top;
    if (vmm_reserve_stack(p->space, reserve, commit, VM_READ | VM_WRITE, &top) != 0) {
        fmt_snprintf(err, errlen, "%s: cannot reserve a %llu KiB stack", exe->name,
                     (unsigned long long)(reserve >> 10));
        goto fail_active;
    }
    if (build_peb(p, exe, cmdline, top, reserve, t) != 0) {
        fmt_snprintf(err, errlen, "%s: cannot build the process environment", exe->name);
        goto fail_active;
    }
    /* As if called: a zero return address below 32 bytes of home space. */
    t->user_stack = top - 0x28;
    t->user_entry = exe->base + exe->pe.entry_rva;
    t->saved_sp = arch_context_init(t->kstack->hi, user_thread_start, t);
    vmm_space_activate(previous);
    return p;

fail_active:
    vmm_space_activate(previous);
fail:
    if (p) {
        if (p->space)
            vmm_space_destroy(p->space);
        if (t && t->kstack)
            kstack_destroy(t->kstack);
        kfree(p);
    }
    kfree(t);
    return NULL;
}

dormer_status_t process_run(struct process *p)
{
    struct thread *self = current, *t = p->main_thread;
    vmm_space_t *previous = vmm_current_user_space();

    ASSERT(!p->exited && t->saved_sp);
    t->waiter = self;
    uint64_t flags = arch_irq_save();
    current = t;
    arch_set_kernel_stack(t->kstack->hi);
    vmm_space_activate(p->space);
    arch_context_switch(&self->saved_sp, t->saved_sp);
    /* Back: the process has ended (process_exit_current switched to us). */
    current = self;
    vmm_space_activate(previous);
    arch_irq_restore(flags);
    return p->exit_status;
}

void process_exit_current(dormer_status_t status)
{
    struct thread *t = current;
    struct process *p = t->process;

    ASSERT(p != NULL);
    arch_irq_disable();
    p->exit_status = status;
    p->exited = true;
    current = t->waiter;
    arch_context_switch(&t->saved_sp, t->waiter->saved_sp);
    panic("exited thread %llu was resumed", (unsigned long long)t->tid);
}

void process_destroy(struct process *p)
{
    for (uint64_t h = 4; h <= 4 * PROCESS_MAX_HANDLES; h += 4)
        handle_close(p, h);
    vmm_space_destroy(p->space);
    kstack_destroy(p->main_thread->kstack);
    kfree(p->main_thread);
    kfree(p);
}

const struct loaded_image *process_image_at(const struct process *p, uint64_t addr)
{
    for (size_t i = 0; i < p->image_count; i++) {
        const struct loaded_image *img = &p->images[i];
        if (addr >= img->base && addr - img->base < img->size)
            return img;
    }
    return NULL;
}

int handle_alloc(struct process *p, uint8_t type, uint64_t *handle)
{
    for (int i = 0; i < PROCESS_MAX_HANDLES; i++) {
        if (p->handles[i].type == HANDLE_FREE) {
            memset(&p->handles[i], 0, sizeof p->handles[i]);
            p->handles[i].type = type;
            *handle = 4 * (uint64_t)(i + 1);
            return 0;
        }
    }
    return K_ENOSPC;
}

struct handle_entry *handle_get(struct process *p, uint64_t handle, uint8_t type)
{
    if (handle == 0 || handle % 4 || handle > 4 * PROCESS_MAX_HANDLES)
        return NULL;
    struct handle_entry *e = &p->handles[handle / 4 - 1];
    return e->type == type ? e : NULL;
}

int handle_close(struct process *p, uint64_t handle)
{
    if (handle == 0 || handle % 4 || handle > 4 * PROCESS_MAX_HANDLES)
        return K_EBADF;
    struct handle_entry *e = &p->handles[handle / 4 - 1];
    if (e->type == HANDLE_FREE)
        return K_EBADF;
    e->type = HANDLE_FREE;
    return 0;
}
