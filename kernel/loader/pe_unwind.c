/*
 * x64 stack unwinding from an image's exception directory (.pdata / .xdata), the
 * way Windows walks stacks: code built without frame pointers (mingw's default at
 * -O2) still describes every prolog, so a backtrace can step from a frame to its
 * caller. Reads the tables from the image FILE and the stack through a callback,
 * so neither a hostile image nor a corrupt stack can make it read out of bounds.
 * The unwind codes are interpreted by lib/unwind.c, the copy ntdll's RtlVirtualUnwind
 * uses too; this file finds the function entry and reads the file for it.
 */
#include <lib/bytes.h>
#include <lib/errno.h>
#include <lib/unwind.h>
#include <loader/pe.h>

#define REG_RSP 4

/* `len` bytes of the file at image RVA `rva`, or NULL if not backed by the file. */
static const uint8_t *file_at_rva(const uint8_t *file, size_t size, const struct pe_image *pe,
                                  uint64_t rva, uint64_t len)
{
    for (uint32_t i = 0; i < pe->num_sections; i++) {
        const struct pe_section *s = &pe->sections[i];
        if (rva >= s->rva && rva - s->rva < s->load_size) {
            uint64_t off = rva - s->rva;
            if (len > s->load_size - off || s->raw_off + off + len > size)
                return NULL;
            return file + s->raw_off + off;
        }
    }
    return NULL;
}

/* The RUNTIME_FUNCTION covering rva in *out (NULL for none: a leaf), by binary search of
 * the sorted directory. K_ENOEXEC if the directory is not all backed by the file. */
static int find_function(const uint8_t *file, size_t size, const struct pe_image *pe,
                         uint32_t rva, const uint8_t **out)
{
    const struct pe_dir *dir = &pe->dirs[PE_DIR_EXCEPTION];
    uint32_t count = dir->size / 12;
    const uint8_t *table = file_at_rva(file, size, pe, dir->rva, (uint64_t)count * 12);

    *out = NULL;
    if (count == 0)
        return 0;
    if (!table)
        return K_ENOEXEC;
    uint32_t lo = 0, hi = count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const uint8_t *f = table + (uint64_t)mid * 12;
        if (rva < le32_read(f)) {
            hi = mid;
        } else if (rva >= le32_read(f + 4)) {
            lo = mid + 1;
        } else {
            *out = f;
            break;
        }
    }
    return 0;
}

struct file_io {
    const uint8_t *file;
    size_t size;
    const struct pe_image *pe;
    pe_read_fn read;
    void *ctx;
};

static const uint8_t *io_image(void *ctx, uint64_t rva, uint64_t len)
{
    const struct file_io *f = ctx;

    return file_at_rva(f->file, f->size, f->pe, rva, len);
}

static int io_stack(void *ctx, uint64_t addr, uint64_t *value)
{
    const struct file_io *f = ctx;

    return f->read(f->ctx, addr, value);
}

int pe_unwind_step(const uint8_t *file, size_t size, const struct pe_image *pe,
                   uint64_t image_base, struct pe_unwind_regs *r, pe_read_fn read, void *ctx)
{
    if (!file || !pe || !r || !read)
        return K_EINVAL;
    if (r->rip < image_base || r->rip - image_base >= pe->size_of_image)
        return K_EINVAL;
    uint32_t rva = (uint32_t)(r->rip - image_base);
    const uint8_t *fn;
    int rc = find_function(file, size, pe, rva, &fn);

    if (rc < 0)
        return rc;
    if (!fn) {
        /* A leaf (no entry): the return address is on top. */
        uint64_t ret;
        if (read(ctx, r->gpr[REG_RSP], &ret))
            return K_EFAULT;
        r->rip = ret;
        r->gpr[REG_RSP] += 8;
        return 0;
    }
    struct file_io f = { file, size, pe, read, ctx };
    struct unwind_io io = { io_image, io_stack, &f };
    struct unwind_regs t = { .rip = r->rip, .xmm = NULL };
    for (int i = 0; i < 16; i++)
        t.gpr[i] = r->gpr[i];
    rc = unwind_frame(&io, le32_read(fn), le32_read(fn + 4), le32_read(fn + 8), rva, 0, &t, NULL);
    if (rc == UNWIND_BAD_STACK)
        return K_EFAULT;
    if (rc)
        return K_ENOEXEC;
    r->rip = t.rip;
    for (int i = 0; i < 16; i++)
        r->gpr[i] = t.gpr[i];
    return 0;
}
