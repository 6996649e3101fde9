/* printf conversions (mingw's formatter in the program) and msvcrt's own
 * _snprintf/_scprintf/_vsnprintf family, with their return values. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int my_vsn(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = _vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

int main(void)
{
    char buf[64];
    long long big = -9223372036854775807LL - 1;

    printf("[%d] [%5d] [%-5d] [%05d] [%+d] [% d]\n", 42, 42, 42, 42, 42, 42);
    printf("[%u] [%x] [%X] [%#x] [%o] [%#o]\n", 4000000000u, 0xbeef, 0xbeef, 255, 8, 8);
    printf("[%c] [%s] [%.3s] [%10s] [%-10s]\n", 'A', "string", "truncate", "right", "left");
    printf("[%lld] [%llu] [%I64d] [%zu]\n", big, 18446744073709551615ULL, 1234567890123LL,
           sizeof(long long));
    printf("[%f] [%.2f] [%10.3f] [%-10.1f] [%g] [%g] [%g]\n", 3.14159, 2.5, -1.0, 9.99, 0.0001,
           1e10, 100.0);
    printf("[%e] [%.0f] [%.10f]\n", 12345.678, 0.5, 1.0 / 3);
    printf("[%%] [%5.1f%%]\n", 99.5);
    int n = printf("counted\n");
    printf("printf returned %d\n", n);

    /* msvcrt's own: -1 when the text does not fit, no terminator then. */
    memset(buf, 'x', sizeof buf);
    int r = _snprintf(buf, 5, "%s", "abcdefgh");
    printf("_snprintf short: %d [%.5s] next=%c\n", r, buf, buf[5]);
    r = _snprintf(buf, sizeof buf, "%d-%s", 7, "seven");
    printf("_snprintf fits: %d [%s]\n", r, buf);
    r = _scprintf("%d %d %d", 100, 200, 300);
    printf("_scprintf: %d\n", r);
    r = my_vsn(buf, sizeof buf, "[%04x|%-3c|%3s]", 0x2a, 'z', "ab");
    printf("_vsnprintf: %d %s\n", r, buf);
    r = sprintf(buf, "%s=%d", "answer", 42);
    printf("sprintf: %d %s\n", r, buf);
    fprintf(stdout, "fprintf to stdout %s\n", "works");
    puts("puts adds a newline");
    fputs("fputs does not\n", stdout);
    putchar('!');
    putchar('\n');
    return 0;
}
