/*
 * tdll.dll: the DLL t_imports links against. Its exports (see tdll.def) cover import by
 * name, by ordinal only and of data; tdll_self_check tests the DLL's own side of loading:
 * relocations of its global pointers, its imports from ntdll, its entry point.
 */
#include <dormer.h>

#include "tdll.h"

static int entry_reason_seen = -1;
static int one = 1, two = 2;
static int *const pointer_table[] = {&one, &two};
static const char *const greeting = "tdll";

int32_t tdll_data[4] = {1, 2, 3, 4};

int DllMain(void *instance, uint32_t reason, void *reserved)
{
    (void)instance;
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH)
        entry_reason_seen = (int)reason;
    return 1;
}

int32_t tdll_add(int32_t a, int32_t b)
{
    return a + b;
}

int32_t tdll_entry_ran(void)
{
    return entry_reason_seen == (int)DLL_PROCESS_ATTACH;
}

uint32_t tdll_secret(void)
{
    return TDLL_SECRET;
}

int32_t tdll_self_check(void)
{
    if (pointer_table[0] != &one || pointer_table[1] != &two)
        return 1; /* relocations not applied at the DLL's load address */
    if (*pointer_table[0] + *pointer_table[1] != 3)
        return 2;
    if (strcmp(greeting, "tdll") != 0)
        return 3;
    if (DmNop() != STATUS_SUCCESS)
        return 4; /* the DLL's own import of ntdll */
    return 0;
}
