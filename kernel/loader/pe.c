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
    /* Sections ascend without overlap (pe_parse checks it): binary search. */
    uint32_t lo = 0, hi = pe->num_sections;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const struct pe_section *s = &pe->sections[mid];
        if (rva < s->rva)
            hi = mid;
        else if ((uint64_t)rva >= (uint64_t)s->rva + s->vsize)
            lo = mid + 1;
        else
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
    uint32_t opt_size; /* SizeOfOptionalHeader: where the section table starts */
    uint32_t nrva;     /* NumberOfRvaAndSizes, cut to 16 */
    uint64_t shdr;     /* ... of the section table */
    uint32_t raw_soh;  /* SizeOfHeaders as written */
};

static uint64_t align_up(uint64_t v, uint32_t a)
{
    return (v + a - 1) & ~(uint64_t)(a - 1);
}

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
    if (lfanew < 4) /* the "tiny PE" overlap (e.g. 4) is legal; 0 would be "MZ" itself */
        return pe_error(p->err, p->errlen, "PE header offset 0x%x overlaps the MZ signature",
                       lfanew);
    if ((uint64_t)lfanew + NT_HEADERS_SIZE + 2 > p->size)
        return pe_error(p->err, p->errlen, "PE header runs past end of file (0x%lx > 0x%lx)",
                       (uint64_t)lfanew + NT_HEADERS_SIZE + 2, p->size);
    if (memcmp(f + lfanew, "PE\0\0", 4) != 0)
        return pe_error(p->err, p->errlen, "no PE signature at 0x%x", lfanew);

    p->fh = (uint64_t)lfanew + 4;
    p->opt = p->fh + FILE_HEADER_SIZE;
    const uint8_t *fh = f + p->fh;
    uint16_t machine = le16_read(fh);
    uint16_t nsec = le16_read(fh + 2);
    uint16_t chars = le16_read(fh + 18);
    uint16_t magic = le16_read(f + p->opt);
    /* The magic first: a 32-bit image (machine i386) gets the message the docs promise. */
    if (magic == MAGIC_PE32)
        return pe_error(p->err, p->errlen, "32-bit images are not supported");
    if (magic != MAGIC_PE32PLUS)
        return pe_error(p->err, p->errlen, "optional header magic 0x%x is not PE32+ (0x20b)",
                       magic);
    if (machine != MACHINE_AMD64)
        return pe_error(p->err, p->errlen, "machine 0x%x is not x86_64", machine);
    if (!(chars & PE_FILE_EXECUTABLE))
        return pe_error(p->err, p->errlen,
                       "not an executable image (file characteristics 0x%x)", chars);
    p->out->characteristics = chars;
    p->out->num_sections = nsec;

    /* Windows reads the optional header's fields at their places whatever its declared
     * size; the size only says where the section table starts. */
    p->opt_size = le16_read(fh + 16);
    if (p->opt + OPT_BASE_SIZE > p->size)
        return pe_error(p->err, p->errlen,
                       "optional header runs past end of file (0x%lx > 0x%lx)",
                       p->opt + OPT_BASE_SIZE, p->size);
    uint32_t nrva = le32_read(f + p->opt + 108);
    p->nrva = nrva < PE_NUM_DIRS ? nrva : PE_NUM_DIRS;
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

static int pe_check_alignment(struct pe_parser *p, uint32_t sa, uint32_t fa)
{
    if (!is_pow2(sa))
        return pe_error(p->err, p->errlen, "section alignment 0x%x is not a power of two", sa);
    if (!is_pow2(fa))
        return pe_error(p->err, p->errlen, "file alignment 0x%x is not a power of two", fa);
    if (sa < PE_PAGE_SIZE && fa != sa)
        return pe_error(p->err, p->errlen,
                       "file alignment 0x%x differs from the section alignment 0x%x "
                       "(required below the page size)", fa, sa);
    if (sa < fa)
        return pe_error(p->err, p->errlen,
                       "section alignment 0x%x is below the file alignment 0x%x", sa, fa);
    if (fa % 0x200 != 0 && fa != sa)
        return pe_error(p->err, p->errlen, "file alignment 0x%x is not a multiple of 0x200",
                       fa);
    p->out->section_alignment = sa;
    p->out->file_alignment = fa;
    p->out->flat = sa < PE_PAGE_SIZE;
    return 0;
}

/* Image base: 64 KiB aligned; outside user space it only means "relocate" (Windows
 * maps such an image elsewhere), unless the image cannot move. */
static int pe_check_base(struct pe_parser *p)
{
    struct pe_image *out = p->out;
    uint64_t base = out->image_base;

    if (base % IMAGE_BASE_ALIGN != 0)
        return pe_error(p->err, p->errlen, "image base 0x%lx is not 64 KiB aligned", base);
    out->base_outside = base < PE_USER_MIN || base >= PE_WINDOWS_USER_END ||
                        out->size_of_image > PE_WINDOWS_USER_END - base;
    if (out->base_outside && !pe_relocatable(out))
        return pe_error(p->err, p->errlen,
                       "image base 0x%lx is outside user space and the image cannot be "
                       "relocated (relocations stripped)", base);
    return 0;
}

static int pe_parse_optional(struct pe_parser *p)
{
    const uint8_t *o = p->file + p->opt;
    struct pe_image *out = p->out;
    int rc;

    out->entry_rva = le32_read(o + 16);
    out->image_base = le64_read(o + 24);
    uint32_t soi = le32_read(o + 56);
    p->raw_soh = le32_read(o + 60);
    out->subsystem = le16_read(o + 68);
    out->dll_characteristics = le16_read(o + 70);
    out->stack_reserve = le64_read(o + 72);
    out->stack_commit = le64_read(o + 80);
    out->heap_reserve = le64_read(o + 88);
    out->heap_commit = le64_read(o + 96);

    rc = pe_check_alignment(p, le32_read(o + 32), le32_read(o + 36));
    if (rc < 0)
        return rc;
    if (soi == 0)
        return pe_error(p->err, p->errlen, "image size is 0");
    if (soi > PE_MAX_IMAGE_SIZE)
        return pe_error(p->err, p->errlen, "image size 0x%x is larger than 1 GiB", soi);
    out->size_of_image = (uint32_t)align_up(soi, PE_PAGE_SIZE);
    rc = pe_check_base(p);
    if (rc < 0)
        return rc;

    uint64_t table_end = p->shdr + (uint64_t)out->num_sections * SECTION_HDR_SIZE;
    if (table_end > p->size)
        return pe_error(p->err, p->errlen,
                       "section table runs past end of file (0x%lx > 0x%lx)", table_end,
                       p->size);
    if (!out->flat && align_up(p->raw_soh, out->section_alignment) > out->size_of_image)
        return pe_error(p->err, p->errlen, "headers are larger than the image (0x%x > 0x%x)",
                       p->raw_soh, soi);
    /* Headers past the end of the file (or the image) are zero: copy what exists. */
    uint64_t soh = p->raw_soh;
    if (soh > p->size)
        soh = p->size;
    if (soh > out->size_of_image)
        soh = out->size_of_image;
    out->size_of_headers = (uint32_t)soh;

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

/* An 8-byte section name for messages: Windows ignores names, so any bytes go. */
static void pe_section_name(const uint8_t *raw, char name[9])
{
    int i = 0;

    for (; i < 8 && raw[i] != '\0'; i++)
        name[i] = raw[i] >= 0x20 && raw[i] <= 0x7e ? (char)raw[i] : '?';
    name[i] = '\0';
}

/* A flat image (section alignment below the page) is mapped as the file is laid out. */
static int pe_check_flat_section(struct pe_parser *p, const struct pe_section *s,
                                 uint32_t raw_off)
{
    if (s->raw_size > 0 && raw_off != s->rva)
        return pe_error(p->err, p->errlen,
                       "section %s raw data at 0x%x is not at its address 0x%x "
                       "(required below the page size)", s->name, raw_off, s->rva);
    if (s->vsize > s->raw_size)
        return pe_error(p->err, p->errlen,
                       "section %s is larger than its raw data (0x%x > 0x%x, not allowed "
                       "below the page size)", s->name, s->vsize, s->raw_size);
    return 0;
}

static int pe_parse_section(struct pe_parser *p, uint32_t i, uint64_t *next)
{
    struct pe_image *out = p->out;
    const uint8_t *sh = p->file + p->shdr + (uint64_t)i * SECTION_HDR_SIZE;
    struct pe_section *s = &out->sections[i];
    uint32_t sa = out->section_alignment;

    pe_section_name(sh, s->name);
    uint32_t vs = le32_read(sh + 8);
    s->rva = le32_read(sh + 12);
    s->raw_size = le32_read(sh + 16);
    uint32_t raw_off = s->raw_size > 0 ? le32_read(sh + 20) : 0;
    s->characteristics = le32_read(sh + 36);
    s->vsize = vs != 0 ? vs : s->raw_size;
    s->load_size = s->raw_size < s->vsize ? s->raw_size : s->vsize;
    s->prot = out->flat ? PE_PROT_R | PE_PROT_W | PE_PROT_X : pe_section_prot(s->characteristics);
    /* Windows reads raw data from the 512-byte sector the offset falls in. */
    s->raw_off = out->flat ? raw_off : raw_off & ~0x1ffu;

    if (s->vsize == 0)
        return pe_error(p->err, p->errlen, "section %u (%s) has no size", i, s->name);
    if (s->rva % sa != 0)
        return pe_error(p->err, p->errlen, "section %s address 0x%x is not aligned to 0x%x",
                       s->name, s->rva, sa);
    if (!out->flat && s->rva != *next)
        return pe_error(p->err, p->errlen,
                       "section %s at 0x%x leaves a gap or overlap in the image (expected "
                       "at 0x%lx)", s->name, s->rva, *next);
    if (out->flat && s->rva < *next)
        return pe_error(p->err, p->errlen,
                       "section %s at 0x%x overlaps what comes before it (ends at 0x%lx)",
                       s->name, s->rva, *next);
    uint64_t end = align_up((uint64_t)s->rva + s->vsize, sa);
    if (end > out->size_of_image)
        return pe_error(p->err, p->errlen, "section %s ends past the image (0x%lx > 0x%x)",
                       s->name, (uint64_t)s->rva + s->vsize, out->size_of_image);
    if ((uint64_t)raw_off + s->raw_size > UINT32_MAX)
        return pe_error(p->err, p->errlen, "section %s raw data wraps (0x%x + 0x%x)", s->name,
                       raw_off, s->raw_size);
    if (out->flat) {
        int rc = pe_check_flat_section(p, s, raw_off);
        if (rc < 0)
            return rc;
    }
    /* Bytes past the end of the file are zero-filled when the image does not need them
     * (past VirtualSize); missing bytes it needs refuse it. */
    uint64_t need_end = (uint64_t)s->raw_off + s->load_size;
    if (need_end > p->size)
        return pe_error(p->err, p->errlen,
                       "section %s raw data runs past end of file (0x%lx > 0x%lx)", s->name,
                       need_end, p->size);
    *next = end;
    return 0;
}

static int pe_parse_sections(struct pe_parser *p)
{
    struct pe_image *out = p->out;
    uint64_t next = out->flat ? 0 : align_up(p->raw_soh, out->section_alignment);

    if (out->num_sections == 0 && !out->flat)
        return pe_error(p->err, p->errlen, "image has no sections");
    for (uint32_t i = 0; i < out->num_sections; i++) {
        int rc = pe_parse_section(p, i, &next);
        if (rc < 0)
            return rc;
    }
    /* Windows also refuses pages of SizeOfImage that no section claims. */
    if (!out->flat && out->num_sections > 0 && out->size_of_image - next >= out->section_alignment)
        return pe_error(p->err, p->errlen,
                       "image size 0x%x leaves 0x%lx bytes after the last section", out->size_of_image,
                       out->size_of_image - next);
    return 0;
}

/* Directories below NumberOfRvaAndSizes whose 8 bytes the file holds (past it, the
 * header reads as zero). Readers bounds-check what they use. */
static void pe_parse_dirs(struct pe_parser *p)
{
    struct pe_image *out = p->out;

    for (uint32_t i = 0; i < p->nrva; i++) {
        uint64_t at = p->opt + OPT_BASE_SIZE + 8 * (uint64_t)i;
        if (at + 8 > p->size || i == PE_DIR_SECURITY)
            continue; /* the certificate table is a file offset nobody loading reads */
        uint32_t rva = le32_read(p->file + at);
        uint32_t size = le32_read(p->file + at + 4);
        if (rva == 0 || (size == 0 && i != PE_DIR_IMPORT))
            continue; /* absent, as Windows reads it; imports end at their zero entry */
        out->dirs[i].rva = rva;
        out->dirs[i].size = size;
    }
}

static int pe_check_entry(struct pe_parser *p)
{
    const struct pe_image *out = p->out;

    if (out->entry_rva == 0) {
        if (pe_is_dll(out))
            return 0;
        return pe_error(p->err, p->errlen, "executable has no entry point (0)");
    }
    if (out->flat && out->entry_rva < out->size_of_image)
        return 0; /* mapped as one read-write-execute block */
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

uint32_t pe_section_count(const uint8_t *file, size_t size)
{
    if (file == NULL || size < DOS_HEADER_SIZE)
        return 0;
    uint64_t fh = (uint64_t)le32_read(file + DOS_LFANEW) + 4;
    if (fh + FILE_HEADER_SIZE > size)
        return 0;
    return le16_read(file + fh + 2);
}

int pe_parse_into(const uint8_t *file, size_t size, struct pe_image *out,
                  struct pe_section *storage, uint32_t cap, char *err, size_t errlen)
{
    struct pe_parser p = { .file = file, .size = size, .out = out, .err = err,
                           .errlen = errlen };
    int rc;

    pe_err_clear(err, errlen);
    if (file == NULL || out == NULL || (storage == NULL && cap > 0)) {
        pe_error(err, errlen, "no file or no output");
        return K_EINVAL;
    }
    if ((uint64_t)size > UINT32_MAX) /* every PE offset is 32-bit */
        return pe_error(err, errlen, "file is larger than 4 GiB");
    memset(out, 0, sizeof(*out));
    out->sections = out->inline_sections;

    if ((rc = pe_parse_nt(&p)) < 0)
        return rc;
    if (out->num_sections > PE_INLINE_SECTIONS) {
        if (out->num_sections > cap) {
            pe_error(err, errlen, "%u sections need room for them (%u)", out->num_sections,
                     cap);
            return K_ENOSPC;
        }
        out->sections = storage;
    }
    if ((rc = pe_parse_optional(&p)) < 0 || (rc = pe_parse_sections(&p)) < 0)
        return rc;
    pe_parse_dirs(&p);
    if ((rc = pe_check_entry(&p)) < 0)
        return rc;
    pe_parse_symtab(&p);
    return 0;
}

int pe_parse(const uint8_t *file, size_t size, struct pe_image *out, char *err, size_t errlen)
{
    return pe_parse_into(file, size, out, NULL, 0, err, errlen);
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
