/*
 * libFuzzer harness for the kernel command line (kernel/core/cmdline.c). The input is
 * the raw text GRUB hands over (not terminated: the parser gets its exact length in an
 * exactly-sized heap copy). It checks what the boot relies on: the copy is bounded and
 * terminated, every word the parser reports can be looked up again with its value, and
 * the last occurrence of a key wins, and a number read from a value is in its range
 * or the fallback.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <core/cmdline.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1);
    memcpy(text, data, size);

    bool complete = cmdline_init(text, size);
    const char *raw = cmdline_raw();
    size_t rawlen = strnlen(raw, CMDLINE_MAX);
    if (rawlen >= CMDLINE_MAX)
        __builtin_trap(); /* not terminated inside its buffer */
    if (rawlen > size || (size >= CMDLINE_MAX && complete))
        __builtin_trap();

    /* Walk the unescaped copy the way a user reads it and look each word up again:
     * the key must be found, and the value of its last occurrence returned. */
    char key[CMDLINE_MAX];
    size_t words = 0;
    for (const char *p = raw; *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        size_t k = 0;
        while (p[k] && p[k] != ' ' && p[k] != '\t' && p[k] != '=')
            k++;
        memcpy(key, p, k);
        key[k] = '\0';
        while (*p && *p != ' ' && *p != '\t')
            p++;
        if (++words > CMDLINE_MAX_WORDS)
            break;
        if (cmdline_get(key) == NULL)
            __builtin_trap();
        (void)cmdline_flag(key);
        /* A number is in its range or the fallback, never anything else. */
        uint64_t n = cmdline_get_u64(key, 3, 1000, 1);
        if (n != 1 && (n < 3 || n > 1000))
            __builtin_trap();
        const char *v = cmdline_get(key);
        if (n != 1 && (v[0] < '0' || v[0] > '9'))
            __builtin_trap(); /* a number from text that does not start with a digit */
    }
    if (words > CMDLINE_MAX_WORDS && complete)
        __builtin_trap(); /* words were dropped, yet it claims to be complete */
    (void)cmdline_get("");
    (void)cmdline_flag("headless");
    free(text);
    return 0;
}
