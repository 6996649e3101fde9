/*
 * libFuzzer harness for the symbol blob reader (kernel/core/ksym_blob.c). The first 8
 * bytes of the input are an address (little-endian) and a selector, the rest is the
 * blob, copied into an exactly-sized heap buffer so a read past it is an ASan report.
 * The blob is looked up at that address, at the blob's own text base plus small
 * offsets, and formatted into small buffers; every name and file returned must be a
 * NUL-terminated string inside the blob, and a formatted line must fit its buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <core/ksym.h>

static const uint8_t *blob;
static size_t blob_len;

static void check_str(const char *s)
{
    const uint8_t *p = (const uint8_t *)s;
    if (p < blob || p >= blob + blob_len)
        __builtin_trap();
    if (memchr(p, 0, blob_len - (size_t)(p - blob)) == NULL)
        __builtin_trap();
}

static void probe(uint64_t addr)
{
    struct ksym_info info;
    char buf[24];

    int rc = ksym_blob_lookup(blob, blob_len, addr, &info);
    if (rc == KSYM_OK) {
        check_str(info.name);
        if (info.file)
            check_str(info.file);
        if (info.sym_addr > addr || addr - info.sym_addr != info.offset)
            __builtin_trap();
    } else if (info.name != NULL || info.file != NULL || rc > 0 || rc < KSYM_EBUILD) {
        __builtin_trap();
    }
    size_t sizes[] = {1, 2, 9, sizeof buf};
    for (size_t i = 0; i < 4; i++) {
        memset(buf, 'x', sizeof buf);
        size_t n = ksym_blob_format(blob, blob_len, buf, sizes[i], addr);
        if (n >= sizes[i] || buf[n] != '\0')
            __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 8)
        return 0;
    uint64_t addr = 0;
    for (int i = 0; i < 8; i++)
        addr |= (uint64_t)data[i] << (8 * i);
    blob_len = size - 8;
    uint8_t *copy = malloc(blob_len ? blob_len : 1);
    memcpy(copy, data + 8, blob_len);
    blob = copy;

    /* The build-id check against a note made from the blob's own id bytes. */
    uint8_t note[16 + KSYM_BUILD_ID_MAX] = {4, 0, 0, 0, KSYM_BUILD_ID_MAX, 0, 0, 0,
                                            3, 0, 0, 0, 'G', 'N', 'U', 0};
    if (blob_len >= 0x20 + KSYM_BUILD_ID_MAX)
        memcpy(note + 16, blob + 0x20, KSYM_BUILD_ID_MAX);
    note[4] = (uint8_t)(addr >> 56) % (KSYM_BUILD_ID_MAX + 1);
    int rc = ksym_blob_check(blob, blob_len, note, 16 + note[4]);
    if (rc > 0 || rc < KSYM_EBUILD)
        __builtin_trap();
    (void)ksym_blob_check(blob, blob_len, NULL, 0);

    probe(addr);
    uint64_t base = 0;
    if (blob_len >= 0x18)
        for (int i = 0; i < 8; i++)
            base |= (uint64_t)blob[0x10 + i] << (8 * i);
    for (uint64_t d = 0; d < 64; d += 7)
        probe(base + d + (addr & 0xffff));
    free(copy);
    return 0;
}
