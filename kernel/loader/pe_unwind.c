/*
 * x64 stack unwinding from an image's exception directory (.pdata / .xdata), the
 * way Windows walks stacks: code built without frame pointers (mingw's default at
 * -O2) still describes every prolog, so a backtrace can step from a frame to its
 * caller. Reads the tables from the image FILE and the stack through a callback,
 * so neither a hostile image nor a corrupt stack can make it read out of bounds.
 */
#include <lib/bytes.h>
#include <lib/errno.h>
#include <loader/pe.h>

#define UWOP_PUSH_NONVOL     0
#define UWOP_ALLOC_LARGE     1
#define UWOP_ALLOC_SMALL     2
#define UWOP_SET_FPREG       3
#define UWOP_SAVE_NONVOL     4
#define UWOP_SAVE_NONVOL_FAR 5
#define UWOP_SAVE_XMM128     8
#define UWOP_SAVE_XMM128_FAR 9
#define UWOP_PUSH_MACHFRAME  10
#define UNW_FLAG_CHAININFO   0x4
#define REG_RSP              4
#define MAX_CHAIN            8

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

/* The RUNTIME_FUNCTION covering rva: binary search of the sorted directory. */
static const uint8_t *find_function(const uint8_t *file, size_t size, const struct pe_image *pe,
                                    uint32_t rva)
{
    const struct pe_dir *dir = &pe->dirs[PE_DIR_EXCEPTION];
    uint32_t count = dir->size / 12;
    const uint8_t *table = file_at_rva(file, size, pe, dir->rva, (uint64_t)count * 12);

    if (!table || count == 0)
        return NULL;
    uint32_t lo = 0, hi = count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const uint8_t *f = table + (uint64_t)mid * 12;
        if (rva < le32_read(f))
            hi = mid;
        else if (rva >= le32_read(f + 4))
            lo = mid + 1;
        else
            return f;
    }
    return NULL;
}

/* Undo one function's prolog (the part executed at offset `pc_off` into it). */
static int undo_prolog(const uint8_t *file, size_t size, const struct pe_image *pe,
                       uint32_t info_rva, uint32_t pc_off, bool chained,
                       struct pe_unwind_regs *r, pe_read_fn read, void *ctx, int depth)
{
    const uint8_t *info = file_at_rva(file, size, pe, info_rva, 4);

    if (!info || (info[0] & 7) < 1 || (info[0] & 7) > 2 || depth > MAX_CHAIN)
        return K_ENOEXEC;
    uint8_t flags = info[0] >> 3, prolog = info[1], count = info[2];
    uint8_t frame_reg = info[3] & 15, frame_off = info[3] >> 4;
    const uint8_t *codes = file_at_rva(file, size, pe, info_rva + 4, (uint64_t)count * 2);
    if (count && !codes)
        return K_ENOEXEC;

    (void)prolog;
    for (uint8_t i = 0; i < count;) {
        uint8_t at = codes[2 * i], op = codes[2 * i + 1] & 15, opinfo = codes[2 * i + 1] >> 4;
        bool done = chained || at <= pc_off; /* this prolog step has run */
        uint8_t slots = 1;
        uint64_t v;
        switch (op) {
        case UWOP_PUSH_NONVOL:
            if (done) {
                if (read(ctx, r->gpr[REG_RSP], &v))
                    return K_EFAULT;
                r->gpr[opinfo] = v;
                r->gpr[REG_RSP] += 8;
            }
            break;
        case UWOP_ALLOC_LARGE:
            slots = opinfo == 0 ? 2 : 3;
            if (i + slots > count)
                return K_ENOEXEC;
            if (done)
                r->gpr[REG_RSP] += opinfo == 0 ? 8ull * le16_read(codes + 2 * i + 2)
                                                : le32_read(codes + 2 * i + 2);
            break;
        case UWOP_ALLOC_SMALL:
            if (done)
                r->gpr[REG_RSP] += 8ull * opinfo + 8;
            break;
        case UWOP_SET_FPREG:
            /* From here down the prolog, RSP was the frame register minus the
             * offset: later allocations (listed before this code) are undone by it. */
            if (done && frame_reg)
                r->gpr[REG_RSP] = r->gpr[frame_reg] - 16ull * frame_off;
            break;
        case UWOP_SAVE_NONVOL:
        case UWOP_SAVE_NONVOL_FAR:
            slots = op == UWOP_SAVE_NONVOL ? 2 : 3;
            if (i + slots > count)
                return K_ENOEXEC;
            if (done) {
                uint64_t off = op == UWOP_SAVE_NONVOL ? 8ull * le16_read(codes + 2 * i + 2)
                                                      : le32_read(codes + 2 * i + 2);
                if (read(ctx, r->gpr[REG_RSP] + off, &v))
                    return K_EFAULT;
                r->gpr[opinfo] = v;
            }
            break;
        case UWOP_SAVE_XMM128:
        case UWOP_SAVE_XMM128_FAR:
            slots = op == UWOP_SAVE_XMM128 ? 2 : 3;
            break;
        case UWOP_PUSH_MACHFRAME:
            /* An interrupt frame: RIP and RSP come from it. */
            if (done) {
                uint64_t base = r->gpr[REG_RSP] + (opinfo ? 8 : 0);
                uint64_t rip, rsp;
                if (read(ctx, base, &rip) || read(ctx, base + 24, &rsp))
                    return K_EFAULT;
                r->rip = rip;
                r->gpr[REG_RSP] = rsp;
                return 1; /* caller must not pop a return address */
            }
            break;
        default:
            return K_ENOEXEC;
        }
        i += slots;
    }
    if (flags & UNW_FLAG_CHAININFO) {
        uint32_t aligned = (uint32_t)((count + 1u) & ~1u);
        const uint8_t *chain = file_at_rva(file, size, pe, info_rva + 4 + 2ull * aligned, 12);
        if (!chain)
            return K_ENOEXEC;
        return undo_prolog(file, size, pe, le32_read(chain + 8), 0, true, r, read, ctx,
                           depth + 1);
    }
    return 0;
}

int pe_unwind_step(const uint8_t *file, size_t size, const struct pe_image *pe,
                   uint64_t image_base, struct pe_unwind_regs *r, pe_read_fn read, void *ctx)
{
    if (r->rip < image_base || r->rip - image_base >= pe->size_of_image)
        return K_EINVAL;
    uint32_t rva = (uint32_t)(r->rip - image_base);
    const uint8_t *fn = find_function(file, size, pe, rva);
    int rc = 0;

    if (fn) {
        rc = undo_prolog(file, size, pe, le32_read(fn + 8), rva - le32_read(fn), false, r, read,
                         ctx, 0);
        if (rc < 0)
            return rc;
    }
    if (rc == 0) {
        /* A leaf (no entry) or an undone prolog: the return address is on top. */
        uint64_t ret;
        if (read(ctx, r->gpr[REG_RSP], &ret))
            return K_EFAULT;
        r->rip = ret;
        r->gpr[REG_RSP] += 8;
    }
    return 0;
}
