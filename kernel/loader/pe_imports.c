/*
 * PE32+ imports: the walk over a mapped image's import descriptors that the loader uses
 * twice, first to learn which DLLs to load, then to fill the import address table through
 * a caller-supplied resolver. Like Windows, the walk ignores the directory's size and
 * stops at the all-zero descriptor; running off the image is the error that bounds it.
 */
#include <loader/pe.h>
#include <lib/bytes.h>
#include <lib/errno.h>

#define IMPORT_DESC_SIZE 20
#define THUNK_ORDINAL    (1ull << 63) /* else bits 30..0 are the RVA of a hint/name */

static void le64_write(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

struct pe_import_desc {
    const char *dll;
    uint32_t lookup; /* OriginalFirstThunk, or FirstThunk when that is 0 */
    uint32_t iat;    /* FirstThunk */
};

/*
 * Reads the descriptor at `off`: returns 1 and fills *d, 0 at the all-zero terminator,
 * or K_ENOEXEC (err set) when it is malformed.
 */
static int pe_import_desc_read(const uint8_t *image, size_t image_size, uint64_t off,
                               struct pe_import_desc *d, char *err, size_t errlen)
{
    const uint8_t *p = pe_image_bytes(image, image_size, off, IMPORT_DESC_SIZE);
    if (p == NULL)
        return pe_error(err, errlen, "import descriptor at 0x%lx runs past the image", off);
    uint32_t oft = le32_read(p);
    uint32_t name = le32_read(p + 12);
    uint32_t ft = le32_read(p + 16);
    if (name == 0 && ft == 0)
        return 0;
    if (name == 0)
        return pe_error(err, errlen, "import descriptor at 0x%lx has no DLL name", off);
    if (ft == 0)
        return pe_error(err, errlen, "import descriptor at 0x%lx has no address table", off);
    d->dll = pe_image_string(image, image_size, name);
    if (d->dll == NULL)
        return pe_error(err, errlen, "import DLL name at 0x%x runs past the image", name);
    d->lookup = oft != 0 ? oft : ft;
    d->iat = ft;
    return 1;
}

static int pe_import_one_dll(uint8_t *image, size_t image_size, const struct pe_import_desc *d,
                             pe_import_fn resolve, void *ctx, char *err, size_t errlen)
{
    /* Each step moves both tables 8 bytes on, so running off the image ends the loop. */
    for (uint64_t i = 0;; i++) {
        uint64_t lookup_at = d->lookup + 8 * i;
        uint64_t iat_at = d->iat + 8 * i;
        const uint8_t *lp = pe_image_bytes(image, image_size, lookup_at, 8);
        if (lp == NULL)
            return pe_error(err, errlen, "import lookup table of %s runs past the image (0x%lx)",
                           d->dll, lookup_at);
        uint64_t thunk = le64_read(lp);
        if (thunk == 0)
            return 0;
        if (pe_image_bytes(image, image_size, iat_at, 8) == NULL)
            return pe_error(err, errlen,
                           "import address table of %s runs past the image (0x%lx)", d->dll,
                           iat_at);

        const char *name = NULL;
        uint16_t hint = 0;
        uint32_t ordinal = 0;
        if (thunk & THUNK_ORDINAL) {
            if (thunk & ~(THUNK_ORDINAL | 0xffffull))
                return pe_error(err, errlen, "import of %s has an invalid thunk 0x%lx", d->dll,
                               thunk);
            ordinal = (uint32_t)(thunk & 0xffff);
        } else {
            if (thunk >> 31)
                return pe_error(err, errlen, "import of %s has an invalid thunk 0x%lx", d->dll,
                               thunk);
            const uint8_t *hn = pe_image_bytes(image, image_size, thunk, 2);
            name = pe_image_string(image, image_size, thunk + 2);
            if (hn == NULL || name == NULL)
                return pe_error(err, errlen, "import name at 0x%lx (from %s) runs past the image",
                               thunk, d->dll);
            hint = le16_read(hn);
        }

        uint64_t addr = 0;
        int rc = resolve(ctx, d->dll, name, hint, ordinal, &addr);
        if (rc != 0) {
            if (name != NULL)
                pe_error(err, errlen, "missing import %s!%s", d->dll, name);
            else
                pe_error(err, errlen, "missing import %s!#%u", d->dll, ordinal);
            return rc < 0 ? rc : K_ENOENT;
        }
        le64_write(image + iat_at, addr);
    }
}

int pe_resolve_imports(uint8_t *image, size_t image_size, const struct pe_image *pe,
                       pe_import_fn resolve, void *ctx, char *err, size_t errlen)
{
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (image == NULL || pe == NULL || resolve == NULL) {
        pe_error(err, errlen, "no image or no resolver");
        return K_EINVAL;
    }
    struct pe_dir dir = pe->dirs[PE_DIR_IMPORT];
    if (dir.size == 0)
        return 0;
    for (uint64_t off = dir.rva;; off += IMPORT_DESC_SIZE) {
        struct pe_import_desc d;
        int rc = pe_import_desc_read(image, image_size, off, &d, err, errlen);
        if (rc <= 0)
            return rc;
        rc = pe_import_one_dll(image, image_size, &d, resolve, ctx, err, errlen);
        if (rc < 0)
            return rc;
    }
}

int pe_import_dll_names(const uint8_t *image, size_t image_size, const struct pe_image *pe,
                        int (*fn)(void *ctx, const char *dll), void *ctx)
{
    if (image == NULL || pe == NULL || fn == NULL)
        return K_EINVAL;
    struct pe_dir dir = pe->dirs[PE_DIR_IMPORT];
    if (dir.size == 0)
        return 0;
    for (uint64_t off = dir.rva;; off += IMPORT_DESC_SIZE) {
        struct pe_import_desc d;
        int rc = pe_import_desc_read(image, image_size, off, &d, NULL, 0);
        if (rc <= 0)
            return rc;
        rc = fn(ctx, d.dll);
        if (rc != 0)
            return rc;
    }
}
