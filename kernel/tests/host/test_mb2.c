/*
 * Host unit tests for core/mb2.c (cmocka). A small builder assembles a valid
 * multiboot2 info block with every tag kind the parser understands; each test
 * then corrupts one field and checks that the block is rejected for that exact
 * reason (message, offset, tag), or that a limit is reported, never overrun.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <core/mb2.h>
#include <lib/errno.h>

/* ---- Block builder ------------------------------------------------------- */

#define STORE_SIZE 16384

static uint64_t store[STORE_SIZE / 8]; /* 8-byte aligned backing for blocks */
static struct mb2_info info;

struct builder {
    uint8_t *buf;
    size_t len;
};

static void put16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, sizeof(v));
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, sizeof(v));
}

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, sizeof(v));
}

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static struct builder b_new(void)
{
    struct builder b = { .buf = (uint8_t *)store, .len = 8 };
    memset(store, 0xA5, sizeof(store)); /* padding is garbage, not zeros */
    return b;
}

/* Appends a tag of 8 + plen bytes, pads to 8, returns the tag's offset. */
static size_t b_tag(struct builder *b, uint32_t type, const void *payload, size_t plen)
{
    size_t off = b->len;
    assert_true(off + 8 + plen + 8 <= STORE_SIZE);
    put32(b->buf + off, type);
    put32(b->buf + off + 4, (uint32_t)(8 + plen));
    if (plen > 0)
        memcpy(b->buf + off + 8, payload, plen);
    b->len = (off + 8 + plen + 7) & ~(size_t)7;
    return off;
}

static size_t b_string(struct builder *b, uint32_t type, const char *s)
{
    return b_tag(b, type, s, strlen(s) + 1);
}

static size_t b_module(struct builder *b, uint32_t start, uint32_t end, const char *s)
{
    uint8_t p[256];
    size_t n = strlen(s) + 1;
    assert_true(8 + n <= sizeof(p));
    put32(p, start);
    put32(p + 4, end);
    memcpy(p + 8, s, n);
    return b_tag(b, MB2_TAG_MODULE, p, 8 + n);
}

static size_t b_meminfo(struct builder *b, uint32_t lower, uint32_t upper)
{
    uint8_t p[8];
    put32(p, lower);
    put32(p + 4, upper);
    return b_tag(b, MB2_TAG_MEMINFO, p, sizeof(p));
}

/* Memory map with `n` entries of `esize` bytes; entry i is (base[i], len[i], type[i]). */
static size_t b_mmap(struct builder *b, uint32_t esize, size_t n, const uint64_t *base,
                     const uint64_t *len, const uint32_t *type)
{
    static uint8_t p[STORE_SIZE];
    size_t plen = 8 + n * esize;
    assert_true(plen <= sizeof(p));
    memset(p, 0xEE, plen); /* bytes past the 24 known ones are junk */
    put32(p, esize);
    put32(p + 4, 0);
    for (size_t i = 0; i < n; i++) {
        uint8_t *e = p + 8 + i * esize;
        put64(e, base[i]);
        put64(e + 8, len[i]);
        put32(e + 16, type[i]);
        put32(e + 20, 0);
    }
    return b_tag(b, MB2_TAG_MMAP, p, plen);
}

static size_t b_fb(struct builder *b, uint64_t addr, uint32_t pitch, uint32_t w, uint32_t h,
                   uint8_t bpp, uint8_t type, const uint8_t *color, size_t color_len)
{
    uint8_t p[24 + 2 + 3 * 256];
    assert_true(24 + color_len <= sizeof(p));
    put64(p, addr);
    put32(p + 8, pitch);
    put32(p + 12, w);
    put32(p + 16, h);
    p[20] = bpp;
    p[21] = type;
    put16(p + 22, 0);
    if (color_len > 0)
        memcpy(p + 24, color, color_len);
    return b_tag(b, MB2_TAG_FRAMEBUFFER, p, 24 + color_len);
}

static const uint8_t rgb_888[6] = { 16, 8, 8, 8, 0, 8 };

static size_t b_fb_rgb(struct builder *b)
{
    return b_fb(b, 0xfd000000, 4096, 1024, 768, 32, MB2_FB_TYPE_RGB, rgb_888, sizeof(rgb_888));
}

static size_t b_acpi(struct builder *b, uint32_t type, size_t len)
{
    uint8_t p[64];
    assert_true(len <= sizeof(p));
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(0x40 + i);
    memcpy(p, "RSD PTR ", len < 8 ? len : 8);
    return b_tag(b, type, p, len);
}

/* End tag plus total_size; returns total_size. */
static size_t b_finish(struct builder *b)
{
    put32(b->buf + b->len, MB2_TAG_END);
    put32(b->buf + b->len + 4, 8);
    b->len += 8;
    put32(b->buf, (uint32_t)b->len);
    put32(b->buf + 4, 0);
    return b->len;
}

static int parse(const struct builder *b)
{
    return mb2_parse(b->buf, b->len, &info);
}

/* Asserts a rejection whose reason contains `why`, found at `off` in tag `tag`. */
static void expect_reject(int rc, const char *why, size_t off, uint32_t tag)
{
    assert_int_equal(rc, K_EINVAL);
    assert_non_null(info.error);
    if (strstr(info.error, why) == NULL)
        fail_msg("rejected for \"%s\", expected \"%s\"", info.error, why);
    assert_int_equal(info.error_offset, off);
    assert_int_equal(info.error_tag, tag);
}

/* ---- The full valid block ------------------------------------------------- */

static const uint64_t mm_base[] = { 0, 0x9fc00, 0xf0000, 0x100000, 0x7fe0000, 0xfec00000,
                                    0x100000000ull };
static const uint64_t mm_len[] = { 0x9fc00, 0x400, 0x10000, 0x7ee0000, 0x20000, 0x1000,
                                   0x80000000ull };
static const uint32_t mm_type[] = { 1, 2, 2, 1, 3, 4, 5 };
#define MM_N (sizeof(mm_base) / sizeof(mm_base[0]))

struct full_offsets {
    size_t cmdline, loader, mod0, mod1, mmap, fb, acpi_old, acpi_new, end;
};

static struct full_offsets build_full(struct builder *b)
{
    struct full_offsets o;
    uint8_t junk[13] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 };

    o.cmdline = b_string(b, MB2_TAG_CMDLINE, "console=serial test=all");
    o.loader = b_string(b, MB2_TAG_BOOTLOADER, "GRUB 2.06");
    b_tag(b, 21, junk, 4);               /* load base address: skipped */
    b_tag(b, 9, junk, sizeof(junk));     /* ELF sections, odd size: skipped */
    b_meminfo(b, 639, 130048);
    o.mod0 = b_module(b, 0x200000, 0x230000, "/boot/init.exe arg");
    o.mod1 = b_module(b, 0x230000, 0x230000, ""); /* empty module, empty string */
    o.mmap = b_mmap(b, 24, MM_N, mm_base, mm_len, mm_type);
    o.fb = b_fb_rgb(b);
    o.acpi_old = b_acpi(b, MB2_TAG_ACPI_OLD, MB2_RSDP_V1_LEN);
    o.acpi_new = b_acpi(b, MB2_TAG_ACPI_NEW, MB2_RSDP_V2_LEN);
    b_tag(b, 0xffffffffu, junk, 0);      /* unknown type outside the bitmask range */
    o.end = b->len;
    b_finish(b);
    return o;
}

static bool points_into(const void *p, const struct builder *b)
{
    const uint8_t *q = p;
    return q >= b->buf && q < b->buf + b->len;
}

static void test_full_block(void **state)
{
    (void)state;
    struct builder b = b_new();
    struct full_offsets o = build_full(&b);

    assert_int_equal(parse(&b), 0);
    assert_null(info.error);

    assert_string_equal(info.cmdline, "console=serial test=all");
    assert_int_equal(info.cmdline_len, strlen("console=serial test=all"));
    assert_ptr_equal(info.cmdline, (const char *)b.buf + o.cmdline + 8);
    assert_string_equal(info.bootloader, "GRUB 2.06");
    assert_ptr_equal(info.bootloader, (const char *)b.buf + o.loader + 8);

    assert_true(info.has_meminfo);
    assert_int_equal(info.mem_lower_kb, 639);
    assert_int_equal(info.mem_upper_kb, 130048);

    assert_int_equal(info.mmap_count, MM_N);
    assert_int_equal(info.mmap_total, MM_N);
    assert_false(info.mmap_truncated);
    for (size_t i = 0; i < MM_N; i++) {
        assert_int_equal(info.mmap[i].base, mm_base[i]);
        assert_int_equal(info.mmap[i].len, mm_len[i]);
        assert_int_equal(info.mmap[i].type, mm_type[i]);
    }

    assert_int_equal(info.module_count, 2);
    assert_int_equal(info.module_total, 2);
    assert_false(info.modules_truncated);
    assert_int_equal(info.modules[0].start, 0x200000);
    assert_int_equal(info.modules[0].end, 0x230000);
    assert_string_equal(info.modules[0].cmdline, "/boot/init.exe arg");
    assert_ptr_equal(info.modules[0].cmdline, (const char *)b.buf + o.mod0 + 16);
    assert_int_equal(info.modules[1].start, 0x230000);
    assert_int_equal(info.modules[1].end, 0x230000);
    assert_string_equal(info.modules[1].cmdline, "");

    assert_true(info.fb.present);
    assert_int_equal(info.fb.addr, 0xfd000000);
    assert_int_equal(info.fb.pitch, 4096);
    assert_int_equal(info.fb.width, 1024);
    assert_int_equal(info.fb.height, 768);
    assert_int_equal(info.fb.bpp, 32);
    assert_int_equal(info.fb.type, MB2_FB_TYPE_RGB);
    assert_int_equal(info.fb.red_pos, 16);
    assert_int_equal(info.fb.red_size, 8);
    assert_int_equal(info.fb.green_pos, 8);
    assert_int_equal(info.fb.green_size, 8);
    assert_int_equal(info.fb.blue_pos, 0);
    assert_int_equal(info.fb.blue_size, 8);
    assert_null(info.fb.palette);

    /* Both ACPI tags present: the ACPI 2.0 copy wins. */
    assert_true(info.rsdp_is_v2);
    assert_ptr_equal(info.rsdp, b.buf + o.acpi_new + 8);
    assert_int_equal(info.rsdp_len, MB2_RSDP_V2_LEN);
    assert_memory_equal(info.rsdp, "RSD PTR ", 8);
    assert_true(points_into(info.rsdp, &b));
}

static void test_minimal_block(void **state)
{
    (void)state;
    /* Parse a full block first, to prove every field is reset, not left over. */
    struct builder b = b_new();
    build_full(&b);
    assert_int_equal(parse(&b), 0);
    assert_true(info.fb.present && info.rsdp_is_v2 && info.has_meminfo);

    b = b_new();
    assert_int_equal(b_finish(&b), 16);
    assert_int_equal(parse(&b), 0);
    assert_null(info.error);
    assert_non_null(info.cmdline);
    assert_string_equal(info.cmdline, "");
    assert_int_equal(info.cmdline_len, 0);
    assert_string_equal(info.bootloader, "");
    assert_false(info.has_meminfo);
    assert_int_equal(info.mmap_count, 0);
    assert_int_equal(info.mmap_total, 0);
    assert_false(info.mmap_truncated);
    assert_int_equal(info.module_count, 0);
    assert_false(info.modules_truncated);
    assert_false(info.fb.present);
    assert_null(info.rsdp);
    assert_int_equal(info.rsdp_len, 0);
    assert_false(info.rsdp_is_v2);
}

static void test_trailing_bytes_after_end_ignored(void **state)
{
    (void)state;
    struct builder b = b_new();

    b_string(&b, MB2_TAG_CMDLINE, "x");
    b_finish(&b);
    /* total_size covers 16 bytes of junk after the end tag. */
    put32(b.buf, (uint32_t)b.len + 16);
    assert_int_equal(mb2_parse(b.buf, b.len + 16, &info), 0);
    assert_string_equal(info.cmdline, "x");
}

/* ---- Header checks --------------------------------------------------------- */

static void test_null_arguments(void **state)
{
    (void)state;
    struct builder b = b_new();
    b_finish(&b);

    assert_int_equal(mb2_parse(b.buf, b.len, NULL), K_EINVAL);
    expect_reject(mb2_parse(NULL, 4096, &info), "NULL", 0, 0);
}

static void test_misaligned_block(void **state)
{
    (void)state;
    struct builder b = b_new();
    b_finish(&b);

    for (size_t shift = 1; shift < 8; shift++) {
        uint8_t *p = b.buf + 64 + shift;
        memcpy(p, b.buf, b.len);
        expect_reject(mb2_parse(p, b.len, &info), "aligned", 0, 0);
    }
    memcpy(b.buf + 64, b.buf, b.len);
    assert_int_equal(mb2_parse(b.buf + 64, b.len, &info), 0);
}

static void test_bad_total_size(void **state)
{
    (void)state;
    struct builder b = b_new();
    size_t total = b_finish(&b);

    expect_reject(mb2_parse(b.buf, 7, &info), "header is not readable", 0, 0);
    expect_reject(mb2_parse(b.buf, 0, &info), "header is not readable", 0, 0);

    for (uint32_t t = 0; t < 16; t++) {
        put32(b.buf, t);
        expect_reject(mb2_parse(b.buf, 4096, &info), "smaller than header", 0, 0);
    }

    put32(b.buf, (uint32_t)total);
    expect_reject(mb2_parse(b.buf, total - 1, &info), "exceeds the readable", 0, 0);
    put32(b.buf, 0xfffffff8u);
    expect_reject(mb2_parse(b.buf, STORE_SIZE, &info), "exceeds the readable", 0, 0);

    /* avail larger than total_size is fine: only total_size bytes are walked. */
    put32(b.buf, (uint32_t)total);
    assert_int_equal(mb2_parse(b.buf, STORE_SIZE, &info), 0);
}

/* ---- Tag walking ----------------------------------------------------------- */

static void test_tag_smaller_than_header(void **state)
{
    (void)state;
    for (uint32_t sz = 0; sz < 8; sz++) {
        struct builder b = b_new();
        struct full_offsets o = build_full(&b);
        put32(b.buf + o.fb + 4, sz);
        expect_reject(parse(&b), "smaller than its header", o.fb, MB2_TAG_FRAMEBUFFER);
    }
}

static void test_tag_runs_past_total(void **state)
{
    (void)state;
    struct builder b = b_new();
    struct full_offsets o = build_full(&b);

    /* One byte too long for the block. */
    put32(b.buf + o.acpi_new + 4, (uint32_t)(b.len - o.acpi_new + 1));
    expect_reject(parse(&b), "runs past total_size", o.acpi_new, MB2_TAG_ACPI_NEW);

    /* A size near 2^32 must not wrap the bounds check. */
    put32(b.buf + o.acpi_new + 4, 0xfffffff9u);
    expect_reject(parse(&b), "runs past total_size", o.acpi_new, MB2_TAG_ACPI_NEW);
    put32(b.buf + o.acpi_new + 4, 0xffffffffu);
    expect_reject(parse(&b), "runs past total_size", o.acpi_new, MB2_TAG_ACPI_NEW);

    /* Exactly up to total_size is in bounds, but then there is no end tag. */
    put32(b.buf + o.acpi_new + 4, (uint32_t)(b.len - o.acpi_new));
    expect_reject(parse(&b), "no end tag", b.len, 0);
}

static void test_missing_end_tag(void **state)
{
    (void)state;
    struct builder b = b_new();
    struct full_offsets o = build_full(&b);

    /* total_size stops right before the end tag. */
    put32(b.buf, (uint32_t)o.end);
    expect_reject(mb2_parse(b.buf, o.end, &info), "no end tag", o.end, 0);

    /* The end tag replaced by an unknown tag. */
    put32(b.buf, (uint32_t)b.len);
    put32(b.buf + o.end, 77);
    expect_reject(parse(&b), "no end tag", b.len, 0);

    /* total_size ends inside the end tag's header. */
    put32(b.buf + o.end, MB2_TAG_END);
    put32(b.buf, (uint32_t)(o.end + 4));
    expect_reject(mb2_parse(b.buf, o.end + 4, &info), "no end tag", o.end, 0);
}

static void test_padding_past_total(void **state)
{
    (void)state;
    struct builder b = b_new();
    uint8_t junk[5] = { 0 };

    /* A 13-byte tag ending exactly at total_size: its padding does not fit. */
    size_t off = b_tag(&b, 99, junk, sizeof(junk));
    put32(b.buf, (uint32_t)(off + 13));
    expect_reject(mb2_parse(b.buf, off + 13, &info), "no end tag", off, 99);
}

static void test_end_tag_size(void **state)
{
    (void)state;
    struct builder b = b_new();
    struct full_offsets o = build_full(&b);

    put32(b.buf + o.end + 4, 16);
    put32(b.buf, (uint32_t)(b.len + 8));
    expect_reject(mb2_parse(b.buf, b.len + 8, &info), "end tag size", o.end, 0);
}

static void test_duplicate_tags(void **state)
{
    (void)state;
    struct builder b = b_new();
    b_string(&b, MB2_TAG_CMDLINE, "a");
    size_t dup = b_string(&b, MB2_TAG_CMDLINE, "b");
    b_finish(&b);
    expect_reject(parse(&b), "duplicate", dup, MB2_TAG_CMDLINE);

    uint64_t base = 0, len = 0x1000;
    uint32_t type = 1;
    b = b_new();
    b_mmap(&b, 24, 1, &base, &len, &type);
    dup = b_mmap(&b, 24, 1, &base, &len, &type);
    b_finish(&b);
    expect_reject(parse(&b), "duplicate", dup, MB2_TAG_MMAP);

    /* Modules are the one repeated kind. */
    b = b_new();
    b_module(&b, 0, 1, "a");
    b_module(&b, 1, 2, "b");
    b_finish(&b);
    assert_int_equal(parse(&b), 0);
    assert_int_equal(info.module_count, 2);
}

/* ---- Strings ----------------------------------------------------------------- */

static void test_unterminated_strings(void **state)
{
    (void)state;
    struct builder b = b_new();
    struct full_offsets o = build_full(&b);
    size_t cl_len = strlen("console=serial test=all");

    b.buf[o.cmdline + 8 + cl_len] = 'X';
    expect_reject(parse(&b), "command line is not NUL-terminated", o.cmdline,
                  MB2_TAG_CMDLINE);

    b = b_new();
    o = build_full(&b);
    b.buf[o.loader + 8 + strlen("GRUB 2.06")] = '!';
    expect_reject(parse(&b), "bootloader name is not NUL-terminated", o.loader,
                  MB2_TAG_BOOTLOADER);

    /* The NUL sits in the padding, outside the tag's declared size. */
    b = b_new();
    o = build_full(&b);
    put32(b.buf + o.mod0 + 4, get32(b.buf + o.mod0 + 4) - 1);
    expect_reject(parse(&b), "module string is not NUL-terminated", o.mod0,
                  MB2_TAG_MODULE);

    /* An empty payload has no terminator at all. */
    b = b_new();
    size_t off = b_tag(&b, MB2_TAG_CMDLINE, NULL, 0);
    b_finish(&b);
    expect_reject(parse(&b), "command line is not NUL-terminated", off, MB2_TAG_CMDLINE);
}

static void test_cmdline_with_embedded_nul(void **state)
{
    (void)state;
    struct builder b = b_new();
    b_tag(&b, MB2_TAG_CMDLINE, "ab\0cd", 6);
    b_finish(&b);
    assert_int_equal(parse(&b), 0);
    assert_int_equal(info.cmdline_len, 2);
    assert_string_equal(info.cmdline, "ab");
}

/* ---- Modules ----------------------------------------------------------------- */

static void test_module_checks(void **state)
{
    (void)state;
    struct builder b = b_new();
    size_t off = b_module(&b, 0x300001, 0x300000, "bad");
    b_finish(&b);
    expect_reject(parse(&b), "start is past its end", off, MB2_TAG_MODULE);

    uint8_t p[8] = { 0 };
    b = b_new();
    off = b_tag(&b, MB2_TAG_MODULE, p, 7); /* 15 bytes: no room for start/end */
    b_finish(&b);
    expect_reject(parse(&b), "module tag too small", off, MB2_TAG_MODULE);

    b = b_new();
    off = b_tag(&b, MB2_TAG_MODULE, p, 8); /* start/end but no string */
    b_finish(&b);
    expect_reject(parse(&b), "module string is not NUL-terminated", off, MB2_TAG_MODULE);
}

static void test_module_truncation(void **state)
{
    (void)state;
    struct builder b = b_new();
    char name[16];

    for (uint32_t i = 0; i < MB2_MAX_MODULES + 6; i++) {
        snprintf(name, sizeof(name), "m%u", i);
        b_module(&b, i * 0x1000, i * 0x1000 + 0x800, name);
    }
    b_finish(&b);
    assert_int_equal(parse(&b), 0);
    assert_int_equal(info.module_count, MB2_MAX_MODULES);
    assert_int_equal(info.module_total, MB2_MAX_MODULES + 6);
    assert_true(info.modules_truncated);
    assert_string_equal(info.modules[0].cmdline, "m0");
    snprintf(name, sizeof(name), "m%u", MB2_MAX_MODULES - 1);
    assert_string_equal(info.modules[MB2_MAX_MODULES - 1].cmdline, name);
    assert_int_equal(info.modules[MB2_MAX_MODULES - 1].start, (MB2_MAX_MODULES - 1) * 0x1000);

    /* Exactly at the limit is not truncation. */
    b = b_new();
    for (uint32_t i = 0; i < MB2_MAX_MODULES; i++)
        b_module(&b, 0, 0, "");
    b_finish(&b);
    assert_int_equal(parse(&b), 0);
    assert_int_equal(info.module_count, MB2_MAX_MODULES);
    assert_false(info.modules_truncated);
}

/* ---- Memory map ---------------------------------------------------------------- */

static void test_mmap_entry_size(void **state)
{
    (void)state;
    uint64_t base[2] = { 0x1000, 0x100000 }, len[2] = { 0x2000, 0x300000 };
    uint32_t type[2] = { 1, 2 };

    for (uint32_t es = 0; es < 24; es += 4) {
        struct builder b = b_new();
        size_t off = b_mmap(&b, 24, 2, base, len, type);
        put32(b.buf + off + 8, es);
        b_finish(&b);
        expect_reject(parse(&b), "entry_size is below 24", off, MB2_TAG_MMAP);
    }

    /* 28 divides nothing useful and breaks 8-byte alignment of entries. */
    struct builder b = b_new();
    size_t off = b_mmap(&b, 28, 2, base, len, type);
    b_finish(&b);
    expect_reject(parse(&b), "not a multiple of 8", off, MB2_TAG_MMAP);

    /* A larger, 8-aligned stride is honoured: junk bytes 24..39 are skipped. */
    b = b_new();
    b_mmap(&b, 40, 2, base, len, type);
    b_finish(&b);
    assert_int_equal(parse(&b), 0);
    assert_int_equal(info.mmap_count, 2);
    assert_int_equal(info.mmap[1].base, 0x100000);
    assert_int_equal(info.mmap[1].len, 0x300000);
    assert_int_equal(info.mmap[1].type, 2);
}

static void test_mmap_tag_shape(void **state)
{
    (void)state;
    uint64_t base[2] = { 0, 0x100000 }, len[2] = { 0x9fc00, 0x300000 };
    uint32_t type[2] = { 1, 1 };

    /* Tag size not a whole number of entries (one entry plus 8 stray bytes). */
    struct builder b = b_new();
    size_t off = b_mmap(&b, 24, 2, base, len, type);
    put32(b.buf + off + 4, 16 + 24 + 8);
    b_finish(&b);
    expect_reject(parse(&b), "whole number of entries", off, MB2_TAG_MMAP);

    /* Too small for entry_size/entry_version. */
    uint8_t p[4] = { 24, 0, 0, 0 };
    b = b_new();
    off = b_tag(&b, MB2_TAG_MMAP, p, sizeof(p));
    b_finish(&b);
    expect_reject(parse(&b), "memory map tag too small", off, MB2_TAG_MMAP);

    /* Zero entries is a valid, empty map. */
    b = b_new();
    b_mmap(&b, 24, 0, base, len, type);
    b_finish(&b);
    assert_int_equal(parse(&b), 0);
    assert_int_equal(info.mmap_count, 0);
    assert_int_equal(info.mmap_total, 0);
}

static void test_mmap_entry_wraps(void **state)
{
    (void)state;
    uint64_t base[3] = { 0, 0xfffffffffffff000ull, 0x100000 };
    uint64_t len[3] = { 0x1000, 0x1000, 0x1000 };
    uint32_t type[3] = { 1, 2, 1 };

    struct builder b = b_new();
    size_t off = b_mmap(&b, 24, 3, base, len, type);
    b_finish(&b);
    expect_reject(parse(&b), "wraps", off + 16 + 24, MB2_TAG_MMAP);

    /* The last page below 2^64 is representable: base + len == UINT64_MAX. */
    len[1] = 0xfff;
    b = b_new();
    b_mmap(&b, 24, 3, base, len, type);
    b_finish(&b);
    assert_int_equal(parse(&b), 0);
    assert_int_equal(info.mmap[1].len, 0xfff);
}

static void test_mmap_truncation(void **state)
{
    (void)state;
    enum { N = MB2_MAX_MMAP + 72 };
    static uint64_t base[N], len[N];
    static uint32_t type[N];

    for (size_t i = 0; i < N; i++) {
        base[i] = i * 0x10000;
        len[i] = 0x8000;
        type[i] = (uint32_t)(i % 5 + 1);
    }
    struct builder b = b_new();
    b_mmap(&b, 24, N, base, len, type);
    b_finish(&b);
    assert_int_equal(parse(&b), 0);
    assert_int_equal(info.mmap_count, MB2_MAX_MMAP);
    assert_int_equal(info.mmap_total, N);
    assert_true(info.mmap_truncated);
    assert_int_equal(info.mmap[MB2_MAX_MMAP - 1].base, (MB2_MAX_MMAP - 1) * 0x10000ull);
    assert_int_equal(info.mmap[MB2_MAX_MMAP - 1].type, (MB2_MAX_MMAP - 1) % 5 + 1);

    /* Entries past the array are still validated. */
    len[N - 1] = UINT64_MAX;
    b = b_new();
    size_t off = b_mmap(&b, 24, N, base, len, type);
    b_finish(&b);
    expect_reject(parse(&b), "wraps", off + 16 + (N - 1) * 24, MB2_TAG_MMAP);

    /* Exactly MB2_MAX_MMAP entries fit without truncation. */
    len[N - 1] = 0x8000;
    b = b_new();
    b_mmap(&b, 24, MB2_MAX_MMAP, base, len, type);
    b_finish(&b);
    assert_int_equal(parse(&b), 0);
    assert_int_equal(info.mmap_count, MB2_MAX_MMAP);
    assert_false(info.mmap_truncated);
}

static void test_mmap_type_names(void **state)
{
    (void)state;
    assert_string_equal(mb2_mmap_type_name(MB2_MMAP_AVAILABLE), "available");
    assert_string_equal(mb2_mmap_type_name(MB2_MMAP_RESERVED), "reserved");
    assert_string_equal(mb2_mmap_type_name(MB2_MMAP_ACPI_RECLAIMABLE), "ACPI reclaimable");
    assert_string_equal(mb2_mmap_type_name(MB2_MMAP_ACPI_NVS), "ACPI NVS");
    assert_string_equal(mb2_mmap_type_name(MB2_MMAP_BAD), "bad");
    assert_string_equal(mb2_mmap_type_name(0), "unknown");
    assert_string_equal(mb2_mmap_type_name(6), "unknown");
    assert_string_equal(mb2_mmap_type_name(0xffffffffu), "unknown");
}

/* ---- Framebuffer --------------------------------------------------------------- */

static void test_fb_too_small(void **state)
{
    (void)state;
    struct builder b = b_new();
    size_t off = b_fb_rgb(&b);
    put32(b.buf + off + 4, 31);
    b_finish(&b);
    expect_reject(parse(&b), "framebuffer tag too small", off, MB2_TAG_FRAMEBUFFER);

    /* RGB type but the six channel bytes are missing. */
    b = b_new();
    off = b_fb(&b, 0xfd000000, 4096, 1024, 768, 32, MB2_FB_TYPE_RGB, rgb_888, 5);
    b_finish(&b);
    expect_reject(parse(&b), "lacks its color fields", off, MB2_TAG_FRAMEBUFFER);
}

static void test_fb_geometry(void **state)
{
    (void)state;
    struct builder b = b_new();
    size_t off = b_fb(&b, 0xfd000000, 4096, 1024, 768, 0, MB2_FB_TYPE_RGB, rgb_888, 6);
    b_finish(&b);
    expect_reject(parse(&b), "bpp", off, MB2_TAG_FRAMEBUFFER);

    b = b_new();
    off = b_fb(&b, 0xfd000000, 4096, 1024, 768, 33, MB2_FB_TYPE_RGB, rgb_888, 6);
    b_finish(&b);
    expect_reject(parse(&b), "bpp", off, MB2_TAG_FRAMEBUFFER);

    /* 1024 pixels of 4 bytes need 4096 bytes per row. */
    b = b_new();
    off = b_fb(&b, 0xfd000000, 4095, 1024, 768, 32, MB2_FB_TYPE_RGB, rgb_888, 6);
    b_finish(&b);
    expect_reject(parse(&b), "pitch is smaller than one row", off, MB2_TAG_FRAMEBUFFER);

    /* Huge width: width * 4 overflows 32 bits but not the 64-bit check. */
    b = b_new();
    off = b_fb(&b, 0, 0xfffffffcu, 0x40000000u, 1, 32, MB2_FB_TYPE_RGB, rgb_888, 6);
    b_finish(&b);
    expect_reject(parse(&b), "pitch is smaller than one row", off, MB2_TAG_FRAMEBUFFER);

    b = b_new();
    off = b_fb(&b, 0xfffffffffff00000ull, 4096, 1024, 768, 32, MB2_FB_TYPE_RGB, rgb_888, 6);
    b_finish(&b);
    expect_reject(parse(&b), "wraps", off, MB2_TAG_FRAMEBUFFER);

    /* 24 bpp rounds to 3 bytes per pixel; pitch 3 * 800 is enough. */
    static const uint8_t rgb24[6] = { 16, 8, 8, 8, 0, 8 };
    b = b_new();
    b_fb(&b, 0xe0000000, 2400, 800, 600, 24, MB2_FB_TYPE_RGB, rgb24, 6);
    b_finish(&b);
    assert_int_equal(parse(&b), 0);
    assert_true(info.fb.present);
    assert_int_equal(info.fb.bpp, 24);

    /* 15 bpp still takes 2 bytes per pixel: 800 * 2 > 1200. */
    static const uint8_t rgb555[6] = { 10, 5, 5, 5, 0, 5 };
    b = b_new();
    off = b_fb(&b, 0xe0000000, 1200, 800, 600, 15, MB2_FB_TYPE_RGB, rgb555, 6);
    b_finish(&b);
    expect_reject(parse(&b), "pitch is smaller than one row", off, MB2_TAG_FRAMEBUFFER);

    /* A channel reaching past bpp. */
    static const uint8_t bad[6] = { 16, 8, 8, 8, 0, 8 };
    b = b_new();
    off = b_fb(&b, 0xe0000000, 4000, 800, 600, 16, MB2_FB_TYPE_RGB, bad, 6);
    b_finish(&b);
    expect_reject(parse(&b), "color field", off, MB2_TAG_FRAMEBUFFER);
}

static void test_fb_indexed_and_text(void **state)
{
    (void)state;
    uint8_t pal[2 + 3 * 4];
    put16(pal, 4);
    for (int i = 0; i < 12; i++)
        pal[2 + i] = (uint8_t)(i * 20);

    struct builder b = b_new();
    size_t off = b_fb(&b, 0xa0000, 320, 320, 200, 8, MB2_FB_TYPE_INDEXED, pal, sizeof(pal));
    b_finish(&b);
    assert_int_equal(parse(&b), 0);
    assert_true(info.fb.present);
    assert_int_equal(info.fb.type, MB2_FB_TYPE_INDEXED);
    assert_int_equal(info.fb.palette_colors, 4);
    assert_ptr_equal(info.fb.palette, b.buf + off + 34);
    assert_int_equal(info.fb.palette[3], 60);

    /* The palette claims one more color than the tag holds. */
    put16(pal, 5);
    b = b_new();
    off = b_fb(&b, 0xa0000, 320, 320, 200, 8, MB2_FB_TYPE_INDEXED, pal, sizeof(pal));
    b_finish(&b);
    expect_reject(parse(&b), "palette runs past", off, MB2_TAG_FRAMEBUFFER);

    /* The high byte of the count matters: 0x104 is not 4. */
    put16(pal, 0x104);
    b = b_new();
    off = b_fb(&b, 0xa0000, 320, 320, 200, 8, MB2_FB_TYPE_INDEXED, pal, sizeof(pal));
    b_finish(&b);
    expect_reject(parse(&b), "palette runs past", off, MB2_TAG_FRAMEBUFFER);

    /* 0xffff colors must not wrap the size computation. */
    put16(pal, 0xffff);
    b = b_new();
    off = b_fb(&b, 0xa0000, 320, 320, 200, 8, MB2_FB_TYPE_INDEXED, pal, sizeof(pal));
    b_finish(&b);
    expect_reject(parse(&b), "palette runs past", off, MB2_TAG_FRAMEBUFFER);

    /* No room for the color count. */
    b = b_new();
    off = b_fb(&b, 0xa0000, 320, 320, 200, 8, MB2_FB_TYPE_INDEXED, pal, 1);
    b_finish(&b);
    expect_reject(parse(&b), "lacks its palette size", off, MB2_TAG_FRAMEBUFFER);

    /* EGA text mode: 80x25 cells of 2 bytes, no color info. */
    b = b_new();
    b_fb(&b, 0xb8000, 160, 80, 25, 16, MB2_FB_TYPE_EGA_TEXT, NULL, 0);
    b_finish(&b);
    assert_int_equal(parse(&b), 0);
    assert_true(info.fb.present);
    assert_int_equal(info.fb.type, MB2_FB_TYPE_EGA_TEXT);
    assert_int_equal(info.fb.addr, 0xb8000);
}

/* ---- ACPI ----------------------------------------------------------------------- */

static void test_acpi_tags(void **state)
{
    (void)state;
    struct builder b = b_new();
    size_t off = b_acpi(&b, MB2_TAG_ACPI_OLD, MB2_RSDP_V1_LEN);
    b_finish(&b);
    assert_int_equal(parse(&b), 0);
    assert_ptr_equal(info.rsdp, b.buf + off + 8);
    assert_int_equal(info.rsdp_len, 20);
    assert_false(info.rsdp_is_v2);

    b = b_new();
    off = b_acpi(&b, MB2_TAG_ACPI_OLD, MB2_RSDP_V1_LEN - 1);
    b_finish(&b);
    expect_reject(parse(&b), "shorter than an RSDP", off, MB2_TAG_ACPI_OLD);

    b = b_new();
    off = b_acpi(&b, MB2_TAG_ACPI_NEW, MB2_RSDP_V2_LEN - 1);
    b_finish(&b);
    expect_reject(parse(&b), "shorter than an RSDP", off, MB2_TAG_ACPI_NEW);

    /* New before old: the old one must not replace it. */
    b = b_new();
    size_t off_new = b_acpi(&b, MB2_TAG_ACPI_NEW, 40);
    b_acpi(&b, MB2_TAG_ACPI_OLD, MB2_RSDP_V1_LEN);
    b_finish(&b);
    assert_int_equal(parse(&b), 0);
    assert_true(info.rsdp_is_v2);
    assert_ptr_equal(info.rsdp, b.buf + off_new + 8);
    assert_int_equal(info.rsdp_len, 40);
}

static void test_meminfo_too_small(void **state)
{
    (void)state;
    uint8_t p[4] = { 0 };
    struct builder b = b_new();
    size_t off = b_tag(&b, MB2_TAG_MEMINFO, p, sizeof(p));
    b_finish(&b);
    expect_reject(parse(&b), "meminfo tag too small", off, MB2_TAG_MEMINFO);
}

/* ---- Robustness ------------------------------------------------------------------ */

/* Every shorter total_size, in an exact-size heap copy (ASan sees overreads). */
static void test_every_truncation_rejected(void **state)
{
    (void)state;
    struct builder b = b_new();
    build_full(&b);

    for (size_t t = 0; t < b.len; t++) {
        uint8_t *copy = malloc(t > 0 ? t : 1);
        assert_non_null(copy);
        memcpy(copy, b.buf, t);
        if (t >= 4)
            put32(copy, (uint32_t)t);
        int rc = mb2_parse(copy, t, &info);
        assert_int_equal(rc, K_EINVAL);
        assert_non_null(info.error);
        free(copy);
    }
}

/* Random single- and multi-byte corruption never crashes or over-reads. */
static void test_random_corruption(void **state)
{
    (void)state;
    struct builder b = b_new();
    build_full(&b);
    uint8_t *copy = malloc(b.len);
    unsigned seed = 12345;
    int accepted = 0, rejected = 0;

    assert_non_null(copy);
    for (int round = 0; round < 20000; round++) {
        memcpy(copy, b.buf, b.len);
        int flips = 1 + round % 4;
        for (int i = 0; i < flips; i++) {
            seed = seed * 1103515245u + 12345u;
            size_t pos = (seed >> 8) % b.len;
            seed = seed * 1103515245u + 12345u;
            copy[pos] = (uint8_t)(seed >> 16);
        }
        int rc = mb2_parse(copy, b.len, &info);
        if (rc == 0) {
            accepted++;
            assert_null(info.error);
            assert_true(info.mmap_count <= MB2_MAX_MMAP);
            assert_true(info.module_count <= MB2_MAX_MODULES);
            assert_true(strlen(info.cmdline) == info.cmdline_len);
            for (size_t m = 0; m < info.module_count; m++)
                assert_true(info.modules[m].start <= info.modules[m].end);
        } else {
            rejected++;
            assert_int_equal(rc, K_EINVAL);
            assert_non_null(info.error);
            assert_true(info.error_offset <= b.len);
        }
    }
    free(copy);
    /* Both outcomes must actually occur, or the test proves nothing. */
    assert_true(accepted > 100);
    assert_true(rejected > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_block),
        cmocka_unit_test(test_minimal_block),
        cmocka_unit_test(test_trailing_bytes_after_end_ignored),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_misaligned_block),
        cmocka_unit_test(test_bad_total_size),
        cmocka_unit_test(test_tag_smaller_than_header),
        cmocka_unit_test(test_tag_runs_past_total),
        cmocka_unit_test(test_missing_end_tag),
        cmocka_unit_test(test_padding_past_total),
        cmocka_unit_test(test_end_tag_size),
        cmocka_unit_test(test_duplicate_tags),
        cmocka_unit_test(test_unterminated_strings),
        cmocka_unit_test(test_cmdline_with_embedded_nul),
        cmocka_unit_test(test_module_checks),
        cmocka_unit_test(test_module_truncation),
        cmocka_unit_test(test_mmap_entry_size),
        cmocka_unit_test(test_mmap_tag_shape),
        cmocka_unit_test(test_mmap_entry_wraps),
        cmocka_unit_test(test_mmap_truncation),
        cmocka_unit_test(test_mmap_type_names),
        cmocka_unit_test(test_fb_too_small),
        cmocka_unit_test(test_fb_geometry),
        cmocka_unit_test(test_fb_indexed_and_text),
        cmocka_unit_test(test_acpi_tags),
        cmocka_unit_test(test_meminfo_too_small),
        cmocka_unit_test(test_every_truncation_rejected),
        cmocka_unit_test(test_random_corruption),
    };

    return cmocka_run_group_tests_name("mb2", tests, NULL, NULL);
}
