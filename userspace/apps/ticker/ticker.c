/*
 * ticker NAME COUNT DELAY_MS: prints "NAME: tick i" COUNT times, sleeping between
 * ticks, then exits with COUNT. A small program to watch several run at once.
 */
#include <dormer.h>

static uint64_t number(const char *s, uint64_t fallback)
{
    uint64_t v = 0;

    if (!s || !*s)
        return fallback;
    for (; *s >= '0' && *s <= '9'; s++)
        v = v * 10 + (uint64_t)(*s - '0');
    return v;
}

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "ticker";
    uint64_t count = number(argc > 2 ? argv[2] : NULL, 5);
    uint64_t delay = number(argc > 3 ? argv[3] : NULL, 100);

    for (uint64_t i = 1; i <= count; i++) {
        uprintf("%s: tick %u of %u\n", name, (unsigned)i, (unsigned)count);
        DmDelayExecution(delay);
    }
    return (int)count;
}
