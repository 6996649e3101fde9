/*
 * Handle tables: a process names objects by handles, small multiples of 4 as on
 * Windows. Each entry holds a reference to its object, the access the handle grants
 * and its attributes (inheritable, protected from close). Pseudo-handles (the current
 * process and thread) are the process layer's business (proc/process.h), not here.
 */
#ifndef OB_HANDLE_H
#define OB_HANDLE_H

#include <core/spinlock.h>
#include <ob/object.h>
#include <stdint.h>

#define HANDLE_TABLE_SIZE 256

/* Handle attributes: Windows' HANDLE_FLAG_* values. */
#define HANDLE_INHERIT            0x1u
#define HANDLE_PROTECT_FROM_CLOSE 0x2u
#define HANDLE_FLAGS_VALID        0x3u

struct handle_entry {
    struct kobject *obj; /* NULL: a free slot */
    uint32_t access;
    uint32_t flags;      /* HANDLE_* */
};

struct handle_table {
    struct spinlock lock;
    struct handle_entry slot[HANDLE_TABLE_SIZE]; /* protected by lock */
    uint32_t count;                              /* protected by lock */
    bool closed; /* protected by lock: its process ended; nothing more goes in */
};

/* Make t an empty table. The _zeroed form is for a table whose memory is already all
 * zero (inside a kcalloc'd owner): it does not clear the 256 slots again. */
void handle_table_init(struct handle_table *t);
void handle_table_init_zeroed(struct handle_table *t);

/* Name obj with a new handle (a new reference). K_ENOSPC when the table is full,
 * K_EBADF once it was closed (handle_table_close_all: the process has ended). */
int handle_table_insert(struct handle_table *t, struct kobject *obj, uint32_t access,
                        uint32_t flags, uint64_t *handle);

/* The object a handle names, referenced, with *entry (may be NULL) a copy of the entry.
 * K_EBADF: no such handle; K_ETYPE: not of type (NULL: any); K_EACCES: the handle
 * lacks some of the access bits in need. */
int handle_table_get(struct handle_table *t, uint64_t handle, const struct kobj_type *type,
                     uint32_t need, struct kobject **out, struct handle_entry *entry);

/* Close a handle: K_EBADF, or K_EPERM when it is protected from close. */
int handle_table_close(struct handle_table *t, uint64_t handle);

/* Change the attributes in mask to those in flags. K_EBADF. */
int handle_table_set_flags(struct handle_table *t, uint64_t handle, uint32_t mask,
                           uint32_t flags);

/* Close every handle (the process is ending). */
void handle_table_close_all(struct handle_table *t);

/* Copy every inheritable handle of from into the same slot of to (a child process
 * being created: its table is empty, and a slot it holds already is left alone).
 * K_ENOMEM (nothing copied). */
int handle_table_inherit(struct handle_table *to, struct handle_table *from);

/* Open handles system-wide (a leak check for tests). Any context. */
uint64_t handle_open_count(void);

#endif /* OB_HANDLE_H */
