/*
 * kmain: the kernel's init order. Consoles come first so every later step can
 * report; the boot information is validated before anything uses it; interrupts
 * are enabled only once the IDT, PIC and timer are ready.
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <core/cmdline.h>
#include <core/console.h>
#include <core/crash.h>
#include <core/init.h>
#include <core/ksym.h>
#include <core/ktest.h>
#include <core/mb2.h>
#include <core/panic.h>
#include <core/printk.h>
#include <core/sections.h>
#include <core/shutdown.h>
#include <core/time.h>
#include <fs/bootfs.h>
#include <fs/ramfs.h>
#include <fs/vfs.h>
#include <lib/fmt.h>
#include <lib/string.h>
#include <loader/image_section.h>
#include <mm/fault_inject.h>
#include <mm/kheap.h>
#include <mm/kstack.h>
#include <mm/layout.h>
#include <mm/pmm.h>
#include <mm/vmm.h>
#include <net/net.h>
#include <proc/process.h>
#include <proc/sched.h>
#include <abi/types.h>
#include <sys/syscall.h>

static struct mb2_info boot_info;

static void print_banner(void)
{
    const uint8_t *id;
    size_t id_len = ksym_build_id(&id);

    kprintf("\nDormer " DORMER_VERSION " (x86_64, %s build", DORMER_BUILD_KIND);
    if (id_len >= 4)
        kprintf(" %02x%02x%02x%02x", id[0], id[1], id[2], id[3]);
    kprintf(")\n");
}

static void print_memory_map(const struct mb2_info *mb)
{
    uint64_t usable = 0;

    pr_info("memory map from %s:\n", mb->bootloader[0] ? mb->bootloader : "the bootloader");
    for (size_t i = 0; i < mb->mmap_count; i++) {
        const struct mb2_mmap_entry *e = &mb->mmap[i];
        uint64_t size = e->len >> 10;
        const char *unit = "KiB";
        if (size >= 10 * 1024 * 1024) {
            size >>= 20;
            unit = "GiB";
        } else if (size >= 10 * 1024) {
            size >>= 10;
            unit = "MiB";
        }
        pr_info("  %012llx-%012llx %6llu %s %s\n", (unsigned long long)e->base,
                (unsigned long long)(e->base + e->len - 1), (unsigned long long)size, unit,
                mb2_mmap_type_name(e->type));
        if (e->type == MB2_MMAP_AVAILABLE)
            usable += e->len;
    }
    if (mb->mmap_truncated)
        pr_warn("memory map truncated: %zu of %zu entries kept\n", mb->mmap_count,
                mb->mmap_total);
    pr_info("memory: %llu MiB usable RAM in %zu regions\n", (unsigned long long)(usable >> 20),
            mb->mmap_count);
    pr_info("modules: %zu, framebuffer: %s\n", mb->module_count,
            !mb->fb.present                        ? "none"
            : mb->fb.type == MB2_FB_TYPE_EGA_TEXT ? "VGA text"
                                                   : "graphics");
}

/* End of the highest RAM the bootloader reported as available. */
static paddr_t highest_ram(const struct mb2_info *mb)
{
    paddr_t top = 0;

    for (size_t i = 0; i < mb->mmap_count; i++) {
        const struct mb2_mmap_entry *e = &mb->mmap[i];
        if (e->type == MB2_MMAP_AVAILABLE && e->base + e->len > top)
            top = e->base + e->len;
    }
    return top;
}

/* Frames, the kernel's own page tables, the heap, kernel regions, stack guards. */
static void memory_init(struct mb2_info *mb, uint32_t info_pa)
{
    uint32_t info_size = *(const uint32_t *)phys_to_virt(info_pa);
    paddr_t top = highest_ram(mb);

    pmm_move_modules_high(mb, kimage_to_phys(__kernel_start), kimage_to_phys(__kernel_end),
                          info_pa, (paddr_t)info_pa + info_size);
    pmm_init(mb, kimage_to_phys(__kernel_start), kimage_to_phys(__kernel_end), info_pa,
             (paddr_t)info_pa + info_size);
    arch_mmu_init(top);
    kheap_init();
    kheap_set_phys_limit(top);
    vmm_init();
    arch_protect_stack_guards();
}

static void apply_cmdline(void)
{
    const char *level = cmdline_get("loglevel");

    if (level) {
        int l = printk_level_from_name(level);
        if (l < 0)
            pr_warn("loglevel=%s: unknown level (trace, debug, info, warn, error)\n", level);
        else
            printk_set_level(l);
    }
    /* Headless runs report panics through the exit status instead of the screen. */
    const char *on_panic = cmdline_get("panic");
    panic_set_power_off(cmdline_flag("headless") ||
                        (on_panic && on_panic[0] == 'p' /* poweroff */));
    const char *inject = cmdline_get("faultinject");
    if (!fault_inject_configure(inject))
        pr_warn("faultinject=%s: ignored (not every:N, random:PERMILLE[:SEED] or after:N, "
                "or not a debug kernel)\n", inject);
    else if (inject && *inject)
        pr_warn("faultinject=%s: allocations will fail on purpose while programs run\n",
                inject);
}

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

static int64_t run_program(const char *cmdline)
{
    char name[BOOTFS_NAME_MAX], err[200];
    size_t n = 0;

    while (cmdline[n] && cmdline[n] != ' ' && n + 1 < sizeof name) {
        name[n] = cmdline[n];
        n++;
    }
    name[n] = '\0';
    /* faultinject= fails allocations only while a program runs, never during boot. */
    fault_inject_arm(true);
    int why;
    struct process *p = process_create(name, cmdline, err, sizeof err, &why);
    if (!p) {
        fault_inject_arm(false);
        pr_error("cannot start %s\n", err);
        return -1;
    }
    dormer_status_t status = process_run(p);
    fault_inject_arm(false);
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

/* utest=all: every t_*.exe, f_*.exe and w_*.exe (stock Windows programs) on the boot
 * file system, one after another (utest=a.exe,b.exe: only those), except those in
 * utest_skip=a.exe,b.exe, which want arguments and get their own boot; then a program
 * started 100 times; frames in use must not change, nor, around the 100 starts, the
 * heap, the objects and the handles. */
static void run_user_tests(void)
{
    uint64_t before = frames_in_use();
    const char *skip = cmdline_get("utest_skip");
    const char *only = cmdline_get("utest");
    const char *inject = cmdline_get("faultinject");

    if (strcmp(only, "all") == 0)
        only = NULL;
    print_counters("before");
    for (size_t i = 0; bootfs_at(i); i++) {
        const char *name = bootfs_at(i)->name;
        size_t len = strlen(name);
        if ((strncasecmp(name, "t_", 2) != 0 && strncasecmp(name, "f_", 2) != 0 &&
             strncasecmp(name, "w_", 2) != 0) || len < 5 ||
            strcasecmp(name + len - 4, ".exe") != 0)
            continue;
        if ((skip && in_list(skip, name)) || (only && !in_list(only, name)))
            continue;
        kprintf("UTEST BEGIN %s\n", name);
        int64_t status = run_program(name);
        kprintf("UTEST END %s status=0x%08llX\n", name, (unsigned long long)status);
        if (inject && *inject)
            print_counters(name); /* which program moved them */
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

/* Started at boot when the command line names no init= program. */
#define SHELL_PROGRAM "shell.exe"

/* Echo one typed line back: shows (and lets tests check) interrupt-driven input. */
static void read_line_demo(void)
{
    char line[128];

    kprintf("Type a line and press Enter: ");
    console_read_line(line, sizeof line);
    kprintf("read line: \"%s\"\n", line);
}

void kmain(uint32_t magic, uint32_t info_pa)
{
    arch_early_console_init();
    print_banner();
    if (magic != MB2_BOOTLOADER_MAGIC)
        panic("not started by a multiboot2 loader (magic 0x%x)", magic);

    /* The block lies below 4 GiB (GRUB passes a 32-bit address): all of it is
     * readable through the boot direct map. */
    size_t avail = (size_t)(((uint64_t)BOOT_DIRECT_MAP_GIB << 30) - info_pa);
    if (mb2_parse(phys_to_virt(info_pa), avail, &boot_info) != 0)
        panic("multiboot2 boot information rejected: %s (offset %zu, tag type %u)",
              boot_info.error, boot_info.error_offset, boot_info.error_tag);
    if (!cmdline_init(boot_info.cmdline, boot_info.cmdline_len))
        pr_warn("command line too long; the excess was ignored\n");
    apply_cmdline();
    fmt_set_symbolizer(ksym_format);
    arch_drop_identity_map();

    pr_info("command line: %s\n", cmdline_raw());
    arch_init(&boot_info);
    pr_info("cpu: %s\n", arch_cpu_description());
    print_memory_map(&boot_info);
    memory_init(&boot_info, info_pa);
    if (ksym_ready())
        pr_info("symbols: %s\n", ksym_status());
    else
        pr_warn("symbols: %s\n", ksym_status());

    arch_irq_enable();
    uint64_t t0 = time_ticks();
    time_sleep_ms(10);
    pr_info("timer: ticking (%llu ticks in 10 ms), uptime %llu ms\n",
            (unsigned long long)(time_ticks() - t0),
            (unsigned long long)(time_uptime_ns() / 1000000));

    const char *tests = cmdline_get("ktest");
    if (tests)
        shutdown_power_off(ktest_run(tests) ? 1 : 0);

    sched_init();
    time_start_scheduler_ticks();
    bootfs_init(&boot_info);
    fs_init();
    net_init();
    if (cmdline_get("netcheck"))
        net_boot_check(cmdline_get("netcheck"));
    loader_set_force_relocate(cmdline_flag("loader_relocate"));
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
    }

    const char *crash = cmdline_get("crash");
    if (crash)
        crash_run(crash);
    if (cmdline_flag("readline"))
        read_line_demo();

    /* No init=: the shell, unless told not to (or it is not on the ISO). */
    if (!init && bootfs_find(SHELL_PROGRAM) && !cmdline_flag("noshell")) {
        pr_info("boot complete: starting the shell\n");
        int64_t status = run_program(SHELL_PROGRAM);
        /* Leaving the shell turns the machine off (the disk is flushed first). */
        shutdown_power_off(status < 0 ? 127 : (int)(status & 0x7f));
    } else if (!init) {
        kprintf("Programs on the boot file system:");
        for (size_t i = 0; bootfs_at(i); i++)
            kprintf(" %s", bootfs_at(i)->name);
        kprintf("\nStart one with init=NAME.exe on the kernel command line, e.g.\n"
                "    scons run cmdline=\"init=hello.exe\"\n");
    }
    pr_info("boot complete\n");
    if (cmdline_flag("headless"))
        shutdown_power_off(0);
    kprintf("Dormer is idle. Close the QEMU window to quit.\n");
    for (;;)
        arch_wait_for_interrupt();
}
