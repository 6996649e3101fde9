/*
 * x64 unwinding in user mode, as Windows' ntdll does it: RtlLookupFunctionEntry finds
 * the RUNTIME_FUNCTION of a PC in the loaded images (the loader's module list) or in
 * tables added with RtlAddFunctionTable; RtlVirtualUnwind undoes one frame's prolog
 * into a CONTEXT and names the frame's language handler. Every RVA is checked against
 * the image size, so a corrupt table ends a walk instead of reading wild memory.
 * The unwind codes are interpreted by the kernel's own copy (kernel/lib/unwind.c, which
 * recognises epilogs as Windows does). Difference from Windows: KNONVOLATILE_CONTEXT_POINTERS
 * are not filled in.
 */
#include <dormer.h>

#include <lib/unwind.h>

#include "ntdll_except.h"

#define EXPORT __declspec(dllexport)

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

static const uint8_t *io_image(void *ctx, uint64_t rva, uint64_t len)
{
    uint64_t base = *(const uint64_t *)ctx;

    return in_image(base, rva, len) ? (const uint8_t *)(uintptr_t)(base + rva) : NULL;
}

static int io_stack(void *ctx, uint64_t addr, uint64_t *value)
{
    (void)ctx;
    return !stack_read(addr, value);
}

EXPORT void *RtlVirtualUnwind(uint32_t type, uint64_t base, uint64_t pc,
                              struct ntdll_runtime_function *fn, struct dormer_context *ctx,
                              void **handler_data, uint64_t *frame, void *ctx_pointers)
{
    struct unwind_io io = { io_image, io_stack, &base };
    struct unwind_regs r = { .rip = ctx->rip, .xmm = ctx->flt_save + 0xa0 };
    struct unwind_frame f;

    (void)ctx_pointers;
    for (int i = 0; i < 16; i++)
        r.gpr[i] = ctx->gpr[i];
    *handler_data = NULL;
    *frame = ctx->gpr[4];
    if (unwind_frame(&io, fn->begin, fn->end, fn->unwind, (uint32_t)(pc - base), type, &r, &f)) {
        /* Damaged unwind data or a frame outside the stack: the walk ends here (RIP 0),
         * with no handler. */
        ctx->rip = 0;
        return NULL;
    }
    ctx->rip = r.rip;
    for (int i = 0; i < 16; i++)
        ctx->gpr[i] = r.gpr[i];
    *frame = f.establisher;
    if (!f.handler)
        return NULL;
    *handler_data = (void *)(uintptr_t)(base + f.handler_data);
    return (void *)(uintptr_t)(base + f.handler);
}
