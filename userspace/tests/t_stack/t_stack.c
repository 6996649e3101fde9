/*
 * t_stack: the user stack grows on demand. Recursion with 1 KiB frames goes about
 * 512 KiB below where main started, far past the pages committed at start (the PE asks
 * for 4 KiB), and every frame's data must survive the way back up. Frames stay under a
 * page, so a guard-page scheme without stack probes works too. Exit 0 when all pass.
 */
#include <dormer.h>

#define FRAME_BYTES 1024
#define TARGET_DEPTH (512 * 1024 / FRAME_BYTES)

static uintptr_t deepest;

DORMER_NOINLINE static uint64_t recurse(int depth)
{
    volatile uint8_t frame[FRAME_BYTES - 64];
    uint64_t sum = 0;

    for (size_t i = 0; i < sizeof(frame); i++)
        frame[i] = (uint8_t)(depth + i);
    if ((uintptr_t)frame < deepest || !deepest)
        deepest = (uintptr_t)frame;
    if (depth > 0)
        sum = recurse(depth - 1);
    /* Every byte of this frame must still hold what was written before the descent. */
    for (size_t i = 0; i < sizeof(frame); i++) {
        if (frame[i] != (uint8_t)(depth + i))
            return UINT64_MAX;
    }
    return sum == UINT64_MAX ? sum : sum + 1;
}

int main(void)
{
    uint8_t marker = 0;
    uintptr_t top = (uintptr_t)&marker;
    struct dormer_teb *teb = DormerGetTeb();
    uint64_t frames;

    uprintf("t_stack: stack base %llx limit %llx, main at %llx\n",
            (unsigned long long)teb->stack_base, (unsigned long long)teb->stack_limit,
            (unsigned long long)top);
    CHECK(teb->stack_base > top && teb->stack_limit < top, "teb_stack_bounds");

    frames = recurse(TARGET_DEPTH);
    ulib_check(frames == TARGET_DEPTH + 1, "frames_intact", "recurse returned %llu",
               (unsigned long long)frames);
    ulib_check(top - deepest >= 512 * 1024 - FRAME_BYTES, "grew_512k", "used only %llu bytes",
               (unsigned long long)(top - deepest));
    uprintf("t_stack: used %llu KiB of stack\n", (unsigned long long)((top - deepest) / 1024));

    /* A second descent reuses the grown stack. */
    frames = recurse(TARGET_DEPTH);
    CHECK(frames == TARGET_DEPTH + 1, "second_descent");
    return ulib_check_summary();
}
