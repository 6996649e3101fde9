/*
 * tdll.dll's interface, shared by the DLL and the programs that import it. Importers see
 * dllimport declarations (calls through the IAT; data only works that way, since the
 * build turns auto-import off).
 */
#ifndef TDLL_H
#define TDLL_H

#include <stdint.h>

#ifdef TDLL_IMPORT
#define TDLL_API __declspec(dllimport)
#else
#define TDLL_API
#endif

#define TDLL_SECRET 0x5ec7e7u

/* a + b. Exported by name. */
TDLL_API int32_t tdll_add(int32_t a, int32_t b);

/* 1 if DllMain saw DLL_PROCESS_ATTACH before any export was called. */
TDLL_API int32_t tdll_entry_ran(void);

/* 0, or the number of the first self-test that failed (see tdll.c). */
TDLL_API int32_t tdll_self_check(void);

/* TDLL_SECRET. Exported by ordinal 7 only (NONAME). */
TDLL_API uint32_t tdll_secret(void);

/* {1, 2, 3, 4}. A data export. */
TDLL_API extern int32_t tdll_data[4];

#endif
