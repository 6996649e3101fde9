/*
 * f_missing_import: imports tdll.dll!tdll_not_there, which tdll.dll does not export. The
 * program must start (a missing function stops only a program that calls it), and the
 * call must end it with a line naming the import and a backtrace through main.
 */
#include <dormer.h>

__declspec(dllimport) int tdll_not_there(void);
__declspec(dllimport) int32_t tdll_add(int32_t a, int32_t b);

int main(void)
{
    uprintf("f_missing_import: started; calling the missing import\n");
    if (tdll_add(1, 2) == 3)
        tdll_not_there();
    uprintf("f_missing_import: FAIL: survived the call\n");
    return 0;
}
