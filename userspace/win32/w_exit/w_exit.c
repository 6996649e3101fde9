/* atexit handlers run last-registered first, stdio is flushed at exit, and exit()'s
 * status is the process's. */
#include <stdio.h>
#include <stdlib.h>

static void first(void) { printf("handler registered first\n"); }
static void second(void) { printf("handler registered second\n"); }

static void leave(int code)
{
    printf("leaving with %d (no newline, flushed at exit)", code);
    exit(code);
}

int main(void)
{
    atexit(first);
    atexit(second);
    setvbuf(stdout, NULL, _IOFBF, 4096);
    printf("buffered line\n");
    leave(7);
    return 0;
}
