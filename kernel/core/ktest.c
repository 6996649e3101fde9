/*
 * The in-kernel test runner. Tests are found through the linker-made array
 * between __ktests_start and __ktests_end (sorted by name), so adding a test is
 * just writing one; nothing is listed by hand.
 */
#include <core/ktest.h>
#include <core/printk.h>
#include <lib/string.h>

extern const struct ktest __ktests_start[], __ktests_end[];

bool ktest_check(struct ktest_ctx *ctx, bool ok, const char *expr, const char *file, int line)
{
    if (!ok) {
        ctx->failures++;
        kprintf("KTEST FAIL %s: %s:%d: %s\n", ctx->name, file, line, expr);
    }
    return ok;
}

bool ktest_check_eq(struct ktest_ctx *ctx, uint64_t a, uint64_t b, const char *expr,
                    const char *file, int line)
{
    if (a != b) {
        ctx->failures++;
        kprintf("KTEST FAIL %s: %s:%d: %s (0x%llx != 0x%llx)\n", ctx->name, file, line, expr,
                (unsigned long long)a, (unsigned long long)b);
    }
    return a == b;
}

/* filter: "all", "prefix*", or "name1,name2,...". */
static bool ktest_selected(const char *filter, const char *name)
{
    if (strcmp(filter, "all") == 0 || strcmp(filter, "") == 0)
        return true;
    const char *p = filter;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > 0 && p[len - 1] == '*') {
            if (strncmp(name, p, len - 1) == 0)
                return true;
        } else if (strlen(name) == len && strncmp(name, p, len) == 0) {
            return true;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return false;
}

int ktest_run(const char *filter)
{
    int passed = 0, failed = 0;

    kprintf("KTEST BEGIN filter=%s\n", filter);
    for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
        if (!ktest_selected(filter, t->name))
            continue;
        struct ktest_ctx ctx = { .name = t->name, .failures = 0 };
        t->fn(&ctx);
        if (ctx.failures) {
            failed++;
            /* The FAIL line with the reason was printed by the failed check. */
        } else {
            passed++;
            kprintf("KTEST PASS %s\n", t->name);
        }
    }
    kprintf("KTEST DONE passed=%d failed=%d\n", passed, failed);
    return failed;
}
