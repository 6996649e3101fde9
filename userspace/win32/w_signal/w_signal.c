/* signal() as C programs use it on Windows: a SIGSEGV handler for a real access
 * violation and a SIGFPE handler for a real integer divide by zero, each leaving with
 * longjmp; the handler reset before the call; raise() with a handler, SIG_IGN and a
 * bad signal number. (mingw's start-up code maps faults to signals through the
 * unhandled-exception filter, as it does on Windows.) */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

static jmp_buf env;
static volatile int zero;
static volatile int term_seen;

static void on_segv(int sig)
{
    printf("SIGSEGV handler: sig=%d\n", sig);
    longjmp(env, 1);
}

static void on_fpe(int sig)
{
    printf("SIGFPE handler: sig=%d\n", sig);
    longjmp(env, 2);
}

static void on_term(int sig)
{
    term_seen = sig;
}

int main(void)
{
    printf("first signal() gives SIG_DFL: %d\n", signal(SIGSEGV, on_segv) == SIG_DFL);
    if (setjmp(env) == 0) {
        *(volatile int *)(size_t)8 = 1;
        printf("not reached\n");
    } else {
        printf("back from SIGSEGV\n");
    }
    printf("SIGSEGV handler reset to SIG_DFL: %d\n", signal(SIGSEGV, SIG_DFL) == SIG_DFL);

    signal(SIGFPE, on_fpe);
    if (setjmp(env) == 0) {
        int x = 7 / zero;
        printf("not reached %d\n", x);
    } else {
        printf("back from SIGFPE\n");
    }

    /* A second fault after the first: the handler is installed again. */
    signal(SIGSEGV, on_segv);
    if (setjmp(env) == 0)
        *(volatile int *)(size_t)16 = 2;
    else
        printf("back from the second SIGSEGV\n");

    signal(SIGTERM, on_term);
    int r = raise(SIGTERM);
    printf("raise(SIGTERM) = %d, handler saw %d\n", r, term_seen);
    signal(SIGINT, SIG_IGN);
    printf("raise(SIGINT) ignored = %d\n", raise(SIGINT));
    printf("signal(12345) is SIG_ERR: %d\n", signal(12345, SIG_IGN) == SIG_ERR);
    return 0;
}
