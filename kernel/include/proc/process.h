/*
 * Processes and their threads. A process owns an address space, a handle table and
 * the images (the .exe and its DLLs) loaded into it; a thread owns a kernel stack
 * and, for user threads, a TEB. Until the scheduler arrives a process runs to
 * completion: process_run switches from the caller's thread to the process's main
 * thread and comes back when the process ends.
 */
#ifndef PROC_PROCESS_H
#define PROC_PROCESS_H

#include <abi/status.h>
#include <loader/pe.h>
#include <mm/vmm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROCESS_NAME_MAX   64
#define PROCESS_MAX_IMAGES 16
#define PROCESS_MAX_HANDLES 64

struct kstack;
struct process;
struct bootfs_file;

struct thread {
    uint64_t tid;
    struct process *process; /* NULL for kernel threads */
    struct kstack *kstack;
    uint64_t saved_sp;       /* arch context while not running */
    struct thread *waiter;   /* resumed when this thread ends */
    uint64_t teb;            /* user address of its TEB */
    uint64_t user_entry, user_stack;
};

struct loaded_image {
    char name[PROCESS_NAME_MAX];
    uint64_t base, size;
    const uint8_t *file; /* the file's bytes (bootfs), for symbols */
    size_t file_size;
    struct pe_image pe;
    bool ready;          /* imports resolved: used to catch circular dependencies */
};

enum handle_type { HANDLE_FREE = 0, HANDLE_FILE };

struct open_file {
    const struct bootfs_file *file;
    uint64_t position;
};

struct handle_entry {
    uint8_t type; /* enum handle_type */
    union {
        struct open_file file;
    } u;
};

struct process {
    uint64_t pid;
    char name[PROCESS_NAME_MAX];
    vmm_space_t *space;
    struct thread *main_thread;
    struct loaded_image images[PROCESS_MAX_IMAGES];
    size_t image_count;
    struct handle_entry handles[PROCESS_MAX_HANDLES];
    uint64_t peb;
    dormer_status_t exit_status;
    bool exited;
};

/*
 * Create a process from the boot file `name` with the command line `cmdline`
 * (the whole line, program name first). On failure returns NULL and writes a
 * one-line reason (naming the file) into err. Boot/kernel thread only.
 */
struct process *process_create(const char *name, const char *cmdline, char *err,
                               size_t errlen);

/* Run p until it ends; returns its exit status. The caller's thread waits. */
dormer_status_t process_run(struct process *p);

/* Free everything p owns. It must have ended. */
void process_destroy(struct process *p);

/* End the current process with status: never returns (switches to the waiter). */
__attribute__((noreturn)) void process_exit_current(dormer_status_t status);

/* The running thread / its process (NULL for the boot thread). */
struct thread *thread_current(void);
struct process *process_current(void);

/* Handles: values are multiples of 4 starting at 4, like Windows. */
int handle_alloc(struct process *p, uint8_t type, uint64_t *handle);
struct handle_entry *handle_get(struct process *p, uint64_t handle, uint8_t type);
int handle_close(struct process *p, uint64_t handle);

/* Force the loader to place images away from their preferred base (tests). */
void loader_set_force_relocate(bool on);

/*
 * Map `name` (and, recursively, the DLLs it imports) into p's space, which must be
 * active. Returns the image or NULL with a reason in err.
 */
struct loaded_image *loader_load_image(struct process *p, const char *name, char *err,
                                       size_t errlen);

/* The image containing a user address, or NULL. */
const struct loaded_image *process_image_at(const struct process *p, uint64_t addr);

#endif
