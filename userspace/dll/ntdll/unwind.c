/*
 * x64 unwinding in user mode, as Windows' ntdll does it: RtlLookupFunctionEntry finds
 * the RUNTIME_FUNCTION of a PC in the loaded images (the loader's module list) or in
 * tables added with RtlAddFunctionTable; RtlVirtualUnwind undoes one frame's prolog
 * into a CONTEXT and names the frame's language handler. Every RVA is checked against
 * the image size, so a corrupt table ends a walk instead of reading wild memory.
 * Differences from Windows: epilogs are not recognised (a PC inside one unwinds as if
 * the body), and KNONVOLATILE_CONTEXT_POINTERS are not filled in.
 */
#include <dormer.h>

#include "ntdll_except.h"

#define EXPORT __declspec(dllexport)

#define UWOP_PUSH_NONVOL     0
#define UWOP_ALLOC_LARGE     1
#define UWOP_ALLOC_SMALL     2
#define UWOP_SET_FPREG       3
#define UWOP_SAVE_NONVOL     4
#define UWOP_SAVE_NONVOL_FAR 5
#define UWOP_SAVE_XMM128     8
#define UWOP_SAVE_XMM128_FAR 9
#define UWOP_PUSH_MACHFRAME  10
#define UNW_FLAG_CHAININFO   4
#define MAX_CHAIN            8
#define DYN_TABLES           16

struct dyn_table {
    struct ntdll_runtime_function *table;
    uint32_t count;
    uint64_t base;
};

static struct dyn_table dyn_tables[DYN_TABLES];
static struct dormer_lock dyn_lock;

/* The image (base, size) holding pc, from the loader's list; 0 if none. */
static uint64_t image_of(uint64_t pc, uint32_t *size)
{
    struct dormer_ldr_data *ldr = (struct dormer_ldr_data *)(uintptr_t)DormerGetPeb()->ldr;
    uint64_t head = (uint64_t)(uintptr_t)&ldr->in_load_order;

    for (uint64_t l = ldr->in_load_order.flink; l && l != head;) {
        const struct dormer_ldr_entry *e = (const struct dormer_ldr_entry *)(uintptr_t)l;
        if (pc >= e->dll_base && pc - e->dll_base < e->size_of_image) {
            *size = e->size_of_image;
            return e->dll_base;
        }
        l = e->in_load_order_links.flink;
    }
    return 0;
}

EXPORT void *RtlPcToFileHeader(void *pc, void **base)
{
    uint32_t size;
    uint64_t b = image_of((uint64_t)(uintptr_t)pc, &size);

    *base = (void *)(uintptr_t)b;
    return *base;
}

/* The exception directory of the image at base: its entries and count. */
static const struct ntdll_runtime_function *image_pdata(uint64_t base, uint32_t size,
                                                        uint32_t *count)
{
    const uint8_t *img = (const uint8_t *)(uintptr_t)base;
    uint32_t lfanew = *(const uint32_t *)(img + 0x3c);
    *count = 0;
    if (lfanew > size - 0x200)
        return NULL;
    const uint8_t *opt = img + lfanew + 24;
    uint32_t ndirs = *(const uint32_t *)(opt + 108);
    if (ndirs <= 3)
        return NULL;
    uint32_t rva = *(const uint32_t *)(opt + 112 + 3 * 8);
    uint32_t bytes = *(const uint32_t *)(opt + 116 + 3 * 8);
    if (!rva || rva >= size || bytes > size - rva)
        return NULL;
    *count = bytes / sizeof(struct ntdll_runtime_function);
    return (const struct ntdll_runtime_function *)(img + rva);
}

static const struct ntdll_runtime_function *search(const struct ntdll_runtime_function *t,
                                                   uint32_t count, uint32_t rva)
{
    uint32_t lo = 0, hi = count;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (rva < t[mid].begin)
            hi = mid;
        else if (rva >= t[mid].end)
            lo = mid + 1;
        else
            return &t[mid];
    }
    return NULL;
}

EXPORT struct ntdll_runtime_function *RtlLookupFunctionEntry(uint64_t pc, uint64_t *base,
                                                             void *history)
{
    uint32_t size, count;
    uint64_t b = image_of(pc, &size);

    (void)history;
    *base = 0;
    if (b) {
        const struct ntdll_runtime_function *t = image_pdata(b, size, &count);
        const struct ntdll_runtime_function *f = t ? search(t, count, (uint32_t)(pc - b)) : NULL;
        if (f)
            *base = b;
        return (struct ntdll_runtime_function *)f;
    }
    DormerAcquireLock(&dyn_lock);
    for (int i = 0; i < DYN_TABLES; i++) {
        struct dyn_table *d = &dyn_tables[i];
        if (d->table && pc >= d->base && pc - d->base < 0x100000000ull) {
            const struct ntdll_runtime_function *f =
                search(d->table, d->count, (uint32_t)(pc - d->base));
            if (f) {
                *base = d->base;
                DormerReleaseLock(&dyn_lock);
                return (struct ntdll_runtime_function *)f;
            }
        }
    }
    DormerReleaseLock(&dyn_lock);
    return NULL;
}

EXPORT uint8_t RtlAddFunctionTable(struct ntdll_runtime_function *table, uint32_t count,
                                   uint64_t base)
{
    uint8_t ok = 0;

    DormerAcquireLock(&dyn_lock);
    for (int i = 0; i < DYN_TABLES && !ok; i++) {
        if (!dyn_tables[i].table) {
            dyn_tables[i] = (struct dyn_table){ table, count, base };
            ok = 1;
        }
    }
    DormerReleaseLock(&dyn_lock);
    return ok;
}

EXPORT uint8_t RtlDeleteFunctionTable(struct ntdll_runtime_function *table)
{
    uint8_t ok = 0;

    DormerAcquireLock(&dyn_lock);
    for (int i = 0; i < DYN_TABLES && !ok; i++) {
        if (dyn_tables[i].table == table) {
            dyn_tables[i].table = NULL;
            ok = 1;
        }
    }
    DormerReleaseLock(&dyn_lock);
    return ok;
}

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

static uint32_t rd16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t rd32(const uint8_t *p)
{
    return rd16(p) | rd16(p + 2) << 16;
}

/* One 8-byte word of the calling thread's stack (TEB StackLimit..StackBase): 0 if the
 * address is outside it, so a corrupt frame ends a walk instead of faulting in it. */
static int stack_read(uint64_t at, uint64_t *v)
{
    const struct dormer_teb *teb = DormerGetTeb();

    if (at < teb->stack_limit || at >= teb->stack_base || teb->stack_base - at < 8 || (at & 7))
        return 0;
    *v = *(const uint64_t *)(uintptr_t)at;
    return 1;
}

/* True if [rva, rva + len) lies in the image. */
static int in_image(uint64_t base, uint64_t rva, uint64_t len)
{
    uint32_t size = 0;

    if (image_of(base, &size) != base)
        return 1; /* a dynamic table: its owner vouches for it */
    return rva < size && len <= size - rva;
}

EXPORT void *RtlVirtualUnwind(uint32_t type, uint64_t base, uint64_t pc,
                              struct ntdll_runtime_function *fn, struct dormer_context *ctx,
                              void **handler_data, uint64_t *frame, void *ctx_pointers)
{
    uint64_t *gpr = ctx->gpr;
    uint32_t pc_off = (uint32_t)(pc - base - fn->begin);
    void *handler = NULL;
    int machframe = 0;

    (void)ctx_pointers;
    *handler_data = NULL;
    *frame = gpr[4];
    for (int link = 0; fn && link <= MAX_CHAIN; link++) {
        uint32_t info_rva = fn->unwind;
        if (!in_image(base, info_rva, 4))
            goto bad;
        const uint8_t *h = (const uint8_t *)(uintptr_t)(base + info_rva);
        unsigned flags = h[0] >> 3, prolog = h[1], count = h[2];
        unsigned freg = h[3] & 15, foff = h[3] >> 4;
        const uint8_t *codes = h + 4;
        int all = link > 0 || pc_off >= prolog;
        if ((h[0] & 7) < 1 || (h[0] & 7) > 2 ||
            !in_image(base, (uint64_t)info_rva + 4, 2ull * ((count + 1) & ~1u) + 12))
            goto bad;
        if (link == 0) {
            if (freg && (all || 1)) {
                /* The frame register is set once its code has run. */
                int set = 0;
                for (unsigned i = 0; i < count; i += code_slots(codes + 2 * i) ?: 1)
                    if ((codes[2 * i + 1] & 15) == UWOP_SET_FPREG && (all || codes[2 * i] <= pc_off))
                        set = 1;
                *frame = set ? gpr[freg] - 16ull * foff : gpr[4];
            }
            if (pc_off >= prolog && (flags & type & 3)) {
                const uint8_t *p = codes + 2 * ((count + 1) & ~1u);
                handler = (void *)(uintptr_t)(base + rd32(p));
                *handler_data = (void *)(p + 4);
            }
        }
        /* Where SAVE_* offsets count from: the frame register's base once set, else RSP
         * at the end of the (partly run) prolog. */
        uint64_t pending = 0;
        int fp_set = 0;
        for (unsigned i = 0, n; i < count; i += n) {
            const uint8_t *c = codes + 2 * i;
            n = code_slots(c);
            if (!n || i + n > count)
                goto bad;
            unsigned op = c[1] & 15, info = c[1] >> 4;
            if (!all && c[0] > pc_off) {
                if (op == UWOP_PUSH_NONVOL)
                    pending += 8;
                else if (op == UWOP_ALLOC_SMALL)
                    pending += 8ull * info + 8;
                else if (op == UWOP_ALLOC_LARGE)
                    pending += info == 0 ? 8ull * rd16(c + 2) : rd32(c + 2);
            } else if (op == UWOP_SET_FPREG) {
                fp_set = 1;
            }
        }
        uint64_t rsp = gpr[4];
        uint64_t fbase = fp_set ? gpr[freg] - 16ull * foff : rsp - pending;
        for (unsigned i = 0, n; i < count; i += n) {
            const uint8_t *c = codes + 2 * i;
            unsigned op = c[1] & 15, info = c[1] >> 4;
            n = code_slots(c);
            if (!all && c[0] > pc_off)
                continue;
            switch (op) {
            case UWOP_PUSH_NONVOL:
                if (!stack_read(rsp, &gpr[info]))
                    goto bad;
                rsp += 8;
                break;
            case UWOP_ALLOC_SMALL:
                rsp += 8ull * info + 8;
                break;
            case UWOP_ALLOC_LARGE:
                rsp += info == 0 ? 8ull * rd16(c + 2) : rd32(c + 2);
                break;
            case UWOP_SET_FPREG:
                rsp = fbase;
                break;
            case UWOP_SAVE_NONVOL:
            case UWOP_SAVE_NONVOL_FAR:
                if (!stack_read(fbase + (op == UWOP_SAVE_NONVOL ? 8ull * rd16(c + 2) : rd32(c + 2)),
                                &gpr[info]))
                    goto bad;
                break;
            case UWOP_SAVE_XMM128:
            case UWOP_SAVE_XMM128_FAR: {
                uint64_t at = fbase + (op == UWOP_SAVE_XMM128 ? 16ull * rd16(c + 2) : rd32(c + 2));
                uint64_t lo, hi;
                if (!stack_read(at, &lo) || !stack_read(at + 8, &hi))
                    goto bad;
                const uint8_t *src = (const uint8_t *)(uintptr_t)at;
                for (int b = 0; b < 16; b++)
                    ctx->flt_save[0xa0 + 16 * info + b] = src[b];
                break;
            }
            case UWOP_PUSH_MACHFRAME: {
                uint64_t mb = rsp + (info ? 8 : 0);
                if (!stack_read(mb, &ctx->rip) || !stack_read(mb + 24, &rsp))
                    goto bad;
                machframe = 1;
                break;
            }
            }
        }
        gpr[4] = rsp;
        if (!(flags & UNW_FLAG_CHAININFO))
            break;
        if (link == MAX_CHAIN)
            goto bad; /* a chain that long is a loop */
        fn = (struct ntdll_runtime_function *)(uintptr_t)(codes + 2 * ((count + 1) & ~1u));
    }
    if (!machframe) {
        if (!stack_read(gpr[4], &ctx->rip))
            goto bad;
        gpr[4] += 8;
    }
    return handler;
bad:
    /* Damaged unwind data or a frame outside the stack: the walk ends here (RIP 0),
     * with no handler. */
    ctx->rip = 0;
    *handler_data = NULL;
    return NULL;
}
