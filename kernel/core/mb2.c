/*
 * Multiboot2 info parser. One pass over the tags: the walker checks each tag
 * header against total_size, then a per-type decoder checks that tag's fields
 * before copying them into struct mb2_info. All offsets are uint64_t and every
 * read goes through rd16/rd32/rd64 on a byte pointer already proven in bounds.
 */
#include <core/mb2.h>
#include <lib/bytes.h>
#include <lib/errno.h>

#define MB2_HEADER_SIZE   8  /* total_size + reserved */
#define MB2_TAG_HDR_SIZE  8  /* type + size */
#define MB2_MIN_TOTAL     (MB2_HEADER_SIZE + MB2_TAG_HDR_SIZE) /* header + end tag */
#define MB2_MMAP_HDR_SIZE 16 /* tag header + entry_size + entry_version */
#define MB2_MMAP_MIN_ENTRY 24
#define MB2_MODULE_HDR_SIZE 16
#define MB2_FB_COMMON_SIZE 32
#define MB2_FB_RGB_SIZE    38 /* common + 6 channel bytes */
#define MB2_FB_PAL_HDR_SIZE 34 /* common + u16 num_colors */

/* Tags that may appear at most once; a second copy is rejected, not merged. */
#define MB2_SINGLE_TAGS                                                        \
    ((1u << MB2_TAG_CMDLINE) | (1u << MB2_TAG_BOOTLOADER) |                    \
     (1u << MB2_TAG_MEMINFO) | (1u << MB2_TAG_MMAP) |                          \
     (1u << MB2_TAG_FRAMEBUFFER) | (1u << MB2_TAG_ACPI_OLD) |                  \
     (1u << MB2_TAG_ACPI_NEW))

/* Byte-wise little-endian reads: no alignment or aliasing assumptions, and
 * gcc merges them into single loads, so no memcpy call is emitted. */
static int mb2_fail(struct mb2_info *out, uint64_t off, uint32_t tag, const char *why)
{
    out->error = why;
    out->error_offset = (size_t)off;
    out->error_tag = tag;
    return K_EINVAL;
}

/* Finds the NUL of the string at tag[at..size); false if it is unterminated. */
static bool mb2_string(const uint8_t *tag, uint32_t size, uint32_t at, const char **s,
                       size_t *len)
{
    for (uint32_t i = at; i < size; i++) {
        if (tag[i] == '\0') {
            *s = (const char *)tag + at;
            *len = i - at;
            return true;
        }
    }
    return false;
}

/* Scalars only: the arrays are 5 KiB and zeroing them would pull in memset. */
static void mb2_reset(struct mb2_info *out)
{
    out->cmdline = "";
    out->cmdline_len = 0;
    out->bootloader = "";
    out->has_meminfo = false;
    out->mem_lower_kb = 0;
    out->mem_upper_kb = 0;
    out->mmap_count = 0;
    out->mmap_total = 0;
    out->mmap_truncated = false;
    out->module_count = 0;
    out->module_total = 0;
    out->modules_truncated = false;
    out->fb = (struct mb2_framebuffer){ .present = false };
    out->rsdp = NULL;
    out->rsdp_len = 0;
    out->rsdp_is_v2 = false;
    out->error = NULL;
    out->error_offset = 0;
    out->error_tag = 0;
}

static int mb2_parse_module(struct mb2_info *out, const uint8_t *tag, uint32_t size,
                            uint64_t off)
{
    const char *s;
    size_t len;

    if (size < MB2_MODULE_HDR_SIZE)
        return mb2_fail(out, off, MB2_TAG_MODULE, "module tag too small");
    uint32_t start = le32_read(tag + 8);
    uint32_t end = le32_read(tag + 12);
    if (start > end)
        return mb2_fail(out, off, MB2_TAG_MODULE, "module start is past its end");
    if (!mb2_string(tag, size, MB2_MODULE_HDR_SIZE, &s, &len))
        return mb2_fail(out, off, MB2_TAG_MODULE, "module string is not NUL-terminated");

    out->module_total++;
    if (out->module_count == MB2_MAX_MODULES) {
        out->modules_truncated = true;
        return 0;
    }
    struct mb2_module *m = &out->modules[out->module_count++];
    m->start = start;
    m->end = end;
    m->cmdline = s;
    return 0;
}

static int mb2_parse_mmap(struct mb2_info *out, const uint8_t *tag, uint32_t size,
                          uint64_t off)
{
    if (size < MB2_MMAP_HDR_SIZE)
        return mb2_fail(out, off, MB2_TAG_MMAP, "memory map tag too small");
    uint32_t esize = le32_read(tag + 8);
    /* entry_version (tag + 12) is 0 today; newer versions only append fields. */
    if (esize < MB2_MMAP_MIN_ENTRY)
        return mb2_fail(out, off, MB2_TAG_MMAP, "memory map entry_size is below 24");
    if (esize % 8 != 0)
        return mb2_fail(out, off, MB2_TAG_MMAP, "memory map entry_size is not a multiple of 8");
    if ((size - MB2_MMAP_HDR_SIZE) % esize != 0)
        return mb2_fail(out, off, MB2_TAG_MMAP,
                        "memory map tag is not a whole number of entries");

    for (uint64_t e = MB2_MMAP_HDR_SIZE; e < size; e += esize) {
        uint64_t base = le64_read(tag + e);
        uint64_t len = le64_read(tag + e + 8);
        uint32_t type = le32_read(tag + e + 16);

        if (len > UINT64_MAX - base)
            return mb2_fail(out, off + e, MB2_TAG_MMAP,
                            "memory map entry wraps past the top of memory");
        out->mmap_total++;
        if (out->mmap_count == MB2_MAX_MMAP) {
            out->mmap_truncated = true;
            continue; /* keep validating the rest */
        }
        struct mb2_mmap_entry *m = &out->mmap[out->mmap_count++];
        m->base = base;
        m->len = len;
        m->type = type;
    }
    return 0;
}

static int mb2_parse_fb(struct mb2_info *out, const uint8_t *tag, uint32_t size, uint64_t off)
{
    struct mb2_framebuffer *fb = &out->fb;

    if (size < MB2_FB_COMMON_SIZE)
        return mb2_fail(out, off, MB2_TAG_FRAMEBUFFER, "framebuffer tag too small");
    fb->addr = le64_read(tag + 8);
    fb->pitch = le32_read(tag + 16);
    fb->width = le32_read(tag + 20);
    fb->height = le32_read(tag + 24);
    fb->bpp = tag[28];
    fb->type = tag[29];

    if (fb->bpp == 0 || fb->bpp > 32)
        return mb2_fail(out, off, MB2_TAG_FRAMEBUFFER, "framebuffer bpp is not 1..32");
    /* 32-bit operands widened to 64 bits: neither product can overflow. */
    uint64_t row = (uint64_t)fb->width * ((fb->bpp + 7u) / 8u);
    if ((uint64_t)fb->pitch < row)
        return mb2_fail(out, off, MB2_TAG_FRAMEBUFFER,
                        "framebuffer pitch is smaller than one row");
    uint64_t span = (uint64_t)fb->pitch * fb->height;
    if (span > UINT64_MAX - fb->addr)
        return mb2_fail(out, off, MB2_TAG_FRAMEBUFFER,
                        "framebuffer wraps past the top of memory");

    if (fb->type == MB2_FB_TYPE_RGB) {
        if (size < MB2_FB_RGB_SIZE)
            return mb2_fail(out, off, MB2_TAG_FRAMEBUFFER,
                            "RGB framebuffer tag lacks its color fields");
        const uint8_t *c = tag + MB2_FB_COMMON_SIZE;
        for (int i = 0; i < 6; i += 2) {
            if (c[i] + c[i + 1] > fb->bpp)
                return mb2_fail(out, off, MB2_TAG_FRAMEBUFFER,
                                "framebuffer color field lies outside the pixel");
        }
        fb->red_pos = c[0];
        fb->red_size = c[1];
        fb->green_pos = c[2];
        fb->green_size = c[3];
        fb->blue_pos = c[4];
        fb->blue_size = c[5];
    } else if (fb->type == MB2_FB_TYPE_INDEXED) {
        if (size < MB2_FB_PAL_HDR_SIZE)
            return mb2_fail(out, off, MB2_TAG_FRAMEBUFFER,
                            "indexed framebuffer tag lacks its palette size");
        uint16_t n = le16_read(tag + MB2_FB_COMMON_SIZE);
        if ((uint64_t)MB2_FB_PAL_HDR_SIZE + 3u * (uint64_t)n > size)
            return mb2_fail(out, off, MB2_TAG_FRAMEBUFFER,
                            "framebuffer palette runs past the tag");
        fb->palette = tag + MB2_FB_PAL_HDR_SIZE;
        fb->palette_colors = n;
    }
    fb->present = true;
    return 0;
}

static int mb2_parse_acpi(struct mb2_info *out, const uint8_t *tag, uint32_t size,
                          uint32_t type, uint64_t off)
{
    bool v2 = type == MB2_TAG_ACPI_NEW;
    uint32_t len = size - MB2_TAG_HDR_SIZE;

    if (len < (v2 ? MB2_RSDP_V2_LEN : MB2_RSDP_V1_LEN))
        return mb2_fail(out, off, type, "ACPI RSDP tag is shorter than an RSDP");
    if (v2 || !out->rsdp_is_v2) {
        out->rsdp = tag + MB2_TAG_HDR_SIZE;
        out->rsdp_len = len;
        out->rsdp_is_v2 = v2;
    }
    return 0;
}

/* Decodes one tag whose header has been bounds-checked (8 <= size, in block). */
static int mb2_parse_tag(struct mb2_info *out, const uint8_t *tag, uint32_t type,
                         uint32_t size, uint64_t off)
{
    switch (type) {
    case MB2_TAG_CMDLINE:
        if (!mb2_string(tag, size, MB2_TAG_HDR_SIZE, &out->cmdline, &out->cmdline_len))
            return mb2_fail(out, off, type, "command line is not NUL-terminated");
        return 0;
    case MB2_TAG_BOOTLOADER: {
        size_t len;
        if (!mb2_string(tag, size, MB2_TAG_HDR_SIZE, &out->bootloader, &len))
            return mb2_fail(out, off, type, "bootloader name is not NUL-terminated");
        return 0;
    }
    case MB2_TAG_MODULE:
        return mb2_parse_module(out, tag, size, off);
    case MB2_TAG_MEMINFO:
        if (size < 16)
            return mb2_fail(out, off, type, "basic meminfo tag too small");
        out->has_meminfo = true;
        out->mem_lower_kb = le32_read(tag + 8);
        out->mem_upper_kb = le32_read(tag + 12);
        return 0;
    case MB2_TAG_MMAP:
        return mb2_parse_mmap(out, tag, size, off);
    case MB2_TAG_FRAMEBUFFER:
        return mb2_parse_fb(out, tag, size, off);
    case MB2_TAG_ACPI_OLD:
    case MB2_TAG_ACPI_NEW:
        return mb2_parse_acpi(out, tag, size, type, off);
    default:
        return 0; /* unknown or unneeded: skipped */
    }
}

int mb2_parse(const void *info, size_t avail, struct mb2_info *out)
{
    const uint8_t *base = info;
    uint32_t seen = 0;

    if (out == NULL)
        return K_EINVAL;
    mb2_reset(out);
    if (info == NULL)
        return mb2_fail(out, 0, 0, "info pointer is NULL");
    if ((uintptr_t)info % 8 != 0)
        return mb2_fail(out, 0, 0, "info block is not 8-byte aligned");
    if (avail < MB2_HEADER_SIZE)
        return mb2_fail(out, 0, 0, "info header is not readable");

    uint64_t total = le32_read(base);
    if (total < MB2_MIN_TOTAL)
        return mb2_fail(out, 0, 0, "total_size is smaller than header plus end tag");
    if (total > avail)
        return mb2_fail(out, 0, 0, "total_size exceeds the readable area");

    /* Invariant at the loop head: off is 8-aligned and off <= total. */
    for (uint64_t off = MB2_HEADER_SIZE;;) {
        if (total - off < MB2_TAG_HDR_SIZE)
            return mb2_fail(out, off, 0, "no end tag before total_size");
        const uint8_t *tag = base + off;
        uint32_t type = le32_read(tag);
        uint32_t size = le32_read(tag + 4);

        if (size < MB2_TAG_HDR_SIZE)
            return mb2_fail(out, off, type, "tag size is smaller than its header");
        if (size > total - off)
            return mb2_fail(out, off, type, "tag runs past total_size");
        if (type == MB2_TAG_END) {
            if (size != MB2_TAG_HDR_SIZE)
                return mb2_fail(out, off, type, "end tag size is not 8");
            return 0;
        }
        if (type < 32 && (MB2_SINGLE_TAGS & (1u << type))) {
            if (seen & (1u << type))
                return mb2_fail(out, off, type, "duplicate single-instance tag");
            seen |= 1u << type;
        }

        int rc = mb2_parse_tag(out, tag, type, size, off);
        if (rc < 0)
            return rc;

        /* size <= total - off, and both fit in 32 bits: no wrap in 64. */
        uint64_t step = ((uint64_t)size + 7) & ~(uint64_t)7;
        if (step > total - off)
            return mb2_fail(out, off, type, "no end tag before total_size");
        off += step;
    }
}

const char *mb2_mmap_type_name(uint32_t type)
{
    switch (type) {
    case MB2_MMAP_AVAILABLE:        return "available";
    case MB2_MMAP_RESERVED:         return "reserved";
    case MB2_MMAP_ACPI_RECLAIMABLE: return "ACPI reclaimable";
    case MB2_MMAP_ACPI_NVS:         return "ACPI NVS";
    case MB2_MMAP_BAD:              return "bad";
    default:                        return "unknown";
    }
}
