/*
 * The smallest program bench.exe starts and waits for: it exits 0 at once. It is
 * Dormer's counterpart of the Linux peer's true_min, so spawning it measures the
 * process path (create, load, map ntdll, run, end, reap) and almost nothing else.
 */
#include <dormer.h>

int main(void)
{
    return 0;
}
