/*
 * t_exitcode: main's return value must become the process's exit status. Returns 42
 * (not 0 or 1, which a broken path could produce by accident); the harness expects 42.
 */
#include <dormer.h>

int main(void)
{
    uprintf("t_exitcode: returning 42\n");
    return 42;
}
