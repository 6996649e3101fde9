/*
 * t_imports: a program importing from a second DLL, tdll.dll, besides ntdll: functions
 * by name, one by ordinal only (tdll.def marks it NONAME, so the import library imports
 * it by number), and data through the IAT. Also runs the DLL's own self-check (its
 * relocations and its imports from ntdll), and checks that the DLLs' entry points ran,
 * tdll's before torder's (torder.dll imports tdll.dll). Exit 0 when all pass.
 */
#include <dormer.h>

#define TDLL_IMPORT
#include "../dlls/tdll/tdll.h"

/* torder.dll imports tdll.dll: 1 if tdll was initialized before torder's entry ran. */
__declspec(dllimport) int32_t torder_saw_tdll_ready(void);

int main(void)
{
    int32_t (*add)(int32_t, int32_t) = tdll_add;
    int32_t self;

    CHECK(tdll_add(2, 40) == 42, "import_by_name");
    CHECK(add(-5, 5) == 0, "call_through_pointer");
    ulib_check(tdll_secret() == TDLL_SECRET, "import_by_ordinal", "tdll_secret() = 0x%x",
               tdll_secret());
    CHECK(tdll_data[0] == 1 && tdll_data[1] == 2 && tdll_data[2] == 3 && tdll_data[3] == 4,
          "import_data");
    tdll_data[3] = 40; /* the DLL's .data is writable and shared with its code */
    CHECK(tdll_data[3] == 40, "write_imported_data");
    self = tdll_self_check();
    ulib_check(self == 0, "dll_self_check", "tdll_self_check() = %d", self);
    CHECK((uint64_t)(uintptr_t)add != 0 && ((uint64_t)(uintptr_t)add >> 47) == 0,
          "dll_in_user_space");
    uprintf("t_imports: tdll_add at %p, tdll_data at %p\n", (void *)add, (void *)tdll_data);
    CHECK(tdll_entry_ran() == 1, "dll_entry_point_ran");
    ulib_check(torder_saw_tdll_ready() == 1, "dll_initialized_after_its_dlls",
               "torder_saw_tdll_ready() = %d", (int)torder_saw_tdll_ready());
    return ulib_check_summary();
}
