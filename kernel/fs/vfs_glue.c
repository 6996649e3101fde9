/*
 * The file-system layer's kernel side: its lock (a sleeping lock: a disk-backed volume
 * sleeps on transfers under it; no user memory is touched under it), its clock (the
 * wall clock as a FILETIME: the CMOS clock read once, plus the uptime), RAM C:\'s page
 * supply (whole frames through the direct map, so a deleted file's frames go back to
 * the pool), and the boot mounts: C:\ is the first virtio-blk disk's FAT32 volume
 * (through the block cache, flushed at power-off), or RAM C:\ when there is no disk,
 * disk=none is on the command line, or the disk's volume is refused. Either way the
 * boot modules show as read-only files of C:\Windows\System32, and those named
 * DIR/NAME as read-only files of C:\DIR.
 */
#include <abi/file.h>
#include <arch/layout.h>
#include <core/cmdline.h>
#include <core/init.h>
#include <core/panic.h>
#include <core/printk.h>
#include <core/shutdown.h>
#include <core/time.h>
#include <dev/blkdev.h>
#include <fs/bcache.h>
#include <fs/bootfs.h>
#include <fs/fat32_vfs.h>
#include <fs/ramfs.h>
#include <fs/vfs.h>
#include <lib/errno.h>
#include <lib/fmt.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#include <proc/process.h>
#include <proc/sleeplock.h>

#define CACHE_BLOCKS 256 /* 1 MiB of 4 KiB blocks */

static struct sleeplock vfs_lock;

void vfs_lock_acquire(void)
{
    sleeplock_acquire(&vfs_lock);
}

void vfs_lock_release(void)
{
    sleeplock_release(&vfs_lock);
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

static uint64_t frames_available(void)
{
    struct pmm_stats s;

    pmm_get_stats(&s);
    return s.free;
}

static const struct ramfs_page_ops frame_pages = { .alloc = frame_alloc, .free = frame_free,
                                                   .available = frames_available };

static size_t ascii_to_utf16(uint16_t *dst, const char *s, size_t cap)
{
    size_t n = 0;

    for (; s[n] && n < cap; n++)
        dst[n] = (uint8_t)s[n];
    return n;
}

/* ---- C:\ on a disk ---- */

static struct bcache disk_cache; /* protected by the vfs lock */

static int dev_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    struct blkdev *d = ctx;
    return d->read(d, lba, count, buf);
}

static int dev_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
    struct blkdev *d = ctx;
    return d->write(d, lba, count, buf);
}

static int dev_flush(void *ctx)
{
    struct blkdev *d = ctx;
    return d->flush(d);
}

static int cache_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    return bcache_read(ctx, lba, count, buf);
}

static int cache_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
    return bcache_write(ctx, lba, count, buf);
}

static int cache_sync(void *ctx)
{
    return bcache_sync(ctx);
}

static uint64_t fat_now(void *ctx)
{
    (void)ctx;
    return (uint64_t)time_wall_filetime();
}

static void disk_shutdown(void)
{
    int rc = fat32_vfs_sync_all();

    if (rc)
        pr_error("fs: flushing C:\\ at power-off failed (error %d)\n", rc);
    else
        pr_info("fs: C:\\ flushed\n");
}

static const char *mount_error(int rc)
{
    switch (rc) {
    case K_EINVAL:
        return "not a valid FAT32 volume (boot sector or root directory damaged)";
    case K_EIO:
        return "the disk cannot be read";
    case K_ENOMEM:
        return "out of memory";
    default:
        return "error";
    }
}

/* Mounts the first disk's FAT32 volume as C:. false (said why in one line) if not. */
static bool mount_disk(void)
{
    struct blkdev *d = blkdev_get(0);

    if (!d)
        return false;
    size_t n = bootfs_count();
    struct fat32_vfs_static *files = kcalloc(n ? n : 1, sizeof *files);
    struct bcache_block *blocks = kcalloc(CACHE_BLOCKS, sizeof *blocks);
    uint8_t *run = kmalloc(BCACHE_RUN_BYTES);
    size_t got = 0;
    if (!files || !blocks || !run)
        goto fail;
    for (; got < CACHE_BLOCKS; got++) {
        blocks[got].data = frame_alloc();
        if (!blocks[got].data)
            goto fail;
    }
    size_t in_sys32 = 0;
    for (size_t i = 0; i < n; i++) {
        const struct bootfs_file *b = bootfs_at(i);
        files[i] = (struct fat32_vfs_static){ b->name, b->data, b->size,
                                              b->dir[0] ? b->dir : "Windows\\System32" };
        in_sys32 += !b->dir[0];
    }
    struct bcache_dev cdev = { .ctx = d, .sectors = d->sectors, .read = dev_read,
                               .write = d->read_only ? NULL : dev_write, .flush = dev_flush };
    bcache_init(&disk_cache, &cdev, blocks, CACHE_BLOCKS, run);
    struct fat32_blkdev fdev = { .ctx = &disk_cache, .read = cache_read,
                                 .write = d->read_only ? NULL : cache_write,
                                 .sectors = d->sectors, .now = fat_now };
    int rc = fat32_vfs_mount('C', &fdev, d->read_only, cache_sync, &disk_cache, files, n);
    if (rc) {
        pr_error("fs: disk %s not mounted: %s (error %d); C:\\ is in RAM instead\n", d->name,
                 mount_error(rc), rc);
        goto fail;
    }
    if (!d->read_only)
        shutdown_register(disk_shutdown);
    pr_info("fs: C:\\ mounted (FAT32 on %s%s), %zu boot files in C:\\Windows\\System32, %zu "
            "elsewhere\n", d->name, d->read_only ? ", read-only" : "", in_sys32, n - in_sys32);
    return true;
fail:
    if (blocks) {
        while (got)
            frame_free(blocks[--got].data);
    }
    kfree(blocks);
    kfree(files);
    kfree(run);
    return false;
}

/* ---- C:\ in RAM ---- */

/* Opens (creating it and its parents if need be) the directory at the ASCII path
 * "C:\\A\\B...", for ramfs_add_static. */
static struct vfs_file *open_dir(const char *ascii)
{
    struct vfs_open_args dir = { .access = DORMER_FILE_READ_DATA,
                                 .share = DORMER_FILE_SHARE_READ | DORMER_FILE_SHARE_WRITE |
                                          DORMER_FILE_SHARE_DELETE,
                                 .disposition = DORMER_FILE_OPEN_IF,
                                 .options = DORMER_FILE_DIRECTORY_FILE };
    uint16_t path[4 + 2 * BOOTFS_NAME_MAX];
    struct vfs_file *f = NULL;
    uint32_t action;
    size_t n = ascii_to_utf16(path, ascii, sizeof path / sizeof path[0]);

    for (size_t i = 3; i < n; i++) { /* each parent below C:\ first */
        if (path[i] != '\\')
            continue;
        if (vfs_open(path, i, false, &dir, &f, &action) != 0)
            return NULL;
        vfs_close(f);
    }
    return vfs_open(path, n, false, &dir, &f, &action) == 0 ? f : NULL;
}

/* Adds boot file b to the open directory d; true if it is there. */
static bool add_boot_file(struct vfs_file *d, const struct bootfs_file *b, const char *where)
{
    uint16_t name[BOOTFS_NAME_MAX];
    size_t len = ascii_to_utf16(name, b->name, BOOTFS_NAME_MAX);
    int rc = ramfs_add_static(d->node, name, len, b->data, b->size);

    if (rc)
        pr_warn("fs: boot file %s not in %s (error %d)\n", b->name, where, rc);
    return rc == 0;
}

static void mount_ram(void)
{
    struct vfs_file *f;
    size_t added = 0, elsewhere = 0;

    if (ramfs_mount('C', &frame_pages) != 0)
        panic("fs: cannot mount C:");
    /* C:\Windows, then C:\Windows\System32. */
    f = open_dir("C:\\Windows");
    if (!f)
        panic("fs: cannot create C:\\Windows");
    vfs_close(f);
    f = open_dir("C:\\Windows\\System32");
    if (!f)
        panic("fs: cannot create C:\\Windows\\System32");
    for (size_t i = 0; i < bootfs_count(); i++) {
        const struct bootfs_file *b = bootfs_at(i);
        if (!b->dir[0])
            added += add_boot_file(f, b, "System32");
    }
    vfs_close(f);
    /* The files of other directories: C:\DIR, made when its first file comes. */
    for (size_t i = 0; i < bootfs_count(); i++) {
        const struct bootfs_file *b = bootfs_at(i);
        char where[4 + BOOTFS_NAME_MAX];
        if (!b->dir[0])
            continue;
        fmt_snprintf(where, sizeof where, "C:\\%s", b->dir);
        struct vfs_file *d = open_dir(where);
        if (!d) {
            pr_warn("fs: cannot create %s for boot file %s\n", where, b->name);
            continue;
        }
        elsewhere += add_boot_file(d, b, where);
        vfs_close(d);
    }
    pr_info("fs: C:\\ mounted (RAM), %zu boot files in C:\\Windows\\System32, %zu in other "
            "directories\n", added, elsewhere);
}

void fs_init(void)
{
    const char *disk = cmdline_get("disk");

    static const struct process_cwd_ops cwd_ops = { vfs_cwd_hold, vfs_cwd_drop };

    process_set_cwd_ops(&cwd_ops);
    sleeplock_init(&vfs_lock, "vfs");
    if (disk && strcmp(disk, "none") == 0) {
        pr_info("fs: disk=none: no disk used\n");
    } else {
        blkdev_probe_all();
        if (mount_disk())
            return;
    }
    mount_ram();
}

INIT_STEP(INIT_FS, fs_init);
