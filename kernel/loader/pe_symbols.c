/*
 * PE32+ symbols: exports, imports and the COFF symbol table. Export lookups run on a
 * "view" that is either the mapped image (RVA = offset) or the raw file (RVA translated
 * through the section table), so the loader resolves imports against mapped DLLs while
 * backtraces can fall back to a file's export table. Each read asks the view for a
 * contiguous, bounds-checked run of bytes; strings must end inside that run.
 */
#include <loader/pe.h>
#include <lib/bytes.h>
#include <lib/errno.h>
#include <lib/string.h>

#define EXPORT_DIR_SIZE  40
#define IMPORT_DESC_SIZE 20
#define SYMBOL_SIZE      18
#define THUNK_ORDINAL    (1ull << 63) /* else bits 30..0 are the RVA of a hint/name */

#define SYM_DTYPE_FUNCTION 0x20 /* (type & 0x30): derived type "function" */
#define SYM_CLASS_EXTERNAL 2
#define SYM_CLASS_STATIC   3

struct pe_view {
    const uint8_t *data;
    uint64_t size;
    const struct pe_image *pe;
    bool is_file;
};

/*
 * The bytes at `rva` as one contiguous run: returns a pointer and sets *avail to the
 * number of readable bytes from there (>= 1), or returns NULL. In a file view only
 * the headers and the file-backed part of each section are readable.
 */
static const uint8_t *view_run(const struct pe_view *v, uint64_t rva, uint64_t *avail)
{
    uint64_t off, end;

    if (!v->is_file) {
        if (rva >= v->size)
            return NULL;
        *avail = v->size - rva;
        return v->data + rva;
    }
    if (rva < v->pe->size_of_headers) {
        off = rva;
        end = v->pe->size_of_headers;
    } else {
        const struct pe_section *s = NULL;
        for (uint32_t i = 0; i < v->pe->num_sections; i++) {
            const struct pe_section *c = &v->pe->sections[i];
            if (rva >= c->rva && rva - c->rva < c->load_size)
                s = c;
        }
        if (s == NULL)
            return NULL;
        off = s->raw_off + (rva - s->rva);
        end = (uint64_t)s->raw_off + s->load_size;
    }
    if (end > v->size) /* pe does not describe this file */
        return NULL;
    *avail = end - off;
    return v->data + off;
}

static const uint8_t *view_bytes(const struct pe_view *v, uint64_t rva, uint64_t len)
{
    uint64_t avail;
    const uint8_t *p = view_run(v, rva, &avail);
    return p != NULL && len <= avail ? p : NULL;
}

static const char *view_string(const struct pe_view *v, uint64_t rva)
{
    uint64_t avail;
    const char *s = (const char *)view_run(v, rva, &avail);
    return s != NULL && strnlen(s, avail) < avail ? s : NULL;
}

/* ---- Export directory ---------------------------------------------------------------- */

struct pe_exports {
    uint32_t dir_rva, dir_size;
    uint32_t base;       /* ordinal of funcs[0] */
    uint32_t nfuncs, nnames;
    const uint8_t *funcs; /* u32 RVA x nfuncs */
    const uint8_t *names; /* u32 name RVA x nnames, sorted */
    const uint8_t *ords;  /* u16 index into funcs x nnames */
};

static int exports_open(const struct pe_view *v, struct pe_exports *x)
{
    struct pe_dir dir = v->pe->dirs[PE_DIR_EXPORT];

    if (dir.size == 0)
        return K_ENOENT;
    const uint8_t *d = view_bytes(v, dir.rva, EXPORT_DIR_SIZE);
    if (dir.size < EXPORT_DIR_SIZE || d == NULL)
        return K_ENOEXEC;
    x->dir_rva = dir.rva;
    x->dir_size = dir.size;
    x->base = le32_read(d + 16);
    x->nfuncs = le32_read(d + 20);
    x->nnames = le32_read(d + 24);
    x->funcs = view_bytes(v, le32_read(d + 28), 4 * (uint64_t)x->nfuncs);
    x->names = view_bytes(v, le32_read(d + 32), 4 * (uint64_t)x->nnames);
    x->ords = view_bytes(v, le32_read(d + 36), 2 * (uint64_t)x->nnames);
    if ((x->nfuncs > 0 && x->funcs == NULL) ||
        (x->nnames > 0 && (x->names == NULL || x->ords == NULL)))
        return K_ENOEXEC;
    return 0;
}

/* The export at funcs[index]: 0 with its RVA, K_ENOSYS for a forwarder (RVA of the
 * string), K_ENOENT for an empty slot or index, K_ENOEXEC if it points nowhere. */
static int exports_target(const struct pe_view *v, const struct pe_exports *x,
                          uint32_t index, uint32_t *rva)
{
    if (index >= x->nfuncs)
        return K_ENOENT;
    uint32_t r = le32_read(x->funcs + 4 * (uint64_t)index);
    if (r == 0)
        return K_ENOENT;
    if (r >= x->dir_rva && r - x->dir_rva < x->dir_size) {
        if (view_string(v, r) == NULL)
            return K_ENOEXEC;
        *rva = r;
        return K_ENOSYS;
    }
    if (r >= v->pe->size_of_image || (!v->is_file && r >= v->size))
        return K_ENOEXEC;
    *rva = r;
    return 0;
}

static const char *exports_name(const struct pe_view *v, const struct pe_exports *x,
                                uint32_t i)
{
    return view_string(v, le32_read(x->names + 4 * (uint64_t)i));
}

static uint16_t exports_ordinal_index(const struct pe_exports *x, uint32_t i)
{
    return le16_read(x->ords + 2 * (uint64_t)i);
}

static struct pe_view image_view(const uint8_t *image, size_t image_size,
                                 const struct pe_image *pe)
{
    return (struct pe_view){ .data = image, .size = image_size, .pe = pe, .is_file = false };
}

int pe_find_export_by_name(const uint8_t *image, size_t image_size, const struct pe_image *pe,
                           const char *name, uint16_t hint, uint32_t *rva)
{
    struct pe_view v = image_view(image, image_size, pe);
    struct pe_exports x;

    if (image == NULL || pe == NULL || name == NULL || rva == NULL)
        return K_EINVAL;
    int rc = exports_open(&v, &x);
    if (rc < 0)
        return rc;
    /* The hint is a guess at the name's index. GNU ld writes the ordinal there
     * instead, which for a DLL whose ordinals follow its sorted names is the index
     * plus the ordinal base: try both before searching. */
    uint32_t guesses[2] = { hint, hint >= x.base ? hint - x.base : UINT32_MAX };
    for (int g = 0; g < 2; g++) {
        if (guesses[g] >= x.nnames)
            continue;
        const char *s = exports_name(&v, &x, guesses[g]);
        if (s != NULL && strcmp(s, name) == 0)
            return exports_target(&v, &x, exports_ordinal_index(&x, guesses[g]), rva);
    }
    uint32_t lo = 0, hi = x.nnames;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const char *s = exports_name(&v, &x, mid);
        if (s == NULL)
            return K_ENOEXEC;
        int c = strcmp(name, s);
        if (c == 0)
            return exports_target(&v, &x, exports_ordinal_index(&x, mid), rva);
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return K_ENOENT;
}

int pe_find_export_by_ordinal(const uint8_t *image, size_t image_size,
                              const struct pe_image *pe, uint32_t ordinal, uint32_t *rva)
{
    struct pe_view v = image_view(image, image_size, pe);
    struct pe_exports x;

    if (image == NULL || pe == NULL || rva == NULL)
        return K_EINVAL;
    int rc = exports_open(&v, &x);
    if (rc < 0)
        return rc;
    if (ordinal < x.base)
        return K_ENOENT;
    return exports_target(&v, &x, ordinal - x.base, rva);
}

const char *pe_export_dll_name(const uint8_t *image, size_t image_size,
                               const struct pe_image *pe)
{
    struct pe_view v = image_view(image, image_size, pe);
    struct pe_exports x;

    if (image == NULL || pe == NULL || exports_open(&v, &x) < 0)
        return NULL;
    return view_string(&v, le32_read(image + x.dir_rva + 12));
}

/* ---- Imports ------------------------------------------------------------------------- */

/*
 * The loader walks the import descriptors twice: first to learn which DLLs to load, then
 * to fill the import address table through its resolver. Like Windows, the walk ignores
 * the directory's size and stops at the all-zero descriptor; running off the image is
 * the error that bounds it.
 */

struct pe_import_desc {
    const char *dll;
    uint32_t lookup; /* OriginalFirstThunk, or FirstThunk when that is 0 */
    uint32_t iat;    /* FirstThunk */
};

/*
 * Reads the descriptor at `off`: returns 1 and fills *d, 0 at the terminator (no name or
 * no address table, as Windows ends the walk),
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
    if (name == 0 || ft == 0)
        return 0; /* Windows' walk ends at the first entry without a name or a table */
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
            ordinal = (uint32_t)(thunk & 0xffff); /* Windows ignores the bits between */
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
    if (dir.rva == 0) /* present with any size: the zero descriptor ends it */
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
    if (dir.rva == 0) /* present with any size: the zero descriptor ends it */
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

/* ---- Symbolization ------------------------------------------------------------------- */

static void copy_name(char *dst, size_t dst_len, const char *src, size_t src_len)
{
    size_t n = src_len < dst_len - 1 ? src_len : dst_len - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* "#<ordinal>" for an export without a name. */
static void ordinal_name(char *dst, size_t dst_len, uint32_t ordinal)
{
    char buf[12];
    int n = sizeof(buf);

    do {
        buf[--n] = (char)('0' + ordinal % 10);
        ordinal /= 10;
    } while (ordinal != 0);
    buf[--n] = '#';
    copy_name(dst, dst_len, buf + n, sizeof(buf) - (size_t)n);
}

/* A symbol's name and length: 8 inline bytes (NUL-padded, maybe unterminated), or an
 * offset into the string table when the first four are zero. NULL if out of range. */
static const char *coff_name(const uint8_t *file, const struct pe_image *pe,
                             const uint8_t *rec, size_t *len)
{
    if (le32_read(rec) != 0) {
        *len = strnlen((const char *)rec, 8);
        return (const char *)rec;
    }
    uint32_t off = le32_read(rec + 4);
    if (pe->strtab_size == 0 || off < 4 || off >= pe->strtab_size)
        return NULL;
    const char *s = (const char *)file + pe->strtab_off + off;
    *len = strnlen(s, pe->strtab_size - off);
    return *len < pe->strtab_size - off ? s : NULL;
}

/* Greatest function-like COFF symbol in section `secno` (1-based) at or below rva. */
static int symbolize_coff(const uint8_t *file, size_t size, const struct pe_image *pe,
                          uint32_t secno, uint32_t rva, char *name, size_t name_len,
                          uint32_t *offset)
{
    const struct pe_section *sec = &pe->sections[secno - 1];
    const uint8_t *syms = file + pe->symtab_off;
    const char *best = NULL;
    size_t best_len = 0;
    uint64_t best_addr = 0;
    int best_rank = 0;

    if (pe->num_symbols == 0 ||
        (uint64_t)pe->symtab_off + (uint64_t)pe->num_symbols * SYMBOL_SIZE > size ||
        (pe->strtab_size != 0 && (uint64_t)pe->strtab_off + pe->strtab_size > size))
        return K_ENOENT;
    for (uint64_t i = 0; i < pe->num_symbols; i += 1 + (uint64_t)syms[i * SYMBOL_SIZE + 17]) {
        const uint8_t *rec = syms + i * SYMBOL_SIZE;
        uint64_t addr = (uint64_t)sec->rva + le32_read(rec + 8);
        uint16_t type = le16_read(rec + 14);
        uint8_t class = rec[16];
        int rank;
        size_t len;

        if ((int16_t)le16_read(rec + 12) != (int32_t)secno || addr > rva || addr < best_addr)
            continue;
        if ((type & 0x30) == SYM_DTYPE_FUNCTION)
            rank = 3;
        else if (class == SYM_CLASS_EXTERNAL)
            rank = 2;
        else if (class == SYM_CLASS_STATIC)
            rank = 1;
        else
            continue;
        if (addr == best_addr && rank <= best_rank)
            continue;
        const char *s = coff_name(file, pe, rec, &len);
        if (s == NULL || len == 0 || (rank == 1 && s[0] == '.')) /* .text: section symbol */
            continue;
        best = s;
        best_len = len;
        best_addr = addr;
        best_rank = rank;
    }
    if (best == NULL)
        return K_ENOENT;
    copy_name(name, name_len, best, best_len);
    *offset = (uint32_t)(rva - best_addr);
    return 0;
}

/* Greatest export inside `sec` at or below rva, named or else by ordinal. */
static int symbolize_exports(const uint8_t *file, size_t size, const struct pe_image *pe,
                             const struct pe_section *sec, uint32_t rva, char *name,
                             size_t name_len, uint32_t *offset)
{
    struct pe_view v = { .data = file, .size = size, .pe = pe, .is_file = true };
    struct pe_exports x;
    const char *best = NULL;
    uint32_t best_rva = 0, best_ordinal = 0;
    bool found = false;

    if (exports_open(&v, &x) < 0)
        return K_ENOENT;
    /* Named exports first; an unnamed one only wins at a strictly greater address. */
    for (uint32_t i = 0; i < x.nnames; i++) {
        uint32_t r;
        if (exports_target(&v, &x, exports_ordinal_index(&x, i), &r) != 0 || r < sec->rva ||
            r > rva || (found && r <= best_rva))
            continue;
        const char *s = exports_name(&v, &x, i);
        if (s == NULL)
            continue;
        best = s;
        best_rva = r;
        found = true;
    }
    for (uint32_t i = 0; i < x.nfuncs; i++) {
        uint32_t r;
        if (exports_target(&v, &x, i, &r) != 0 || r < sec->rva || r > rva ||
            (found && r <= best_rva))
            continue;
        best = NULL;
        best_rva = r;
        best_ordinal = x.base + i;
        found = true;
    }
    if (!found)
        return K_ENOENT;
    if (best != NULL)
        copy_name(name, name_len, best, strlen(best));
    else
        ordinal_name(name, name_len, best_ordinal);
    *offset = rva - best_rva;
    return 0;
}

int pe_symbolize(const uint8_t *file, size_t size, const struct pe_image *pe, uint32_t rva,
                 char *name, size_t name_len, uint32_t *offset)
{
    if (file == NULL || pe == NULL || name == NULL || name_len == 0 || offset == NULL)
        return K_EINVAL;
    name[0] = '\0';
    const struct pe_section *sec = pe_section_at(pe, rva);
    if (sec == NULL || !(sec->prot & PE_PROT_X))
        return K_ENOENT;
    uint32_t secno = (uint32_t)(sec - pe->sections) + 1;
    if (symbolize_coff(file, size, pe, secno, rva, name, name_len, offset) == 0)
        return 0;
    return symbolize_exports(file, size, pe, sec, rva, name, name_len, offset);
}
