/*
 * In-kernel tests. KTEST(name) { ... } registers a test in the .ktests linker
 * section; `ktest=all` (or `ktest=prefix*`, or a comma-separated list of names) on
 * the command line runs them at boot, each printing one line:
 *   KTEST PASS name
 *   KTEST FAIL name: file:line: what failed
 * and then `KTEST DONE passed=N failed=M` before the kernel powers off.
 */
#ifndef CORE_KTEST_H
#define CORE_KTEST_H

#include <stdbool.h>
#include <stdint.h>

struct ktest_ctx {
    const char *name;
    int failures;
};

struct ktest {
    const char *name;
    void (*fn)(struct ktest_ctx *ctx);
};

#define KTEST(tname)                                                                  \
    static void ktest_fn_##tname(struct ktest_ctx *ktest_ctx);                       \
    static const struct ktest ktest_desc_##tname                                      \
        __attribute__((section(".ktests." #tname), used, aligned(16))) = {            \
            .name = #tname, .fn = ktest_fn_##tname };                                 \
    static void ktest_fn_##tname(struct ktest_ctx *ktest_ctx)

/* Record a failure (printed at once) and go on. Evaluates to the condition. */
#define KT_EXPECT(cond) ktest_check(ktest_ctx, (cond), #cond, __FILE__, __LINE__)

/* Record a failure and leave the test. */
#define KT_ASSERT(cond)                                                               \
    do {                                                                              \
        if (!KT_EXPECT(cond))                                                         \
            return;                                                                   \
    } while (0)

/* Compare two unsigned integers, printing both on a mismatch. */
#define KT_EXPECT_EQ(a, b)                                                            \
    ktest_check_eq(ktest_ctx, (uint64_t)(a), (uint64_t)(b), #a " == " #b, __FILE__,   \
                   __LINE__)

bool ktest_check(struct ktest_ctx *ctx, bool ok, const char *expr, const char *file,
                 int line);
bool ktest_check_eq(struct ktest_ctx *ctx, uint64_t a, uint64_t b, const char *expr,
                    const char *file, int line);

/* Run the tests selected by `filter`; returns the number that failed. Interrupts
 * enabled, boot thread. */
int ktest_run(const char *filter);

#endif
