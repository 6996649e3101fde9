/*
 * kmain: the kernel's init order. Consoles come first so every later step can
 * report; the boot information is validated before anything uses it; interrupts
 * are enabled only once the IDT, PIC and timer are ready. Memory comes up here; the
 * layers above core (proc, sys, fs, net and the first program) register their boot
 * steps with INIT_STEP (core/init.h) and are run by level, never named here.
 */
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/mmu.h>
#include <arch/percpu.h>
#include <core/cmdline.h>
#include <core/console.h>
#include <core/init.h>
#include <core/ksym.h>
#include <core/ktest.h>
#include <core/mb2.h>
#include <core/panic.h>
#include <core/printk.h>
#include <core/sections.h>
#include <core/shutdown.h>
#include <core/time.h>
#include <lib/fmt.h>
#include <lib/string.h>

static struct mb2_info boot_info;
static uint32_t boot_info_pa; /* where GRUB put it */

extern const struct init_step __init_steps_start[], __init_steps_end[];

void init_run_levels(uint32_t from, uint32_t to)
{
    for (uint32_t level = from; level <= to; level++) {
        for (const struct init_step *st = __init_steps_start; st < __init_steps_end; st++) {
            if (st->level != level)
                continue;
            pr_debug("init: %s\n", st->name);
            st->fn();
        }
    }
}

const struct mb2_info *boot_info_get(void)
{
    return &boot_info;
}

struct mb2_info *boot_info_for_memory(uint32_t *info_pa)
{
    *info_pa = boot_info_pa;
    return &boot_info;
}

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
}

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
    arch_percpu_init();
    init_run_levels(INIT_EARLY, INIT_EARLY);
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
    const char *how_off = cmdline_get("poweroff");
    const struct arch_boot ab = {
        .rsdp = boot_info.rsdp, .rsdp_len = boot_info.rsdp_len,
        .acpi_power_off = how_off && strcmp(how_off, "acpi") == 0,
    };
    arch_init(&ab);
    pr_info("cpu: %s\n", arch_cpu_description());
    print_memory_map(&boot_info);
    boot_info_pa = info_pa;
    init_run_levels(INIT_MEMORY, INIT_MEMORY);
    if (ksym_ready())
        pr_info("symbols: %s\n", ksym_status());
    else
        pr_warn("symbols: %s\n", ksym_status());

    arch_irq_enable();
    uint64_t t0 = time_ticks();
    /* The timer check is also the wait the cycle counter is calibrated over. */
    arch_clock_calibrate_begin();
    time_sleep_ms(10);
    arch_clock_calibrate_end(time_ticks() - t0);
    pr_info("timer: ticking (%llu ticks in 10 ms), uptime %llu ms\n",
            (unsigned long long)(time_ticks() - t0),
            (unsigned long long)(time_uptime_ns() / 1000000));

    const char *tests = cmdline_get("ktest");
    if (tests)
        shutdown_power_off(ktest_run(tests) ? 1 : 0);

    init_run_levels(INIT_PROC, INIT_SYS);
    time_start_tick_hook();
    init_run_levels(INIT_FS_BOOT, INIT_CRASH);

    if (cmdline_flag("readline"))
        read_line_demo();
    /* The first program: utest=, init= or the shell (each may power off). */
    init_run_levels(INIT_USER, INIT_USER);
    pr_info("boot complete\n");
    if (cmdline_flag("headless"))
        shutdown_power_off(0);
    kprintf("Dormer is idle. Close the QEMU window to quit.\n");
    for (;;)
        arch_wait_for_interrupt();
}
