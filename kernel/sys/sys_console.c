/*
 * Console calls. Output is copied from the program in bounded chunks through the
 * copy routines (a bad buffer is an error, never a crash) and printed raw.
 */
#include <arch/uaccess.h>
#include <core/console.h>
#include <core/printk.h>
#include <lib/errno.h>
#include <proc/pipe.h>
#include <proc/process.h>
#include <sys/syscall.h>

#define CONSOLE_CHUNK 256
#define CONSOLE_MAX   (1u << 20)

dormer_status_t sys_NtWriteConsole(const uint64_t *args)
{
    uptr_t buf = uptr(args[0]);
    uint64_t len = args[1];
    char chunk[CONSOLE_CHUNK + 1];

    if (len > CONSOLE_MAX)
        return STATUS_INVALID_PARAMETER;
    if (!uaccess_range_ok(buf, len))
        return STATUS_ACCESS_VIOLATION;
    struct kobject *out = process_current()->stdout_pipe;
    if (out) {
        /* The console of this process is a pipe its parent reads. */
        long put = pipe_write(out, (const void *)(uintptr_t)buf.va, len, true);
        if (put == K_EINTR)
            return STATUS_PROCESS_IS_TERMINATING;
        return put < 0 ? status_from_errno((int)put) : STATUS_SUCCESS;
    }
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

dormer_status_t sys_NtReadConsole(const uint64_t *args)
{
    uptr_t buf = uptr(args[0]);
    uint64_t len = args[1];
    char line[CONSOLE_CHUNK];

    if (len == 0 || len > CONSOLE_MAX)
        return STATUS_INVALID_PARAMETER;
    /* Validate before blocking: both outputs must be writable now (they are written
     * with zeros), so a bad pointer fails at once instead of after the user types. */
    size_t max = len < sizeof line ? len : sizeof line;
    uint64_t got = 0;
    if (clear_user(buf, max) != 0 || copy_to_user(uptr(args[2]), &got, sizeof got) != 0)
        return STATUS_ACCESS_VIOLATION;
    size_t n = console_read_line(line, max);
    got = n;
    if (copy_to_user(buf, line, n) != 0 || copy_to_user(uptr(args[2]), &got, sizeof got) != 0)
        return STATUS_ACCESS_VIOLATION;
    return STATUS_SUCCESS;
}
