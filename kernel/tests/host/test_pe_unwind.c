/*
 * Host unit tests for loader/pe_unwind.c (cmocka). A synthetic PE32+ image carries
 * hand-written .pdata/.xdata for each kind of prolog; the stack is a host array that the
 * read callback maps at a fake user address, and every step is checked register by
 * register. Then mingw-built call chains are unwound from stacks the test builds by
 * playing their prologs, and malformed tables must fail cleanly (ASan watches the reads).
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

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

static const char *const reg_name[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
};

/* The value register `reg` holds in frame `frame` (0 = the caller of the function under
 * test); distinct for every pair, so a register restored from the wrong slot shows. */
#define MARK(frame, reg) (0xa5a5000000000000ull | (uint64_t)(frame) << 8 | (uint64_t)(reg))

/* ---- The simulated stack --------------------------------------------------------------- */

#define STACK_BASE  0x00007ff000000000ull /* user address of stack[0] */
#define STACK_BYTES 0x20000u
#define MAX_READS   100000u /* per step: more means the unwinder is looping */

static uint64_t stack[STACK_BYTES / 8];
static unsigned reads;

static int stack_read(void *ctx, uint64_t addr, uint64_t *value)
{
    (void)ctx;
    if (++reads > MAX_READS)
        fail_msg("the unwinder keeps reading the stack (a loop?)");
    if (addr < STACK_BASE || addr - STACK_BASE > STACK_BYTES - 8 || addr % 8 != 0)
        return -1;
    *value = stack[(addr - STACK_BASE) / 8];
    return 0;
}

static void poke(uint64_t addr, uint64_t v)
{
    assert_true(addr >= STACK_BASE && addr - STACK_BASE <= STACK_BYTES - 8 && addr % 8 == 0);
    stack[(addr - STACK_BASE) / 8] = v;
}

static void regs_init(struct pe_unwind_regs *r, unsigned frame)
{
    r->rip = 0;
    for (int i = 0; i < 16; i++)
        r->gpr[i] = MARK(frame, i);
}

static void expect_regs(const struct pe_unwind_regs *got, const struct pe_unwind_regs *want)
{
    if (got->rip != want->rip)
        fail_msg("rip 0x%llx, expected 0x%llx", (unsigned long long)got->rip,
                 (unsigned long long)want->rip);
    for (int i = 0; i < 16; i++)
        if (got->gpr[i] != want->gpr[i])
            fail_msg("%s 0x%llx, expected 0x%llx", reg_name[i],
                     (unsigned long long)got->gpr[i], (unsigned long long)want->gpr[i]);
}

/* The image the steps run against. */
static uint8_t *g_file;
static size_t g_size;
static uint8_t *g_image;
static struct pe_image g_pe;
static char g_err[256];

static int step(struct pe_unwind_regs *r)
{
    reads = 0;
    return pe_unwind_step(g_file, g_size, &g_pe, g_pe.image_base, r, stack_read, NULL);
}

/* A step that must fail with `rc` and leave the registers as they were. */
static void expect_step_error(struct pe_unwind_regs *r, int rc)
{
    struct pe_unwind_regs before = *r;
    assert_int_equal(step(r), rc);
    expect_regs(r, &before);
}

static int cleanup(void **state)
{
    (void)state;
    free(g_file);
    free(g_image);
    g_file = g_image = NULL;
    memset(stack, 0, sizeof(stack));
    return 0;
}

/* ---- The synthetic image --------------------------------------------------------------- */

#define BASE   0x140000000ull
#define LFANEW 0x40
#define FH     (LFANEW + 4)
#define OPT    (FH + 20)
#define DIRS   (OPT + 112)
#define SHDR   (OPT + 240)

/* section    RVA     vsize   file offset  raw size
 * .text      0x1000  0x200   0x200        0x200     code bytes are never looked at
 * .pdata     0x2000  0x1000  0x400        0x200     RUNTIME_FUNCTIONs
 * .xdata     0x3000  0x1000  0x600        0x400     UNWIND_INFOs; 0x3400.. is zero fill */
#define TEXT       0x1000u
#define PDATA      0x2000u
#define XDATA      0x3000u
#define XDATA_RAW  0x400u
#define SOI        0x4000u
#define FILE_SIZE  0xa00u

#define CHAIN                UNW_FLAG_CHAININFO

#define OP(op, info) (uint8_t)(UWOP_##op | (info) << 4)
#define HDR(flags, prolog, count, freg, foff) \
    (uint8_t)(1 | (flags) << 3), (prolog), (count), (uint8_t)((freg) | (foff) << 4)
#define U16(v) (uint8_t)((v) & 0xff), (uint8_t)(((v) >> 8) & 0xff)
#define U32(v) U16((v) & 0xffff), U16((uint32_t)(v) >> 16)
#define BYTES(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

/* Functions of the synthetic .text (RVA ranges; 0x1180.. has no entry: leaf code). */
#define F_FRAME    0x1000u /* push rbp; mov rbp,rsp; sub rsp,0x20 */
#define F_PUSHES   0x1020u /* push rbx; push rsi; sub rsp,0x28 */
#define F_LARGE16  0x1040u /* sub rsp,0x1000 (ALLOC_LARGE, u16 slots of 8) */
#define F_LARGE32  0x1060u /* sub rsp,0x10010 (ALLOC_LARGE, u32 bytes) */
#define F_SAVE     0x1080u /* mov [rsp+8],rbx; push rdi; sub rsp,0x20; mov [rsp+0x38],rsi */
#define F_FPSAVE   0x10a0u /* push rbp; sub rsp,0x110; lea rbp,[rsp+0x30]; mov [rbp+0xf0],rbx;
                              mov [rbp+0xf8],rsi */
#define F_CHAIN    0x10e0u /* push r12, chained to F_PUSHES */
#define F_CHAIN2   0x1100u /* no codes, chained to F_CHAIN (a cold part) */
#define F_MACH_ERR 0x1120u /* interrupt frame with error code; push rbp */
#define F_MACH     0x1140u /* interrupt frame without error code */
#define F_TEST     0x1160u /* unwind info replaced by the malformed-data tests */
#define F_LEAF     0x1180u

static uint8_t buf[FILE_SIZE];
/* Little-endian writes into the file being built. */
#define w16(off, v) le16_put(buf, (off), (v))
#define w32(off, v) le32_put(buf, (off), (v))
#define w64(off, v) le64_put(buf, (off), (v))
static uint32_t next_info;   /* next free RVA in .xdata */
static uint32_t nfuncs;
static uint32_t info_of[16]; /* UNWIND_INFO RVA of each RUNTIME_FUNCTION */
static uint32_t test_fn;     /* index of F_TEST's RUNTIME_FUNCTION */
static uint32_t pushes_fn;   /* index of F_PUSHES's */

/* File offset of an RVA in .pdata or .xdata. */
static size_t fo(uint32_t rva)
{
    if (rva >= XDATA && rva < XDATA + XDATA_RAW)
        return 0x600 + (rva - XDATA);
    if (rva >= PDATA && rva < PDATA + 0x200)
        return 0x400 + (rva - PDATA);
    fail_msg("rva 0x%x is not file-backed data", rva);
    return 0;
}

static void section(int i, const char *name, uint32_t vsize, uint32_t rva, uint32_t raw_size,
                    uint32_t raw, uint32_t chars)
{
    size_t h = SHDR + 40 * (size_t)i;
    memcpy(buf + h, name, strlen(name));
    w32(h + 8, vsize);
    w32(h + 12, rva);
    w32(h + 16, raw_size);
    w32(h + 20, raw);
    w32(h + 36, chars);
}

/* Writes UNWIND_INFO bytes at `rva` in .xdata and returns the RVA. */
static uint32_t info_at(uint32_t rva, const uint8_t *bytes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf[fo(rva + (uint32_t)i)] = bytes[i];
    return rva;
}

/* Appends UNWIND_INFO bytes to .xdata (4-byte aligned, as the format requires). */
static uint32_t info(const uint8_t *bytes, size_t n)
{
    uint32_t rva = info_at(next_info, bytes, n);
    next_info = (uint32_t)(next_info + n + 3) & ~3u;
    return rva;
}

/* Appends the RUNTIME_FUNCTION [begin, end) -> info_rva; entries must come sorted. */
static uint32_t runtime_function(uint32_t begin, uint32_t end, uint32_t info_rva)
{
    uint32_t at = PDATA + 12 * nfuncs;
    w32(fo(at), begin);
    w32(fo(at + 4), end);
    w32(fo(at + 8), info_rva);
    info_of[nfuncs] = info_rva;
    w32(DIRS + 8 * PE_DIR_EXCEPTION, PDATA);
    w32(DIRS + 8 * PE_DIR_EXCEPTION + 4, 12 * (nfuncs + 1));
    return nfuncs++;
}

static void build(void)
{
    memset(buf, 0, sizeof(buf));
    next_info = XDATA;
    nfuncs = 0;

    buf[0] = 'M';
    buf[1] = 'Z';
    w32(0x3c, LFANEW);
    memcpy(buf + LFANEW, "PE\0\0", 4);
    w16(FH, 0x8664);
    w16(FH + 2, 3);
    w16(FH + 16, 240);
    w16(FH + 18, 0x0022);
    w16(OPT, 0x20b);
    w32(OPT + 16, TEXT);
    w64(OPT + 24, BASE);
    w32(OPT + 32, 0x1000);
    w32(OPT + 36, 0x200);
    w32(OPT + 56, SOI);
    pe_put_optional_defaults(buf, OPT);
    section(0, ".text", 0x200, TEXT, 0x200, 0x200, 0x60000020);
    section(1, ".pdata", 0x1000, PDATA, 0x200, 0x400, 0x40000040);
    section(2, ".xdata", 0x1000, XDATA, XDATA_RAW, 0x600, 0x40000040);
    memset(buf + 0x200, 0xcc, 0x200);

    runtime_function(F_FRAME, F_FRAME + 0x20,
                     info(BYTES(HDR(0, 8, 3, RBP, 0), 8, OP(ALLOC_SMALL, 3), 4, OP(SET_FPREG, 0),
                                1, OP(PUSH_NONVOL, RBP), 0, 0)));
    pushes_fn = runtime_function(
        F_PUSHES, F_PUSHES + 0x20,
        info(BYTES(HDR(0, 6, 3, 0, 0), 6, OP(ALLOC_SMALL, 4), 2, OP(PUSH_NONVOL, RSI), 1,
                   OP(PUSH_NONVOL, RBX), 0, 0)));
    runtime_function(F_LARGE16, F_LARGE16 + 0x20,
                     info(BYTES(HDR(0, 7, 2, 0, 0), 7, OP(ALLOC_LARGE, 0), U16(0x1000 / 8))));
    runtime_function(F_LARGE32, F_LARGE32 + 0x20,
                     info(BYTES(HDR(0, 7, 3, 0, 0), 7, OP(ALLOC_LARGE, 1), U32(0x10010), 0, 0)));
    /* Offsets count from the bottom of the fixed allocation (RSP at the end of the prolog,
     * E - 0x28): rbx's home slot E + 8 is 0x30 (6 slots), rsi's E + 0x10 is 0x38. */
    runtime_function(F_SAVE, F_SAVE + 0x20,
                     info(BYTES(HDR(0, 15, 7, 0, 0), 15, OP(SAVE_NONVOL_FAR, RSI), U32(0x38), 10,
                                OP(ALLOC_SMALL, 3), 6, OP(PUSH_NONVOL, RDI), 5,
                                OP(SAVE_NONVOL, RBX), U16(6), 0, 0)));
    /* With a frame register they count from rbp - 0x30, wherever RSP is. */
    runtime_function(F_FPSAVE, F_FPSAVE + 0x40,
                     info(BYTES(HDR(0, 27, 8, RBP, 3), 27, OP(SAVE_NONVOL, RSI), U16(0x25), 20,
                                OP(SAVE_NONVOL, RBX), U16(0x24), 13, OP(SET_FPREG, 0), 8,
                                OP(ALLOC_LARGE, 0), U16(0x22), 1, OP(PUSH_NONVOL, RBP))));
    uint32_t chain = runtime_function(
        F_CHAIN, F_CHAIN + 0x20,
        info(BYTES(HDR(CHAIN, 2, 1, 0, 0), 2, OP(PUSH_NONVOL, R12), 0, 0, U32(F_PUSHES),
                   U32(F_PUSHES + 0x20), U32(info_of[pushes_fn]))));
    runtime_function(F_CHAIN2, F_CHAIN2 + 0x20,
                     info(BYTES(HDR(CHAIN, 0, 0, 0, 0), U32(F_CHAIN), U32(F_CHAIN + 0x20),
                                U32(info_of[chain]))));
    runtime_function(F_MACH_ERR, F_MACH_ERR + 0x20,
                     info(BYTES(HDR(0, 1, 2, 0, 0), 1, OP(PUSH_NONVOL, RBP), 0,
                                OP(PUSH_MACHFRAME, 1))));
    runtime_function(F_MACH, F_MACH + 0x20,
                     info(BYTES(HDR(0, 0, 1, 0, 0), 0, OP(PUSH_MACHFRAME, 0), 0, 0)));
    test_fn = runtime_function(F_TEST, F_TEST + 0x20, info(BYTES(HDR(0, 0, 0, 0, 0))));
}

/* Parses buf into an exact-size malloc'd copy (so ASan sees reads past its end). */
static void load(void)
{
    free(g_file);
    g_size = FILE_SIZE;
    g_file = malloc(g_size);
    assert_non_null(g_file);
    memcpy(g_file, buf, g_size);
    if (pe_parse(g_file, g_size, &g_pe, g_err, sizeof(g_err)) != 0)
        fail_msg("synthetic image rejected: %s", g_err);
}

#define E   (STACK_BASE + 0x18000) /* RSP on entry to the function under test */
#define RET 0x00007ff7c0de0000ull  /* the return address at E */

/* Registers of frame 1 at `rva`, with rsp given, and the stack's return address. */
static void at(struct pe_unwind_regs *r, uint32_t rva, uint64_t rsp)
{
    regs_init(r, 1);
    r->rip = BASE + rva;
    r->gpr[RSP] = rsp;
    poke(E, RET);
}

/* What a step from frame 1 must give: the caller at RET, RSP past it, `n` registers
 * restored to the caller's marks (given as a list), the others untouched. */
static void expect_caller(const struct pe_unwind_regs *r, int n, ...)
{
    struct pe_unwind_regs want;
    va_list ap;
    regs_init(&want, 1);
    want.rip = RET;
    want.gpr[RSP] = E + 8;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        int reg = va_arg(ap, int);
        want.gpr[reg] = MARK(0, reg);
    }
    va_end(ap);
    expect_regs(r, &want);
}

/* ---- Synthetic prologs ------------------------------------------------------------------ */

static void test_frame_pointer(void **state)
{
    (void)state;
    struct pe_unwind_regs r;
    build();
    load();
    poke(E - 8, MARK(0, RBP));

    /* In the body, after an alloca: RSP is found again through rbp. */
    at(&r, F_FRAME + 0x10, E - 0x28 - 0x40);
    r.gpr[RBP] = E - 8;
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 1, RBP);

    /* (f) Inside the prolog only what has run is undone. Before mov rbp,rsp the frame
     * register still holds the caller's value and must not be used. */
    at(&r, F_FRAME + 0, E);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 0);
    at(&r, F_FRAME + 1, E - 8);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 1, RBP);
    at(&r, F_FRAME + 4, E - 8);
    r.gpr[RBP] = E - 8;
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 1, RBP);
    at(&r, F_FRAME + 8, E - 0x28);
    r.gpr[RBP] = E - 8;
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 1, RBP);
}

static void test_pushes_without_frame_pointer(void **state)
{
    (void)state;
    struct pe_unwind_regs r;
    build();
    load();
    poke(E - 8, MARK(0, RBX));
    poke(E - 16, MARK(0, RSI));

    at(&r, F_PUSHES + 0x10, E - 0x38);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 2, RBX, RSI);

    at(&r, F_PUSHES + 0, E);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 0);
    at(&r, F_PUSHES + 1, E - 8);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 1, RBX);
    at(&r, F_PUSHES + 2, E - 16);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 2, RBX, RSI);
    at(&r, F_PUSHES + 4, E - 16); /* inside sub rsp: not done yet */
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 2, RBX, RSI);
    at(&r, F_PUSHES + 6, E - 0x38);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 2, RBX, RSI);
}

static void test_alloc_large(void **state)
{
    (void)state;
    struct pe_unwind_regs r;
    build();
    load();

    at(&r, F_LARGE16 + 0x10, E - 0x1000);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 0);
    at(&r, F_LARGE16 + 6, E);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 0);

    at(&r, F_LARGE32 + 0x10, E - 0x10010);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 0);
    at(&r, F_LARGE32 + 0, E);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 0);
}

static void test_save_nonvol(void **state)
{
    (void)state;
    struct pe_unwind_regs r;
    build();
    load();
    poke(E + 8, MARK(0, RBX));
    poke(E + 16, MARK(0, RSI));
    poke(E - 8, MARK(0, RDI));

    /* The body: rbx was saved before the push and the allocation, rsi after. */
    at(&r, F_SAVE + 0x10, E - 0x28);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 3, RBX, RSI, RDI);

    /* (f) The saves count from where RSP will be once the prolog is done. */
    at(&r, F_SAVE + 0, E);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 0);
    at(&r, F_SAVE + 5, E);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 1, RBX);
    at(&r, F_SAVE + 6, E - 8);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 2, RBX, RDI);
    at(&r, F_SAVE + 10, E - 0x28);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 2, RBX, RDI);
}

static void test_save_nonvol_with_frame_register(void **state)
{
    (void)state;
    struct pe_unwind_regs r;
    const uint64_t frame = E - 0x118; /* RSP after sub rsp,0x110 */
    build();
    load();
    poke(E - 8, MARK(0, RBP));
    poke(frame + 0x120, MARK(0, RBX));
    poke(frame + 0x128, MARK(0, RSI));

    /* The body after an alloca: RSP is 0x40 below the frame. */
    at(&r, F_FPSAVE + 0x30, frame - 0x40);
    r.gpr[RBP] = frame + 0x30;
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 3, RBP, RBX, RSI);

    at(&r, F_FPSAVE + 1, E - 8);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 1, RBP);
    at(&r, F_FPSAVE + 8, frame); /* rbp not set yet: still the caller's */
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 1, RBP);
    at(&r, F_FPSAVE + 13, frame);
    r.gpr[RBP] = frame + 0x30;
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 1, RBP);
    at(&r, F_FPSAVE + 20, frame);
    r.gpr[RBP] = frame + 0x30;
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 2, RBP, RBX);
}

static void test_chained_info(void **state)
{
    (void)state;
    struct pe_unwind_regs r;
    build();
    load();
    poke(E - 8, MARK(0, RBX));
    poke(E - 16, MARK(0, RSI));
    poke(E - 0x40, MARK(0, R12));

    /* Past the fragment's own push, then all of F_PUSHES's prolog. */
    at(&r, F_CHAIN + 8, E - 0x40);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 3, RBX, RSI, R12);
    /* At the fragment's start the parent's prolog is still undone in full. */
    at(&r, F_CHAIN + 0, E - 0x38);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 2, RBX, RSI);
    /* Two links: the cold part -> the fragment -> F_PUSHES. */
    at(&r, F_CHAIN2 + 4, E - 0x40);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 3, RBX, RSI, R12);
}

static void test_machine_frame(void **state)
{
    (void)state;
    struct pe_unwind_regs r, want;
    const uint64_t s = STACK_BASE + 0x1c000; /* error code, then RIP CS RFLAGS RSP SS */
    build();
    load();
    poke(s, 0xe);
    poke(s + 8, 0x401234);
    poke(s + 16, 0x33);
    poke(s + 24, 0x202);
    poke(s + 32, STACK_BASE + 0x7000);
    poke(s + 40, 0x2b);
    poke(s - 8, MARK(0, RBP));

    at(&r, F_MACH_ERR + 4, s - 8);
    assert_int_equal(step(&r), 0);
    regs_init(&want, 1);
    want.rip = 0x401234;
    want.gpr[RSP] = STACK_BASE + 0x7000;
    want.gpr[RBP] = MARK(0, RBP);
    expect_regs(&r, &want);

    at(&r, F_MACH + 4, s + 8);
    assert_int_equal(step(&r), 0);
    want.gpr[RBP] = MARK(1, RBP);
    expect_regs(&r, &want);
}

static void test_leaf_and_outside(void **state)
{
    (void)state;
    struct pe_unwind_regs r;
    build();
    load();

    /* (g) No RUNTIME_FUNCTION: the return address is at RSP. */
    at(&r, F_LEAF + 3, E);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 0);

    at(&r, 0, E);
    r.rip = BASE - 1;
    expect_step_error(&r, K_EINVAL);
    r.rip = BASE + SOI;
    expect_step_error(&r, K_EINVAL);
    r.rip = 0;
    expect_step_error(&r, K_EINVAL);
    assert_int_equal(pe_unwind_step(NULL, g_size, &g_pe, BASE, &r, stack_read, NULL), K_EINVAL);
    assert_int_equal(pe_unwind_step(g_file, g_size, &g_pe, BASE, &r, NULL, NULL), K_EINVAL);

    /* The stack cannot be read: at a leaf's return address, at a pushed register, or at
     * the return address once the prolog has been undone. */
    at(&r, F_LEAF, STACK_BASE + STACK_BYTES);
    expect_step_error(&r, K_EFAULT);
    at(&r, F_PUSHES + 0x10, STACK_BASE + STACK_BYTES - 0x30);
    expect_step_error(&r, K_EFAULT);
    at(&r, F_PUSHES + 0x10, STACK_BASE + STACK_BYTES - 0x38);
    expect_step_error(&r, K_EFAULT);
}

/* ---- Malformed unwind data --------------------------------------------------------------- */

/* Points F_TEST at `bytes` placed at `rva` (clipped to the file-backed part of .xdata) and
 * expects a step from its body to fail with `rc`, registers unchanged. */
static void expect_info_error(uint32_t rva, const uint8_t *bytes, size_t n, int rc)
{
    struct pe_unwind_regs r;
    build();
    for (size_t i = 0; i < n; i++)
        if (rva + i >= XDATA && rva + i < XDATA + XDATA_RAW)
            buf[fo(rva + (uint32_t)i)] = bytes[i];
    w32(fo(PDATA + 12 * test_fn + 8), rva);
    load();
    for (int i = 0; i < 32; i++)
        poke(E - 8 * (uint64_t)i, MARK(0, i));
    at(&r, F_TEST + 0x10, E - 0x80);
    expect_step_error(&r, rc);
}

#define INFO_ERROR(rva, rc, ...) expect_info_error(rva, BYTES(__VA_ARGS__), rc)

static void test_truncated_xdata(void **state)
{
    (void)state;
    const uint32_t end = XDATA + XDATA_RAW;
    /* The header runs past the file-backed data; lies in the zero fill; is not in a
     * section at all. */
    INFO_ERROR(end - 2, K_ENOEXEC, HDR(0, 0, 0, 0, 0));
    INFO_ERROR(end + 0x100, K_ENOEXEC, 0);
    INFO_ERROR(0x40, K_ENOEXEC, 0);
    INFO_ERROR(SOI + 0x100, K_ENOEXEC, 0);
    INFO_ERROR(0xfffffffeu, K_ENOEXEC, 0);
    /* CountOfCodes runs past the section. */
    INFO_ERROR(end - 8, K_ENOEXEC, HDR(0, 0, 3, 0, 0), 0, OP(PUSH_NONVOL, RBX), 0,
               OP(PUSH_NONVOL, RSI));
    INFO_ERROR(end - 0x100, K_ENOEXEC, HDR(0, 0, 255, 0, 0));
    /* The chained RUNTIME_FUNCTION runs past it. */
    INFO_ERROR(end - 12, K_ENOEXEC, HDR(CHAIN, 0, 0, 0, 0), U32(F_PUSHES), U32(F_PUSHES + 0x20));

    /* Whereas infos that end exactly at the end of the data are whole. */
    struct pe_unwind_regs r;
    build();
    info_at(end - 4, BYTES(HDR(0, 0, 0, 0, 0)));
    w32(fo(PDATA + 12 * test_fn + 8), end - 4);
    load();
    at(&r, F_TEST + 0x10, E);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 0);
    build();
    info_at(end - 8, BYTES(HDR(0, 0, 2, 0, 0), 0, OP(PUSH_NONVOL, RSI), 0, OP(PUSH_NONVOL, RBX)));
    w32(fo(PDATA + 12 * test_fn + 8), end - 8);
    load();
    poke(E - 16, MARK(0, RSI));
    poke(E - 8, MARK(0, RBX));
    at(&r, F_TEST + 0x10, E - 16);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 2, RBX, RSI);
    build();
    info_at(end - 16, BYTES(HDR(CHAIN, 0, 0, 0, 0), U32(F_PUSHES), U32(F_PUSHES + 0x20),
                            U32(info_of[pushes_fn])));
    w32(fo(PDATA + 12 * test_fn + 8), end - 16);
    load();
    at(&r, F_TEST + 0x10, E - 0x38);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 2, RBX, RSI);
}

static void test_unknown_codes(void **state)
{
    (void)state;
    static const uint8_t bad_ops[] = { 6, 7, 11, 12, 13, 14, 15 };
    for (size_t i = 0; i < sizeof(bad_ops); i++)
        INFO_ERROR(XDATA + 0x200, K_ENOEXEC, HDR(0, 0, 2, 0, 0), 0, OP(PUSH_NONVOL, RBX), 0,
                   bad_ops[i]);
    static const uint8_t bad_versions[] = { 0, 3, 4, 7 };
    for (size_t i = 0; i < sizeof(bad_versions); i++)
        INFO_ERROR(XDATA + 0x200, K_ENOEXEC, bad_versions[i], 0, 0, 0);
    for (unsigned info = 2; info < 16; info++) {
        INFO_ERROR(XDATA + 0x200, K_ENOEXEC, HDR(0, 0, 4, 0, 0), 0, OP(ALLOC_LARGE, info),
                   U32(0x10), 0, 0);
        INFO_ERROR(XDATA + 0x200, K_ENOEXEC, HDR(0, 0, 1, 0, 0), 0, OP(PUSH_MACHFRAME, info));
    }
    /* SET_FPREG without a frame register; an interrupt frame that is not pushed first. */
    INFO_ERROR(XDATA + 0x200, K_ENOEXEC, HDR(0, 0, 1, 0, 0), 0, OP(SET_FPREG, 0));
    INFO_ERROR(XDATA + 0x200, K_ENOEXEC, HDR(0, 0, 2, 0, 0), 0, OP(PUSH_MACHFRAME, 0), 0,
               OP(PUSH_NONVOL, RBX));

    /* Version 2 (which adds epilog codes) is otherwise read like 1. */
    struct pe_unwind_regs r;
    build();
    info_at(XDATA + 0x200, BYTES(2, 0, 1, 0, 0, OP(PUSH_NONVOL, RBX)));
    w32(fo(PDATA + 12 * test_fn + 8), XDATA + 0x200);
    load();
    poke(E - 8, MARK(0, RBX));
    at(&r, F_TEST + 0x10, E - 8);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 1, RBX);
}

static void test_operands_past_count(void **state)
{
    (void)state;
    /* A code whose operand slots lie beyond CountOfCodes (the bytes are there). */
    INFO_ERROR(XDATA + 0x200, K_ENOEXEC, HDR(0, 0, 1, 0, 0), 0, OP(ALLOC_LARGE, 0), U16(4));
    INFO_ERROR(XDATA + 0x200, K_ENOEXEC, HDR(0, 0, 2, 0, 0), 0, OP(ALLOC_LARGE, 1), U32(4));
    INFO_ERROR(XDATA + 0x200, K_ENOEXEC, HDR(0, 0, 1, 0, 0), 0, OP(SAVE_NONVOL, RBX), U16(4));
    INFO_ERROR(XDATA + 0x200, K_ENOEXEC, HDR(0, 0, 2, 0, 0), 0, OP(SAVE_NONVOL_FAR, RBX),
               U32(4));
    INFO_ERROR(XDATA + 0x200, K_ENOEXEC, HDR(0, 0, 1, 0, 0), 0, OP(SAVE_XMM128, 6), U16(4));
    INFO_ERROR(XDATA + 0x200, K_ENOEXEC, HDR(0, 0, 2, 0, 0), 0, OP(SAVE_XMM128_FAR, 6), U32(4));

    /* 255 codes ending in a 3-slot one: a byte-sized index would wrap past 255 and
     * start over (the read limit turns that loop into a failure). */
    uint8_t big[4 + 2 * 256];
    memset(big, 0, sizeof(big));
    big[0] = 1;
    big[2] = 255;
    for (int i = 0; i < 254; i++)
        big[5 + 2 * i] = OP(PUSH_NONVOL, RBX);
    big[5 + 2 * 254] = OP(SAVE_XMM128_FAR, 6);
    expect_info_error(XDATA, big, sizeof(big), K_ENOEXEC);
}

static void test_chain_loops(void **state)
{
    (void)state;
    const uint32_t self = XDATA + 0x200, other = XDATA + 0x280;
    /* An info chaining to itself, and two chaining to each other (each link reads the
     * stack, so a missing loop check ends at the read limit instead of hanging). */
    INFO_ERROR(self, K_ENOEXEC, HDR(CHAIN, 0, 1, 0, 0), 0, OP(PUSH_NONVOL, RBX), 0, 0,
               U32(F_TEST), U32(F_TEST + 0x20), U32(self));

    struct pe_unwind_regs r;
    build();
    info_at(other, BYTES(HDR(CHAIN, 0, 1, 0, 0), 0, OP(PUSH_NONVOL, RBX), 0, 0, U32(F_TEST),
                         U32(F_TEST + 0x20), U32(self)));
    info_at(self, BYTES(HDR(CHAIN, 0, 0, 0, 0), U32(F_TEST), U32(F_TEST + 0x20), U32(other)));
    w32(fo(PDATA + 12 * test_fn + 8), self);
    load();
    at(&r, F_TEST + 4, E - 0x80);
    expect_step_error(&r, K_ENOEXEC);

    /* A chain to malformed info fails the whole step. */
    INFO_ERROR(self, K_ENOEXEC, HDR(CHAIN, 0, 0, 0, 0), U32(F_TEST), U32(F_TEST + 0x20),
               U32(XDATA + XDATA_RAW - 2));
}

static void test_exception_directory_not_in_file(void **state)
{
    (void)state;
    struct pe_unwind_regs r;
    /* .pdata has 0x200 bytes in the file but 0x1000 of address space: a directory reaching
     * into the zero fill is refused, not taken for "no entry here, a leaf". */
    build();
    w32(DIRS + 8 * PE_DIR_EXCEPTION + 4, 0x300);
    load();
    at(&r, F_PUSHES + 0x10, E - 0x38);
    expect_step_error(&r, K_ENOEXEC);

    /* A directory of less than one entry holds none. */
    build();
    w32(DIRS + 8 * PE_DIR_EXCEPTION + 4, 11);
    load();
    at(&r, F_PUSHES + 0x10, E);
    assert_int_equal(step(&r), 0);
    expect_caller(&r, 0);
}

/* Random bytes in .pdata and .xdata: whatever the result, no read outside the file (ASan)
 * or a loop, and only the documented error codes. */
static void test_random_tables(void **state)
{
    (void)state;
    static const uint32_t pcs[] = { F_FRAME + 4, F_PUSHES + 0x10, F_LARGE32 + 0x10, F_SAVE + 6,
                                    F_FPSAVE + 0x30, F_CHAIN + 8, F_CHAIN2 + 4, F_MACH_ERR + 4,
                                    F_TEST + 4, F_LEAF };
    uint64_t seed = 0x2545f4914f6cdd1dull;
    for (int i = 0; i < 32; i++)
        poke(E - 8 * (uint64_t)i, E - 8 * (uint64_t)i);
    for (int round = 0; round < 3000; round++) {
        build();
        for (int k = 0; k < 1 + round % 8; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            uint32_t off = (uint32_t)(seed >> 33) % (0x200 + XDATA_RAW);
            buf[0x400 + off] = (uint8_t)(seed >> 13);
        }
        load();
        for (size_t p = 0; p < sizeof(pcs) / sizeof(pcs[0]); p++) {
            struct pe_unwind_regs r;
            at(&r, pcs[p], E - 0x40);
            r.gpr[RBP] = E - 0x20;
            int rc = step(&r);
            if (rc != 0 && rc != K_ENOEXEC && rc != K_EFAULT)
                fail_msg("round %d pc 0x%x: unexpected result %d", round, pcs[p], rc);
        }
    }
}

/* ---- Real mingw-built code ----------------------------------------------------------------
 * The fixtures cannot run here, so the test plays them: it reads each function's prolog
 * from its bytes (only the few instruction forms gcc's x64 prologs are made of, checked
 * against SizeOfProlog so nothing is missed), builds the stack those prologs leave when
 * entry -> unwind_outer -> unwind_middle -> unwind_inner -> unwind_leaf are active, and
 * unwinds it. The expected registers come from this simulation, not from the tables.
 */


enum { P_PUSH, P_ALLOC, P_SET_FP };

struct prolog_step {
    uint32_t end; /* offset of the next instruction */
    int kind;
    unsigned reg;  /* P_PUSH */
    uint32_t n;    /* P_ALLOC bytes, P_SET_FP rbp = rsp + n */
};

struct real_fn {
    const char *name;
    uint32_t rva, end, prolog;
    unsigned nsteps;
    struct prolog_step steps[12];
    uint32_t call; /* offset of its call to the next function in the chain */
};

#define NREAL 5
#define FAKE_RET 0x00007ff7feed0000ull /* where entry returns to: outside the image */

static struct real_fn real[NREAL] = {
    { .name = "entry" }, { .name = "unwind_outer" }, { .name = "unwind_middle" },
    { .name = "unwind_inner" }, { .name = "unwind_leaf" },
};

/* The prolog instructions at the start of `code`: push r64, sub rsp,imm, mov rbp,rsp and
 * lea rbp,[rsp+disp]; the first anything else ends it. */
static unsigned read_prolog(const uint8_t *code, uint32_t avail, struct prolog_step *s,
                            unsigned max)
{
    uint32_t off = 0;
    unsigned n = 0;
    for (; n < max; n++) {
        const uint8_t *p = code + off;
        uint32_t left = avail - off, len;
        struct prolog_step st = { 0 };
        if (left >= 1 && p[0] >= 0x50 && p[0] <= 0x57 && p[0] != 0x54) {
            st = (struct prolog_step){ .kind = P_PUSH, .reg = p[0] - 0x50u };
            len = 1;
        } else if (left >= 2 && p[0] == 0x41 && p[1] >= 0x50 && p[1] <= 0x57) {
            st = (struct prolog_step){ .kind = P_PUSH, .reg = 8u + p[1] - 0x50u };
            len = 2;
        } else if (left >= 4 && p[0] == 0x48 && p[1] == 0x83 && p[2] == 0xec && p[3] < 0x80) {
            st = (struct prolog_step){ .kind = P_ALLOC, .n = p[3] };
            len = 4;
        } else if (left >= 7 && p[0] == 0x48 && p[1] == 0x81 && p[2] == 0xec) {
            st = (struct prolog_step){ .kind = P_ALLOC, .n = le32_get(p + 3) };
            len = 7;
        } else if (left >= 3 && p[0] == 0x48 && p[1] == 0x89 && p[2] == 0xe5) {
            st = (struct prolog_step){ .kind = P_SET_FP, .n = 0 };
            len = 3;
        } else if (left >= 5 && p[0] == 0x48 && p[1] == 0x8d && p[2] == 0x6c && p[3] == 0x24 &&
                   p[4] < 0x80) {
            st = (struct prolog_step){ .kind = P_SET_FP, .n = p[4] };
            len = 5;
        } else if (left >= 8 && p[0] == 0x48 && p[1] == 0x8d && p[2] == 0xac && p[3] == 0x24) {
            st = (struct prolog_step){ .kind = P_SET_FP, .n = le32_get(p + 4) };
            len = 8;
        } else {
            break;
        }
        off += len;
        st.end = off;
        s[n] = st;
    }
    return n;
}

/* Loads a fixture into g_file/g_image and finds the chain's functions, prologs and calls. */
static void load_real(const char *fixture)
{
    pe_fixture_load(fixture, &g_file, &g_size, &g_image, &g_pe);

    const struct pe_dir *exc = &g_pe.dirs[PE_DIR_EXCEPTION];
    for (int i = 0; i < NREAL; i++) {
        struct real_fn *fn = &real[i];
        if (i == 0)
            fn->rva = g_pe.entry_rva;
        else if (pe_find_export_by_name(g_image, g_pe.size_of_image, &g_pe, fn->name, 0,
                                        &fn->rva) != 0)
            fail_msg("%s: no export %s", fixture, fn->name);
        const uint8_t *rf = NULL;
        for (uint32_t e = 0; e + 12 <= exc->size; e += 12)
            if (le32_get(g_image + exc->rva + e) == fn->rva)
                rf = g_image + exc->rva + e;
        if (rf == NULL)
            fail_msg("%s: no RUNTIME_FUNCTION for %s", fixture, fn->name);
        fn->end = le32_get(rf + 4);
        assert_true(le32_get(rf + 8) + 4 <= g_pe.size_of_image);
        fn->prolog = g_image[le32_get(rf + 8) + 1];
        assert_true(fn->end > fn->rva && fn->end <= g_pe.size_of_image);
        fn->nsteps = read_prolog(g_image + fn->rva, fn->end - fn->rva, fn->steps, 12);
        uint32_t len = fn->nsteps ? fn->steps[fn->nsteps - 1].end : 0;
        if (len != fn->prolog)
            fail_msg("%s: %s: read a %u-byte prolog, SizeOfProlog is %u (new instruction "
                     "forms? see read_prolog)", fixture, fn->name, len, fn->prolog);
    }
    /* Each call to the next function: e8 rel32, exactly one. */
    for (int i = 0; i + 1 < NREAL; i++) {
        struct real_fn *fn = &real[i];
        int found = 0;
        for (uint32_t o = fn->prolog; o + 5 <= fn->end - fn->rva; o++) {
            const uint8_t *p = g_image + fn->rva + o;
            if (p[0] == 0xe8 && fn->rva + o + 5 + (int32_t)le32_get(p + 1) == real[i + 1].rva) {
                fn->call = o;
                found++;
            }
        }
        if (found != 1)
            fail_msg("%s: %d calls from %s to %s", fixture, found, fn->name, real[i + 1].name);
    }
}

/* What the chain's frames look like: snap[k] holds frame k's registers at its call (frame
 * 0 is whoever called entry, k = 1..NREAL are real[k - 1]), ret[k] the return address
 * that call pushed. */
static struct pe_unwind_regs snap[NREAL + 1];
static uint64_t ret[NREAL + 1];

static void play_prolog(struct pe_unwind_regs *c, const struct real_fn *fn, unsigned nsteps)
{
    for (unsigned i = 0; i < nsteps; i++) {
        const struct prolog_step *s = &fn->steps[i];
        if (s->kind == P_PUSH) {
            c->gpr[RSP] -= 8;
            poke(c->gpr[RSP], c->gpr[s->reg]);
        } else if (s->kind == P_ALLOC) {
            c->gpr[RSP] -= s->n;
        } else {
            c->gpr[RBP] = c->gpr[RSP] + s->n;
        }
    }
}

/* The body overwrites the registers its prolog saved (but a frame pointer). */
static void play_body(struct pe_unwind_regs *c, const struct real_fn *fn, unsigned frame)
{
    bool fp = false;
    for (unsigned i = 0; i < fn->nsteps; i++)
        fp |= fn->steps[i].kind == P_SET_FP;
    for (unsigned i = 0; i < fn->nsteps; i++)
        if (fn->steps[i].kind == P_PUSH && !(fp && fn->steps[i].reg == RBP))
            c->gpr[fn->steps[i].reg] = MARK(frame, fn->steps[i].reg);
}

/* The registers when frame k (1..NREAL) has run `nsteps` of its prolog, or all of it and
 * its body up to its call when `at_call`. */
static void enter(struct pe_unwind_regs *c, unsigned k, unsigned nsteps, bool at_call)
{
    memset(stack, 0, sizeof(stack));
    regs_init(c, 0);
    c->gpr[RSP] = STACK_BASE + 0x10000;
    snap[0] = *c;
    ret[0] = FAKE_RET;
    for (unsigned i = 1; i <= k; i++) {
        const struct real_fn *fn = &real[i - 1];
        c->gpr[RSP] -= 8;
        poke(c->gpr[RSP], ret[i - 1]);
        c->rip = g_pe.image_base + fn->rva;
        if (i == k && !at_call) {
            play_prolog(c, fn, nsteps);
            c->rip += nsteps ? fn->steps[nsteps - 1].end : 0;
            return;
        }
        play_prolog(c, fn, fn->nsteps);
        play_body(c, fn, i);
        snap[i] = *c;
        ret[i] = g_pe.image_base + fn->rva + fn->call + 5;
        if (i == k)
            c->rip = g_pe.image_base + fn->rva + fn->call;
    }
}

static void expect_frame(const struct pe_unwind_regs *r, unsigned k)
{
    struct pe_unwind_regs want = snap[k];
    want.rip = ret[k];
    expect_regs(r, &want);
}

/* From the leaf back to entry's caller, through each return address. */
static void check_chain(const char *fixture)
{
    struct pe_unwind_regs r;
    load_real(fixture);
    enter(&r, NREAL, 0, false);
    for (unsigned k = NREAL; k >= 1; k--) {
        int rc = step(&r);
        if (rc != 0)
            fail_msg("%s: step from %s: %d", fixture, real[k - 1].name, rc);
        expect_frame(&r, k - 1);
    }
    assert_int_equal(r.rip, FAKE_RET);
    expect_step_error(&r, K_EINVAL);
}

/* One step from every instruction boundary of every prolog, and from each call. */
static void check_prologs(const char *fixture)
{
    struct pe_unwind_regs r;
    load_real(fixture);
    for (unsigned k = 1; k <= NREAL; k++) {
        const struct real_fn *fn = &real[k - 1];
        for (unsigned j = 0; j <= fn->nsteps + (k < NREAL); j++) {
            enter(&r, k, j, j > fn->nsteps);
            int rc = step(&r);
            if (rc != 0)
                fail_msg("%s: %s+0x%x: %d", fixture, fn->name,
                         (unsigned)(r.rip - g_pe.image_base - fn->rva), rc);
            expect_frame(&r, k - 1);
        }
    }
}

static void test_real_chain(void **state)
{
    (void)state;
    check_chain("unwind.exe");
    /* Without frame pointers the unwind data is all there is: unwind_outer must push. */
    assert_true(real[1].nsteps >= 2);
}

static void test_real_chain_frame_pointer(void **state)
{
    (void)state;
    check_chain("unwind_fp.exe");
    bool fp = false;
    for (unsigned i = 0; i < real[3].nsteps; i++)
        fp |= real[3].steps[i].kind == P_SET_FP;
    assert_true(fp);
}

static void test_real_prologs(void **state)
{
    (void)state;
    check_prologs("unwind.exe");
}

static void test_real_prologs_frame_pointer(void **state)
{
    (void)state;
    check_prologs("unwind_fp.exe");
}

/* Random bytes in the fixture's .pdata/.xdata: no read outside the file, no loop. */
static void test_real_corrupt_tables(void **state)
{
    (void)state;
    load_real("unwind.exe");
    uint8_t *orig = malloc(g_size);
    assert_non_null(orig);
    memcpy(orig, g_file, g_size);
    const struct pe_section *sec[2] = { NULL, NULL };
    for (uint32_t i = 0; i < g_pe.num_sections; i++) {
        if (strcmp(g_pe.sections[i].name, ".pdata") == 0)
            sec[0] = &g_pe.sections[i];
        if (strcmp(g_pe.sections[i].name, ".xdata") == 0)
            sec[1] = &g_pe.sections[i];
    }
    assert_non_null(sec[0]);
    assert_non_null(sec[1]);
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (int round = 0; round < 2000; round++) {
        memcpy(g_file, orig, g_size);
        for (int k = 0; k < 1 + round % 6; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            const struct pe_section *s = sec[(seed >> 60) & 1];
            uint32_t len = s->load_size < 0x80 ? s->load_size : 0x80;
            g_file[s->raw_off + (uint32_t)(seed >> 33) % len] = (uint8_t)(seed >> 13);
        }
        struct pe_unwind_regs r;
        enter(&r, NREAL, 0, false);
        for (int depth = 0; depth < 8; depth++) {
            int rc = step(&r);
            if (rc == K_EINVAL || rc == K_ENOEXEC || rc == K_EFAULT)
                break;
            if (rc != 0)
                fail_msg("round %d: unexpected result %d", round, rc);
        }
    }
    free(orig);
}

/* The stock program with hand-damaged unwind data (userspace/win32/bad_unwind): stepping
 * out of each of its functions, exactly the five damaged entries are refused (a bad
 * version, a code past CountOfCodes, an unknown code, a chain to itself, UNWIND_INFO
 * outside the image), and the rest unwind. */
static void test_real_damaged_entries(void **state)
{
    (void)state;
    pe_fixture_load("bad_unwind.exe", &g_file, &g_size, &g_image, &g_pe);
    const struct pe_dir *exc = &g_pe.dirs[PE_DIR_EXCEPTION];
    int refused = 0, unwound = 0;
    for (uint32_t e = 0; e + 12 <= exc->size; e += 12) {
        uint32_t begin = le32_get(g_image + exc->rva + e);
        struct pe_unwind_regs r;
        regs_init(&r, 0);
        r.rip = g_pe.image_base + begin + 6; /* past the damaged functions' prolog and call */
        r.gpr[4] = STACK_BASE + STACK_BYTES / 2;
        poke(r.gpr[4] + 40, 0x140001000ull);
        reads = 0;
        int rc = pe_unwind_step(g_file, g_size, &g_pe, g_pe.image_base, &r, stack_read, NULL);
        if (rc == K_ENOEXEC)
            refused++;
        else if (rc == 0)
            unwound++;
    }
    assert_int_equal(refused, 5);
    assert_true(unwound > 20);
}

#define T_(fn) cmocka_unit_test_teardown(fn, cleanup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T_(test_frame_pointer),
        T_(test_pushes_without_frame_pointer),
        T_(test_alloc_large),
        T_(test_save_nonvol),
        T_(test_save_nonvol_with_frame_register),
        T_(test_chained_info),
        T_(test_machine_frame),
        T_(test_leaf_and_outside),
        T_(test_truncated_xdata),
        T_(test_unknown_codes),
        T_(test_operands_past_count),
        T_(test_chain_loops),
        T_(test_exception_directory_not_in_file),
        T_(test_random_tables),
        T_(test_real_chain),
        T_(test_real_chain_frame_pointer),
        T_(test_real_prologs),
        T_(test_real_prologs_frame_pointer),
        T_(test_real_corrupt_tables),
        T_(test_real_damaged_entries),
    };

    return cmocka_run_group_tests_name("pe_unwind", tests, NULL, NULL);
}
