/*
 * t_reloc: an image that works wherever it is loaded. The harness has the kernel load it
 * away from its linked ImageBase; tables of absolute pointers (data, functions, strings,
 * a pointer to a pointer, the .ctors list) must then have been rebased by the loader.
 * Prints "t_reloc: linked at X, loaded at Y (moved|not moved)". Exit 0 when all pass.
 */
#include <dormer.h>

extern const uint8_t __ImageBase[]; /* the DOS header, as mapped: defined by GNU ld */

static int32_t values[4] = {10, 20, 30, 40};
static int32_t *pointers[4] = {&values[0], &values[1], &values[2], &values[3]};
/* volatile: read from memory, never folded to the constant the compiler knows */
static int32_t **volatile pointer_to_pointer = &pointers[2];
static const char *volatile words[3] = {"alpha", "beta", "gamma"};
static uint32_t ctor_value;

static int32_t twice(int32_t x)
{
    return 2 * x;
}

static int32_t square(int32_t x)
{
    return x * x;
}

static int32_t (*const functions[2])(int32_t) = {twice, square};

__attribute__((constructor)) static void constructor(void)
{
    ctor_value = 0xc0ffee;
}

/* Opaque to the optimiser, so the tables are really read from memory. */
DORMER_NOINLINE static int32_t *pointer_at(int i)
{
    return pointers[i];
}

DORMER_NOINLINE static int32_t call_at(int i, int32_t x)
{
    return functions[i](x);
}

/* A dense switch: gcc may build a jump table, which holds addresses or offsets. */
DORMER_NOINLINE static int32_t dispatch(int i)
{
    switch (i) {
    case 0: return 11;
    case 1: return 22;
    case 2: return 33;
    case 3: return 44;
    case 4: return 55;
    case 5: return 66;
    case 6: return 77;
    case 7: return 88;
    default: return -1;
    }
}

static uint64_t u64_at(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint32_t u32_at(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ImageBase from the optional header of a PE image or file, or 0 if it does not parse. */
static uint64_t header_image_base(const uint8_t *headers, uint64_t len)
{
    uint32_t pe;

    if (len < 0x40 || headers[0] != 'M' || headers[1] != 'Z')
        return 0;
    pe = u32_at(headers + 0x3c);
    if (pe > len - 56 || memcmp(headers + pe, "PE\0\0", 4) != 0)
        return 0;
    return u64_at(headers + pe + 24 + 24);
}

/* The linked ImageBase as the file on disk has it (the mapped header may be updated). */
static uint64_t file_image_base(void)
{
    static uint8_t head[1024];
    dormer_handle_t h;
    uint64_t n = 0;

    if (!NT_SUCCESS(ulib_open("C:\\Windows\\System32\\t_reloc.exe", DORMER_GENERIC_READ, 0, &h)))
        return 0;
    if (!NT_SUCCESS(DmReadFile(h, head, sizeof(head), NULL, &n)))
        n = 0;
    NtClose(h);
    return header_image_base(head, n);
}

int main(void)
{
    uint64_t loaded = (uint64_t)(uintptr_t)__ImageBase;
    uint64_t peb_base = DormerGetPeb()->image_base_address;
    uint64_t linked = file_image_base();
    uint64_t mapped_header = header_image_base(__ImageBase, DORMER_PAGE_SIZE);
    int ok;

    uprintf("t_reloc: linked at %llx, loaded at %llx (%s)\n", (unsigned long long)linked,
            (unsigned long long)loaded, linked == loaded ? "not moved" : "moved");
    ulib_check(peb_base == loaded, "peb_image_base", "PEB says %llx, code runs at %llx",
               (unsigned long long)peb_base, (unsigned long long)loaded);
    CHECK(loaded % 0x10000 == 0, "base_64k_aligned");
    CHECK(linked != 0, "linked_base_from_file");
    ulib_check(mapped_header == linked || mapped_header == loaded, "mapped_header_image_base",
               "mapped header says %llx", (unsigned long long)mapped_header);

    ok = 1;
    for (int i = 0; i < 4; i++)
        ok &= pointer_at(i) == &values[i] && *pointer_at(i) == 10 * (i + 1);
    CHECK(ok, "data_pointer_table");
    CHECK(pointer_to_pointer == &pointers[2] && **pointer_to_pointer == 30,
          "pointer_to_pointer");
    CHECK(call_at(0, 21) == 42 && call_at(1, 9) == 81, "function_pointer_table");
    CHECK(strcmp(words[0], "alpha") == 0 && strcmp(words[2], "gamma") == 0, "string_table");
    ulib_check(ctor_value == 0xc0ffee, "constructor_ran", "ctor_value %x", ctor_value);
    ok = 1;
    for (int i = 0; i < 8; i++)
        ok &= dispatch(i) == 11 * (i + 1);
    CHECK(ok && dispatch(9) == -1, "switch_table");
    return ulib_check_summary();
}
