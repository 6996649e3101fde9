// C++ exceptions through Windows x64 unwinding (libgcc's _GCC_specific_handler over
// RtlUnwindEx): a throw through several frames, destructors run while unwinding, rethrow,
// catch (...), a constructor that throws, exceptions from libstdc++ itself, and
// std::exception_ptr. Built with `x86_64-w64-mingw32-g++ w_cxx_throw.cpp -o w_cxx_throw.exe`.
#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

static int live;

struct Guard {
    int id;
    explicit Guard(int i) : id(i) { live++; }
    ~Guard()
    {
        live--;
        std::printf("  ~Guard %d\n", id);
    }
};

struct MyError : std::runtime_error {
    int depth;
    MyError(const std::string &what, int d) : std::runtime_error(what), depth(d) {}
};

static int __attribute__((noinline)) dive(int depth)
{
    Guard g(depth);
    if (depth == 0)
        throw MyError("bottom reached", 5);
    return dive(depth - 1) + 1;
}

struct Half {
    Guard a{100};
    Guard b{101};
    std::string name;
    explicit Half(bool fail) : name("half")
    {
        if (fail)
            throw std::invalid_argument("constructor refused");
    }
};

static void rethrower()
{
    try {
        dive(2);
    } catch (MyError &e) {
        std::printf("rethrower caught '%s', rethrowing\n", e.what());
        throw;
    }
}

int main()
{
    try {
        dive(4);
    } catch (const MyError &e) {
        std::printf("caught MyError '%s' depth=%d live=%d\n", e.what(), e.depth, live);
    }

    try {
        rethrower();
    } catch (const std::exception &e) {
        std::printf("main caught rethrown '%s' live=%d\n", e.what(), live);
    }

    try {
        throw 42;
    } catch (...) {
        std::printf("catch (...) took an int\n");
    }

    try {
        Half h(true);
        std::printf("not reached\n");
    } catch (const std::invalid_argument &e) {
        std::printf("constructor threw '%s' live=%d\n", e.what(), live);
    }

    try {
        std::vector<int> v(3);
        v.at(7) = 1;
    } catch (const std::out_of_range &e) {
        std::printf("vector::at threw out_of_range\n");
    }
    try {
        std::map<std::string, int> m;
        m.at("missing");
    } catch (const std::out_of_range &) {
        std::printf("map::at threw out_of_range\n");
    }
    try {
        std::stoi("not a number");
    } catch (const std::invalid_argument &) {
        std::printf("stoi threw invalid_argument\n");
    }

    std::exception_ptr p;
    try {
        throw std::logic_error("kept for later");
    } catch (...) {
        p = std::current_exception();
    }
    try {
        std::rethrow_exception(p);
    } catch (const std::logic_error &e) {
        std::printf("exception_ptr rethrown: '%s'\n", e.what());
    }

    int caught = 0;
    for (int i = 0; i < 1000; i++) {
        try {
            throw MyError("loop", i);
        } catch (const MyError &e) {
            caught += e.depth == i;
        }
    }
    std::printf("1000 throws, caught %d, live=%d\n", caught, live);
    return 0;
}
