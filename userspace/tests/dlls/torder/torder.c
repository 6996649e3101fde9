/*
 * torder.dll: a DLL that imports tdll.dll, so tdll's entry point must have run before
 * torder's does (initialization order). Its DllMain records what it saw; t_imports asks.
 */
#include <dormer.h>

#define TDLL_IMPORT
#include "../tdll/tdll.h"

static int32_t tdll_ready_at_attach = -1;

__declspec(dllexport) int32_t torder_saw_tdll_ready(void);

int DllMain(void *instance, uint32_t reason, void *reserved)
{
    (void)instance;
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH)
        tdll_ready_at_attach = tdll_entry_ran();
    return 1;
}

/* 1 if tdll.dll had been initialized when torder.dll's entry point ran; -1 if that
 * entry point never ran. */
int32_t torder_saw_tdll_ready(void)
{
    return tdll_ready_at_attach;
}
