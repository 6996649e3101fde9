// A C++ DLL for w_cxx_dll: it throws its own exception types and a libstdc++ one out of
// exported functions, runs destructors of its own frames on the way out, and calls back
// into the program (whose exception then unwinds through this DLL's frames).
#include <cstdio>
#include <stdexcept>
#include <string>

struct __declspec(dllexport) ShapeError : std::runtime_error {
    int sides;
    ShapeError(const std::string &what, int n) : std::runtime_error(what), sides(n) {}
};

namespace {
struct Trace {
    const char *name;
    explicit Trace(const char *n) : name(n) {}
    ~Trace() { std::printf("  dll ~Trace %s\n", name); }
};

int __attribute__((noinline)) check_sides(int n)
{
    Trace t("check_sides");
    if (n < 3)
        throw ShapeError("too few sides: " + std::to_string(n), n);
    return n;
}
} // namespace

__declspec(dllexport) int polygon_sides(int n)
{
    Trace t("polygon_sides");
    return check_sides(n);
}

__declspec(dllexport) int polygon_at(const std::string &list, size_t i)
{
    return list.at(i) - '0'; // std::out_of_range from libstdc++ through this DLL
}

__declspec(dllexport) int call_back(int (*fn)(int), int v)
{
    Trace t("call_back");
    return fn(v) + 1;
}
