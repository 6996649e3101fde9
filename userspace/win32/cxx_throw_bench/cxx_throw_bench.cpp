// scons bench's C++ exception cost: a throw caught 10 frames up, through libstdc++,
// libgcc_s_seh and ntdll's dispatcher and RtlUnwindEx. Prints
// cxx_throw_catch_cycles=N (the median of the timed throws, in rdtsc ticks: guest
// instructions under TCG with -icount) and the iteration count. Started by bench.exe.
// Built with `x86_64-w64-mingw32-g++ cxx_throw_bench.cpp -o cxx_throw_bench.exe -O2`.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <vector>
#include <x86intrin.h>

static volatile int sink;

// Ten frames, each with something to destroy on the way out, so the unwind has work in
// every one of them, the innermost throwing.
struct Guard {
    ~Guard() { sink = sink + 1; }
};

__attribute__((noinline)) static void frame(int depth)
{
    Guard g;
    if (depth == 0)
        throw std::runtime_error("bench");
    frame(depth - 1);
    sink = sink + depth;
}

static unsigned long long throw_once()
{
    unsigned long long t0 = __rdtsc();
    try {
        frame(9); // frames 9..0: ten frames between the throw and the catch
    } catch (const std::runtime_error &) {
        return __rdtsc() - t0;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? std::atoi(argv[1]) : 200;
    if (n < 1)
        n = 1;
    for (int i = 0; i < 5; i++)
        throw_once(); // first throws load and warm what the later ones use
    std::vector<unsigned long long> t(n);
    for (int i = 0; i < n; i++)
        t[i] = throw_once();
    if (std::count(t.begin(), t.end(), 0ull))
        return 1; // a throw that was not caught where it should have been
    std::sort(t.begin(), t.end());
    std::printf("cxx_throw_catch_cycles=%llu\ncxx_throw_catch_iterations=%d\n", t[n / 2], n);
    return 0;
}
