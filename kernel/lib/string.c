/*
 * Freestanding memory and string routines. The bulk copies and fills use the string
 * instructions eight bytes at a time; the compiler is told not to turn the byte
 * loops back into calls to these (-fno-tree-loop-distribute-patterns in the build).
 */
#include <lib/string.h>
#include <stdint.h>

/* Eight bytes per step, then the tail: under emulation every repetition of a string
 * instruction counts, so a 4 KiB page takes 512 steps instead of 4096. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    void *ret = dst;
    size_t words = n / 8, tail = n % 8;

    __asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(words) : : "memory");
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(tail) : : "memory");
    return ret;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n)
        return memcpy(dst, src, n);
    /* Overlap with dst above src: copy backwards, the odd tail bytes at the top
     * first, then eight bytes per step, with the direction flag set for the copy. */
    size_t words = n / 8, tail = n % 8;
    unsigned char *dt = d + n - 1;
    const unsigned char *st = s + n - 1;
    __asm__ volatile("std\n\trep movsb\n\tcld" : "+D"(dt), "+S"(st), "+c"(tail) : : "memory");
    if (words) {
        uint64_t *dw = (uint64_t *)(d + 8 * (words - 1));
        const uint64_t *sw = (const uint64_t *)(s + 8 * (words - 1));
        __asm__ volatile("std\n\trep movsq\n\tcld" : "+D"(dw), "+S"(sw), "+c"(words) : :
                         "memory");
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *ret = dst;
    uint64_t pattern = 0x0101010101010101ull * (uint8_t)c;
    size_t words = n / 8, tail = n % 8;

    __asm__ volatile("rep stosq" : "+D"(dst), "+c"(words) : "a"(pattern) : "memory");
    __asm__ volatile("rep stosb" : "+D"(dst), "+c"(tail) : "a"(pattern) : "memory");
    return ret;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i] || !a[i])
            return (unsigned char)a[i] - (unsigned char)b[i];
    }
    return 0;
}

static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

int strcasecmp(const char *a, const char *b)
{
    return strncasecmp(a, b, SIZE_MAX);
}

int strncasecmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int x = ascii_lower((unsigned char)a[i]);
        int y = ascii_lower((unsigned char)b[i]);

        if (x != y || !x)
            return x - y;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

char *strstr(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);

    for (; *haystack; haystack++) {
        if (strncmp(haystack, needle, n) == 0)
            return (char *)haystack;
    }
    return n == 0 ? (char *)haystack : NULL;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

size_t strlcat(char *dst, const char *src, size_t size)
{
    size_t used = strnlen(dst, size);

    if (used == size)
        return size + strlen(src);
    return used + strlcpy(dst + used, src, size - used);
}
