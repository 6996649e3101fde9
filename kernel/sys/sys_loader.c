/*
 * LoadLibrary's and FreeLibrary's kernel half: map a DLL (and the DLLs it needs that
 * are not loaded yet) into the calling process, and unmap one again. ntdll keeps the
 * reference counts, runs the entry points and links the loader entries; the kernel
 * keeps its image table under the process's loader lock, so two threads that skip
 * ntdll's lock still cannot corrupt it.
 */
#include <abi/peb.h>
#include <arch/uaccess.h>
#include <core/printk.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <loader/image_file.h>
#include <loader/loader.h>
#include <mm/kheap.h>
#include <proc/process.h>
#include <sys/syscall.h>

#define SEARCH_MAX_USER 8191 /* a search list, PATH included */

/* DmLoadImage(name, name_len, search, search_len, out): search NULL for the process's
 * default order. */
dormer_status_t sys_DmLoadImage(const uint64_t *args)
{
    struct process *p = process_current();
    char name[IMAGE_PATH_MAX], err[200];
    char *search = NULL;
    struct dormer_load_result res = { 0 };
    uint64_t name_len = args[1], search_len = args[3];

    if (name_len == 0 || name_len >= sizeof name || search_len > SEARCH_MAX_USER ||
        (args[2] == 0 && search_len != 0))
        return STATUS_INVALID_PARAMETER;
    if (copy_from_user(name, uptr(args[0]), name_len) != 0 ||
        copy_to_user(uptr(args[4]), &res, sizeof res) != 0)
        return STATUS_ACCESS_VIOLATION;
    name[name_len] = '\0';
    if (strlen(name) != name_len)
        return STATUS_INVALID_PARAMETER;
    if (args[2]) {
        search = kmalloc(search_len + 1);
        if (!search)
            return STATUS_NO_MEMORY;
        if (copy_from_user(search, uptr(args[2]), search_len) != 0) {
            kfree(search);
            return STATUS_ACCESS_VIOLATION;
        }
        search[search_len] = '\0';
    }
    sleeplock_acquire(&p->loader_lock);
    int rc = loader_load_dll(p, name, search, &res, err, sizeof err);
    for (uint32_t i = 0; !rc && i < res.count; i++)
        rc = loader_publish_image(p, res.new_slots[i]);
    sleeplock_release(&p->loader_lock);
    kfree(search);
    if (rc) {
        pr_debug("loader: %s: LoadLibrary(%s): %s\n", p->name, name, err);
        /* LdrLoadDll's statuses: a missing DLL, or one a DLL needs, is DLL_NOT_FOUND */
        return rc == K_ENOENT || rc == K_ENODLL ? STATUS_DLL_NOT_FOUND
               : rc == K_ENOMEM                 ? STATUS_NO_MEMORY
               : rc == K_EFAULT                 ? STATUS_ACCESS_VIOLATION
                                                : STATUS_INVALID_IMAGE_FORMAT;
    }
    return copy_to_user(uptr(args[4]), &res, sizeof res) ? STATUS_ACCESS_VIOLATION
                                                         : STATUS_SUCCESS;
}

/* DmUnloadImage(base): an image DmLoadImage loaded; its entry must be unlinked. */
dormer_status_t sys_DmUnloadImage(const uint64_t *args)
{
    struct process *p = process_current();

    sleeplock_acquire(&p->loader_lock);
    int rc = loader_unload(p, args[0]);
    sleeplock_release(&p->loader_lock);
    return rc == K_EPERM ? STATUS_ACCESS_DENIED : status_from_errno(rc);
}
