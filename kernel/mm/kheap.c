/*
 * Kernel heap: a pure core over struct kheap and a page provider (host-tested), then
 * the kernel glue that feeds one global heap from the pmm through the direct map.
 * Slot state lives in a bitmap in the slab header, never in the free slots, so a
 * stray write after free cannot corrupt the allocator and a double free is always
 * seen. The debug checks run on every kfree/krealloc, not in a separate pass.
 */
#include <lib/string.h>
#include <mm/kheap.h>

#define KHEAP_MAGIC_SLAB  0x42414c53u /* "SLAB" */
#define KHEAP_MAGIC_LARGE 0x45475241u /* "ARGE" */
#define KHEAP_MAGIC_DEAD  0x44414544u /* a chunk given back to the provider */
#define KHEAP_LIVE        0x4556494cu
#define KHEAP_FREED       0x45455246u
#define KHEAP_CANARY      0x9e3779b97f4a7c15ull
#define KHEAP_MAP_WORDS   16

/* At the start of every slab chunk; slots follow it. */
struct kheap_slab {
    uint32_t magic;     /* KHEAP_MAGIC_SLAB */
    uint16_t class_idx; /* slot size is KHEAP_MIN_CLASS << class_idx */
    uint16_t capacity;  /* slots in this chunk */
    uint16_t in_use;
    uint16_t hint;      /* used[] word to search first */
    uint32_t slot;
    struct kheap_slab *next, *prev; /* in the class's partial list */
    uint64_t used[KHEAP_MAP_WORDS]; /* 1 = slot allocated */
};

/* At the start of every large block's chunk; the block follows it. */
struct kheap_large {
    uint32_t magic;   /* KHEAP_MAGIC_LARGE */
    uint32_t state;   /* KHEAP_LIVE or KHEAP_FREED */
    uint64_t size;    /* requested bytes */
    const void *site; /* debug heaps: who allocated or last resized it */
    uint32_t pages;
    uint32_t canary;  /* low half of KHEAP_CANARY ^ address, next to the block: an
                       * underflow hits it first */
};

/* Debug heaps: before each slab block. */
struct kheap_dbg {
    const void *site; /* who allocated or last resized it */
    uint32_t size;    /* requested bytes (a slab block is at most KHEAP_MAX_SMALL) */
    uint32_t canary;  /* low half of KHEAP_CANARY ^ address, next to the block */
};

#define SLAB_FIRST KHEAP_SLAB_HDR

_Static_assert(sizeof(struct kheap_slab) == KHEAP_SLAB_HDR, "slab header size");
_Static_assert(SLAB_FIRST % KHEAP_ALIGN == 0, "slots must stay aligned");
_Static_assert((KHEAP_CHUNK_SIZE - SLAB_FIRST) / KHEAP_MIN_CLASS <= KHEAP_MAP_WORDS * 64,
               "slot bitmap too small for the smallest class");
_Static_assert(sizeof(struct kheap_large) == KHEAP_LARGE_HDR, "large header size");
_Static_assert(sizeof(struct kheap_dbg) == KHEAP_DEBUG_HDR, "debug header size");
_Static_assert((KHEAP_MIN_CLASS << (KHEAP_CLASSES - 1)) == KHEAP_MAX_SMALL, "class table");

/* What kheap_locate found behind a caller's pointer. */
struct kheap_block {
    struct kheap_slab *slab;   /* or NULL for a large block */
    struct kheap_large *large; /* or NULL for a slab block */
    uint8_t *obj;              /* the slot (slab blocks) */
    size_t idx;                /* slot index (slab blocks) */
    size_t usable;             /* bytes the caller may use */
    size_t size;               /* requested size (debug), else usable */
};

static uint32_t canary_for(const void *p)
{
    return (uint32_t)(KHEAP_CANARY ^ (uint64_t)(uintptr_t)p);
}

/* ---- Debug heaps: live blocks by the site that allocated them ------------------- */

/* The table entry for site (claimed if new), or the catch-all entry when it is full. */
static struct kheap_site *site_entry(struct kheap *h, const void *site)
{
    size_t i = (size_t)(((uintptr_t)site >> 2) * 0x9e3779b97f4a7c15ull >> 56) % KHEAP_SITES;

    for (size_t n = 0; n < KHEAP_SITES; n++, i = (i + 1) % KHEAP_SITES) {
        struct kheap_site *e = &h->sites[i];
        if (e->site == site)
            return e;
        if (!e->site) {
            e->site = site;
            return e;
        }
    }
    return &h->site_overflow;
}

/* A debug block of `usable` bytes now belongs to site (or no longer to it). */
static void site_add(struct kheap *h, const void *site, size_t usable)
{
    struct kheap_site *e = site_entry(h, site ? site : (const void *)KHEAP_SITE_UNKNOWN);
    e->blocks++;
    e->bytes += usable;
}

static void site_remove(struct kheap *h, const void *site, size_t usable)
{
    struct kheap_site *e = site_entry(h, site ? site : (const void *)KHEAP_SITE_UNKNOWN);
    e->blocks--;
    e->bytes -= usable;
}

static bool report(struct kheap *h, const char *what, const void *ptr, size_t size)
{
    if (h->ops.fault)
        h->ops.fault(h->ops.ctx, what, ptr, size);
    return false;
}

/* Index of the first byte in p[0, n) that is not v, or n. */
static size_t first_not(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v)
            return i;
    return n;
}

static size_t slab_overhead(const struct kheap *h)
{
    return h->debug ? KHEAP_DEBUG_HDR + KHEAP_REDZONE_MIN : 0;
}

static bool fits_small(const struct kheap *h, size_t size)
{
    return size <= KHEAP_MAX_SMALL - slab_overhead(h);
}

static unsigned class_for(const struct kheap *h, size_t size)
{
    size_t need = size + slab_overhead(h);
    unsigned ci = 0;

    while ((size_t)(KHEAP_MIN_CLASS << ci) < need)
        ci++;
    return ci;
}

/* Pages for a large block of `size` bytes, or 0 if that overflows. */
static size_t large_pages_for(const struct kheap *h, size_t size)
{
    size_t overhead = KHEAP_LARGE_HDR + (h->debug ? KHEAP_REDZONE_MIN : 0);

    if (size > SIZE_MAX - overhead - PAGE_SIZE)
        return 0;
    size_t pages = (size + overhead + PAGE_SIZE - 1) / PAGE_SIZE;
    return pages <= UINT32_MAX ? pages : 0; /* kheap_large keeps 32 bits */
}

/* Pages from the provider, checked for the alignment kfree relies on. */
static void *chunk_alloc(struct kheap *h, size_t pages)
{
    if (!h->ops.alloc_pages)
        return NULL; /* not initialised */
    void *mem = h->ops.alloc_pages(h->ops.ctx, pages);
    if (mem && ((uintptr_t)mem & (KHEAP_CHUNK_SIZE - 1)) != 0) {
        h->ops.free_pages(h->ops.ctx, mem, pages);
        report(h, "page provider returned a misaligned chunk", mem, pages * PAGE_SIZE);
        return NULL;
    }
    return mem;
}

/* ---- Slabs --------------------------------------------------------------------- */

static void list_push(struct kheap_slab **head, struct kheap_slab *s)
{
    s->prev = NULL;
    s->next = *head;
    if (*head)
        (*head)->prev = s;
    *head = s;
}

static void list_remove(struct kheap_slab **head, struct kheap_slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        *head = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

static struct kheap_slab *slab_new(struct kheap *h, unsigned ci)
{
    struct kheap_slab *s = chunk_alloc(h, KHEAP_CHUNK_PAGES);

    if (!s)
        return NULL;
    memset(s, 0, sizeof *s);
    s->magic = KHEAP_MAGIC_SLAB;
    s->class_idx = (uint16_t)ci;
    s->slot = KHEAP_MIN_CLASS << ci;
    s->capacity = (uint16_t)((KHEAP_CHUNK_SIZE - SLAB_FIRST) / s->slot);
    if (h->debug) /* every free slot is poisoned, so reuse can check it */
        memset((uint8_t *)s + SLAB_FIRST, KHEAP_POISON_FREE, KHEAP_CHUNK_SIZE - SLAB_FIRST);
    h->stats.slab_pages += KHEAP_CHUNK_PAGES;
    return s;
}

static void slab_release(struct kheap *h, struct kheap_slab *s)
{
    s->magic = KHEAP_MAGIC_DEAD; /* a late kfree into it is reported, not obeyed */
    h->stats.slab_pages -= KHEAP_CHUNK_PAGES;
    h->ops.free_pages(h->ops.ctx, s, KHEAP_CHUNK_PAGES);
}

/* Marks a free slot allocated; the slab has one (it is on the partial list). */
static size_t slab_take(struct kheap_slab *s)
{
    size_t words = (s->capacity + 63u) / 64u;

    for (size_t n = 0; n < words; n++) {
        size_t w = (s->hint + n) % words;
        uint64_t avail = ~s->used[w];
        if (w == words - 1 && s->capacity % 64)
            avail &= (1ull << (s->capacity % 64)) - 1;
        if (avail) {
            size_t bit = (size_t)__builtin_ctzll(avail);
            s->used[w] |= 1ull << bit;
            s->hint = (uint16_t)w;
            s->in_use++;
            return w * 64 + bit;
        }
    }
    return SIZE_MAX;
}

static bool slab_slot_used(const struct kheap_slab *s, size_t idx)
{
    return (s->used[idx / 64] >> (idx % 64)) & 1;
}

/* In debug heaps: fill the block's requested bytes and its red zone. */
static void fill_block(uint8_t *ptr, size_t from, size_t size, size_t usable, bool zero)
{
    if (size > from)
        memset(ptr + from, zero ? 0 : KHEAP_POISON_ALLOC, size - from);
    memset(ptr + size, KHEAP_POISON_REDZONE, usable - size);
}

static void *alloc_small(struct kheap *h, size_t size, bool zero)
{
    unsigned ci = class_for(h, size);
    struct kheap_class *c = &h->classes[ci];
    struct kheap_slab *s = c->partial;

    if (!s) {
        s = c->spare;
        c->spare = NULL;
        if (!s)
            s = slab_new(h, ci);
        if (!s)
            return NULL;
        list_push(&c->partial, s);
    }
    size_t idx = slab_take(s);
    if (s->in_use == s->capacity)
        list_remove(&c->partial, s);

    uint8_t *obj = (uint8_t *)s + SLAB_FIRST + idx * s->slot;
    uint8_t *ptr = obj;
    size_t usable = s->slot;
    if (h->debug) {
        ptr = obj + KHEAP_DEBUG_HDR;
        usable -= KHEAP_DEBUG_HDR;
        if (first_not(obj, s->slot, KHEAP_POISON_FREE) != s->slot)
            report(h, "block written after it was freed", ptr, usable);
        struct kheap_dbg *d = (struct kheap_dbg *)obj;
        d->size = (uint32_t)size;
        d->canary = canary_for(obj);
        d->site = h->caller;
        site_add(h, h->caller, usable);
        fill_block(ptr, 0, size, usable, zero);
    } else if (zero) {
        memset(ptr, 0, size);
    }
    h->stats.live_allocs++;
    h->stats.bytes_in_use += usable;
    return ptr;
}

static void free_small(struct kheap *h, const struct kheap_block *b)
{
    struct kheap_slab *s = b->slab;
    struct kheap_class *c = &h->classes[s->class_idx];
    bool was_full = s->in_use == s->capacity;

    s->used[b->idx / 64] &= ~(1ull << (b->idx % 64));
    s->in_use--;
    h->stats.live_allocs--;
    h->stats.bytes_in_use -= b->usable;
    if (h->debug) {
        site_remove(h, ((const struct kheap_dbg *)b->obj)->site, b->usable);
        memset(b->obj, KHEAP_POISON_FREE, s->slot);
    }
    if (s->in_use == 0) {
        if (!was_full)
            list_remove(&c->partial, s);
        if (!c->spare)
            c->spare = s;
        else
            slab_release(h, s);
    } else if (was_full) {
        list_push(&c->partial, s);
    }
}

/* ---- Large blocks ---------------------------------------------------------------- */

static void *alloc_large(struct kheap *h, size_t size, bool zero)
{
    size_t pages = large_pages_for(h, size);
    struct kheap_large *l = pages ? chunk_alloc(h, pages) : NULL;

    if (!l)
        return NULL;
    l->magic = KHEAP_MAGIC_LARGE;
    l->state = KHEAP_LIVE;
    l->pages = (uint32_t)pages;
    l->size = size;
    l->canary = canary_for(l);
    l->site = h->caller;
    uint8_t *ptr = (uint8_t *)l + KHEAP_LARGE_HDR;
    size_t usable = pages * PAGE_SIZE - KHEAP_LARGE_HDR;
    if (h->debug) {
        site_add(h, h->caller, usable);
        fill_block(ptr, 0, size, usable, zero);
    } else if (zero)
        memset(ptr, 0, size);
    h->stats.live_allocs++;
    h->stats.large_allocs++;
    h->stats.large_pages += pages;
    h->stats.bytes_in_use += usable;
    return ptr;
}

static void free_large(struct kheap *h, const struct kheap_block *b)
{
    struct kheap_large *l = b->large;
    size_t pages = l->pages;

    if (h->debug) {
        site_remove(h, l->site, b->usable);
        memset((uint8_t *)l + KHEAP_LARGE_HDR, KHEAP_POISON_FREE, b->usable);
    }
    l->state = KHEAP_FREED; /* a second kfree, before the pages are reused, is seen */
    h->stats.live_allocs--;
    h->stats.large_allocs--;
    h->stats.large_pages -= pages;
    h->stats.bytes_in_use -= b->usable;
    h->ops.free_pages(h->ops.ctx, l, pages);
}

/* ---- Finding and checking a caller's block --------------------------------------- */

/* Checks the requested size and red zone of a debug block; false after a report. */
static bool check_redzone(struct kheap *h, const struct kheap_block *b, const uint8_t *ptr)
{
    if (first_not(ptr + b->size, b->usable - b->size, KHEAP_POISON_REDZONE) !=
        b->usable - b->size)
        return report(h, "overflow past the requested size (red zone overwritten)", ptr,
                      b->size);
    return true;
}

/* Resolves ptr to its block and runs every check; false after reporting a fault. */
static bool kheap_locate(struct kheap *h, void *ptr, struct kheap_block *b)
{
    uintptr_t a = (uintptr_t)ptr;
    uint8_t *chunk = (uint8_t *)(a & ~(uintptr_t)(KHEAP_CHUNK_SIZE - 1));
    size_t off = (size_t)(a - (uintptr_t)chunk);

    memset(b, 0, sizeof *b);
    if (a & (KHEAP_ALIGN - 1))
        return report(h, "misaligned pointer, not from kmalloc", ptr, 0);
    uint32_t magic = *(const uint32_t *)chunk;

    if (magic == KHEAP_MAGIC_SLAB) {
        struct kheap_slab *s = (struct kheap_slab *)chunk;
        size_t hdr = h->debug ? KHEAP_DEBUG_HDR : 0;
        size_t rel = off - SLAB_FIRST - hdr;
        if (off < SLAB_FIRST + hdr || rel % s->slot != 0 || rel / s->slot >= s->capacity)
            return report(h, "pointer not at the start of a heap block", ptr, s->slot);
        b->slab = s;
        b->idx = rel / s->slot;
        b->obj = chunk + SLAB_FIRST + b->idx * s->slot;
        b->usable = b->size = s->slot - hdr;
        if (!slab_slot_used(s, b->idx))
            return report(h, "double free (block is not allocated)", ptr, b->usable);
        if (h->debug) {
            const struct kheap_dbg *d = (const struct kheap_dbg *)b->obj;
            if (d->canary != canary_for(b->obj) || d->size + KHEAP_REDZONE_MIN > b->usable)
                return report(h, "header before the block overwritten (underflow)", ptr,
                              b->usable);
            b->size = (size_t)d->size;
            return check_redzone(h, b, ptr);
        }
        return true;
    }
    if (magic == KHEAP_MAGIC_LARGE) {
        struct kheap_large *l = (struct kheap_large *)chunk;
        if (off != KHEAP_LARGE_HDR)
            return report(h, "pointer not at the start of a heap block", ptr, 0);
        if (l->state == KHEAP_FREED)
            return report(h, "double free (block is not allocated)", ptr, (size_t)l->size);
        if (l->state != KHEAP_LIVE || l->canary != canary_for(l) || l->pages == 0 ||
            l->size > (uint64_t)l->pages * PAGE_SIZE - KHEAP_LARGE_HDR)
            return report(h, "header before the block overwritten (underflow)", ptr, 0);
        b->large = l;
        b->usable = b->size = (size_t)((uint64_t)l->pages * PAGE_SIZE - KHEAP_LARGE_HDR);
        if (h->debug) {
            b->size = (size_t)l->size;
            return check_redzone(h, b, ptr);
        }
        return true;
    }
    if (magic == KHEAP_MAGIC_DEAD)
        return report(h, "double free (its slab was already released)", ptr, 0);
    return report(h, "pointer into no heap block (bad chunk header)", ptr, 0);
}

/* ---- Public core ------------------------------------------------------------------- */

void kheap_core_init(struct kheap *h, const struct kheap_ops *ops, bool debug)
{
    memset(h, 0, sizeof *h);
    h->ops = *ops;
    h->debug = debug;
}

void *kheap_core_alloc(struct kheap *h, size_t size, bool zero)
{
    return fits_small(h, size) ? alloc_small(h, size, zero) : alloc_large(h, size, zero);
}

void *kheap_core_calloc(struct kheap *h, size_t n, size_t size)
{
    size_t total;

    if (__builtin_mul_overflow(n, size, &total))
        return NULL;
    return kheap_core_alloc(h, total, true);
}

void kheap_core_free(struct kheap *h, void *ptr)
{
    struct kheap_block b;

    if (!ptr || !kheap_locate(h, ptr, &b))
        return;
    if (b.slab)
        free_small(h, &b);
    else
        free_large(h, &b);
}

void *kheap_core_realloc(struct kheap *h, void *ptr, size_t size)
{
    struct kheap_block b;

    if (!ptr)
        return kheap_core_alloc(h, size, false);
    if (size == 0) {
        kheap_core_free(h, ptr);
        return NULL;
    }
    if (!kheap_locate(h, ptr, &b))
        return NULL;

    bool same_home = b.slab ? fits_small(h, size) && class_for(h, size) == b.slab->class_idx
                            : !fits_small(h, size) && large_pages_for(h, size) == b.large->pages;
    if (same_home) {
        if (h->debug) { /* the block now belongs to the caller that resized it */
            fill_block(ptr, b.size, size, b.usable, false);
            const void **site = b.slab ? &((struct kheap_dbg *)b.obj)->site : &b.large->site;
            site_remove(h, *site, b.usable);
            site_add(h, h->caller, b.usable);
            *site = h->caller;
            if (b.slab)
                ((struct kheap_dbg *)b.obj)->size = (uint32_t)size;
            else
                b.large->size = size;
        }
        return ptr;
    }
    void *moved = kheap_core_alloc(h, size, false);
    if (!moved)
        return NULL;
    memcpy(moved, ptr, b.size < size ? b.size : size);
    kheap_core_free(h, ptr);
    return moved;
}

void kheap_core_trim(struct kheap *h)
{
    for (unsigned i = 0; i < KHEAP_CLASSES; i++) {
        if (h->classes[i].spare) {
            slab_release(h, h->classes[i].spare);
            h->classes[i].spare = NULL;
        }
    }
}

void kheap_core_stats(const struct kheap *h, struct kheap_stats *out)
{
    *out = h->stats;
}

size_t kheap_core_sites(const struct kheap *h, struct kheap_site *out, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < KHEAP_SITES + 1; i++) {
        const struct kheap_site *e = i < KHEAP_SITES ? &h->sites[i] : &h->site_overflow;
        if (!e->blocks)
            continue;
        if (n < max)
            out[n] = *e;
        n++;
    }
    return n;
}

/* ---- Kernel glue ---------------------------------------------------------------------
 * Host unit tests compile this file as hosted C and use only the core above. */
#if !__STDC_HOSTED__
#include <core/lock_order.h>
#include <core/panic.h>
#include <core/printk.h>
#include <core/spinlock.h>
#include <mm/fault_inject.h>
#include <mm/pmm.h>

static struct spinlock kheap_lock = SPINLOCK_INIT_RANKED("kheap", LOCK_RANK_KHEAP);
/* protected by kheap_lock */
static struct kheap kheap_global;
static paddr_t kheap_phys_limit = (paddr_t)BOOT_DIRECT_MAP_GIB << 30;

static void *kheap_kernel_alloc_pages(void *ctx, size_t n)
{
    (void)ctx;
    paddr_t pa = pmm_alloc_contig_below(n, KHEAP_CHUNK_PAGES, kheap_phys_limit);
    return pa ? phys_to_virt(pa) : NULL;
}

static void kheap_kernel_free_pages(void *ctx, void *p, size_t n)
{
    (void)ctx;
    pmm_free_contig((paddr_t)((uintptr_t)p - DIRECT_MAP_BASE), n);
}

static void kheap_kernel_fault(void *ctx, const char *what, const void *ptr, size_t size)
{
    (void)ctx;
    panic("kheap: %s: block %p, size %zu", what, ptr, size);
}

void kheap_init(void)
{
    static const struct kheap_ops ops = {
        .alloc_pages = kheap_kernel_alloc_pages,
        .free_pages = kheap_kernel_free_pages,
        .fault = kheap_kernel_fault,
    };
#ifdef DORMER_DEBUG
    const bool debug = true;
#else
    const bool debug = false;
#endif

    spin_lock(&kheap_lock);
    kheap_core_init(&kheap_global, &ops, debug);
    spin_unlock(&kheap_lock);
    pr_info("kheap: slabs of %d..%d bytes, whole pages above; debug checks %s\n",
            KHEAP_MIN_CLASS, KHEAP_MAX_SMALL, debug ? "on" : "off");
}

void kheap_set_phys_limit(paddr_t limit)
{
    spin_lock(&kheap_lock);
    kheap_phys_limit = limit;
    spin_unlock(&kheap_lock);
}

void *kmalloc(size_t size)
{
    if (fault_inject_fail_now(__builtin_return_address(0)))
        return NULL;
    spin_lock(&kheap_lock);
    kheap_global.caller = __builtin_return_address(0);
    void *p = kheap_core_alloc(&kheap_global, size, false);
    spin_unlock(&kheap_lock);
    return p;
}

void *kcalloc(size_t n, size_t size)
{
    if (fault_inject_fail_now(__builtin_return_address(0)))
        return NULL;
    spin_lock(&kheap_lock);
    kheap_global.caller = __builtin_return_address(0);
    void *p = kheap_core_calloc(&kheap_global, n, size);
    spin_unlock(&kheap_lock);
    return p;
}

void *krealloc(void *ptr, size_t size)
{
    if (size != 0 && fault_inject_fail_now(__builtin_return_address(0)))
        return NULL; /* as a real failure: the old block stays */
    spin_lock(&kheap_lock);
    kheap_global.caller = __builtin_return_address(0);
    void *p = kheap_core_realloc(&kheap_global, ptr, size);
    spin_unlock(&kheap_lock);
    return p;
}

void kfree(void *ptr)
{
    spin_lock(&kheap_lock);
    kheap_core_free(&kheap_global, ptr);
    spin_unlock(&kheap_lock);
}

void kheap_trim(void)
{
    spin_lock(&kheap_lock);
    kheap_core_trim(&kheap_global);
    spin_unlock(&kheap_lock);
}

void kheap_get_stats(struct kheap_stats *out)
{
    spin_lock(&kheap_lock);
    kheap_core_stats(&kheap_global, out);
    spin_unlock(&kheap_lock);
}

size_t kheap_get_sites(struct kheap_site *out, size_t max)
{
    spin_lock(&kheap_lock);
    size_t n = kheap_core_sites(&kheap_global, out, max);
    spin_unlock(&kheap_lock);
    return n;
}
#endif /* !__STDC_HOSTED__ */
