/* msvcrt's own printf family (the program asks for it instead of mingw's, as older code
 * and some libraries do): msvcrt's output conventions for exponents, %p, infinities. */
#define __USE_MINGW_ANSI_STDIO 0
#include <math.h>
#include <stdio.h>

int main(void)
{
    char buf[128];
    double inf = HUGE_VAL, nan = -(inf - inf);

    printf("[%e] [%E] [%.2e] [%12.3e] [%-12.1e|] [%+e]\n", 12345.678, 0.00012, 1.0, -2.5e-10,
           7.0, 3.0);
    printf("[%g] [%G] [%g] [%g] [%.3g]\n", 1e20, 1e-20, 100000.0, 1000000.0, 3.14159);
    printf("[%f] [%.0f] [%10.4f] [%-8.2f|]\n", 2.5, 2.5, 3.14159265, -1.5);
    printf("[%p]\n", (void *)(unsigned long long)0x1234abcd);
    printf("[%d] [%5d] [%-5d|] [%05d] [%x] [%X] [%o] [%#x] [%u]\n", -42, 42, 42, 42, 255, 255, 8,
           255, 3000000000u);
    printf("[%I64d] [%lld] [%I64x] [%hd] [%lu]\n", -1234567890123LL, 9876543210LL,
           0xfedcba9876LL, (short)70000, 4000000000ul);
    printf("[%c] [%s] [%.2s] [%8s] [%-8s|] [%ls]\n", 'z', "str", "abc", "right", "left", L"wide");
    printf("[%f] [%e] [%f]\n", inf, -inf, nan);
    int n = sprintf(buf, "%d/%s/%e", 7, "x", 0.5);
    printf("sprintf: %d [%s]\n", n, buf);
    n = _snprintf(buf, 6, "%s", "overflowing");
    printf("_snprintf: %d\n", n);
    printf("_scprintf: %d\n", _scprintf("%e", 1.0));
    printf("[%%] [%5.1f%%]\n", 99.5);
    return 0;
}
