// Stock C++ without exceptions thrown: std::string, vector, map, unordered_map, algorithms,
// iostream output and std::cout formatting, a static object's constructor and destructor.
// Built with `x86_64-w64-mingw32-g++ w_cxx_stl.cpp -o w_cxx_stl.exe` (imports libstdc++-6.dll).
#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

struct Announcer {
    const char *name;
    explicit Announcer(const char *n) : name(n) { std::printf("construct %s\n", name); }
    ~Announcer() { std::printf("destruct %s\n", name); }
};

static Announcer global_object("global");

static void strings()
{
    std::string s = "Dormer";
    s += " runs ";
    s.append(3, '+');
    s.insert(0, "[");
    s.push_back(']');
    std::cout << s << " size=" << s.size() << '\n';
    std::cout << "find(runs)=" << s.find("runs") << " npos? " << (s.find("xyz") == std::string::npos)
              << '\n';
    std::string up = s;
    std::transform(up.begin(), up.end(), up.begin(), [](unsigned char c) { return std::toupper(c); });
    std::cout << up << " substr=" << up.substr(1, 6) << '\n';
    std::string longer(100, 'x');  // past the small-string buffer
    longer.replace(10, 80, "middle");
    std::cout << longer << " " << longer.length() << '\n';
    std::cout << std::to_string(-42) << ' ' << std::stoi("1234") + 1 << ' '
              << std::stol("-77") << ' ' << std::stod("2.5") * 2 << '\n';
    std::cout << (std::string("abc") < std::string("abd")) << (std::string("b") < std::string("a"))
              << '\n';
}

static void vectors()
{
    std::vector<int> v;
    for (int i = 0; i < 1000; i++)
        v.push_back((i * 7919) % 1000);
    std::sort(v.begin(), v.end());
    bool ok = true;
    for (int i = 0; i < 1000; i++)
        ok = ok && v[i] == i;
    std::cout << "sorted 1000: " << (ok ? "yes" : "no") << " sum=" << std::accumulate(v.begin(), v.end(), 0L)
              << '\n';
    v.erase(std::remove_if(v.begin(), v.end(), [](int x) { return x % 3 != 0; }), v.end());
    std::cout << "multiples of 3: " << v.size() << " last=" << v.back() << '\n';
    std::vector<std::string> words = {"pear", "apple", "fig", "banana", "cherry"};
    std::sort(words.begin(), words.end());
    for (const auto &w : words)
        std::cout << w << (&w == &words.back() ? "\n" : ",");
    std::vector<std::unique_ptr<Announcer>> owned;
    owned.push_back(std::make_unique<Announcer>("heap1"));
    owned.push_back(std::make_unique<Announcer>("heap2"));
    owned.erase(owned.begin());
    std::cout << "owned left: " << owned.size() << '\n';
}

static void maps()
{
    std::map<std::string, int> m;
    const char *text = "the quick brown fox jumps over the lazy dog the end";
    std::istringstream in(text);
    std::string w;
    while (in >> w)
        m[w]++;
    for (const auto &kv : m)
        std::cout << kv.first << '=' << kv.second << ' ';
    std::cout << '\n';
    std::unordered_map<int, std::string> u;
    for (int i = 0; i < 5000; i++)
        u[i * 31] = std::to_string(i);
    long total = 0;
    for (int i = 0; i < 5000; i++)
        total += std::stol(u.at(i * 31));
    std::cout << "unordered: " << u.size() << " total=" << total << " has 62? " << u.count(62)
              << " has 63? " << u.count(63) << '\n';
    u.erase(62);
    std::cout << "after erase: " << u.size() << '\n';
}

static void formatting()
{
    std::cout << std::setw(8) << 42 << '|' << std::left << std::setw(8) << 42 << '|' << std::right
              << '\n';
    std::cout << std::hex << 255 << ' ' << std::showbase << 255 << ' ' << std::uppercase << 255
              << std::nouppercase << std::noshowbase << std::dec << ' ' << std::oct << 8 << std::dec
              << '\n';
    std::cout << std::setfill('0') << std::setw(6) << 123 << std::setfill(' ') << '\n';
    std::cout << 3.14159265358979 << ' ' << std::fixed << std::setprecision(3) << 3.14159265358979
              << ' ' << std::scientific << 123456.789 << std::defaultfloat << ' ' << 1e100 << '\n';
    std::cout << std::setprecision(6) << 0.1 + 0.2 << ' ' << 1.0 / 3 << ' ' << -0.0 << '\n';
    std::cout << std::boolalpha << true << ' ' << false << std::noboolalpha << ' ' << true << '\n';
    std::cout << (long long)-9223372036854775807LL - 1 << ' ' << 18446744073709551615ULL << '\n';
    std::ostringstream os;
    os << "built " << 7 << '/' << 2.5;
    std::cout << os.str() << " (" << os.str().size() << ")" << std::endl;
    std::printf("printf after cout\n");
    std::cout << "cout after printf" << std::endl;
}

int main()
{
    Announcer local("local");
    strings();
    vectors();
    maps();
    formatting();
    return 0;
}
