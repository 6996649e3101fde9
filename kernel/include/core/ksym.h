/*
 * Kernel symbol lookup: turns text addresses into `name+0xoff (file:line)`.
 * The data comes from a blob that tools/ksympack.py writes into the reserved
 * .ksyms section after linking; the byte layout is in docs/symbols.md. The
 * ksym_blob_* core is pure (no globals, no allocation, no locks) so the host
 * tests compile it alone; the ksym_* wrappers bind it to this kernel's blob.
 */
#ifndef CORE_KSYM_H
#define CORE_KSYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Bytes reserved for the blob in .ksyms (kernel/core/ksym_space.c). The
 * packer fails the build with a clear message when the blob outgrows it.
 */
#define KSYM_SPACE (512u * 1024u)

/* Blob format constants; must match tools/ksympack.py and docs/symbols.md. */
#define KSYM_MAGIC 0x4d59534bu /* "KSYM" as stored (little-endian u32) */
#define KSYM_VERSION 1u
#define KSYM_HEADER_SIZE 96u
#define KSYM_BUILD_ID_MAX 32u
#define KSYM_SYM_ENTRY_SIZE 12u  /* u32 start offset, u32 size, u32 name */
#define KSYM_FILE_ENTRY_SIZE 4u  /* u32 name */
#define KSYM_LINE_ENTRY_SIZE 8u  /* u32 offset, u16 file, u16 line */

/*
 * Result codes. Negative like the rest of the kernel; ksym keeps its own names
 * so the host tests need no kernel headers.
 */
#define KSYM_OK 0
#define KSYM_ENOENT (-1)   /* blob is fine, but no symbol covers the address */
#define KSYM_ENOBLOB (-2)  /* no blob: magic missing (packer did not run) */
#define KSYM_EBADBLOB (-3) /* header or table offsets out of bounds/version */
#define KSYM_EBUILD (-4)   /* blob's build-id differs from the running kernel */

struct ksym_info {
    const char *name;  /* symbol name, points into the blob */
    uint64_t offset;   /* address - sym_addr */
    uint64_t sym_addr; /* first byte of the symbol */
    const char *file;  /* source path from the repo top, or NULL if unknown */
    uint32_t line;     /* source line, or 0 if unknown */
};

/* ---- pure core (kernel/core/ksym_blob.c), host-testable ---------------- */

/*
 * Find the id in a GNU build-id ELF note (namesz, descsz, type 3, "GNU\0",
 * desc). Sets *id to the desc bytes inside note and returns their count, or
 * returns 0 with *id = NULL when the note is truncated or not a build-id.
 */
size_t ksym_note_build_id(const void *note, size_t note_len, const uint8_t **id);

/*
 * Validate the blob header: magic, version, every table inside total_size,
 * total_size inside blob_len, string table NUL-terminated. When note is not
 * NULL it is a complete GNU build-id ELF note (namesz, descsz, type, "GNU\0",
 * id) and its id must equal the blob's. Returns KSYM_OK, KSYM_ENOBLOB,
 * KSYM_EBADBLOB or KSYM_EBUILD. Reads only inside [blob, blob + blob_len)
 * and [note, note + note_len); safe in IRQ and fault context.
 */
int ksym_blob_check(const void *blob, size_t blob_len, const void *note, size_t note_len);

/*
 * Resolve addr (an exact instruction address) against a blob. Returns KSYM_OK
 * and fills *out, or KSYM_ENOENT when addr lies outside every symbol (before
 * the first, after the last, or in padding), or a ksym_blob_check error; *out
 * is cleared on every error. Binary search, no allocation, no locks; never
 * reads outside the blob even when it is corrupt (a corrupt but in-bounds
 * blob may give wrong names, never a fault). Does not check the build-id.
 */
int ksym_blob_lookup(const void *blob, size_t blob_len, uint64_t addr, struct ksym_info *out);

/*
 * Write "name+0xoff" for addr into buf (always NUL-terminated when len > 0,
 * truncated to fit). Returns the number of characters written without the
 * NUL, or 0 when addr does not resolve (buf then holds ""). Same safety as
 * ksym_blob_lookup.
 */
size_t ksym_blob_format(const void *blob, size_t blob_len, char *buf, size_t len, uint64_t addr);

/* ---- kernel wrappers (kernel/core/ksym.c), use this kernel's blob ------- */

/*
 * Bounds from linker/kernel.ld: the .ksyms output section (the reserved blob
 * space) and the kernel's own .note.gnu.build-id note. Only ksym.c uses them.
 */
extern const uint8_t __ksyms_start[], __ksyms_end[];
extern const uint8_t __build_id_start[], __build_id_end[];

/*
 * True when the .ksyms blob is valid and was packed for this very build
 * (its build-id equals the kernel's own .note.gnu.build-id). Stateless, safe
 * in any context including panic.
 */
bool ksym_ready(void);

/*
 * One line for the boot log / panic header: "ok", "symbol blob missing",
 * "symbol blob corrupt" or "symbol blob belongs to another build". Never NULL.
 */
const char *ksym_status(void);

/*
 * Resolve an exact instruction address (a fault RIP, a function pointer).
 * Returns KSYM_OK and fills *out, or a negative KSYM_E* code when the blob is
 * not ready or nothing covers addr; callers then print the raw address.
 * No locks, no allocation: safe in IRQ, fault and panic context.
 */
int ksym_lookup(uintptr_t addr, struct ksym_info *out);

/*
 * Resolve a return address taken from a stack frame. The call instruction
 * ends at addr, so name/file/line are looked up at addr - 1 (the call itself,
 * and the right function even when the call was the last instruction of a
 * noreturn path); out->offset is still addr - out->sym_addr so the printed
 * offset matches the printed address. Same contract as ksym_lookup.
 */
int ksym_lookup_ret(uintptr_t addr, struct ksym_info *out);

/*
 * printf's %pS hook: writes "name+0xoff" for an exact address into buf (see
 * ksym_blob_format) and returns its length, or 0 when unresolved (blob not
 * ready or no symbol), in which case the caller prints the raw address.
 */
size_t ksym_format(char *buf, size_t len, uintptr_t addr);

/*
 * The running kernel's build-id (the desc bytes of its GNU build-id note).
 * Sets *id and returns its length, or returns 0 (and *id = NULL) when the
 * note is absent or malformed. For the panic header, so a log names its ELF.
 */
size_t ksym_build_id(const uint8_t **id);

#endif /* CORE_KSYM_H */
