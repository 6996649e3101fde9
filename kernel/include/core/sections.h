/*
 * Addresses the linker script defines around the kernel image's sections
 * (linker/kernel.ld). Only their addresses mean anything.
 */
#ifndef CORE_SECTIONS_H
#define CORE_SECTIONS_H

extern char __kernel_start[], __kernel_end[];
extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char __data_start[], __bss_start[], __bss_end[];

#endif
