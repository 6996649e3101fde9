/*
 * PE32+ images (what mingw-w64 builds): strict parsing of the file, the fix-ups the loader
 * applies to a mapped image (base relocations, imports), export and TLS lookups, and
 * symbolization for user backtraces. All input is hostile: every offset, size and string
 * is bounds- and wrap-checked against the buffer it is given. Nothing here allocates,
 * prints or sleeps, so the same code runs in the kernel, in host tests and under a fuzzer.
 */
#ifndef LOADER_PE_H
#define LOADER_PE_H

#include <lib/unwind.h> /* the x64 unwind codes, UWOP_* and UNW_FLAG_* */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Two views of the same program appear in this API:
 *   file   the bytes as read from disk (`file`, `size`);
 *   image  the program as mapped, `pe->size_of_image` bytes with RVA 0 at offset 0:
 *          the headers at 0, each section's first `load_size` file bytes at its `rva`,
 *          every other byte zero (pe_copy_image builds exactly this). Functions taking
 *          `image` never read or write outside [image, image + image_size), so a loader
 *          that maps the whole SizeOfImage range may pass the user mapping directly.
 * RVA = address - base. Layout of the parts this code reads (all little-endian):
 *
 *   +0x00 DOS header: "MZ" ... +0x3c u32 e_lfanew
 *   e_lfanew: "PE\0\0", then the COFF file header (20 bytes):
 *     +0 u16 Machine  +2 u16 NumberOfSections  +8 u32 PointerToSymbolTable
 *     +12 u32 NumberOfSymbols  +16 u16 SizeOfOptionalHeader  +18 u16 Characteristics
 *   optional header (PE32+): +0 u16 Magic 0x20b  +16 u32 AddressOfEntryPoint
 *     +24 u64 ImageBase  +32 u32 SectionAlignment  +36 u32 FileAlignment
 *     +56 u32 SizeOfImage  +60 u32 SizeOfHeaders  +68 u16 Subsystem
 *     +70 u16 DllCharacteristics  +72 u64 StackReserve  +80 StackCommit
 *     +88 HeapReserve  +96 HeapCommit  +108 u32 NumberOfRvaAndSizes
 *     +112 data directories: {u32 rva, u32 size} x NumberOfRvaAndSizes
 *   section table (40 bytes each): +0 name[8]  +8 VirtualSize  +12 VirtualAddress
 *     +16 SizeOfRawData  +20 PointerToRawData  +36 Characteristics
 */

#define PE_MAX_SECTIONS    65535 /* what Windows accepts (NumberOfSections is 16-bit) */
#define PE_INLINE_SECTIONS 96    /* held in struct pe_image; more need the caller's storage */
#define PE_NUM_DIRS       16
#define PE_PAGE_SIZE      4096u
#define PE_MAX_IMAGE_SIZE 0x40000000u /* 1 GiB: SizeOfImage and stack/heap reserve cap */

/* Where an image may live: must agree with USER_BASE / USER_END in <arch/layout.h>. */
#define PE_USER_MIN 0x0000000000010000ull
#define PE_USER_END 0x00007ffffffff000ull
/* Where Windows x64's user space ends (MmHighestUserAddress is 0x7FFFFFFEFFFF, the last
 * 64 KiB below 0x7FFFFFFF0000 are never mapped): an image reaching past it is "outside
 * user space" for the loader's verdicts, as on Windows, though Dormer could map it. */
#define PE_WINDOWS_USER_END 0x00007fffffff0000ull

/* COFF file header Characteristics */
#define PE_FILE_RELOCS_STRIPPED 0x0001
#define PE_FILE_EXECUTABLE      0x0002
#define PE_FILE_DLL             0x2000

/* Optional header DllCharacteristics */
#define PE_DLLCHAR_HIGH_ENTROPY_VA 0x0020
#define PE_DLLCHAR_DYNAMIC_BASE    0x0040
#define PE_DLLCHAR_NX_COMPAT       0x0100

#define PE_SUBSYSTEM_GUI 2
#define PE_SUBSYSTEM_CUI 3

/* Section Characteristics */
#define PE_SCN_CNT_CODE        0x00000020u
#define PE_SCN_CNT_INIT_DATA   0x00000040u
#define PE_SCN_CNT_UNINIT_DATA 0x00000080u
#define PE_SCN_MEM_DISCARDABLE 0x02000000u
#define PE_SCN_MEM_EXECUTE     0x20000000u
#define PE_SCN_MEM_READ        0x40000000u
#define PE_SCN_MEM_WRITE       0x80000000u

/* Page protections derived from a section (x86 cannot map W without R: the loader
 * maps PE_PROT_W as read-write). */
#define PE_PROT_R 1u
#define PE_PROT_W 2u
#define PE_PROT_X 4u

/* Data directory indices */
#define PE_DIR_EXPORT    0
#define PE_DIR_IMPORT    1
#define PE_DIR_RESOURCE  2
#define PE_DIR_EXCEPTION 3
#define PE_DIR_SECURITY  4 /* the only one whose "rva" is a file offset */
#define PE_DIR_BASERELOC 5
#define PE_DIR_DEBUG     6
#define PE_DIR_TLS       9
#define PE_DIR_IAT       12

struct pe_dir {
    uint32_t rva;  /* 0 with size 0 when absent */
    uint32_t size;
};

struct pe_section {
    char name[9];          /* NUL-terminated, each byte outside ' '..'~' shown as '?'; may
                              be empty (Windows never looks at names) */
    uint32_t rva;          /* aligned to section_alignment, ascending, >= size_of_headers */
    uint32_t vsize;        /* VirtualSize, or SizeOfRawData if that is 0; rva + vsize <=
                              size_of_image. Bytes of address space the section owns. */
    uint32_t raw_off;      /* file offset of the raw data as Windows reads it (rounded down
                              to 0x200 unless the image is flat; 0 when raw_size is 0) */
    uint32_t raw_size;     /* SizeOfRawData (may run past the end of the file) */
    uint32_t load_size;    /* min(raw_size, vsize): bytes to copy from raw_off, all inside
                              the file; the rest of vsize is zero-filled */
    uint32_t characteristics;
    unsigned prot;         /* PE_PROT_* from characteristics (R|W|X in a flat image); may be
                              writable and executable, as Windows maps it */
};

struct pe_image {
    uint64_t image_base;          /* preferred base: 64 KiB aligned; outside user space only
                                     when base_outside is set */
    bool base_outside;            /* the image cannot live at image_base (not inside user
                                     space): the loader relocates it, as Windows does; never
                                     set for an image whose relocations are stripped */
    bool flat;                    /* section_alignment below the page size: file offsets are
                                     RVAs and the whole image is readable, writable and
                                     executable (Windows maps it as one block) */
    uint32_t size_of_image;       /* SizeOfImage rounded up to the page size, <= 1 GiB */
    uint32_t size_of_headers;     /* bytes of headers to copy: SizeOfHeaders cut to the file
                                     and the image */
    uint32_t entry_rva;           /* in an executable section (anywhere in a flat image);
                                     may be 0 only for a DLL */
    uint32_t section_alignment;   /* power of two >= file_alignment */
    uint32_t file_alignment;      /* power of two; a multiple of 0x200 unless equal to
                                     section_alignment */
    uint16_t characteristics;     /* PE_FILE_* (PE_FILE_EXECUTABLE always set) */
    uint16_t dll_characteristics; /* PE_DLLCHAR_* */
    uint16_t subsystem;           /* PE_SUBSYSTEM_GUI or PE_SUBSYSTEM_CUI */
    uint64_t stack_reserve, stack_commit; /* commit <= reserve <= 1 GiB */
    uint64_t heap_reserve, heap_commit;   /* commit <= reserve <= 1 GiB */
    struct pe_dir dirs[PE_NUM_DIRS];      /* those below NumberOfRvaAndSizes with an
                                             address; may run past the image: every reader
                                             bounds-checks. The import directory's size is
                                             not used (its zero entry ends it); the
                                             certificate table is never read (always 0). */
    uint32_t num_sections;                /* 0..PE_MAX_SECTIONS (0 only in a flat image) */
    struct pe_section *sections;          /* num_sections entries: inline_sections, or the
                                             storage given to pe_parse_into */
    struct pe_section inline_sections[PE_INLINE_SECTIONS];
    /* COFF symbol table (unstripped mingw output): all zero when absent or malformed. */
    uint32_t symtab_off;   /* file offset of num_symbols 18-byte records */
    uint32_t num_symbols;
    uint32_t strtab_off;   /* file offset of the string table (its u32 size first) */
    uint32_t strtab_size;  /* including that u32; >= 4 */
};

/*
 * Validates the PE32+ file `file` of `size` bytes the way Windows' image mapping does
 * (refusing what it refuses, accepting what it maps) and fills *out (~4 KiB: keep it off
 * small stacks). Returns 0, or K_ENOEXEC (K_EINVAL for NULL arguments) with a one-line
 * reason in err, e.g. "section .text raw data runs past end of file (0x5200 > 0x5000)";
 * the caller prefixes the file name. err may be NULL or errlen 0; the message is cut to
 * errlen - 1 characters. On failure *out is unspecified. K_ENOSPC: the image has more
 * than PE_INLINE_SECTIONS sections; call pe_parse_into with room for them.
 * Refused: no "MZ"; e_lfanew not 4-byte aligned, below 4 or past the file; no "PE\0\0";
 * magic 0x10b ("32-bit images are not supported", checked before the machine); another
 * magic; machine not AMD64; not an executable image; alignments not powers of two, file
 * alignment above the section alignment, not a multiple of 0x200 (unless equal to the
 * section alignment) or, below the page size, not equal to it; image base not 64 KiB
 * aligned, or outside user space with relocations stripped; SizeOfImage 0 or > 1 GiB;
 * the section table past the file; headers or sections not fitting SizeOfImage; a
 * section without size, misaligned, or leaving a gap or overlap in the virtual layout
 * (each must start where the one before ends, rounded up to the section alignment); raw
 * data the image needs (min(SizeOfRawData, VirtualSize)) past the end of the file; in a
 * flat image, a section whose file offset differs from its RVA or whose VirtualSize
 * exceeds its raw data; stack/heap reserves (Dormer's 1 GiB cap); a subsystem other
 * than GUI or console; an entry point outside an executable section (0 only in a DLL).
 * Accepted as Windows does: any section name, writable-and-executable sections,
 * SizeOfOptionalHeader smaller than the structure (the section table then overlaps it),
 * NumberOfRvaAndSizes above 16 (the first 16 are read) or 0, directories without an
 * address, a cut or bogus certificate table, and a COFF symbol table that does not fit
 * (zeroed in *out). Pure: no allocation, no output; safe in any context.
 */
int pe_parse(const uint8_t *file, size_t size, struct pe_image *out, char *err,
             size_t errlen);

/*
 * As pe_parse, with room for `cap` sections at `storage` (used instead of
 * out->inline_sections when the image has more than PE_INLINE_SECTIONS; may be NULL with
 * cap 0). K_ENOSPC if the image has more sections than fit.
 */
int pe_parse_into(const uint8_t *file, size_t size, struct pe_image *out,
                  struct pe_section *storage, uint32_t cap, char *err, size_t errlen);

/* NumberOfSections of a file that starts like a PE image, else 0: how much storage
 * pe_parse_into needs. Pure. */
uint32_t pe_section_count(const uint8_t *file, size_t size);

/*
 * Formats a one-line error into err (cut to errlen - 1 characters and terminated; nothing
 * is written if err is NULL or errlen 0) and returns K_ENOEXEC, so a check reads
 * `return pe_error(err, errlen, "...", ...)`. The text is formatted by lib/fmt (pure, so
 * the host tests and fuzz harnesses link it too); gcc checks the arguments as for printf.
 * Shared by the PE code and the loader so that all rejections read alike.
 */
__attribute__((format(printf, 3, 4)))
int pe_error(char *err, size_t errlen, const char *fmt, ...);

/* PE_PROT_* bits for a section's Characteristics (MEM_READ/WRITE/EXECUTE only). */
unsigned pe_section_prot(uint32_t characteristics);

/* The section whose [rva, rva + vsize) contains `rva`, or NULL (headers, gaps, outside). */
const struct pe_section *pe_section_at(const struct pe_image *pe, uint32_t rva);

/* True for an image linked as a DLL (PE_FILE_DLL). */
bool pe_is_dll(const struct pe_image *pe);

/*
 * True if the image may be loaded somewhere other than image_base: its relocations are
 * not stripped. (An unstripped image without a relocation directory has nothing to fix.)
 */
bool pe_relocatable(const struct pe_image *pe);

/*
 * Builds the mapped image from a file that pe_parse accepted into *pe: writes exactly
 * pe->size_of_image bytes to `image` (headers, section data, zeros elsewhere).
 * For the host tests, fuzzers and loaders that stage an image in a kernel buffer.
 */
void pe_copy_image(const uint8_t *file, const struct pe_image *pe, uint8_t *image);

/*
 * Bounds helpers for code reading a mapped image: a pointer to `len` bytes at `rva`, or
 * NULL if [rva, rva + len) is not inside [0, image_size); and the NUL-terminated string
 * at `rva`, or NULL if it does not terminate inside the image.
 */
const uint8_t *pe_image_bytes(const uint8_t *image, size_t image_size, uint64_t rva,
                              uint64_t len);
const char *pe_image_string(const uint8_t *image, size_t image_size, uint64_t rva);

/*
 * Applies the base relocations of the mapped image so it runs at `new_base`: each
 * DIR64 field gets (new_base - pe->image_base) added, each HIGHLOW field the low 32
 * bits of it, ABSOLUTE entries are padding. Returns 0 (also when new_base equals
 * image_base: then nothing is touched), or K_ENOEXEC with err set: a block smaller
 * than 8 bytes, of odd size, outside the directory or the image, a fixup field outside
 * the image, or any other relocation type ("relocation type 4 at 0x2010 is not
 * supported"). An image whose relocations are stripped cannot move: then the error
 * is exactly "image cannot be relocated (relocations stripped)". The whole table is
 * checked before the first field is patched, so a rejected image is left unchanged
 * (short of a table that patches itself, which is still caught, part-way). Patch before
 * write-protecting the pages: fixups also land in read-only sections. new_base is not
 * range-checked here: the loader picks it inside user space. Pure; no allocation.
 */
int pe_apply_relocations(uint8_t *image, size_t image_size, const struct pe_image *pe,
                         uint64_t new_base, char *err, size_t errlen);

/*
 * Resolver for pe_resolve_imports: finds `name` (NULL when importing by ordinal; then
 * `ordinal` is set and hint is 0) in `dll` (as spelled in the importing image, e.g.
 * "KERNEL32.dll": compare case-insensitively), stores its absolute address in *addr and
 * returns 0, or returns nonzero when it cannot. `hint` is the importer's guess at the
 * index into the DLL's export name table (pass it on to pe_find_export_by_name).
 */
typedef int (*pe_import_fn)(void *ctx, const char *dll, const char *name, uint16_t hint,
                            uint32_t ordinal, uint64_t *addr);

/*
 * Walks the import descriptors of the mapped image (up to the first without a DLL name or
 * an address table, whatever the directory's size says, as Windows does), looks each
 * imported symbol up through `resolve` and writes the address into the image's import
 * address table (FirstThunk). Names come from OriginalFirstThunk, or from FirstThunk when
 * that is 0. Returns 0 with no imports too, or on failure err set and: the resolver's
 * code when it is negative (K_ENOENT otherwise), with "missing import KERNEL32.dll!FooBar"
 * or "missing import foo.dll!#12"; K_ENOEXEC for a malformed table (descriptor, name,
 * thunk or IAT outside the image, unterminated string, a name thunk with bits 31..62 set:
 * where Windows faults). An ordinal thunk's bits 16..62 are ignored, as Windows does.
 * Call after pe_apply_relocations, before write-protecting the pages. On failure the IAT
 * is partly written: discard the image. The resolver must not modify the image.
 */
int pe_resolve_imports(uint8_t *image, size_t image_size, const struct pe_image *pe,
                       pe_import_fn resolve, void *ctx, char *err, size_t errlen);

/*
 * Calls fn(ctx, dll) for each imported DLL name of the mapped image, in descriptor
 * order (a name may repeat). Stops at the first nonzero return of fn and returns it;
 * returns 0 after the last descriptor, or K_ENOEXEC when the import directory is
 * malformed (pe_resolve_imports gives the reason).
 */
int pe_import_dll_names(const uint8_t *image, size_t image_size, const struct pe_image *pe,
                        int (*fn)(void *ctx, const char *dll), void *ctx);

/*
 * Export lookups in a mapped image. On success return 0 and store the export's RVA in
 * *rva (inside the image, not 0). K_ENOENT: no export directory, no such name, an
 * ordinal outside the table or an unused slot. K_ENOEXEC: the export directory or a
 * table, name or string it references lies outside the image or is unterminated.
 * K_ENOSYS: the export is a forwarder ("OTHERDLL.Name" or "OTHERDLL.#12"); *rva then
 * holds the RVA of that string, which is NUL-terminated inside the image, so
 * pe_image_string(image, image_size, *rva) returns it.
 * By name: `hint` is tried first as an index into the name table, then a binary search
 * of the names (sorted, as the spec requires; an unsorted table may miss). Names compare
 * case-sensitively. By ordinal: `ordinal` is biased (Base is subtracted).
 */
int pe_find_export_by_name(const uint8_t *image, size_t image_size, const struct pe_image *pe,
                           const char *name, uint16_t hint, uint32_t *rva);
int pe_find_export_by_ordinal(const uint8_t *image, size_t image_size,
                              const struct pe_image *pe, uint32_t ordinal, uint32_t *rva);

/* The DLL's own name from its export directory ("testlib.dll"), or NULL if there is no
 * export directory or the name does not terminate inside the image. */
const char *pe_export_dll_name(const uint8_t *image, size_t image_size,
                               const struct pe_image *pe);

/* Thread-local storage template of an image. All addresses are VAs at the image's
 * current base (TLS directories hold relocated absolute addresses). */
struct pe_tls {
    uint64_t raw_start;       /* template data [raw_start, raw_end) inside the image */
    uint64_t raw_end;
    uint64_t index_addr;      /* u32 inside the image that receives the TLS slot index */
    uint64_t callbacks_addr;  /* 0-terminated u64 array inside the image, or 0 */
    uint32_t num_callbacks;   /* entries before the terminator; each in an executable
                                 section */
    uint32_t zero_fill;       /* bytes zeroed after the template; template + fill <= 1 GiB */
    uint32_t characteristics; /* alignment flags, uninterpreted */
};

/*
 * Reads and validates the TLS directory of a mapped image that has been relocated to
 * `base`. Returns 0 and fills *out, K_ENOENT without a TLS directory, K_ENOEXEC if the
 * directory is smaller than 40 bytes or any address in it (or in the callback array)
 * lies outside [base, base + size_of_image).
 */
int pe_tls_info(const uint8_t *image, size_t image_size, const struct pe_image *pe,
                uint64_t base, struct pe_tls *out);

/*
 * Names the code at `rva` for a backtrace, from the file (the COFF symbol table is not
 * mapped). Candidates are function-like symbols of the section that contains `rva`,
 * which must be executable: COFF type 0x20 (function), or storage class EXTERNAL or
 * STATIC that is not a section symbol. The one with the greatest address <= rva wins
 * (at equal addresses a function beats an EXTERNAL, which beats a STATIC). Without a
 * symbol table, or if it has no candidate, the export table is used the same way (an
 * ordinal-only export is named "#<ordinal>"). Returns 0 with the name copied into
 * name[name_len] (cut, always terminated; name_len >= 1) and rva - symbol in *offset,
 * K_ENOENT if nothing matches, K_EINVAL for bad arguments. O(symbols + exports) per
 * call, no allocation: meant for crash reports.
 */
int pe_symbolize(const uint8_t *file, size_t size, const struct pe_image *pe, uint32_t rva,
                 char *name, size_t name_len, uint32_t *offset);

/* Registers for pe_unwind_step: gpr[] by x64 number (0 rax, 4 rsp, 5 rbp, ... 15 r15). */
struct pe_unwind_regs {
    uint64_t rip;
    uint64_t gpr[16];
};

/* Reads 8 bytes of the unwound thread's stack; nonzero if it cannot. */
typedef int (*pe_read_fn)(void *ctx, uint64_t addr, uint64_t *value);

/*
 * One step of x64 unwinding: r describes a frame whose rip lies in the image loaded at
 * image_base; on return 0 it describes the caller (rip = the return address, rsp and
 * the non-volatile registers restored) using the image's exception directory read from
 * the file. A function without an entry is treated as a leaf (return address at rsp).
 * K_EINVAL: rip is outside the image (or a NULL argument); K_ENOEXEC: malformed unwind
 * data; K_EFAULT: the stack could not be read. On any error *r is left unchanged. A rip
 * inside an epilog is unwound by emulating the epilog (lib/unwind.c). Pure; no allocation.
 */
int pe_unwind_step(const uint8_t *file, size_t size, const struct pe_image *pe,
                   uint64_t image_base, struct pe_unwind_regs *r, pe_read_fn read, void *ctx);

#endif /* LOADER_PE_H */
