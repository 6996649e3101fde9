/* Asynchronous pthread_cancel of a thread spinning in user code: libwinpthread
 * suspends it, moves its RIP to its cancellation routine with Get/SetThreadContext and
 * resumes it; the cleanup handler runs and pthread_join sees PTHREAD_CANCELED. Also a
 * deferred cancel taken at pthread_testcancel, and a thread that ended by itself.
 * Built -O2 so the spin loop is a frameless leaf: libwinpthread sets RIP without
 * pushing a return address, so only a thread stopped where RSP is 8 mod 16 (as at a
 * function's entry) enters its cancellation routine with the stack the ABI wants. */
#include <pthread.h>
#include <stdio.h>
#include <windows.h>

static volatile LONG started, cleaned;
static volatile unsigned long long counter;

static void cleanup(void *arg)
{
    (void)arg;
    InterlockedIncrement(&cleaned);
}

static __attribute__((noinline, noreturn)) void spin_forever(void)
{
    for (;;)
        counter++;
}

static void *spin_async(void *arg)
{
    int old = -1;
    pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old);
    pthread_cleanup_push(cleanup, arg);
    InterlockedExchange(&started, 1);
    spin_forever();
    pthread_cleanup_pop(0);
    return NULL;
}

static void *spin_deferred(void *arg)
{
    pthread_cleanup_push(cleanup, arg);
    InterlockedExchange(&started, 1);
    for (;;) {
        counter++;
        if ((counter & 0xffff) == 0)
            pthread_testcancel();
    }
    pthread_cleanup_pop(0);
    return NULL;
}

static void *quick(void *arg)
{
    return arg;
}

static void run(const char *what, void *(*fn)(void *))
{
    pthread_t t;
    void *res = NULL;

    started = 0;
    cleaned = 0;
    counter = 0;
    pthread_create(&t, NULL, fn, NULL);
    while (!started)
        Sleep(1);
    Sleep(30);
    int rc = pthread_cancel(t);
    int jr = pthread_join(t, &res);
    printf("%s: cancel %d, join %d, %s, spun: %s, cleanup ran %ld\n", what, rc, jr,
           res == PTHREAD_CANCELED ? "PTHREAD_CANCELED" : "not canceled",
           counter > 0 ? "yes" : "no", cleaned);
}

int main(void)
{
    run("asynchronous", spin_async);
    run("deferred", spin_deferred);

    pthread_t t;
    void *res = NULL;
    pthread_create(&t, NULL, quick, (void *)42);
    Sleep(30);
    int jr = pthread_join(t, &res);
    printf("ended thread: join %d, result %d\n", jr, (int)(INT_PTR)res);
    return 0;
}
