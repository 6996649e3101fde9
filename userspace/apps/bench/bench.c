/*
 * bench.exe: Dormer's side of the comparison with the Linux peer (shared/linux-peer/bench.c).
 * It prints the peer's keys with the peer's meaning, one `key=value` line each, between
 * `bench_begin=1` and `bench_end=1`, measured the same way: rdtsc around each operation,
 * medians with the rdtsc overhead removed, the peer's iteration counts (quick unless the
 * argument `full` is given; `count=N` caps every operation loop at N iterations, for
 * `scons profile`). Dormer-only keys say so below; no floating point is used.
 */
#include <cpuid.h>
#include <dormer.h>

/* BENCH_NR_DmNop and friends, from the one list of system calls. */
enum {
#define SYSCALL(number, name, nargs) BENCH_NR_##name = (number),
#include <abi/syscalls.def>
#undef SYSCALL
};

#define PAGE 4096ull
#define PF_BYTES (64ull << 20)
#define PF_PAGES (PF_BYTES / PAGE)
#define PF_MAX_PASSES 6
#define MIN_EXE "benchmin.exe"
#define STATIC_EXE "stock_hello.exe" /* built with the stock mingw command */
/* A stock C++ program that times its own throws (win32/cxx_throw_bench) and prints
 * cxx_throw_catch_cycles; its console is the benchmark's. */
#define CXX_THROW_EXE "cxx_throw_bench.exe"
#define NATIVE_EXE "hello.exe"       /* Dormer-native: ntdll, crt0, ulib */

/* Iteration counts: the peer's quick (default) and full (`full`) numbers. */
struct bench_counts {
    uint64_t overhead;  /* rdtsc pairs for the overhead median */
    uint64_t syscalls;  /* null system calls per variant */
    uint64_t pf_passes; /* 64 MiB fault passes; pass 0 is reported apart */
    uint64_t yields;    /* yields per thread */
    uint64_t futex;     /* wait-on-address round trips */
    uint64_t pipe;      /* 1-byte pipe round trips */
    uint64_t spawns;    /* thread creations and process starts, per kind */
    uint64_t files;     /* files created, read, deleted (at most 999) */
    uint64_t tcp_rr;    /* 1-byte TCP round trips over 127.0.0.1 */
};

static const struct bench_counts quick_counts = {100000, 100000, 3, 20000, 20000, 20000, 50, 100, 200};
static const struct bench_counts full_counts = {100000, 1000000, 6, 200000, 100000, 100000, 300, 400, 2000};
static struct bench_counts counts;

/* TSC calibration: cal_ticks TSC ticks elapsed in cal_ns of DmQueryUptime. */
static uint64_t cal_ticks = 1, cal_ns = 1;
static uint64_t tsc_overhead;

/* Scratch for per-operation samples: sized for the largest test, touched before use. */
static uint64_t *samples;

/* ------------------------------------------------------------------ timing ---- */

/* The peer's tsc(): lfence before waits for earlier work, lfence after holds later work. */
static inline uint64_t tsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t now_ns(void)
{
    uint64_t ns = 0;

    DmQueryUptime(&ns);
    return ns;
}

/* Heapsort: no C library here, and 10^6 samples rule out anything quadratic. */
static void sift_down(uint64_t *v, uint64_t root, uint64_t n)
{
    for (;;) {
        uint64_t child = 2 * root + 1;
        uint64_t t;

        if (child >= n)
            return;
        if (child + 1 < n && v[child + 1] > v[child])
            child++;
        if (v[root] >= v[child])
            return;
        t = v[root];
        v[root] = v[child];
        v[child] = t;
        root = child;
    }
}

static void sort_u64(uint64_t *v, uint64_t n)
{
    for (uint64_t i = n / 2; i-- > 0;)
        sift_down(v, i, n);
    for (uint64_t end = n; end-- > 1;) {
        uint64_t t = v[0];

        v[0] = v[end];
        v[end] = t;
        sift_down(v, 0, end);
    }
}

/* Sorts v and returns its median (the peer's v[n / 2]). */
static uint64_t median(uint64_t *v, uint64_t n)
{
    sort_u64(v, n);
    return v[n / 2];
}

static uint64_t minus_overhead(uint64_t c)
{
    return c > tsc_overhead ? c - tsc_overhead : 0;
}

/* ------------------------------------------------------------------ output ---- */

/* key=num/den, rounded to `decimals` (0-2) places: the peer's %.0f, %.1f and %.2f. */
static void put_ratio(const char *key, unsigned __int128 num, unsigned __int128 den, int decimals)
{
    static const uint64_t scale[] = {1, 10, 100};
    unsigned __int128 q;
    uint64_t whole, frac;

    if (den == 0)
        den = 1;
    q = (num * scale[decimals] + den / 2) / den;
    whole = (uint64_t)(q / scale[decimals]);
    frac = (uint64_t)(q % scale[decimals]);
    if (decimals == 0)
        uprintf("%s=%llu\n", key, (unsigned long long)whole);
    else if (decimals == 1)
        uprintf("%s=%llu.%01llu\n", key, (unsigned long long)whole, (unsigned long long)frac);
    else
        uprintf("%s=%llu.%02llu\n", key, (unsigned long long)whole, (unsigned long long)frac);
}

static void put_u64(const char *key, uint64_t v)
{
    uprintf("%s=%llu\n", key, (unsigned long long)v);
}

/* The peer's cyc2us: cycles / tsc_mhz, i.e. cycles * cal_ns / (cal_ticks * 1000). */
static void put_cycles_as_us(const char *key, unsigned __int128 cycles, uint64_t per, int decimals)
{
    put_ratio(key, cycles * cal_ns, (unsigned __int128)cal_ticks * 1000 * per, decimals);
}

static void put_error(const char *what, dormer_status_t st)
{
    uprintf("bench_error=%s:0x%08x\n", what, (uint32_t)st);
}

/* ------------------------------------------------------ environment, TSC ---- */

static void calibrate_tsc(void)
{
    uint64_t n0 = now_ns(), t0 = tsc(), n1, t1;

    /* 50 ms of DmQueryUptime (the peer spins 200 ms on clock_gettime). */
    do {
        n1 = now_ns();
    } while (n1 - n0 < 50000000ull);
    t1 = tsc();
    cal_ticks = t1 - t0;
    cal_ns = n1 - n0;

    for (uint64_t i = 0; i < counts.overhead; i++) {
        uint64_t a = tsc();
        uint64_t b = tsc();

        samples[i] = b - a;
    }
    tsc_overhead = median(samples, counts.overhead);
}

/* The peer's print_cpuid_info: the CPU as the guest sees it, under the same keys. */
static void print_cpuid_info(void)
{
    unsigned a, b, c, d, maxstd, hv;
    char vendor[13] = {0}, sig[13] = {0};

    __cpuid(0, a, b, c, d);
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &d, 4);
    memcpy(vendor + 8, &c, 4);
    maxstd = a;
    uprintf("cpu_vendor=%s\n", vendor);
    __cpuid(1, a, b, c, d);
    uprintf("cpuid_family_model=%u/%u\n", ((a >> 8) & 0xf) + ((a >> 20) & 0xff),
            ((a >> 4) & 0xf) | ((a >> 12) & 0xf0));
    hv = (c >> 31) & 1;
    uprintf("cpuid_hypervisor=%u\n", hv);
    uprintf("cpuid_tsc_deadline=%u\n", (c >> 24) & 1);
    __cpuid(0x80000000, a, b, c, d);
    if (a >= 0x80000007) {
        __cpuid(0x80000007, a, b, c, d);
        uprintf("cpuid_invariant_tsc=%u\n", (d >> 8) & 1);
    }
    if (maxstd >= 0x15) {
        __cpuid(0x15, a, b, c, d);
        uprintf("cpuid_15h=den:%u,num:%u,crystal_hz:%u\n", a, b, c);
    }
    if (hv) {
        __cpuid(0x40000000, a, b, c, d);
        memcpy(sig, &b, 4);
        memcpy(sig + 4, &c, 4);
        memcpy(sig + 8, &d, 4);
        uprintf("cpuid_hv_signature=%s\n", sig);
        uprintf("cpuid_hv_maxleaf=0x%x\n", a);
        if (a >= 0x40000010) {
            __cpuid(0x40000010, a, b, c, d);
            uprintf("cpuid_hv_tsc_khz=%u\n", a);
        } else {
            uprintf("cpuid_hv_tsc_khz=absent\n");
        }
    }
}

static int memory_counters(struct dormer_memory_counters *m)
{
    memset(m, 0, sizeof(*m));
    return NT_SUCCESS(DmQuerySystemInformation(DORMER_INFO_MEMORY, m, sizeof(*m)));
}

/* --------------------------------------------------------- 1. null syscall ---- */

/*
 * The one `syscall` instruction outside ntdll, on purpose: it mirrors the peer's
 * raw_getppid, an inline SYSCALL with no wrapper, no call and no ret, which is what
 * null_syscall_raw_median_cycles compares. The clobbers are what a caller of an ntdll
 * stub gives up (rcx and r11 for the instruction itself, the other volatile registers
 * for the kernel).
 */
static inline uint64_t raw_nop(void)
{
    uint64_t ret;

    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "0"((uint64_t)BENCH_NR_DmNop)
                     : "rcx", "rdx", "r8", "r9", "r10", "r11", "memory");
    return ret;
}

static void bench_null_syscall(void)
{
    const uint64_t n = counts.syscalls;
    uint64_t t0, t1, n0, n1;

    for (int i = 0; i < 10000; i++) /* warm-up */
        DmNop();

    /* (a) through ntdll's stub (call, mov, mov, syscall, ret), each call timed alone. */
    for (uint64_t i = 0; i < n; i++) {
        uint64_t a = tsc();
        DmNop();
        uint64_t b = tsc();

        samples[i] = b - a;
    }
    put_u64("null_syscall_median_cycles", minus_overhead(median(samples, n)));

    /* (b) the inline instruction. */
    for (uint64_t i = 0; i < n; i++) {
        uint64_t a = tsc();
        raw_nop();
        uint64_t b = tsc();

        samples[i] = b - a;
    }
    put_u64("null_syscall_raw_median_cycles", minus_overhead(median(samples, n)));
    put_u64("null_syscall_raw_p1_cycles", minus_overhead(samples[n / 100]));
    put_u64("null_syscall_raw_p99_cycles", minus_overhead(samples[n - n / 100]));

    /* (c) back to back, no per-call fences: the throughput view, and ns by the clock. */
    n0 = now_ns();
    t0 = tsc();
    for (uint64_t i = 0; i < n; i++)
        DmNop();
    t1 = tsc();
    n1 = now_ns();
    put_ratio("null_syscall_avg_cycles", t1 - t0, n, 1);
    put_ratio("null_syscall_avg_ns", n1 - n0, n, 1);
    n0 = now_ns();
    t0 = tsc();
    for (uint64_t i = 0; i < n; i++)
        raw_nop();
    t1 = tsc();
    n1 = now_ns();
    put_ratio("null_syscall_raw_avg_cycles", t1 - t0, n, 1);
    put_ratio("null_syscall_raw_avg_ns", n1 - n0, n, 1);
}

/* ------------------------------------------- 2. demand-zero faults, release ---- */

/*
 * mmap(MAP_ANONYMOUS) is DmAllocateVirtualMemory(MEM_RESERVE | MEM_COMMIT): committed
 * pages are demand-zero, so the first touch of each takes the fault the peer measures.
 * munmap is DmFreeVirtualMemory(MEM_RELEASE) of the whole region.
 */
static void bench_pagefault(void)
{
    const uint64_t passes = counts.pf_passes;
    uint64_t pass_cycles[PF_MAX_PASSES], release_cycles[PF_MAX_PASSES];
    uint64_t nd = 0, pf_ns = 0, pf_sum = 0, release_sum = 0;

    for (uint64_t p = 0; p < passes; p++) {
        uint64_t base = 0, size = PF_BYTES, zero = 0;
        dormer_status_t st =
            DmAllocateVirtualMemory(&base, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
        volatile char *m = (volatile char *)(uintptr_t)base;
        uint64_t n0, n1, t0, prev, u0, u1;

        if (!NT_SUCCESS(st)) {
            put_error("pf_allocate", st);
            return;
        }
        n0 = now_ns();
        t0 = tsc();
        prev = t0;
        for (uint64_t i = 0; i < PF_PAGES; i++) {
            m[i * PAGE] = 1;
            uint64_t t = tsc();

            if (p > 0)
                samples[nd++] = t - prev;
            prev = t;
        }
        n1 = now_ns();
        pass_cycles[p] = prev - t0;
        if (p > 0)
            pf_ns += n1 - n0;
        u0 = tsc();
        st = DmFreeVirtualMemory(&base, &zero, MEM_RELEASE);
        u1 = tsc();
        if (!NT_SUCCESS(st)) {
            put_error("pf_release", st);
            return;
        }
        release_cycles[p] = u1 - u0;
    }
    for (uint64_t p = 1; p < passes; p++) {
        pf_sum += pass_cycles[p];
        release_sum += release_cycles[p];
    }
    /* Pass 0 is reported apart, as by the peer (there: hypervisor first-touch costs). */
    put_ratio("pf_first_pass_cycles_per_page", pass_cycles[0], PF_PAGES, 0);
    put_ratio("pf_cycles_per_page", pf_sum, (passes - 1) * PF_PAGES, 0);
    put_ratio("pf_ns_per_page", pf_ns, (passes - 1) * PF_PAGES, 0);
    put_u64("pf_median_cycles", minus_overhead(median(samples, nd)));
    put_cycles_as_us("munmap_64mb_us", release_sum, passes - 1, 1);
    put_ratio("munmap_cycles_per_page", release_sum, (passes - 1) * PF_PAGES, 0);
}

/* ------------------------------------------------------- 3. thread switches ---- */

static volatile uint32_t yield_go;
static volatile uint32_t yield_last;        /* the thread that yielded last */
static volatile uint64_t yield_switches[2]; /* resumptions that found the other one last */

/*
 * The peer counts switches with getrusage; Dormer has no such counter, so each thread
 * counts the yields after which the other thread had run (it wrote yield_last in
 * between): that is one switch between the two, whatever the scheduler did besides.
 */
static uint32_t yield_thread(uint64_t me)
{
    uint64_t seen = 0;

    while (!__atomic_load_n(&yield_go, __ATOMIC_ACQUIRE))
        NtYieldExecution();
    for (uint64_t i = 0; i < counts.yields; i++) {
        __atomic_store_n(&yield_last, (uint32_t)me, __ATOMIC_RELAXED);
        NtYieldExecution();
        if (__atomic_load_n(&yield_last, __ATOMIC_RELAXED) != me)
            seen++;
    }
    yield_switches[me] = seen;
    return 0;
}

static void bench_yield(void)
{
    const uint64_t n = counts.yields;
    dormer_handle_t h[2] = {0, 0};
    uint64_t t0, t1, switches;
    dormer_status_t st;

    /* Yield with nobody else ready: the system call and a pass of the scheduler. */
    t0 = tsc();
    for (uint64_t i = 0; i < n; i++)
        NtYieldExecution();
    t1 = tsc();
    put_ratio("yield_noswitch_cycles", t1 - t0, n, 0);

    yield_go = 0;
    for (uint64_t i = 0; i < 2; i++) {
        st = DormerCreateThread(&h[i], yield_thread, i, 0);
        if (!NT_SUCCESS(st)) {
            put_error("yield_thread", st);
            return;
        }
    }
    DmDelayExecution(20);
    t0 = tsc();
    __atomic_store_n(&yield_go, 1, __ATOMIC_RELEASE);
    st = DmWaitForMultipleObjects(2, h, 1, DORMER_INFINITE);
    t1 = tsc();
    NtClose(h[0]);
    NtClose(h[1]);
    if (st != STATUS_WAIT_0) {
        put_error("yield_wait", st);
        return;
    }
    switches = yield_switches[0] + yield_switches[1];
    if (switches < 1)
        switches = 1;
    put_ratio("yield_switches_per_yield", switches, 2 * n, 2);
    put_ratio("yield_switch_cycles", t1 - t0, switches, 0);
}

/* The peer's futex ping-pong, on DmWaitOnAddress / DmWakeAddress. */
static volatile uint32_t ftx;

static uint32_t futex_partner(uint64_t arg)
{
    (void)arg;
    for (uint64_t i = 0; i < counts.futex; i++) {
        while (__atomic_load_n(&ftx, __ATOMIC_ACQUIRE) != 1)
            DmWaitOnAddress(&ftx, 0, sizeof(ftx), DORMER_INFINITE);
        __atomic_store_n(&ftx, 0, __ATOMIC_RELEASE);
        DmWakeAddress(&ftx, 0);
    }
    return 0;
}

static void bench_futex(void)
{
    const uint64_t n = counts.futex;
    dormer_handle_t h = 0;
    uint64_t t0, t1;
    dormer_status_t st;

    ftx = 0;
    st = DormerCreateThread(&h, futex_partner, 0, 0);
    if (!NT_SUCCESS(st)) {
        put_error("futex_thread", st);
        return;
    }
    DmDelayExecution(10);
    t0 = tsc();
    for (uint64_t i = 0; i < n; i++) {
        __atomic_store_n(&ftx, 1, __ATOMIC_RELEASE);
        DmWakeAddress(&ftx, 0);
        while (__atomic_load_n(&ftx, __ATOMIC_ACQUIRE) != 0)
            DmWaitOnAddress(&ftx, 1, sizeof(ftx), DORMER_INFINITE);
    }
    t1 = tsc();
    DormerWait(h, DORMER_INFINITE);
    NtClose(h);
    /* One round trip is two switches within one address space. */
    put_ratio("futex_switch_cycles", t1 - t0, 2 * n, 0);
}

/*
 * The peer ping-pongs a byte between two processes through two pipes. A Dormer process
 * cannot hand a pipe to another one except as a child's console output, so data only
 * flows from child to parent and no two processes can take turns. The nearest
 * equivalent, named by pipe_switch_kind: two threads of this process over two pipes
 * (the same pipe reads, writes and blocking, without the address-space change).
 */
static dormer_handle_t ping_r, ping_w, pong_r, pong_w;

static uint32_t pipe_partner(uint64_t arg)
{
    char c = 0;
    uint64_t n = 0;

    (void)arg;
    for (uint64_t i = 0; i < counts.pipe; i++) {
        if (DmReadPipe(ping_r, &c, 1, &n) != STATUS_SUCCESS || n != 1)
            return 1;
        if (DmWritePipe(pong_w, &c, 1, &n) != STATUS_SUCCESS || n != 1)
            return 2;
    }
    return 0;
}

static void bench_pipe(void)
{
    const uint64_t n = counts.pipe;
    dormer_handle_t h = 0;
    uint64_t t0, t1, done = 0, got = 0;
    dormer_status_t st;
    char c = 'x';

    if (!NT_SUCCESS(st = DmCreatePipe(&ping_r, &ping_w)) ||
        !NT_SUCCESS(st = DmCreatePipe(&pong_r, &pong_w)) ||
        !NT_SUCCESS(st = DormerCreateThread(&h, pipe_partner, 0, 0))) {
        put_error("pipe_setup", st);
        return;
    }
    t0 = tsc();
    for (; done < n; done++) {
        if (DmWritePipe(ping_w, &c, 1, &got) != STATUS_SUCCESS || got != 1)
            break;
        if (DmReadPipe(pong_r, &c, 1, &got) != STATUS_SUCCESS || got != 1)
            break;
    }
    t1 = tsc();
    DormerWait(h, DORMER_INFINITE);
    NtClose(h);
    NtClose(ping_r);
    NtClose(ping_w);
    NtClose(pong_r);
    NtClose(pong_w);
    if (done != n) {
        put_error("pipe_roundtrip", STATUS_UNSUCCESSFUL);
        return;
    }
    uprintf("pipe_switch_kind=threads_over_pipes\n");
    put_ratio("pipe_switch_cycles", t1 - t0, 2 * n, 0);
    put_cycles_as_us("pipe_roundtrip_us", t1 - t0, n, 2);
}

/* ------------------------------------------- 4. thread and process creation ---- */

static uint32_t noop_thread(uint64_t arg)
{
    return (uint32_t)arg;
}

/* Reads the pipe until every writer is gone; returns the final status. */
static dormer_status_t drain(dormer_handle_t r)
{
    static char buf[512];
    dormer_status_t st;
    uint64_t n;

    do {
        n = 0;
        st = DmReadPipe(r, buf, sizeof(buf), &n);
    } while (st == STATUS_SUCCESS);
    return st;
}

/* Starts cmdline and waits for it; with `quiet`, its console is a pipe drained here. */
static dormer_status_t run_child(const char *cmdline, int quiet, int32_t *exit_status)
{
    dormer_handle_t r = 0, w = 0, h = 0;
    dormer_status_t st;

    if (quiet) {
        st = DmCreatePipe(&r, &w);
        if (!NT_SUCCESS(st))
            return st;
    }
    st = DormerSpawn(cmdline, w, &h);
    if (quiet) {
        NtClose(w);
        if (NT_SUCCESS(st) && drain(r) != STATUS_PIPE_BROKEN)
            st = STATUS_UNSUCCESSFUL;
        NtClose(r);
    }
    if (!NT_SUCCESS(st))
        return st;
    st = DormerWait(h, DORMER_INFINITE);
    if (st == STATUS_WAIT_0)
        st = DmQueryExitStatus(h, exit_status);
    NtClose(h);
    return st;
}

/* Median over counts.spawns runs of cmdline, in the peer's microseconds; 0 on failure. */
static int time_spawns(const char *key, const char *cmdline, int quiet)
{
    const uint64_t n = counts.spawns;

    for (uint64_t i = 0; i < n; i++) {
        int32_t status = -1;
        uint64_t a = tsc();
        dormer_status_t st = run_child(cmdline, quiet, &status);

        samples[i] = tsc() - a;
        if (!NT_SUCCESS(st) || status != 0) {
            uprintf("spawn_error=%s:0x%08x:exit:%d\n", cmdline, (uint32_t)st, (int)status);
            return 0;
        }
    }
    put_cycles_as_us(key, median(samples, n), 1, 1);
    return 1;
}

/*
 * Frames the system spends on a running hello.exe (Dormer only). Its console is a pipe
 * filled to the brim beforehand, so hello blocks in its first write, loaded and running:
 * used frames then, minus before the spawn, count its image, stacks, tables and kernel
 * objects. Then the pipe is drained and hello ends normally.
 */
static void measure_hello_frames(void)
{
    static char fill[64 * 1024];
    struct dormer_memory_counters before, during;
    dormer_handle_t r = 0, w = 0, h = 0;
    dormer_status_t st;
    uint64_t n = 0;

    memset(fill, 'x', sizeof(fill));
    st = DmCreatePipe(&r, &w);
    if (NT_SUCCESS(st))
        st = DmWritePipe(w, fill, sizeof(fill), &n); /* exactly the pipe's capacity */
    if (!NT_SUCCESS(st) || n != sizeof(fill) || !memory_counters(&before)) {
        put_error("hello_frames_setup", st);
        return;
    }
    st = DormerSpawn(NATIVE_EXE, w, &h);
    NtClose(w);
    if (!NT_SUCCESS(st)) {
        NtClose(r);
        put_error("hello_frames_spawn", st);
        return;
    }
    /* Time for hello to load and reach its first write; it must still be running. */
    st = DormerWait(h, 200);
    if (st == STATUS_TIMEOUT && memory_counters(&during))
        put_u64("hello_frames_used", during.used_frames - before.used_frames);
    else
        put_error("hello_frames_blocked", st);
    drain(r);
    DormerWait(h, DORMER_INFINITE);
    NtClose(h);
    NtClose(r);
}

static void bench_spawn(void)
{
    const uint64_t n = counts.spawns;

    for (uint64_t i = 0; i < n; i++) {
        dormer_handle_t h = 0;
        uint64_t a = tsc();
        dormer_status_t st = DormerCreateThread(&h, noop_thread, 0, 0);

        if (NT_SUCCESS(st))
            st = DormerWait(h, DORMER_INFINITE);
        NtClose(h);
        samples[i] = tsc() - a;
        if (st != STATUS_WAIT_0) {
            put_error("thread_create_join", st);
            return;
        }
    }
    put_cycles_as_us("thread_create_join_us", median(samples, n), 1, 2);

    /*
     * vfork+exec+wait and posix_spawn are two roads to one place on Linux; Dormer has
     * one (DmCreateProcess), so both keys carry the same measurement.
     */
    if (time_spawns("vfork_exec_wait_us", MIN_EXE, 0))
        put_cycles_as_us("posix_spawn_us", samples[n / 2], 1, 1);

    /* The peer's static program prints nothing; hello.exe prints, into a drained pipe. */
    time_spawns("posix_spawn_static_us", STATIC_EXE, 1);
    time_spawns("spawn_native_hello_us", NATIVE_EXE, 1);
    measure_hello_frames();
}

/* --------------------------------------------------------------------- files ---- */
/* The peer's file keys, on C:\ (RAM without a disk, as the peer's tmpfs): native calls. */

#define FILE_DIR L"C:\\bench_files"
#define FILE_BYTES 4096
#define STREAM_BYTES (8ull << 20)
#define STREAM_CHUNK (64u << 10)

/* "C:\bench_files\fNNN" into buf; returns its length in characters. */
static uint64_t bench_file_name(uint16_t *buf, uint64_t i)
{
    const uint16_t *dir = (const uint16_t *)FILE_DIR;
    uint64_t n = 0;

    while (dir[n]) {
        buf[n] = dir[n];
        n++;
    }
    buf[n++] = '\\';
    buf[n++] = 'f';
    buf[n++] = (uint16_t)('0' + i / 100 % 10);
    buf[n++] = (uint16_t)('0' + i / 10 % 10);
    buf[n++] = (uint16_t)('0' + i % 10);
    return n;
}

static dormer_status_t bench_open(dormer_handle_t *h, const uint16_t *path, uint64_t chars,
                                  uint32_t access, uint32_t disposition, uint32_t options)
{
    struct dormer_create_file a = {access, DORMER_FILE_SHARE_READ | DORMER_FILE_SHARE_DELETE,
                                   disposition, options, DORMER_FILE_ATTRIBUTE_NORMAL, 0};
    return DmCreateFile(h, path, chars, &a);
}

static uint64_t wlen(const uint16_t *s)
{
    uint64_t n = 0;
    while (s[n])
        n++;
    return n;
}

static void bench_files(void)
{
    static uint8_t page[FILE_BYTES];
    const uint64_t n = counts.files;
    uint16_t name[64];
    dormer_handle_t h = 0, dir = 0;
    uint64_t done = 0;
    dormer_status_t st;

    memset(page, 'd', sizeof page);
    st = bench_open(&dir, (const uint16_t *)FILE_DIR, wlen((const uint16_t *)FILE_DIR),
                    DORMER_FILE_READ_DATA, DORMER_FILE_OPEN_IF, DORMER_FILE_DIRECTORY_FILE);
    if (!NT_SUCCESS(st)) {
        put_error("file_dir", st);
        return;
    }
    for (uint64_t i = 0; i < n; i++) {
        uint64_t len = bench_file_name(name, i), a = tsc();
        st = bench_open(&h, name, len, DORMER_GENERIC_WRITE, DORMER_FILE_CREATE,
                        DORMER_FILE_NON_DIRECTORY_FILE);
        if (NT_SUCCESS(st))
            st = DmWriteFile(h, page, sizeof page, NULL, &done);
        NtClose(h);
        samples[i] = tsc() - a;
        if (!NT_SUCCESS(st)) {
            put_error("file_create_write_close", st);
            goto out;
        }
    }
    put_u64("file_create_write_close_cycles", median(samples, n));
    for (uint64_t i = 0; i < n; i++) {
        uint64_t len = bench_file_name(name, i), a = tsc();
        st = bench_open(&h, name, len, DORMER_GENERIC_READ, DORMER_FILE_OPEN,
                        DORMER_FILE_NON_DIRECTORY_FILE);
        if (NT_SUCCESS(st))
            st = DmReadFile(h, page, sizeof page, NULL, &done);
        NtClose(h);
        samples[i] = tsc() - a;
        if (!NT_SUCCESS(st) || done != sizeof page) {
            put_error("file_open_read_close", st);
            goto out;
        }
    }
    put_u64("file_open_read_close_cycles", median(samples, n));
    /*
     * One listing of the whole directory, per entry ("." and ".." included, as readdir).
     * The peer takes entries from getdents64 8 KiB at a time into a buffer on its
     * stack; this takes them from DmQueryDirectoryEntries the same way (into a buffer
     * touched before the timing, as a stack in use is).
     */
    static uint64_t list_buf[8192 / 8];
    struct dormer_dir_query q = {0, 0, DORMER_DIR_RESTART};
    memset(list_buf, 0, sizeof list_buf);
    uint64_t entries = 0, a = tsc();
    while (NT_SUCCESS(st = DmQueryDirectoryEntries(dir, list_buf, sizeof list_buf, &q))) {
        const uint8_t *at = (const uint8_t *)list_buf;
        for (;;) {
            const struct dormer_dir_info *e = (const struct dormer_dir_info *)at;
            entries++;
            if (!e->next)
                break;
            at += e->next;
        }
        q.flags = 0;
    }
    uint64_t listed = tsc() - a;
    if (st != STATUS_NO_MORE_FILES)
        put_error("dir_list", st);
    if (entries)
        put_u64("dir_list_cycles_per_entry", listed / entries);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t len = bench_file_name(name, i);
        a = tsc();
        st = bench_open(&h, name, len, DORMER_DELETE, DORMER_FILE_OPEN,
                        DORMER_FILE_NON_DIRECTORY_FILE | DORMER_FILE_DELETE_ON_CLOSE);
        NtClose(h);
        samples[i] = tsc() - a;
        if (!NT_SUCCESS(st)) {
            put_error("file_delete", st);
            goto out;
        }
    }
    put_u64("file_delete_cycles", median(samples, n));

    /* Streaming: 8 MiB in 64 KiB calls, written then read back. */
    static uint8_t chunk[STREAM_CHUNK];
    memset(chunk, 's', sizeof chunk);
    uint64_t len = bench_file_name(name, 999);
    st = bench_open(&h, name, len, DORMER_GENERIC_READ | DORMER_GENERIC_WRITE | DORMER_DELETE,
                    DORMER_FILE_CREATE, DORMER_FILE_NON_DIRECTORY_FILE | DORMER_FILE_DELETE_ON_CLOSE);
    if (!NT_SUCCESS(st)) {
        put_error("file_stream_open", st);
        goto out;
    }
    a = tsc();
    for (uint64_t off = 0; NT_SUCCESS(st) && off < STREAM_BYTES; off += sizeof chunk)
        st = DmWriteFile(h, chunk, sizeof chunk, NULL, &done);
    uint64_t wrote = tsc() - a;
    int64_t zero = 0;
    a = tsc();
    for (uint64_t off = 0; NT_SUCCESS(st) && off < STREAM_BYTES; off += sizeof chunk) {
        int64_t at = (int64_t)off;
        st = DmReadFile(h, chunk, sizeof chunk, off ? &at : &zero, &done);
    }
    uint64_t read = tsc() - a;
    NtClose(h);
    if (!NT_SUCCESS(st)) {
        put_error("file_stream", st);
        goto out;
    }
    put_u64("file_write_cycles_per_kib", wrote / (STREAM_BYTES >> 10));
    put_u64("file_read_cycles_per_kib", read / (STREAM_BYTES >> 10));
out:
    NtClose(dir);
    bench_open(&dir, (const uint16_t *)FILE_DIR, wlen((const uint16_t *)FILE_DIR), DORMER_DELETE,
               DORMER_FILE_OPEN, DORMER_FILE_DIRECTORY_FILE | DORMER_FILE_DELETE_ON_CLOSE);
    NtClose(dir);
}

/* ------------------------------------------------------------- C++ throw ---- */

/* A throw caught 10 frames up, timed inside the C++ program (no Linux peer figure). */
/* ------------------------------------------------- 6. TCP over loopback ---- */

#define TCP_LOOPBACK    0x0100007Fu /* 127.0.0.1 in network order */
#define TCP_STREAM_MIB  8
#define TCP_CHUNK       (64 * 1024)

static dormer_handle_t tcp_listener;
static uint8_t tcp_buf[TCP_CHUNK];

static uint16_t be16(uint16_t v)
{
    return (uint16_t)(v << 8 | v >> 8);
}

/* Every byte of buf through h (a send may take part of it). */
static int tcp_send_all(dormer_handle_t h, const void *buf, uint64_t len)
{
    const uint8_t *p = buf;

    while (len) {
        uint64_t sent = 0;
        if (!NT_SUCCESS(DmSocketSend(h, p, len, 0, NULL, &sent)) || sent == 0)
            return 0;
        p += sent;
        len -= sent;
    }
    return 1;
}

/* The peer's partner thread: accept one connection, then echo one byte at a time
 * (arg 0) or take everything (arg 1) until the other side closes. */
static uint32_t tcp_partner(uint64_t mode)
{
    static uint8_t b[TCP_CHUNK];
    dormer_handle_t c = 0;
    uint64_t got = 0;

    if (!NT_SUCCESS(DmSocketAccept(tcp_listener, &c, NULL)))
        return 1;
    while (NT_SUCCESS(DmSocketRecv(c, b, mode ? sizeof b : 1, 0, NULL, &got)) && got) {
        if (!mode && !tcp_send_all(c, b, got))
            break;
    }
    NtClose(c);
    return 0;
}

/* A listener on 127.0.0.1, its partner thread, and a connected client with Nagle off,
 * as the peer's tcp_pair. 0 with *client and *thread, or the failing status. */
static dormer_status_t tcp_pair(uint64_t mode, dormer_handle_t *client, dormer_handle_t *thread)
{
    struct dormer_sockaddr a = { TCP_LOOPBACK, be16((uint16_t)(5001 + mode)), 0 };
    dormer_status_t st;

    if (!NT_SUCCESS(st = DmSocketCreate(&tcp_listener, DORMER_SOCK_STREAM)) ||
        !NT_SUCCESS(st = DmSocketSetOption(tcp_listener, DORMER_SO_REUSEADDR, 1)) ||
        !NT_SUCCESS(st = DmSocketBind(tcp_listener, &a)) ||
        !NT_SUCCESS(st = DmSocketListen(tcp_listener, 1)) ||
        !NT_SUCCESS(st = DormerCreateThread(thread, tcp_partner, mode, 0)) ||
        !NT_SUCCESS(st = DmSocketCreate(client, DORMER_SOCK_STREAM)) ||
        !NT_SUCCESS(st = DmSocketConnect(*client, &a)))
        return st;
    return DmSocketSetOption(*client, DORMER_SO_NODELAY, 1);
}

static void bench_tcp(void)
{
    const uint64_t n = counts.tcp_rr;
    dormer_handle_t c = 0, t = 0;
    uint64_t got = 0, done = 0;
    uint8_t byte = 'x';
    dormer_status_t st = tcp_pair(0, &c, &t);

    if (!NT_SUCCESS(st)) {
        put_error("tcp_setup", st);
        return;
    }
    for (int i = 0; i < 10; i++) { /* warm up, as the peer */
        tcp_send_all(c, &byte, 1);
        DmSocketRecv(c, &byte, 1, 0, NULL, &got);
    }
    uint64_t a = tsc();
    for (; done < n; done++) {
        if (!tcp_send_all(c, &byte, 1) ||
            !NT_SUCCESS(DmSocketRecv(c, &byte, 1, 0, NULL, &got)) || got != 1)
            break;
    }
    uint64_t rr = tsc() - a;
    NtClose(c);
    DormerWait(t, DORMER_INFINITE);
    NtClose(t);
    NtClose(tcp_listener);
    if (done != n) {
        put_error("tcp_rr", STATUS_UNSUCCESSFUL);
        return;
    }
    put_ratio("tcp_loopback_rr_cycles", rr, n, 0);

    if (!NT_SUCCESS(st = tcp_pair(1, &c, &t))) {
        put_error("tcp_setup", st);
        return;
    }
    memset(tcp_buf, 'y', sizeof tcp_buf);
    a = tsc();
    for (done = 0; done < TCP_STREAM_MIB * 16; done++) {
        if (!tcp_send_all(c, tcp_buf, sizeof tcp_buf))
            break;
    }
    NtClose(c);
    DormerWait(t, DORMER_INFINITE); /* the partner has taken the last byte */
    uint64_t streamed = tsc() - a;
    NtClose(t);
    NtClose(tcp_listener);
    if (done != TCP_STREAM_MIB * 16) {
        put_error("tcp_stream", STATUS_UNSUCCESSFUL);
        return;
    }
    put_ratio("tcp_loopback_cycles_per_kib", streamed, TCP_STREAM_MIB * 1024, 0);
}

/* ------------------------------------- 7. TCP from the guest to the host ---- */

/* Dormer only, in a boot of its own with a NIC (tools/dormer_bench.py): the host's sink
 * listens behind the guestfwd address G2H_PEER. The stream is an 8-byte length (little
 * endian) and that many bytes; the sink answers one byte once it has them all, so the
 * time runs from the first send until the host has taken the last byte.
 * Waiting for the host is not counted: under -icount a halted CPU jumps the clock to its
 * next timer event, by as much as the host happens to be late. So a spinner at low
 * priority keeps the CPU from halting while the stream runs, and the instructions it
 * spun (its count times its cost per turn, measured alone first) are taken out. */
#define G2H_PEER        0x6402000Au /* 10.0.2.100 in network order */
#define G2H_PORT        9
#define G2H_STREAM_MIB  8
#define G2H_DHCP_MS     10000

static volatile uint64_t g2h_spins;
static volatile int g2h_stop;

static uint32_t g2h_spinner(uint64_t arg)
{
    (void)arg;
    while (!g2h_stop)
        g2h_spins++;
    return 0;
}

/* Instructions per spinner turn, times 1000: the spinner alone for 50 ms. */
static uint64_t g2h_spin_cost(void)
{
    uint64_t s0 = g2h_spins, t0 = tsc();

    DmDelayExecution(50);
    uint64_t t = tsc() - t0, n = g2h_spins - s0;
    return n ? t * 1000 / n : 0;
}

static void bench_guest_to_host(void)
{
    struct dormer_sockaddr a = { G2H_PEER, be16(G2H_PORT), 0 };
    struct dormer_net_address na = { 0 };
    uint64_t len = (uint64_t)G2H_STREAM_MIB << 20, got = 0, done = 0;
    dormer_handle_t c = 0;
    dormer_status_t st;
    uint8_t ack = 0;

    for (int ms = 0; ms < G2H_DHCP_MS; ms += 10) { /* the lease comes in the background */
        if (NT_SUCCESS(DmNetQueryAddress(&na)) && na.address)
            break;
        DmDelayExecution(10);
    }
    if (!na.address) {
        put_error("g2h_no_address", STATUS_UNSUCCESSFUL);
        return;
    }
    if (!NT_SUCCESS(st = DmSocketCreate(&c, DORMER_SOCK_STREAM)) ||
        !NT_SUCCESS(st = DmSocketConnect(c, &a)) ||
        !NT_SUCCESS(st = DmSocketSetOption(c, DORMER_SO_NODELAY, 1))) {
        put_error("g2h_setup", st);
        if (c)
            NtClose(c);
        return;
    }
    dormer_handle_t spinner = 0;
    if (!NT_SUCCESS(st = DormerCreateThread(&spinner, g2h_spinner, 0, 0)) ||
        !NT_SUCCESS(st = DmSetThreadPriority(spinner, DORMER_PRIORITY_LOW))) {
        put_error("g2h_spinner", st);
        NtClose(c);
        return;
    }
    uint64_t cost = g2h_spin_cost();
    memset(tcp_buf, 'y', sizeof tcp_buf);
    uint64_t spins0 = g2h_spins, t0 = tsc();
    if (tcp_send_all(c, &len, sizeof len)) {
        for (; done < len / TCP_CHUNK; done++) {
            if (!tcp_send_all(c, tcp_buf, sizeof tcp_buf))
                break;
        }
    }
    st = done == len / TCP_CHUNK ? DmSocketRecv(c, &ack, 1, 0, NULL, &got) : STATUS_UNSUCCESSFUL;
    uint64_t t = tsc() - t0, spun = (g2h_spins - spins0) * cost / 1000;
    g2h_stop = 1;
    DormerWait(spinner, DORMER_INFINITE);
    NtClose(spinner);
    NtClose(c);
    if (!NT_SUCCESS(st) || got != 1 || ack != 'k' || !cost || spun > t) {
        put_error("g2h_stream", NT_SUCCESS(st) ? STATUS_UNSUCCESSFUL : st);
        return;
    }
    put_ratio("tcp_guest_to_host_cycles_per_kib", t - spun, len >> 10, 0);
    put_ratio("tcp_guest_to_host_wall_cycles_per_kib", t, len >> 10, 0);
    put_ratio("g2h_spin_cost_milli", cost, 1, 0);
}

static void bench_cxx_throw(void)
{
    int32_t status = -1;
    dormer_status_t st = run_child(CXX_THROW_EXE " 200", 0, &status);

    if (!NT_SUCCESS(st) || status != 0)
        uprintf("spawn_error=%s:0x%08x:exit:%d\n", CXX_THROW_EXE, (uint32_t)st, (int)status);
}

/* -------------------------------------------------------------------- main ---- */

/* The parts of the run, in order; naming some on the command line runs only those
 * (`bench.exe spawn` while profiling one path). */
static struct {
    const char *name;
    void (*run)(void);
    int selected; /* named on the command line; -1: runs only then */
} sections[] = {
    {"syscall", bench_null_syscall, 0}, {"pf", bench_pagefault, 0}, {"yield", bench_yield, 0},
    {"futex", bench_futex, 0},          {"pipe", bench_pipe, 0},    {"spawn", bench_spawn, 0},
    {"files", bench_files, 0},          {"tcp", bench_tcp, 0},      {"cxx", bench_cxx_throw, 0},
    {"g2h", bench_guest_to_host, -1}, /* needs the NIC and the host's sink */
};
static int any_selected;

static void select_section(const char *name)
{
    for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
        if (!strcmp(sections[i].name, name)) {
            sections[i].selected = 1;
            any_selected = 1;
            return;
        }
    }
    uprintf("bench_unknown_argument=%s\n", name);
}

/* Room for the largest sample set, committed and touched before any timing. */
static int alloc_samples(void)
{
    uint64_t n = counts.overhead, base = 0, size;

    if (counts.syscalls > n)
        n = counts.syscalls;
    if ((counts.pf_passes - 1) * PF_PAGES > n)
        n = (counts.pf_passes - 1) * PF_PAGES;
    if (counts.spawns > n)
        n = counts.spawns;
    size = n * sizeof(uint64_t);
    if (!NT_SUCCESS(
            DmAllocateVirtualMemory(&base, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE)))
        return 0;
    samples = (uint64_t *)(uintptr_t)base;
    memset(samples, 0, size);
    return 1;
}

/* A decimal count; 0 (no cap) for anything else. */
static uint64_t parse_count(const char *s)
{
    uint64_t n = 0;

    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || n > UINT64_MAX / 10 - 1)
            return 0;
        n = n * 10 + (uint64_t)(*s - '0');
    }
    return n;
}

/* Every loop of the run at most n iterations (the fault passes and the overhead
 * median keep their own counts: they are not per-operation loops of this kind). */
static void cap_counts(uint64_t n)
{
    uint64_t *loops[] = { &counts.syscalls, &counts.yields, &counts.futex, &counts.pipe,
                          &counts.spawns, &counts.files, &counts.tcp_rr };

    for (size_t i = 0; i < sizeof loops / sizeof loops[0]; i++) {
        if (*loops[i] > n)
            *loops[i] = n;
    }
}

int main(int argc, char **argv)
{
    /* First, before anything: kernel start to the benchmark's first instruction. */
    uint64_t start = now_ns();
    struct dormer_memory_counters mem;
    int full = 0;
    uint64_t cap = 0; /* count=N: at most N iterations of each loop (for scons profile) */

    uprintf("bench_begin=1\n");
    put_ratio("guest_uptime_at_init_ms", start, 1000000, 1);
    if (memory_counters(&mem))
        put_u64("frames_free_after_boot", mem.free_frames); /* Dormer only */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "full"))
            full = 1;
        else if (!strcmp(argv[i], "quick"))
            full = 0;
        else if (!strncmp(argv[i], "count=", 6))
            cap = parse_count(argv[i] + 6);
        else
            select_section(argv[i]);
    }
    counts = full ? full_counts : quick_counts;
    if (cap)
        cap_counts(cap);
    uprintf("bench_mode=%s\n", full ? "full" : "quick");
    put_u64("tsc_overhead_iterations", counts.overhead);
    put_u64("null_syscall_iterations", counts.syscalls);
    put_u64("pf_pass_iterations", counts.pf_passes);
    put_u64("yield_iterations", counts.yields);
    put_u64("futex_iterations", counts.futex);
    put_u64("pipe_iterations", counts.pipe);
    put_u64("spawn_iterations", counts.spawns);
    put_u64("file_iterations", counts.files);
    if (!alloc_samples()) {
        put_error("samples", STATUS_NO_MEMORY);
        uprintf("bench_end=1\n");
        return 1;
    }

    calibrate_tsc();
    put_ratio("tsc_mhz", (unsigned __int128)cal_ticks * 1000, cal_ns, 1);
    put_u64("rdtsc_overhead_cycles", tsc_overhead);
    print_cpuid_info();

    for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
        if (sections[i].selected == 1 || (!any_selected && sections[i].selected == 0))
            sections[i].run();
    }

    put_ratio("bench_total_ms", now_ns() - start, 1000000, 0);
    uprintf("bench_end=1\n");
    return 0;
}
