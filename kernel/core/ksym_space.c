/*
 * Reserves the space for the symbol blob. tools/ksympack.py overwrites this
 * array's bytes in the linked ELF file, so it must stay initialised (PROGBITS,
 * not NOBITS) and loaded; all zeros means "no blob" to ksym_status(). Nothing
 * reads it by name: the compiler would fold the zeros, so readers go through
 * the linker symbol __ksyms_start instead.
 */
#include <core/ksym.h>

static const uint8_t ksym_space[KSYM_SPACE]
    __attribute__((section(".ksyms"), used, aligned(16)));
