/* Structured exceptions as a stock program sees them: a vectored handler that fixes an
 * access violation (by making the page readable) and continues, RaiseException with
 * parameters caught by a vectored handler, a breakpoint stepped over, an integer divide
 * by zero skipped, handler order (first/last) and removal. */
#include <windows.h>
#include <stdio.h>

static char *page;
static int av_seen, raise_seen, bp_seen, div_seen, order[4], norder;

static LONG CALLBACK fix_av(EXCEPTION_POINTERS *e)
{
    EXCEPTION_RECORD *r = e->ExceptionRecord;
    DWORD old;

    if (r->ExceptionCode != EXCEPTION_ACCESS_VIOLATION)
        return EXCEPTION_CONTINUE_SEARCH;
    av_seen++;
    printf("av: params %lu, kind %lu, at page+%ld\n", r->NumberParameters,
           (unsigned long)r->ExceptionInformation[0],
           (long)((char *)r->ExceptionInformation[1] - page));
    if (!VirtualProtect(page, 4096, PAGE_READWRITE, &old))
        printf("VirtualProtect failed: %lu\n", GetLastError());
    return EXCEPTION_CONTINUE_EXECUTION;
}

static LONG CALLBACK on_raise(EXCEPTION_POINTERS *e)
{
    EXCEPTION_RECORD *r = e->ExceptionRecord;

    if (r->ExceptionCode != 0xE0001234)
        return EXCEPTION_CONTINUE_SEARCH;
    raise_seen++;
    printf("raised: code %08lx flags %lu params %lu: %lu %lu %lu\n", r->ExceptionCode,
           r->ExceptionFlags, r->NumberParameters, (unsigned long)r->ExceptionInformation[0],
           (unsigned long)r->ExceptionInformation[1], (unsigned long)r->ExceptionInformation[2]);
    return EXCEPTION_CONTINUE_EXECUTION;
}

static LONG CALLBACK on_break(EXCEPTION_POINTERS *e)
{
    EXCEPTION_RECORD *r = e->ExceptionRecord;

    if (r->ExceptionCode == EXCEPTION_BREAKPOINT) {
        bp_seen++;
        printf("breakpoint: at rip %d\n", (ULONG_PTR)r->ExceptionAddress == e->ContextRecord->Rip);
        e->ContextRecord->Rip++; /* over the int3 */
        return EXCEPTION_CONTINUE_EXECUTION;
    }
    if (r->ExceptionCode == EXCEPTION_INT_DIVIDE_BY_ZERO) {
        div_seen++;
        printf("divide by zero\n");
        e->ContextRecord->Rip += 2; /* over the div */
        return EXCEPTION_CONTINUE_EXECUTION;
    }
    return EXCEPTION_CONTINUE_SEARCH;
}

static LONG CALLBACK first_one(EXCEPTION_POINTERS *e)
{
    if (e->ExceptionRecord->ExceptionCode == 0xE0000042 && norder < 4)
        order[norder++] = 1;
    return EXCEPTION_CONTINUE_SEARCH;
}

static LONG CALLBACK last_one(EXCEPTION_POINTERS *e)
{
    if (e->ExceptionRecord->ExceptionCode != 0xE0000042)
        return EXCEPTION_CONTINUE_SEARCH;
    if (norder < 4)
        order[norder++] = 2;
    return EXCEPTION_CONTINUE_EXECUTION;
}

int main(void)
{
    ULONG_PTR args[3] = { 7, 8, 9 };
    void *h1, *h2, *h3;
    volatile int zero = 0, result = 0;

    setvbuf(stdout, NULL, _IONBF, 0);
    page = VirtualAlloc(NULL, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READONLY);
    h1 = AddVectoredExceptionHandler(1, fix_av);
    h2 = AddVectoredExceptionHandler(0, on_raise);
    h3 = AddVectoredExceptionHandler(0, on_break);
    printf("handlers added: %d\n", h1 && h2 && h3);

    page[100] = 5;
    printf("after the fault: page[100] = %d, av_seen %d\n", page[100], av_seen);

    RaiseException(0xE0001234, 0, 3, args);
    printf("after RaiseException: raise_seen %d\n", raise_seen);

    __asm__ volatile("int3");
    printf("after int3: bp_seen %d\n", bp_seen);

    __asm__ volatile("movl $1, %%eax\n\tcltd\n\tidivl %1\n\tmovl %%eax, %0"
                     : "=r"(result) : "r"(zero) : "eax", "edx");
    printf("after divide: div_seen %d\n", div_seen);

    ULONG r1 = RemoveVectoredExceptionHandler(h1);
    ULONG r2 = RemoveVectoredExceptionHandler(h2);
    ULONG r3 = RemoveVectoredExceptionHandler(h3);
    ULONG r4 = RemoveVectoredExceptionHandler(h1);
    printf("removed: %lu %lu %lu, again: %lu\n", r1, r2, r3, r4);

    h1 = AddVectoredExceptionHandler(0, last_one);
    h2 = AddVectoredExceptionHandler(1, first_one);
    RaiseException(0xE0000042, 0, 0, NULL);
    printf("order: %d %d (%d calls)\n", order[0], order[1], norder);
    RemoveVectoredExceptionHandler(h1);
    RemoveVectoredExceptionHandler(h2);
    printf("done\n");
    return 0;
}
