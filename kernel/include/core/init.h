/*
 * The kernel's C entry point, called once by boot.S on the boot stack, and the init
 * steps: the layers above core register their boot steps with INIT_STEP, and kmain
 * runs the levels in order once the memory and the consoles are up, so core never
 * names what it starts (lk's init levels). Steps of one level run in link order and
 * must not depend on each other.
 */
#ifndef CORE_INIT_H
#define CORE_INIT_H

#include <stdint.h>

enum init_level {
    INIT_EARLY = 0,    /* before anything else: this CPU's running thread */
    INIT_MEMORY = 5,   /* frames, page tables, heap, kernel regions (after arch_init) */
    INIT_PROC = 10,    /* the scheduler and proc's trap hooks */
    INIT_SYS = 20,     /* the system-call table */
    INIT_FS_BOOT = 30, /* the boot file system (the multiboot2 modules) */
    INIT_FS = 31,      /* the file-system layer: C:\ on a disk or in RAM */
    INIT_NET = 40,     /* the NIC, TCP/IP, the boot's network check */
    INIT_CRASH = 80,   /* crash=KIND: a deliberate fault, once the system is up */
    INIT_USER = 90,    /* the first program (utest=, init= or the shell) */
};

struct init_step {
    uint32_t level;
    const char *name;
    void (*fn)(void);
};

/* Register fn (void fn(void)) as a boot step of a level. */
#define INIT_STEP(lvl, fn)                                                               \
    static const struct init_step init_step_##fn                                         \
        __attribute__((used, section(".init_steps"), aligned(8))) = { (lvl), #fn, fn }

/* Run every step of the levels from..to, level by level. */
void init_run_levels(uint32_t from, uint32_t to);

/* The multiboot2 information kmain parsed (for steps that need the boot modules). */
struct mb2_info;
const struct mb2_info *boot_info_get(void);

/* The same for the memory step, which moves the boot modules (and so changes it), with
 * the physical address of GRUB's block in *info_pa. */
struct mb2_info *boot_info_for_memory(uint32_t *info_pa);

/* magic: what the loader left in EAX; info_pa: physical address of the multiboot2
 * information. Never returns. */
void kmain(uint32_t magic, uint32_t info_pa);

#endif
