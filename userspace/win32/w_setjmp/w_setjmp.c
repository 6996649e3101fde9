/* setjmp/longjmp through msvcrt's _setjmp, across frames and with callee-saved values. */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf env;
static int depth_reached;

static void dive(int depth)
{
    volatile char pad[256];
    pad[0] = (char)depth;
    depth_reached = depth + pad[0] - depth;
    if (depth == 20)
        longjmp(env, depth * 2);
    dive(depth + 1);
}

int main(void)
{
    volatile int local = 5;
    register double keep = 1.5;
    int r = setjmp(env);

    if (r == 0) {
        local = 6;
        dive(0);
        printf("not reached\n");
    }
    printf("longjmp returned %d after depth %d, local=%d, keep=%.1f\n", r, depth_reached, local,
           keep);
    jmp_buf two;
    int count = 0;
    if (setjmp(two) < 3) {
        count++;
        longjmp(two, count);
    }
    printf("looped %d times\n", count);
    if (setjmp(env) == 0)
        longjmp(env, 0);
    printf("longjmp(env, 0) gives 1\n");
    return 0;
}
