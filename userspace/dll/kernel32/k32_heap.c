/*
 * Heaps (HeapCreate/HeapAlloc/...; msvcrt's malloc sits on the process heap). Small
 * blocks come from size classes carved out of 256 KiB arenas, with a free list per
 * class; blocks over 16 KiB get their own pages from the kernel and give them back when
 * freed. Every block has a 16-byte header just below it (its class, its heap and the
 * size asked for), so blocks stay 16-byte aligned as on Windows, and a pointer that
 * was never allocated, or is freed twice, is refused instead of corrupting a list.
 */
#include "k32.h"

#define HEAP_MAGIC_USED 0x4b48d00du
#define HEAP_MAGIC_FREE 0x4b48f4eeu
#define HEAP_MAGIC_HEAP 0x48656170u
#define HEAP_ARENA      (256u * 1024)
#define HEAP_SMALL_MAX  (16u * 1024)
#define HEAP_CLASS_LARGE 0xffffu
#define HEAP_MAX        256          /* heaps at once (HeapCreate) */
#define HEAP_CLASSES    48
#define HEAP_SIZE_MAX   ((SIZE_T)1 << 40)

struct block_header {
    uint32_t magic;
    uint16_t cls;     /* size class, or HEAP_CLASS_LARGE */
    uint16_t heap_id; /* index in heaps[] */
    uint64_t size;    /* bytes the caller asked for */
};
_Static_assert(sizeof(struct block_header) == 16, "keeps blocks 16-byte aligned");

/* A large block: its links, then the common header. */
struct large_block {
    struct large_block *prev, *next;
    struct block_header h;
};
_Static_assert(sizeof(struct large_block) == 32, "keeps blocks 16-byte aligned");

struct free_slot {
    struct free_slot *next;
};

struct arena {
    struct arena *next;
    uint64_t pad;
};

struct heap {
    uint32_t magic;
    uint16_t id;
    uint32_t flags;
    struct dormer_lock lock;
    /* protected by lock */
    struct free_slot *free[HEAP_CLASSES];
    struct arena *arenas;
    char *bump, *bump_end;   /* the unused tail of the newest arena */
    struct large_block *large;
};

static uint32_t class_size[HEAP_CLASSES];
static int class_count;
static struct heap *heaps[HEAP_MAX];
static struct dormer_lock heaps_lock = DORMER_LOCK_INIT;
static struct heap process_heap_storage;
static int classes_ready;

/* 16..128 in steps of 16, then four steps per power of two up to HEAP_SMALL_MAX. */
static void classes_init(void)
{
    int n = 0;

    for (uint32_t s = 16; s <= 128; s += 16)
        class_size[n++] = s;
    for (uint32_t p = 128; p < HEAP_SMALL_MAX; p *= 2)
        for (uint32_t q = 1; q <= 4; q++)
            class_size[n++] = p + q * (p / 4);
    class_count = n;
}

static int class_of(SIZE_T size)
{
    for (int i = 0; i < class_count; i++)
        if (size <= class_size[i])
            return i;
    return -1;
}

static void *page_alloc(uint64_t size)
{
    uint64_t base = 0;

    if (!NT_SUCCESS(DmAllocateVirtualMemory(&base, &size, MEM_RESERVE | MEM_COMMIT,
                                            PAGE_READWRITE)))
        return NULL;
    return (void *)(uintptr_t)base;
}

static void page_free(void *p)
{
    uint64_t base = (uint64_t)(uintptr_t)p, size = 0;

    DmFreeVirtualMemory(&base, &size, MEM_RELEASE);
}

static BOOL heap_register(struct heap *h)
{
    BOOL ok = FALSE;

    DormerAcquireLock(&heaps_lock);
    if (!classes_ready) {
        classes_init();
        classes_ready = 1;
    }
    for (int i = 0; i < HEAP_MAX; i++) {
        if (!heaps[i]) {
            heaps[i] = h;
            h->id = (uint16_t)i;
            ok = TRUE;
            break;
        }
    }
    DormerReleaseLock(&heaps_lock);
    return ok;
}

/* The heap a handle names, or NULL (last error set). */
static struct heap *heap_from_handle(HANDLE handle)
{
    struct heap *h = (struct heap *)handle;

    for (int i = 0; h && i < HEAP_MAX; i++)
        if (heaps[i] == h && h->magic == HEAP_MAGIC_HEAP)
            return h;
    k32_set_error(ERROR_INVALID_HANDLE);
    return NULL;
}

HANDLE k32_process_heap(void)
{
    static int made;
    struct heap *h = &process_heap_storage;

    if (__atomic_load_n(&made, __ATOMIC_ACQUIRE))
        return h;
    DormerAcquireLock(&heaps_lock);
    int done = made;
    DormerReleaseLock(&heaps_lock);
    if (!done) {
        h->magic = HEAP_MAGIC_HEAP;
        h->lock = (struct dormer_lock)DORMER_LOCK_INIT;
        if (heap_register(h))
            __atomic_store_n(&made, 1, __ATOMIC_RELEASE);
    }
    return h;
}

HANDLE WINAPI GetProcessHeap(void)
{
    return k32_process_heap();
}

HANDLE WINAPI HeapCreate(DWORD options, SIZE_T initial, SIZE_T maximum)
{
    struct heap *h = page_alloc(sizeof *h);

    (void)initial;
    (void)maximum; /* growable heaps only */
    if (!h) {
        k32_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    h->magic = HEAP_MAGIC_HEAP;
    h->flags = options;
    h->lock = (struct dormer_lock)DORMER_LOCK_INIT;
    if (!heap_register(h)) {
        page_free(h);
        k32_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    return h;
}

BOOL WINAPI HeapDestroy(HANDLE handle)
{
    struct heap *h = heap_from_handle(handle);

    if (!h)
        return FALSE;
    if (h == &process_heap_storage) {
        k32_set_error(ERROR_INVALID_PARAMETER); /* the process heap stays */
        return FALSE;
    }
    DormerAcquireLock(&heaps_lock);
    heaps[h->id] = NULL;
    DormerReleaseLock(&heaps_lock);
    for (struct large_block *b = h->large, *next; b; b = next) {
        next = b->next;
        page_free(b);
    }
    for (struct arena *a = h->arenas, *next; a; a = next) {
        next = a->next;
        page_free(a);
    }
    h->magic = 0;
    page_free(h);
    return TRUE;
}

/* A slot of class cls: from its free list, else from the newest arena. */
static struct block_header *small_alloc_locked(struct heap *h, int cls)
{
    uint32_t slot = sizeof(struct block_header) + class_size[cls];
    struct free_slot *f = h->free[cls];

    if (f) {
        h->free[cls] = f->next;
        return (struct block_header *)f - 1;
    }
    if ((size_t)(h->bump_end - h->bump) < slot) {
        struct arena *a = page_alloc(HEAP_ARENA);
        if (!a)
            return NULL;
        a->next = h->arenas;
        h->arenas = a;
        h->bump = (char *)(a + 1);
        h->bump_end = (char *)a + HEAP_ARENA;
    }
    struct block_header *b = (struct block_header *)h->bump;
    h->bump += slot;
    return b;
}

static void *heap_alloc(struct heap *h, DWORD flags, SIZE_T size)
{
    struct block_header *b;
    int cls = class_of(size ? size : 1);

    if (size > HEAP_SIZE_MAX)
        return NULL;
    if (cls >= 0) {
        DormerAcquireLock(&h->lock);
        b = small_alloc_locked(h, cls);
        DormerReleaseLock(&h->lock);
        if (!b)
            return NULL;
        b->cls = (uint16_t)cls;
    } else {
        struct large_block *lb = page_alloc(sizeof *lb + size);
        if (!lb)
            return NULL; /* fresh pages are already zero */
        DormerAcquireLock(&h->lock);
        lb->prev = NULL;
        lb->next = h->large;
        if (h->large)
            h->large->prev = lb;
        h->large = lb;
        DormerReleaseLock(&h->lock);
        b = &lb->h;
        b->cls = HEAP_CLASS_LARGE;
        flags &= ~HEAP_ZERO_MEMORY;
    }
    b->magic = HEAP_MAGIC_USED;
    b->heap_id = h->id;
    b->size = size;
    if (flags & HEAP_ZERO_MEMORY)
        memset(b + 1, 0, size);
    return b + 1;
}

/* The header of a block of heap h, or NULL if p is not one (last error set). */
static struct block_header *block_of(struct heap *h, LPCVOID p)
{
    struct block_header *b = (struct block_header *)p - 1;

    if (((uintptr_t)p & 15) != 0 || (uintptr_t)p < 0x10000 || b->magic != HEAP_MAGIC_USED ||
        b->heap_id != h->id ||
        (b->cls != HEAP_CLASS_LARGE && (b->cls >= class_count || b->size > class_size[b->cls]))) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    return b;
}

static void heap_free_block(struct heap *h, struct block_header *b)
{
    b->magic = HEAP_MAGIC_FREE;
    DormerAcquireLock(&h->lock);
    if (b->cls == HEAP_CLASS_LARGE) {
        struct large_block *lb = (struct large_block *)((char *)b - 16);
        if (lb->prev)
            lb->prev->next = lb->next;
        else
            h->large = lb->next;
        if (lb->next)
            lb->next->prev = lb->prev;
        DormerReleaseLock(&h->lock);
        page_free(lb);
        return;
    }
    struct free_slot *f = (struct free_slot *)(b + 1);
    f->next = h->free[b->cls];
    h->free[b->cls] = f;
    DormerReleaseLock(&h->lock);
}

LPVOID WINAPI HeapAlloc(HANDLE handle, DWORD flags, SIZE_T size)
{
    struct heap *h = heap_from_handle(handle);
    void *p;

    if (!h)
        return NULL;
    p = heap_alloc(h, flags, size);
    if (!p)
        k32_set_error(ERROR_NOT_ENOUGH_MEMORY);
    return p;
}

BOOL WINAPI HeapFree(HANDLE handle, DWORD flags, LPVOID p)
{
    struct heap *h = heap_from_handle(handle);
    struct block_header *b;

    (void)flags;
    if (!h)
        return FALSE;
    if (!p)
        return TRUE;
    b = block_of(h, p);
    if (!b)
        return FALSE;
    heap_free_block(h, b);
    return TRUE;
}

LPVOID WINAPI HeapReAlloc(HANDLE handle, DWORD flags, LPVOID p, SIZE_T size)
{
    struct heap *h = heap_from_handle(handle);
    struct block_header *b;
    void *fresh;

    if (!h)
        return NULL;
    if (!p) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    b = block_of(h, p);
    if (!b)
        return NULL;
    uint64_t old = b->size;
    BOOL fits = b->cls != HEAP_CLASS_LARGE ? size <= class_size[b->cls]
                                           : size <= old; /* shrinking a large block */
    if (fits) {
        if ((flags & HEAP_ZERO_MEMORY) && size > old)
            memset((char *)p + old, 0, size - old);
        b->size = size;
        return p;
    }
    if (flags & HEAP_REALLOC_IN_PLACE_ONLY) {
        k32_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    fresh = heap_alloc(h, flags, size);
    if (!fresh) {
        k32_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    memcpy(fresh, p, old < size ? old : size);
    heap_free_block(h, b);
    return fresh;
}

SIZE_T WINAPI HeapSize(HANDLE handle, DWORD flags, LPCVOID p)
{
    struct heap *h = heap_from_handle(handle);
    struct block_header *b;

    (void)flags;
    if (!h || !(b = block_of(h, p)))
        return (SIZE_T)-1;
    return b->size;
}

BOOL WINAPI HeapValidate(HANDLE handle, DWORD flags, LPCVOID p)
{
    struct heap *h = heap_from_handle(handle);

    (void)flags;
    return h && (!p || block_of(h, p));
}

/* ------------------------------------------------ Local and Global (one heap) ---- */

HLOCAL WINAPI LocalAlloc(UINT flags, SIZE_T size)
{
    return HeapAlloc(k32_process_heap(), (flags & LMEM_ZEROINIT) ? HEAP_ZERO_MEMORY : 0, size);
}

HLOCAL WINAPI LocalFree(HLOCAL mem)
{
    return HeapFree(k32_process_heap(), 0, mem) ? NULL : mem;
}

HGLOBAL WINAPI GlobalAlloc(UINT flags, SIZE_T size)
{
    return HeapAlloc(k32_process_heap(), (flags & GMEM_ZEROINIT) ? HEAP_ZERO_MEMORY : 0, size);
}

HGLOBAL WINAPI GlobalFree(HGLOBAL mem)
{
    return HeapFree(k32_process_heap(), 0, mem) ? NULL : mem;
}

void k32_free(void *p)
{
    HeapFree(k32_process_heap(), 0, p);
}
