/*
 * The first program: what the boot does once the kernel is up (an INIT_USER step).
 * utest= runs the test programs one after another with leak counters around them and
 * powers off; init=NAME runs that program (and powers off after it when headless);
 * otherwise the shell runs, and leaving it turns the machine off. Without a shell on
 * the boot file system the programs there are listed.
 */
#include <abi/types.h>
#include <core/cmdline.h>
#include <core/init.h>
#include <core/printk.h>
#include <core/shutdown.h>
#include <fs/bootfs.h>
#include <fs/ramfs.h>
#include <lib/fmt.h>
#include <lib/string.h>
#include <loader/loader.h>
#include <mm/fault_inject.h>
#include <mm/kheap.h>
#include <proc/process.h>
#include <proc/sched.h>
#include <sys/syscall.h>

/* Started at boot when the command line names no init= program. */
#define SHELL_PROGRAM "shell.exe"

/* Frames in use outside the heap's caches and the shared image views: what a leak
 * would show up in. */
static uint64_t frames_in_use(void)
{
    struct dormer_kernel_counters k;

    sys_kernel_counters(&k);
    return k.used_frames;
}

/* One line of the counters a leak would move, for the boot tests to compare; ramfs=
 * is the pages files on the RAM C:\ hold (of frames=), so a file left behind is told
 * apart from a leak. */
static void print_counters(const char *when)
{
    struct dormer_kernel_counters k;

    sys_kernel_counters(&k);
    kprintf("UTEST counters %s frames=%llu heap_blocks=%llu heap_bytes=%llu objects=%llu "
            "handles=%llu injected=%llu ramfs=%llu\n",
            when, (unsigned long long)k.used_frames, (unsigned long long)k.heap_blocks,
            (unsigned long long)k.heap_bytes, (unsigned long long)k.objects,
            (unsigned long long)k.handles, (unsigned long long)k.injected_faults,
            (unsigned long long)ramfs_pages_in_use());
}

/* With `heapsites` on the command line (debug kernels): the heap's live blocks per
 * allocating site, so that two rounds can be told apart by who holds what. */
static void print_heap_sites(const char *when)
{
    static struct kheap_site sites[KHEAP_SITES + 1]; /* first program only: one caller */

    if (!cmdline_flag("heapsites"))
        return;
    size_t n = kheap_get_sites(sites, sizeof sites / sizeof sites[0]);
    for (size_t i = 0; i < n; i++)
        kprintf("UTEST heap %s site=%pS blocks=%llu bytes=%llu\n", when, sites[i].site,
                (unsigned long long)sites[i].blocks, (unsigned long long)sites[i].bytes);
}

/* Names the allocations that failed on purpose while the last program ran (number and
 * caller), so that `faultinject=nth:N` can replay any one of them. */
static void report_injected(void)
{
    static struct fault_inject_record recs[256]; /* the log's size: none is cut */
    uint64_t lost;
    size_t n = fault_inject_report(recs, sizeof recs / sizeof recs[0], &lost);

    for (size_t i = 0; i < n; i++)
        kprintf("UTEST injected call=%llu site=%pS\n", (unsigned long long)recs[i].call,
                recs[i].site);
    if (lost)
        kprintf("UTEST injected %llu more not logged\n", (unsigned long long)lost);
}

static int64_t run_program(const char *cmdline)
{
    char name[2 * BOOTFS_NAME_MAX + 4], err[200];
    size_t n = 0;

    while (cmdline[n] && cmdline[n] != ' ' && n + 1 < sizeof name) {
        name[n] = cmdline[n];
        n++;
    }
    name[n] = '\0';
    /* faultinject= fails allocations only while a program runs, never during boot. */
    fault_inject_arm(true);
    int why;
    struct process *p = loader_create_process(name, cmdline, err, sizeof err, &why);
    if (!p) {
        fault_inject_arm(false);
        report_injected();
        pr_error("cannot start %s\n", err);
        return -1;
    }
    dormer_status_t status = process_run(p);
    fault_inject_arm(false);
    report_injected();
    kprintf("process %s (pid %llu) exited with status 0x%08X\n", p->name,
            (unsigned long long)p->pid, (unsigned)status);
    kobj_unref(&p->obj);
    sched_reap();
    return (uint32_t)status;
}

/* Is name one of the comma-separated names in list? */
static bool in_list(const char *list, const char *name)
{
    size_t len = strlen(name);

    for (const char *hit = list; (hit = strstr(hit, name)) != NULL; hit++) {
        if ((hit == list || hit[-1] == ',') && (hit[len] == '\0' || hit[len] == ','))
            return true;
    }
    return false;
}

/* One round of utest=: every t_*.exe, f_*.exe and w_*.exe (stock Windows programs) on
 * the boot file system (those in a directory of their own started as C:\DIR\NAME, so
 * their DLLs come from beside them), one after another (only: those listed), except those
 * in skip. */
static void run_test_round(const char *only, const char *skip, const char *inject)
{
    for (size_t i = 0; bootfs_at(i); i++) {
        const char *name = bootfs_at(i)->name;
        size_t len = strlen(name);
        if ((strncasecmp(name, "t_", 2) != 0 && strncasecmp(name, "f_", 2) != 0 &&
             strncasecmp(name, "w_", 2) != 0) || len < 5 ||
            strcasecmp(name + len - 4, ".exe") != 0)
            continue;
        if ((skip && in_list(skip, name)) || (only && !in_list(only, name)))
            continue;
        char path[2 * BOOTFS_NAME_MAX + 4];
        if (bootfs_at(i)->dir[0])
            fmt_snprintf(path, sizeof path, "C:\\%s\\%s", bootfs_at(i)->dir, name);
        else
            fmt_snprintf(path, sizeof path, "%s", name);
        kprintf("UTEST BEGIN %s\n", name);
        int64_t status = run_program(path);
        kprintf("UTEST END %s status=0x%08llX\n", name, (unsigned long long)status);
        if (inject && *inject)
            print_counters(name); /* which program moved them */
    }
}

/* utest=all (or utest=a.exe,b.exe; utest_skip=c.exe: those want arguments and get their
 * own boot): the test programs, see run_test_round; then a program started 100 times.
 * Frames in use must not change, nor, around the 100 starts, the heap, the objects and
 * the handles. utest_rounds=N runs the programs N times with the counters after each
 * round: once the first round has filled the caches (an image section per boot file),
 * a further round must leave every counter, the heap's included, where the one before
 * left it. */
static void run_user_tests(void)
{
    uint64_t before = frames_in_use();
    const char *skip = cmdline_get("utest_skip");
    const char *only = cmdline_get("utest");
    const char *inject = cmdline_get("faultinject");
    uint64_t rounds = cmdline_get_u64("utest_rounds", 1, 100, 1);

    if (strcmp(only, "all") == 0)
        only = NULL;
    print_counters("before");
    for (uint64_t round = 1; round <= rounds; round++) {
        run_test_round(only, skip, inject);
        if (rounds > 1) {
            char when[32];
            fmt_snprintf(when, sizeof when, "round_%llu", (unsigned long long)round);
            print_counters(when);
            print_heap_sites(when);
        }
    }
    kprintf("UTEST frames before=%llu after=%llu\n", (unsigned long long)before,
            (unsigned long long)frames_in_use());
    print_counters("after");
    if (bootfs_find("hello.exe")) {
        before = frames_in_use();
        print_counters("repeat_before");
        int failures = 0;
        for (int i = 0; i < 100; i++)
            failures += run_program("hello.exe repeat") != 0;
        kprintf("UTEST repeat hello.exe x100 failures=%d frames before=%llu after=%llu\n",
                failures, (unsigned long long)before, (unsigned long long)frames_in_use());
        print_counters("repeat_after");
    }
    kprintf("UTEST DONE\n");
}

static void first_program(void)
{
    if (cmdline_get("utest")) {
        run_user_tests();
        shutdown_power_off(0);
    }
    /* init=NAME args...: the rest of the line is the program's command line. */
    const char *init = strstr(cmdline_raw(), "init=");
    if (init && (init == cmdline_raw() || init[-1] == ' ')) {
        int64_t status = run_program(init + 5);
        if (cmdline_flag("headless"))
            shutdown_power_off(status < 0 ? 127 : (int)(status & 0x7f));
        return;
    }
    /* No init=: the shell, unless told not to (or it is not on the ISO). */
    if (bootfs_find(SHELL_PROGRAM) && !cmdline_flag("noshell")) {
        pr_info("boot complete: starting the shell\n");
        int64_t status = run_program(SHELL_PROGRAM);
        /* Leaving the shell turns the machine off (the disk is flushed first). */
        shutdown_power_off(status < 0 ? 127 : (int)(status & 0x7f));
    }
    kprintf("Programs on the boot file system:");
    for (size_t i = 0; bootfs_at(i); i++) {
        if (bootfs_at(i)->dir[0])
            kprintf(" C:\\%s\\%s", bootfs_at(i)->dir, bootfs_at(i)->name);
        else
            kprintf(" %s", bootfs_at(i)->name);
    }
    kprintf("\nStart one with init=NAME.exe on the kernel command line, e.g.\n"
            "    scons run cmdline=\"init=hello.exe\"\n");
}
INIT_STEP(INIT_USER, first_program);
