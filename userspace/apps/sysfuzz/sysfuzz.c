/*
 * sysfuzz SEED COUNT [PER_CHILD]: random system calls with hostile arguments, the way
 * syzkaller does it, from a child process so that the kernel, not this program, is what
 * must survive. The parent runs children `sysfuzz.exe SEED COUNT child` for seeds SEED,
 * SEED+1, ... until COUNT calls have been made (a child that kills itself, by a fault in
 * a thread it started or by closing its own process, ends its round early). Afterwards
 * it checks the kernel: frames, heap blocks, objects and handles back where they were
 * (DORMER_INFO_KERNEL), a new program still starts and exits with its status.
 *
 * A child writes a 16-byte record before each call to its output pipe, so the parent
 * knows the seed and the last call of every child; `sysfuzz.exe SEED N child` replays a
 * child alone on the console. Calls that would only hang by design (console reads,
 * endless sleeps and waits) get bounded arguments; a child still blocked after 3 s
 * (say, reading a pipe it holds the write end of) is killed, which is itself a test.
 * Then `sysfuzz.exe SEED 300 race` races two threads on one handle (one blocks on it,
 * the other closes it); it records each round the same way, so the parent names the
 * last round and its kind, and the same command replays the same kinds and delays.
 */
#include <dormer.h>

#define PAGE 4096ull
#define USER_TOP 0x00007ffffffff000ull
#define SCRATCH_SIZE (64 * 1024)
#define POOL 48              /* handles a child keeps (some closed on purpose) */
#define REGIONS 16           /* memory it allocated */
#define MAX_NR 100           /* call numbers drawn from 0..MAX_NR, plus a few far ones */
#define WATCHDOG_MS 3000
#define RECORD_MAGIC 0x5a465301u /* "\x01SFZ" */
#define RACE_ROUNDS 300      /* close-while-blocked rounds after the random ones */
#define RACE_WATCHDOG_MS 60000 /* the race child: 300 rounds of at most 3 s waits each */
#define RACE_RECORD_NR 1000u /* a race round's record: nr = this + its kind */

/* ---- random numbers: xorshift64*, one stream per thread ---------------------------- */

struct rng {
    uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dull;
}

static uint64_t below(struct rng *r, uint64_t n)
{
    return n ? rnd(r) % n : 0;
}

/* ---- what a child works with --------------------------------------------------------- */

static uint8_t scratch[SCRATCH_SIZE] __attribute__((aligned(4096)));
static volatile dormer_handle_t pool[POOL];  /* shared by both threads, racily on purpose */
static volatile uint64_t regions[REGIONS];
static uint64_t readonly_page, reserved_page, guard_addr;
static int child_trace; /* `child trace`: print each call */

static const uint16_t *const paths[] = {
    u"C:\\sf\\a", u"C:\\sf\\b", u"C:\\sf\\b\\c", u"a", u"b\\c", u".\\d", u"C:/sf/e.txt",
    u"C:\\sf\\*", u"C:\\sf\\a<b", u"C:\\sf\\CON", u"C:\\sf\\b\\..\\f", u"C:\\sf\\ends. ",
    u"\\\\?\\C:\\sf\\g", u"C:\\sf", u"", u"C:\\Windows\\System32\\hello.exe",
    u"C:\\Windows\\System32\\x", u"Q:\\x", u"C:\\sf\\b\\c\\d\\e\\f\\g\\h",
};
#define NPATHS (sizeof(paths) / sizeof(paths[0]))
/* Where a child may make its current directory: inside C:\sf, so that relative paths
 * never create files the parent does not clean up. */
static const uint16_t *const cwd_paths[] = {u"C:\\sf", u"C:\\sf\\b", u"C:\\sf\\b\\c",
                                            u"C:\\sf\\a", u"C:\\sf\\nosuch", u"C:\\sf\\a<"};
static const char *const cmdlines[] = {"t_child.exe 7", "t_child.exe sleep", "nosuch.exe",
                                       "t_child.exe", "", " ", "hello.exe", "\"t_child.exe\" 3",
                                       "bad_image.exe", "t_child.exe print"};
#define NCMD (sizeof(cmdlines) / sizeof(cmdlines[0]))

static size_t wlen(const uint16_t *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* A pointer, valid or hostile. */
static uint64_t gen_ptr(struct rng *r)
{
    uint64_t valid = (uint64_t)(uintptr_t)scratch + below(r, SCRATCH_SIZE - 4096);

    switch (below(r, 20)) {
    case 0: return 0;
    case 1: return 8;
    case 2: return 0xffff800000000000ull + below(r, 1ull << 30);  /* kernel direct map */
    case 3: return 0xffffffff80100000ull + below(r, 1 << 20);     /* kernel image */
    case 4: return 0x8000000000000000ull ^ below(r, 1ull << 40);  /* non-canonical */
    case 5: return 0x0000800000000000ull - below(r, 64);          /* straddles the top */
    case 6: return USER_TOP - 8;
    case 7: return 0x10000000ull + below(r, 1ull << 20) * 8;      /* unmapped */
    case 8: return guard_addr + below(r, PAGE);
    case 9: return readonly_page + below(r, PAGE);
    case 10: return reserved_page + below(r, PAGE);
    case 11: return valid | 1 | below(r, 7);                       /* misaligned */
    case 12: return (uint64_t)(uintptr_t)&gen_ptr;                 /* code: read-only */
    case 13: return rnd(r);
    case 14: return (uint64_t)(uintptr_t)scratch + SCRATCH_SIZE - below(r, 16);
    default: return valid & ~7ull;
    }
}

static uint64_t gen_len(struct rng *r, uint64_t ptr)
{
    switch (below(r, 14)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return ~0ull;
    case 3: return 0x8000000000000000ull;
    case 4: return 0 - ptr;                       /* ptr + len wraps to 0 */
    case 5: return (0 - ptr) + below(r, 4096);    /* and past it */
    case 6: return 0x100000000ull + below(r, 16);  /* truncates to a small 32-bit value */
    case 7: return 4096 + below(r, 2);
    case 8: return SCRATCH_SIZE;
    case 9: return 1ull << (32 + below(r, 30));
    default: return below(r, 300);
    }
}

static uint64_t gen_handle(struct rng *r)
{
    switch (below(r, 12)) {
    case 0: return 0;
    case 1: return DORMER_CURRENT_THREAD;
    case 2: return 0x0000dead0000beefull;
    case 3: return 4 * (1 + below(r, 300));       /* small: maybe open, maybe not */
    case 4: return 4 * (1 + below(r, 300)) + 1 + below(r, 3);  /* not a multiple of 4 */
    case 5: return rnd(r);
    case 6: return 4ull * 256 + 4;                /* just past the table */
    default: return pool[below(r, POOL)];          /* open, closed or of the wrong type */
    }
}

static uint64_t gen_int(struct rng *r)
{
    switch (below(r, 8)) {
    case 0: return 0;
    case 1: return ~0ull;
    case 2: return 0xffffffffull;
    case 3: return 0x80000000ull;
    case 4: return rnd(r);
    default: return below(r, 12);
    }
}

static void keep_handle(struct rng *r, dormer_status_t st, const dormer_handle_t *out)
{
    if (st >= 0 && *out)
        pool[below(r, POOL)] = *out;
}

/* A thread entry that ends at once: the usual one for DmCreateThread. */
static uint32_t quick_thread(uint64_t arg)
{
    NtYieldExecution();
    return (uint32_t)arg;
}

/* The same for the raw DmCreateThread, whose entry must not return. */
static uint32_t raw_thread(uint64_t arg)
{
    NtYieldExecution();
    DmExitThread((uint32_t)arg);
    return 0;
}

/* Fills the first uint64 of an in/out argument block from the regions pool or not. */
static uint64_t region_or_hostile(struct rng *r)
{
    return below(r, 3) ? regions[below(r, REGIONS)] : gen_ptr(r);
}

/* One random call; nr and args are chosen here so the racer thread can share it. */
static dormer_status_t one_call(struct rng *r, uint64_t nr, int racer)
{
    uint64_t a[8];
    dormer_handle_t *hout = (dormer_handle_t *)(scratch + SCRATCH_SIZE - 64);
    uint64_t *inout = (uint64_t *)(scratch + SCRATCH_SIZE - 128);
    dormer_status_t st;

    for (int i = 0; i < 8; i++) {
        switch (below(r, 4)) {
        case 0: a[i] = gen_ptr(r); break;
        case 1: a[i] = gen_handle(r); break;
        case 2: a[i] = gen_len(r, a[i ? i - 1 : 0]); break;
        default: a[i] = gen_int(r); break;
        }
    }
    hout[0] = hout[1] = 0;
    switch (nr) {
    case 0: /* NtTerminateProcess: never -1 (that is simply exiting) */
        if (a[0] == ~0ull)
            a[0] = gen_handle(r);
        return DormerRawSyscall(nr, a[0], a[1], 0, 0);
    case 3: /* DmDelayExecution: short */
        return DormerRawSyscall(nr, below(r, 3) ? below(r, 3) : a[0] | (1ull << 40), 0, 0, 0);
    case 2: case 80: /* console input: stdin is a pipe whose writer is gone */
        return DormerRawSyscall(nr, gen_ptr(r), gen_len(r, 0), gen_ptr(r), 0);
    case 5: case 6: case 7: /* memory: base and size through in/out words */
        inout[0] = region_or_hostile(r);
        inout[1] = below(r, 2) ? below(r, 1 << 20) : gen_len(r, inout[0]);
        if (nr == 5 && below(r, 2))
            inout[0] = 0;
        {
            uint64_t type = below(r, 4) ? (MEM_COMMIT | MEM_RESERVE) >> below(r, 2) * 12
                                        : (uint32_t)a[2];
            if (nr == 6)
                type = below(r, 4) ? MEM_RELEASE >> below(r, 2) : type;
            uint64_t prot = below(r, 4) ? 1ull << below(r, 9) : a[3];
            st = DormerRawSyscall(nr, below(r, 6) ? (uint64_t)(uintptr_t)&inout[0] : a[0],
                                  below(r, 6) ? (uint64_t)(uintptr_t)&inout[1] : a[1], type,
                                  nr == 7 ? prot : prot);
        }
        if (nr == 5 && st >= 0)
            regions[below(r, REGIONS)] = inout[0];
        return st;
    case 15: case 82: { /* processes: a known command line or a hostile one */
        const char *c = cmdlines[below(r, NCMD)];
        uint64_t p = below(r, 4) ? (uint64_t)(uintptr_t)c : gen_ptr(r);
        uint64_t len = below(r, 4) ? strlen(c) : gen_len(r, p);
        if (nr == 15)
            st = DmCreateProcess(hout, (const char *)(uintptr_t)p, len,
                                 below(r, 2) ? 0 : gen_handle(r));
        else
            st = DmCreateProcessIo(hout, (const char *)(uintptr_t)p, len,
                                   below(r, 2) ? 0 : gen_handle(r),
                                   below(r, 2) ? 0 : gen_handle(r));
        keep_handle(r, st, hout);
        return st;
    }
    case 16: { /* DmCreateThread: mostly a thread that ends at once */
        uint64_t entry = below(r, 64) ? (uint64_t)(uintptr_t)&quick_thread : gen_ptr(r);
        if (below(r, 2)) {
            st = DormerCreateThread(hout, (dormer_thread_fn)(uintptr_t)entry, a[2],
                                    below(r, 4) ? 0 : gen_len(r, 0));
        } else {
            if (entry == (uint64_t)(uintptr_t)&quick_thread)
                entry = (uint64_t)(uintptr_t)&raw_thread;
            st = DmCreateThread(below(r, 8) ? hout : (dormer_handle_t *)(uintptr_t)a[0],
                                (dormer_thread_fn)(uintptr_t)entry, a[2],
                                below(r, 2) ? 0 : gen_len(r, 0));
        }
        keep_handle(r, st, hout);
        return st;
    }
    case 17: /* DmExitThread: only the racer may end itself */
        if (!racer)
            return 0;
        return DormerRawSyscall(nr, a[0], 0, 0, 0);
    case 18: { /* waits: bounded */
        dormer_handle_t hs[DORMER_MAX_WAIT_OBJECTS];
        uint64_t n = below(r, 4) ? 1 + below(r, 4) : gen_int(r);
        for (int i = 0; i < DORMER_MAX_WAIT_OBJECTS; i++)
            hs[i] = gen_handle(r);
        return DormerRawSyscall(nr, n, below(r, 6) ? (uint64_t)(uintptr_t)hs : gen_ptr(r),
                                below(r, 2), below(r, 3));
    }
    case 31: /* DmWaitOnAddress: bounded */
        return DormerRawSyscall(nr, gen_ptr(r), a[1], 1ull << below(r, 5), below(r, 3));
    case 20: case 23: case 25: case 27: /* creators: keep what they return */
        st = DormerRawSyscall(nr, below(r, 8) ? (uint64_t)(uintptr_t)hout : a[0],
                              nr == 27 ? (uint64_t)(uintptr_t)&hout[1] : a[1], a[2], a[3]);
        keep_handle(r, st, hout);
        if (nr == 27 && st >= 0)
            keep_handle(r, st, &hout[1]);
        if (nr == 27 && st >= 0 && below(r, 2)) /* something to read, so reads end */
            DmWritePipe(hout[1], "xyz", 3, (uint64_t *)inout);
        return st;
    case 35: { /* DmCreateFile */
        struct dormer_create_file *cf = (struct dormer_create_file *)(scratch + 256);
        const uint16_t *path = paths[below(r, NPATHS)];
        cf->access = below(r, 4) ? (uint32_t)(DORMER_GENERIC_READ >> below(r, 2)) |
                                       (below(r, 2) ? DORMER_DELETE : 0)
                                 : (uint32_t)a[3];
        cf->share = (uint32_t)below(r, 8);
        cf->disposition = (uint32_t)below(r, 7);
        cf->options = below(r, 3) ? (uint32_t)below(r, 2) | (below(r, 4) ? 0 : 0x1000)
                                  : (uint32_t)rnd(r);
        cf->attributes = (uint32_t)below(r, 0x40);
        dormer_handle_t *ho = below(r, 8) ? hout : (dormer_handle_t *)(uintptr_t)a[0];
        const uint16_t *pp = below(r, 6) ? path : (const uint16_t *)(uintptr_t)gen_ptr(r);
        uint64_t pl = below(r, 6) ? wlen(path) : gen_len(r, 0);
        struct dormer_create_file *cp = below(r, 8) ? cf
                                                    : (struct dormer_create_file *)(uintptr_t)a[2];
        if (child_trace) {
            /* The units the kernel will read, when they are this program's own. */
            char shown[48] = "other";
            for (size_t i = 0; pp == path && i < pl && i + 1 < sizeof shown; i++) {
                shown[i] = pp[i] >= 0x20 && pp[i] < 0x7f ? (char)pp[i] : '.';
                shown[i + 1] = 0;
            }
            uprintf("\nsysfuzz: DmCreateFile(%p, %p \"%s\", %llu, %p {access %x share %x "
                    "disposition %u options %x attributes %x})\n", (void *)ho, (void *)pp,
                    shown, (unsigned long long)pl, (void *)cp,
                    cf->access, cf->share, cf->disposition, cf->options, cf->attributes);
        }
        st = DmCreateFile(ho, pp, pl, cp);
        keep_handle(r, st, hout);
        return st;
    }
    case 36: case 37: { /* DmReadFile / DmWriteFile, five arguments */
        int64_t *off = (int64_t *)(scratch + 512);
        *off = below(r, 2) ? (int64_t)below(r, 70000) : (int64_t)rnd(r);
        uint64_t len = below(r, 2) ? below(r, 5000) : gen_len(r, a[1]);
        const int64_t *offp = below(r, 3) ? NULL : below(r, 4) ? off
                                                              : (int64_t *)(uintptr_t)a[3];
        uint64_t *done = below(r, 6) ? inout : (uint64_t *)(uintptr_t)a[4];
        if (nr == 36)
            return DmReadFile(gen_handle(r), (void *)(uintptr_t)gen_ptr(r), len, offp, done);
        return DmWriteFile(gen_handle(r), (const void *)(uintptr_t)gen_ptr(r), len, offp, done);
    }
    case 39: { /* DmSetInformationFile: real classes with plausible blocks */
        uint8_t *blk = scratch + 1024;
        uint64_t cls = below(r, 4) ? 1 + below(r, 8) : a[1];
        const uint16_t *to = paths[below(r, NPATHS)];
        struct dormer_file_rename *rn = (struct dormer_file_rename *)blk;
        uint64_t size = below(r, 3) ? 8 + 2 * wlen(to) : gen_len(r, 0);
        if (cls == DORMER_FILE_RENAME_INFO) {
            rn->replace = (uint8_t)below(r, 2);
            rn->chars = below(r, 6) ? (uint32_t)wlen(to) : (uint32_t)rnd(r);
            memcpy(rn->name, to, 2 * wlen(to));
        } else if (cls == DORMER_FILE_END_OF_FILE_INFO) {
            *(uint64_t *)blk = below(r, 2) ? below(r, 100000) : rnd(r);
            size = 8;
        } else {
            for (int i = 0; i < 40; i++)
                blk[i] = (uint8_t)rnd(r);
            size = below(r, 2) ? 40 : size;
        }
        return DmSetInformationFile(gen_handle(r), cls,
                                    below(r, 6) ? blk : (const void *)(uintptr_t)a[2], size);
    }
    case 40: { /* DmQueryDirectoryFile, five arguments */
        const uint16_t *pat = below(r, 2) ? u"*" : paths[below(r, NPATHS)];
        return DmQueryDirectoryFile(gen_handle(r),
                                    (struct dormer_find_data *)(uintptr_t)gen_ptr(r),
                                    below(r, 4) ? pat : (const uint16_t *)(uintptr_t)a[2],
                                    below(r, 4) ? wlen(pat) : a[3], below(r, 2));
    }
    case 42: /* DmDuplicateHandle */
        st = DormerRawSyscall(nr, gen_handle(r), below(r, 8) ? (uint64_t)(uintptr_t)hout
                                                              : a[1], 0, 0);
        keep_handle(r, st, hout);
        return st;
    case 43: { /* DmSetCurrentDirectory: only inside C:\sf */
        const uint16_t *p = cwd_paths[below(r, sizeof cwd_paths / sizeof cwd_paths[0])];
        if (below(r, 4))
            return DmSetCurrentDirectory(p, wlen(p));
        return DmSetCurrentDirectory((const uint16_t *)(uintptr_t)gen_ptr(r), gen_len(r, 0));
    }
    case 45: case 44: {
        const uint16_t *p = paths[below(r, NPATHS)];
        return DormerRawSyscall(nr, below(r, 4) ? (uint64_t)(uintptr_t)p : gen_ptr(r),
                                below(r, 4) ? wlen(p) : a[1], gen_ptr(r), 0);
    }
    case 81: { /* DmSetConsoleForeground: the parent clears the list at the end */
        dormer_handle_t hs[8];
        for (int i = 0; i < 8; i++)
            hs[i] = gen_handle(r);
        return DormerRawSyscall(nr, below(r, 4) ? (uint64_t)(uintptr_t)hs : gen_ptr(r),
                                below(r, 4) ? below(r, 9) : gen_int(r), 0, 0);
    }
    case 33: /* priorities: any, but never keep this thread above normal for long */
        st = DormerRawSyscall(nr, gen_handle(r), below(r, 2) ? below(r, 5) : a[1], 0, 0);
        return st;
    default: /* everything else, and the far numbers: the raw hostile arguments */
        return DormerRawSyscall(nr, a[0], a[1], a[2], a[3]);
    }
}

static uint64_t pick_nr(struct rng *r)
{
    /* Unused numbers: the retired boot-file calls (9, 10, 13, 34), gaps, far values. */
    static const uint64_t far[] = {9, 10, 13, 34, 46, 69, 72, 79, 83, 99, 999, 0x7fffffff, 0x80000000,
                                   0xffffffff, 0x100000000ull, ~0ull};
    uint64_t n = below(r, 40);

    if (n == 0)
        return far[below(r, sizeof far / sizeof far[0])];
    if (n < 4)
        return below(r, MAX_NR);
    /* The implemented calls, evenly. */
    static const uint8_t impl[] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  11, 12, 14, 15, 16,
                                   17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
                                   31, 32, 33, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45,
                                   70, 71, 80, 81, 82, 140, 141};
    return impl[below(r, sizeof impl)];
}

static volatile int racing = 1;

/* A second thread making calls on the same handles and regions at the same time. */
static uint32_t racer(uint64_t seed)
{
    struct rng r = {seed * 0x9e3779b97f4a7c15ull | 1};

    while (racing) {
        uint64_t nr = pick_nr(&r);
        if (below(&r, 3) == 0)
            nr = below(&r, 2) ? 11 /* NtClose */ : 36 /* DmReadFile */;
        one_call(&r, nr, 1);
    }
    return 0;
}

struct record {
    uint32_t magic, index;
    uint32_t nr, seed;
};

static int run_child(uint64_t seed, uint64_t count, int trace)
{
    struct rng r = {seed * 0x2545f4914f6cdd1dull + 0x1234567};
    uint64_t base = 0, size = 3 * PAGE;

    child_trace = trace;

    /* A read-only page, a reserved-only page, and the guard page below the stack. */
    DmAllocateVirtualMemory(&base, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    readonly_page = base;
    uint64_t b = base, s = PAGE;
    uint32_t old;
    DmProtectVirtualMemory(&b, &s, PAGE_READONLY, &old);
    uint64_t rbase = 0, rsize = PAGE;
    DmAllocateVirtualMemory(&rbase, &rsize, MEM_RESERVE, PAGE_READWRITE);
    reserved_page = rbase;
    guard_addr = DormerGetTeb()->stack_limit - PAGE;
    for (int i = 0; i < REGIONS; i++)
        regions[i] = base + PAGE * (uint64_t)below(&r, 3);
    /* Handles of every type to start with. */
    dormer_handle_t last_w = 0;
    for (int i = 0; i < POOL; i++) {
        dormer_handle_t h = 0;
        switch (i % 6) {
        case 0: DmCreateEvent(&h, i & 1, 0); break;
        case 1: DmCreateMutex(&h, i & 1); break;
        case 2: DmCreateSemaphore(&h, 1, 4); break;
        case 3: DmCreatePipe(&h, &last_w); DmWritePipe(last_w, "ab", 2, NULL); break;
        case 4: h = last_w; break;
        case 5:
            if (ulib_open("C:\\Windows\\System32\\hello.exe", DORMER_GENERIC_READ, 0, &h) < 0)
                h = 4 * (uint64_t)(i + 200);
            break;
        }
        pool[i] = h;
    }
    NtClose(pool[POOL - 2]); /* a closed one stays in the pool */
    DmSetCurrentDirectory(u"C:\\sf", 5);
    dormer_handle_t rt;
    DormerCreateThread(&rt, racer, seed, 0);

    for (uint64_t i = 0; i < count; i++) {
        uint64_t nr = pick_nr(&r);
        struct record rec = {RECORD_MAGIC, (uint32_t)i, (uint32_t)nr, (uint32_t)seed};
        DmWriteConsole((const char *)&rec, sizeof rec);
        dormer_status_t st = one_call(&r, nr, 0);
        if (trace)
            uprintf("\nsysfuzz: call #%llu nr %llu -> 0x%08x\n", (unsigned long long)i,
                    (unsigned long long)nr, (unsigned)st);
    }
    racing = 0;
    NtTerminateProcess(DORMER_CURRENT_PROCESS, 0); /* ends the racer too */
    return 0;
}

/* ---- races on one handle: a close while another thread waits, reads or writes ------ */

enum { RACE_EVENT, RACE_MUTEX, RACE_SEMAPHORE, RACE_PIPE_READ, RACE_PIPE_WRITE,
       RACE_BOOT_READ, RACE_KINDS };

struct race {
    int kind;
    dormer_handle_t h;             /* the handle the waiter uses and the closer closes */
    volatile dormer_status_t st;   /* the waiter's last status */
    volatile int started;
};

static uint32_t race_waiter(uint64_t arg)
{
    struct race *rc = (struct race *)(uintptr_t)arg;
    static uint8_t sink[2][256]; /* per waiter slot: the contents do not matter */
    uint8_t *buf = sink[rc->kind & 1];
    uint64_t done = 0;

    rc->started = 1;
    switch (rc->kind) {
    case RACE_EVENT: case RACE_MUTEX: case RACE_SEMAPHORE:
        rc->st = DmWaitForMultipleObjects(1, &rc->h, 0, 20);
        break;
    case RACE_PIPE_READ: /* empty: blocks until data, or no writer is left */
        rc->st = DmReadFile(rc->h, buf, 256, NULL, &done);
        break;
    case RACE_PIPE_WRITE: /* full: blocks until room, or no reader is left */
        rc->st = DmWritePipe(rc->h, buf, 256, &done);
        break;
    case RACE_BOOT_READ: /* reads (STATUS_END_OF_FILE at the end) until the handle is gone */
        do
            rc->st = DmReadFile(rc->h, buf, 256, NULL, &done);
        while (NT_SUCCESS(rc->st) || rc->st == STATUS_END_OF_FILE);
        break;
    }
    return 0;
}

/* `sysfuzz.exe SEED ROUNDS race`: ROUNDS times, a thread blocks on (or reads) a fresh
 * handle while this one closes it after a random short while. For an event, mutex or
 * semaphore, half the time a duplicate then signals or releases it, which must wake
 * the waiter; else its wait times out. A pipe's other end is closed before or after. Every waiter must end (within 3 s) with a status a
 * closed or ended handle can give. Exit 0 when all did; the parent checks the counters. */
static int run_race(uint64_t seed, uint64_t rounds)
{
    struct rng r = {seed * 0x9e3779b97f4a7c15ull + 0x7261636};
    static struct race rc;
    uint64_t stuck = 0, odd = 0, woken = 0;

    for (uint64_t i = 0; i < rounds; i++) {
        dormer_handle_t other = 0, dup = 0, t = 0;
        uint64_t w = 0;
        rc = (struct race){(int)below(&r, RACE_KINDS), 0, 0x5a5a5a5a, 0};
        /* The round and its kind, for the parent (the last one names a round that
         * hung or killed this child); `sysfuzz.exe SEED ROUNDS race` replays the
         * same kinds and delays. */
        struct record rec = {RECORD_MAGIC, (uint32_t)i, RACE_RECORD_NR + (uint32_t)rc.kind,
                             (uint32_t)seed};
        DmWriteConsole((const char *)&rec, sizeof rec);
        switch (rc.kind) {
        case RACE_EVENT: DmCreateEvent(&rc.h, below(&r, 2), 0); break;
        case RACE_MUTEX: DmCreateMutex(&rc.h, 1); break; /* owned here: the waiter blocks */
        case RACE_SEMAPHORE: DmCreateSemaphore(&rc.h, 0, 4); break;
        case RACE_PIPE_READ: DmCreatePipe(&rc.h, &other); break;
        case RACE_PIPE_WRITE:
            DmCreatePipe(&other, &rc.h);
            DmWritePipe(rc.h, scratch, SCRATCH_SIZE, &w); /* 64 KiB: now full */
            break;
        case RACE_BOOT_READ:
            ulib_open("C:\\Windows\\System32\\hello.exe", DORMER_FILE_READ_DATA,
                      DORMER_FILE_NON_DIRECTORY_FILE, &rc.h);
            break;
        }
        int wake = below(&r, 2);
        if (wake && rc.kind <= RACE_SEMAPHORE)
            DmDuplicateHandle(rc.h, &dup);
        if (!NT_SUCCESS(DormerCreateThread(&t, race_waiter, (uint64_t)(uintptr_t)&rc, 0))) {
            NtClose(rc.h);
            NtClose(other);
            NtClose(dup);
            continue;
        }
        switch (below(&r, 3)) { /* before the wait starts, about when, or during it */
        case 0: break;
        case 1: NtYieldExecution(); break;
        default: DmDelayExecution(below(&r, 3)); break;
        }
        /* A blocked pipe waiter ends only with the pipe's other end: closed before its
         * own handle or after. */
        int pipe = rc.kind == RACE_PIPE_READ || rc.kind == RACE_PIPE_WRITE;
        if (pipe && wake)
            NtClose(other), other = 0;
        NtClose(rc.h);
        if (pipe)
            NtClose(other), other = 0;
        else if (wake) {
            switch (rc.kind) {
            case RACE_EVENT: DmSetEvent(dup, NULL); break;
            case RACE_MUTEX: DmReleaseMutex(dup); break;
            case RACE_SEMAPHORE: DmReleaseSemaphore(dup, 1, NULL); break;
            }
        }
        if (DormerWait(t, 3000) != STATUS_WAIT_0) {
            stuck++;
            uprintf("sysfuzz: race round %llu kind %d: the waiter is still blocked\n",
                    (unsigned long long)i, rc.kind);
            NtClose(other), other = 0; /* a pipe's waiter ends with its other end */
            NtClose(dup), dup = 0;
            DormerWait(t, 3000);
        }
        dormer_status_t st = rc.st;
        int fine = st == STATUS_INVALID_HANDLE || st == STATUS_WAIT_0 ||
                   st == STATUS_TIMEOUT || st == STATUS_ABANDONED_WAIT_0 ||
                   st == STATUS_PIPE_BROKEN || st == STATUS_SUCCESS;
        if (!fine && odd++ < 8)
            uprintf("sysfuzz: race round %llu kind %d: waiter status 0x%08x\n",
                    (unsigned long long)i, rc.kind, (unsigned)st);
        woken += st == STATUS_WAIT_0 || st == STATUS_PIPE_BROKEN;
        NtClose(t);
        NtClose(other);
        NtClose(dup);
    }
    uprintf("sysfuzz: race seed %llu: %llu rounds, %llu waiters woken through another "
            "handle, %llu stuck, %llu odd statuses\n", (unsigned long long)seed,
            (unsigned long long)rounds, (unsigned long long)woken, (unsigned long long)stuck,
            (unsigned long long)odd);
    return stuck || odd ? 1 : 0;
}

/* ---- the parent ---------------------------------------------------------------------- */

static int parent_trace; /* sysfuzz.exe SEED COUNT PER trace: show the children's output */

struct drain {
    dormer_handle_t pipe;
    struct record last;
    int have_last;
    int echo; /* the child's text (not its records) goes to this console */
    uint64_t bytes;
};

/* Reads the child's output until it ends, keeping the last call record. */
static uint32_t drain_thread(uint64_t arg)
{
    struct drain *d = (struct drain *)(uintptr_t)arg;
    static uint8_t buf[4096 + sizeof(struct record)];
    uint64_t carry = 0, got;

    while (DmReadFile(d->pipe, buf + carry, 4096, NULL, &got) >= 0 && got > 0) {
        uint64_t n = carry + got, i = 0, text = 0;
        d->bytes += got;
        if (parent_trace)
            DmWriteConsole((const char *)buf + carry, got);
        for (; i + sizeof(struct record) <= n; i++) {
            struct record rec;
            memcpy(&rec, buf + i, sizeof rec);
            if (rec.magic == RECORD_MAGIC) {
                if (d->echo && !parent_trace && i > text)
                    DmWriteConsole((const char *)buf + text, i - text);
                d->last = rec;
                d->have_last = 1;
                i += sizeof rec - 1;
                text = i + 1;
            }
        }
        if (d->echo && !parent_trace && i > text)
            DmWriteConsole((const char *)buf + text, i - text);
        carry = n - i;
        memmove(buf, buf + i, carry);
    }
    if (d->echo && !parent_trace && carry)
        DmWriteConsole((const char *)buf, carry);
    return 0;
}

/* The kernel's counters, with this process's own pages (its stacks grow as it goes)
 * taken out of the frames. */
static int query_counters(struct dormer_kernel_counters *k)
{
    struct dormer_memory_counters m;

    if (DmQuerySystemInformation(DORMER_INFO_KERNEL, k, sizeof *k) < 0 ||
        DmQuerySystemInformation(DORMER_INFO_MEMORY, &m, sizeof m) < 0)
        return 0;
    k->used_frames -= m.process_pages;
    return 1;
}

static uint64_t process_count(void)
{
    uint64_t needed = 0;
    DmQuerySystemProcesses(NULL, 0, &needed);
    return needed;
}

static void remove_tree(uint16_t *dir, size_t len, int depth);

/* Deletes name (len units in a buffer of 272), read-only or not, and if it is a directory
 * everything in it first; 1 if it was there. */
static int delete_name(uint16_t *name, size_t len, int depth)
{
    struct dormer_create_file del = {DORMER_DELETE | DORMER_FILE_WRITE_ATTRIBUTES, 7,
                                     DORMER_FILE_OPEN, 0, 0, 0};
    dormer_handle_t e;

    if (DmCreateFile(&e, name, len, &del) < 0)
        return 0;
    remove_tree(name, len, depth);
    struct dormer_file_basic basic = {0};
    basic.attributes = DORMER_FILE_ATTRIBUTE_NORMAL;
    DmSetInformationFile(e, DORMER_FILE_BASIC_INFO, &basic, sizeof basic);
    struct dormer_file_disposition disp = {1, {0}};
    DmSetInformationFile(e, DORMER_FILE_DISPOSITION_INFO, &disp, sizeof disp);
    NtClose(e);
    return 1;
}

/* Deletes everything inside dir (len units, no trailing backslash), depth first. */
static void remove_tree(uint16_t *dir, size_t len, int depth)
{
    struct dormer_create_file cf = {DORMER_FILE_READ_DATA, 7, DORMER_FILE_OPEN,
                                    DORMER_FILE_DIRECTORY_FILE, 0, 0};
    dormer_handle_t h;
    static struct dormer_find_data fd[8];

    if (depth > 7 || DmCreateFile(&h, dir, len, &cf) < 0)
        return;
    while (DmQueryDirectoryFile(h, &fd[depth], NULL, 0, 0) >= 0) {
        const uint16_t *name = fd[depth].name;
        size_t n = wlen(name);
        if ((n == 1 && name[0] == '.') || (n == 2 && name[0] == '.' && name[1] == '.'))
            continue;
        if (len + 1 + n >= 260)
            continue;
        dir[len] = '\\';
        memcpy(dir + len + 1, name, 2 * n);
        dir[len + 1 + n] = 0;
        delete_name(dir, len + 1 + n, depth + 1);
        dir[len] = 0;
    }
    NtClose(h);
}

/* Empties C:\sf; returns how many entries are left in it (0 when all went). */
static int clean_sf(void)
{
    static uint16_t dir[272] = u"C:\\sf";
    struct dormer_create_file cf = {DORMER_FILE_READ_DATA, 7, DORMER_FILE_OPEN,
                                    DORMER_FILE_DIRECTORY_FILE, 0, 0};
    static struct dormer_find_data fd;
    dormer_handle_t h;
    int left = 0;

    remove_tree(dir, 5, 0);
    if (DmCreateFile(&h, dir, 5, &cf) < 0)
        return 0;
    while (DmQueryDirectoryFile(h, &fd, NULL, 0, 0) >= 0) {
        char name[64];
        size_t i = 0;
        for (; fd.name[i] && i + 1 < sizeof name; i++)
            name[i] = fd.name[i] < 128 ? (char)fd.name[i] : '?';
        name[i] = 0;
        if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
            uprintf("sysfuzz: left in C:\\sf: %s (attributes 0x%x)\n", name,
                    (unsigned)fd.attributes);
            left++;
        }
    }
    NtClose(h);
    return left;
}

/* A dictionary path handed over with a random length names a prefix of itself, so a
 * child may create "C:\\s", "C:\\Windows\\Sys" or "C:\\Windows\\System32\\hel" (a
 * program may add files there). Deletes every such prefix of the dictionary's paths that
 * lies outside C:\\sf and is not one of the tree's own names; returns how many it found. */
static int clean_outside(void)
{
    static const uint16_t *const own[] = {u"C:\\Windows", u"C:\\Windows\\System32",
                                          u"C:\\Windows\\System32\\hello.exe"};
    static uint16_t name[272];
    int found = 0;

    for (size_t p = 0; p < NPATHS; p++) {
        const uint16_t *path = paths[p];
        size_t full = wlen(path);
        if (full > 4 && path[0] == '\\' && path[1] == '\\' && path[2] == '?')
            path += 4, full -= 4; /* \\?\C:\... */
        if (full < 4 || full + 1 >= sizeof name / 2 || path[1] != ':')
            continue;
        for (size_t len = full; len > 3; len--) {
            int sep = path[len - 1] == '\\' || path[len - 1] == '/';
            int inside = len >= 5 && path[3] == 's' && path[4] == 'f' &&
                         (len == 5 || path[5] == '\\' || path[5] == '/');
            int keep = sep || inside;
            for (size_t i = 0; i < sizeof own / sizeof own[0] && !keep; i++)
                keep = wlen(own[i]) == len && memcmp(own[i], path, 2 * len) == 0;
            if (keep)
                continue;
            memcpy(name, path, 2 * len);
            name[len] = 0;
            found += delete_name(name, len, 1);
        }
    }
    return found;
}

static uint64_t parse_u64(const char *s)
{
    uint64_t v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (uint64_t)(*s++ - '0');
    return v;
}

/* One child: `sysfuzz.exe SEED N child` with a pipe for its output (and an input pipe
 * whose writer is already gone), watched for WATCHDOG_MS. Sets the calls it made and
 * its exit status; returns 1 if it had to be killed, 0 if it ended, -1 on an error. */
static int run_round(uint64_t seed, uint64_t n, uint64_t *made, int32_t *status, int race)
{
    char cmd[96];
    dormer_handle_t out_r, out_w, in_r, in_w, child, dt;
    int stuck = 0;

    usnprintf(cmd, sizeof cmd, "sysfuzz.exe %llu %llu %s%s", (unsigned long long)seed,
              (unsigned long long)n, race ? "race" : "child", parent_trace ? " trace" : "");
    if (DmCreatePipe(&out_r, &out_w) < 0 || DmCreatePipe(&in_r, &in_w) < 0) {
        uprintf("sysfuzz: cannot create pipes\n");
        return -1;
    }
    NtClose(in_w); /* console reads in the child end at once */
    dormer_status_t st = DmCreateProcessIo(&child, cmd, strlen(cmd), in_r, out_w);
    NtClose(in_r);
    NtClose(out_w);
    if (st < 0) {
        uprintf("sysfuzz: cannot start \"%s\": 0x%08x\n", cmd, (unsigned)st);
        NtClose(out_r);
        return -1;
    }
    static struct drain d;
    d = (struct drain){out_r, {0, 0, 0, 0}, 0, race, 0};
    DormerCreateThread(&dt, drain_thread, (uint64_t)(uintptr_t)&d, 0);
    if (DormerWait(child, race ? RACE_WATCHDOG_MS : WATCHDOG_MS) == STATUS_TIMEOUT) {
        NtTerminateProcess(child, 0xDEAD);
        DormerWait(child, 5000);
        stuck = 1;
    }
    DormerWait(dt, 5000);
    NtClose(dt);
    NtClose(out_r);
    DmQueryExitStatus(child, status);
    NtClose(child);
    *made = d.have_last ? (uint64_t)d.last.index + 1 : 0;
    if (race)
        uprintf("sysfuzz: race child seed %llu: %llu rounds, status 0x%08x, last round #%u "
                "kind %u%s\n", (unsigned long long)seed, (unsigned long long)*made,
                (unsigned)*status, (unsigned)d.last.index,
                (unsigned)(d.last.nr - RACE_RECORD_NR), stuck ? " (stuck: killed)" : "");
    else
        uprintf("sysfuzz: child seed %llu: %llu calls, status 0x%08x, last call #%u nr %u%s\n",
                (unsigned long long)seed, (unsigned long long)*made, (unsigned)*status,
                (unsigned)d.last.index, (unsigned)d.last.nr, stuck ? " (stuck: killed)" : "");
    return stuck;
}

static int run_parent(uint64_t seed, uint64_t count, uint64_t per_child)
{
    struct dormer_create_file cf = {DORMER_FILE_READ_DATA, 7, DORMER_FILE_OPEN_IF,
                                    DORMER_FILE_DIRECTORY_FILE, 0, 0};
    dormer_handle_t h;
    struct dormer_kernel_counters k0, k1;
    int32_t status;

    /* Warm the caches a child fills the first time (images it starts). */
    const char *warm[] = {"t_child.exe", "hello.exe warm", "bad_image.exe"};
    for (int i = 0; i < 3; i++) {
        if (DormerSpawn(warm[i], 0, &h) >= 0) {
            DormerWait(h, 5000);
            NtClose(h);
        }
    }
    /* And one child round: the first thread of this process leaves its stack. */
    uint64_t made;
    if (run_round(0, 1, &made, &status, 0) < 0)
        return 1;
    uint64_t procs0 = process_count();
    if (!query_counters(&k0)) {
        uprintf("sysfuzz: DORMER_INFO_KERNEL refused\n");
        return 1;
    }
    /* The children's files live in C:\sf, gone again before the second reading. */
    if (DmCreateFile(&h, u"C:\\sf", 5, &cf) < 0) {
        uprintf("sysfuzz: cannot create C:\\sf\n");
        return 1;
    }
    NtClose(h);
    uprintf("sysfuzz: seed %llu, %llu calls, %llu per child\n", (unsigned long long)seed,
            (unsigned long long)count, (unsigned long long)per_child);

    uint64_t done = 0, children = 0, killed = 0, stuck = 0;
    for (uint64_t s = seed; done < count; s++, children++) {
        uint64_t n = count - done < per_child ? count - done : per_child;
        int r = run_round(s, n, &made, &status, 0);
        if (r < 0)
            return 1;
        stuck += (uint64_t)r;
        killed += status != 0;
        done += made ? made : 1;
    }

    /* Then the handle races, in a child of their own (its status says they held), its
     * rounds recorded like the calls: the last names the round to replay. */
    int32_t race_status = -1;
    if (run_round(seed, RACE_ROUNDS, &made, &race_status, 1) < 0)
        return 1;

    /* What children left behind that is not theirs to keep: the foreground list, the
     * files under C:\sf, grandchildren still running. */
    DmSetConsoleForeground(NULL, 0);
    for (int i = 0; i < 300 && process_count() > procs0; i++)
        DmDelayExecution(10);
    int left = clean_sf();
    int outside = clean_outside();
    struct dormer_create_file del = {DORMER_DELETE, 7, DORMER_FILE_OPEN, 0, 0, 0};
    if (DmCreateFile(&h, u"C:\\sf", 5, &del) >= 0) {
        struct dormer_file_disposition disp = {1, {0}};
        DmSetInformationFile(h, DORMER_FILE_DISPOSITION_INFO, &disp, sizeof disp);
        NtClose(h);
    }
    query_counters(&k1);
    int ok = k1.used_frames == k0.used_frames && k1.heap_blocks == k0.heap_blocks &&
             k1.objects == k0.objects && k1.handles == k0.handles &&
             process_count() == procs0 && left == 0;
    uprintf("sysfuzz: %llu calls in %llu children (%llu killed, %llu stuck and ended), "
            "%d names made outside C:\\sf deleted\n",
            (unsigned long long)done, (unsigned long long)children, (unsigned long long)killed,
            (unsigned long long)stuck, outside);
    uprintf("sysfuzz: counters frames %llu -> %llu, heap blocks %llu -> %llu (bytes %llu -> "
            "%llu), objects %llu -> %llu, handles %llu -> %llu, processes %llu -> %llu: %s\n",
            (unsigned long long)k0.used_frames, (unsigned long long)k1.used_frames,
            (unsigned long long)k0.heap_blocks, (unsigned long long)k1.heap_blocks,
            (unsigned long long)k0.heap_bytes, (unsigned long long)k1.heap_bytes,
            (unsigned long long)k0.objects, (unsigned long long)k1.objects,
            (unsigned long long)k0.handles, (unsigned long long)k1.handles,
            (unsigned long long)procs0, (unsigned long long)process_count(),
            ok ? "held" : "LEAKED");
    /* Still answering: a new program starts and ends with its status. */
    status = -1;
    if (DormerSpawn("t_child.exe 42", 0, &h) >= 0) {
        DormerWait(h, 10000);
        DmQueryExitStatus(h, &status);
        NtClose(h);
    }
    uprintf("sysfuzz: after the run t_child.exe 42 exited with %d\n", (int)status);
    ok = ok && status == 42 && race_status == 0;
    uprintf("sysfuzz: %s\n", ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        uprintf("usage: sysfuzz.exe SEED COUNT [PER_CHILD]   (SEED COUNT child [trace]: one child)\n");
        return 2;
    }
    uint64_t seed = parse_u64(argv[1]), count = parse_u64(argv[2]);
    if (argc > 3 && strcmp(argv[3], "child") == 0)
        return run_child(seed, count, argc > 4 && strcmp(argv[4], "trace") == 0);
    if (argc > 3 && strcmp(argv[3], "race") == 0)
        return run_race(seed, count);
    parent_trace = argc > 4 && strcmp(argv[4], "trace") == 0;
    return run_parent(seed, count, argc > 3 ? parse_u64(argv[3]) : 500);
}
