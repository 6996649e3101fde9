/*
 * Multiboot2 boot-information parsing. The info block is untrusted input: the
 * parser checks every size, offset and string against the block's bounds with
 * wrap-safe arithmetic and collects what the kernel needs into one struct
 * mb2_info, so no other code ever walks raw tags. Pointers it returns point
 * into the caller's block; it copies only the small fixed-size fields.
 */
#ifndef CORE_MB2_H
#define CORE_MB2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Value the bootloader leaves in EAX for a multiboot2 kernel. */
#define MB2_BOOTLOADER_MAGIC 0x36d76289u

/*
 * Raw layout (all little-endian, every tag starts 8-byte aligned):
 *   info header   +0 u32 total_size (includes header and end tag)  +4 u32 reserved
 *   tag header    +0 u32 type  +4 u32 size (header + payload, without padding)
 *   1 cmdline, 2 bootloader name: +8 NUL-terminated string
 *   3 module      +8 u32 mod_start  +12 u32 mod_end  +16 NUL-terminated string
 *   4 meminfo     +8 u32 mem_lower (KiB)  +12 u32 mem_upper (KiB)
 *   6 mmap        +8 u32 entry_size  +12 u32 entry_version  +16 entries:
 *                 +0 u64 base  +8 u64 len  +16 u32 type  +20 u32 reserved
 *   8 framebuffer +8 u64 addr  +16 u32 pitch  +20 u32 width  +24 u32 height
 *                 +28 u8 bpp  +29 u8 type  +30 u16 reserved  +32 color info:
 *                 type 0 (indexed): u16 num_colors, then 3-byte RGB entries
 *                 type 1 (RGB): u8 red_pos, red_size, green_pos, green_size,
 *                 blue_pos, blue_size;  type 2 (EGA text): none
 *   14 ACPI old / 15 ACPI new: +8 copy of the RSDP (20 / >= 36 bytes)
 *   0 end         size 8
 */
#define MB2_TAG_END          0
#define MB2_TAG_CMDLINE      1
#define MB2_TAG_BOOTLOADER   2
#define MB2_TAG_MODULE       3
#define MB2_TAG_MEMINFO      4
#define MB2_TAG_MMAP         6
#define MB2_TAG_FRAMEBUFFER  8
#define MB2_TAG_ACPI_OLD     14
#define MB2_TAG_ACPI_NEW     15

#define MB2_MMAP_AVAILABLE        1
#define MB2_MMAP_RESERVED         2
#define MB2_MMAP_ACPI_RECLAIMABLE 3
#define MB2_MMAP_ACPI_NVS         4
#define MB2_MMAP_BAD              5

#define MB2_FB_TYPE_INDEXED  0
#define MB2_FB_TYPE_RGB      1
#define MB2_FB_TYPE_EGA_TEXT 2

#define MB2_RSDP_V1_LEN 20 /* ACPI 1.0 RSDP */
#define MB2_RSDP_V2_LEN 36 /* ACPI 2.0+ XSDP */

#define MB2_MAX_MMAP    128
#define MB2_MAX_MODULES 256

struct mb2_mmap_entry {
    uint64_t base;
    uint64_t len;
    uint32_t type; /* MB2_MMAP_*; unknown values mean reserved */
};

struct mb2_module {
    uint32_t start;      /* physical address of the first byte */
    uint32_t end;        /* physical address one past the last byte; start <= end */
    const char *cmdline; /* NUL-terminated, inside the info block */
};

struct mb2_framebuffer {
    bool present;
    uint64_t addr;   /* physical; addr + pitch * height does not wrap */
    uint32_t pitch;  /* bytes per row; >= width * bytes per pixel */
    uint32_t width;  /* pixels (characters for EGA text) */
    uint32_t height;
    uint8_t bpp;     /* 1..32 */
    uint8_t type;    /* MB2_FB_TYPE_* (other values are kept, not interpreted) */
    /* MB2_FB_TYPE_RGB only: bit position and width of each channel */
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
    /* MB2_FB_TYPE_INDEXED only: num_colors entries of 3 bytes (R, G, B) */
    const uint8_t *palette;
    uint16_t palette_colors;
};

struct mb2_info {
    const char *cmdline;        /* never NULL after success: "" if absent */
    size_t cmdline_len;         /* strlen(cmdline) */
    const char *bootloader;     /* never NULL after success: "" if absent */

    bool has_meminfo;
    uint32_t mem_lower_kb;
    uint32_t mem_upper_kb;

    struct mb2_mmap_entry mmap[MB2_MAX_MMAP];
    size_t mmap_count;          /* entries stored in mmap[] */
    size_t mmap_total;          /* entries in the tag; > mmap_count if truncated */
    bool mmap_truncated;

    struct mb2_module modules[MB2_MAX_MODULES];
    size_t module_count;        /* modules stored in modules[] */
    size_t module_total;        /* module tags seen */
    bool modules_truncated;

    struct mb2_framebuffer fb;

    const void *rsdp;           /* copied RSDP bytes inside the block, or NULL */
    size_t rsdp_len;            /* >= 20 (old) or >= 36 (new) */
    bool rsdp_is_v2;            /* from tag 15; preferred over tag 14 if both */

    /* On failure: why, the byte offset in the block where it was found, and
     * the type of the tag being checked (0 for header/end-tag problems). */
    const char *error;
    size_t error_offset;
    uint32_t error_tag;
};

/*
 * Parses the multiboot2 info block at `info`, of which the caller guarantees
 * `avail` readable bytes (the block's own total_size must fit inside it).
 * Returns 0 and fills *out (out->error NULL), or K_EINVAL and sets out->error
 * (a static string), error_offset and error_tag; the other fields of *out are
 * then unspecified. Array slots past mmap_count/module_count are unspecified.
 * Rejects: NULL/misaligned info, total_size < 16 or > avail, a tag smaller
 * than 8 or running past total_size, a missing end tag, an unterminated
 * string, a bad mmap entry_size (< 24, not a multiple of 8, not dividing the
 * tag), a wrapping mmap entry, a module with start > end, an undersized or
 * inconsistent framebuffer/ACPI tag, and duplicates of single-instance tags.
 * Unknown tag types are skipped. Does not allocate or print; callable before
 * anything else is initialised. struct mb2_info is ~5 KiB: keep it static,
 * not on a small early stack.
 */
int mb2_parse(const void *info, size_t avail, struct mb2_info *out);

/*
 * Human-readable name of a memory map type ("available", "reserved",
 * "ACPI reclaimable", "ACPI NVS", "bad"; "unknown" for other values, which
 * must be treated as reserved). Never NULL; a static string.
 */
const char *mb2_mmap_type_name(uint32_t type);

#endif /* CORE_MB2_H */
