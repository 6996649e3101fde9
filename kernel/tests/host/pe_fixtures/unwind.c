/*
 * test_pe_unwind fixture: a call chain entry -> unwind_outer -> unwind_middle ->
 * unwind_inner -> unwind_leaf, built twice by the build (with and without
 * -fno-omit-frame-pointer). noipa keeps gcc from inlining or from knowing which
 * registers a callee clobbers, so values live across calls go to callee-saved
 * registers and each prolog pushes some. The functions are exported so the test can
 * find them; unwind_inner's frame is big enough for the 16-bit ALLOC_LARGE form.
 */
#define FN __declspec(dllexport) __attribute__((noipa))

FN void unwind_leaf(volatile int *p)
{
    *p += 1;
}

FN int unwind_inner(int x)
{
    volatile int buf[64];
    for (int i = 0; i < 64; i++)
        buf[i] = x + i;
    unwind_leaf(&buf[3]);
    return buf[3] + x;
}

FN int unwind_middle(int x, int y)
{
    int r = unwind_inner(x);
    return r * y + x;
}

FN int unwind_outer(int x, int y, int z)
{
    int r = unwind_middle(x + z, y);
    return r + z * x + y;
}

int entry(void)
{
    return unwind_outer(1, 2, 3) + 1;
}
