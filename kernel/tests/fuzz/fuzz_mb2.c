/*
 * libFuzzer harness for the multiboot2 info parser (kernel/core/mb2.c). The input is
 * the info block itself, copied into an exactly-sized 8-aligned heap buffer, so any read
 * past the block is an AddressSanitizer report. On success it holds the parser to its
 * contract: every pointer it returns lies inside the block and every string ends there.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <core/mb2.h>
#include <lib/errno.h>

static struct mb2_info info;

static int inside(const uint8_t *blk, size_t n, const void *p, size_t len)
{
    const uint8_t *b = p;

    return b >= blk && len <= n && (size_t)(b - blk) <= n - len;
}

static void check_string(const uint8_t *blk, size_t n, const char *s)
{
    if (!inside(blk, n, s, 1))
        __builtin_trap();
    size_t len = strnlen(s, n - (size_t)((const uint8_t *)s - blk));
    if (!inside(blk, n, s, len + 1))
        __builtin_trap(); /* unterminated inside the block */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* malloc aligns to 16; an exact size keeps the redzone right after the block. */
    uint8_t *blk = malloc(size ? size : 1);
    memcpy(blk, data, size);

    int rc = mb2_parse(blk, size, &info);
    if (rc != 0) {
        if (rc != K_EINVAL || info.error == NULL)
            __builtin_trap();
        free(blk);
        return 0;
    }
    if (info.error != NULL || info.mmap_count > MB2_MAX_MMAP ||
        info.module_count > MB2_MAX_MODULES || info.mmap_count > info.mmap_total ||
        info.module_count > info.module_total)
        __builtin_trap();
    if (info.cmdline_len > 0 || info.cmdline[0] != '\0') {
        check_string(blk, size, info.cmdline);
        if (strlen(info.cmdline) != info.cmdline_len)
            __builtin_trap();
    }
    if (info.bootloader[0] != '\0')
        check_string(blk, size, info.bootloader);
    for (size_t i = 0; i < info.mmap_count; i++) {
        if (info.mmap[i].len > UINT64_MAX - info.mmap[i].base ||
            mb2_mmap_type_name(info.mmap[i].type) == NULL)
            __builtin_trap();
    }
    for (size_t i = 0; i < info.module_count; i++) {
        if (info.modules[i].start > info.modules[i].end)
            __builtin_trap();
        check_string(blk, size, info.modules[i].cmdline);
    }
    if (info.fb.present) {
        const struct mb2_framebuffer *fb = &info.fb;
        if (fb->bpp == 0 || fb->bpp > 32 ||
            (uint64_t)fb->pitch < (uint64_t)fb->width * ((fb->bpp + 7u) / 8u) ||
            (uint64_t)fb->pitch * fb->height > UINT64_MAX - fb->addr)
            __builtin_trap();
        if (fb->type == MB2_FB_TYPE_INDEXED && fb->palette_colors &&
            !inside(blk, size, fb->palette, 3u * fb->palette_colors))
            __builtin_trap();
    }
    if (info.rsdp && !inside(blk, size, info.rsdp, info.rsdp_len))
        __builtin_trap();
    if (info.rsdp && info.rsdp_len < (info.rsdp_is_v2 ? MB2_RSDP_V2_LEN : MB2_RSDP_V1_LEN))
        __builtin_trap();
    free(blk);
    return 0;
}
