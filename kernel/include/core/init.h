/*
 * The kernel's C entry point, called once by boot.S on the boot stack.
 */
#ifndef CORE_INIT_H
#define CORE_INIT_H

#include <stdint.h>

/* magic: what the loader left in EAX; info_pa: physical address of the multiboot2
 * information. Never returns. */
void kmain(uint32_t magic, uint32_t info_pa);

#endif
