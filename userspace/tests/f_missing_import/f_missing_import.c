/*
 * f_missing_import: imports tdll.dll!tdll_not_there, which tdll.dll does not export, so
 * the loader must refuse to start it. If it ever runs, it says so and exits 0, which the
 * harness counts as a failure.
 */
#include <dormer.h>

__declspec(dllimport) int tdll_not_there(void);
__declspec(dllimport) int32_t tdll_add(int32_t a, int32_t b);

int main(void)
{
    uprintf("f_missing_import: FAIL: started despite a missing import\n");
    if (tdll_add(1, 2) == 3)
        tdll_not_there();
    return 0;
}
