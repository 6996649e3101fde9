/*
 * crash=KIND: deliberate faults for demonstrations and end-to-end tests, run as the
 * INIT_CRASH step once the system is up (before the first program). Kinds: ud,
 * pagefault, divide, gp, panic, assert, breakpoint, nested (a panic inside the panic
 * report), stackoverflow (the boot stack runs into its guard page), heap_double_free,
 * heap_overflow, frame_double_free, stack_smash, lock_twice, lock_order. The chain
 * crash_run -> crash_outer -> crash_middle -> crash_inner is kept out of line (and
 * not tail-called) so the backtrace shows every step by name.
 */
#include <core/cmdline.h>
#include <core/console.h>
#include <core/init.h>
#include <core/lock_order.h>
#include <core/panic.h>
#include <core/ubsan.h>
#include <core/printk.h>
#include <core/spinlock.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#include <stdint.h>

#define NO_INLINE __attribute__((noinline, optimize("no-optimize-sibling-calls")))

static volatile int crash_zero;

/* crash=nested: a console that panics while the first panic report is printed. */
static void crash_console_write(const char *s, size_t len, int level)
{
    (void)level;
    for (size_t i = 0; i + 5 <= len; i++) {
        if (memcmp(s + i, "PANIC", 5) == 0)
            panic("console driver failed while printing a panic");
    }
}

static struct console crash_console = { .name = "crash", .write = crash_console_write };

/* crash=stackoverflow: unbounded recursion with a large frame runs the boot stack
 * into its guard page. */
static NO_INLINE int crash_recurse(int depth)
{
    volatile char pad[512];

    pad[depth % sizeof pad] = (char)depth;
    if (crash_zero == -1) /* never: keeps the recursion from being "obviously" infinite */
        return 0;
    return crash_recurse(depth + 1) + pad[0];
}

/* crash=stack_smash: writes past the end of a local array, over the canary the stack
 * protector put above it (debug kernels); the return then reports it. */
static NO_INLINE void crash_smash(void)
{
    char buf[16];
    /* Up to the saved frame pointer, not past it: the canary lies in between, and the
     * frame chain stays intact for the backtrace. */
    volatile size_t n = (size_t)((char *)__builtin_frame_address(0) - buf);

    for (size_t i = 0; i < n; i++)
        ((volatile char *)buf)[i] = 'X';
    __asm__ volatile("" : : "r"(buf) : "memory");
}

/* crash=ubsan: three kinds of undefined behaviour on values the compiler cannot see
 * (volatile), then a panic that counts the reports (a UBSan kernel
 * reports each and goes on; one without it reports nothing). */
static NO_INLINE void crash_ubsan(void)
{
    int arr[4] = { 1, 2, 3, 4 };
    volatile int sink, top = 0x7fffffff, width = 40, past = 4;
    uint64_t before = ubsan_reports();

    sink = top + 1;       /* signed overflow */
    sink = 1 << width;    /* shift past the width of int */
    sink = arr[past];     /* one past the end of arr */
    (void)sink;
    panic("crash=ubsan: %llu undefined-behaviour reports",
          (unsigned long long)(ubsan_reports() - before));
}

static NO_INLINE void crash_inner(const char *kind)
{
    if (strcmp(kind, "ud") == 0) {
        __asm__ volatile("ud2");
    } else if (strcmp(kind, "pagefault") == 0) {
        /* Low memory is unmapped once boot drops its identity map. */
        volatile uint64_t *p = (volatile uint64_t *)0x1000;
        *p = 0xdead;
    } else if (strcmp(kind, "divide") == 0) {
        /* In assembly: gcc may turn a C division by a possibly-zero value into
         * compares (1 / x needs no divide at all). */
        int zero = crash_zero;
        __asm__ volatile("cltd; idivl %1" : : "a"(7), "r"(zero) : "rdx", "cc");
    } else if (strcmp(kind, "gp") == 0) {
        /* A non-canonical address raises #GP, not #PF. */
        volatile uint64_t *p = (volatile uint64_t *)0x8000000000000000ull;
        (void)*p;
    } else if (strcmp(kind, "breakpoint") == 0) {
        __asm__ volatile("int3");
    } else if (strcmp(kind, "panic") == 0) {
        panic("crash=panic requested on the command line");
    } else if (strcmp(kind, "heap_double_free") == 0) {
        void *p = kmalloc(48);
        kfree(p);
        kfree(p);
    } else if (strcmp(kind, "heap_overflow") == 0) {
        volatile char *p = kmalloc(10);
        p[10] = 'x'; /* one past the requested size: the red zone */
        kfree((void *)p);
    } else if (strcmp(kind, "frame_double_free") == 0) {
        paddr_t pa = pmm_alloc_frame();
        pmm_free_frame(pa);
        pmm_free_frame(pa);
    } else if (strcmp(kind, "stackoverflow") == 0) {
        crash_recurse(0);
    } else if (strcmp(kind, "nested") == 0) {
        console_register(&crash_console);
        panic("first panic of crash=nested");
    } else if (strcmp(kind, "stack_smash") == 0) {
        crash_smash();
    } else if (strcmp(kind, "ubsan") == 0) {
        crash_ubsan();
#ifdef DORMER_DEBUG /* release kernels do not check locks: these would just hang */
    } else if (strcmp(kind, "lock_twice") == 0) {
        static struct spinlock l = SPINLOCK_INIT("crash=lock_twice");
        spin_lock(&l);
        spin_lock(&l); /* a debug kernel panics naming both places; release spins */
    } else if (strcmp(kind, "lock_order") == 0) {
        static struct spinlock inner = SPINLOCK_INIT_RANKED("crash-inner", LOCK_RANK_PMM);
        static struct spinlock outer = SPINLOCK_INIT_RANKED("crash-outer", LOCK_RANK_SCHED);
        spin_lock(&inner);
        spin_lock(&outer); /* against the written order */
        spin_unlock(&outer);
        spin_unlock(&inner);
#endif
    } else if (strcmp(kind, "assert") == 0) {
        ASSERT(crash_zero == 1);
    } else {
        return;
    }
    __asm__ volatile("" ::: "memory");
}

static NO_INLINE void crash_middle(const char *kind)
{
    crash_inner(kind);
    __asm__ volatile("" ::: "memory");
}

static NO_INLINE void crash_outer(const char *kind)
{
    crash_middle(kind);
    __asm__ volatile("" ::: "memory");
}

/* Crash as `kind` says; returns only if the kind is unknown (after saying so). */
static NO_INLINE void crash_run(const char *kind)
{
    pr_warn("crash=%s: crashing on purpose\n", kind);
    crash_outer(kind);
    pr_error("crash=%s: unknown kind (try ud, pagefault, divide, gp, breakpoint, panic, "
             "assert, nested, stackoverflow, heap_double_free, heap_overflow, "
             "frame_double_free, stack_smash, ubsan, lock_twice, lock_order)\n", kind);
}

static void crash_init(void)
{
    const char *kind = cmdline_get("crash");

    if (kind)
        crash_run(kind);
}
INIT_STEP(INIT_CRASH, crash_init);
