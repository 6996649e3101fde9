/*
 * libFuzzer harness for the path parser. Input: a 2-byte little-endian length n, then n
 * UTF-16LE units of current directory, then the path's units (the rest); the last unit
 * pair doubles as a wildcard pattern and name for path_match. It traps when a result
 * breaks the normalized form (drive, separators, no "." / ".." / empty components, valid
 * names, the length limit), when normalizing a result again changes it, or when a
 * component walk disagrees with the string.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <fs/path.h>
#include <lib/errno.h>

static uint16_t cwd[PATH_MAX_CHARS + 1], in[PATH_MAX_CHARS + 2];
static uint16_t out[PATH_MAX_CHARS + 1], again[PATH_MAX_CHARS + 1];

static void check_form(const uint16_t *p, long n)
{
    if (n < 3 || n > (long)PATH_MAX_CHARS || p[1] != ':' || p[2] != '\\' ||
        !((p[0] >= 'A' && p[0] <= 'Z')) || p[n] != 0)
        __builtin_trap();
    if (n > 3 && p[n - 1] == '\\')
        __builtin_trap();
    size_t pos = 0, len, total = 3, count = 0;
    const uint16_t *c;
    while (path_next_component(p, (size_t)n, &pos, &c, &len)) {
        if (!path_name_valid(c, len) || c[len - 1] == '.' || c[len - 1] == ' ')
            __builtin_trap();
        total += len + (count++ ? 1 : 0);
    }
    if (total != (size_t)n)
        __builtin_trap(); /* an empty component, or a stray separator */
    const uint16_t *last;
    size_t parent = path_split_last(p, (size_t)n, &last, &len);
    if (parent > (size_t)n || (n > 3 && (len == 0 || last + len != p + n)))
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t cn = (size_t)(data[0] | data[1] << 8) % (PATH_MAX_CHARS + 1);
    data += 2;
    size -= 2;
    if (cn * 2 > size)
        cn = size / 2;
    memcpy(cwd, data, cn * 2);
    data += cn * 2;
    size -= cn * 2;
    size_t n = size / 2;
    if (n > PATH_MAX_CHARS + 1)
        n = PATH_MAX_CHARS + 1;
    memcpy(in, data, n * 2);

    bool dir = false;
    long r = path_normalize(in, n, cwd, cn, out, PATH_MAX_CHARS + 1, &dir);
    if (r >= 0) {
        check_form(out, r);
        long r2 = path_normalize(out, (size_t)r, NULL, 0, again, PATH_MAX_CHARS + 1, NULL);
        if (r2 != r || memcmp(out, again, (size_t)r * 2) != 0)
            __builtin_trap(); /* normalizing is idempotent */
    } else if (r != K_EBADNAME && r != K_ESYNTAX) {
        __builtin_trap(); /* the buffer is always big enough: never K_ERANGE */
    }
    /* A small buffer must fail cleanly, never write past its end. */
    uint16_t small[16];
    r = path_normalize(in, n, cwd, cn, small, sizeof small / sizeof small[0], NULL);
    if (r > 15)
        __builtin_trap();
    /* Wildcards: split the path units in two, bounded to names' length. */
    size_t half = n / 2 > 300 ? 300 : n / 2;
    bool m = path_match(in, half, in + half, half);
    if (half == 0 && !m)
        __builtin_trap(); /* the empty pattern matches everything */
    bool wild = false;
    for (size_t i = 0; i < half; i++)
        wild |= in[i] == '*' || in[i] == '?';
    if (half && !wild && m != path_name_equal(in, half, in + half, half))
        __builtin_trap(); /* without wildcards, matching is comparing */
    return 0;
}
