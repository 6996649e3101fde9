/*
 * Freestanding memory and string routines. gcc may emit calls to memcpy, memmove,
 * memset and memcmp on its own, so these keep their standard names and contracts.
 */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* ASCII-only case-insensitive compares (file names are matched like Windows does). */
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
/* Copies at most size-1 bytes and always terminates; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);
/* Appends src to the string in dst (of size bytes), copying at most what fits and always
 * terminating when dst was; returns the length it tried to make, strlen(dst) + strlen(src)
 * (size + strlen(src) when dst holds no terminator within size). */
size_t strlcat(char *dst, const char *src, size_t size);

#endif
