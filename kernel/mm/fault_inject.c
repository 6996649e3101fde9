/*
 * Allocation-failure injection for debug kernels (see <mm/fault_inject.h>). All state is
 * a handful of words changed with atomics, because the hook runs inside the heap and
 * frame allocator locks and from the page-fault handler: it may take no lock itself.
 */
#include <mm/fault_inject.h>

#ifdef DORMER_DEBUG
#include <lib/string.h>

enum fi_mode { FI_OFF, FI_EVERY, FI_RANDOM, FI_AFTER, FI_NTH };

static enum fi_mode fi_mode;    /* set once at boot */
static uint64_t fi_param;       /* N, or the per-mille probability */
static uint64_t fi_seed = 1;    /* random: the seed (set once at boot) */
static bool fi_armed;           /* atomic */
static uint64_t fi_calls;       /* allocations seen while armed (atomic) */
static uint64_t fi_failures;    /* atomic */

/* The failures not yet reported: slot i of fi_log is written by the failure that took
 * it (fi_log_next) and read by fault_inject_report, which runs between programs. */
#define FI_LOG_SLOTS 256
static struct fault_inject_record fi_log[FI_LOG_SLOTS];
static uint64_t fi_log_next;    /* atomic: slots taken since the last report */

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
    else if (strncmp(spec, "nth:", 4) == 0)
        mode = FI_NTH, spec += 4;
    else
        return false;
    if (!parse_u64(&spec, &n))
        return false;
    if (mode == FI_RANDOM && *spec == ':') {
        spec++;
        if (!parse_u64(&spec, &seed) || seed == 0)
            return false;
    }
    if (*spec != '\0' || ((mode == FI_EVERY || mode == FI_NTH) && n == 0) ||
        (mode == FI_RANDOM && (n == 0 || n > 1000)))
        return false;
    fi_param = n;
    fi_seed = seed;
    fi_mode = mode;
    return true;
}

void fault_inject_arm(bool on)
{
    if (fi_mode != FI_OFF)
        __atomic_store_n(&fi_armed, on, __ATOMIC_RELAXED);
}

/* splitmix64's finaliser: a well-mixed word from (seed, allocation number) alone, so
 * whether allocation N fails does not depend on which thread asked first. */
static uint64_t mix(uint64_t seed, uint64_t call)
{
    uint64_t z = seed * 0x9E3779B97F4A7C15ull + call;

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

bool fault_inject_fail_now(void *site)
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
        fail = mix(fi_seed, call) % 1000 < fi_param;
        break;
    case FI_AFTER:
        fail = call > fi_param;
        break;
    case FI_NTH:
        fail = call == fi_param;
        break;
    case FI_OFF:
        break;
    }
    if (fail) {
        __atomic_add_fetch(&fi_failures, 1, __ATOMIC_RELAXED);
        uint64_t slot = __atomic_fetch_add(&fi_log_next, 1, __ATOMIC_RELAXED);
        if (slot < FI_LOG_SLOTS) {
            fi_log[slot].call = call;
            fi_log[slot].site = site;
        }
    }
    return fail;
}

size_t fault_inject_report(struct fault_inject_record *out, size_t max, uint64_t *lost)
{
    uint64_t taken = __atomic_exchange_n(&fi_log_next, 0, __ATOMIC_RELAXED);
    size_t n = taken < FI_LOG_SLOTS ? (size_t)taken : FI_LOG_SLOTS;

    if (n > max)
        n = max;
    for (size_t i = 0; i < n; i++)
        out[i] = fi_log[i];
    *lost = taken - n;
    return n;
}

uint64_t fault_inject_calls(void)
{
    return __atomic_load_n(&fi_calls, __ATOMIC_RELAXED);
}

uint64_t fault_inject_failures(void)
{
    return __atomic_load_n(&fi_failures, __ATOMIC_RELAXED);
}
#endif /* DORMER_DEBUG */
