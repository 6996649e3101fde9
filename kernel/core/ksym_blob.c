/*
 * Pure symbol-blob reader: validates the header written by tools/ksympack.py
 * and binary-searches its sorted symbol and line tables. It treats the blob
 * as untrusted bytes: every field is read byte-wise (no alignment needed) and
 * every offset is bounds-checked in 64-bit arithmetic before it is followed,
 * so a truncated or corrupt blob yields an error, never an out-of-bounds read.
 */
#include <core/ksym.h>
#include <lib/bytes.h>

/* Header field offsets; the table in docs/symbols.md is the reference. */
#define HDR_MAGIC 0x00        /* u32 */
#define HDR_VERSION 0x04      /* u16 */
#define HDR_HEADER_SIZE 0x06  /* u16 */
#define HDR_TOTAL_SIZE 0x08   /* u32 */
#define HDR_TEXT_BASE 0x10    /* u64 */
#define HDR_TEXT_SIZE 0x18    /* u32 */
#define HDR_BUILD_ID_LEN 0x1c /* u32 */
#define HDR_BUILD_ID 0x20     /* u8[KSYM_BUILD_ID_MAX] */
#define HDR_SYM_COUNT 0x40    /* u32 */
#define HDR_SYM_OFF 0x44      /* u32 */
#define HDR_FILE_COUNT 0x48   /* u32 */
#define HDR_FILE_OFF 0x4c     /* u32 */
#define HDR_LINE_COUNT 0x50   /* u32 */
#define HDR_LINE_OFF 0x54     /* u32 */
#define HDR_STR_OFF 0x58      /* u32 */
#define HDR_STR_SIZE 0x5c     /* u32 */

#define NT_GNU_BUILD_ID 3u

/* The validated view of a blob; every table lies inside the blob. */
struct blob_view {
    const uint8_t *base;
    uint64_t text_base;
    uint32_t text_size;
    uint32_t build_id_len;
    const uint8_t *build_id;
    uint32_t sym_count;
    const uint8_t *syms;
    uint32_t file_count;
    const uint8_t *files;
    uint32_t line_count;
    const uint8_t *lines;
    const char *strs;
    uint32_t str_size;
};

/* A table of count entries of entsize bytes at off must sit in [hdr, total). */
static bool table_fits(uint32_t off, uint32_t count, uint32_t entsize, uint32_t hdr_size,
                       uint32_t total)
{
    uint64_t end = (uint64_t)off + (uint64_t)count * entsize;

    return off >= hdr_size && end <= total;
}

static int blob_open(const void *blob, size_t blob_len, struct blob_view *v)
{
    const uint8_t *b = blob;

    if (b == NULL || blob_len < 4 || le32_read(b + HDR_MAGIC) != KSYM_MAGIC)
        return KSYM_ENOBLOB;
    if (blob_len < KSYM_HEADER_SIZE || le16_read(b + HDR_VERSION) != KSYM_VERSION)
        return KSYM_EBADBLOB;

    uint32_t hdr_size = le16_read(b + HDR_HEADER_SIZE);
    uint32_t total = le32_read(b + HDR_TOTAL_SIZE);
    if (hdr_size < KSYM_HEADER_SIZE || total < hdr_size || total > blob_len)
        return KSYM_EBADBLOB;

    v->base = b;
    v->text_base = le64_read(b + HDR_TEXT_BASE);
    v->text_size = le32_read(b + HDR_TEXT_SIZE);
    v->build_id_len = le32_read(b + HDR_BUILD_ID_LEN);
    v->build_id = b + HDR_BUILD_ID;
    v->sym_count = le32_read(b + HDR_SYM_COUNT);
    v->file_count = le32_read(b + HDR_FILE_COUNT);
    v->line_count = le32_read(b + HDR_LINE_COUNT);
    v->str_size = le32_read(b + HDR_STR_SIZE);

    uint32_t sym_off = le32_read(b + HDR_SYM_OFF);
    uint32_t file_off = le32_read(b + HDR_FILE_OFF);
    uint32_t line_off = le32_read(b + HDR_LINE_OFF);
    uint32_t str_off = le32_read(b + HDR_STR_OFF);

    if (v->build_id_len > KSYM_BUILD_ID_MAX)
        return KSYM_EBADBLOB;
    if (!table_fits(sym_off, v->sym_count, KSYM_SYM_ENTRY_SIZE, hdr_size, total) ||
        !table_fits(file_off, v->file_count, KSYM_FILE_ENTRY_SIZE, hdr_size, total) ||
        !table_fits(line_off, v->line_count, KSYM_LINE_ENTRY_SIZE, hdr_size, total) ||
        !table_fits(str_off, v->str_size, 1, hdr_size, total))
        return KSYM_EBADBLOB;
    /* A NUL last byte bounds every string that starts inside the table. */
    if (v->str_size == 0 || b[str_off + v->str_size - 1] != '\0')
        return KSYM_EBADBLOB;

    v->syms = b + sym_off;
    v->files = b + file_off;
    v->lines = b + line_off;
    v->strs = (const char *)b + str_off;
    return KSYM_OK;
}

size_t ksym_note_build_id(const void *note, size_t note_len, const uint8_t **id)
{
    const uint8_t *n = note;

    *id = NULL;
    if (n == NULL || note_len < 16)
        return 0;

    uint32_t namesz = le32_read(n);
    uint32_t descsz = le32_read(n + 4);
    uint32_t type = le32_read(n + 8);
    /* namesz 4 ("GNU\0") needs no padding, so desc starts at byte 16. */
    if (namesz != 4 || type != NT_GNU_BUILD_ID || n[12] != 'G' || n[13] != 'N' ||
        n[14] != 'U' || n[15] != '\0')
        return 0;
    if (descsz == 0 || descsz > note_len - 16)
        return 0;
    *id = n + 16;
    return descsz;
}

int ksym_blob_check(const void *blob, size_t blob_len, const void *note, size_t note_len)
{
    struct blob_view v;
    int err = blob_open(blob, blob_len, &v);

    if (err != KSYM_OK || note == NULL)
        return err;

    const uint8_t *id;
    size_t id_len = ksym_note_build_id(note, note_len, &id);
    if (id_len == 0 || id_len != v.build_id_len)
        return KSYM_EBUILD;
    for (size_t i = 0; i < id_len; i++) {
        if (id[i] != v.build_id[i])
            return KSYM_EBUILD;
    }
    return KSYM_OK;
}

/*
 * Index of the last entry whose leading u32 (its text offset) is <= off, or
 * -1 when the first entry already starts after off. Tables are sorted by the
 * packer; on an unsorted (corrupt) table this still ends in bounds.
 */
static int64_t search_last_le(const uint8_t *table, uint32_t count, uint32_t entsize,
                              uint32_t off)
{
    uint32_t lo = 0, hi = count;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (le32_read(table + (uint64_t)mid * entsize) <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (int64_t)lo - 1;
}

/* Fill file/line for text offset off inside a symbol starting at sym_start. */
static void lookup_line(const struct blob_view *v, uint32_t off, uint32_t sym_start,
                        struct ksym_info *out)
{
    int64_t i = search_last_le(v->lines, v->line_count, KSYM_LINE_ENTRY_SIZE, off);
    if (i < 0)
        return;

    const uint8_t *row = v->lines + (uint64_t)i * KSYM_LINE_ENTRY_SIZE;
    uint32_t row_off = le32_read(row);
    uint16_t file = le16_read(row + 4);
    uint16_t line = le16_read(row + 6);
    /* A row from before the symbol belongs to other code (e.g. no debug info). */
    if (line == 0 || row_off < sym_start || file >= v->file_count)
        return;

    uint32_t name = le32_read(v->files + (uint64_t)file * KSYM_FILE_ENTRY_SIZE);
    if (name >= v->str_size)
        return;
    out->file = v->strs + name;
    out->line = line;
}

int ksym_blob_lookup(const void *blob, size_t blob_len, uint64_t addr, struct ksym_info *out)
{
    struct blob_view v;
    int err = blob_open(blob, blob_len, &v);

    out->name = NULL;
    out->offset = 0;
    out->sym_addr = 0;
    out->file = NULL;
    out->line = 0;
    if (err != KSYM_OK)
        return err;
    if (addr < v.text_base || addr - v.text_base >= v.text_size)
        return KSYM_ENOENT;

    uint32_t off = (uint32_t)(addr - v.text_base);
    int64_t i = search_last_le(v.syms, v.sym_count, KSYM_SYM_ENTRY_SIZE, off);
    if (i < 0)
        return KSYM_ENOENT;

    const uint8_t *sym = v.syms + (uint64_t)i * KSYM_SYM_ENTRY_SIZE;
    uint32_t start = le32_read(sym);
    uint32_t size = le32_read(sym + 4);
    uint32_t name = le32_read(sym + 8);
    if ((uint64_t)off >= (uint64_t)start + size)
        return KSYM_ENOENT; /* in padding or unnamed code after the symbol */
    if (name >= v.str_size)
        return KSYM_EBADBLOB;

    out->name = v.strs + name;
    out->sym_addr = v.text_base + start;
    out->offset = off - start;
    lookup_line(&v, off, start, out);
    return KSYM_OK;
}

/* Append s to buf at *pos, keeping room for the NUL; silently truncates. */
static void put_str(char *buf, size_t len, size_t *pos, const char *s)
{
    while (*s != '\0' && *pos + 1 < len)
        buf[(*pos)++] = *s++;
}

static void put_hex(char *buf, size_t len, size_t *pos, uint64_t value)
{
    char digits[17];
    int n = 0;

    do {
        digits[n++] = "0123456789abcdef"[value & 0xf];
        value >>= 4;
    } while (value != 0);
    put_str(buf, len, pos, "0x");
    while (n > 0 && *pos + 1 < len)
        buf[(*pos)++] = digits[--n];
}

size_t ksym_blob_format(const void *blob, size_t blob_len, char *buf, size_t len, uint64_t addr)
{
    struct ksym_info info;
    size_t pos = 0;

    if (len == 0)
        return 0;
    if (ksym_blob_lookup(blob, blob_len, addr, &info) == KSYM_OK) {
        put_str(buf, len, &pos, info.name);
        put_str(buf, len, &pos, "+");
        put_hex(buf, len, &pos, info.offset);
    }
    buf[pos] = '\0';
    return pos;
}
