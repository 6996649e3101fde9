/*
 * Processes and their threads. A process owns an address space, a handle table and
 * the images (the .exe and its DLLs) loaded into it; a thread owns a kernel stack
 * and, for user threads, a TEB. Processes and threads are kernel objects: waitable,
 * reference-counted, named by handles. A process's memory is freed when it ends;
 * its small record stays until the last handle to it is closed.
 */
#ifndef PROC_PROCESS_H
#define PROC_PROCESS_H

#include <abi/peb.h>
#include <abi/status.h>
#include <arch/context.h>
#include <core/spinlock.h>
#include <lib/list.h>
#include <mm/vmm.h>
#include <ob/handle.h>
#include <proc/sched.h>
#include <proc/sleeplock.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROCESS_NAME_MAX   64
#define PROCESS_MAX_IMAGES 16 /* DORMER_MAX_IMAGES: slot i is loader entry i */
#define PROCESS_MAX_HANDLES HANDLE_TABLE_SIZE

struct kstack;
struct process;
struct bootfs_file;
struct image_section;
struct pe_image;
struct vfs_cwd;
struct dormer_context;

struct thread {
    struct kobject obj;          /* waitable: signaled once the thread has ended */
    uint64_t tid;
    struct process *process;     /* NULL for kernel threads */
    struct kstack *kstack;       /* NULL for the boot thread (it runs on the boot stack) */
    uint64_t saved_sp;           /* arch context while not running */
    void (*start)(void *arg);    /* first code a new thread runs (kernel mode) */
    void *start_arg;
    /* protected by sched_lock */
    uint8_t state;               /* enum thread_state */
    uint8_t priority;            /* DORMER_PRIORITY_* */
    bool terminate;              /* killed: leave at the next chance */
    uint8_t return_work;         /* nonzero: stop on the way back to user mode (killed,
                                    suspended, or its user frame changed); the byte
                                    the system-call exit tests (percpu kill_flag) */
    uint32_t suspend_count;      /* SuspendThread's count; parks at the way back to user */
    bool parked;                 /* stopped on the way back to user mode, its whole
                                    user state in its user frame and fpu */
    bool frame_changed;          /* SetThreadContext wrote its user frame */
    int32_t slice;               /* ticks left in this time slice */
    uint64_t ready_since;        /* tick it became ready (for aging) */
    uint64_t wake_tick;          /* blocked with a timeout: uptime (ns) to give up at */
    bool timed_out;
    struct list_node run_node;   /* run queue or the sleep list */
    struct list mutexes;         /* kmutex.owner_node of mutexes it owns */
    struct list_node proc_node;  /* in process->threads */
    struct list_node zombie_node;
    struct vmm_space *space_active; /* the user space this thread runs with */
    uint64_t wait_key;           /* DmWaitOnAddress: the address waited on */
    dormer_status_t exit_status;
    /* user threads */
    uint64_t teb, user_entry, user_stack, user_arg;
    uint64_t stack_reservation;  /* base of its user stack's reservation (freed at exit) */
    uint64_t teb_reservation;    /* base of its own TEB reservation, 0 if in the PEB area */
    struct arch_fpu fpu;         /* saved FPU/SSE registers while not running */
    /* CPU time: timer ticks that found it running in user or kernel mode (sched_lock) */
    uint64_t user_ticks, kernel_ticks;
    int64_t create_time, exit_time; /* FILETIME (UTC); exit_time 0 while it runs */
};

/* An image in a process: a slot of p->images, free when name is empty. */
struct loaded_image {
    char name[PROCESS_NAME_MAX];   /* the file's name, as the file system spells it */
    uint64_t base, size;
    const uint8_t *file; /* the file's bytes (a boot file or `owned`), for symbols */
    size_t file_size;
    struct image_section *section; /* shared by every process that loads the file, or
                                      private (section->is_private) with `owned` */
    const struct pe_image *pe;     /* the section's parse */
    struct bootfs_file *owned;     /* a file-system file's private copy, or NULL */
    char path[DORMER_IMAGE_PATH_CHARS]; /* full path ("C:\Windows\System32\x.dll") */
    bool ready;          /* imports resolved: used to catch circular dependencies */
    bool dynamic;        /* loaded at run time (LoadLibrary): may be unloaded */
};

/* The private file copy and section of an unloaded image, kept until no fault report
 * can be reading them (see loader_free_retired). */
struct retired_image {
    struct bootfs_file *owned;
    struct image_section *section;
    struct retired_image *next;
};

/* Unimplemented imports: at most this many per process, each one address apart by
 * PROCESS_UNIMPL_SLOT in a reserved, never-committed region. */
#define PROCESS_MAX_UNIMPL  2048
#define PROCESS_UNIMPL_SLOT 16
#define PROCESS_UNIMPL_NAME 72

struct process {
    struct kobject obj;          /* waitable: signaled once the process has ended */
    uint64_t pid, parent_pid;
    char name[PROCESS_NAME_MAX];
    vmm_space_t *space;          /* NULL once it has ended (memory freed at exit) */
    struct thread *main_thread;
    /* The images, protected by loader_lock once the process runs (before, only its
     * creator touches them). Fault reports read them without it, counted in
     * image_readers (atomic) so that nothing they might read is freed meanwhile. */
    struct sleeplock loader_lock;
    /* The slots' pointer fields (file, pe, section, owned, name) change only under
     * image_lock, so a reader that copies a slot under it gets a consistent image. */
    struct spinlock image_lock;
    struct loaded_image *images; /* PROCESS_MAX_IMAGES, kmalloc'd */
    size_t image_count;
    uint8_t init_order[PROCESS_MAX_IMAGES]; /* image indices, each after its DLLs */
    size_t init_count;
    struct retired_image *retired;
    uint32_t image_readers;
    char exe_dir[DORMER_IMAGE_PATH_CHARS]; /* the program's directory, searched first for DLLs */
    uint64_t image_paths;        /* user address of the full paths, IMAGE_PATH_MAX
                                    UTF-16 units per slot (the loader entries' FullDllName) */
    struct handle_table handles;
    struct spinlock cwd_lock;
    struct vfs_cwd *cwd;         /* current directory (NULL: C:\); protected by cwd_lock */
    /* Imports no DLL exports, bound to never-mapped addresses (see loader.c). */
    vaddr_t unimpl_base;         /* 0: none */
    char (*unimpl_names)[PROCESS_UNIMPL_NAME]; /* PROCESS_MAX_UNIMPL, kmalloc'd */
    size_t unimpl_count;
    /* Standard handles (NULL: the console), each a reference to a pipe end or an open
     * file: console input comes from std_in, console output goes to std_out, error
     * output to std_err, or without one to std_out unless std_err_console. Set before
     * the process starts, released when it ends. */
    struct kobject *std_in, *std_out, *std_err;
    bool std_err_console;
    uint64_t peb;
    uint64_t exception_dispatcher; /* ntdll's KiUserExceptionDispatcher, 0: none */
    /* protected by sched_lock */
    struct list threads;
    uint32_t live_threads;
    bool exited, terminating;
    dormer_status_t exit_status;
    uint64_t ended_user_ticks, ended_kernel_ticks; /* of its threads already destroyed */
    int64_t create_time, exit_time; /* FILETIME (UTC); exit_time 0 while it runs */
    struct list_node all_node;   /* in the global process list */
};

/*
 * The parts of a new process (the loader's loader_create_process puts them together):
 * process_alloc makes the record with its address space, handle table, current
 * directory (the caller's) and an empty image table; NULL when out of memory (err says
 * so, naming `name`). process_alloc_main_thread makes its main thread, not yet runnable;
 * process_setup_main_thread writes that thread's TEB at the start of the process's
 * environment area `area` (the caller reserved it), for a stack of `reserve` bytes
 * below top, entering user mode at entry(arg); process_ready_main_thread makes it
 * runnable once process_start is called. process_discard drops a process that never
 * started (what was made is freed). Thread context.
 */
struct process *process_alloc(const char *name, char *err, size_t errlen);
struct thread *process_alloc_main_thread(struct process *p);
int process_setup_main_thread(struct process *p, uint64_t top, uint64_t reserve,
                              uint64_t area, uint64_t entry, uint64_t arg);
void process_discard(struct process *p);

/* How proc holds and drops a current directory (struct vfs_cwd, fs's object),
 * installed by fs at INIT_FS: a child gets a reference to its parent's, and a process
 * drops its own when it ends. */
struct process_cwd_ops {
    struct vfs_cwd *(*hold)(struct vfs_cwd *c);
    void (*drop)(struct vfs_cwd *c);
};
void process_set_cwd_ops(const struct process_cwd_ops *ops);

/* What the loader frees of a process's images when the process ends (installed by the
 * loader, called once from the last thread or process_discard). */
void process_set_image_release(void (*fn)(struct process *p));

/* Let p's main thread run. The caller keeps the reference loader_create_process returned
 * (drop it with kobj_unref once done with the record). */
void process_start(struct process *p);

/* Start p and wait for it to end; returns its exit status. */
dormer_status_t process_run(struct process *p);

/* End the whole current process with status (its other threads are killed).
 * Never returns. */
__attribute__((noreturn)) void process_exit_current(dormer_status_t status);

/* Kill another process: its threads leave at their next chance. */
void process_terminate(struct process *p, dormer_status_t status);

/* End the current thread; the process ends with its last thread. Never returns. */
__attribute__((noreturn)) void thread_exit_current(dormer_status_t status);

/* A new user thread in the current process starting at entry(arg) with a stack of
 * stack_reserve bytes. Returns it with one reference for the caller. */
struct thread *thread_create_user(struct process *p, uint64_t entry, uint64_t arg,
                                  uint64_t stack_reserve, int *err);

/* A kernel thread running fn(arg). */
struct thread *thread_create_kernel(void (*fn)(void *arg), void *arg);

/* Leave now if this thread was killed (called on the way back to user mode). */
void thread_check_terminate(void);

/* Anything to do before returning to user mode: a switch, a kill, a suspension.
 * Lock-free. */
static inline bool sched_exit_work_pending(void)
{
    return percpu_need_resched() || thread_current()->return_work;
}

/* ---- suspension and thread contexts (proc/suspend.c) ----
 * A thread is suspended on its way back to user mode: the system-call exit and the
 * interrupt return both call thread_park_if_suspended, which blocks while the count is
 * above 0. A thread's user frame (arch_user_frame of its kernel stack) always holds its
 * whole user state while it is not running user code, so another thread may read or
 * write it once the thread is parked or blocked in the kernel. */

/* SuspendThread: one more count; *previous gets the count before. K_ERANGE at
 * DORMER_MAXIMUM_SUSPEND_COUNT, K_EPERM for a thread that is ending. The calling
 * thread stops on its way back to user mode. */
int thread_suspend(struct thread *t, uint32_t *previous);

/* ResumeThread: one count less (none at 0); *previous gets the count before. */
int thread_resume(struct thread *t, uint32_t *previous);

/* On the way back to user mode (nothing locked, frame = the current thread's user
 * frame): stop while suspended. Returns true when another thread changed the frame
 * meanwhile: the caller must return through the full path. A changed frame that
 * cannot be resumed (non-user RIP or RSP) has become an access violation of the
 * thread at that address (the exception dispatcher's frame, or the process's end). */
bool thread_park_if_suspended(struct arch_regs *frame);

/* Get (set false) or Set (true) the user context of t: the parts ctx->context_flags
 * names. The current thread's own frame, or another thread's once it is parked or
 * blocked in the kernel (briefly suspending it when it is not). Returns 0,
 * K_EINVAL / K_ENOSYS (arch_regs_load_context), K_EPERM (t is ending), K_EINTR. */
int thread_context(struct thread *t, struct dormer_context *ctx, bool set);

/* Every process, for DmQuerySystemProcesses: calls fn for each (sched_lock held). */
void process_for_each(void (*fn)(struct process *p, void *ctx), void *ctx);
/* A reference to the process with this id (ended ones too, while anything holds
 * them), or NULL. */
struct process *process_get_by_id(uint64_t pid);

/* The running thread's process (NULL for kernel threads). */
static inline struct process *process_current(void)
{
    return thread_current()->process;
}

/* The process types (proc/process.c). */
extern const struct kobj_type process_type, thread_type;

/* A process's handles (its table, ob/handle.h), plus the pseudo-handles -1 and -2
 * for the current process and thread, which grant all access. */
/* A new handle with all the type's access, not inheritable. */
int handle_insert(struct process *p, struct kobject *obj, uint64_t *handle);
/* The object named by handle, referenced: K_EBADF, K_ETYPE (not of type; NULL: any),
 * K_EACCES (the handle lacks some access in need). entry (may be NULL) gets a copy of
 * the handle's entry. */
int handle_get(struct process *p, uint64_t handle, const struct kobj_type *type, uint32_t need,
               struct kobject **out, struct handle_entry *entry);
/* The same without the reason: NULL when there is no such object of the type. */
struct kobject *handle_lookup(struct process *p, uint64_t handle, const struct kobj_type *type);
/* K_EBADF, K_EPERM (protected from close). */
int handle_close(struct process *p, uint64_t handle);

/* "DLL!name" of the unimplemented import bound at addr in p (a call or a read of it
 * faulted there), or NULL if addr is not one of them. */
const char *process_unimplemented_at(const struct process *p, uint64_t addr);

/* Is there an image at the user address? If so and copy is not NULL, *copy is a
 * consistent copy of it (taken under p->image_lock). What its pointers reach stays valid
 * only while the caller counts itself in p->image_readers. Any thread context. */
bool process_image_at(struct process *p, uint64_t addr, struct loaded_image *copy);

#endif
