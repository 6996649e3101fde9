/*
 * PE32+ parsing, plus base relocations and TLS on a mapped image. The parser validates
 * the file header by header, in file order, so the first broken field names the
 * rejection; every sum of untrusted values is done in 64 bits from 32-bit operands (or
 * checked as `a > limit - b`), so nothing wraps. Error text comes from a tiny printf
 * subset (pe_error) rather than lib/fmt, keeping the PE code free of kernel dependencies.
 */
#include <loader/pe.h>
#include <lib/bytes.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <stdarg.h>

#define DOS_HEADER_SIZE   64
#define DOS_LFANEW        0x3c
#define FILE_HEADER_SIZE  20
#define NT_HEADERS_SIZE   (4 + FILE_HEADER_SIZE) /* signature + file header */
#define OPT_BASE_SIZE     112                    /* PE32+ optional header, no directories */
#define SECTION_HDR_SIZE  40
#define TLS_DIR_SIZE      40
#define SYMBOL_SIZE       18

#define MACHINE_AMD64     0x8664
#define MAGIC_PE32        0x10b
#define MAGIC_PE32PLUS    0x20b
#define IMAGE_BASE_ALIGN  0x10000u

#define REL_ABSOLUTE      0
#define REL_HIGHLOW       3
#define REL_DIR64         10

static const char *const pe_dir_names[PE_NUM_DIRS] = {
    "export", "import", "resource", "exception", "certificate", "relocation", "debug",
    "architecture", "global pointer", "TLS", "load config", "bound import",
    "import address", "delay import", "CLR runtime", "reserved",
};

/* ---- Error text ---------------------------------------------------------------------- */

struct pe_msg {
    char *buf;
    size_t cap;
    size_t len;
};

static void msg_putc(struct pe_msg *m, char c)
{
    if (m->len + 1 < m->cap)
        m->buf[m->len++] = c;
}

static void msg_putu(struct pe_msg *m, uint64_t v, unsigned radix)
{
    char digits[20];
    int n = 0;

    do {
        digits[n++] = "0123456789abcdef"[v % radix];
        v /= radix;
    } while (v != 0);
    while (n > 0)
        msg_putc(m, digits[--n]);
}

int pe_error(char *err, size_t errlen, const char *fmt, ...)
{
    struct pe_msg m = { .buf = err, .cap = err != NULL ? errlen : 0, .len = 0 };
    va_list ap;

    va_start(ap, fmt);
    for (const char *p = fmt; *p != '\0'; p++) {
        if (*p != '%') {
            msg_putc(&m, *p);
            continue;
        }
        p++;
        bool wide = *p == 'l' || *p == 'z';
        if (wide)
            p++;
        if (*p == 's') {
            const char *s = va_arg(ap, const char *);
            for (s = s != NULL ? s : "(null)"; *s != '\0'; s++)
                msg_putc(&m, *s);
        } else if (*p == 'u' || *p == 'x') {
            uint64_t v = wide ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            msg_putu(&m, v, *p == 'u' ? 10 : 16);
        } else if (*p == '%') {
            msg_putc(&m, '%');
        } else {
            break; /* unsupported: never used, stop rather than misread arguments */
        }
    }
    va_end(ap);
    if (m.cap > 0)
        m.buf[m.len] = '\0';
    return K_ENOEXEC;
}

static void pe_err_clear(char *err, size_t errlen)
{
    if (err != NULL && errlen > 0)
        err[0] = '\0';
}

/* ---- Small helpers ------------------------------------------------------------------- */

static bool is_pow2(uint32_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

unsigned pe_section_prot(uint32_t characteristics)
{
    unsigned prot = 0;

    if (characteristics & PE_SCN_MEM_READ)
        prot |= PE_PROT_R;
    if (characteristics & PE_SCN_MEM_WRITE)
        prot |= PE_PROT_W;
    if (characteristics & PE_SCN_MEM_EXECUTE)
        prot |= PE_PROT_X;
    return prot;
}

const struct pe_section *pe_section_at(const struct pe_image *pe, uint32_t rva)
{
    for (uint32_t i = 0; i < pe->num_sections; i++) {
        const struct pe_section *s = &pe->sections[i];
        if (rva >= s->rva && (uint64_t)rva < (uint64_t)s->rva + s->vsize)
            return s;
    }
    return NULL;
}

bool pe_is_dll(const struct pe_image *pe)
{
    return (pe->characteristics & PE_FILE_DLL) != 0;
}

bool pe_relocatable(const struct pe_image *pe)
{
    return (pe->characteristics & PE_FILE_RELOCS_STRIPPED) == 0;
}

const uint8_t *pe_image_bytes(const uint8_t *image, size_t image_size, uint64_t rva,
                              uint64_t len)
{
    if (image == NULL || rva > image_size || len > image_size - rva)
        return NULL;
    return image + rva;
}

const char *pe_image_string(const uint8_t *image, size_t image_size, uint64_t rva)
{
    if (image == NULL || rva >= image_size)
        return NULL;
    const char *s = (const char *)image + rva;
    return strnlen(s, image_size - rva) < image_size - rva ? s : NULL;
}

void pe_copy_image(const uint8_t *file, const struct pe_image *pe, uint8_t *image)
{
    memset(image, 0, pe->size_of_image);
    memcpy(image, file, pe->size_of_headers);
    for (uint32_t i = 0; i < pe->num_sections; i++) {
        const struct pe_section *s = &pe->sections[i];
        if (s->load_size > 0)
            memcpy(image + s->rva, file + s->raw_off, s->load_size);
    }
}

/* ---- pe_parse ------------------------------------------------------------------------ */

struct pe_parser {
    const uint8_t *file;
    uint64_t size;
    struct pe_image *out;
    char *err;
    size_t errlen;
    uint64_t fh;       /* file offset of the COFF file header */
    uint64_t opt;      /* ... of the optional header */
    uint32_t opt_size;
    uint32_t nrva;     /* NumberOfRvaAndSizes, <= 16 */
    uint64_t shdr;     /* ... of the section table */
};

static int pe_parse_nt(struct pe_parser *p)
{
    const uint8_t *f = p->file;

    if (p->size < DOS_HEADER_SIZE)
        return pe_error(p->err, p->errlen, "file too small for a DOS header (%lu bytes)",
                       p->size);
    if (f[0] != 'M' || f[1] != 'Z')
        return pe_error(p->err, p->errlen, "no MZ signature: not an executable");
    uint32_t lfanew = le32_read(f + DOS_LFANEW);
    if (lfanew % 4 != 0)
        return pe_error(p->err, p->errlen, "PE header offset 0x%x is not 4-byte aligned",
                       lfanew);
    if (lfanew < DOS_HEADER_SIZE)
        return pe_error(p->err, p->errlen, "PE header offset 0x%x overlaps the DOS header",
                       lfanew);
    if ((uint64_t)lfanew + NT_HEADERS_SIZE > p->size)
        return pe_error(p->err, p->errlen, "PE header runs past end of file (0x%lx > 0x%lx)",
                       (uint64_t)lfanew + NT_HEADERS_SIZE, p->size);
    if (memcmp(f + lfanew, "PE\0\0", 4) != 0)
        return pe_error(p->err, p->errlen, "no PE signature at 0x%x", lfanew);

    p->fh = (uint64_t)lfanew + 4;
    const uint8_t *fh = f + p->fh;
    uint16_t machine = le16_read(fh);
    uint16_t nsec = le16_read(fh + 2);
    uint16_t chars = le16_read(fh + 18);
    if (machine != MACHINE_AMD64)
        return pe_error(p->err, p->errlen, "machine 0x%x is not x86_64", machine);
    if (!(chars & PE_FILE_EXECUTABLE))
        return pe_error(p->err, p->errlen,
                       "not an executable image (file characteristics 0x%x)", chars);
    if (nsec == 0)
        return pe_error(p->err, p->errlen, "image has no sections");
    if (nsec > PE_MAX_SECTIONS)
        return pe_error(p->err, p->errlen, "too many sections (%u > %u)", nsec,
                       PE_MAX_SECTIONS);
    p->out->characteristics = chars;
    p->out->num_sections = nsec;

    p->opt_size = le16_read(fh + 16);
    p->opt = p->fh + FILE_HEADER_SIZE;
    if (p->opt + p->opt_size > p->size)
        return pe_error(p->err, p->errlen,
                       "optional header runs past end of file (0x%lx > 0x%lx)",
                       p->opt + p->opt_size, p->size);
    if (p->opt_size < 2)
        return pe_error(p->err, p->errlen, "optional header too small (%u < %u bytes)",
                       p->opt_size, OPT_BASE_SIZE);
    uint16_t magic = le16_read(f + p->opt);
    if (magic == MAGIC_PE32)
        return pe_error(p->err, p->errlen, "32-bit images are not supported");
    if (magic != MAGIC_PE32PLUS)
        return pe_error(p->err, p->errlen, "optional header magic 0x%x is not PE32+ (0x20b)",
                       magic);
    if (p->opt_size < OPT_BASE_SIZE)
        return pe_error(p->err, p->errlen, "optional header too small (%u < %u bytes)",
                       p->opt_size, OPT_BASE_SIZE);
    p->nrva = le32_read(f + p->opt + 108);
    if (p->nrva > PE_NUM_DIRS)
        return pe_error(p->err, p->errlen, "too many data directories (%u > %u)", p->nrva,
                       PE_NUM_DIRS);
    if (p->opt_size < OPT_BASE_SIZE + 8 * p->nrva)
        return pe_error(p->err, p->errlen,
                       "optional header too small for %u data directories (%u < %u bytes)",
                       p->nrva, p->opt_size, OPT_BASE_SIZE + 8 * p->nrva);
    p->shdr = p->opt + p->opt_size;
    return 0;
}

/* A stack or heap reservation: commit <= reserve <= 1 GiB. */
static int pe_check_reserve(struct pe_parser *p, const char *what, uint64_t reserve,
                            uint64_t commit)
{
    if (commit > reserve)
        return pe_error(p->err, p->errlen, "%s commit 0x%lx is larger than its reserve 0x%lx",
                       what, commit, reserve);
    if (reserve > PE_MAX_IMAGE_SIZE)
        return pe_error(p->err, p->errlen, "%s reserve 0x%lx is larger than 1 GiB", what,
                       reserve);
    return 0;
}

static int pe_parse_optional(struct pe_parser *p)
{
    const uint8_t *o = p->file + p->opt;
    struct pe_image *out = p->out;
    int rc;

    out->entry_rva = le32_read(o + 16);
    out->image_base = le64_read(o + 24);
    uint32_t sa = le32_read(o + 32);
    uint32_t fa = le32_read(o + 36);
    out->size_of_image = le32_read(o + 56);
    out->size_of_headers = le32_read(o + 60);
    out->subsystem = le16_read(o + 68);
    out->dll_characteristics = le16_read(o + 70);
    out->stack_reserve = le64_read(o + 72);
    out->stack_commit = le64_read(o + 80);
    out->heap_reserve = le64_read(o + 88);
    out->heap_commit = le64_read(o + 96);

    if (!is_pow2(sa))
        return pe_error(p->err, p->errlen, "section alignment 0x%x is not a power of two", sa);
    if (!is_pow2(fa))
        return pe_error(p->err, p->errlen, "file alignment 0x%x is not a power of two", fa);
    if (sa < fa)
        return pe_error(p->err, p->errlen,
                       "section alignment 0x%x is below the file alignment 0x%x", sa, fa);
    if (sa >= PE_PAGE_SIZE && (fa < 0x200 || fa > 0x10000))
        return pe_error(p->err, p->errlen, "file alignment 0x%x is outside 0x200..0x10000",
                       fa);
    if (sa < PE_PAGE_SIZE && fa != sa)
        return pe_error(p->err, p->errlen,
                       "file alignment 0x%x differs from the section alignment 0x%x "
                       "(required below the page size)", fa, sa);
    out->section_alignment = sa;
    out->file_alignment = fa;

    uint64_t base = out->image_base;
    uint32_t soi = out->size_of_image;
    if (base % IMAGE_BASE_ALIGN != 0)
        return pe_error(p->err, p->errlen, "image base 0x%lx is not 64 KiB aligned", base);
    if (base < PE_USER_MIN || base >= PE_USER_END)
        return pe_error(p->err, p->errlen, "image base 0x%lx is outside user space", base);
    if (soi == 0)
        return pe_error(p->err, p->errlen, "image size is 0");
    if (soi % sa != 0)
        return pe_error(p->err, p->errlen,
                       "image size 0x%x is not a multiple of the section alignment 0x%x",
                       soi, sa);
    if (soi > PE_MAX_IMAGE_SIZE)
        return pe_error(p->err, p->errlen, "image size 0x%x is larger than 1 GiB", soi);
    if (soi > PE_USER_END - base) /* base < PE_USER_END: no wrap */
        return pe_error(p->err, p->errlen, "image 0x%lx..0x%lx runs past the end of user space",
                       base, base + soi);

    uint64_t table_end = p->shdr + (uint64_t)out->num_sections * SECTION_HDR_SIZE;
    uint32_t soh = out->size_of_headers;
    if (table_end > p->size)
        return pe_error(p->err, p->errlen,
                       "section table runs past end of file (0x%lx > 0x%lx)", table_end,
                       p->size);
    if (soh > p->size)
        return pe_error(p->err, p->errlen, "headers run past end of file (0x%x > 0x%lx)", soh,
                       p->size);
    if (soh > soi)
        return pe_error(p->err, p->errlen, "headers are larger than the image (0x%x > 0x%x)",
                       soh, soi);
    if (table_end > soh)
        return pe_error(p->err, p->errlen,
                       "section table runs past the headers (0x%lx > 0x%x)", table_end, soh);

    rc = pe_check_reserve(p, "stack", out->stack_reserve, out->stack_commit);
    if (rc < 0)
        return rc;
    rc = pe_check_reserve(p, "heap", out->heap_reserve, out->heap_commit);
    if (rc < 0)
        return rc;
    if (out->subsystem != PE_SUBSYSTEM_GUI && out->subsystem != PE_SUBSYSTEM_CUI)
        return pe_error(p->err, p->errlen,
                       "subsystem %u is not supported (only Windows GUI and console)",
                       out->subsystem);
    return 0;
}

/* Copies an 8-byte section name: printable ASCII, then only NUL padding. */
static int pe_section_name(struct pe_parser *p, uint32_t idx, const uint8_t *raw,
                           char name[9])
{
    bool ended = false;

    for (int i = 0; i < 8; i++) {
        if (raw[i] == '\0')
            ended = true;
        else if (ended || raw[i] < 0x20 || raw[i] > 0x7e)
            return pe_error(p->err, p->errlen, "section %u name is not printable ASCII", idx);
        name[i] = (char)raw[i];
    }
    name[8] = '\0';
    if (raw[0] == '\0')
        return pe_error(p->err, p->errlen, "section %u has an empty name", idx);
    return 0;
}

static int pe_parse_sections(struct pe_parser *p)
{
    struct pe_image *out = p->out;
    uint64_t prev_end = 0;
    int rc;

    for (uint32_t i = 0; i < out->num_sections; i++) {
        const uint8_t *sh = p->file + p->shdr + (uint64_t)i * SECTION_HDR_SIZE;
        struct pe_section *s = &out->sections[i];

        rc = pe_section_name(p, i, sh, s->name);
        if (rc < 0)
            return rc;
        uint32_t vs = le32_read(sh + 8);
        s->rva = le32_read(sh + 12);
        s->raw_size = le32_read(sh + 16);
        s->raw_off = s->raw_size > 0 ? le32_read(sh + 20) : 0;
        s->characteristics = le32_read(sh + 36);
        s->vsize = vs != 0 ? vs : s->raw_size;
        s->load_size = s->raw_size < s->vsize ? s->raw_size : s->vsize;
        s->prot = pe_section_prot(s->characteristics);

        if (s->rva % out->section_alignment != 0)
            return pe_error(p->err, p->errlen, "section %s address 0x%x is not aligned to 0x%x",
                           s->name, s->rva, out->section_alignment);
        if (s->rva < out->size_of_headers)
            return pe_error(p->err, p->errlen,
                           "section %s at 0x%x overlaps the headers (0x%x bytes)", s->name,
                           s->rva, out->size_of_headers);
        if (i > 0 && s->rva < prev_end)
            return pe_error(p->err, p->errlen,
                           "section %s at 0x%x overlaps or precedes section %s (ends at 0x%lx)",
                           s->name, s->rva, out->sections[i - 1].name, prev_end);
        uint64_t end = (uint64_t)s->rva + s->vsize;
        if (end > out->size_of_image)
            return pe_error(p->err, p->errlen, "section %s ends past the image (0x%lx > 0x%x)",
                           s->name, end, out->size_of_image);
        if (s->raw_size > 0) {
            uint64_t raw_end = (uint64_t)s->raw_off + s->raw_size;
            if (s->raw_off % out->file_alignment != 0)
                return pe_error(p->err, p->errlen,
                               "section %s raw data offset 0x%x is not aligned to 0x%x",
                               s->name, s->raw_off, out->file_alignment);
            if (raw_end > p->size)
                return pe_error(p->err, p->errlen,
                               "section %s raw data runs past end of file (0x%lx > 0x%lx)",
                               s->name, raw_end, p->size);
        }
        if ((s->prot & PE_PROT_W) && (s->prot & PE_PROT_X))
            return pe_error(p->err, p->errlen, "section %s is writable and executable", s->name);
        prev_end = end;
    }
    return 0;
}

/*
 * Below the page size, sections can share pages, and a page gets the union of their
 * protections; that union must not be W+X either. Sections are sorted (checked above),
 * so one pass tracks the last page touched and who touched it.
 */
static int pe_check_shared_pages(struct pe_parser *p)
{
    const struct pe_image *out = p->out;
    /* The headers (read-only) come first; size_of_headers > 0, it holds the table. */
    uint64_t page = ((uint64_t)out->size_of_headers - 1) / PE_PAGE_SIZE;
    unsigned prot = PE_PROT_R;
    const struct pe_section *last = NULL;

    for (uint32_t i = 0; i < out->num_sections; i++) {
        const struct pe_section *s = &out->sections[i];
        if (s->vsize == 0)
            continue;
        uint64_t first = s->rva / PE_PAGE_SIZE;
        uint64_t final = ((uint64_t)s->rva + s->vsize - 1) / PE_PAGE_SIZE;
        if (first == page) {
            prot |= s->prot;
            if ((prot & PE_PROT_W) && (prot & PE_PROT_X) && last != NULL)
                return pe_error(p->err, p->errlen,
                               "sections %s and %s share a page and together are "
                               "writable and executable", last->name, s->name);
        }
        if (first != page || final != first) {
            page = final;
            prot = s->prot;
        }
        last = s;
    }
    return 0;
}

static int pe_parse_dirs(struct pe_parser *p)
{
    struct pe_image *out = p->out;

    for (uint32_t i = 0; i < p->nrva; i++) {
        const uint8_t *d = p->file + p->opt + OPT_BASE_SIZE + 8 * i;
        uint32_t rva = le32_read(d);
        uint32_t size = le32_read(d + 4);
        uint64_t end = (uint64_t)rva + size;

        if (size == 0)
            continue; /* absent; a stray address is ignored, as Windows does */
        if (rva == 0)
            return pe_error(p->err, p->errlen, "%s directory has size 0x%x but no address",
                           pe_dir_names[i], size);
        if (i == PE_DIR_SECURITY) {
            if (end > p->size)
                return pe_error(p->err, p->errlen,
                               "certificate table runs past end of file (0x%lx > 0x%lx)", end,
                               p->size);
        } else if (end > out->size_of_image) {
            return pe_error(p->err, p->errlen,
                           "%s directory at 0x%x runs past the image (0x%lx > 0x%x)",
                           pe_dir_names[i], rva, end, out->size_of_image);
        }
        out->dirs[i].rva = rva;
        out->dirs[i].size = size;
    }
    return 0;
}

static int pe_check_entry(struct pe_parser *p)
{
    const struct pe_image *out = p->out;

    if (out->entry_rva == 0) {
        if (pe_is_dll(out))
            return 0;
        return pe_error(p->err, p->errlen, "executable has no entry point (0)");
    }
    const struct pe_section *s = pe_section_at(out, out->entry_rva);
    if (s == NULL || !(s->prot & PE_PROT_X))
        return pe_error(p->err, p->errlen, "entry point 0x%x is not inside an executable section",
                       out->entry_rva);
    return 0;
}

/* The COFF symbol table is optional debugging data: out of range means "absent". */
static void pe_parse_symtab(struct pe_parser *p)
{
    uint32_t off = le32_read(p->file + p->fh + 8);
    uint32_t n = le32_read(p->file + p->fh + 12);
    uint64_t str = (uint64_t)off + (uint64_t)n * SYMBOL_SIZE; /* < 2^37: no wrap */

    if (off == 0 || n == 0 || str > p->size)
        return;
    p->out->symtab_off = off;
    p->out->num_symbols = n;
    if (p->size - str < 4)
        return;
    uint32_t str_size = le32_read(p->file + str);
    if (str_size < 4 || str_size > p->size - str)
        return;
    p->out->strtab_off = (uint32_t)str; /* str <= size; offsets above 4 GiB can't occur */
    p->out->strtab_size = str_size;
}

int pe_parse(const uint8_t *file, size_t size, struct pe_image *out, char *err, size_t errlen)
{
    struct pe_parser p = { .file = file, .size = size, .out = out, .err = err,
                           .errlen = errlen };
    int rc;

    pe_err_clear(err, errlen);
    if (file == NULL || out == NULL) {
        pe_error(err, errlen, "no file or no output");
        return K_EINVAL;
    }
    if ((uint64_t)size > UINT32_MAX) /* every PE offset is 32-bit */
        return pe_error(err, errlen, "file is larger than 4 GiB");
    memset(out, 0, sizeof(*out));

    if ((rc = pe_parse_nt(&p)) < 0 || (rc = pe_parse_optional(&p)) < 0 ||
        (rc = pe_parse_sections(&p)) < 0 || (rc = pe_check_shared_pages(&p)) < 0 ||
        (rc = pe_parse_dirs(&p)) < 0 || (rc = pe_check_entry(&p)) < 0)
        return rc;
    pe_parse_symtab(&p);
    return 0;
}

/* ---- Base relocations ---------------------------------------------------------------- */

/*
 * One walk over the relocation blocks; with apply false it only validates. Every check
 * is repeated while applying, so a fixup that patches the relocation table itself can
 * cause an error but never an out-of-bounds access.
 */
static int pe_walk_relocs(uint8_t *image, uint64_t image_size, struct pe_dir dir,
                          uint64_t delta, bool apply, char *err, size_t errlen)
{
    uint64_t end = (uint64_t)dir.rva + dir.size; /* <= image_size, checked by the caller */

    for (uint64_t off = dir.rva; off < end;) {
        if (end - off < 8)
            return pe_error(err, errlen, "relocation block at 0x%lx is truncated (%lu bytes)",
                           off, end - off);
        uint32_t page = le32_read(image + off);
        uint32_t bsize = le32_read(image + off + 4);
        if (bsize < 8 || bsize % 2 != 0)
            return pe_error(err, errlen, "relocation block at 0x%lx has bad size 0x%x", off,
                           bsize);
        if (bsize > end - off)
            return pe_error(err, errlen,
                           "relocation block at 0x%lx runs past the directory (0x%lx > 0x%lx)",
                           off, off + bsize, end);
        for (uint64_t e = off + 8; e < off + bsize; e += 2) {
            uint16_t entry = le16_read(image + e);
            unsigned type = entry >> 12;
            uint64_t at = (uint64_t)page + (entry & 0xfff);
            uint64_t width;

            if (type == REL_ABSOLUTE)
                continue;
            if (type == REL_HIGHLOW)
                width = 4;
            else if (type == REL_DIR64)
                width = 8;
            else
                return pe_error(err, errlen, "relocation type %u at 0x%lx is not supported",
                               type, at);
            if (at + width > image_size)
                return pe_error(err, errlen,
                               "relocation at 0x%lx runs past the image (0x%lx > 0x%lx)", at,
                               at + width, image_size);
            if (!apply)
                continue;
            if (type == REL_DIR64)
                le64_write(image + at, le64_read(image + at) + delta);
            else
                le32_write(image + at, le32_read(image + at) + (uint32_t)delta);
        }
        off += bsize;
    }
    return 0;
}

int pe_apply_relocations(uint8_t *image, size_t image_size, const struct pe_image *pe,
                         uint64_t new_base, char *err, size_t errlen)
{
    pe_err_clear(err, errlen);
    if (image == NULL || pe == NULL) {
        pe_error(err, errlen, "no image");
        return K_EINVAL;
    }
    uint64_t delta = new_base - pe->image_base; /* modular: moving down works too */
    if (delta == 0)
        return 0;
    if (!pe_relocatable(pe))
        return pe_error(err, errlen, "image cannot be relocated (relocations stripped)");
    struct pe_dir dir = pe->dirs[PE_DIR_BASERELOC];
    if (dir.size == 0)
        return 0;
    if ((uint64_t)dir.rva + dir.size > image_size)
        return pe_error(err, errlen,
                       "relocation directory at 0x%x runs past the image (0x%lx > 0x%zx)",
                       dir.rva, (uint64_t)dir.rva + dir.size, image_size);
    int rc = pe_walk_relocs(image, image_size, dir, delta, false, err, errlen);
    if (rc < 0)
        return rc;
    return pe_walk_relocs(image, image_size, dir, delta, true, err, errlen);
}

/* ---- TLS ----------------------------------------------------------------------------- */

/* True if [va, va + len) lies inside the image mapped at base (limit bytes long). */
static bool pe_va_inside(uint64_t va, uint64_t len, uint64_t base, uint64_t limit)
{
    return va >= base && va - base <= limit && len <= limit - (va - base);
}

int pe_tls_info(const uint8_t *image, size_t image_size, const struct pe_image *pe,
                uint64_t base, struct pe_tls *out)
{
    if (image == NULL || pe == NULL || out == NULL)
        return K_EINVAL;
    struct pe_dir dir = pe->dirs[PE_DIR_TLS];
    if (dir.size == 0)
        return K_ENOENT;
    const uint8_t *p = pe_image_bytes(image, image_size, dir.rva, TLS_DIR_SIZE);
    if (dir.size < TLS_DIR_SIZE || p == NULL)
        return K_ENOEXEC;
    uint64_t limit = image_size < pe->size_of_image ? image_size : pe->size_of_image;
    if (base > UINT64_MAX - limit)
        return K_EINVAL;

    out->raw_start = le64_read(p);
    out->raw_end = le64_read(p + 8);
    out->index_addr = le64_read(p + 16);
    out->callbacks_addr = le64_read(p + 24);
    out->zero_fill = le32_read(p + 32);
    out->characteristics = le32_read(p + 36);
    out->num_callbacks = 0;

    bool no_template = out->raw_start == 0 && out->raw_end == 0;
    if (!no_template && (out->raw_start > out->raw_end ||
                         !pe_va_inside(out->raw_start, out->raw_end - out->raw_start, base,
                                       limit)))
        return K_ENOEXEC;
    if (out->raw_end - out->raw_start + out->zero_fill > PE_MAX_IMAGE_SIZE)
        return K_ENOEXEC;
    if (!pe_va_inside(out->index_addr, 4, base, limit))
        return K_ENOEXEC;
    if (out->callbacks_addr == 0)
        return 0;
    for (uint64_t at = out->callbacks_addr;; at += 8) {
        if (!pe_va_inside(at, 8, base, limit))
            return K_ENOEXEC;
        uint64_t cb = le64_read(image + (at - base));
        if (cb == 0)
            return 0;
        if (!pe_va_inside(cb, 1, base, limit))
            return K_ENOEXEC;
        const struct pe_section *s = pe_section_at(pe, (uint32_t)(cb - base));
        if (s == NULL || !(s->prot & PE_PROT_X))
            return K_ENOEXEC;
        out->num_callbacks++;
    }
}
