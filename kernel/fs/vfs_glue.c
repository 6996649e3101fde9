/*
 * The file-system layer's kernel side: its lock (a spinlock today: RAM C:\ never sleeps
 * and no user memory is touched under it), its clock (the wall clock as a FILETIME:
 * the CMOS clock read once, plus the uptime), RAM C:\'s page supply (whole frames
 * through the direct map, so a deleted file's frames go back to the pool), and the boot
 * mounts: C:\ with every boot module as a zero-copy file of C:\Windows\System32.
 */
#include <abi/file.h>
#include <core/panic.h>
#include <core/printk.h>
#include <core/time.h>
#include <fs/bootfs.h>
#include <fs/ramfs.h>
#include <fs/vfs.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <mm/layout.h>
#include <mm/pmm.h>

static struct spinlock vfs_lock = SPINLOCK_INIT("vfs");

void vfs_lock_acquire(void)
{
    spin_lock(&vfs_lock);
}

void vfs_lock_release(void)
{
    ASSERT(spin_held(&vfs_lock));
    spin_unlock(&vfs_lock);
}

int64_t vfs_now(void)
{
    return time_wall_filetime();
}

static void *frame_alloc(void)
{
    paddr_t pa = pmm_alloc_frame();

    if (!pa)
        return NULL;
    void *p = phys_to_virt(pa);
    memset(p, 0, PAGE_SIZE);
    return p;
}

static void frame_free(void *page)
{
    pmm_free_frame((paddr_t)((uintptr_t)page - DIRECT_MAP_BASE));
}

static const struct ramfs_page_ops frame_pages = { .alloc = frame_alloc, .free = frame_free };

static size_t ascii_to_utf16(uint16_t *dst, const char *s, size_t cap)
{
    size_t n = 0;

    for (; s[n] && n < cap; n++)
        dst[n] = (uint8_t)s[n];
    return n;
}

void fs_init(void)
{
    static const char system32[] = "C:\\Windows\\System32";
    struct vfs_open_args dir = { .access = DORMER_FILE_READ_DATA,
                                 .share = DORMER_FILE_SHARE_READ | DORMER_FILE_SHARE_WRITE |
                                          DORMER_FILE_SHARE_DELETE,
                                 .disposition = DORMER_FILE_OPEN_IF,
                                 .options = DORMER_FILE_DIRECTORY_FILE };
    uint16_t path[sizeof system32], name[BOOTFS_NAME_MAX];
    struct vfs_file *f = NULL;
    uint32_t action;
    size_t added = 0;

    if (ramfs_mount('C', &frame_pages) != 0)
        panic("fs: cannot mount C:");
    /* C:\Windows, then C:\Windows\System32. */
    size_t n = ascii_to_utf16(path, system32, sizeof system32 - 1);
    if (vfs_open(path, 10, false, &dir, &f, &action) != 0)
        panic("fs: cannot create C:\\Windows");
    vfs_close(f);
    if (vfs_open(path, n, false, &dir, &f, &action) != 0)
        panic("fs: cannot create C:\\Windows\\System32");
    for (size_t i = 0; i < bootfs_count(); i++) {
        const struct bootfs_file *b = bootfs_at(i);
        size_t len = ascii_to_utf16(name, b->name, BOOTFS_NAME_MAX);
        int rc = ramfs_add_static(f->node, name, len, b->data, b->size);
        if (rc)
            pr_warn("fs: boot file %s not in System32 (error %d)\n", b->name, rc);
        else
            added++;
    }
    vfs_close(f);
    pr_info("fs: C:\\ mounted (RAM), %zu boot files in C:\\Windows\\System32\n", added);
}
