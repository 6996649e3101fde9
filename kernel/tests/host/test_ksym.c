/*
 * Host tests for the pure symbol-blob reader (kernel/core/ksym_blob.c). The
 * blobs are built here byte by byte from the layout in docs/symbols.md, an
 * implementation independent of tools/ksympack.py, so a drift between the two
 * shows up as a failure. Corrupt blobs are handed over in exactly-sized heap
 * copies so that AddressSanitizer turns any out-of-bounds read into a failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <core/ksym.h>

#define BASE 0xffffffff80100000ull
#define TEXT_SIZE 0x200u
#define BLOB_CAP 1024u

/* Header field offsets, as in the docs/symbols.md table. */
#define H_VERSION 0x04
#define H_HEADER_SIZE 0x06
#define H_TOTAL 0x08
#define H_TEXT_BASE 0x10
#define H_TEXT_SIZE 0x18
#define H_BUILD_ID_LEN 0x1c
#define H_BUILD_ID 0x20
#define H_SYM_COUNT 0x40
#define H_SYM_OFF 0x44
#define H_FILE_COUNT 0x48
#define H_FILE_OFF 0x4c
#define H_LINE_COUNT 0x50
#define H_LINE_OFF 0x54
#define H_STR_OFF 0x58
#define H_STR_SIZE 0x5c

struct tsym {
    uint32_t off, size;
    const char *name;
};

struct tline {
    uint32_t off;
    uint16_t file, line;
};

/* alpha, beta, a 0x10 gap, gamma, a long gap, delta up to the end of text. */
static const struct tsym syms[] = {
    {0x000, 0x10, "alpha"},
    {0x010, 0x30, "beta"},
    {0x050, 0x20, "gamma"},
    {0x100, 0x100, "delta"},
};

static const char *const files[] = {"kernel/a.c", "kernel/include/b.h"};

/* Line 0 ends a sequence: gamma's first 0x10 bytes have no line. */
static const struct tline lines[] = {
    {0x000, 0, 10}, {0x008, 0, 11}, {0x010, 1, 5}, {0x020, 0, 30},
    {0x040, 0, 0},  {0x060, 0, 50}, {0x100, 0, 70},
};

#define NSYMS (sizeof(syms) / sizeof(syms[0]))
#define NFILES (sizeof(files) / sizeof(files[0]))
#define NLINES (sizeof(lines) / sizeof(lines[0]))

/* Table offsets of the blob: header, symbols, files, lines, strings. */
#define SYM_OFF KSYM_HEADER_SIZE
#define FILE_OFF (SYM_OFF + NSYMS * KSYM_SYM_ENTRY_SIZE)
#define LINE_OFF (FILE_OFF + NFILES * KSYM_FILE_ENTRY_SIZE)
#define STR_OFF (LINE_OFF + NLINES * KSYM_LINE_ENTRY_SIZE)

static uint8_t blob[BLOB_CAP];
static size_t blob_len;

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t add_string(uint32_t str_off, size_t *str_end, const char *s)
{
    uint32_t at = (uint32_t)(*str_end - str_off);

    memcpy(blob + *str_end, s, strlen(s) + 1);
    *str_end += strlen(s) + 1;
    return at;
}

/* Lay out header, symbols, files, lines, strings; build-id bytes 1..20. */
static void build_blob(void)
{
    uint32_t sym_off = SYM_OFF, file_off = FILE_OFF, line_off = LINE_OFF, str_off = STR_OFF;
    size_t str_end = str_off;

    memset(blob, 0, sizeof(blob));
    for (size_t i = 0; i < NSYMS; i++) {
        uint8_t *e = blob + sym_off + i * KSYM_SYM_ENTRY_SIZE;
        put32(e, syms[i].off);
        put32(e + 4, syms[i].size);
        put32(e + 8, add_string(str_off, &str_end, syms[i].name));
    }
    for (size_t i = 0; i < NFILES; i++)
        put32(blob + file_off + i * KSYM_FILE_ENTRY_SIZE, add_string(str_off, &str_end, files[i]));
    for (size_t i = 0; i < NLINES; i++) {
        uint8_t *e = blob + line_off + i * KSYM_LINE_ENTRY_SIZE;
        put32(e, lines[i].off);
        put16(e + 4, lines[i].file);
        put16(e + 6, lines[i].line);
    }
    blob_len = str_end;

    memcpy(blob, "KSYM", 4);
    put16(blob + H_VERSION, KSYM_VERSION);
    put16(blob + H_HEADER_SIZE, KSYM_HEADER_SIZE);
    put32(blob + H_TOTAL, (uint32_t)blob_len);
    put64(blob + H_TEXT_BASE, BASE);
    put32(blob + H_TEXT_SIZE, TEXT_SIZE);
    put32(blob + H_BUILD_ID_LEN, 20);
    for (int i = 0; i < 20; i++)
        blob[H_BUILD_ID + i] = (uint8_t)(i + 1);
    put32(blob + H_SYM_COUNT, NSYMS);
    put32(blob + H_SYM_OFF, sym_off);
    put32(blob + H_FILE_COUNT, NFILES);
    put32(blob + H_FILE_OFF, file_off);
    put32(blob + H_LINE_COUNT, NLINES);
    put32(blob + H_LINE_OFF, line_off);
    put32(blob + H_STR_OFF, str_off);
    put32(blob + H_STR_SIZE, (uint32_t)(str_end - str_off));
}

static int setup(void **state)
{
    (void)state;
    build_blob();
    return 0;
}

/* A complete GNU build-id note with id bytes 1..20, last byte xor flip. */
static void make_note(uint8_t note[36], uint8_t flip)
{
    put32(note, 4);
    put32(note + 4, 20);
    put32(note + 8, 3);
    memcpy(note + 12, "GNU", 4);
    for (int i = 0; i < 20; i++)
        note[16 + i] = (uint8_t)(i + 1);
    note[35] ^= flip;
}

/*
 * Lookup (and format) on an exactly-sized heap copy of (a prefix of) the
 * blob. The copy lives until the next call or teardown, so *out stays valid.
 */
static uint8_t *held_copy;

static int lookup_copy(const uint8_t *b, size_t len, uint64_t addr, struct ksym_info *out)
{
    char text[64];

    free(held_copy);
    held_copy = malloc(len ? len : 1);
    assert_non_null(held_copy);
    memcpy(held_copy, b, len);
    ksym_blob_format(held_copy, len, text, sizeof(text), addr);
    return ksym_blob_lookup(held_copy, len, addr, out);
}

static int teardown(void **state)
{
    (void)state;
    free(held_copy);
    held_copy = NULL;
    return 0;
}

static void test_exact_start(void **state)
{
    struct ksym_info info;
    (void)state;

    assert_int_equal(ksym_blob_lookup(blob, blob_len, BASE, &info), KSYM_OK);
    assert_string_equal(info.name, "alpha");
    assert_int_equal(info.offset, 0);
    assert_true(info.sym_addr == BASE);
    assert_string_equal(info.file, "kernel/a.c");
    assert_int_equal(info.line, 10);

    assert_int_equal(ksym_blob_lookup(blob, blob_len, BASE + 0x100, &info), KSYM_OK);
    assert_string_equal(info.name, "delta");
    assert_int_equal(info.line, 70);
}

static void test_mid_function(void **state)
{
    struct ksym_info info;
    (void)state;

    assert_int_equal(ksym_blob_lookup(blob, blob_len, BASE + 0x2b, &info), KSYM_OK);
    assert_string_equal(info.name, "beta");
    assert_int_equal(info.offset, 0x1b);
    assert_true(info.sym_addr == BASE + 0x10);
    assert_int_equal(info.line, 30);

    assert_int_equal(ksym_blob_lookup(blob, blob_len, BASE + 0x12, &info), KSYM_OK);
    assert_string_equal(info.file, "kernel/include/b.h");
    assert_int_equal(info.line, 5);

    assert_int_equal(ksym_blob_lookup(blob, blob_len, BASE + 0x3f, &info), KSYM_OK);
    assert_string_equal(info.name, "beta"); /* last byte */
    assert_int_equal(ksym_blob_lookup(blob, blob_len, BASE + 0x1ff, &info), KSYM_OK);
    assert_string_equal(info.name, "delta");
}

static void test_outside_symbols(void **state)
{
    struct ksym_info info;
    (void)state;

    /* before the first, in padding, after the last, far away */
    const uint64_t misses[] = {BASE - 1, BASE + 0x40, BASE + 0x4f, BASE + 0x70,
                               BASE + TEXT_SIZE, 0, ~0ull};
    for (size_t i = 0; i < sizeof(misses) / sizeof(misses[0]); i++) {
        info.name = "stale";
        info.line = 99;
        assert_int_equal(ksym_blob_lookup(blob, blob_len, misses[i], &info), KSYM_ENOENT);
        assert_null(info.name);
        assert_null(info.file);
        assert_int_equal(info.line, 0);
    }
}

static void test_line_unknown(void **state)
{
    struct ksym_info info;
    (void)state;

    /* gamma starts at 0x50 but the table ended at 0x40 and resumes at 0x60 */
    assert_int_equal(ksym_blob_lookup(blob, blob_len, BASE + 0x55, &info), KSYM_OK);
    assert_string_equal(info.name, "gamma");
    assert_null(info.file);
    assert_int_equal(info.line, 0);
    assert_int_equal(ksym_blob_lookup(blob, blob_len, BASE + 0x60, &info), KSYM_OK);
    assert_int_equal(info.line, 50);

    /* without the end row, beta's last row (0x30, line 31) must not leak into gamma */
    uint8_t *end_row = blob + LINE_OFF + 4 * KSYM_LINE_ENTRY_SIZE;
    put32(end_row, 0x30);
    put16(end_row + 6, 31);
    assert_int_equal(ksym_blob_lookup(blob, blob_len, BASE + 0x35, &info), KSYM_OK);
    assert_int_equal(info.line, 31);
    assert_int_equal(ksym_blob_lookup(blob, blob_len, BASE + 0x55, &info), KSYM_OK);
    assert_string_equal(info.name, "gamma");
    assert_null(info.file);
    assert_int_equal(info.line, 0);
}

static void test_format(void **state)
{
    char buf[32];
    (void)state;

    assert_int_equal(ksym_blob_format(blob, blob_len, buf, sizeof(buf), BASE + 0x2b), 9);
    assert_string_equal(buf, "beta+0x1b");
    assert_int_equal(ksym_blob_format(blob, blob_len, buf, sizeof(buf), BASE), 9);
    assert_string_equal(buf, "alpha+0x0");

    /* truncated to fit, still NUL-terminated */
    assert_int_equal(ksym_blob_format(blob, blob_len, buf, 6, BASE + 0x2b), 5);
    assert_string_equal(buf, "beta+");

    /* unresolved: 0 and an empty string, so printf prints the raw address */
    strcpy(buf, "junk");
    assert_int_equal(ksym_blob_format(blob, blob_len, buf, sizeof(buf), BASE + 0x45), 0);
    assert_string_equal(buf, "");
    assert_int_equal(ksym_blob_format(blob, blob_len, buf, 0, BASE), 0);
}

static void test_check_build_id(void **state)
{
    uint8_t note[36];
    const uint8_t *id;
    (void)state;

    make_note(note, 0);
    assert_int_equal(ksym_note_build_id(note, sizeof(note), &id), 20);
    assert_ptr_equal(id, note + 16);
    assert_int_equal(ksym_blob_check(blob, blob_len, note, sizeof(note)), KSYM_OK);
    assert_int_equal(ksym_blob_check(blob, blob_len, NULL, 0), KSYM_OK);

    make_note(note, 0x80);
    assert_int_equal(ksym_blob_check(blob, blob_len, note, sizeof(note)), KSYM_EBUILD);

    make_note(note, 0);
    assert_int_equal(ksym_blob_check(blob, blob_len, note, sizeof(note) - 1), KSYM_EBUILD);
    assert_int_equal(ksym_note_build_id(note, sizeof(note) - 1, &id), 0);
    assert_null(id);
    note[12] = 'X';
    assert_int_equal(ksym_note_build_id(note, sizeof(note), &id), 0);
    assert_int_equal(ksym_blob_check(blob, blob_len, note, sizeof(note)), KSYM_EBUILD);
}

static void test_missing_blob(void **state)
{
    static const uint8_t zeros[KSYM_HEADER_SIZE * 2];
    struct ksym_info info;
    (void)state;

    assert_int_equal(ksym_blob_check(zeros, sizeof(zeros), NULL, 0), KSYM_ENOBLOB);
    assert_int_equal(ksym_blob_lookup(zeros, sizeof(zeros), BASE, &info), KSYM_ENOBLOB);
    assert_int_equal(ksym_blob_lookup(NULL, 0, BASE, &info), KSYM_ENOBLOB);
}

static void test_truncated(void **state)
{
    struct ksym_info info;
    (void)state;

    for (size_t len = 0; len < blob_len; len++) {
        int err = lookup_copy(blob, len, BASE + 0x2b, &info);
        assert_true(err == (len < 4 ? KSYM_ENOBLOB : KSYM_EBADBLOB));
        assert_null(info.name);
    }
    assert_int_equal(lookup_copy(blob, blob_len, BASE + 0x2b, &info), KSYM_OK);
}

/* Set one u32 header field of a copy and expect the whole blob rejected. */
static void expect_header_rejected(size_t field, uint32_t value)
{
    uint8_t bad[BLOB_CAP];
    struct ksym_info info;

    memcpy(bad, blob, blob_len);
    put32(bad + field, value);
    assert_int_equal(lookup_copy(bad, blob_len, BASE + 0x2b, &info), KSYM_EBADBLOB);
    assert_int_equal(ksym_blob_check(bad, blob_len, NULL, 0), KSYM_EBADBLOB);
}

static void test_bad_header_fields(void **state)
{
    uint32_t str_off = (uint32_t)(blob_len - 4); /* any in-bounds value would do */
    (void)state;

    expect_header_rejected(H_TOTAL, (uint32_t)blob_len + 1);
    expect_header_rejected(H_TOTAL, 8);
    expect_header_rejected(H_BUILD_ID_LEN, KSYM_BUILD_ID_MAX + 1);
    expect_header_rejected(H_SYM_COUNT, 0xffffffffu); /* count * 12 must not wrap */
    expect_header_rejected(H_SYM_COUNT, 0x15555556u); /* wraps to a small 32-bit size */
    expect_header_rejected(H_SYM_OFF, (uint32_t)blob_len - 4);
    expect_header_rejected(H_SYM_OFF, 0xfffffff0u);
    expect_header_rejected(H_SYM_OFF, 8); /* inside the header */
    expect_header_rejected(H_FILE_COUNT, 0x40000000u);
    expect_header_rejected(H_LINE_OFF, (uint32_t)blob_len);
    expect_header_rejected(H_STR_OFF, str_off);      /* string table runs past the end */
    expect_header_rejected(H_STR_SIZE, 0);
    expect_header_rejected(H_STR_SIZE, 0xffffffffu);
    expect_header_rejected(H_STR_SIZE, 5); /* does not end in NUL ("alpha") */

    uint8_t bad[BLOB_CAP];
    struct ksym_info info;
    memcpy(bad, blob, blob_len);
    put16(bad + H_VERSION, KSYM_VERSION + 1);
    assert_int_equal(lookup_copy(bad, blob_len, BASE, &info), KSYM_EBADBLOB);
    memcpy(bad, blob, blob_len);
    put16(bad + H_HEADER_SIZE, 8);
    assert_int_equal(lookup_copy(bad, blob_len, BASE, &info), KSYM_EBADBLOB);
}

static void test_bad_entries(void **state)
{
    uint8_t bad[BLOB_CAP];
    struct ksym_info info;
    (void)state;

    /* beta's name points past the string table */
    memcpy(bad, blob, blob_len);
    put32(bad + SYM_OFF + KSYM_SYM_ENTRY_SIZE + 8, 0x7fffffffu);
    assert_int_equal(lookup_copy(bad, blob_len, BASE + 0x2b, &info), KSYM_EBADBLOB);
    assert_null(info.name);

    /* a huge size must not wrap start + size (0x10 + 0xffffffff is 0xf in 32 bits) */
    memcpy(bad, blob, blob_len);
    put32(bad + SYM_OFF + KSYM_SYM_ENTRY_SIZE + 4, 0xffffffffu);
    assert_int_equal(lookup_copy(bad, blob_len, BASE + 0x45, &info), KSYM_OK);

    /* beta's line row names a file index past the file table: no file */
    memcpy(bad, blob, blob_len);
    put16(bad + LINE_OFF + 3 * KSYM_LINE_ENTRY_SIZE + 4, 7);
    assert_int_equal(lookup_copy(bad, blob_len, BASE + 0x2b, &info), KSYM_OK);
    assert_string_equal(info.name, "beta");
    assert_null(info.file);
    assert_int_equal(info.line, 0);

    /* file name offset past the string table: no file */
    memcpy(bad, blob, blob_len);
    put32(bad + FILE_OFF, 0xfffffff0u);
    assert_int_equal(lookup_copy(bad, blob_len, BASE + 0x2b, &info), KSYM_OK);
    assert_null(info.file);
}

/*
 * Overwrite random bytes (fixed seed) and look up many addresses; ASan turns
 * any stray read into a failure. Returned strings must lie inside the copy.
 */
static void test_random_corruption(void **state)
{
    struct ksym_info info;
    uint32_t seed = 12345;
    char text[64];
    (void)state;

    uint8_t *bad = malloc(blob_len);
    assert_non_null(bad);
    for (int round = 0; round < 20000; round++) {
        memcpy(bad, blob, blob_len);
        for (int n = 0; n < 4; n++) {
            seed = seed * 1103515245u + 12345u;
            bad[(seed >> 8) % blob_len] = (uint8_t)(seed >> 24);
        }
        seed = seed * 1103515245u + 12345u;
        uint64_t addr = BASE + ((seed >> 8) % (TEXT_SIZE + 0x40)) - 0x20;
        int err = ksym_blob_lookup(bad, blob_len, addr, &info);
        assert_true(err <= KSYM_OK && err >= KSYM_EBUILD);
        if (err == KSYM_OK) {
            assert_true((const uint8_t *)info.name >= bad);
            assert_true((const uint8_t *)info.name + strlen(info.name) < bad + blob_len);
            if (info.file != NULL)
                assert_true((const uint8_t *)info.file + strlen(info.file) < bad + blob_len);
        }
        ksym_blob_format(bad, blob_len, text, sizeof(text), addr);
    }
    free(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_exact_start, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mid_function, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outside_symbols, setup, teardown),
        cmocka_unit_test_setup_teardown(test_line_unknown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_build_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_blob, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_header_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_corruption, setup, teardown),
    };
    return cmocka_run_group_tests_name("ksym", tests, NULL, NULL);
}
