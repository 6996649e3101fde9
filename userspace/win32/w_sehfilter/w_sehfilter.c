/* SetUnhandledExceptionFilter: a fault no handler takes reaches the filter, which
 * returns EXCEPTION_EXECUTE_HANDLER; the process then ends with the exception code. */
#include <windows.h>
#include <stdio.h>

static LONG WINAPI filter(EXCEPTION_POINTERS *e)
{
    printf("filter: code %08lx, kind %lu, address %lu\n", e->ExceptionRecord->ExceptionCode,
           (unsigned long)e->ExceptionRecord->ExceptionInformation[0],
           (unsigned long)e->ExceptionRecord->ExceptionInformation[1]);
    fflush(stdout);
    return EXCEPTION_EXECUTE_HANDLER;
}

int main(void)
{
    LPTOP_LEVEL_EXCEPTION_FILTER old = SetUnhandledExceptionFilter(filter);

    printf("previous filter: %d\n", old == NULL);
    printf("again: %d\n", SetUnhandledExceptionFilter(filter) == filter);
    fflush(stdout);
    *(volatile int *)(ULONG_PTR)16 = 1;
    printf("survived\n");
    return 0;
}
