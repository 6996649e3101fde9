/*
 * The native file calls (DmCreateFile .. DmQueryDirectoryEntries, 35-46) over the file-
 * system layer. Each handler copies in and checks every argument first (lengths bounded
 * before any allocation), then acts. Data moves between user memory and the file system
 * through a kernel bounce buffer, never under the vfs lock, so a faulting user buffer
 * is an error return and nothing else. DmReadFile/DmWriteFile also serve pipe ends.
 */
#include <abi/file.h>
#include <abi/object.h>
#include <arch/uaccess.h>
#include <core/spinlock.h>
#include <fs/path.h>
#include <fs/vfs.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <proc/process.h>
#include <sys/syscall.h>

#include "sys_io.h"

#define BOUNCE_MAX (64 * 1024)
#define UPATH_SMALL 64 /* units of a path copied in on the stack */

/* What a DmCreateFile handle names. */
struct file_obj {
    struct kobject obj;
    struct vfs_file *file;
};

static void file_obj_destroy(struct kobject *obj)
{
    struct file_obj *fo = (struct file_obj *)obj;

    vfs_close(fo->file);
    kfree(fo);
}

static int file_obj_read(struct kobject *obj, struct kobj_io *io);
static int file_obj_write(struct kobject *obj, struct kobj_io *io);
static dormer_status_t file_obj_query(struct kobject *obj, uint64_t cls, uptr_t out,
                                      uint64_t size);
static dormer_status_t file_obj_set(struct kobject *obj, uint64_t cls, uptr_t in,
                                    uint64_t size);
static int file_obj_flush(struct kobject *obj);

/* An open file of the file-system layer. Its handles carry all access: what the
 * open granted is checked by the file system on each call (vfs_file.access). */
static const struct kobj_type file_object_type = {
    .name = "File",
    .valid_access = DORMER_FILE_ALL_ACCESS,
    .generic = { DORMER_FILE_GENERIC_READ, DORMER_FILE_GENERIC_WRITE,
                 DORMER_FILE_GENERIC_EXECUTE, DORMER_FILE_ALL_ACCESS },
    .file_kind = DORMER_FILE_TYPE_DISK,
    .destroy = file_obj_destroy,
    .read = file_obj_read,
    .write = file_obj_write,
    .query = file_obj_query,
    .set_info = file_obj_set,
    .flush = file_obj_flush,
};

static const uint16_t root_c[] = { 'C', ':', '\\' };

/* The caller's current directory, held (NULL stands for C:\). */
static struct vfs_cwd *cwd_get(struct process *p)
{
    spin_lock(&p->cwd_lock);
    struct vfs_cwd *c = vfs_cwd_hold(p->cwd);
    spin_unlock(&p->cwd_lock);
    return c;
}

/* A resolved path: normalized, kmalloc'd. */
struct upath {
    uint16_t *path;
    size_t len;
    bool dir_only;
};

/* Copies chars units of path from user memory and normalizes them against the current
 * directory. 0, K_EBADNAME (length 0 or over PATH_MAX_CHARS), K_EFAULT, K_ENOMEM, or
 * path_normalize's errors. */
static int upath_get(uptr_t src, uint64_t chars, struct upath *out)
{
    uint16_t small[UPATH_SMALL];

    if (chars == 0 || chars > PATH_MAX_CHARS)
        return K_EBADNAME;
    /* Most paths are short: those are copied in on the stack, not the heap. */
    uint16_t *raw = chars <= UPATH_SMALL ? small : kmalloc(chars * sizeof *raw);
    if (!raw)
        return K_ENOMEM;
    if (copy_from_user(raw, src, chars * sizeof *raw) != 0) {
        if (raw != small)
            kfree(raw);
        return K_EFAULT;
    }
    struct vfs_cwd *c = cwd_get(process_current());
    const uint16_t *cwd = c ? c->path : root_c;
    size_t cwd_len = c ? c->len : 3;
    size_t cap = cwd_len + chars + 5;
    if (cap > PATH_MAX_CHARS + 1)
        cap = PATH_MAX_CHARS + 1;
    out->path = kmalloc(cap * sizeof *out->path);
    long n = out->path ? path_normalize(raw, chars, cwd, cwd_len, out->path, cap, &out->dir_only)
                       : K_ENOMEM;
    vfs_cwd_drop(c);
    if (raw != small)
        kfree(raw);
    if (n < 0) {
        kfree(out->path);
        out->path = NULL;
        return n == K_ERANGE ? K_EBADNAME : (int)n;
    }
    out->len = (size_t)n;
    return 0;
}

static void upath_put(struct upath *p)
{
    kfree(p->path);
}

dormer_status_t sys_DmCreateFile(const uint64_t *args)
{
    struct process *p = process_current();
    struct dormer_create_file ca;
    struct vfs_open_args oa;
    struct upath path = { 0 };
    struct vfs_file *f;
    uint64_t handle = 0;
    uint32_t action = 0;

    if (copy_from_user(&ca, uptr(args[3]), sizeof ca) != 0 ||
        copy_to_user(uptr(args[0]), &handle, sizeof handle) != 0)
        return STATUS_ACCESS_VIOLATION;
    int rc = upath_get(uptr(args[1]), args[2], &path);
    if (rc)
        return status_from_errno(rc);
    struct file_obj *fo = kcalloc(1, sizeof *fo);
    if (!fo) {
        rc = K_ENOMEM;
        goto out;
    }
    oa = (struct vfs_open_args){ .access = ca.access, .share = ca.share,
                                 .disposition = ca.disposition, .options = ca.options,
                                 .attributes = ca.attributes };
    rc = vfs_open(path.path, path.len, path.dir_only, &oa, &f, &action);
    if (rc) {
        kfree(fo);
        goto out;
    }
    kobj_init(&fo->obj, &file_object_type);
    fo->file = f;
    rc = handle_insert(p, &fo->obj, &handle);
    kobj_unref(&fo->obj); /* the handle holds it now, or it closes here */
    if (rc)
        goto out;
    ca.action = action;
    if (copy_to_user(uptr(args[0]), &handle, sizeof handle) != 0 ||
        copy_to_user(uptr_add(uptr(args[3]), offsetof(struct dormer_create_file, action)),
                     &ca.action, sizeof ca.action) != 0) {
        handle_close(p, handle);
        rc = K_EFAULT;
    }
out:
    upath_put(&path);
    return status_from_errno(rc);
}

struct vfs_file *sys_vfs_file_of(struct kobject *obj)
{
    return obj && obj->type == &file_object_type ? ((struct file_obj *)obj)->file : NULL;
}

/* Reads args[3] (const int64_t *offset, NULL allowed) into *at and *off. */
static dormer_status_t get_offset(uint64_t uoff, bool write, enum vfs_at *at, uint64_t *off)
{
    int64_t v;

    *at = VFS_AT_POSITION;
    *off = 0;
    if (uoff == 0)
        return STATUS_SUCCESS;
    if (copy_from_user(&v, uptr(uoff), sizeof v) != 0)
        return STATUS_ACCESS_VIOLATION;
    if (v == DORMER_FILE_USE_FILE_POINTER)
        return STATUS_SUCCESS;
    if (v == DORMER_FILE_WRITE_TO_END_OF_FILE && write) {
        *at = VFS_AT_END;
        return STATUS_SUCCESS;
    }
    if (v < 0)
        return STATUS_INVALID_PARAMETER;
    *at = VFS_AT_OFFSET;
    *off = (uint64_t)v;
    return STATUS_SUCCESS;
}

int sys_file_io(struct vfs_file *f, bool write, enum vfs_at at, uint64_t off, uptr_t ubuf,
                uint64_t len, uint64_t *total)
{
    size_t cap = len < BOUNCE_MAX ? (size_t)len : BOUNCE_MAX;
    uint8_t *kbuf = kmalloc(cap ? cap : 1);
    int rc = 0;

    *total = 0;
    if (!kbuf)
        return K_ENOMEM;
    do {
        size_t chunk = len - *total < cap ? (size_t)(len - *total) : cap, got = 0;
        uint64_t where = at == VFS_AT_OFFSET ? off + *total : 0;
        if (write) {
            if (copy_from_user(kbuf, uptr_add(ubuf, *total), chunk) != 0) {
                rc = K_EFAULT;
                break;
            }
            rc = vfs_write(f, at, where, kbuf, chunk, &got);
        } else {
            uint64_t before = vfs_get_position(f);
            rc = vfs_read(f, at, where, kbuf, chunk, &got);
            if (rc == 0 && copy_to_user(uptr_add(ubuf, *total), kbuf, got) != 0) {
                vfs_set_position(f, before); /* bytes nobody received were not read */
                got = 0;
                rc = K_EFAULT;
            }
        }
        if (rc) {
            if (rc == K_EEOF && *total > 0)
                rc = 0; /* the end, after some bytes */
            break;
        }
        *total += got;
        if (got < chunk)
            break;
    } while (*total < len);
    kfree(kbuf);
    return rc;
}

static int file_obj_io(struct kobject *obj, struct kobj_io *io, bool write)
{
    static const enum vfs_at at[] = { [KOBJ_AT_POSITION] = VFS_AT_POSITION,
                                       [KOBJ_AT_OFFSET] = VFS_AT_OFFSET,
                                       [KOBJ_AT_END] = VFS_AT_END };

    return sys_file_io(((struct file_obj *)obj)->file, write, at[io->at], io->offset, io->buf,
                       io->len, &io->done);
}

static int file_obj_read(struct kobject *obj, struct kobj_io *io)
{
    return file_obj_io(obj, io, false);
}

static int file_obj_write(struct kobject *obj, struct kobj_io *io)
{
    return file_obj_io(obj, io, true);
}

static int file_obj_flush(struct kobject *obj)
{
    return vfs_flush(((struct file_obj *)obj)->file);
}

/* DmReadFile / DmWriteFile on any object whose type reads or writes (files, pipe
 * ends). */
static dormer_status_t read_or_write(const uint64_t *args, bool write)
{
    struct kobject *obj = handle_lookup(process_current(), args[0], NULL);
    struct kobj_io io = { .buf = uptr(args[1]), .len = args[2] };
    uint64_t n = 0;
    enum vfs_at at;
    dormer_status_t st;

    if (!obj)
        return STATUS_INVALID_HANDLE;
    if (!uaccess_range_ok(io.buf, io.len) ||
        copy_to_user(uptr(args[4]), &n, sizeof n) != 0) {
        st = STATUS_ACCESS_VIOLATION;
        goto out;
    }
    st = get_offset(args[3], write, &at, &io.offset);
    if (st != STATUS_SUCCESS)
        goto out;
    io.at = at == VFS_AT_OFFSET ? KOBJ_AT_OFFSET : at == VFS_AT_END ? KOBJ_AT_END
                                                                   : KOBJ_AT_POSITION;
    int (*op)(struct kobject *, struct kobj_io *) = write ? obj->type->write : obj->type->read;
    st = status_from_errno(op ? op(obj, &io) : K_ETYPE);
    if (copy_to_user(uptr(args[4]), &io.done, sizeof io.done) != 0 && NT_SUCCESS(st))
        st = STATUS_ACCESS_VIOLATION;
out:
    kobj_unref(obj);
    return st;
}

dormer_status_t sys_DmReadFile(const uint64_t *args)
{
    return read_or_write(args, false);
}

dormer_status_t sys_DmWriteFile(const uint64_t *args)
{
    return read_or_write(args, true);
}

static void basic_from_stat(const struct vfs_stat *s, struct dormer_file_basic *b)
{
    memset(b, 0, sizeof *b);
    b->creation = s->creation;
    b->last_access = s->last_access;
    b->last_write = s->last_write;
    b->change = s->change;
    b->attributes = s->attributes;
}

/* FileNameInformation: as much of the name as fits, BUFFER_OVERFLOW if not all. */
static dormer_status_t query_name(struct vfs_file *f, uptr_t out, uint64_t size)
{
    size_t cap = (size_t)((size - sizeof(struct dormer_file_name)) / 2), chars;

    if (cap > PATH_MAX_CHARS)
        cap = PATH_MAX_CHARS;
    uint16_t *buf = kmalloc(cap ? cap * sizeof *buf : 1);
    if (!buf)
        return STATUS_NO_MEMORY;
    int rc = vfs_query_name(f, buf, cap, &chars);
    uint32_t c32 = (uint32_t)chars;
    size_t put = chars < cap ? chars : cap;
    dormer_status_t st = STATUS_SUCCESS;
    if (copy_to_user(out, &c32, sizeof c32) != 0 ||
        copy_to_user(uptr_add(out, sizeof c32), buf, put * sizeof *buf) != 0)
        st = STATUS_ACCESS_VIOLATION;
    else if (rc == K_ERANGE)
        st = STATUS_BUFFER_OVERFLOW;
    kfree(buf);
    return st;
}

static uint64_t class_size(uint64_t cls)
{
    switch (cls) {
    case DORMER_FILE_BASIC_INFO:
        return sizeof(struct dormer_file_basic);
    case DORMER_FILE_STANDARD_INFO:
        return sizeof(struct dormer_file_standard);
    case DORMER_FILE_POSITION_INFO:
        return sizeof(struct dormer_file_position);
    case DORMER_FILE_END_OF_FILE_INFO:
        return sizeof(struct dormer_file_end_of_file);
    case DORMER_FILE_DISPOSITION_INFO:
        return 1; /* delete_file: the rest is padding */
    case DORMER_FILE_RENAME_INFO:
        return sizeof(struct dormer_file_rename);
    case DORMER_FILE_NAME_INFO:
        return sizeof(struct dormer_file_name);
    case DORMER_FILE_TYPE_INFO:
        return sizeof(struct dormer_file_type);
    default:
        return 0;
    }
}

static dormer_status_t query_file(struct vfs_file *f, uint64_t cls, uptr_t out, uint64_t size)
{
    union {
        struct dormer_file_basic basic;
        struct dormer_file_standard standard;
        struct dormer_file_position position;
    } u;
    struct vfs_stat st;
    bool pending;

    memset(&u, 0, sizeof u);
    switch (cls) {
    case DORMER_FILE_BASIC_INFO:
        vfs_stat_file(f, &st);
        basic_from_stat(&st, &u.basic);
        break;
    case DORMER_FILE_STANDARD_INFO:
        vfs_query_standard(f, &st, &pending);
        u.standard.allocation = st.allocation;
        u.standard.end_of_file = st.size;
        u.standard.links = pending ? 0 : 1;
        u.standard.delete_pending = pending;
        u.standard.directory = (st.attributes & DORMER_FILE_ATTRIBUTE_DIRECTORY) != 0;
        break;
    case DORMER_FILE_POSITION_INFO:
        u.position.position = (int64_t)vfs_get_position(f);
        break;
    case DORMER_FILE_NAME_INFO:
        return query_name(f, out, size);
    default:
        return STATUS_INVALID_INFO_CLASS;
    }
    return status_from_errno(copy_to_user(out, &u, class_size(cls)));
}

static dormer_status_t file_obj_query(struct kobject *obj, uint64_t cls, uptr_t out,
                                      uint64_t size)
{
    return query_file(((struct file_obj *)obj)->file, cls, out, size);
}

dormer_status_t sys_DmQueryInformationFile(const uint64_t *args)
{
    struct kobject *obj = handle_lookup(process_current(), args[0], NULL);
    uint64_t cls = args[1], size = args[3];
    uptr_t out = uptr(args[2]);
    dormer_status_t st;

    if (!obj)
        return STATUS_INVALID_HANDLE;
    uint64_t need = class_size(cls);
    if (need == 0 || cls == DORMER_FILE_END_OF_FILE_INFO || cls == DORMER_FILE_DISPOSITION_INFO ||
        cls == DORMER_FILE_RENAME_INFO) {
        st = STATUS_INVALID_INFO_CLASS;
    } else if (size < need) {
        st = STATUS_INFO_LENGTH_MISMATCH;
    } else if (!uaccess_range_ok(out, size)) {
        st = STATUS_ACCESS_VIOLATION;
    } else if (cls == DORMER_FILE_TYPE_INFO) {
        struct dormer_file_type t = { obj->type->file_kind, 0 };
        st = t.type ? status_from_errno(copy_to_user(out, &t, sizeof t))
                    : STATUS_OBJECT_TYPE_MISMATCH;
    } else if (!obj->type->query) {
        st = STATUS_OBJECT_TYPE_MISMATCH;
    } else {
        st = obj->type->query(obj, cls, out, size);
    }
    kobj_unref(obj);
    return st;
}

static dormer_status_t set_rename(struct vfs_file *f, uptr_t in, uint64_t size)
{
    struct dormer_file_rename r;
    struct upath path = { 0 };

    if (copy_from_user(&r, in, sizeof r) != 0)
        return STATUS_ACCESS_VIOLATION;
    if (r.chars == 0 || r.chars > PATH_MAX_CHARS)
        return STATUS_OBJECT_NAME_INVALID;
    if (size < sizeof r + (uint64_t)r.chars * 2)
        return STATUS_INFO_LENGTH_MISMATCH;
    int rc = upath_get(uptr_add(in, sizeof r), r.chars, &path);
    if (rc == 0)
        rc = vfs_rename(f, path.path, path.len, r.replace != 0);
    upath_put(&path);
    return status_from_errno(rc);
}

static dormer_status_t set_file(struct vfs_file *f, uint64_t cls, uptr_t in, uint64_t size)
{
    union {
        struct dormer_file_basic basic;
        struct dormer_file_position position;
        struct dormer_file_end_of_file eof;
        struct dormer_file_disposition disposition;
    } u;

    if (cls == DORMER_FILE_RENAME_INFO)
        return set_rename(f, in, size);
    if (copy_from_user(&u, in, class_size(cls)) != 0)
        return STATUS_ACCESS_VIOLATION;
    switch (cls) {
    case DORMER_FILE_BASIC_INFO: {
        int64_t times[4] = { u.basic.creation, u.basic.last_access, u.basic.last_write,
                             u.basic.change };
        return status_from_errno(vfs_set_basic(f, u.basic.attributes, times));
    }
    case DORMER_FILE_POSITION_INFO:
        if (u.position.position < 0)
            return STATUS_INVALID_PARAMETER;
        vfs_set_position(f, (uint64_t)u.position.position);
        return STATUS_SUCCESS;
    case DORMER_FILE_END_OF_FILE_INFO:
        return status_from_errno(vfs_set_end_of_file(f, u.eof.end_of_file));
    case DORMER_FILE_DISPOSITION_INFO:
        return status_from_errno(vfs_set_disposition(f, u.disposition.delete_file != 0));
    default:
        return STATUS_INVALID_INFO_CLASS;
    }
}

static dormer_status_t file_obj_set(struct kobject *obj, uint64_t cls, uptr_t in,
                                    uint64_t size)
{
    return set_file(((struct file_obj *)obj)->file, cls, in, size);
}

dormer_status_t sys_DmSetInformationFile(const uint64_t *args)
{
    struct kobject *obj = handle_lookup(process_current(), args[0], NULL);
    uint64_t cls = args[1], size = args[3];
    dormer_status_t st;

    if (!obj)
        return STATUS_INVALID_HANDLE;
    uint64_t need = class_size(cls);
    if (need == 0 || cls == DORMER_FILE_STANDARD_INFO || cls == DORMER_FILE_NAME_INFO ||
        cls == DORMER_FILE_TYPE_INFO)
        st = STATUS_INVALID_INFO_CLASS;
    else if (size < need)
        st = STATUS_INFO_LENGTH_MISMATCH;
    else if (!obj->type->set_info)
        st = STATUS_OBJECT_TYPE_MISMATCH;
    else
        st = obj->type->set_info(obj, cls, uptr(args[2]), size);
    kobj_unref(obj);
    return st;
}

static void find_from_dirent(const struct vfs_dirent *e, struct dormer_find_data *d)
{
    memset(d, 0, sizeof *d);
    d->attributes = e->st.attributes;
    d->creation = e->st.creation;
    d->last_access = e->st.last_access;
    d->last_write = e->st.last_write;
    d->size = e->st.size;
    memcpy(d->name, e->name, e->name_len * sizeof d->name[0]);
    for (size_t i = 0; e->short_name[i] && i < sizeof d->short_name / 2 - 1; i++)
        d->short_name[i] = (uint8_t)e->short_name[i];
}

/* Copies a pattern of chars units into buf (PATH_MAX_NAME units) and checks it. */
static dormer_status_t get_pattern(uint64_t upattern, uint64_t chars, uint16_t *buf)
{
    if (chars > PATH_MAX_NAME)
        return STATUS_OBJECT_NAME_INVALID;
    if (copy_from_user(buf, uptr(upattern), chars * sizeof buf[0]) != 0)
        return STATUS_ACCESS_VIOLATION;
    for (size_t i = 0; i < chars; i++) {
        if (buf[i] == '\\' || buf[i] == '/' || buf[i] < 0x20)
            return STATUS_OBJECT_NAME_INVALID;
    }
    return STATUS_SUCCESS;
}

static dormer_status_t enum_status(int rc)
{
    return rc == 0 ? STATUS_NO_MORE_FILES : rc == K_ENOENT ? STATUS_NO_SUCH_FILE
                                                           : status_from_errno(rc);
}

dormer_status_t sys_DmQueryDirectoryFile(const uint64_t *args)
{
    struct kobject *obj = handle_lookup(process_current(), args[0], NULL);
    uptr_t out = uptr(args[1]);
    uint64_t plen = args[2] ? args[3] : 0;
    uint16_t pattern[PATH_MAX_NAME];
    dormer_status_t st;
    int rc;

    if (!obj)
        return STATUS_INVALID_HANDLE;
    struct vfs_file *f = sys_vfs_file_of(obj);
    struct vfs_dirent *e = NULL;
    struct dormer_find_data *d = NULL;
    if (!f) {
        st = STATUS_OBJECT_TYPE_MISMATCH;
        goto out;
    }
    if (!uaccess_range_ok(out, sizeof *d)) {
        st = STATUS_ACCESS_VIOLATION;
        goto out;
    }
    st = get_pattern(args[2], plen, pattern);
    if (st != STATUS_SUCCESS)
        goto out;
    e = kmalloc(sizeof *e);
    d = kmalloc(sizeof *d);
    if (!e || !d) {
        st = STATUS_NO_MEMORY;
        goto out;
    }
    rc = vfs_enumerate(f, pattern, (size_t)plen, args[4] != 0, e);
    if (rc == 1) {
        find_from_dirent(e, d);
        st = status_from_errno(copy_to_user(out, d, sizeof *d));
    } else {
        st = enum_status(rc);
    }
out:
    kfree(e);
    kfree(d);
    kobj_unref(obj);
    return st;
}

/* Where DmQueryDirectoryEntries builds its entries (kernel memory, then one copy out). */
struct entry_sink {
    uint8_t *buf;
    size_t cap, used;
    struct dormer_dir_info *last;
    /* Windows layouts: the record class, the last record, bytes to copy out */
    uint32_t format;
    uint8_t *nt_last;
    size_t nt_end;
    bool single, overflow;
};

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, sizeof v); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, sizeof v); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, sizeof v); }

/* Where the name starts in each Windows directory record (FileName's offset). */
static size_t nt_name_offset(uint32_t format)
{
    switch (format) {
    case DORMER_DIR_NT_DIRECTORY: return 64;
    case DORMER_DIR_NT_FULL: return 68;
    case DORMER_DIR_NT_BOTH: return 94;
    case DORMER_DIR_NT_NAMES: return 12;
    default: return 0;
    }
}

/* One entry as Windows' FILE_*_INFORMATION record (see DORMER_DIR_FORMAT_MASK). */
static int emit_nt(void *ctx, const struct vfs_dirent *e)
{
    struct entry_sink *s = ctx;
    size_t fixed = nt_name_offset(s->format);
    size_t at = (s->used + 7) & ~(size_t)7; /* records start 8-byte aligned */
    size_t need = fixed + e->name_len * sizeof(uint16_t);
    size_t chars = e->name_len;

    if (at > s->cap || need > s->cap - at) {
        if (s->nt_last || s->cap < fixed)
            return -1; /* the next call starts with it */
        chars = (s->cap - fixed) / sizeof(uint16_t); /* the first: as far as it goes */
        s->overflow = true;
    }
    uint8_t *r = s->buf + at;
    memset(r, 0, fixed);
    if (s->format == DORMER_DIR_NT_NAMES) {
        put32(r + 8, (uint32_t)(e->name_len * sizeof(uint16_t)));
    } else {
        put64(r + 8, (uint64_t)e->st.creation);
        put64(r + 16, (uint64_t)e->st.last_access);
        put64(r + 24, (uint64_t)e->st.last_write);
        put64(r + 32, (uint64_t)e->st.change);
        put64(r + 40, e->st.size);
        put64(r + 48, e->st.allocation);
        put32(r + 56, e->st.attributes ? e->st.attributes : DORMER_FILE_ATTRIBUTE_NORMAL);
        put32(r + 60, (uint32_t)(e->name_len * sizeof(uint16_t)));
        if (s->format == DORMER_DIR_NT_BOTH) {
            size_t n = 0;
            for (; n < 12 && e->short_name[n]; n++)
                put16(r + 70 + 2 * n, (uint8_t)e->short_name[n]);
            r[68] = (uint8_t)(n * sizeof(uint16_t));
        }
    }
    memcpy(r + fixed, e->name_at, chars * sizeof(uint16_t));
    if (s->nt_last)
        put32(s->nt_last, (uint32_t)(r - s->nt_last));
    s->nt_last = r;
    s->used = at + fixed + chars * sizeof(uint16_t);
    s->nt_end = s->overflow ? s->cap : s->used;
    return s->overflow || s->single ? 0 : 1;
}

static int emit_info(void *ctx, const struct vfs_dirent *e)
{
    struct entry_sink *s = ctx;
    size_t need = offsetof(struct dormer_dir_info, name) + e->name_len * sizeof(uint16_t);
    size_t size = (need + 7) & ~(size_t)7; /* records stay 8-byte aligned */

    if (size > s->cap - s->used)
        return -1;
    struct dormer_dir_info *d = (struct dormer_dir_info *)(s->buf + s->used);
    *(uint64_t *)(s->buf + s->used + size - 8) = 0; /* the padding after the name */
    /* Field by field, every byte written (the buffer is not zeroed): this runs once
     * per entry listed. */
    d->next = 0;
    d->attributes = e->st.attributes;
    d->creation = e->st.creation;
    d->last_access = e->st.last_access;
    d->last_write = e->st.last_write;
    d->size = e->st.size;
    d->name_chars = (uint16_t)e->name_len;
    memset(d->short_name, 0, sizeof d->short_name);
    size_t n = 0;
    for (; n < sizeof d->short_name / 2 && e->short_name[n]; n++)
        d->short_name[n] = (uint8_t)e->short_name[n];
    d->short_chars = (uint16_t)n;
    memcpy(d->name, e->name_at, e->name_len * sizeof(uint16_t));
    if (s->last)
        s->last->next = (uint32_t)((uint8_t *)d - (uint8_t *)s->last);
    s->used += size;
    s->last = d;
    return s->single ? 0 : 1;
}

dormer_status_t sys_DmQueryDirectoryEntries(const uint64_t *args)
{
    struct kobject *obj = handle_lookup(process_current(), args[0], NULL);
    uptr_t out = uptr(args[1]);
    uint64_t size = args[2];
    struct dormer_dir_query q = { 0, 0, 0 };
    uint16_t pattern[PATH_MAX_NAME];
    struct entry_sink sink = { .buf = NULL };
    struct vfs_dirent *e = NULL;
    dormer_status_t st;

    if (!obj)
        return STATUS_INVALID_HANDLE;
    struct vfs_file *f = sys_vfs_file_of(obj);
    if (!f) {
        st = STATUS_OBJECT_TYPE_MISMATCH;
        goto out;
    }
    if (!uaccess_range_ok(out, size) ||
        (args[3] && copy_from_user(&q, uptr(args[3]), sizeof q) != 0)) {
        st = STATUS_ACCESS_VIOLATION;
        goto out;
    }
    sink.format = (q.flags & DORMER_DIR_FORMAT_MASK) >> DORMER_DIR_FORMAT_SHIFT;
    sink.single = (q.flags & DORMER_DIR_SINGLE) != 0;
    if ((q.flags & ~(DORMER_DIR_RESTART | DORMER_DIR_SINGLE | DORMER_DIR_FORMAT_MASK)) ||
        (sink.format && !nt_name_offset(sink.format))) {
        st = STATUS_INVALID_PARAMETER;
        goto out;
    }
    if (sink.format && size < nt_name_offset(sink.format)) {
        st = STATUS_INFO_LENGTH_MISMATCH;
        goto out;
    }
    uint64_t plen = q.pattern ? q.pattern_chars : 0;
    st = get_pattern(q.pattern, plen, pattern);
    if (st != STATUS_SUCCESS)
        goto out;
    if (!sink.format && size < sizeof(struct dormer_dir_info)) {
        st = STATUS_INFO_LENGTH_MISMATCH;
        goto out;
    }
    sink.cap = size < BOUNCE_MAX ? (size_t)size : BOUNCE_MAX;
    if (!sink.format)
        sink.cap &= ~(size_t)7;
    sink.buf = kmalloc(sink.cap);
    e = kmalloc(sizeof *e);
    if (!sink.buf || !e) {
        st = STATUS_NO_MEMORY;
        goto out;
    }
    int rc = vfs_enumerate_each(f, pattern, (size_t)plen, q.flags & DORMER_DIR_RESTART, e,
                                sink.format ? emit_nt : emit_info, &sink);
    if (rc > 0) {
        st = status_from_errno(copy_to_user(out, sink.buf, sink.format ? sink.nt_end
                                                                        : sink.used));
        if (st == STATUS_SUCCESS && sink.overflow)
            st = STATUS_BUFFER_OVERFLOW;
    } else
        st = rc == K_ERANGE ? STATUS_BUFFER_TOO_SMALL : enum_status(rc);
out:
    kfree(sink.buf);
    kfree(e);
    kobj_unref(obj);
    return st;
}

dormer_status_t sys_DmFlushBuffersFile(const uint64_t *args)
{
    struct kobject *obj = handle_lookup(process_current(), args[0], NULL);
    dormer_status_t st;

    if (!obj)
        return STATUS_INVALID_HANDLE;
    st = status_from_errno(obj->type->flush ? obj->type->flush(obj) : K_ETYPE);
    kobj_unref(obj);
    return st;
}

dormer_status_t sys_DmDuplicateHandle(const uint64_t *args)
{
    struct handle_entry entry;
    struct kobject *obj;
    uint64_t handle = 0;

    if (copy_to_user(uptr(args[1]), &handle, sizeof handle) != 0)
        return STATUS_ACCESS_VIOLATION;
    if (handle_get(process_current(), args[0], NULL, 0, &obj, &entry) != 0)
        return STATUS_INVALID_HANDLE;
    /* The same access; the attributes are the new handle's own (none). */
    dormer_status_t st = sys_give_handle(obj, entry.access, 0, args[1]);
    kobj_unref(obj);
    return st;
}

dormer_status_t sys_DmSetCurrentDirectory(const uint64_t *args)
{
    struct process *p = process_current();
    struct upath path = { 0 };
    struct vfs_stat st;

    int rc = upath_get(uptr(args[0]), args[1], &path);
    if (rc == 0)
        rc = vfs_stat_path(path.path, path.len, false, &st);
    if (rc == 0 && !(st.attributes & DORMER_FILE_ATTRIBUTE_DIRECTORY))
        rc = K_ENOTDIR;
    struct vfs_cwd *c = rc == 0 ? vfs_cwd_new(path.path, path.len) : NULL;
    if (rc == 0 && !c)
        rc = K_ENOMEM;
    if (rc == 0) {
        spin_lock(&p->cwd_lock);
        struct vfs_cwd *old = p->cwd;
        p->cwd = c;
        spin_unlock(&p->cwd_lock);
        vfs_cwd_drop(old);
    }
    upath_put(&path);
    return status_from_errno(rc);
}

dormer_status_t sys_DmGetCurrentDirectory(const uint64_t *args)
{
    uptr_t buf = uptr(args[0]);
    uint64_t chars = args[1], needed;
    dormer_status_t st = STATUS_SUCCESS;

    struct vfs_cwd *c = cwd_get(process_current());
    const uint16_t *path = c ? c->path : root_c;
    needed = c ? c->len : 3;
    if (copy_to_user(uptr(args[2]), &needed, sizeof needed) != 0) {
        st = STATUS_ACCESS_VIOLATION;
    } else if (chars < needed + 1) {
        st = STATUS_BUFFER_TOO_SMALL;
    } else {
        uint16_t nul = 0;
        if (copy_to_user(buf, path, needed * sizeof *path) != 0 ||
            copy_to_user(uptr_add(buf, needed * sizeof *path), &nul, sizeof nul) != 0)
            st = STATUS_ACCESS_VIOLATION;
    }
    vfs_cwd_drop(c);
    return st;
}

dormer_status_t sys_DmQueryAttributesFile(const uint64_t *args)
{
    struct upath path = { 0 };
    struct dormer_file_basic b;
    struct vfs_stat st;

    if (!uaccess_range_ok(uptr(args[2]), sizeof b))
        return STATUS_ACCESS_VIOLATION;
    int rc = upath_get(uptr(args[0]), args[1], &path);
    if (rc == 0)
        rc = vfs_stat_path(path.path, path.len, path.dir_only, &st);
    if (rc == 0) {
        basic_from_stat(&st, &b);
        rc = copy_to_user(uptr(args[2]), &b, sizeof b);
    }
    upath_put(&path);
    return status_from_errno(rc);
}
