/*
 * Allocation-failure injection for debug kernels (see <mm/fault_inject.h>). All state is
 * a handful of words changed with atomics, because the hook runs inside the heap and
 * frame allocator locks and from the page-fault handler: it may take no lock itself.
 */
#include <mm/fault_inject.h>

#ifdef DORMER_DEBUG
#include <lib/string.h>

enum fi_mode { FI_OFF, FI_EVERY, FI_RANDOM, FI_AFTER };

static enum fi_mode fi_mode;    /* set once at boot */
static uint64_t fi_param;       /* N, or the per-mille probability */
static uint64_t fi_state = 1;   /* xorshift64 state (atomic) */
static bool fi_armed;           /* atomic */
static uint64_t fi_calls;       /* allocations seen while armed (atomic) */
static uint64_t fi_failures;    /* atomic */

/* Decimal digits at *s up to a ':' or the end; false if none or it overflows. */
static bool parse_u64(const char **s, uint64_t *out)
{
    uint64_t v = 0;
    const char *p = *s;

    if (*p < '0' || *p > '9')
        return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (*p != '\0' && *p != ':')
        return false;
    *s = p;
    *out = v;
    return true;
}

bool fault_inject_configure(const char *spec)
{
    enum fi_mode mode;
    uint64_t n = 0, seed = 1;

    fi_mode = FI_OFF;
    if (spec == NULL || *spec == '\0')
        return true;
    if (strncmp(spec, "every:", 6) == 0)
        mode = FI_EVERY, spec += 6;
    else if (strncmp(spec, "random:", 7) == 0)
        mode = FI_RANDOM, spec += 7;
    else if (strncmp(spec, "after:", 6) == 0)
        mode = FI_AFTER, spec += 6;
    else
        return false;
    if (!parse_u64(&spec, &n))
        return false;
    if (mode == FI_RANDOM && *spec == ':') {
        spec++;
        if (!parse_u64(&spec, &seed) || seed == 0)
            return false;
    }
    if (*spec != '\0' || (mode == FI_EVERY && n == 0) ||
        (mode == FI_RANDOM && (n == 0 || n > 1000)))
        return false;
    fi_param = n;
    fi_state = seed;
    fi_mode = mode;
    return true;
}

void fault_inject_arm(bool on)
{
    if (fi_mode != FI_OFF)
        __atomic_store_n(&fi_armed, on, __ATOMIC_RELAXED);
}

static uint64_t next_random(void)
{
    uint64_t old = __atomic_load_n(&fi_state, __ATOMIC_RELAXED), x;

    do {
        x = old;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    } while (!__atomic_compare_exchange_n(&fi_state, &old, x, true, __ATOMIC_RELAXED,
                                          __ATOMIC_RELAXED));
    return x;
}

bool fault_inject_fail_now(void)
{
    if (!__atomic_load_n(&fi_armed, __ATOMIC_RELAXED))
        return false;
    uint64_t call = __atomic_add_fetch(&fi_calls, 1, __ATOMIC_RELAXED);
    bool fail = false;

    switch (fi_mode) {
    case FI_EVERY:
        fail = call % fi_param == 0;
        break;
    case FI_RANDOM:
        fail = next_random() % 1000 < fi_param;
        break;
    case FI_AFTER:
        fail = call > fi_param;
        break;
    case FI_OFF:
        break;
    }
    if (fail)
        __atomic_add_fetch(&fi_failures, 1, __ATOMIC_RELAXED);
    return fail;
}

uint64_t fault_inject_failures(void)
{
    return __atomic_load_n(&fi_failures, __ATOMIC_RELAXED);
}
#endif /* DORMER_DEBUG */
