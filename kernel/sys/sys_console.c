/*
 * Console calls. Output is copied from the program in bounded chunks through the
 * copy routines (a bad buffer is an error, never a crash) and printed raw, or goes to
 * the standard handle (pipe or file) the process was started with. Input is a typed
 * line, raw bytes (for a line editor), or the pipe or file a process was started
 * with. Ctrl+C ends the foreground processes the shell names (the console's control
 * hook, registered here so the console never calls up into processes).
 */
#include <arch/uaccess.h>
#include <core/console.h>
#include <core/printk.h>
#include <core/spinlock.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <proc/pipe.h>
#include <proc/process.h>
#include <sys/syscall.h>

#include "sys_io.h"

#define CONSOLE_CHUNK 256
#define CONSOLE_MAX   (1u << 20)
#define FOREGROUND_MAX 8

static struct spinlock foreground_lock = SPINLOCK_INIT("console foreground");
/* protected by foreground_lock; each entry holds a process reference */
static struct process *foreground[FOREGROUND_MAX];
static size_t foreground_count;

/* Console output to a standard handle: a pipe write end (its reader is the parent or
 * the next program of a pipeline) or an open file, written at its position. */
static dormer_status_t write_std(struct kobject *out, uptr_t buf, uint64_t len)
{
    struct vfs_file *f = sys_vfs_file_of(out);
    uint64_t done;

    if (f)
        return status_from_errno(sys_file_io(f, true, VFS_AT_POSITION, 0, buf, len, &done));
    long put = pipe_write(out, buf, len);
    if (put == K_EINTR)
        return STATUS_PROCESS_IS_TERMINATING;
    return put < 0 ? status_from_errno((int)put) : STATUS_SUCCESS;
}

/* Console output of the calling process: to out when it has one, else printed raw. */
static dormer_status_t write_console(struct kobject *out, uptr_t buf, uint64_t len)
{
    char chunk[CONSOLE_CHUNK + 1];

    if (len > CONSOLE_MAX)
        return STATUS_INVALID_PARAMETER;
    if (!uaccess_range_ok(buf, len))
        return STATUS_ACCESS_VIOLATION;
    if (out)
        return write_std(out, buf, len);
    for (uint64_t done = 0; done < len;) {
        size_t n = len - done < CONSOLE_CHUNK ? len - done : CONSOLE_CHUNK;
        if (copy_from_user(chunk, uptr_add(buf, done), n) != 0)
            return STATUS_ACCESS_VIOLATION;
        chunk[n] = '\0';
        kprintf("%s", chunk);
        done += n;
    }
    return STATUS_SUCCESS;
}

dormer_status_t sys_DmWriteConsole(const uint64_t *args)
{
    return write_console(process_current()->std_out, uptr(args[0]), args[1]);
}

dormer_status_t sys_DmWriteConsoleError(const uint64_t *args)
{
    struct process *p = process_current();

    struct kobject *out = p->std_err ? p->std_err : p->std_err_console ? NULL : p->std_out;

    return write_console(out, uptr(args[0]), args[1]);
}

/* Read from the process's input pipe: what is there (blocking while empty). */
static dormer_status_t read_input_pipe(struct kobject *in, uptr_t buf, uint64_t len,
                                       uptr_t read_out)
{
    long n = pipe_read(in, buf, len);
    uint64_t got = n > 0 ? (uint64_t)n : 0;

    if (n == K_EINTR)
        return STATUS_PROCESS_IS_TERMINATING;
    if (n < 0)
        return status_from_errno((int)n);
    if (copy_to_user(read_out, &got, sizeof got) != 0)
        return STATUS_ACCESS_VIOLATION;
    return n == 0 ? STATUS_END_OF_FILE : STATUS_SUCCESS;
}

/* Read from the process's input file at its position: a line mode read returns one
 * line (through its '\n') and leaves the position after it, as a typed line would be;
 * a raw read returns what is there. STATUS_END_OF_FILE at the end. */
static dormer_status_t read_input_file(struct vfs_file *f, uptr_t buf, uint64_t len,
                                       uptr_t read_out, bool raw)
{
    uint64_t start = vfs_get_position(f), got = 0;
    char bytes[CONSOLE_CHUNK];
    size_t done = 0;

    if (len > sizeof bytes)
        len = sizeof bytes;
    int rc = vfs_read(f, VFS_AT_POSITION, 0, bytes, (size_t)len, &done);
    if (rc)
        return status_from_errno(rc);
    got = done;
    if (!raw) {
        for (size_t i = 0; i < done; i++) {
            if (bytes[i] == '\n') {
                got = i + 1;
                vfs_set_position(f, start + got);
                break;
            }
        }
    }
    if (copy_to_user(buf, bytes, got) != 0 || copy_to_user(read_out, &got, sizeof got) != 0)
        return STATUS_ACCESS_VIOLATION;
    return got == 0 ? STATUS_END_OF_FILE : STATUS_SUCCESS;
}

/* Both outputs must be writable now (they are written with zeros), so a bad pointer
 * fails at once instead of after the user types. */
static bool read_outputs_ok(uptr_t buf, size_t max, uptr_t read_out)
{
    uint64_t zero = 0;

    return clear_user(buf, max) == 0 && copy_to_user(read_out, &zero, sizeof zero) == 0;
}

/* The status for a console read that returned n (a count or CONSOLE_INPUT_*). */
static dormer_status_t read_status(long n)
{
    if (n == CONSOLE_INPUT_END)
        return STATUS_END_OF_FILE;
    return n == CONSOLE_INPUT_KILLED ? STATUS_PROCESS_IS_TERMINATING : STATUS_SUCCESS;
}

/* A console read: a typed line (echoed, edited by the kernel) or raw bytes. */
static dormer_status_t read_console(const uint64_t *args, bool raw)
{
    uptr_t buf = uptr(args[0]);
    uint64_t len = args[1];
    char bytes[CONSOLE_CHUNK];

    if (len == 0 || len > CONSOLE_MAX)
        return STATUS_INVALID_PARAMETER;
    size_t max = len < sizeof bytes ? len : sizeof bytes;
    if (!read_outputs_ok(buf, max, uptr(args[2])))
        return STATUS_ACCESS_VIOLATION;
    struct kobject *in = process_current()->std_in;
    struct vfs_file *f = in ? sys_vfs_file_of(in) : NULL;
    if (f)
        return read_input_file(f, buf, max, uptr(args[2]), raw);
    if (in)
        return read_input_pipe(in, buf, max, uptr(args[2]));
    long n = raw ? console_read_raw(bytes, max) : console_read_line(bytes, max);
    uint64_t got = n > 0 ? (uint64_t)n : 0;
    if (copy_to_user(buf, bytes, got) != 0 || copy_to_user(uptr(args[2]), &got, sizeof got) != 0)
        return STATUS_ACCESS_VIOLATION;
    return read_status(n);
}

dormer_status_t sys_DmReadConsole(const uint64_t *args)
{
    return read_console(args, false);
}

dormer_status_t sys_DmReadConsoleInput(const uint64_t *args)
{
    return read_console(args, true);
}

/* The console's Ctrl+C hook (interrupt context): end the foreground processes. */
static bool console_control_c(void)
{
    bool any;

    spin_lock(&foreground_lock);
    any = foreground_count > 0;
    for (size_t i = 0; i < foreground_count; i++)
        process_terminate(foreground[i], STATUS_CONTROL_C_EXIT);
    spin_unlock(&foreground_lock);
    return any;
}

dormer_status_t sys_DmSetConsoleForeground(const uint64_t *args)
{
    uint64_t count = args[1], handles[FOREGROUND_MAX];
    struct process *procs[FOREGROUND_MAX], *old[FOREGROUND_MAX];
    size_t got = 0, old_count;

    if (count > FOREGROUND_MAX)
        return STATUS_INVALID_PARAMETER;
    if (count && copy_from_user(handles, uptr(args[0]), count * sizeof handles[0]) != 0)
        return STATUS_ACCESS_VIOLATION;
    for (; got < count; got++) {
        struct kobject *obj = handle_lookup(process_current(), handles[got], &process_type);
        if (!obj) {
            while (got)
                kobj_unref(&procs[--got]->obj);
            return STATUS_INVALID_HANDLE;
        }
        procs[got] = (struct process *)obj;
    }
    console_set_control_hook(console_control_c); /* idempotent */
    spin_lock(&foreground_lock);
    old_count = foreground_count;
    memcpy(old, foreground, sizeof old);
    memcpy(foreground, procs, got * sizeof procs[0]);
    foreground_count = got;
    spin_unlock(&foreground_lock);
    while (old_count)
        kobj_unref(&old[--old_count]->obj);
    return STATUS_SUCCESS;
}
