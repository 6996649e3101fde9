/*
 * x64 stack unwinding from an image's exception directory (.pdata / .xdata), the
 * way Windows walks stacks: code built without frame pointers (mingw's default at
 * -O2) still describes every prolog, so a backtrace can step from a frame to its
 * caller. Reads the tables from the image FILE and the stack through a callback,
 * so neither a hostile image nor a corrupt stack can make it read out of bounds.
 * Each UNWIND_INFO is checked whole before it is applied, and a step works on a copy
 * of the registers: a rejected table or an unreadable stack leaves the caller's intact.
 */
#include <lib/bytes.h>
#include <lib/errno.h>
#include <loader/pe.h>

#define REG_RSP              4
#define MAX_CHAIN            8 /* chained entries followed before calling it a loop */

/*
 * UNWIND_INFO (4-byte header, then the codes):
 *   +0 u8 Version:3 Flags:5  +1 u8 SizeOfProlog  +2 u8 CountOfCodes
 *   +3 u8 FrameRegister:4 FrameOffset:4 (scaled by 16)
 *   +4 u16 slots[CountOfCodes], in reverse prolog order; each code is
 *      u8 offset of the END of its prolog instruction, u8 op:4 info:4, then 0-2
 *      operand slots. With UNW_FLAG_CHAININFO the parent's RUNTIME_FUNCTION
 *      {u32 begin, end, info} follows at +4 + 2 * round_up(CountOfCodes, 2).
 */
struct unwind_info {
    uint8_t prolog, count, frame_reg, frame_off;
    const uint8_t *codes; /* count * 2 bytes of the file (not read when count is 0) */
    const uint8_t *chain; /* parent RUNTIME_FUNCTION, or NULL */
};

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

static int read_info(const uint8_t *file, size_t size, const struct pe_image *pe, uint32_t rva,
                     struct unwind_info *u)
{
    const uint8_t *h = file_at_rva(file, size, pe, rva, 4);

    if (!h || (h[0] & 7) < 1 || (h[0] & 7) > 2)
        return K_ENOEXEC;
    u->prolog = h[1];
    u->count = h[2];
    u->frame_reg = h[3] & 15;
    u->frame_off = h[3] >> 4;
    u->codes = u->count ? file_at_rva(file, size, pe, (uint64_t)rva + 4, 2ull * u->count) : h;
    u->chain = NULL;
    if (!u->codes)
        return K_ENOEXEC;
    if ((h[0] >> 3) & UNW_FLAG_CHAININFO) {
        u->chain = file_at_rva(file, size, pe, (uint64_t)rva + 4 + 2ull * ((u->count + 1u) & ~1u),
                               12);
        if (!u->chain)
            return K_ENOEXEC;
    }
    return 0;
}

/* Slots a code takes (1-3), or 0 for one this unwinder does not know (or malformed). */
static unsigned code_slots(const uint8_t *c)
{
    unsigned op = c[1] & 15, info = c[1] >> 4;

    switch (op) {
    case UWOP_PUSH_NONVOL:
    case UWOP_ALLOC_SMALL:
    case UWOP_SET_FPREG:
        return 1;
    case UWOP_PUSH_MACHFRAME:
        return info <= 1 ? 1 : 0;
    case UWOP_ALLOC_LARGE:
        return info == 0 ? 2 : info == 1 ? 3 : 0;
    case UWOP_SAVE_NONVOL:
    case UWOP_SAVE_XMM128:
        return 2;
    case UWOP_SAVE_NONVOL_FAR:
    case UWOP_SAVE_XMM128_FAR:
        return 3;
    default:
        return 0;
    }
}

/* Bytes the code's prolog instruction moved RSP down by (pushes and allocations). */
static uint64_t code_alloc(const uint8_t *c)
{
    unsigned info = c[1] >> 4;

    switch (c[1] & 15) {
    case UWOP_PUSH_NONVOL:
        return 8;
    case UWOP_ALLOC_SMALL:
        return 8ull * info + 8;
    case UWOP_ALLOC_LARGE:
        return info == 0 ? 8ull * le16_read(c + 2) : le32_read(c + 2);
    default:
        return 0;
    }
}

/*
 * Undoes the part of one function's prolog that has run at `pc_off` bytes into it
 * (all of it for a chained parent, `all`). A code has run once the PC reached the end
 * of its instruction; past SizeOfProlog, all have. Returns 0, 1 when a machine frame
 * replaced RIP and RSP (no return address to pop), or a negative error.
 */
static int undo_prolog(const struct unwind_info *u, uint32_t pc_off, bool all,
                       struct pe_unwind_regs *t, pe_read_fn read, void *ctx)
{
    bool past_prolog = all || pc_off >= u->prolog;
    uint64_t pending = 0; /* allocated by the part of the prolog not yet run */
    bool fp_set = false;
    unsigned i, n;

    for (i = 0; i < u->count; i += n) {
        const uint8_t *c = u->codes + 2 * i;
        unsigned op = c[1] & 15;
        n = code_slots(c);
        if (n == 0 || i + n > u->count)
            return K_ENOEXEC;
        if (op == UWOP_SET_FPREG && u->frame_reg == 0)
            return K_ENOEXEC;
        if (op == UWOP_PUSH_MACHFRAME && (i + n != u->count || u->chain))
            return K_ENOEXEC; /* an interrupt frame is the first thing pushed */
        if (!past_prolog && c[0] > pc_off)
            pending += code_alloc(c);
        else if (op == UWOP_SET_FPREG)
            fp_set = true;
    }

    /* SAVE_* offsets count from the bottom of the fixed allocation: the frame register
     * minus its offset once the prolog has set it (RSP may since have moved, e.g. by
     * alloca), else RSP as it stands at the end of the prolog. Easy to get wrong: RSP
     * while undoing is not it, as saves may precede pushes and allocations. */
    uint64_t rsp = t->gpr[REG_RSP];
    uint64_t frame = fp_set ? t->gpr[u->frame_reg] - 16ull * u->frame_off : rsp - pending;

    for (i = 0; i < u->count; i += n) {
        const uint8_t *c = u->codes + 2 * i;
        unsigned op = c[1] & 15, reg = c[1] >> 4;
        uint64_t v;
        n = code_slots(c);
        if (!past_prolog && c[0] > pc_off)
            continue;
        switch (op) {
        case UWOP_PUSH_NONVOL:
            if (read(ctx, rsp, &v))
                return K_EFAULT;
            t->gpr[reg] = v;
            rsp += 8;
            break;
        case UWOP_ALLOC_SMALL:
        case UWOP_ALLOC_LARGE:
            rsp += code_alloc(c);
            break;
        case UWOP_SET_FPREG:
            rsp = frame;
            break;
        case UWOP_SAVE_NONVOL:
        case UWOP_SAVE_NONVOL_FAR:
            v = op == UWOP_SAVE_NONVOL ? 8ull * le16_read(c + 2) : le32_read(c + 2);
            if (read(ctx, frame + v, &v))
                return K_EFAULT;
            t->gpr[reg] = v;
            break;
        case UWOP_PUSH_MACHFRAME: {
            /* RIP, CS, RFLAGS, RSP, SS, after an error code when info is 1. */
            uint64_t base = rsp + (reg ? 8 : 0);
            if (read(ctx, base, &t->rip) || read(ctx, base + 24, &rsp))
                return K_EFAULT;
            t->gpr[REG_RSP] = rsp;
            return 1;
        }
        default: /* XMM saves: no XMM registers are tracked */
            break;
        }
    }
    t->gpr[REG_RSP] = rsp;
    return 0;
}

int pe_unwind_step(const uint8_t *file, size_t size, const struct pe_image *pe,
                   uint64_t image_base, struct pe_unwind_regs *r, pe_read_fn read, void *ctx)
{
    if (!file || !pe || !r || !read)
        return K_EINVAL;
    if (r->rip < image_base || r->rip - image_base >= pe->size_of_image)
        return K_EINVAL;
    uint32_t rva = (uint32_t)(r->rip - image_base);
    struct pe_unwind_regs t = *r;
    const uint8_t *fn;
    int rc = find_function(file, size, pe, rva, &fn);

    for (int link = 0; rc == 0 && fn; link++) {
        struct unwind_info u;
        if (link > MAX_CHAIN)
            return K_ENOEXEC;
        rc = read_info(file, size, pe, le32_read(fn + 8), &u);
        if (rc < 0)
            return rc;
        rc = undo_prolog(&u, rva - le32_read(fn), link > 0, &t, read, ctx);
        fn = u.chain;
    }
    if (rc < 0)
        return rc;
    if (rc == 0) {
        /* A leaf (no entry) or an undone prolog: the return address is on top. */
        if (read(ctx, t.gpr[REG_RSP], &t.rip))
            return K_EFAULT;
        t.gpr[REG_RSP] += 8;
    }
    *r = t;
    return 0;
}
