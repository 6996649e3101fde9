/* Stack overflow as a Windows program sees it: unbounded recursion reaches the end of
 * the stack reserve, a vectored handler gets EXCEPTION_STACK_OVERFLOW (0xC00000FD, the
 * write and its address as parameters) and leaves with longjmp; _resetstkoflw re-arms
 * the stack's guard page, and the next overflow is delivered again, three times over,
 * then once more in a second thread (with its own 256 KiB stack). */
#include <windows.h>
#include <malloc.h>
#include <setjmp.h>
#include <stdio.h>

static jmp_buf back;
static volatile LONG overflows, wrong_kind;
static volatile ULONG_PTR kind;
static volatile char *fault_at;
static volatile int nparams;

static LONG CALLBACK on_overflow(EXCEPTION_POINTERS *e)
{
    EXCEPTION_RECORD *r = e->ExceptionRecord;

    if (r->ExceptionCode != EXCEPTION_STACK_OVERFLOW) {
        wrong_kind++;
        return EXCEPTION_CONTINUE_SEARCH;
    }
    overflows++;
    nparams = (int)r->NumberParameters;
    kind = r->NumberParameters >= 1 ? r->ExceptionInformation[0] : 99;
    fault_at = r->NumberParameters >= 2 ? (char *)r->ExceptionInformation[1] : NULL;
    longjmp(back, 1);
}

static volatile int never;
static volatile char *deepest;

static int __attribute__((noinline)) recurse(int depth)
{
    volatile char frame[1024];

    frame[0] = (char)depth;
    frame[sizeof frame - 1] = (char)depth;
    deepest = frame;
    if (depth == never - 1)
        return 0;
    return recurse(depth + 1) + frame[0] + frame[sizeof frame - 1];
}

static void rounds(const char *who, int first, int last)
{
    for (int round = first; round <= last; round++) {
        if (setjmp(back) == 0) {
            recurse(0);
            printf("%s round %d: FAIL: the recursion returned\n", who, round);
        } else {
            printf("%s round %d: stack overflow caught (%ld so far): %d parameters, "
                   "kind %lu, address %s\n", who, round, overflows, nparams,
                   (unsigned long)kind,
                   fault_at && fault_at <= deepest + sizeof(long) * 1024 ? "near the deepest frame"
                                                                       : "elsewhere");
            printf("  _resetstkoflw: %d\n", _resetstkoflw() != 0);
        }
    }
}

static DWORD WINAPI thread_main(void *arg)
{
    (void)arg;
    rounds("thread", 1, 2);
    return 7;
}

int main(void)
{
    void *h = AddVectoredExceptionHandler(1, on_overflow);
    DWORD status = 0;

    rounds("main", 1, 3);
    fflush(stdout);
    HANDLE t = CreateThread(NULL, 256 * 1024, thread_main, NULL,
                            STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
    WaitForSingleObject(t, INFINITE);
    GetExitCodeThread(t, &status);
    printf("thread exited with %lu\n", status);
    RemoveVectoredExceptionHandler(h);
    printf("other exceptions seen: %ld\n", wrong_kind);
    printf("done\n");
    return 0;
}
