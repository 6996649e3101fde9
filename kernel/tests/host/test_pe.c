/*
 * Host unit tests for loader/pe.c and loader/pe_symbols.c (cmocka). A builder assembles
 * a small valid PE32+ file (4 sections, relocations, imports, exports, TLS, COFF symbols);
 * each test corrupts one field and checks the exact reason for the rejection. Then real
 * mingw-built fixtures (compiled from pe_fixtures/ by the build) are parsed, relocated,
 * linked and symbolized. Buffers are malloc'd to their exact size, so ASan sees overruns.
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

#include <lib/errno.h>
#include <loader/pe.h>

#include "pe_test_util.h"

/* ---- The builder ----------------------------------------------------------------------- */

#define BASE    0x140000000ull
#define LFANEW  0x40
#define FH      (LFANEW + 4)
#define OPT     (FH + 20)
#define DIRS    (OPT + 112)
#define SHDR    (OPT + 240)
#define NSEC    4
#define SEC(i)  (SHDR + 40 * (i))
#define SYMTAB  0xc00
#define NSYMS   8
#define STRTAB  (SYMTAB + 18 * NSYMS)
#define ORD     0x8000000000000000ull

enum { S_TEXT, S_DATA, S_RDATA, S_RELOC };

struct layout {
    uint32_t sa, fa;
    uint32_t rva[NSEC];
    uint32_t raw[NSEC]; /* file offsets; raw sizes are 0x200, 0x200, 0x400, 0x200 */
    uint32_t soi;
};

static const struct layout normal = {
    0x1000, 0x200, { 0x1000, 0x2000, 0x3000, 0x4000 }, { 0x200, 0x400, 0x600, 0xa00 }, 0x5000,
};
/* Section alignment below the page size: RVA == file offset, sections share pages. */
static const struct layout small = {
    0x200, 0x200, { 0x200, 0x400, 0x600, 0xa00 }, { 0x200, 0x400, 0x600, 0xa00 }, 0xc00,
};

static const uint32_t raw_size[NSEC] = { 0x200, 0x200, 0x400, 0x200 };
static const uint32_t vsize[NSEC] = { 0x100, 0x80, 0x400, 0x20 };

static uint8_t buf[0x2000]; /* the file being built */
/* Little-endian writes into the file being built. */
#define w16(off, v) le16_put(buf, (off), (v))
#define w32(off, v) le32_put(buf, (off), (v))
#define w64(off, v) le64_put(buf, (off), (v))
static size_t buf_len;
static struct layout cur;
static uint32_t T, D, R, L; /* section RVAs of the current layout */

/* State of one test, released by cleanup(). */
static uint8_t *g_file;
static uint8_t *g_image;
static struct pe_image g_pe;
static char g_err[256];
static struct {
    uint8_t *data;
    size_t size;
} fx;

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* File offset of an RVA inside one of the built sections. */
static size_t fo(uint32_t rva)
{
    for (int i = NSEC - 1; i >= 0; i--)
        if (rva >= cur.rva[i])
            return cur.raw[i] + (rva - cur.rva[i]);
    fail_msg("rva 0x%x is in the headers", rva);
    return 0;
}

static void wstr(uint32_t rva, const char *s)
{
    memcpy(buf + fo(rva), s, strlen(s) + 1);
}

static void dir(int i, uint32_t rva, uint32_t size)
{
    w32(DIRS + 8 * i, rva);
    w32(DIRS + 8 * i + 4, size);
}

static void section(int i, const char *name, uint32_t chars)
{
    memcpy(buf + SEC(i), name, strlen(name));
    w32(SEC(i) + 8, vsize[i]);
    w32(SEC(i) + 12, cur.rva[i]);
    w32(SEC(i) + 16, raw_size[i]);
    w32(SEC(i) + 20, cur.raw[i]);
    w32(SEC(i) + 36, chars);
}

static void symbol(int i, const char *name, uint32_t strx, uint32_t value, int16_t sec,
                   uint16_t type, uint8_t class, uint8_t naux)
{
    size_t r = SYMTAB + 18 * (size_t)i;
    if (name != NULL)
        memcpy(buf + r, name, strlen(name)); /* up to 8 bytes, NUL-padded or not */
    else
        w32(r + 4, strx);
    w32(r + 8, value);
    w16(r + 12, (uint16_t)sec);
    w16(r + 14, type);
    buf[r + 16] = class;
    buf[r + 17] = naux;
}

/*
 * .text  RX  code at T (entry T+0), functions alpha T+0x10, beta/gamma T+0x40, ...
 * .data  RW  D+0 u64 &T+0x10 (DIR64), D+8 u32 &T+0x20 (HIGHLOW), D+0x10 IAT KERNEL32
 *            (ExitProcess, #12), D+0x28 IAT user.dll (Foo), D+0x40 TLS index,
 *            D+0x48 TLS callbacks {&T+0x30, 0}, D+0x60..0x70 TLS template
 * .rdata R   R+0 import descriptors, R+0x40/0x60 lookup tables, R+0x80/0x90 DLL names,
 *            R+0x100/0x120 hint/names, R+0x200 export directory (test.dll, base 5:
 *            apple T+0x40, banana T+0x50, cherry -> KERNEL32.Sleep, #8 T+0x60),
 *            R+0x300 TLS directory
 * .reloc R   two blocks: D (DIR64 0, HIGHLOW 8, DIR64 0x48) and R (the 4 TLS VAs)
 * then the COFF symbol table and its string table ("gamma_static").
 */
static void build_with(const struct layout *l)
{
    memset(buf, 0, sizeof(buf));
    cur = *l;
    T = l->rva[S_TEXT];
    D = l->rva[S_DATA];
    R = l->rva[S_RDATA];
    L = l->rva[S_RELOC];

    buf[0] = 'M';
    buf[1] = 'Z';
    w32(0x3c, LFANEW);
    memcpy(buf + LFANEW, "PE\0\0", 4);
    w16(FH, 0x8664);
    w16(FH + 2, NSEC);
    w32(FH + 8, SYMTAB);
    w32(FH + 12, NSYMS);
    w16(FH + 16, 240);
    w16(FH + 18, 0x0022); /* executable, large address aware */

    w16(OPT, 0x20b);
    w32(OPT + 16, T);
    w64(OPT + 24, BASE);
    w32(OPT + 32, l->sa);
    w32(OPT + 36, l->fa);
    w32(OPT + 56, l->soi);
    pe_put_optional_defaults(buf, OPT);
    dir(PE_DIR_EXPORT, R + 0x200, 0x100);
    dir(PE_DIR_IMPORT, R, 0x3c);
    dir(PE_DIR_BASERELOC, L, 0x20);
    dir(PE_DIR_TLS, R + 0x300, 0x28);
    dir(PE_DIR_IAT, D + 0x10, 0x28);

    section(S_TEXT, ".text", 0x60000020);
    section(S_DATA, ".data", 0xc0000040);
    section(S_RDATA, ".rdata", 0x40000040);
    section(S_RELOC, ".reloc", 0x42000040);

    memset(buf + fo(T), 0xcc, vsize[S_TEXT]);

    w64(fo(D), BASE + T + 0x10);
    w32(fo(D + 8), (uint32_t)(BASE + T + 0x20));
    w64(fo(D + 0x10), R + 0x100);
    w64(fo(D + 0x18), ORD | 12);
    w64(fo(D + 0x28), R + 0x120);
    w64(fo(D + 0x48), BASE + T + 0x30);
    for (int i = 0; i < 16; i++)
        buf[fo(D + 0x60) + i] = (uint8_t)(i + 1);

    w32(fo(R), R + 0x40);
    w32(fo(R + 12), R + 0x80);
    w32(fo(R + 16), D + 0x10);
    w32(fo(R + 20), R + 0x60);
    w32(fo(R + 32), R + 0x90);
    w32(fo(R + 36), D + 0x28);
    w64(fo(R + 0x40), R + 0x100);
    w64(fo(R + 0x48), ORD | 12);
    w64(fo(R + 0x60), R + 0x120);
    wstr(R + 0x80, "KERNEL32.dll");
    wstr(R + 0x90, "user.dll");
    w16(fo(R + 0x100), 5);
    wstr(R + 0x102, "ExitProcess");
    wstr(R + 0x122, "Foo");

    uint32_t e = R + 0x200;
    w32(fo(e + 12), R + 0x280);
    w32(fo(e + 16), 5);
    w32(fo(e + 20), 4);
    w32(fo(e + 24), 3);
    w32(fo(e + 28), R + 0x228);
    w32(fo(e + 32), R + 0x238);
    w32(fo(e + 36), R + 0x244);
    w32(fo(R + 0x228), T + 0x40);
    w32(fo(R + 0x22c), T + 0x50);
    w32(fo(R + 0x230), R + 0x2a0);
    w32(fo(R + 0x234), T + 0x60);
    w32(fo(R + 0x238), R + 0x250);
    w32(fo(R + 0x23c), R + 0x258);
    w32(fo(R + 0x240), R + 0x260);
    w16(fo(R + 0x244), 0);
    w16(fo(R + 0x246), 1);
    w16(fo(R + 0x248), 2);
    wstr(R + 0x250, "apple");
    wstr(R + 0x258, "banana");
    wstr(R + 0x260, "cherry");
    wstr(R + 0x280, "test.dll");
    wstr(R + 0x2a0, "KERNEL32.Sleep");

    w64(fo(R + 0x300), BASE + D + 0x60);
    w64(fo(R + 0x308), BASE + D + 0x70);
    w64(fo(R + 0x310), BASE + D + 0x40);
    w64(fo(R + 0x318), BASE + D + 0x48);
    w32(fo(R + 0x320), 0x10);

    w32(fo(L), D);
    w32(fo(L + 4), 16);
    w16(fo(L + 8), 0xa000);
    w16(fo(L + 10), 0x3008);
    w16(fo(L + 12), 0xa048);
    w16(fo(L + 14), 0);
    w32(fo(L + 16), R);
    w32(fo(L + 20), 16);
    w16(fo(L + 24), 0xa300);
    w16(fo(L + 26), 0xa308);
    w16(fo(L + 28), 0xa310);
    w16(fo(L + 30), 0xa318);

    symbol(0, ".text", 0, 0, 1, 0, 3, 1); /* section symbol + 1 aux record */
    memset(buf + SYMTAB + 18, 0x5a, 18);   /* aux: junk that must be skipped */
    symbol(2, "alpha", 0, 0x10, 1, 0x20, 2, 0);
    symbol(3, "beta", 0, 0x40, 1, 0, 2, 0);
    symbol(4, NULL, 4, 0x40, 1, 0x20, 3, 0); /* "gamma_static": beats beta */
    symbol(5, "delta", 0, 0x80, 2, 0x20, 2, 0);
    symbol(6, "eightchr", 0, 0x90, 1, 0x20, 2, 0);
    symbol(7, "label", 0, 0xa0, 1, 0, 6, 0);
    w32(STRTAB, 4 + 13);
    memcpy(buf + STRTAB + 4, "gamma_static", 13);
    buf_len = STRTAB + 17;
}

static void build(void)
{
    build_with(&normal);
}

static int parse(void)
{
    free(g_file);
    g_file = malloc(buf_len);
    assert_non_null(g_file);
    memcpy(g_file, buf, buf_len);
    memset(g_err, '?', sizeof(g_err));
    return pe_parse(g_file, buf_len, &g_pe, g_err, sizeof(g_err));
}

static void expect_ok(void)
{
    int rc = parse();
    if (rc != 0)
        fail_msg("rejected: %s", g_err);
    assert_string_equal(g_err, "");
}

static void expect_reject(const char *why)
{
    int rc = parse();
    if (rc == 0)
        fail_msg("accepted, expected \"%s\"", why);
    assert_int_equal(rc, K_ENOEXEC);
    if (strstr(g_err, why) == NULL)
        fail_msg("rejected for \"%s\", expected \"%s\"", g_err, why);
}

/* The mapped image of the last parse, malloc'd to exactly SizeOfImage. */
static uint8_t *map(void)
{
    free(g_image);
    g_image = malloc(g_pe.size_of_image);
    assert_non_null(g_image);
    pe_copy_image(g_file, &g_pe, g_image);
    return g_image;
}

static int cleanup(void **state)
{
    (void)state;
    free(g_file);
    free(g_image);
    free(fx.data);
    g_file = g_image = fx.data = NULL;
    return 0;
}

/* ---- The valid image ------------------------------------------------------------------- */

static void test_valid_image(void **state)
{
    (void)state;
    build();
    expect_ok();
    assert_int_equal(g_pe.image_base, BASE);
    assert_int_equal(g_pe.size_of_image, 0x5000);
    assert_int_equal(g_pe.size_of_headers, 0x200);
    assert_int_equal(g_pe.entry_rva, 0x1000);
    assert_int_equal(g_pe.subsystem, PE_SUBSYSTEM_CUI);
    assert_int_equal(g_pe.dll_characteristics, PE_DLLCHAR_HIGH_ENTROPY_VA |
                     PE_DLLCHAR_DYNAMIC_BASE | PE_DLLCHAR_NX_COMPAT);
    assert_false(pe_is_dll(&g_pe));
    assert_true(pe_relocatable(&g_pe));
    assert_int_equal(g_pe.stack_reserve, 0x200000);
    assert_int_equal(g_pe.stack_commit, 0x1000);
    assert_int_equal(g_pe.heap_reserve, 0x100000);
    assert_int_equal(g_pe.heap_commit, 0x1000);
    assert_int_equal(g_pe.num_sections, 4);

    const struct pe_section *s = g_pe.sections;
    assert_string_equal(s[0].name, ".text");
    assert_int_equal(s[0].rva, 0x1000);
    assert_int_equal(s[0].vsize, 0x100);
    assert_int_equal(s[0].raw_off, 0x200);
    assert_int_equal(s[0].raw_size, 0x200);
    assert_int_equal(s[0].load_size, 0x100);
    assert_int_equal(s[0].prot, PE_PROT_R | PE_PROT_X);
    assert_string_equal(s[1].name, ".data");
    assert_int_equal(s[1].prot, PE_PROT_R | PE_PROT_W);
    assert_int_equal(s[1].load_size, 0x80);
    assert_string_equal(s[2].name, ".rdata");
    assert_int_equal(s[2].prot, PE_PROT_R);
    assert_string_equal(s[3].name, ".reloc");
    assert_int_equal(s[3].characteristics, 0x42000040);

    assert_int_equal(g_pe.dirs[PE_DIR_EXPORT].rva, 0x3200);
    assert_int_equal(g_pe.dirs[PE_DIR_EXPORT].size, 0x100);
    assert_int_equal(g_pe.dirs[PE_DIR_BASERELOC].rva, 0x4000);
    assert_int_equal(g_pe.dirs[PE_DIR_RESOURCE].size, 0);
    assert_int_equal(g_pe.symtab_off, SYMTAB);
    assert_int_equal(g_pe.num_symbols, NSYMS);
    assert_int_equal(g_pe.strtab_off, STRTAB);
    assert_int_equal(g_pe.strtab_size, 17);

    assert_ptr_equal(pe_section_at(&g_pe, 0x10ff), &g_pe.sections[0]);
    assert_null(pe_section_at(&g_pe, 0x1100)); /* gap after .text's vsize */
    assert_null(pe_section_at(&g_pe, 0x100));  /* headers */
    assert_ptr_equal(pe_section_at(&g_pe, 0x401f), &g_pe.sections[3]);
    assert_null(pe_section_at(&g_pe, 0x4020));
}

static void test_copy_image(void **state)
{
    (void)state;
    build();
    expect_ok();
    uint8_t *img = map();
    assert_memory_equal(img, buf, 0x200);                 /* headers */
    assert_memory_equal(img + 0x1000, buf + 0x200, 0x100); /* .text */
    assert_int_equal(img[0x1100], 0);                      /* past .text's vsize */
    assert_memory_equal(img + 0x2000, buf + 0x400, 0x80);  /* .data, load_size 0x80 */
    assert_int_equal(img[0x4fff], 0);
}

static void test_section_prot(void **state)
{
    (void)state;
    assert_int_equal(pe_section_prot(0), 0);
    assert_int_equal(pe_section_prot(PE_SCN_MEM_READ), PE_PROT_R);
    assert_int_equal(pe_section_prot(0x60000020), PE_PROT_R | PE_PROT_X);
    assert_int_equal(pe_section_prot(0xc0000040), PE_PROT_R | PE_PROT_W);
    assert_int_equal(pe_section_prot(PE_SCN_MEM_WRITE | PE_SCN_CNT_CODE), PE_PROT_W);
}

static void test_null_arguments(void **state)
{
    (void)state;
    build();
    assert_int_equal(pe_parse(NULL, buf_len, &g_pe, g_err, sizeof(g_err)), K_EINVAL);
    assert_int_equal(pe_parse(buf, buf_len, NULL, g_err, sizeof(g_err)), K_EINVAL);
    /* No error buffer, or a tiny one: still rejected, message cut and terminated. */
    buf[0] = 'X';
    assert_int_equal(pe_parse(buf, buf_len, &g_pe, NULL, 0), K_ENOEXEC);
    memset(g_err, '?', sizeof(g_err));
    assert_int_equal(pe_parse(buf, buf_len, &g_pe, g_err, 6), K_ENOEXEC);
    assert_string_equal(g_err, "no MZ");
    assert_int_equal(pe_parse(buf, buf_len, &g_pe, g_err, 1), K_ENOEXEC);
    assert_string_equal(g_err, "");
}

/* ---- DOS and file header --------------------------------------------------------------- */

static void test_dos_header(void **state)
{
    (void)state;
    build();
    buf_len = 63;
    expect_reject("file too small for a DOS header (63 bytes)");
    build();
    buf[1] = 'Y';
    expect_reject("no MZ signature");
    build();
    w32(0x3c, 0x42);
    expect_reject("PE header offset 0x42 is not 4-byte aligned");
    build();
    w32(0x3c, 0);
    expect_reject("PE header offset 0x0 overlaps the MZ signature");
    build();
    w32(0x3c, 0x20); /* overlapping the DOS header is legal; there is no "PE" there */
    expect_reject("no PE signature at 0x20");
    build();
    w32(0x3c, 0xfffffffc); /* + 26 would wrap in 32 bits */
    expect_reject("PE header runs past end of file (0x100000016 > 0xca1)");
    build();
    buf_len = LFANEW + 25;
    expect_reject("PE header runs past end of file (0x5a > 0x59)");
    build();
    buf[LFANEW + 2] = 'X';
    expect_reject("no PE signature at 0x40");
}

static void test_file_header(void **state)
{
    (void)state;
    build();
    w16(FH, 0x14c);
    expect_reject("machine 0x14c is not x86_64");
    assert_string_equal(g_err, "machine 0x14c is not x86_64");
    build();
    w16(FH, 0xaa64);
    expect_reject("machine 0xaa64 is not x86_64");
    build();
    w16(FH + 18, 0x0020);
    expect_reject("not an executable image (file characteristics 0x20)");
    build();
    w16(FH + 2, 0);
    expect_reject("image has no sections");
    /* More sections than struct pe_image holds: the caller must give room for them. */
    build();
    w16(FH + 2, 97);
    assert_int_equal(parse(), K_ENOSPC);
    assert_string_equal(g_err, "97 sections need room for them (0)");
}

static void test_optional_header(void **state)
{
    (void)state;
    build();
    w16(OPT, 0x10b);
    expect_reject("32-bit images are not supported");
    assert_string_equal(g_err, "32-bit images are not supported");
    build();
    w16(OPT, 0x107);
    expect_reject("optional header magic 0x107 is not PE32+");
    build();
    w16(FH + 16, 0xffff); /* the section table follows SizeOfOptionalHeader */
    expect_reject("section table runs past end of file (0x100f7 > 0xca1)");
    build();
    buf_len = OPT + 111;
    expect_reject("optional header runs past end of file (0xc8 > 0xc7)");
}

static void test_fewer_data_directories(void **state)
{
    (void)state;
    /* 10 directories: TLS (9) is still seen; IAT (12) lies beyond and is ignored. */
    build();
    w32(OPT + 108, 10);
    expect_ok();
    assert_int_equal(g_pe.dirs[PE_DIR_TLS].rva, R + 0x300);
    assert_int_equal(g_pe.dirs[PE_DIR_IAT].size, 0);
    build();
    w32(OPT + 108, 0);
    expect_ok();
    assert_int_equal(g_pe.dirs[PE_DIR_IMPORT].size, 0);
}

static void test_alignment(void **state)
{
    (void)state;
    build();
    w32(OPT + 32, 0x1800);
    expect_reject("section alignment 0x1800 is not a power of two");
    build();
    w32(OPT + 32, 0);
    expect_reject("section alignment 0x0 is not a power of two");
    build();
    w32(OPT + 36, 0x300);
    expect_reject("file alignment 0x300 is not a power of two");
    build();
    w32(OPT + 32, 0x100);
    expect_reject("file alignment 0x200 differs from the section alignment 0x100");
    build();
    w32(OPT + 36, 0x2000);
    expect_reject("section alignment 0x1000 is below the file alignment 0x2000");
    build();
    w32(OPT + 36, 0x100);
    expect_reject("file alignment 0x100 is not a multiple of 0x200");
    build();
    w32(OPT + 32, 0x800);
    w32(OPT + 36, 0x400);
    expect_reject("file alignment 0x400 differs from the section alignment 0x800");
}

static void test_small_section_alignment(void **state)
{
    (void)state;
    /* Below the page size the image is flat: each section's file offset is its RVA, and
     * Windows maps the whole image as one read-write-execute block. */
    build_with(&small);
    expect_ok();
    assert_true(g_pe.flat);
    assert_int_equal(g_pe.section_alignment, 0x200);
    assert_int_equal(g_pe.sections[S_RELOC].rva, 0xa00);
    assert_int_equal(g_pe.sections[S_DATA].prot, PE_PROT_R | PE_PROT_W | PE_PROT_X);
    build_with(&small);
    w32(SEC(S_DATA) + 20, 0x600); /* raw data elsewhere than its address */
    expect_reject("section .data raw data at 0x600 is not at its address 0x400");
    build_with(&small);
    w32(SEC(S_DATA) + 8, 0x201); /* needs zero fill: not in a flat image */
    expect_reject("section .data is larger than its raw data (0x201 > 0x200");
    /* A flat image may have no sections at all, its entry point in the headers. */
    build_with(&small);
    w16(FH + 2, 0);
    w32(OPT + 16, 0x100);
    expect_ok();
    assert_int_equal(g_pe.num_sections, 0);
}

static void test_image_base(void **state)
{
    (void)state;
    build();
    w64(OPT + 24, BASE + 0x1000);
    expect_reject("image base 0x140001000 is not 64 KiB aligned");
    /* Outside user space: Windows relocates the image, or refuses it if it cannot move. */
    build();
    w64(OPT + 24, 0);
    expect_ok();
    assert_true(g_pe.base_outside);
    build();
    w64(OPT + 24, 0xffff800000000000ull);
    expect_ok();
    assert_true(g_pe.base_outside);
    build();
    w64(OPT + 24, 0x7fffffff0000ull); /* image would cross USER_END */
    w32(OPT + 56, 0x10000);
    w32(SEC(S_RELOC) + 8, 0xc000);
    expect_ok();
    assert_true(g_pe.base_outside);
    build();
    w64(OPT + 24, 0xffff800000000000ull);
    w16(FH + 18, 0x0023); /* relocations stripped */
    expect_reject("image base 0xffff800000000000 is outside user space and the image cannot "
                  "be relocated (relocations stripped)");
    build();
    w64(OPT + 24, 0x7fffffff0000ull); /* Windows' never-mapped last 64 KiB: outside */
    w32(OPT + 56, 0x5000);
    expect_ok();
    assert_true(g_pe.base_outside);
    build();
    w64(OPT + 24, 0x7fffffff0000ull);
    w16(FH + 18, 0x0023); /* ... so it cannot be loaded without relocations */
    expect_reject("image base 0x7fffffff0000 is outside user space and the image cannot "
                  "be relocated (relocations stripped)");
    build();
    w64(OPT + 24, 0x7fffffff0000ull - 0x10000); /* the last slot below Windows' end */
    w32(OPT + 56, 0x5000);
    expect_ok();
    assert_false(g_pe.base_outside);
    build();
    w64(OPT + 24, 0x10000);
    expect_ok();
    assert_false(g_pe.base_outside);
}

static void test_image_size(void **state)
{
    (void)state;
    build();
    w32(OPT + 56, 0);
    expect_reject("image size is 0");
    build();
    w32(OPT + 56, 0x5800); /* rounded up to 0x6000: a page no section claims */
    expect_reject("image size 0x6000 leaves 0x1000 bytes after the last section");
    build();
    w32(OPT + 56, 0x4c01); /* not a multiple of the alignment: rounded up, as Windows does */
    expect_ok();
    assert_int_equal(g_pe.size_of_image, 0x5000);
    build();
    w32(OPT + 56, 0x40001000);
    expect_reject("image size 0x40001000 is larger than 1 GiB");
}

static void test_headers_size(void **state)
{
    (void)state;
    build();
    w32(OPT + 60, 0x100000);
    expect_reject("headers are larger than the image (0x100000 > 0x5000)");
    build();
    w32(OPT + 60, 0x100); /* the section table past SizeOfHeaders: Windows maps it anyway */
    expect_ok();
    assert_int_equal(g_pe.size_of_headers, 0x100);
    build();
    w32(OPT + 60, 0xe00); /* past the end of the file: the rest reads as zero */
    expect_ok();
    assert_int_equal(g_pe.size_of_headers, 0xca1);
    build();
    w16(FH + 2, 96);
    expect_reject("section table runs past end of file (0x1048 > 0xca1)");
    build();
    w32(OPT + 60, 0x1200); /* the first section must start after the headers */
    w32(OPT + 56, 0x6000);
    expect_reject("section .text at 0x1000 leaves a gap or overlap in the image (expected at "
                  "0x2000)");
}

static void test_reserves_and_subsystem(void **state)
{
    (void)state;
    build();
    w64(OPT + 80, 0x200001);
    expect_reject("stack commit 0x200001 is larger than its reserve 0x200000");
    build();
    w64(OPT + 72, 0x40000001);
    expect_reject("stack reserve 0x40000001 is larger than 1 GiB");
    build();
    w64(OPT + 96, 0xffffffffffffffffull);
    expect_reject("heap commit 0xffffffffffffffff is larger than its reserve 0x100000");
    build();
    w64(OPT + 88, 0x8000000000000000ull);
    expect_reject("heap reserve 0x8000000000000000 is larger than 1 GiB");
    build();
    w16(OPT + 68, 10);
    expect_reject("subsystem 10 is not supported");
    build();
    w16(OPT + 68, PE_SUBSYSTEM_GUI);
    expect_ok();
}

/* ---- Sections -------------------------------------------------------------------------- */

static void test_section_names(void **state)
{
    (void)state;
    build();
    buf[SEC(0) + 2] = 0x01; /* Windows never looks at names */
    expect_ok();
    assert_string_equal(g_pe.sections[0].name, ".t?xt");
    build();
    buf[SEC(2) + 7] = 'x'; /* after the NUL of ".rdata" */
    expect_ok();
    assert_string_equal(g_pe.sections[2].name, ".rdata");
    build();
    memset(buf + SEC(1), 0, 8);
    expect_ok();
    assert_string_equal(g_pe.sections[1].name, "");
    build();
    memcpy(buf + SEC(3), "/4567890", 8); /* 8 characters, no NUL: allowed */
    expect_ok();
    assert_string_equal(g_pe.sections[3].name, "/4567890");
}

static void test_section_placement(void **state)
{
    (void)state;
    build();
    w32(SEC(S_DATA) + 12, 0x2100);
    expect_reject("section .data address 0x2100 is not aligned to 0x1000");
    build();
    w32(SEC(S_TEXT) + 12, 0);
    expect_reject("section .text at 0x0 leaves a gap or overlap in the image (expected at "
                  "0x1000)");
    build();
    w32(SEC(S_DATA) + 8, 0x1100);
    expect_reject("section .rdata at 0x3000 leaves a gap or overlap in the image (expected "
                  "at 0x4000)");
    build();
    w32(SEC(S_RDATA) + 12, 0x1000); /* out of order */
    expect_reject("section .rdata at 0x1000 leaves a gap or overlap in the image (expected "
                  "at 0x3000)");
    build();
    w32(SEC(S_RELOC) + 12, 0x5000); /* a gap: ReactOS' "memory gap between sections" */
    w32(OPT + 56, 0x6000);
    expect_reject("section .reloc at 0x5000 leaves a gap or overlap in the image (expected "
                  "at 0x4000)");
    build();
    w32(SEC(S_RELOC) + 8, 0x1001);
    expect_reject("section .reloc ends past the image (0x5001 > 0x5000)");
    build();
    w32(SEC(S_RELOC) + 8, 0xffffffff); /* rva + vsize wraps in 32 bits */
    expect_reject("section .reloc ends past the image (0x100003fff > 0x5000)");
    build();
    w32(SEC(S_DATA) + 8, 0);
    w32(SEC(S_DATA) + 16, 0);
    expect_reject("section 1 (.data) has no size");
}

static void test_section_raw_data(void **state)
{
    (void)state;
    build();
    w32(SEC(S_TEXT) + 20, 0x210); /* Windows reads from the 512-byte sector it is in */
    expect_ok();
    assert_int_equal(g_pe.sections[S_TEXT].raw_off, 0x200);
    build();
    w32(SEC(S_RELOC) + 20, 0xfffffe00); /* offset + size wraps in 32 bits */
    expect_reject("section .reloc raw data wraps (0xfffffe00 + 0x200)");
    build();
    buf_len = 0x900; /* .rdata needs all its 0x400 bytes from 0x600 */
    expect_reject("section .rdata raw data runs past end of file (0xa00 > 0x900)");
    assert_string_equal(g_err, "section .rdata raw data runs past end of file (0xa00 > 0x900)");
    build();
    buf_len = 0xa1f; /* .reloc needs its first 0x20 bytes (its VirtualSize) */
    expect_reject("section .reloc raw data runs past end of file (0xa20 > 0xa1f)");
    /* Raw data cut by the end of the file past VirtualSize: not needed, zero-filled. */
    build();
    buf_len = 0xa20;
    expect_ok();
    assert_int_equal(g_pe.sections[S_RELOC].load_size, 0x20);
    build();
    w32(SEC(S_RELOC) + 16, 0x5000);
    expect_ok();
    assert_int_equal(g_pe.sections[S_RELOC].load_size, 0x20);

    /* Uninitialised data: no raw data, its (garbage) offset is not looked at. */
    build();
    w32(SEC(S_DATA) + 16, 0);
    w32(SEC(S_DATA) + 20, 0xdeadbeef);
    expect_ok();
    assert_int_equal(g_pe.sections[S_DATA].raw_off, 0);
    assert_int_equal(g_pe.sections[S_DATA].load_size, 0);
    assert_int_equal(g_pe.sections[S_DATA].vsize, 0x80);
    /* VirtualSize 0 means SizeOfRawData. */
    build();
    w32(SEC(S_DATA) + 8, 0);
    expect_ok();
    assert_int_equal(g_pe.sections[S_DATA].vsize, 0x200);
    assert_int_equal(g_pe.sections[S_DATA].load_size, 0x200);
}

static void test_writable_and_executable(void **state)
{
    (void)state;
    /* Windows maps a writable and executable section as asked (packers use them). */
    build();
    w32(SEC(S_TEXT) + 36, 0xe0000020);
    expect_ok();
    assert_int_equal(g_pe.sections[S_TEXT].prot, PE_PROT_R | PE_PROT_W | PE_PROT_X);
    build();
    w32(SEC(S_DATA) + 36, 0xa0000040); /* W+X without R */
    expect_ok();
    assert_int_equal(g_pe.sections[S_DATA].prot, PE_PROT_W | PE_PROT_X);
}

/* ---- Data directories and entry point -------------------------------------------------- */

static void test_data_directories(void **state)
{
    (void)state;
    uint32_t rva;

    build();
    dir(PE_DIR_DEBUG, 0, 0x1c); /* no address: absent, as Windows reads it */
    expect_ok();
    assert_int_equal(g_pe.dirs[PE_DIR_DEBUG].size, 0);
    build();
    dir(PE_DIR_EXPORT, 0x4ff0, 0x200); /* kept: the export lookup refuses it */
    expect_ok();
    assert_int_equal(g_pe.dirs[PE_DIR_EXPORT].rva, 0x4ff0);
    assert_int_equal(pe_find_export_by_name(map(), g_pe.size_of_image, &g_pe, "apple", 0,
                                            &rva), K_ENOEXEC);
    build();
    dir(PE_DIR_TLS, 0xffffffff, 0xffffffff);
    expect_ok();
    build();
    dir(PE_DIR_RESOURCE, 0x12345678, 0); /* size 0: absent, address ignored */
    expect_ok();
    assert_int_equal(g_pe.dirs[PE_DIR_RESOURCE].rva, 0);
}

static void test_certificate_table_is_never_read(void **state)
{
    (void)state;
    const uint32_t cases[][2] = { { 0x800, 0x1000 }, { 0xffffffff, 0xffffffff },
                                  { 0, 0x80 }, { 0xc00, 0x80 } };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        build();
        dir(PE_DIR_SECURITY, cases[i][0], cases[i][1]);
        expect_ok();
        assert_int_equal(g_pe.dirs[PE_DIR_SECURITY].size, 0);
    }
}

static void test_directories_below_their_count(void **state)
{
    (void)state;
    /* More than 16: the 16 there are read. */
    build();
    w32(OPT + 108, 0xffffffff);
    expect_ok();
    assert_int_equal(g_pe.dirs[PE_DIR_IAT].rva, D + 0x10);
    /* Import directory 1 is below a count of 2, relocations (5) are not. */
    build();
    w32(OPT + 108, 2);
    expect_ok();
    assert_int_equal(g_pe.dirs[PE_DIR_IMPORT].rva, R);
    assert_int_equal(g_pe.dirs[PE_DIR_BASERELOC].size, 0);
}

static void test_small_optional_header(void **state)
{
    (void)state;
    /* SizeOfOptionalHeader 0xe0 (PE32's): the section table starts 16 bytes early, on
     * the last two data directories, which read as its first entry's name. */
    build();
    memmove(buf + SHDR - 16, buf + SHDR, 40 * NSEC);
    memset(buf + SHDR - 16 + 40 * NSEC, 0, 16);
    w16(FH + 16, 0xe0);
    expect_ok();
    assert_string_equal(g_pe.sections[0].name, ".text");
    assert_int_equal(g_pe.sections[3].rva, L);
}

static void test_entry_point(void **state)
{
    (void)state;
    build();
    w32(OPT + 16, 0);
    expect_reject("executable has no entry point (0)");
    build();
    w32(OPT + 16, D);
    expect_reject("entry point 0x2000 is not inside an executable section");
    build();
    w32(OPT + 16, T + 0x100); /* past .text's vsize */
    expect_reject("entry point 0x1100 is not inside an executable section");
    build();
    w32(OPT + 16, 0x100); /* in the headers */
    expect_reject("entry point 0x100 is not inside an executable section");
    build();
    w32(OPT + 16, 0);
    w16(FH + 18, 0x2022); /* a DLL may have no entry point */
    expect_ok();
    assert_true(pe_is_dll(&g_pe));
}

static void test_symbol_table_is_optional(void **state)
{
    (void)state;
    build();
    w32(FH + 8, 0x10000); /* past the end: dropped, not rejected */
    expect_ok();
    assert_int_equal(g_pe.symtab_off, 0);
    assert_int_equal(g_pe.num_symbols, 0);
    build();
    w32(FH + 12, 0xffffffff); /* 18 * count overflows 32 bits */
    expect_ok();
    assert_int_equal(g_pe.num_symbols, 0);
    build();
    w32(STRTAB, 0x1000); /* string table too long: symbols kept, strings dropped */
    expect_ok();
    assert_int_equal(g_pe.num_symbols, NSYMS);
    assert_int_equal(g_pe.strtab_size, 0);
    build();
    buf_len = STRTAB + 2; /* no room for the string table's size */
    expect_ok();
    assert_int_equal(g_pe.num_symbols, NSYMS);
    assert_int_equal(g_pe.strtab_off, 0);
}

/* ---- Relocations ----------------------------------------------------------------------- */

static int relocate(uint64_t new_base)
{
    memset(g_err, '?', sizeof(g_err));
    return pe_apply_relocations(g_image, g_pe.size_of_image, &g_pe, new_base, g_err,
                                sizeof(g_err));
}

static void expect_reloc_reject(uint64_t new_base, const char *why)
{
    int rc = relocate(new_base);
    assert_int_equal(rc, K_ENOEXEC);
    if (strstr(g_err, why) == NULL)
        fail_msg("rejected for \"%s\", expected \"%s\"", g_err, why);
}

static void test_relocate(void **state)
{
    (void)state;
    const uint64_t nb = 0x7ff700000000ull;
    build();
    expect_ok();
    uint8_t *img = map();
    assert_int_equal(relocate(nb), 0);
    assert_string_equal(g_err, "");
    assert_int_equal(le64_get(img + D), nb + T + 0x10);
    assert_int_equal(le32_get(img + D + 8), (uint32_t)(nb + T + 0x20));
    assert_int_equal(le32_get(img + D + 12), 0); /* HIGHLOW touches 4 bytes only */
    assert_int_equal(le64_get(img + D + 0x48), nb + T + 0x30);
    assert_int_equal(le64_get(img + R + 0x300), nb + D + 0x60);
    assert_int_equal(le64_get(img + R + 0x318), nb + D + 0x48);
    assert_int_equal(le64_get(img + D + 0x10), R + 0x100); /* not a fixup: unchanged */

    /* Moving down (negative delta) works too, and back to the start. */
    img = map();
    assert_int_equal(relocate(0x10000), 0);
    assert_int_equal(le64_get(img + D), 0x10000 + T + 0x10);
    assert_int_equal(le32_get(img + D + 8), 0x10000 + T + 0x20);
}

static void test_relocate_same_base(void **state)
{
    (void)state;
    build();
    w16(fo(L + 8), 0x4000); /* a bad type: never looked at when nothing moves */
    expect_ok();
    uint8_t *img = map();
    uint8_t *before = malloc(g_pe.size_of_image);
    assert_non_null(before);
    memcpy(before, img, g_pe.size_of_image);
    assert_int_equal(relocate(BASE), 0);
    assert_memory_equal(img, before, g_pe.size_of_image);
    free(before);
}

static void test_relocations_stripped(void **state)
{
    (void)state;
    build();
    w16(FH + 18, 0x0023);
    expect_ok();
    assert_false(pe_relocatable(&g_pe));
    map();
    expect_reloc_reject(BASE + 0x10000, "image cannot be relocated (relocations stripped)");
    assert_string_equal(g_err, "image cannot be relocated (relocations stripped)");
    assert_int_equal(relocate(BASE), 0);
    /* Not stripped and no relocation directory: nothing needs fixing. */
    build();
    dir(PE_DIR_BASERELOC, 0, 0);
    expect_ok();
    uint8_t *img = map();
    assert_int_equal(relocate(BASE + 0x10000), 0);
    assert_int_equal(le64_get(img + D), BASE + T + 0x10);
}

static void test_relocation_blocks(void **state)
{
    (void)state;
    build();
    w16(fo(L + 10), 0x4010);
    expect_ok();
    uint8_t *img = map();
    expect_reloc_reject(BASE + 0x10000, "relocation type 4 at 0x2010 is not supported");
    /* Validated before anything is patched: the first fixup is still unapplied. */
    assert_int_equal(le64_get(img + D), BASE + T + 0x10);

    build();
    w16(fo(L + 24), 0x1300); /* HIGH (1), in the second block */
    expect_ok();
    map();
    expect_reloc_reject(BASE + 0x10000, "relocation type 1 at 0x3300 is not supported");

    build();
    w32(fo(L + 4), 6);
    expect_ok();
    map();
    expect_reloc_reject(BASE + 0x10000, "relocation block at 0x4000 has bad size 0x6");
    build();
    w32(fo(L + 4), 15);
    expect_ok();
    map();
    expect_reloc_reject(BASE + 0x10000, "relocation block at 0x4000 has bad size 0xf");
    build();
    w32(fo(L + 20), 0x100);
    expect_ok();
    map();
    expect_reloc_reject(BASE + 0x10000,
                        "relocation block at 0x4010 runs past the directory (0x4110 > 0x4020)");
    build();
    dir(PE_DIR_BASERELOC, L, 0x24); /* 4 stray bytes after the last block */
    expect_ok();
    map();
    expect_reloc_reject(BASE + 0x10000, "relocation block at 0x4020 is truncated (4 bytes)");
}

static void test_relocation_targets(void **state)
{
    (void)state;
    build();
    w32(fo(L), 0x4ffc); /* DIR64 at page + 0: 8 bytes from 0x4ffc */
    expect_ok();
    map();
    expect_reloc_reject(BASE + 0x10000,
                        "relocation at 0x4ffc runs past the image (0x5004 > 0x5000)");
    build();
    w32(fo(L), 0xfffff000); /* page + offset would wrap in 32 bits */
    w16(fo(L + 8), 0xafff);
    expect_ok();
    map();
    expect_reloc_reject(BASE + 0x10000,
                        "relocation at 0xffffffff runs past the image (0x100000007 > 0x5000)");
    build();
    expect_ok();
    map();
    memset(g_err, '?', sizeof(g_err));
    assert_int_equal(pe_apply_relocations(g_image, 0x4010, &g_pe, BASE + 0x10000, g_err,
                                          sizeof(g_err)), K_ENOEXEC);
    assert_non_null(strstr(g_err, "relocation directory at 0x4000 runs past the image "
                                  "(0x4020 > 0x4010)"));
    assert_int_equal(pe_apply_relocations(NULL, 0, &g_pe, 0, g_err, sizeof(g_err)), K_EINVAL);
}

/* ---- Imports --------------------------------------------------------------------------- */

struct import_log {
    int calls;
    char seen[8][48];
    uint16_t hints[8];
    int fail_at; /* call index to fail, or -1 */
    int fail_rc;
};

static int fake_resolve(void *ctx, const char *dll, const char *name, uint16_t hint,
                        uint32_t ordinal, uint64_t *addr)
{
    struct import_log *log = ctx;
    int i = log->calls++;
    assert_true(i < 8);
    if (name != NULL)
        snprintf(log->seen[i], sizeof(log->seen[i]), "%s!%s", dll, name);
    else
        snprintf(log->seen[i], sizeof(log->seen[i]), "%s!#%u", dll, ordinal);
    log->hints[i] = hint;
    if (i == log->fail_at)
        return log->fail_rc;
    *addr = 0x7ff000000000ull + 0x100 * (uint64_t)(i + 1);
    return 0;
}

static int resolve_all(struct import_log *log)
{
    memset(g_err, '?', sizeof(g_err));
    return pe_resolve_imports(g_image, g_pe.size_of_image, &g_pe, fake_resolve, log, g_err,
                              sizeof(g_err));
}

static void expect_import_reject(const char *why)
{
    struct import_log log = { .fail_at = -1 };
    int rc = resolve_all(&log);
    assert_int_equal(rc, K_ENOEXEC);
    if (strstr(g_err, why) == NULL)
        fail_msg("rejected for \"%s\", expected \"%s\"", g_err, why);
}

static void test_imports(void **state)
{
    (void)state;
    build();
    expect_ok();
    uint8_t *img = map();
    struct import_log log = { .fail_at = -1 };
    assert_int_equal(resolve_all(&log), 0);
    assert_string_equal(g_err, "");
    assert_int_equal(log.calls, 3);
    assert_string_equal(log.seen[0], "KERNEL32.dll!ExitProcess");
    assert_int_equal(log.hints[0], 5);
    assert_string_equal(log.seen[1], "KERNEL32.dll!#12");
    assert_string_equal(log.seen[2], "user.dll!Foo");
    assert_int_equal(le64_get(img + D + 0x10), 0x7ff000000100ull);
    assert_int_equal(le64_get(img + D + 0x18), 0x7ff000000200ull);
    assert_int_equal(le64_get(img + D + 0x20), 0); /* terminator left alone */
    assert_int_equal(le64_get(img + D + 0x28), 0x7ff000000300ull);
}

static void test_imports_without_lookup_table(void **state)
{
    (void)state;
    build();
    w32(fo(R), 0); /* OriginalFirstThunk 0: names come from the IAT itself */
    expect_ok();
    uint8_t *img = map();
    struct import_log log = { .fail_at = -1 };
    assert_int_equal(resolve_all(&log), 0);
    assert_int_equal(log.calls, 3);
    assert_string_equal(log.seen[1], "KERNEL32.dll!#12");
    assert_int_equal(le64_get(img + D + 0x18), 0x7ff000000200ull);
}

static void test_missing_imports(void **state)
{
    (void)state;
    build();
    expect_ok();
    map();
    struct import_log log = { .fail_at = 0, .fail_rc = 1 };
    assert_int_equal(resolve_all(&log), K_ENOENT);
    assert_string_equal(g_err, "missing import KERNEL32.dll!ExitProcess");
    map();
    log = (struct import_log){ .fail_at = 1, .fail_rc = K_ENOMEM };
    assert_int_equal(resolve_all(&log), K_ENOMEM);
    assert_string_equal(g_err, "missing import KERNEL32.dll!#12");
    map();
    log = (struct import_log){ .fail_at = 2, .fail_rc = K_ENOENT };
    assert_int_equal(resolve_all(&log), K_ENOENT);
    assert_string_equal(g_err, "missing import user.dll!Foo");
}

static void test_import_corruption(void **state)
{
    (void)state;
    uint8_t *img;

    build();
    expect_ok();
    img = map();
    img = map();
    memset(img + 0x4ffd, 'x', 3); /* unterminated at the end of the image */
    memcpy(img + R + 12, (const uint8_t[4]){ 0xfd, 0x4f, 0, 0 }, 4);
    expect_import_reject("import DLL name at 0x4ffd runs past the image");
    img = map();
    put64(img + R + 0x40, 0x80000000ull);
    expect_import_reject("import of KERNEL32.dll has an invalid thunk 0x80000000");
    img = map();
    put64(img + R + 0x40, 0x6000);
    expect_import_reject("import name at 0x6000 (from KERNEL32.dll) runs past the image");
    img = map();
    put64(img + R + 0x40, 0x4ffe); /* the hint fits, the name would start at the end */
    expect_import_reject("import name at 0x4ffe (from KERNEL32.dll) runs past the image");
    img = map();
    memcpy(img + R, (const uint8_t[4]){ 0xf8, 0x4f, 0, 0 }, 4); /* lookup table at the end */
    put64(img + 0x4ff8, R + 0x100);
    expect_import_reject("import lookup table of KERNEL32.dll runs past the image (0x5000)");
    img = map();
    memcpy(img + R + 16, (const uint8_t[4]){ 0xfc, 0x4f, 0, 0 }, 4); /* IAT at the end */
    expect_import_reject("import address table of KERNEL32.dll runs past the image (0x4ffc)");

    /* No terminating descriptor before the end of the image. */
    build();
    dir(PE_DIR_IMPORT, 0x4fe0, 0x14);
    expect_ok();
    img = map();
    memcpy(img + 0x4fe0, img + R, 20);
    expect_import_reject("import descriptor at 0x4ff4 runs past the image");
}

static int collect_dll(void *ctx, const char *dll)
{
    struct import_log *log = ctx;
    assert_true(log->calls < 8);
    snprintf(log->seen[log->calls], sizeof(log->seen[0]), "%s", dll);
    return log->calls++ == log->fail_at ? 77 : 0;
}

static void test_import_dll_names(void **state)
{
    (void)state;
    build();
    expect_ok();
    uint8_t *img = map();
    struct import_log log = { .fail_at = -1 };
    assert_int_equal(pe_import_dll_names(img, g_pe.size_of_image, &g_pe, collect_dll, &log), 0);
    assert_int_equal(log.calls, 2);
    assert_string_equal(log.seen[0], "KERNEL32.dll");
    assert_string_equal(log.seen[1], "user.dll");
    log = (struct import_log){ .fail_at = 0 };
    assert_int_equal(pe_import_dll_names(img, g_pe.size_of_image, &g_pe, collect_dll, &log),
                     77);
    assert_int_equal(log.calls, 1);
    memset(img + R + 12, 0x7f, 2); /* the first DLL name's RVA points past the image */
    log = (struct import_log){ .fail_at = -1 };
    assert_int_equal(pe_import_dll_names(img, g_pe.size_of_image, &g_pe, collect_dll, &log),
                     K_ENOEXEC);

    /* No import directory: nothing to load or resolve. */
    build();
    dir(PE_DIR_IMPORT, 0, 0);
    expect_ok();
    img = map();
    log = (struct import_log){ .fail_at = -1 };
    assert_int_equal(pe_import_dll_names(img, g_pe.size_of_image, &g_pe, collect_dll, &log), 0);
    assert_int_equal(resolve_all(&log), 0);
    assert_int_equal(log.calls, 0);
}

/* ---- Exports --------------------------------------------------------------------------- */

static int by_name(const char *name, uint16_t hint, uint32_t *rva)
{
    return pe_find_export_by_name(g_image, g_pe.size_of_image, &g_pe, name, hint, rva);
}

static int by_ordinal(uint32_t ordinal, uint32_t *rva)
{
    return pe_find_export_by_ordinal(g_image, g_pe.size_of_image, &g_pe, ordinal, rva);
}

static void test_exports(void **state)
{
    (void)state;
    uint32_t rva = 0;
    build();
    expect_ok();
    map();
    assert_string_equal(pe_export_dll_name(g_image, g_pe.size_of_image, &g_pe), "test.dll");
    assert_int_equal(by_name("apple", 0, &rva), 0);
    assert_int_equal(rva, T + 0x40);
    assert_int_equal(by_name("banana", 1, &rva), 0); /* right hint */
    assert_int_equal(rva, T + 0x50);
    rva = 0;
    assert_int_equal(by_name("banana", 0, &rva), 0); /* wrong hint: binary search */
    assert_int_equal(rva, T + 0x50);
    rva = 0;
    assert_int_equal(by_name("banana", 999, &rva), 0); /* hint out of range */
    assert_int_equal(rva, T + 0x50);
    assert_int_equal(by_name("cherry", 2, &rva), K_ENOSYS);
    assert_int_equal(rva, R + 0x2a0);
    assert_string_equal(pe_image_string(g_image, g_pe.size_of_image, rva), "KERNEL32.Sleep");
    assert_int_equal(by_name("durian", 0, &rva), K_ENOENT);
    assert_int_equal(by_name("aardvark", 0, &rva), K_ENOENT);
    assert_int_equal(by_name("", 0, &rva), K_ENOENT);
    assert_int_equal(by_name("Apple", 0, &rva), K_ENOENT); /* case-sensitive */

    assert_int_equal(by_ordinal(5, &rva), 0);
    assert_int_equal(rva, T + 0x40);
    assert_int_equal(by_ordinal(8, &rva), 0);
    assert_int_equal(rva, T + 0x60);
    assert_int_equal(by_ordinal(7, &rva), K_ENOSYS);
    assert_int_equal(by_ordinal(4, &rva), K_ENOENT);
    assert_int_equal(by_ordinal(9, &rva), K_ENOENT);
    assert_int_equal(by_ordinal(0, &rva), K_ENOENT);

    /* Names out of order (banana, apple, cherry): the hint still finds banana, which the
     * binary search alone misses. */
    uint8_t *img = g_image;
    memcpy(img + R + 0x238, (const uint8_t[8]){ 0x58, 0x32, 0, 0, 0x50, 0x32, 0, 0 }, 8);
    memcpy(img + R + 0x244, (const uint8_t[4]){ 1, 0, 0, 0 }, 4);
    rva = 0;
    assert_int_equal(by_name("banana", 0, &rva), 0);
    assert_int_equal(rva, T + 0x50);
    assert_int_equal(by_name("banana", 7, &rva), K_ENOENT);
}

static void test_export_corruption(void **state)
{
    (void)state;
    uint32_t rva;
    uint8_t *img;
    build();
    expect_ok();

    img = map();
    put64(img + R + 0x22c, 0); /* banana's slot (and #7's) emptied: unused */
    assert_int_equal(by_name("banana", 1, &rva), K_ENOENT);
    img = map();
    memcpy(img + R + 0x22c, (const uint8_t[4]){ 0, 0x50, 0, 0 }, 4); /* RVA 0x5000 */
    assert_int_equal(by_name("banana", 1, &rva), K_ENOEXEC);
    img = map();
    memcpy(img + R + 0x23c, (const uint8_t[4]){ 0, 0, 1, 0 }, 4); /* name RVA past image */
    assert_int_equal(by_name("banana", 1, &rva), K_ENOEXEC);
    img = map();
    memset(img + 0x4ffa, 'y', 6); /* unterminated name at the end of the image */
    memcpy(img + R + 0x23c, (const uint8_t[4]){ 0xfa, 0x4f, 0, 0 }, 4);
    assert_int_equal(by_name("banana", 1, &rva), K_ENOEXEC);
    dir(PE_DIR_EXPORT, R + 0x200, 0x1e00); /* so the string counts as a forwarder */
    expect_ok();
    img = map();
    memset(img + 0x4ffa, 'y', 6); /* unterminated forwarder string */
    memcpy(img + R + 0x230, (const uint8_t[4]){ 0xfa, 0x4f, 0, 0 }, 4);
    assert_int_equal(by_name("cherry", 2, &rva), K_ENOEXEC);
    assert_int_equal(by_ordinal(7, &rva), K_ENOEXEC);

    build();
    expect_ok();
    img = map();
    memcpy(img + R + 0x200 + 20, (const uint8_t[4]){ 0, 0, 0, 0x40 }, 4); /* 2^30 functions */
    assert_int_equal(by_ordinal(5, &rva), K_ENOEXEC);
    img = map();
    memcpy(img + R + 0x200 + 24, (const uint8_t[4]){ 0xff, 0xff, 0xff, 0xff }, 4);
    assert_int_equal(by_name("apple", 0, &rva), K_ENOEXEC);
    img = map();
    memcpy(img + R + 0x200 + 12, (const uint8_t[4]){ 0xff, 0xff, 0, 0 }, 4);
    assert_null(pe_export_dll_name(img, g_pe.size_of_image, &g_pe));

    build();
    dir(PE_DIR_EXPORT, R + 0x200, 39);
    expect_ok();
    map();
    assert_int_equal(by_name("apple", 0, &rva), K_ENOEXEC);
    build();
    dir(PE_DIR_EXPORT, 0, 0);
    expect_ok();
    map();
    assert_int_equal(by_name("apple", 0, &rva), K_ENOENT);
    assert_int_equal(by_ordinal(5, &rva), K_ENOENT);
    assert_null(pe_export_dll_name(g_image, g_pe.size_of_image, &g_pe));
    /* A directory inside the image but an image buffer that is too small. */
    build();
    expect_ok();
    map();
    assert_int_equal(pe_find_export_by_name(g_image, 0x3210, &g_pe, "apple", 0, &rva),
                     K_ENOEXEC);
}

static void test_image_helpers(void **state)
{
    (void)state;
    const uint8_t img[8] = { 'a', 'b', 0, 'c', 'd', 'e', 'f', 'g' };
    assert_ptr_equal(pe_image_bytes(img, 8, 0, 8), img);
    assert_ptr_equal(pe_image_bytes(img, 8, 8, 0), img + 8);
    assert_null(pe_image_bytes(img, 8, 1, 8));
    assert_null(pe_image_bytes(img, 8, 9, 0));
    assert_null(pe_image_bytes(img, 8, 4, UINT64_MAX));
    assert_null(pe_image_bytes(img, 8, UINT64_MAX, 2));
    assert_string_equal(pe_image_string(img, 8, 0), "ab");
    assert_string_equal(pe_image_string(img, 8, 2), "");
    assert_null(pe_image_string(img, 8, 3)); /* "cdefg" never ends */
    assert_null(pe_image_string(img, 8, 8));
}

/* ---- TLS ------------------------------------------------------------------------------- */

static void test_tls(void **state)
{
    (void)state;
    const uint64_t nb = 0x20000000ull;
    struct pe_tls tls;
    build();
    expect_ok();
    uint8_t *img = map();
    assert_int_equal(pe_tls_info(img, g_pe.size_of_image, &g_pe, BASE, &tls), 0);
    assert_int_equal(tls.raw_start, BASE + D + 0x60);
    assert_int_equal(tls.raw_end, BASE + D + 0x70);
    assert_int_equal(tls.index_addr, BASE + D + 0x40);
    assert_int_equal(tls.callbacks_addr, BASE + D + 0x48);
    assert_int_equal(tls.num_callbacks, 1);
    assert_int_equal(tls.zero_fill, 0x10);
    /* Before relocation the VAs do not match the new base; afterwards they do. */
    assert_int_equal(pe_tls_info(img, g_pe.size_of_image, &g_pe, nb, &tls), K_ENOEXEC);
    assert_int_equal(relocate(nb), 0);
    assert_int_equal(pe_tls_info(img, g_pe.size_of_image, &g_pe, nb, &tls), 0);
    assert_int_equal(tls.raw_start, nb + D + 0x60);
    assert_int_equal(tls.callbacks_addr, nb + D + 0x48);
    assert_int_equal(tls.num_callbacks, 1);
}

static void test_tls_corruption(void **state)
{
    (void)state;
    struct pe_tls tls;
    uint8_t *img;
    build();
    expect_ok();
#define TLS_RC() pe_tls_info(img, g_pe.size_of_image, &g_pe, BASE, &tls)
    img = map();
    put64(img + D + 0x48, BASE + D); /* callback into .data */
    assert_int_equal(TLS_RC(), K_ENOEXEC);
    img = map();
    put64(img + D + 0x48, BASE + 0x5000);
    assert_int_equal(TLS_RC(), K_ENOEXEC);
    img = map();
    put64(img + D + 0x48, 0);
    assert_int_equal(TLS_RC(), 0);
    assert_int_equal(tls.num_callbacks, 0);
    img = map();
    put64(img + R + 0x318, 0); /* no callback array */
    assert_int_equal(TLS_RC(), 0);
    assert_int_equal(tls.callbacks_addr, 0);
    img = map();
    put64(img + R + 0x318, BASE + 0x4ffc); /* array runs off the image */
    assert_int_equal(TLS_RC(), K_ENOEXEC);
    img = map();
    put64(img + R + 0x300, BASE + D + 0x71); /* start > end */
    assert_int_equal(TLS_RC(), K_ENOEXEC);
    img = map();
    put64(img + R + 0x308, BASE + 0x5001);
    assert_int_equal(TLS_RC(), K_ENOEXEC);
    img = map();
    put64(img + R + 0x310, BASE + 0x4ffe); /* index straddles the end */
    assert_int_equal(TLS_RC(), K_ENOEXEC);
    img = map();
    put64(img + R + 0x310, BASE - 4);
    assert_int_equal(TLS_RC(), K_ENOEXEC);
    img = map();
    memcpy(img + R + 0x320, (const uint8_t[4]){ 0xf1, 0xff, 0xff, 0x3f }, 4); /* fill */
    assert_int_equal(TLS_RC(), K_ENOEXEC);
    assert_int_equal(pe_tls_info(img, g_pe.size_of_image, &g_pe, UINT64_MAX - 0x1000, &tls),
                     K_EINVAL);
    build();
    dir(PE_DIR_TLS, R + 0x300, 0x20);
    expect_ok();
    img = map();
    assert_int_equal(TLS_RC(), K_ENOEXEC);
    build();
    dir(PE_DIR_TLS, 0, 0);
    expect_ok();
    img = map();
    assert_int_equal(TLS_RC(), K_ENOENT);
#undef TLS_RC
}

/* ---- Symbolization --------------------------------------------------------------------- */

static void expect_symbol(uint32_t rva, const char *name, uint32_t offset)
{
    char got[64];
    uint32_t off = 0xdead;
    int rc = pe_symbolize(g_file, buf_len, &g_pe, rva, got, sizeof(got), &off);
    if (rc != 0)
        fail_msg("rva 0x%x: no symbol (%d), expected %s+0x%x", rva, rc, name, offset);
    assert_string_equal(got, name);
    assert_int_equal(off, offset);
}

static void expect_no_symbol(uint32_t rva)
{
    char got[64];
    uint32_t off;
    int rc = pe_symbolize(g_file, buf_len, &g_pe, rva, got, sizeof(got), &off);
    if (rc != K_ENOENT)
        fail_msg("rva 0x%x: got %s+0x%x (%d), expected no symbol", rva, got, off, rc);
    assert_string_equal(got, "");
}

static void test_symbolize(void **state)
{
    (void)state;
    build();
    expect_ok();
    expect_symbol(T + 0x10, "alpha", 0);
    expect_symbol(T + 0x2f, "alpha", 0x1f);
    expect_symbol(T + 0x45, "gamma_static", 5); /* function beats EXTERNAL beta */
    expect_symbol(T + 0x95, "eightchr", 5);     /* 8-byte name without NUL */
    expect_symbol(T + 0xff, "eightchr", 0x6f);  /* the LABEL at 0xa0 does not count */
    expect_no_symbol(T + 0x5);                  /* only the .text section symbol below */
    expect_no_symbol(T + 0x100);                /* past .text's vsize */
    expect_no_symbol(D + 0x80);                 /* delta: in a data section */
    expect_no_symbol(0x10);                     /* headers */

    char small_buf[4];
    uint32_t off;
    assert_int_equal(pe_symbolize(g_file, buf_len, &g_pe, T + 0x45, small_buf, 4, &off), 0);
    assert_string_equal(small_buf, "gam");
    assert_int_equal(pe_symbolize(g_file, buf_len, &g_pe, T, small_buf, 0, &off), K_EINVAL);
    assert_int_equal(pe_symbolize(NULL, buf_len, &g_pe, T, small_buf, 4, &off), K_EINVAL);

    /* beta (EXTERNAL) wins when gamma_static is not a function. */
    build();
    w16(SYMTAB + 18 * 4 + 14, 0);
    expect_ok();
    expect_symbol(T + 0x45, "beta", 5);
    /* A long name pointing outside the string table is skipped. */
    build();
    w32(SYMTAB + 18 * 4 + 4, 17);
    expect_ok();
    expect_symbol(T + 0x45, "beta", 5);
    /* An aux count running past the table ends the scan safely. */
    build();
    buf[SYMTAB + 18 * 7 + 17] = 200;
    expect_ok();
    expect_symbol(T + 0x95, "eightchr", 5);
}

static void test_symbolize_with_exports(void **state)
{
    (void)state;
    build();
    w32(FH + 8, 0); /* stripped: no COFF symbols, exports are used */
    w32(FH + 12, 0);
    expect_ok();
    expect_symbol(T + 0x45, "apple", 5);
    expect_symbol(T + 0x50, "banana", 0);
    expect_symbol(T + 0x65, "#8", 5); /* ordinal-only export */
    expect_no_symbol(T + 0x3f);
    /* The export table is read from the file through the section table: a file whose
     * .rdata raw data is cut short cannot be used. */
    build();
    w32(FH + 8, 0);
    w32(SEC(S_RDATA) + 16, 0x200);
    w32(SEC(S_RDATA) + 8, 0x400);
    expect_ok();
    expect_no_symbol(T + 0x45);
    /* Nor the file bytes past a section's VirtualSize: they are not part of the image.
     * Here "apple" is cut after 4 bytes, so only the ordinal can name that export. */
    build();
    w32(FH + 8, 0);
    w32(SEC(S_RDATA) + 8, 0x254);
    expect_ok();
    expect_symbol(T + 0x45, "#5", 5);
}

/* ---- Robustness: truncations and random corruption ------------------------------------- */

static int any_resolve(void *ctx, const char *dll, const char *name, uint16_t hint,
                       uint32_t ordinal, uint64_t *addr)
{
    (void)ctx;
    (void)hint;
    *addr = (uint64_t)strlen(dll) + (name != NULL ? strlen(name) : ordinal);
    return 0;
}

static int any_dll(void *ctx, const char *dll)
{
    (void)ctx;
    return strlen(dll) > 1000;
}

/* Every entry point on whatever the parser accepted: ASan/UBSan judge the result. */
static void exercise(const uint8_t *file, size_t size, const struct pe_image *pe)
{
    char name[32], err[128];
    uint32_t rva, off;
    struct pe_tls tls;

    if (pe->size_of_image > 0x100000)
        return; /* a flipped SizeOfImage: valid, but too slow to scan here */
    uint8_t *img = malloc(pe->size_of_image);
    assert_non_null(img);
    pe_copy_image(file, pe, img);
    pe_apply_relocations(img, pe->size_of_image, pe, pe->image_base + 0x10000, err,
                         sizeof(err));
    pe_import_dll_names(img, pe->size_of_image, pe, any_dll, NULL);
    pe_resolve_imports(img, pe->size_of_image, pe, any_resolve, NULL, err, sizeof(err));
    pe_find_export_by_name(img, pe->size_of_image, pe, "banana", 1, &rva);
    pe_find_export_by_ordinal(img, pe->size_of_image, pe, 6, &rva);
    pe_export_dll_name(img, pe->size_of_image, pe);
    pe_tls_info(img, pe->size_of_image, pe, pe->image_base + 0x10000, &tls);
    for (uint32_t r = 0; r < pe->size_of_image; r += 0x1f)
        pe_symbolize(file, size, pe, r, name, sizeof(name), &off);
    free(img);
}

static void test_every_truncation(void **state)
{
    (void)state;
    build();
    size_t full = buf_len;
    int accepted = 0;
    for (size_t len = 0; len < full; len++) {
        buf_len = len;
        if (parse() == 0) {
            accepted++;
            exercise(g_file, len, &g_pe);
        } else {
            assert_true(g_err[0] != '\0' && g_err[0] != '?');
        }
    }
    /* Cutting into the symbol table only drops it: those lengths still parse, */
    /* ... and so does cutting .reloc's raw data past its VirtualSize (0xa20). */
    assert_int_equal(accepted, full - 0xa20);
}

static void test_random_corruption(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    int accepted = 0, rejected = 0;
    build();
    uint8_t pristine[sizeof(buf)];
    size_t len = buf_len;
    memcpy(pristine, buf, sizeof(buf));

    for (int round = 0; round < 3000; round++) {
        memcpy(buf, pristine, sizeof(buf));
        buf_len = len;
        int flips = 1 + round % 4;
        for (int i = 0; i < flips; i++) {
            seed = seed * 1103515245u + 12345u;
            /* Mostly the headers and tables, where the checks are. */
            size_t pos = (seed >> 8) % (round % 2 ? 0x200 : len);
            seed = seed * 1103515245u + 12345u;
            buf[pos] = (uint8_t)(seed >> 16);
        }
        if (parse() == 0) {
            accepted++;
            exercise(g_file, buf_len, &g_pe);
        } else {
            rejected++;
            assert_true(strlen(g_err) > 5);
        }
    }
    assert_true(accepted > 300);
    assert_true(rejected > 300);
}

/* ---- Real mingw-built fixtures --------------------------------------------------------- */

/* Loads a fixture into fx (exact-size malloc) and parses it into g_pe. */
static void load_fixture(const char *name)
{
    pe_fixture_load(name, &fx.data, &fx.size, &g_image, &g_pe);
}

static const struct pe_section *find_section(const char *name)
{
    for (uint32_t i = 0; i < g_pe.num_sections; i++)
        if (strcmp(g_pe.sections[i].name, name) == 0)
            return &g_pe.sections[i];
    return NULL;
}

/* Offset of the first u64 in the image for which match(offset, value) holds. */
static size_t scan_image(bool (*match)(size_t off, uint64_t v))
{
    for (size_t off = 0; off + 8 <= g_pe.size_of_image; off += 8)
        if (match(off, le64_get(g_image + off)))
            return off;
    fail_msg("pattern not found in the image");
    return 0;
}

static bool is_self_pointer(size_t off, uint64_t v)
{
    return v == g_pe.image_base + off;
}

static bool is_marker(size_t off, uint64_t v)
{
    (void)off;
    return v == 0x52454b52414d4550ull; /* "PEMARKER" */
}

static void expect_fixture_symbol(uint32_t rva, const char *name, uint32_t offset)
{
    char got[64];
    uint32_t off = 0;
    int rc = pe_symbolize(fx.data, fx.size, &g_pe, rva, got, sizeof(got), &off);
    if (rc != 0)
        fail_msg("rva 0x%x: no symbol (%d), expected %s", rva, rc, name);
    assert_string_equal(got, name);
    assert_int_equal(off, offset);
}

static int fixture_resolve(void *ctx, const char *dll, const char *name, uint16_t hint,
                           uint32_t ordinal, uint64_t *addr)
{
    int *count = ctx;
    (void)hint;
    (void)ordinal;
    if (name == NULL || (strcmp(dll, "KERNEL32.dll") != 0 && strcmp(dll, "msvcrt.dll") != 0))
        return K_ENOENT;
    if (strcmp(name, "puts") == 0 || strcmp(name, "printf") == 0 ||
        strcmp(name, "__getmainargs") == 0)
        (*count)++;
    *addr = 0x7ffe00000000ull + (uint64_t)strlen(name);
    return 0;
}

static int count_dll(void *ctx, const char *dll)
{
    int *mask = ctx;
    if (strcmp(dll, "KERNEL32.dll") == 0)
        *mask |= 1;
    else if (strcmp(dll, "msvcrt.dll") == 0)
        *mask |= 2;
    else
        *mask |= 4;
    return 0;
}

static void test_fixture_hello(void **state)
{
    (void)state;
    load_fixture("hello.exe");
    assert_false(pe_is_dll(&g_pe));
    assert_int_equal(g_pe.image_base, 0x140000000ull);
    assert_int_equal(g_pe.subsystem, PE_SUBSYSTEM_CUI);
    assert_true(g_pe.dll_characteristics & PE_DLLCHAR_NX_COMPAT);
    const struct pe_section *text = find_section(".text");
    assert_non_null(text);
    assert_ptr_equal(pe_section_at(&g_pe, g_pe.entry_rva), text);
    assert_int_equal(text->prot, PE_PROT_R | PE_PROT_X);
    assert_true(g_pe.num_symbols > 100); /* mingw keeps the COFF symbols by default */
    assert_true(g_pe.dirs[PE_DIR_BASERELOC].size > 0);

    int mask = 0;
    assert_int_equal(pe_import_dll_names(g_image, g_pe.size_of_image, &g_pe, count_dll, &mask),
                     0);
    assert_int_equal(mask, 3);
    int count = 0;
    assert_int_equal(pe_resolve_imports(g_image, g_pe.size_of_image, &g_pe, fixture_resolve,
                                        &count, g_err, sizeof(g_err)), 0);
    assert_true(count >= 1);

    /* The exported function, found through the export table, is named by COFF symbols. */
    uint32_t rva;
    assert_int_equal(pe_find_export_by_name(g_image, g_pe.size_of_image, &g_pe, "hello_marker",
                                            0, &rva), 0);
    assert_ptr_equal(pe_section_at(&g_pe, rva), text);
    expect_fixture_symbol(rva + 3, "hello_marker", 3);
    /* hidden_helper is static and not exported: only the symbol table knows it. */
    size_t m = scan_image(is_marker);
    uint64_t helper = le64_get(g_image + m + 8) - g_pe.image_base;
    assert_ptr_equal(pe_section_at(&g_pe, (uint32_t)helper), text);
    expect_fixture_symbol((uint32_t)helper + 1, "hidden_helper", 1);
    expect_fixture_symbol(g_pe.entry_rva, "mainCRTStartup", 0);
}

static void test_fixture_hello_stripped(void **state)
{
    (void)state;
    load_fixture("hello_stripped.exe");
    assert_int_equal(g_pe.num_symbols, 0);
    uint32_t rva;
    assert_int_equal(pe_find_export_by_name(g_image, g_pe.size_of_image, &g_pe, "hello_marker",
                                            0, &rva), 0);
    expect_fixture_symbol(rva + 5, "hello_marker", 5); /* from the export table */
}

static void test_fixture_freestanding(void **state)
{
    (void)state;
    load_fixture("free.exe");
    assert_true(g_pe.dll_characteristics & PE_DLLCHAR_DYNAMIC_BASE);
    assert_true(pe_relocatable(&g_pe));
    assert_int_equal(g_pe.dirs[PE_DIR_TLS].size, 0);
    expect_fixture_symbol(g_pe.entry_rva, "entry", 0);

    size_t self = scan_image(is_self_pointer);
    const struct pe_section *data = pe_section_at(&g_pe, (uint32_t)self);
    assert_non_null(data);
    assert_int_equal(data->prot, PE_PROT_R | PE_PROT_W);
    const uint64_t nb = 0x7ff6a0000000ull;
    assert_int_equal(pe_apply_relocations(g_image, g_pe.size_of_image, &g_pe, nb, g_err,
                                          sizeof(g_err)), 0);
    assert_int_equal(le64_get(g_image + self), nb + self);

    /* No imports at all: nothing to load, nothing to resolve. */
    int mask = 0;
    assert_int_equal(pe_import_dll_names(g_image, g_pe.size_of_image, &g_pe, count_dll, &mask),
                     0);
    assert_int_equal(mask, 0);
}

static void test_fixture_dll(void **state)
{
    (void)state;
    load_fixture("testlib.dll");
    assert_true(pe_is_dll(&g_pe));
    assert_string_equal(pe_export_dll_name(g_image, g_pe.size_of_image, &g_pe), "testlib.dll");
    const struct pe_section *text = find_section(".text");
    assert_non_null(text);

    uint32_t add, mul, sum, counter, secret, fwd;
    assert_int_equal(pe_find_export_by_name(g_image, g_pe.size_of_image, &g_pe, "add", 0, &add),
                     0);
    assert_int_equal(pe_find_export_by_name(g_image, g_pe.size_of_image, &g_pe, "mul", 0, &mul),
                     0);
    assert_int_equal(pe_find_export_by_name(g_image, g_pe.size_of_image, &g_pe, "sum", 0, &sum),
                     0);
    assert_int_equal(pe_find_export_by_name(g_image, g_pe.size_of_image, &g_pe, "counter", 0,
                                            &counter), 0);
    assert_ptr_equal(pe_section_at(&g_pe, add), text);
    assert_ptr_equal(pe_section_at(&g_pe, mul), text);
    assert_int_equal(sum, add);
    assert_int_equal(le32_get(g_image + counter), 7); /* the data export's initial value */
    assert_int_equal(pe_find_export_by_name(g_image, g_pe.size_of_image, &g_pe, "secret", 0,
                                            &secret), K_ENOENT); /* NONAME */
    assert_int_equal(pe_find_export_by_ordinal(g_image, g_pe.size_of_image, &g_pe, 42, &secret),
                     0);
    assert_ptr_equal(pe_section_at(&g_pe, secret), text);
    expect_fixture_symbol(secret, "secret", 0);
    expect_fixture_symbol(mul + 2, "mul", 2);
    assert_int_equal(pe_find_export_by_name(g_image, g_pe.size_of_image, &g_pe, "fwd_sleep", 0,
                                            &fwd), K_ENOSYS);
    assert_string_equal(pe_image_string(g_image, g_pe.size_of_image, fwd), "KERNEL32.Sleep");
    assert_int_equal(pe_find_export_by_name(g_image, g_pe.size_of_image, &g_pe, "nosuch", 0,
                                            &fwd), K_ENOENT);
    assert_int_equal(pe_find_export_by_ordinal(g_image, g_pe.size_of_image, &g_pe, 43, &fwd),
                     K_ENOENT);

    /* Load it elsewhere: TLS addresses follow the relocations. */
    const uint64_t nb = 0x7ff800000000ull;
    struct pe_tls tls;
    assert_int_equal(pe_tls_info(g_image, g_pe.size_of_image, &g_pe, g_pe.image_base, &tls), 0);
    uint64_t index_rva = tls.index_addr - g_pe.image_base;
    assert_int_equal(pe_apply_relocations(g_image, g_pe.size_of_image, &g_pe, nb, g_err,
                                          sizeof(g_err)), 0);
    assert_int_equal(pe_tls_info(g_image, g_pe.size_of_image, &g_pe, nb, &tls), 0);
    assert_int_equal(tls.index_addr, nb + index_rva);
    assert_true(tls.raw_start <= tls.raw_end);
}

static void test_fixtures_survive_truncation(void **state)
{
    (void)state;
    /* Every prefix of a real program either parses or is rejected with a reason. */
    load_fixture("free.exe");
    for (size_t len = 0; len <= fx.size; len += 7) {
        uint8_t *copy = malloc(len > 0 ? len : 1);
        assert_non_null(copy);
        memcpy(copy, fx.data, len);
        struct pe_image pe;
        if (pe_parse(copy, len, &pe, g_err, sizeof(g_err)) == 0)
            exercise(copy, len, &pe);
        else
            assert_true(g_err[0] != '\0');
        free(copy);
    }
}

/* ---- Loader verdicts as Windows gives them (issue #16, #18) ---------------------------- */

static void test_import_walk_ends_as_windows_ends_it(void **state)
{
    (void)state;
    struct import_log log = { .fail_at = -1 };
    uint8_t *img;

    /* The directory's size says one descriptor (or 0, or past the image): ignored. */
    const uint32_t sizes[] = { 0x14, 0, 0xfffffff0 };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        build();
        dir(PE_DIR_IMPORT, R, sizes[i]);
        expect_ok();
        map();
        log = (struct import_log){ .fail_at = -1 };
        assert_int_equal(resolve_all(&log), 0);
        assert_int_equal(log.calls, 3);
        assert_string_equal(log.seen[2], "user.dll!Foo");
    }
    /* A descriptor without a name or without an address table ends the walk. */
    build();
    expect_ok();
    img = map();
    memset(img + R + 20 + 12, 0, 4);
    log = (struct import_log){ .fail_at = -1 };
    assert_int_equal(resolve_all(&log), 0);
    assert_int_equal(log.calls, 2);
    img = map();
    memset(img + R + 20 + 16, 0, 4);
    log = (struct import_log){ .fail_at = -1 };
    assert_int_equal(resolve_all(&log), 0);
    assert_int_equal(log.calls, 2);
    /* An ordinal thunk's reserved bits are ignored: ordinal 12 still. */
    img = map();
    put64(img + R + 0x48, 0x8000000100000000ull | 12);
    log = (struct import_log){ .fail_at = -1 };
    assert_int_equal(resolve_all(&log), 0);
    assert_string_equal(log.seen[1], "KERNEL32.dll!#12");
}

static void test_32bit_message_comes_first(void **state)
{
    (void)state;
    build();
    w16(FH, 0x14c); /* a real PE32 file says i386 too */
    w16(OPT, 0x10b);
    expect_reject("32-bit images are not supported");
    assert_string_equal(g_err, "32-bit images are not supported");
}

/*
 * The "tiny PE" trick: e_lfanew 4, so the PE header overlaps the DOS header and
 * e_lfanew doubles as SectionAlignment (4 = FileAlignment): a flat image, no sections,
 * code in the headers. 0x100 bytes.
 */
static size_t build_tiny(void)
{
    memset(buf, 0, sizeof(buf));
    buf[0] = 'M';
    buf[1] = 'Z';
    memcpy(buf + 4, "PE\0\0", 4);
    w16(8, 0x8664);
    w16(8 + 16, 112);   /* no data directories */
    w16(8 + 18, 0x0022);
    w16(28, 0x20b);
    w32(28 + 16, 0xf0); /* entry: in the headers */
    w64(28 + 24, 0x400000);
    w32(28 + 32, 4);    /* SectionAlignment, and e_lfanew at 0x3c */
    w32(28 + 36, 4);
    w32(28 + 56, 0x100);
    w32(28 + 60, 0x100);
    w16(28 + 68, PE_SUBSYSTEM_CUI);
    buf[0xf0] = 0xc3;   /* ret */
    assert_int_equal(le32_get(buf + 0x3c), 4);
    buf_len = 0x100;
    return buf_len;
}

static void test_tiny_pe(void **state)
{
    (void)state;
    build_tiny();
    expect_ok();
    assert_true(g_pe.flat);
    assert_int_equal(g_pe.num_sections, 0);
    assert_int_equal(g_pe.size_of_image, 0x1000);
    assert_int_equal(g_pe.entry_rva, 0xf0);
    assert_int_equal(map()[0xf0], 0xc3);
    /* Only 4-byte alignment is required of e_lfanew. */
    build_tiny();
    w32(0x3c, 6);
    expect_reject("PE header offset 0x6 is not 4-byte aligned");
    /* The entry point must still lie inside the image. */
    build_tiny();
    w32(28 + 16, 0x1000);
    expect_reject("entry point 0x1000 is not inside an executable section");
}

static void test_many_sections(void **state)
{
    (void)state;
    /* 65,535 sections, as Windows accepts: one page of uninitialised data each. */
    const uint32_t n = 65535, shdr = SHDR, soh = 0x200;
    size_t len = shdr + 40 * (size_t)n;
    uint8_t *f = calloc(1, len);
    struct pe_section *room = calloc(n, sizeof(*room));
    struct pe_image *pe = calloc(1, sizeof(*pe));
    assert_non_null(f);
    assert_non_null(room);
    assert_non_null(pe);
    build();
    memcpy(f, buf, SHDR);
    le16_put(f, FH + 2, (uint16_t)n);
    le32_put(f, FH + 8, 0); /* no symbols */
    le32_put(f, OPT + 56, 0x1000 + n * 0x1000);
    le32_put(f, OPT + 60, soh);
    memset(f + DIRS, 0, 16 * 8);
    for (uint32_t i = 0; i < n; i++) {
        size_t h = shdr + 40 * (size_t)i;
        le32_put(f, h + 8, 0x1000);
        le32_put(f, h + 12, 0x1000 + i * 0x1000);
        le32_put(f, h + 36, i == 0 ? 0x60000020 : 0xc0000080);
    }
    assert_int_equal(pe_section_count(f, len), n);
    assert_int_equal(pe_parse(f, len, pe, g_err, sizeof(g_err)), K_ENOSPC);
    assert_int_equal(pe_parse_into(f, len, pe, room, n - 1, g_err, sizeof(g_err)), K_ENOSPC);
    if (pe_parse_into(f, len, pe, room, n, g_err, sizeof(g_err)) != 0)
        fail_msg("rejected: %s", g_err);
    assert_int_equal(pe->num_sections, n);
    assert_ptr_equal(pe->sections, room);
    assert_ptr_equal(pe_section_at(pe, 0x1000 + 40000 * 0x1000 + 5), &room[40000]);
    assert_null(pe_section_at(pe, 0x1000 + n * 0x1000));
    free(pe);
    free(room);
    free(f);
}

#define T_(fn) cmocka_unit_test_teardown(fn, cleanup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T_(test_valid_image),
        T_(test_copy_image),
        T_(test_section_prot),
        T_(test_null_arguments),
        T_(test_dos_header),
        T_(test_file_header),
        T_(test_optional_header),
        T_(test_fewer_data_directories),
        T_(test_alignment),
        T_(test_small_section_alignment),
        T_(test_image_base),
        T_(test_image_size),
        T_(test_headers_size),
        T_(test_reserves_and_subsystem),
        T_(test_section_names),
        T_(test_section_placement),
        T_(test_section_raw_data),
        T_(test_writable_and_executable),
        T_(test_data_directories),
        T_(test_certificate_table_is_never_read),
        T_(test_directories_below_their_count),
        T_(test_small_optional_header),
        T_(test_import_walk_ends_as_windows_ends_it),
        T_(test_32bit_message_comes_first),
        T_(test_tiny_pe),
        T_(test_many_sections),
        T_(test_entry_point),
        T_(test_symbol_table_is_optional),
        T_(test_relocate),
        T_(test_relocate_same_base),
        T_(test_relocations_stripped),
        T_(test_relocation_blocks),
        T_(test_relocation_targets),
        T_(test_imports),
        T_(test_imports_without_lookup_table),
        T_(test_missing_imports),
        T_(test_import_corruption),
        T_(test_import_dll_names),
        T_(test_exports),
        T_(test_export_corruption),
        T_(test_image_helpers),
        T_(test_tls),
        T_(test_tls_corruption),
        T_(test_symbolize),
        T_(test_symbolize_with_exports),
        T_(test_every_truncation),
        T_(test_random_corruption),
        T_(test_fixture_hello),
        T_(test_fixture_hello_stripped),
        T_(test_fixture_freestanding),
        T_(test_fixture_dll),
        T_(test_fixtures_survive_truncation),
    };

    return cmocka_run_group_tests_name("pe", tests, NULL, NULL);
}
