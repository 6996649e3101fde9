/*
 * The loader at run time: LoadLibrary's and FreeLibrary's user half, and the loader
 * lock. The kernel maps an image and the DLLs it needs (DmLoadImage) and fills their
 * loader entries; here they are linked into the PEB's lists, counted, given their TLS
 * and their DLL_PROCESS_ATTACH, in initialization order, all under the loader lock
 * (recursive, as Windows' is: an entry point may load a library itself).
 *
 * Reference counts follow Windows: LoadLibrary counts one, and every image loaded at run
 * time counts one on each DLL it imports that was loaded at run time too; images loaded
 * with the program have DORMER_LDR_STATIC_COUNT and are never unloaded. The last
 * FreeLibrary sends DLL_PROCESS_DETACH, unmaps the image, then releases what it imported.
 */
#include <dormer.h>

#include "ntdll_priv.h"

#define EXPORT __declspec(dllexport)

typedef int (*dll_entry_fn)(void *instance, uint32_t reason, void *reserved);

#define LDR_ENTRY(links, field) \
    ((struct dormer_ldr_entry *)(uintptr_t)((links) - __builtin_offsetof(struct dormer_ldr_entry, field)))

/* ------------------------------------------------------------ loader lock ---- */

static struct {
    struct dormer_lock lock;
    uint64_t owner;  /* thread id, 0: none */
    uint32_t depth;  /* recursion */
    uint32_t cookies;
} loader_lock;

static uint64_t self_tid(void)
{
    return DormerGetTeb()->client_id_thread;
}

void ntdll_loader_lock(void)
{
    uint64_t me = self_tid();

    if (__atomic_load_n(&loader_lock.owner, __ATOMIC_RELAXED) != me) {
        DormerAcquireLock(&loader_lock.lock);
        __atomic_store_n(&loader_lock.owner, me, __ATOMIC_RELAXED);
    }
    loader_lock.depth++;
}

void ntdll_loader_unlock(void)
{
    if (--loader_lock.depth == 0) {
        __atomic_store_n(&loader_lock.owner, 0, __ATOMIC_RELAXED);
        DormerReleaseLock(&loader_lock.lock);
    }
}

/* Windows' LdrLockLoaderLock: flags 1 raise on errors (not supported: errors are
 * returned), 2 try only (*disposition 1 taken, 2 busy). The cookie names this thread and
 * the acquisition, for LdrUnlockLoaderLock. */
#define LDR_LOCK_TRY_ONLY        2u
#define LDR_LOCK_DISPOSITION_ACQUIRED     1u
#define LDR_LOCK_DISPOSITION_NOT_ACQUIRED 2u
#define STATUS_INVALID_PARAMETER_1 ((dormer_status_t)0xC00000EF)
#define STATUS_INVALID_PARAMETER_2 ((dormer_status_t)0xC00000F0)
#define STATUS_INVALID_PARAMETER_3 ((dormer_status_t)0xC00000F1)

EXPORT dormer_status_t LdrLockLoaderLock(uint32_t flags, uint32_t *disposition,
                                         uint64_t *cookie)
{
    if (flags & ~3u)
        return STATUS_INVALID_PARAMETER_1;
    if (!cookie)
        return STATUS_INVALID_PARAMETER_3;
    if ((flags & LDR_LOCK_TRY_ONLY) && !disposition)
        return STATUS_INVALID_PARAMETER_2;
    *cookie = 0;
    if (disposition)
        *disposition = 0;
    if (flags & LDR_LOCK_TRY_ONLY) {
        if (__atomic_load_n(&loader_lock.owner, __ATOMIC_RELAXED) != self_tid()) {
            if (!DormerTryAcquireLock(&loader_lock.lock)) {
                *disposition = LDR_LOCK_DISPOSITION_NOT_ACQUIRED;
                return STATUS_SUCCESS;
            }
            __atomic_store_n(&loader_lock.owner, self_tid(), __ATOMIC_RELAXED);
        }
        loader_lock.depth++;
    } else {
        ntdll_loader_lock();
    }
    if (disposition)
        *disposition = LDR_LOCK_DISPOSITION_ACQUIRED;
    *cookie = ((self_tid() & 0xfff) << 16) | (++loader_lock.cookies & 0xffff);
    return STATUS_SUCCESS;
}

EXPORT dormer_status_t LdrUnlockLoaderLock(uint32_t flags, uint64_t cookie)
{
    if (flags & ~1u)
        return STATUS_INVALID_PARAMETER_1;
    if (!cookie)
        return STATUS_SUCCESS; /* nothing was taken */
    if ((cookie >> 16) != (self_tid() & 0xfff) || (cookie >> 28) ||
        __atomic_load_n(&loader_lock.owner, __ATOMIC_RELAXED) != self_tid())
        return STATUS_INVALID_PARAMETER_2;
    ntdll_loader_unlock();
    return STATUS_SUCCESS;
}

/* --------------------------------------------------------------- modules ---- */

static struct dormer_ldr_data *ldr_data(void)
{
    return (struct dormer_ldr_data *)(uintptr_t)DormerGetPeb()->ldr;
}

static uint64_t list_head(uint64_t offset)
{
    return DormerGetPeb()->ldr + offset;
}

static struct dormer_ldr_entry *entry_at(uint32_t slot)
{
    return (struct dormer_ldr_entry *)(uintptr_t)(DormerGetPeb()->ldr +
                                                  sizeof(struct dormer_ldr_data)) + slot;
}

static void link_tail(uint64_t head, struct dormer_list_entry *node)
{
    struct dormer_list_entry *h = (struct dormer_list_entry *)(uintptr_t)head;
    struct dormer_list_entry *last = (struct dormer_list_entry *)(uintptr_t)h->blink;

    node->flink = head;
    node->blink = h->blink;
    last->flink = (uint64_t)(uintptr_t)node;
    h->blink = (uint64_t)(uintptr_t)node;
}

static void unlink_node(struct dormer_list_entry *node)
{
    if (!node->flink)
        return; /* never linked */
    ((struct dormer_list_entry *)(uintptr_t)node->blink)->flink = node->flink;
    ((struct dormer_list_entry *)(uintptr_t)node->flink)->blink = node->blink;
    node->flink = node->blink = 0;
}

static char fold(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
}

/* The loaded image whose file is called name (ASCII, case-insensitive), or NULL. */
static struct dormer_ldr_entry *find_by_name(const char *name, uint64_t max)
{
    uint64_t head = list_head(__builtin_offsetof(struct dormer_ldr_data, in_load_order));

    for (uint64_t l = ldr_data()->in_load_order.flink; l != head;) {
        struct dormer_ldr_entry *e = LDR_ENTRY(l, in_load_order_links);
        l = e->in_load_order_links.flink;
        uint64_t i = 0;
        while (i < max && i < 31 && name[i] && e->name[i] < 0x80 &&
               fold(name[i]) == fold((char)e->name[i]))
            i++;
        if ((i == max || !name[i]) && !e->name[i])
            return e;
    }
    return 0;
}

static struct dormer_ldr_entry *find_by_base(uint64_t base)
{
    uint64_t head = list_head(__builtin_offsetof(struct dormer_ldr_data, in_load_order));

    for (uint64_t l = ldr_data()->in_load_order.flink; l != head;) {
        struct dormer_ldr_entry *e = LDR_ENTRY(l, in_load_order_links);
        l = e->in_load_order_links.flink;
        if (e->dll_base == base)
            return e;
    }
    return 0;
}

/* The DLLs e's image imports that are loaded (each once), into deps (room for
 * DORMER_MAX_IMAGES). The kernel validated the image; offsets are checked anyway. */
static uint32_t imports_of(const struct dormer_ldr_entry *e, struct dormer_ldr_entry **deps)
{
    const uint8_t *img = (const uint8_t *)(uintptr_t)e->dll_base;
    uint32_t size = e->size_of_image, n = 0;
    uint32_t lfanew = *(const uint32_t *)(img + 0x3c);

    if (lfanew > size || size - lfanew < 24 + 112 + 16)
        return 0;
    const uint8_t *opt = img + lfanew + 24;
    if (*(const uint32_t *)(opt + 108) < 2)
        return 0;
    uint32_t rva = *(const uint32_t *)(opt + 112 + 8);
    for (; rva && rva < size && size - rva >= 20; rva += 20) {
        uint32_t name = *(const uint32_t *)(img + rva + 12);
        uint32_t thunks = *(const uint32_t *)(img + rva + 16);
        if (!name || !thunks || name >= size)
            break; /* the walk ends where the kernel's ends */
        struct dormer_ldr_entry *d = find_by_name((const char *)(img + name), size - name);
        uint32_t k = 0;
        while (k < n && deps[k] != d)
            k++;
        if (d && k == n && n < DORMER_MAX_IMAGES)
            deps[n++] = d;
    }
    return n;
}

static int is_static(const struct dormer_ldr_entry *e)
{
    return e->load_count == DORMER_LDR_STATIC_COUNT;
}

/* One reference fewer; at the last: detach, unlink, unmap, then release its imports.
 * Loader lock held. */
static void dereference(struct dormer_ldr_entry *e)
{
    struct dormer_ldr_entry *deps[DORMER_MAX_IMAGES];

    if (is_static(e) || (e->load_count && --e->load_count))
        return;
    if (e->flags & DORMER_LDR_PROCESS_ATTACH_CALLED) {
        e->flags &= ~DORMER_LDR_PROCESS_ATTACH_CALLED;
        ntdll_run_tls_callbacks(e->dll_base, DLL_PROCESS_DETACH);
        ((dll_entry_fn)(uintptr_t)e->entry_point)((void *)(uintptr_t)e->dll_base,
                                                 DLL_PROCESS_DETACH, 0);
    }
    uint32_t n = imports_of(e, deps);
    ntdll_tls_remove_image(e);
    unlink_node(&e->in_initialization_order_links);
    unlink_node(&e->in_memory_order_links);
    unlink_node(&e->in_load_order_links);
    uint64_t base = e->dll_base;
    e->dll_base = 0;
    DmUnloadImage(base);
    for (uint32_t i = 0; i < n; i++)
        dereference(deps[i]);
}

EXPORT dormer_status_t DormerLoadLibrary(const char *name, const char *search, uint32_t flags,
                                         uint64_t *base)
{
    struct dormer_load_result res;
    struct dormer_ldr_entry *deps[DORMER_MAX_IMAGES];
    dormer_status_t st;

    *base = 0;
    ntdll_loader_lock();
    st = DmLoadImage(name, ntdll_strlen(name), search, search ? ntdll_strlen(search) : 0, &res);
    if (!NT_SUCCESS(st))
        goto out;
    struct dormer_ldr_entry *want = entry_at(res.slot);
    if (res.count == 0) { /* loaded already: one more reference */
        if (!is_static(want) && want->load_count < DORMER_LDR_STATIC_COUNT - 1)
            want->load_count++;
        *base = res.base;
        goto out;
    }
    uint64_t load_head = list_head(__builtin_offsetof(struct dormer_ldr_data, in_load_order));
    uint64_t mem_head = list_head(__builtin_offsetof(struct dormer_ldr_data, in_memory_order));
    uint64_t init_head =
        list_head(__builtin_offsetof(struct dormer_ldr_data, in_initialization_order));
    for (uint32_t i = 0; i < res.count; i++) {
        struct dormer_ldr_entry *e = entry_at(res.new_slots[i]);
        link_tail(load_head, &e->in_load_order_links);
        link_tail(mem_head, &e->in_memory_order_links);
    }
    for (uint32_t i = 0; i < res.count; i++) {
        uint32_t n = imports_of(entry_at(res.new_slots[i]), deps);
        for (uint32_t k = 0; k < n; k++) {
            if (!is_static(deps[k]))
                deps[k]->load_count++;
        }
    }
    want->load_count++;
    for (uint32_t i = 0; i < res.count; i++) {
        struct dormer_ldr_entry *e = entry_at(res.new_slots[i]);
        ntdll_tls_add_image(e);
        if (flags & DORMER_LOAD_NO_ENTRY)
            continue;
        link_tail(init_head, &e->in_initialization_order_links);
        e->flags |= DORMER_LDR_ENTRY_PROCESSED;
        if (!(e->flags & DORMER_LDR_IMAGE_DLL))
            continue; /* a program loaded as a library: its entry is not a DllMain */
        ntdll_run_tls_callbacks(e->dll_base, DLL_PROCESS_ATTACH);
        if (!e->entry_point)
            continue;
        e->flags |= DORMER_LDR_PROCESS_ATTACH_CALLED;
        /* reserved NULL: loaded by LoadLibrary */
        if (!((dll_entry_fn)(uintptr_t)e->entry_point)((void *)(uintptr_t)e->dll_base,
                                                       DLL_PROCESS_ATTACH, 0)) {
            /* As Windows: the failed DLL gets DLL_PROCESS_DETACH, then everything this
             * call loaded goes again. */
            dereference(want);
            st = STATUS_DLL_INIT_FAILED;
            goto out;
        }
    }
    *base = res.base;
out:
    ntdll_loader_unlock();
    return st;
}

EXPORT dormer_status_t DormerFreeLibrary(uint64_t base)
{
    dormer_status_t st = STATUS_SUCCESS;

    ntdll_loader_lock();
    struct dormer_ldr_entry *e = base ? find_by_base(base) : 0;
    if (e)
        dereference(e);
    else
        st = STATUS_DLL_NOT_FOUND;
    ntdll_loader_unlock();
    return st;
}

EXPORT dormer_status_t DormerAddRefLibrary(uint64_t base, int pin)
{
    dormer_status_t st = STATUS_SUCCESS;

    ntdll_loader_lock();
    struct dormer_ldr_entry *e = base ? find_by_base(base) : 0;
    if (!e)
        st = STATUS_DLL_NOT_FOUND;
    else if (pin)
        e->load_count = DORMER_LDR_STATIC_COUNT;
    else if (!is_static(e) && e->load_count < DORMER_LDR_STATIC_COUNT - 1)
        e->load_count++;
    ntdll_loader_unlock();
    return st;
}
