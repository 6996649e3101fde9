/* A stock program that imports a function Dormer's msvcrt does not have (_wspawnvp):
 * it must start and run up to the call, which ends it with a line naming the import. */
#include <process.h>
#include <stdio.h>

int main(void)
{
    const wchar_t *args[] = {L"child", NULL};

    printf("f_unimpl: before the call\n");
    fflush(stdout);
    _wspawnvp(_P_WAIT, L"child.exe", args);
    printf("f_unimpl: FAIL: survived the call\n");
    return 0;
}
