/*
 * Boot file system: a fixed table filled once from the multiboot2 modules and
 * never changed, so readers need no lock. A module without a usable name, or a
 * duplicate name, is skipped with a warning rather than shadowing another file.
 */
#include <core/init.h>
#include <core/mb2.h>
#include <core/printk.h>
#include <fs/bootfs.h>
#include <lib/string.h>
#include <mm/layout.h>

static struct bootfs_file files[MB2_MAX_MODULES];
static size_t file_count;

/* What follows the last '/': GRUB passes what grub.cfg wrote after the path. Backslashes
 * stay: "drivers\etc\hosts" names a file in subfolders of System32 (see vfs_glue.c). */
static const char *base_name(const char *s)
{
    const char *b = s;

    for (; *s; s++) {
        if (*s == '/')
            b = s + 1;
    }
    return b;
}

/* GRUB passes a module's words with a backslash before each backslash and quote
 * (grub.cfg's 'drivers\etc\hosts' arrives as drivers\\etc\\hosts): undone here. The
 * result is never longer than s. */
static void unescape(char *out, const char *s)
{
    for (; *s; s++)
        *out++ = s[0] == '\\' && s[1] ? *++s : *s;
    *out = '\0';
}

void bootfs_init(const struct mb2_info *mb)
{
    for (size_t i = 0; i < mb->module_count; i++) {
        const struct mb2_module *m = &mb->modules[i];
        const char *name = base_name(m->cmdline);
        size_t len = strlen(name);
        if (len == 0 || len >= BOOTFS_NAME_MAX) {
            pr_warn("bootfs: module %zu has no usable name (\"%s\"); skipped\n", i, m->cmdline);
            continue;
        }
        if (bootfs_find(name)) {
            pr_warn("bootfs: duplicate file %s; the first one is kept\n", name);
            continue;
        }
        struct bootfs_file *f = &files[file_count++];
        unescape(f->name, name);
        f->data = phys_to_virt(m->start);
        f->size = m->end - m->start;
    }
    if (mb->modules_truncated)
        pr_warn("bootfs: only the first %zu of %zu modules are used\n", mb->module_count,
                (size_t)mb->module_total);
    pr_info("bootfs: %zu files\n", file_count);
}

const struct bootfs_file *bootfs_find(const char *name)
{
    for (size_t i = 0; i < file_count; i++) {
        if (strcasecmp(files[i].name, name) == 0)
            return &files[i];
    }
    return NULL;
}

const struct bootfs_file *bootfs_at(size_t index)
{
    return index < file_count ? &files[index] : NULL;
}

size_t bootfs_count(void)
{
    return file_count;
}

/* The boot step: the modules GRUB loaded, from the boot information. */
static void bootfs_boot_step(void)
{
    bootfs_init(boot_info_get());
}
INIT_STEP(INIT_FS_BOOT, bootfs_boot_step);
