/*
 * Finding and reading image files (see <loader/image_file.h>): the DLL search order and
 * the known DLLs as Windows has them. Boot files in System32 are used in place; other
 * files are read whole through the file-system layer into a private copy.
 */
#include <abi/file.h>
#include <fs/path.h>
#include <fs/vfs.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <loader/image_file.h>
#include <loader/loader.h>
#include <mm/kheap.h>
#include <proc/process.h>

/* Windows' KnownDLLs that Dormer provides: always the System32 copy. */
static const char *const known_dlls[] = { "ntdll.dll", "kernel32.dll", "msvcrt.dll" };

bool image_file_is_known_dll(const char *name)
{
    for (size_t i = 0; i < sizeof known_dlls / sizeof known_dlls[0]; i++) {
        if (strcasecmp(name, known_dlls[i]) == 0)
            return true;
    }
    return false;
}

const char *image_file_base_name(const char *path)
{
    const char *b = path;

    for (const char *s = path; *s; s++) {
        if (*s == '\\' || *s == '/' || *s == ':')
            b = s + 1;
    }
    return b;
}

void image_file_dir_of(const char *path, char *dir, size_t cap)
{
    size_t n = (size_t)(image_file_base_name(path) - path);

    if (n > 3 && (path[n - 1] == '\\' || path[n - 1] == '/'))
        n--; /* "C:\a\" -> "C:\a", but "C:\" stays */
    if (n >= cap)
        n = cap - 1;
    memcpy(dir, path, n);
    dir[n] = '\0';
}

void image_file_free_owned(struct bootfs_file *owned)
{
    if (!owned)
        return;
    kfree((void *)owned->data);
    kfree(owned);
}

void image_file_release(struct image_file *f)
{
    image_file_free_owned(f->owned);
    f->owned = NULL;
    f->file = NULL;
}

/* The boot file f, found in System32: out names it by its full path. */
static void use_boot_file(const struct bootfs_file *f, struct image_file *out)
{
    out->file = f;
    out->owned = NULL;
    strlcpy(out->path, IMAGE_SYSTEM_DIR "\\", sizeof out->path);
    strlcat(out->path, f->name, sizeof out->path);
}

static bool has_path(const char *name)
{
    return image_file_base_name(name) != name;
}

/* Normalize an ANSI path against p's current directory into out (UTF-16, cap units). */
static long normalize(struct process *p, const char *in, uint16_t *out, size_t cap)
{
    static const uint16_t root_c[] = { 'C', ':', '\\' };
    uint16_t wide[IMAGE_PATH_MAX];
    size_t n = strlen(in);

    if (n == 0 || n >= IMAGE_PATH_MAX)
        return K_EBADNAME;
    for (size_t i = 0; i < n; i++)
        wide[i] = (uint8_t)in[i];
    spin_lock(&p->cwd_lock);
    struct vfs_cwd *c = vfs_cwd_hold(p->cwd);
    spin_unlock(&p->cwd_lock);
    long len = path_normalize(wide, n, c ? c->path : root_c, c ? c->len : 3, out, cap, NULL);
    vfs_cwd_drop(c);
    return len;
}

/* Read the file at the normalized path into a private copy. K_ENOENT when it cannot
 * be opened as a file (missing, a directory, a bad path on the way). */
static int read_file(const uint16_t *path, size_t len, const char *name, struct image_file *out)
{
    const struct vfs_open_args oa = {
        .access = DORMER_FILE_READ_DATA | DORMER_FILE_READ_ATTRIBUTES | DORMER_SYNCHRONIZE,
        .share = DORMER_FILE_SHARE_READ | DORMER_FILE_SHARE_DELETE,
        .disposition = DORMER_FILE_OPEN, .options = DORMER_FILE_NON_DIRECTORY_FILE,
    };
    struct vfs_file *f;
    struct vfs_stat st;
    uint32_t action;
    int rc = vfs_open(path, len, false, &oa, &f, &action);

    if (rc == K_ENOMEM)
        return rc;
    if (rc)
        return K_ENOENT;
    vfs_stat_file(f, &st);
    if (st.size > IMAGE_FILE_MAX) {
        vfs_close(f);
        return K_ENOEXEC;
    }
    struct bootfs_file *copy = kcalloc(1, sizeof *copy);
    uint8_t *data = kmalloc(st.size ? st.size : 1);
    size_t got = 0;
    rc = copy && data ? 0 : K_ENOMEM;
    while (!rc && got < st.size) {
        size_t done = 0;
        rc = vfs_read(f, VFS_AT_OFFSET, got, data + got, st.size - got, &done);
        if (!rc && done == 0)
            break; /* shorter than it said: what was read is the file */
        got += done;
    }
    vfs_close(f);
    if (rc) {
        kfree(data);
        kfree(copy);
        return rc == K_ENOMEM ? rc : K_ENOENT;
    }
    strlcpy(copy->name, name, sizeof copy->name);
    copy->data = data;
    copy->size = got;
    out->owned = copy;
    out->file = copy;
    size_t i = 0;
    for (; i < len && i + 1 < sizeof out->path; i++)
        out->path[i] = path[i] < 0x100 ? (char)path[i] : '?';
    out->path[i] = '\0';
    return 0;
}

static bool is_system_dir(const uint16_t *path, size_t len)
{
    static const char sys[] = IMAGE_SYSTEM_DIR;

    if (len != sizeof sys - 1)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (path_fold(path[i]) != path_fold((uint8_t)sys[i]))
            return false;
    }
    return true;
}

/* The file `base` in directory `dir` (normalized, UTF-16): the boot file when dir is
 * System32 and has one by that name, else the file system's. */
static int try_dir(const uint16_t *dir, size_t dlen, const char *base, uint16_t *buf,
                   size_t cap, struct image_file *out)
{
    size_t blen = strlen(base);

    if (is_system_dir(dir, dlen)) {
        const struct bootfs_file *bf = bootfs_find(base);
        if (bf) {
            use_boot_file(bf, out);
            return 0;
        }
    }
    size_t n = dlen;
    if (n + 1 + blen + 1 > cap)
        return K_ENOENT;
    memcpy(buf, dir, n * sizeof *buf);
    if (n == 0 || buf[n - 1] != '\\')
        buf[n++] = '\\';
    for (size_t i = 0; i < blen; i++)
        buf[n++] = (uint8_t)base[i];
    return read_file(buf, n, base, out);
}

/* The two path buffers of image_file_find, allocated at their first use: false if out
 * of memory (whatever was allocated is still freed by the caller). */
static bool path_buffers(uint16_t **dir, uint16_t **buf, size_t cap)
{
    if (!*dir)
        *dir = kmalloc(cap * sizeof **dir);
    if (!*buf)
        *buf = kmalloc(cap * sizeof **buf);
    return *dir && *buf;
}

int image_file_find(struct process *p, const char *name, const char *search,
                    struct image_file *out)
{
    const size_t cap = IMAGE_PATH_MAX + 8;
    char base[BOOTFS_NAME_MAX];
    int rc = K_ENOENT;

    *out = (struct image_file){ 0 };
    const char *b = image_file_base_name(name);
    size_t blen = strlen(b);
    if (blen == 0 || blen + 5 > sizeof base)
        return blen ? K_ENOENT : K_EBADNAME;
    memcpy(base, b, blen + 1);
    if (!strchr(base, '.'))
        memcpy(base + blen, ".dll", 5); /* Windows adds it to a name without an extension */
    else if (base[blen - 1] == '.')
        base[blen - 1] = '\0'; /* a trailing dot: no extension, and none added */
    if (image_file_is_known_dll(base)) {
        const struct bootfs_file *bf = bootfs_find(base);
        if (!bf)
            return K_ENOENT;
        use_boot_file(bf, out);
        return 0;
    }
    uint16_t *dir = NULL, *buf = NULL;
    if (has_path(name)) { /* opened as it stands; its directory, then the file */
        char d[IMAGE_PATH_MAX];
        image_file_dir_of(name, d, sizeof d);
        if (!path_buffers(&dir, &buf, cap)) {
            rc = K_ENOMEM;
            goto out;
        }
        long dl = d[0] ? normalize(p, d, dir, cap) : normalize(p, ".", dir, cap);
        rc = dl < 0 ? (dl == K_ENOMEM ? K_ENOMEM : K_ENOENT)
                    : try_dir(dir, (size_t)dl, base, buf, cap, out);
        goto out;
    }
    for (const char *s = search ? search : ""; *s;) {
        const char *end = strchr(s, ';');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        char d[IMAGE_PATH_MAX];
        if (n > 0 && n < sizeof d) {
            memcpy(d, s, n);
            d[n] = '\0';
            /* System32 as written, the usual case: its boot files need no path walk. */
            const struct bootfs_file *bf =
                strcasecmp(d, IMAGE_SYSTEM_DIR) == 0 ? bootfs_find(base) : NULL;
            if (bf) {
                use_boot_file(bf, out);
                rc = 0;
                goto out;
            }
            if (!path_buffers(&dir, &buf, cap)) {
                rc = K_ENOMEM;
                goto out;
            }
            long dl = normalize(p, d, dir, cap);
            if (dl > 0) {
                rc = try_dir(dir, (size_t)dl, base, buf, cap, out);
                if (rc != K_ENOENT)
                    goto out;
            }
        }
        s += n + (end ? 1 : 0);
    }
    rc = K_ENOENT;
out:
    kfree(dir);
    kfree(buf);
    return rc;
}
