// C++ exceptions across a DLL boundary: thrown in wcd_shapes.dll and caught here, by the
// DLL's own type and by a base class, libstdc++'s out_of_range through the DLL, and this
// program's exception unwinding through the DLL's frames (its destructors run).
// Built with `x86_64-w64-mingw32-g++ w_cxx_dll.cpp -o w_cxx_dll.exe wcd_shapes.dll`.
#include <cstdio>
#include <stdexcept>
#include <string>

struct __declspec(dllimport) ShapeError : std::runtime_error {
    int sides;
    ShapeError(const std::string &what, int n);
};
__declspec(dllimport) int polygon_sides(int n);
__declspec(dllimport) int polygon_at(const std::string &list, size_t i);
__declspec(dllimport) int call_back(int (*fn)(int), int v);

struct Local {
    int code;
};

static int thrower(int v)
{
    if (v > 10)
        throw Local{v};
    return v * 2;
}

int main()
{
    std::printf("sides %d\n", polygon_sides(5));
    try {
        polygon_sides(2);
        std::printf("not reached\n");
    } catch (const ShapeError &e) {
        std::printf("caught ShapeError \"%s\" sides=%d\n", e.what(), e.sides);
    }
    try {
        polygon_sides(1);
    } catch (const std::exception &e) {
        std::printf("caught as std::exception \"%s\"\n", e.what());
    }
    try {
        polygon_at("345", 7);
    } catch (const std::out_of_range &) {
        std::printf("caught out_of_range from the DLL\n");
    }
    std::printf("call_back %d\n", call_back(thrower, 4));
    try {
        call_back(thrower, 42);
    } catch (const Local &l) {
        std::printf("caught Local %d through the DLL\n", l.code);
    }
    return 0;
}
