/*
 * x64 unwinding of one frame (see <lib/unwind.h>), compiled into the kernel and into
 * ntdll. Each UNWIND_INFO is checked whole before any of it is applied, and the step
 * works on a copy of the registers, so a rejected table or an unreadable stack leaves
 * the caller's intact. A PC inside an epilog is recognised from the code bytes and the
 * epilog emulated instead of the prolog undone (the prolog's allocations are already
 * gone there).
 */
#include <lib/string.h>
#include <lib/unwind.h>

#define REG_RSP   4
#define MAX_CHAIN 8 /* chained entries followed before calling it a loop */

/*
 * UNWIND_INFO (4-byte header, then the codes):
 *   +0 u8 Version:3 Flags:5  +1 u8 SizeOfProlog  +2 u8 CountOfCodes
 *   +3 u8 FrameRegister:4 FrameOffset:4 (scaled by 16)
 *   +4 u16 slots[CountOfCodes], in reverse prolog order; each code is
 *      u8 offset of the END of its prolog instruction, u8 op:4 info:4, then 0-2
 *      operand slots. After round_up(CountOfCodes, 2) slots: with UNW_FLAG_CHAININFO
 *      the parent's RUNTIME_FUNCTION {u32 begin, end, info}; with a handler flag the
 *      handler's u32 RVA, then its data.
 */
struct info {
    unsigned flags, prolog, count, frame_reg, frame_off;
    const uint8_t *codes; /* count * 2 bytes (not read when count is 0) */
    const uint8_t *tail;  /* 12 bytes after the codes (chain) or 4 (handler), or NULL */
    uint32_t tail_rva;
};

static uint32_t rd16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t rd32(const uint8_t *p)
{
    return rd16(p) | rd16(p + 2) << 16;
}

/* Slots a code takes (1-3), or 0 for one that does not exist (or is malformed). */
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
        return info == 0 ? 8ull * rd16(c + 2) : rd32(c + 2);
    default:
        return 0;
    }
}

static int read_info(const struct unwind_io *io, uint32_t rva, struct info *u)
{
    const uint8_t *h = io->image(io->ctx, rva, 4);

    if (!h || (h[0] & 7) < 1 || (h[0] & 7) > 2)
        return UNWIND_BAD_INFO;
    u->flags = h[0] >> 3;
    u->prolog = h[1];
    u->count = h[2];
    u->frame_reg = h[3] & 15;
    u->frame_off = h[3] >> 4;
    u->codes = u->count ? io->image(io->ctx, (uint64_t)rva + 4, 2ull * u->count) : h;
    if (!u->codes)
        return UNWIND_BAD_INFO;
    u->tail_rva = rva + 4 + 2 * ((u->count + 1u) & ~1u);
    u->tail = NULL;
    if (u->flags & UNW_FLAG_CHAININFO) {
        u->tail = io->image(io->ctx, u->tail_rva, 12);
        if (!u->tail)
            return UNWIND_BAD_INFO;
    } else if (u->flags & (UNW_FLAG_EHANDLER | UNW_FLAG_UHANDLER)) {
        u->tail = io->image(io->ctx, u->tail_rva, 4);
        if (!u->tail)
            return UNWIND_BAD_INFO;
    }
    /* Every code known and inside CountOfCodes; a machine frame only as the first
     * thing pushed, and never in a chained entry. */
    for (unsigned i = 0, n; i < u->count; i += n) {
        const uint8_t *c = u->codes + 2 * i;
        unsigned op = c[1] & 15;
        n = code_slots(c);
        if (n == 0 || i + n > u->count)
            return UNWIND_BAD_INFO;
        if (op == UWOP_SET_FPREG && u->frame_reg == 0)
            return UNWIND_BAD_INFO;
        if (op == UWOP_PUSH_MACHFRAME && (i + n != u->count || (u->flags & UNW_FLAG_CHAININFO)))
            return UNWIND_BAD_INFO;
    }
    return 0;
}

/* 1 if the frame register has been set at pc_off (all: past the prolog). */
static int frame_set(const struct info *u, uint32_t pc_off, int all)
{
    for (unsigned i = 0; u->frame_reg && i < u->count; i += code_slots(u->codes + 2 * i)) {
        const uint8_t *c = u->codes + 2 * i;
        if ((c[1] & 15) == UWOP_SET_FPREG && (all || c[0] <= pc_off))
            return 1;
    }
    return 0;
}

/*
 * Undoes the part of one function's prolog that has run at pc_off bytes into it (all of
 * it for a chained parent, or past SizeOfProlog). A code has run once the PC reached the
 * end of its instruction. Returns 0, 1 when a machine frame replaced RIP and RSP (no
 * return address to pop), or UNWIND_BAD_STACK.
 */
static int undo_prolog(const struct unwind_io *io, const struct info *u, uint32_t pc_off,
                       int all, struct unwind_regs *t)
{
    int past = all || pc_off >= u->prolog;
    uint64_t pending = 0; /* allocated by the part of the prolog not yet run */
    unsigned i, n;

    for (i = 0; i < u->count; i += n) {
        const uint8_t *c = u->codes + 2 * i;
        n = code_slots(c);
        if (!past && c[0] > pc_off)
            pending += code_alloc(c);
    }
    /* SAVE_* offsets count from the bottom of the fixed allocation: the frame register
     * minus its offset once the prolog has set it (RSP may since have moved, e.g. by
     * alloca), else RSP as it stands at the end of the prolog. Easy to get wrong: RSP
     * while undoing is not it, as saves may precede pushes and allocations. */
    uint64_t rsp = t->gpr[REG_RSP];
    uint64_t base = frame_set(u, pc_off, past) ? t->gpr[u->frame_reg] - 16ull * u->frame_off
                                               : rsp - pending;
    for (i = 0; i < u->count; i += n) {
        const uint8_t *c = u->codes + 2 * i;
        unsigned op = c[1] & 15, reg = c[1] >> 4;
        uint64_t v, at;
        n = code_slots(c);
        if (!past && c[0] > pc_off)
            continue;
        switch (op) {
        case UWOP_PUSH_NONVOL:
            if (io->stack(io->ctx, rsp, &v))
                return UNWIND_BAD_STACK;
            t->gpr[reg] = v;
            rsp += 8;
            break;
        case UWOP_ALLOC_SMALL:
        case UWOP_ALLOC_LARGE:
            rsp += code_alloc(c);
            break;
        case UWOP_SET_FPREG:
            rsp = base;
            break;
        case UWOP_SAVE_NONVOL:
        case UWOP_SAVE_NONVOL_FAR:
            at = base + (op == UWOP_SAVE_NONVOL ? 8ull * rd16(c + 2) : rd32(c + 2));
            if (io->stack(io->ctx, at, &v))
                return UNWIND_BAD_STACK;
            t->gpr[reg] = v;
            break;
        case UWOP_SAVE_XMM128:
        case UWOP_SAVE_XMM128_FAR: {
            uint64_t lo, hi;
            at = base + (op == UWOP_SAVE_XMM128 ? 16ull * rd16(c + 2) : rd32(c + 2));
            if (io->stack(io->ctx, at, &lo) || io->stack(io->ctx, at + 8, &hi))
                return UNWIND_BAD_STACK;
            if (t->xmm) {
                memcpy(t->xmm + 16 * reg, &lo, 8);
                memcpy(t->xmm + 16 * reg + 8, &hi, 8);
            }
            break;
        }
        case UWOP_PUSH_MACHFRAME:
            /* RIP, CS, RFLAGS, RSP, SS, after an error code when info is 1. */
            at = rsp + (reg ? 8 : 0);
            if (io->stack(io->ctx, at, &t->rip) || io->stack(io->ctx, at + 24, &rsp))
                return UNWIND_BAD_STACK;
            t->gpr[REG_RSP] = rsp;
            return 1;
        }
    }
    t->gpr[REG_RSP] = rsp;
    return 0;
}

/*
 * If the code at pc is an epilog (Windows' forms: `add rsp, imm` or `lea rsp,
 * [frame_reg + disp]`, then `pop` of non-volatile registers, then `ret`, or a `jmp` out
 * of the function, a tail call), runs what is left of it on *t and returns 1; 0 if it is
 * not one (t unchanged), or UNWIND_BAD_STACK.
 */
static int emulate_epilog(const struct unwind_io *io, uint32_t begin, uint32_t end,
                          uint32_t pc_rva, unsigned frame_reg, struct unwind_regs *t)
{
    uint32_t len = end - pc_rva < 32 ? end - pc_rva : 32;
    const uint8_t *p = len ? io->image(io->ctx, pc_rva, len) : NULL;
    uint64_t rsp = t->gpr[REG_RSP];
    uint32_t i = 0;

    if (!p)
        return 0;
    /* add rsp, imm8 / imm32 (REX.W 83 /0 ib, REX.W 81 /0 id) */
    if (len >= 4 && p[0] == 0x48 && p[1] == 0x83 && p[2] == 0xc4) {
        rsp += (uint64_t)(int64_t)(int8_t)p[3];
        i = 4;
    } else if (len >= 7 && p[0] == 0x48 && p[1] == 0x81 && p[2] == 0xc4) {
        rsp += (uint64_t)(int64_t)(int32_t)rd32(p + 3);
        i = 7;
    } else if (frame_reg && len >= 4 && (p[0] & 0xfe) == 0x48 && p[1] == 0x8d &&
               ((p[2] >> 3) & 7) == REG_RSP && (p[2] & 7) == (frame_reg & 7) &&
               (p[0] & 1) == (frame_reg >> 3) && (p[2] & 7) != 4) {
        /* lea rsp, [frame_reg + disp8/disp32] */
        unsigned mod = p[2] >> 6;
        if (mod == 1) {
            rsp = t->gpr[frame_reg] + (uint64_t)(int64_t)(int8_t)p[3];
            i = 4;
        } else if (mod == 2 && len >= 7) {
            rsp = t->gpr[frame_reg] + (uint64_t)(int64_t)(int32_t)rd32(p + 3);
            i = 7;
        } else {
            return 0;
        }
    }
    /* First pass: the pops, up to ret or a jump out of the function. */
    uint32_t pops_at = i;
    for (;;) {
        if (i < len && p[i] >= 0x58 && p[i] <= 0x5f) {
            i += 1;
        } else if (i + 1 < len && p[i] == 0x41 && p[i + 1] >= 0x58 && p[i + 1] <= 0x5f) {
            i += 2;
        } else {
            break;
        }
    }
    int ends = 0;
    if (i < len && p[i] == 0xc3) {
        ends = 1; /* ret */
    } else if (i + 1 < len && p[i] == 0xf3 && p[i + 1] == 0xc3) {
        ends = 1; /* rep ret */
    } else if (i + 4 < len && p[i] == 0xe9) {
        uint64_t target = (uint64_t)pc_rva + i + 5 + (uint64_t)(int64_t)(int32_t)rd32(p + i + 1);
        ends = target < begin || target >= end; /* a tail call, not a jump inside */
    } else if (i + 1 < len && ((p[i] == 0xff && p[i + 1] == 0x25) ||
                               (i + 2 < len && p[i] == 0x48 && p[i + 1] == 0xff &&
                                p[i + 2] == 0x25))) {
        ends = 1; /* jmp [rip + disp32]: a tail call through an import */
    }
    if (!ends)
        return 0;
    /* Second pass: run the pops, then the return. */
    struct unwind_regs w = *t;
    uint64_t v;
    for (uint32_t k = pops_at; k < i;) {
        unsigned reg = p[k] == 0x41 ? 8u + (p[k + 1] - 0x58u) : p[k] - 0x58u;
        k += p[k] == 0x41 ? 2 : 1;
        if (io->stack(io->ctx, rsp, &v))
            return UNWIND_BAD_STACK;
        w.gpr[reg] = v;
        rsp += 8;
    }
    if (io->stack(io->ctx, rsp, &w.rip))
        return UNWIND_BAD_STACK;
    w.gpr[REG_RSP] = rsp + 8;
    *t = w;
    return 1;
}

int unwind_frame(const struct unwind_io *io, uint32_t begin, uint32_t end, uint32_t info_rva,
                 uint32_t pc_rva, unsigned handler_type, struct unwind_regs *r,
                 struct unwind_frame *out)
{
    struct unwind_regs t = *r;
    uint8_t xmm[256];
    struct info u;
    uint32_t pc_off = pc_rva - begin;
    int rc;

    if (pc_rva < begin || pc_rva >= end)
        return UNWIND_BAD_INFO;
    if (r->xmm) {
        memcpy(xmm, r->xmm, sizeof xmm);
        t.xmm = xmm;
    }
    rc = read_info(io, info_rva, &u);
    if (rc)
        return rc;
    struct unwind_frame f = { .establisher = r->gpr[REG_RSP] };
    int past = pc_off >= u.prolog;
    if (frame_set(&u, pc_off, past))
        f.establisher = r->gpr[u.frame_reg] - 16ull * u.frame_off;
    if (past && !(u.flags & UNW_FLAG_CHAININFO) && (u.flags & handler_type & 3) && u.tail) {
        f.handler = rd32(u.tail);
        f.handler_data = u.tail_rva + 4;
    }
    /* In the body, a PC may be in one of the epilogs (only the primary entry's code is
     * looked at: a chained entry describes the same function's earlier prolog). */
    if (past) {
        rc = emulate_epilog(io, begin, end, pc_rva, u.frame_reg, &t);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            f.handler = f.handler_data = 0;
            f.in_epilog = 1;
            goto done;
        }
    }
    for (int link = 0;; link++) {
        rc = undo_prolog(io, &u, pc_off, link > 0, &t);
        if (rc < 0)
            return rc;
        if (!(u.flags & UNW_FLAG_CHAININFO))
            break;
        if (link == MAX_CHAIN)
            return UNWIND_BAD_INFO; /* a chain that long is a loop */
        uint32_t next = rd32(u.tail + 8);
        rc = read_info(io, next, &u);
        if (rc)
            return rc;
    }
    if (rc == 0) {
        /* An undone prolog: the return address is on top. */
        if (io->stack(io->ctx, t.gpr[REG_RSP], &t.rip))
            return UNWIND_BAD_STACK;
        t.gpr[REG_RSP] += 8;
    }
done:
    if (r->xmm)
        memcpy(r->xmm, xmm, sizeof xmm);
    t.xmm = r->xmm;
    *r = t;
    if (out)
        *out = f;
    return 0;
}
