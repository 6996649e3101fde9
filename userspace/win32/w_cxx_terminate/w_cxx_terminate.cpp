// An exception nobody catches: std::terminate, libstdc++'s verbose terminate handler
// (its message goes to stderr), then abort(): msvcrt's abort ends the process with exit
// status 3, as on Windows.
#include <cstdio>
#include <stdexcept>

static void __attribute__((noinline)) fail()
{
    throw std::runtime_error("nobody catches this");
}

int main()
{
    std::printf("before the throw\n");
    std::fflush(stdout);
    fail();
    std::printf("not reached\n");
    return 0;
}
