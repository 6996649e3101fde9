/*
 * What the PE host tests share: little-endian reads and writes into byte buffers, and
 * loading a mingw-built fixture (read, parsed, laid out as an image). Header-only:
 * each test program includes it once.
 */
#ifndef PE_TEST_UTIL_H
#define PE_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

#include <loader/pe.h>

#ifndef PE_FIXTURE_DIR
#define PE_FIXTURE_DIR "build/host-tests/pe_fixtures"
#endif

static inline void le16_put(uint8_t *b, size_t off, uint16_t v)
{
    b[off] = (uint8_t)v;
    b[off + 1] = (uint8_t)(v >> 8);
}

static inline void le32_put(uint8_t *b, size_t off, uint32_t v)
{
    le16_put(b, off, (uint16_t)v);
    le16_put(b, off + 2, (uint16_t)(v >> 16));
}

static inline void le64_put(uint8_t *b, size_t off, uint64_t v)
{
    le32_put(b, off, (uint32_t)v);
    le32_put(b, off + 4, (uint32_t)(v >> 32));
}

static inline uint32_t le32_get(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t le64_get(const uint8_t *p)
{
    return (uint64_t)le32_get(p) | (uint64_t)le32_get(p + 4) << 32;
}

/*
 * The optional-header fields every synthetic image here shares, at `opt` (the optional
 * header's file offset): SizeOfHeaders 0x200, console subsystem, DllCharacteristics
 * 0x160 (high-entropy VA, dynamic base, NX), 2 MiB/4 KiB stack, 1 MiB/4 KiB heap, 16
 * data directories.
 */
static inline void pe_put_optional_defaults(uint8_t *b, size_t opt)
{
    le32_put(b, opt + 60, 0x200);
    le16_put(b, opt + 68, PE_SUBSYSTEM_CUI);
    le16_put(b, opt + 70, 0x160);
    le64_put(b, opt + 72, 0x200000);
    le64_put(b, opt + 80, 0x1000);
    le64_put(b, opt + 88, 0x100000);
    le64_put(b, opt + 96, 0x1000);
    le32_put(b, opt + 108, 16);
}

/*
 * Read the fixture `name` (from $PE_FIXTURE_DIR, else PE_FIXTURE_DIR) into a malloc'd
 * *file of *size bytes, parse it into *pe, and lay it out into a malloc'd *image. What
 * *file and *image held before is freed. Fails the test, naming the reason, otherwise.
 */
static inline void pe_fixture_load(const char *name, uint8_t **file, size_t *size,
                                   uint8_t **image, struct pe_image *pe)
{
    const char *dir = getenv("PE_FIXTURE_DIR");
    char path[1024], err[256];

    snprintf(path, sizeof(path), "%s/%s", dir != NULL ? dir : PE_FIXTURE_DIR, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open fixture %s (built by scons from pe_fixtures/)", path);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    free(*file);
    *size = (size_t)n;
    *file = malloc(*size);
    assert_non_null(*file);
    assert_int_equal(fread(*file, 1, *size, f), *size);
    fclose(f);
    if (pe_parse(*file, *size, pe, err, sizeof(err)) != 0)
        fail_msg("%s: %s", name, err);
    free(*image);
    *image = malloc(pe->size_of_image);
    assert_non_null(*image);
    pe_copy_image(*file, pe, *image);
}

#endif
