/*
 * The user-mode half of the loader: what Windows' ntdll does once the images are mapped.
 * Each image's TLS directory gets its index and a per-thread copy of its template
 * (implicit TLS, reached through TEB.ThreadLocalStoragePointer), and its TLS callbacks
 * run beside the DLL entry points: process attach at start-up, thread attach and detach
 * around every thread DormerCreateThread starts, process detach at DormerExitProcess, in
 * reverse initialization order. The images were validated by the kernel's loader; a
 * hostile image can only hurt its own process here.
 */
#include <dormer.h>

#include "ntdll_priv.h"

#define TLS_MAX_IMAGES 32
#define LDR_DONT_CALL_FOR_THREADS 0x00040000u /* Windows' LDRP_DONT_CALL_FOR_THREADS */
#define DLL_THREAD_ATTACH 2u
#define DLL_THREAD_DETACH 3u

typedef int (*dll_entry_fn)(void *instance, uint32_t reason, void *reserved);
typedef void (*tls_callback_fn)(void *instance, uint32_t reason, void *reserved);

struct tls_directory { /* IMAGE_TLS_DIRECTORY64 */
    uint64_t start, end;  /* the template: [start, end) then zero_fill zero bytes */
    uint64_t index_addr;  /* where the image's TLS index is stored */
    uint64_t callbacks;   /* a NULL-terminated array of callback addresses, or 0 */
    uint32_t zero_fill, characteristics;
};

/* The images with a TLS template, by TLS index (set once at start-up). */
static const struct tls_directory *tls_images[TLS_MAX_IMAGES];
static uint32_t tls_count;
static uint64_t tls_block_bytes; /* pointer array + every template, 16-byte aligned each */
static int process_detaching;

#define LDR_ENTRY(links, field) \
    ((struct dormer_ldr_entry *)(uintptr_t)((links) - __builtin_offsetof(struct dormer_ldr_entry, field)))

static struct dormer_ldr_data *ldr_data(void)
{
    return (struct dormer_ldr_data *)(uintptr_t)DormerGetPeb()->ldr;
}

/* The TLS directory of the image at base, or NULL. */
static const struct tls_directory *image_tls(uint64_t base)
{
    const uint8_t *img = (const uint8_t *)(uintptr_t)base;
    uint32_t lfanew = *(const uint32_t *)(img + 0x3c);
    const uint8_t *opt = img + lfanew + 24;            /* after the signature and file header */
    uint32_t ndirs = *(const uint32_t *)(opt + 108);   /* NumberOfRvaAndSizes */
    uint32_t size_of_image = *(const uint32_t *)(opt + 56);

    if (ndirs <= 9)
        return NULL;
    uint32_t rva = *(const uint32_t *)(opt + 112 + 9 * 8), size = *(const uint32_t *)(opt + 116 + 9 * 8);
    if (!rva || size < sizeof(struct tls_directory) || rva >= size_of_image ||
        size_of_image - rva < sizeof(struct tls_directory))
        return NULL;
    return (const struct tls_directory *)(img + rva);
}

void ntdll_run_tls_callbacks(uint64_t base, uint32_t reason)
{
    const struct tls_directory *dir = image_tls(base);

    if (!dir || !dir->callbacks)
        return;
    for (const uint64_t *cb = (const uint64_t *)(uintptr_t)dir->callbacks; *cb; cb++)
        ((tls_callback_fn)(uintptr_t)*cb)((void *)(uintptr_t)base, reason, NULL);
}

static uint64_t align16(uint64_t v)
{
    return (v + 15) & ~15ull;
}

/* Gives every image with a TLS template its index, in load order. */
static void tls_assign_indices(void)
{
    struct dormer_ldr_data *ldr = ldr_data();
    uint64_t head = DormerGetPeb()->ldr + __builtin_offsetof(struct dormer_ldr_data, in_load_order);

    tls_block_bytes = 0;
    for (uint64_t l = ldr->in_load_order.flink; l != head;) {
        struct dormer_ldr_entry *e = LDR_ENTRY(l, in_load_order_links);
        l = e->in_load_order_links.flink;
        const struct tls_directory *dir = image_tls(e->dll_base);
        if (!dir || tls_count == TLS_MAX_IMAGES || dir->end < dir->start)
            continue;
        e->tls_index = (uint16_t)tls_count;
        if (dir->index_addr)
            *(uint32_t *)(uintptr_t)dir->index_addr = tls_count;
        tls_images[tls_count++] = dir;
        tls_block_bytes += align16(dir->end - dir->start + dir->zero_fill);
    }
    tls_block_bytes += align16(TLS_MAX_IMAGES * sizeof(uint64_t));
}

/* Room for every slot: an image loaded at run time takes the next one. */
#define TLS_SLOTS_BYTES align16(TLS_MAX_IMAGES * sizeof(uint64_t))

/* The calling thread's slot array; a thread that started while no image had a template
 * has none until an image with one is loaded (NULL if it cannot be allocated). */
static uint64_t *thread_slots(void)
{
    struct dormer_teb *teb = DormerGetTeb();
    uint64_t base = 0, size = TLS_SLOTS_BYTES;

    if (!teb->thread_local_storage &&
        NT_SUCCESS(DmAllocateVirtualMemory(&base, &size, MEM_RESERVE | MEM_COMMIT,
                                           PAGE_READWRITE)))
        teb->thread_local_storage = base;
    return (uint64_t *)(uintptr_t)teb->thread_local_storage;
}

/* An image loaded at run time with a TLS template: its index, and the calling thread's
 * copy (threads started later get theirs at their start; threads already running
 * others see NULL in its slot, see docs/loader.md). Loader lock held. */
void ntdll_tls_add_image(struct dormer_ldr_entry *e)
{
    const struct tls_directory *dir = image_tls(e->dll_base);
    uint32_t i = 0;

    if (!dir || dir->end < dir->start)
        return;
    while (i < tls_count && tls_images[i])
        i++;
    if (i == TLS_MAX_IMAGES)
        return;
    uint64_t bytes = dir->end - dir->start, size = bytes + dir->zero_fill, base = 0;
    uint64_t *slots = thread_slots();
    if (slots && NT_SUCCESS(DmAllocateVirtualMemory(&base, &size, MEM_RESERVE | MEM_COMMIT,
                                                    PAGE_READWRITE))) {
        memcpy((void *)(uintptr_t)base, (const void *)(uintptr_t)dir->start, bytes);
        slots[i] = base;
    }
    e->tls_index = (uint16_t)i;
    if (dir->index_addr)
        *(uint32_t *)(uintptr_t)dir->index_addr = i;
    tls_images[i] = dir;
    if (i == tls_count)
        tls_count++;
    tls_block_bytes += align16(bytes + dir->zero_fill);
}

/* An image unloaded at run time gives its TLS index back (its copies stay: a thread
 * may still hold a pointer into one). Loader lock held. */
void ntdll_tls_remove_image(const struct dormer_ldr_entry *e)
{
    const struct tls_directory *dir = image_tls(e->dll_base);

    for (uint32_t i = 0; dir && i < tls_count; i++) {
        if (tls_images[i] == dir) {
            tls_images[i] = 0;
            tls_block_bytes -= align16(dir->end - dir->start + dir->zero_fill);
        }
    }
}

/* This thread's copies of the templates, behind TEB.ThreadLocalStoragePointer. While no
 * image has one, as on Windows, the pointer stays NULL and nothing is allocated. */
static dormer_status_t tls_thread_init(void)
{
    uint64_t base = 0, size;

    ntdll_loader_lock();
    size = tls_block_bytes;
    if (size == TLS_SLOTS_BYTES) {
        ntdll_loader_unlock();
        return STATUS_SUCCESS;
    }
    dormer_status_t st = DmAllocateVirtualMemory(&base, &size, MEM_RESERVE | MEM_COMMIT,
                                                 PAGE_READWRITE);
    if (!NT_SUCCESS(st)) {
        ntdll_loader_unlock();
        return st;
    }
    uint64_t *slots = (uint64_t *)(uintptr_t)base;
    uint8_t *p = (uint8_t *)(uintptr_t)(base + TLS_SLOTS_BYTES);
    for (uint32_t i = 0; i < tls_count; i++) {
        const struct tls_directory *dir = tls_images[i];
        if (!dir)
            continue; /* unloaded */
        uint64_t bytes = dir->end - dir->start;
        memcpy(p, (const void *)(uintptr_t)dir->start, bytes); /* fresh pages: zero fill done */
        slots[i] = (uint64_t)(uintptr_t)p;
        p += align16(bytes + dir->zero_fill);
    }
    DormerGetTeb()->thread_local_storage = base;
    ntdll_loader_unlock();
    return STATUS_SUCCESS;
}

static void tls_thread_free(void)
{
    uint64_t base = DormerGetTeb()->thread_local_storage, size = 0;

    if (!base)
        return;
    DormerGetTeb()->thread_local_storage = 0;
    DmFreeVirtualMemory(&base, &size, MEM_RELEASE);
}

/* "ntdll: initialization of NAME failed ..." on the console (the name is UTF-16). */
static void report_init_failure(const struct dormer_ldr_entry *e)
{
    char line[96] = "ntdll: initialization of ";
    uint64_t n = strlen(line);
    const char *tail = " failed (its entry point returned FALSE)\n";

    for (int i = 0; i < 32 && e->name[i] && n < 40 + 25; i++)
        line[n++] = e->name[i] < 0x80 ? (char)e->name[i] : '?';
    for (int i = 0; tail[i] && n + 1 < sizeof line; i++)
        line[n++] = tail[i];
    DmWriteConsole(line, n);
}

/*
 * Where every process's first thread starts (the kernel finds this export): TLS set up,
 * then each DLL in initialization order (a DLL after the DLLs it imports) gets its TLS
 * callbacks and its entry point with DLL_PROCESS_ATTACH, then the program's TLS callbacks
 * and its entry point. A DLL that returns FALSE ends the process with
 * STATUS_DLL_INIT_FAILED, as on Windows.
 */
__declspec(dllexport) void DormerProcessStartup(struct dormer_peb *peb)
{
    struct dormer_ldr_data *ldr = (struct dormer_ldr_data *)(uintptr_t)peb->ldr;
    uint64_t head = peb->ldr + __builtin_offsetof(struct dormer_ldr_data, in_initialization_order);

    ntdll_exceptions_init();
    ntdll_loader_lock(); /* entry points run under the loader lock, as on Windows */
    tls_assign_indices();
    if (!NT_SUCCESS(tls_thread_init()))
        NtTerminateProcess(DORMER_CURRENT_PROCESS, STATUS_NO_MEMORY);
    for (uint64_t l = ldr->in_initialization_order.flink; l != head;) {
        struct dormer_ldr_entry *e = LDR_ENTRY(l, in_initialization_order_links);
        l = e->in_initialization_order_links.flink;
        if (e->flags & DORMER_LDR_ENTRY_PROCESSED)
            continue;
        e->flags |= DORMER_LDR_ENTRY_PROCESSED;
        ntdll_run_tls_callbacks(e->dll_base, DLL_PROCESS_ATTACH);
        if (!e->entry_point)
            continue;
        e->flags |= DORMER_LDR_PROCESS_ATTACH_CALLED;
        /* reserved != NULL: loaded with the program, not by LoadLibrary */
        if (!((dll_entry_fn)(uintptr_t)e->entry_point)((void *)(uintptr_t)e->dll_base,
                                                       DLL_PROCESS_ATTACH, (void *)1)) {
            report_init_failure(e);
            NtTerminateProcess(DORMER_CURRENT_PROCESS, STATUS_DLL_INIT_FAILED);
        }
    }
    ldr->initialized = 1;
    ntdll_loader_unlock();
    struct dormer_ldr_entry *exe = LDR_ENTRY(ldr->in_load_order.flink, in_load_order_links);
    ntdll_run_tls_callbacks(exe->dll_base, DLL_PROCESS_ATTACH);
    ((void (*)(struct dormer_peb *))(uintptr_t)exe->entry_point)(peb);
    DormerExitProcess(0); /* an entry point that returns */
}

/* Thread attach (or detach): every initialized DLL that wants it, in initialization order
 * for attach and in reverse for detach, then (or first) the program's TLS callbacks. */
static void notify_threads(uint32_t reason)
{
    struct dormer_ldr_data *ldr = ldr_data();
    uint64_t head = DormerGetPeb()->ldr +
                    __builtin_offsetof(struct dormer_ldr_data, in_initialization_order);
    struct dormer_ldr_entry *exe = LDR_ENTRY(ldr->in_load_order.flink, in_load_order_links);
    int attach = reason == DLL_THREAD_ATTACH;

    if (!ldr->initialized)
        return;
    ntdll_loader_lock();
    if (!attach)
        ntdll_run_tls_callbacks(exe->dll_base, reason);
    uint64_t l = attach ? ldr->in_initialization_order.flink : ldr->in_initialization_order.blink;
    while (l != head) {
        struct dormer_ldr_entry *e = LDR_ENTRY(l, in_initialization_order_links);
        l = attach ? e->in_initialization_order_links.flink : e->in_initialization_order_links.blink;
        if (!(e->flags & DORMER_LDR_PROCESS_ATTACH_CALLED) ||
            (e->flags & LDR_DONT_CALL_FOR_THREADS))
            continue;
        ntdll_run_tls_callbacks(e->dll_base, reason);
        ((dll_entry_fn)(uintptr_t)e->entry_point)((void *)(uintptr_t)e->dll_base, reason, NULL);
    }
    if (attach)
        ntdll_run_tls_callbacks(exe->dll_base, reason);
    ntdll_loader_unlock();
}

void ntdll_thread_attach(void)
{
    if (!NT_SUCCESS(tls_thread_init()))
        DmExitThread((uint32_t)STATUS_NO_MEMORY);
    notify_threads(DLL_THREAD_ATTACH);
}

__declspec(dllexport) void DormerExitThread(uint32_t status)
{
    if (!__atomic_load_n(&process_detaching, __ATOMIC_ACQUIRE))
        notify_threads(DLL_THREAD_DETACH);
    tls_thread_free();
    DmExitThread(status);
    __builtin_trap();
}

__declspec(dllexport) int DormerDisableThreadCalls(uint64_t base)
{
    struct dormer_ldr_data *ldr = ldr_data();
    uint64_t head = DormerGetPeb()->ldr + __builtin_offsetof(struct dormer_ldr_data, in_load_order);

    int found = 0;

    ntdll_loader_lock();
    for (uint64_t l = ldr->in_load_order.flink; l != head && !found;) {
        struct dormer_ldr_entry *e = LDR_ENTRY(l, in_load_order_links);
        l = e->in_load_order_links.flink;
        if (e->dll_base == base) {
            e->flags |= LDR_DONT_CALL_FOR_THREADS;
            found = 1;
        }
    }
    ntdll_loader_unlock();
    return found;
}

/*
 * Process detach, once: the program's TLS callbacks, then each DLL whose entry point
 * ran, in reverse initialization order (TLS callbacks, then the entry point with
 * reserved != NULL: the process is ending), then the end. Other threads keep running
 * meanwhile (Windows stops them first; Dormer cannot yet).
 */
__declspec(dllexport) void DormerExitProcess(uint32_t status)
{
    struct dormer_ldr_data *ldr = ldr_data();
    uint64_t head = DormerGetPeb()->ldr +
                    __builtin_offsetof(struct dormer_ldr_data, in_initialization_order);

    if (__atomic_exchange_n(&process_detaching, 1, __ATOMIC_ACQ_REL) == 0 && ldr->initialized) {
        ntdll_loader_lock(); /* held to the end: no load or unload can start now */
        struct dormer_ldr_entry *exe = LDR_ENTRY(ldr->in_load_order.flink, in_load_order_links);
        ntdll_run_tls_callbacks(exe->dll_base, DLL_PROCESS_DETACH);
        for (uint64_t l = ldr->in_initialization_order.blink; l != head;) {
            struct dormer_ldr_entry *e = LDR_ENTRY(l, in_initialization_order_links);
            l = e->in_initialization_order_links.blink;
            if (!(e->flags & DORMER_LDR_PROCESS_ATTACH_CALLED))
                continue;
            ntdll_run_tls_callbacks(e->dll_base, DLL_PROCESS_DETACH);
            ((dll_entry_fn)(uintptr_t)e->entry_point)((void *)(uintptr_t)e->dll_base,
                                                     DLL_PROCESS_DETACH, (void *)1);
        }
    }
    NtTerminateProcess(DORMER_CURRENT_PROCESS, status);
    __builtin_trap();
}
