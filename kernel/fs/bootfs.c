/*
 * Boot file system: a fixed table filled once from the multiboot2 modules and
 * never changed, so readers need no lock. A module without a usable name, or a
 * duplicate name in its directory, is skipped with a warning rather than shadowing
 * another file. "DIR/NAME" (or "DIR\\NAME") puts NAME in C:\DIR instead of System32.
 * Every spawn looks its images up by name, so the table is indexed by a hash of the
 * case-folded directory and name, built as the files are added.
 */
#include <arch/layout.h>
#include <core/init.h>
#include <core/mb2.h>
#include <core/printk.h>
#include <fs/bootfs.h>
#include <lib/string.h>
#include <stdbool.h>

static struct bootfs_file files[MB2_MAX_MODULES];
static size_t file_count;

/* Open addressing, at most half full: each slot holds a file's index + 1, 0 if empty. */
#define BOOTFS_SLOTS (2 * MB2_MAX_MODULES)
_Static_assert((BOOTFS_SLOTS & (BOOTFS_SLOTS - 1)) == 0, "slot count is a power of two");
_Static_assert(MB2_MAX_MODULES < UINT16_MAX, "slot entries are 16 bits");
static uint16_t slots[BOOTFS_SLOTS];

static unsigned char fold(char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : (unsigned char)c;
}

/* FNV-1a over the folded "dir\name", so names that match case-insensitively collide. */
static uint32_t name_hash(const char *dir, const char *name)
{
    uint32_t h = 2166136261u;

    for (; *dir; dir++)
        h = (h ^ fold(*dir)) * 16777619u;
    h = (h ^ '\\') * 16777619u;
    for (; *name; name++)
        h = (h ^ fold(*name)) * 16777619u;
    return h;
}

/* The last path component: GRUB passes what grub.cfg wrote after the path. */
static const char *base_name(const char *s)
{
    const char *b = s;

    for (; *s; s++) {
        if (*s == '/' || *s == '\\')
            b = s + 1;
    }
    return b;
}

/* The directory part of s (before its last separator) into dir, with backslashes as
 * separators: false if it is too long or has an empty component. "" for a plain name. */
static bool dir_part(const char *s, const char *base, char *dir, size_t cap)
{
    size_t n = (size_t)(base - s);

    dir[0] = '\0';
    if (n == 0)
        return true;
    n--; /* the separator */
    if (n == 0 || n >= cap)
        return false;
    for (size_t i = 0; i < n; i++) {
        bool sep = s[i] == '/' || s[i] == '\\';
        if (sep && (i == 0 || dir[i - 1] == '\\' || i + 1 == n))
            return false; /* an empty component */
        dir[i] = sep ? '\\' : s[i];
    }
    dir[n] = '\0';
    return true;
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

/* The slot holding dir\name, or the empty slot where it would go. */
static uint16_t *slot_of(const char *dir, const char *name)
{
    for (uint32_t i = name_hash(dir, name);; i++) {
        uint16_t *slot = &slots[i & (BOOTFS_SLOTS - 1)];
        const struct bootfs_file *f = *slot ? &files[*slot - 1] : NULL;
        if (!f || (strcasecmp(f->name, name) == 0 && strcasecmp(f->dir, dir) == 0))
            return slot;
    }
}

static const struct bootfs_file *find_in(const char *dir, const char *name)
{
    uint16_t *slot = slot_of(dir, name);

    return *slot ? &files[*slot - 1] : NULL;
}

void bootfs_init(const struct mb2_info *mb)
{
    for (size_t i = 0; i < mb->module_count; i++) {
        const struct mb2_module *m = &mb->modules[i];
        char plain[2 * BOOTFS_NAME_MAX];
        if (strlen(m->cmdline) >= sizeof plain) {
            pr_warn("bootfs: module %zu has no usable name (\"%s\"); skipped\n", i, m->cmdline);
            continue;
        }
        unescape(plain, m->cmdline);
        const char *name = base_name(plain);
        size_t len = strlen(name);
        char dir[BOOTFS_NAME_MAX];
        if (len == 0 || len >= BOOTFS_NAME_MAX || !dir_part(plain, name, dir, sizeof dir)) {
            pr_warn("bootfs: module %zu has no usable name (\"%s\"); skipped\n", i, m->cmdline);
            continue;
        }
        uint16_t *slot = slot_of(dir, name);
        if (*slot) {
            pr_warn("bootfs: duplicate file %s; the first one is kept\n", plain);
            continue;
        }
        struct bootfs_file *f = &files[file_count++];
        *slot = (uint16_t)file_count;
        memcpy(f->dir, dir, strlen(dir) + 1);
        memcpy(f->name, name, len + 1);
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
    return find_in("", name);
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
