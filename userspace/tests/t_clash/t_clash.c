/*
 * t_clash: an image linked at ntdll.dll's preferred base (see link.flags), so ntdll must
 * be loaded elsewhere and relocated. tdll.dll imports from ntdll; when tdll has a
 * prepared view (bound to ntdll at its preferred base, made by an earlier program, as
 * t_views arranges), the loader must notice that ntdll moved and bind tdll the long way.
 * Exit 0 when all pass.
 */
#include <dormer.h>

#define TDLL_IMPORT
#include "../dlls/tdll/tdll.h"

extern const uint8_t __ImageBase[]; /* this image's DOS header, as mapped (GNU ld) */

int main(void)
{
    uint64_t self = (uint64_t)(uintptr_t)__ImageBase;
    uint64_t nop = (uint64_t)(uintptr_t)&DmNop; /* the IAT's value: where ntdll really is */
    int32_t check;

    CHECK(nop < self || nop >= self + 0x10000, "ntdll_moved_away");
    CHECK(DmNop() == STATUS_SUCCESS, "own_ntdll_imports_work");
    CHECK(tdll_add(20, 22) == 42, "tdll_imports_work");
    check = tdll_self_check(); /* calls ntdll through tdll's own IAT */
    ulib_check(check == 0, "tdll_bound_to_moved_ntdll", "tdll_self_check() = %d", check);
    return ulib_check_summary();
}
