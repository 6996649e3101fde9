/*
 * The kernel stack registry: a fixed table (no allocation, so fault handlers and
 * panics can search it), filled at boot with the boot and IST stacks and later
 * with thread stacks. Stacks made here are kernel-region reservations of
 * [guard page][stack], the stack committed and populated up front.
 */
#include <arch/cpu.h>
#include <core/init.h>
#include <core/panic.h>
#include <core/spinlock.h>
#include <lib/errno.h>
#include <mm/kstack.h>
#include <mm/vmm.h>

static struct kstack stacks[KSTACK_MAX]; /* a slot is free when hi == 0 */

/* Recently freed stacks of the usual size, still mapped, for the next thread: making a
 * stack (reserve, commit, fault in, zero) is most of what creating a thread costs. */
#define KSTACK_CACHE 8
static struct spinlock cache_lock = SPINLOCK_INIT("kstack_cache");
static vaddr_t cache[KSTACK_CACHE]; /* protected by cache_lock: guard-page addresses */
static size_t cached;               /* protected by cache_lock */

void kstack_trim(void)
{
    for (;;) {
        vaddr_t base = 0;
        spin_lock(&cache_lock);
        if (cached)
            base = cache[--cached];
        spin_unlock(&cache_lock);
        if (!base)
            return;
        vmm_release(vmm_kernel_space(), base);
    }
}

static struct kstack *slot_alloc(void)
{
    for (int i = 0; i < KSTACK_MAX; i++) {
        if (!__atomic_load_n(&stacks[i].hi, __ATOMIC_ACQUIRE)) {
            uintptr_t zero = 0;
            /* Claim the slot with a placeholder so two creators cannot share it. */
            if (__atomic_compare_exchange_n(&stacks[i].hi, &zero, 1, false, __ATOMIC_ACQ_REL,
                                            __ATOMIC_ACQUIRE))
                return &stacks[i];
        }
    }
    return NULL;
}

static void kstack_register(uintptr_t guard, uintptr_t lo, uintptr_t hi, const char *name)
{
    struct kstack *ks = slot_alloc();

    ASSERT(ks != NULL);
    ks->guard = guard;
    ks->lo = lo;
    ks->name = name;
    __atomic_store_n(&ks->hi, hi, __ATOMIC_RELEASE);
}

static bool stack_bounds(uintptr_t addr, uintptr_t *lo, uintptr_t *hi)
{
    const struct kstack *ks = kstack_find(addr);

    if (!ks)
        return false;
    *lo = ks->lo;
    *hi = ks->hi;
    return true;
}

/* From the first init level: the arch's own stacks are known, and panics walk them. */
static void kstack_init(void)
{
    struct arch_stack_area a;

    for (unsigned i = 0; arch_static_stack(i, &a); i++)
        kstack_register(a.guard, a.lo, a.hi, a.name);
    panic_set_stack_bounds(stack_bounds);
}
INIT_STEP(INIT_EARLY, kstack_init);

/* A stack whose memory is in place: [base] guard page, then size bytes. */
static struct kstack *publish(vaddr_t base, size_t size, const char *name)
{
    struct kstack *ks = slot_alloc();

    if (!ks)
        return NULL;
    ks->guard = base;
    ks->lo = base + PAGE_SIZE;
    ks->name = name;
    __atomic_store_n(&ks->hi, base + PAGE_SIZE + size, __ATOMIC_RELEASE);
    return ks;
}

struct kstack *kstack_create(size_t size, const char *name)
{
    vmm_space_t *ks_space = vmm_kernel_space();
    vaddr_t base = 0;
    struct kstack *ks;

    size = (size + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
    if (size == 0)
        return NULL;
    if (size == KSTACK_CACHED_SIZE) {
        spin_lock(&cache_lock);
        if (cached)
            base = cache[--cached];
        spin_unlock(&cache_lock);
        if (base)
            goto ready;
    }
    if (vmm_reserve(ks_space, &base, size + PAGE_SIZE, 0, 0) != 0)
        return NULL;
    if (vmm_commit(ks_space, base + PAGE_SIZE, size, VM_READ | VM_WRITE) != 0)
        goto fail;
    /* Populate: touching each page through the fault path would fault on the stack
     * itself later; do it now, while we are on another stack. */
    for (vaddr_t va = base + PAGE_SIZE; va < base + PAGE_SIZE + size; va += PAGE_SIZE) {
        if (vmm_handle_fault(ks_space, va, VM_WRITE, false) != VMM_FAULT_RESOLVED)
            goto fail;
    }
ready:
    ks = publish(base, size, name);
    if (ks)
        return ks;
fail:
    vmm_release(ks_space, base);
    return NULL;
}

void kstack_destroy(struct kstack *ks)
{
    vaddr_t base = ks->guard;
    size_t size = ks->hi - ks->lo;

    __atomic_store_n(&ks->hi, 0, __ATOMIC_RELEASE);
    if (size == KSTACK_CACHED_SIZE) {
        spin_lock(&cache_lock);
        bool kept = cached < KSTACK_CACHE;
        if (kept)
            cache[cached++] = base;
        spin_unlock(&cache_lock);
        if (kept)
            return;
    }
    vmm_release(vmm_kernel_space(), base);
}

const struct kstack *kstack_find(uintptr_t addr)
{
    for (int i = 0; i < KSTACK_MAX; i++) {
        uintptr_t hi = __atomic_load_n(&stacks[i].hi, __ATOMIC_ACQUIRE);
        if (hi > 1 && addr >= stacks[i].lo && addr < hi)
            return &stacks[i];
    }
    return NULL;
}

const struct kstack *kstack_find_guard(uintptr_t addr)
{
    for (int i = 0; i < KSTACK_MAX; i++) {
        uintptr_t hi = __atomic_load_n(&stacks[i].hi, __ATOMIC_ACQUIRE);
        if (hi > 1 && addr >= stacks[i].guard && addr < stacks[i].guard + PAGE_SIZE)
            return &stacks[i];
    }
    return NULL;
}
