/* stdlib: conversions with their errno and end pointers, msvcrt's rand sequence,
 * qsort/bsearch, the heap under many allocations, and the environment. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

int main(void)
{
    char *end;
    long v;

    printf("atoi=%d %d %d\n", atoi("  123abc"), atoi("-45"), atoi("x"));
    errno = 0;
    v = strtol("0x1F rest", &end, 0);
    printf("strtol hex=%ld end=[%s] errno=%d\n", v, end, errno);
    v = strtol("0777", &end, 0);
    printf("strtol octal=%ld\n", v);
    errno = 0;
    v = strtol("99999999999999999999", &end, 10);
    printf("strtol overflow=%ld errno=%d (ERANGE=%d)\n", v, errno, ERANGE);
    errno = 0;
    unsigned long u = strtoul("4294967295", &end, 10);
    printf("strtoul=%lu errno=%d\n", u, errno);
    v = strtol("   -z", &end, 36);
    printf("strtol base36=%ld\n", v);
    v = strtol("nothing", &end, 10);
    printf("strtol none=%ld end=[%s]\n", v, end);
    printf("strtoll=%lld _strtoi64=%lld\n", strtoll("-9000000000", NULL, 10),
           _strtoi64("123456789012", NULL, 10));
    printf("strtod=%.3f atof=%.2f\n", strtod("2.5e3xyz", &end), atof("-0.25"));
    char ib[40];
    printf("_itoa=%s ", _itoa(-255, ib, 10));
    printf("%s ", _itoa(255, ib, 16));
    printf("%s\n", _itoa(5, ib, 2));
    printf("abs=%d labs=%ld div=%d,%d\n", abs(-7), labs(-8L), div(17, 5).quot, div(17, 5).rem);

    srand(1);
    printf("rand(seed 1):");
    for (int i = 0; i < 5; i++)
        printf(" %d", rand());
    printf("\n");
    srand(12345);
    printf("rand(seed 12345):");
    for (int i = 0; i < 5; i++)
        printf(" %d", rand());
    printf("\n");

    int arr[1000];
    srand(7);
    for (int i = 0; i < 1000; i++)
        arr[i] = rand() % 5000;
    qsort(arr, 1000, sizeof arr[0], cmp_int);
    int sorted = 1;
    for (int i = 1; i < 1000; i++)
        sorted &= arr[i - 1] <= arr[i];
    printf("qsort sorted=%d first=%d last=%d\n", sorted, arr[0], arr[999]);
    int key = arr[500], *hit = bsearch(&key, arr, 1000, sizeof arr[0], cmp_int);
    printf("bsearch found=%d\n", hit && *hit == key);
    key = -1;
    printf("bsearch missing=%d\n", bsearch(&key, arr, 1000, sizeof arr[0], cmp_int) == NULL);

    /* Many blocks of many sizes, each filled and checked, freed in a scrambled order. */
    enum { N = 3000 };
    static unsigned char *blocks[N];
    static size_t sizes[N];
    int bad = 0;
    srand(99);
    for (int i = 0; i < N; i++) {
        sizes[i] = (size_t)(rand() % 5 == 0 ? rand() % 70000 : rand() % 300);
        blocks[i] = malloc(sizes[i] + 1);
        memset(blocks[i], i & 0xff, sizes[i] + 1);
    }
    for (int i = 0; i < N; i += 3) {
        blocks[i] = realloc(blocks[i], sizes[i] * 2 + 1);
        for (size_t k = 0; k <= sizes[i]; k++)
            bad += blocks[i][k] != (i & 0xff);
        memset(blocks[i], i & 0xff, sizes[i] * 2 + 1);
        sizes[i] = sizes[i] * 2;
    }
    for (int i = 0; i < N; i++)
        for (size_t k = 0; k <= sizes[i]; k += 7)
            bad += blocks[i][k] != (i & 0xff);
    for (int i = 0; i < N; i++)
        free(blocks[(i * 7) % N]);
    printf("heap blocks=%d bad=%d\n", N, bad);
    int *z = calloc(1000, sizeof(int)), nonzero = 0;
    for (int i = 0; i < 1000; i++)
        nonzero += z[i] != 0;
    free(z);
    printf("calloc nonzero=%d\n", nonzero);

    printf("getenv(OS)=%s\n", getenv("OS"));
    printf("getenv(missing)=%s\n", getenv("DORMER_NO_SUCH_VARIABLE") ? "set" : "(null)");
    _putenv("DORMER_TEST=value one");
    printf("after _putenv: %s\n", getenv("DORMER_TEST"));
    _putenv("DORMER_TEST=");
    printf("after removal: %s\n", getenv("DORMER_TEST") ? "set" : "(null)");
    return 0;
}
