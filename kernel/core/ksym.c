/*
 * Kernel glue for symbol lookup: binds the pure blob reader (ksym_blob.c) to
 * the blob that tools/ksympack.py patched into .ksyms and to the kernel's own
 * build-id note. Deliberately stateless (the check is re-run per call, it is
 * a header read and a 20-byte compare) so it needs no init order, no locks,
 * and works from the very first instruction up to and inside panic.
 */
#include <core/ksym.h>

static size_t ksym_blob_len(void)
{
    return (size_t)(__ksyms_end - __ksyms_start);
}

static int ksym_check(void)
{
    return ksym_blob_check(__ksyms_start, ksym_blob_len(), __build_id_start,
                           (size_t)(__build_id_end - __build_id_start));
}

bool ksym_ready(void)
{
    return ksym_check() == KSYM_OK;
}

const char *ksym_status(void)
{
    switch (ksym_check()) {
    case KSYM_OK:
        return "ok";
    case KSYM_ENOBLOB:
        return "symbol blob missing";
    case KSYM_EBUILD:
        return "symbol blob belongs to another build";
    default:
        return "symbol blob corrupt";
    }
}

int ksym_lookup(uintptr_t addr, struct ksym_info *out)
{
    int err = ksym_check();

    if (err != KSYM_OK) {
        /* Same cleared *out as the blob reader gives on its own errors. */
        ksym_blob_lookup(NULL, 0, 0, out);
        return err;
    }
    return ksym_blob_lookup(__ksyms_start, ksym_blob_len(), addr, out);
}

int ksym_lookup_ret(uintptr_t addr, struct ksym_info *out)
{
    int err = ksym_lookup(addr - 1, out);

    if (err == KSYM_OK)
        out->offset = addr - out->sym_addr;
    return err;
}

size_t ksym_format(char *buf, size_t len, uintptr_t addr)
{
    if (ksym_check() != KSYM_OK) {
        if (len > 0)
            buf[0] = '\0';
        return 0;
    }
    return ksym_blob_format(__ksyms_start, ksym_blob_len(), buf, len, addr);
}

size_t ksym_build_id(const uint8_t **id)
{
    return ksym_note_build_id(__build_id_start, (size_t)(__build_id_end - __build_id_start), id);
}
