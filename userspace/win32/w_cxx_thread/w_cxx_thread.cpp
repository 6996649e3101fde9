// std::thread with std::mutex and std::condition_variable, from the -posix variant of
// mingw's g++ (its libstdc++ threads over libwinpthread): a counter under a mutex, a
// bounded queue with two condition variables, call_once, thread_local objects whose
// destructors run at thread exit, an exception carried out of a thread in an
// exception_ptr, timed waits, and unique thread ids. The runtime DLLs must come from the
// program's own directory (where the -posix ones sit), not the system directory.
// Built with `x86_64-w64-mingw32-g++-posix w_cxx_thread.cpp -o w_cxx_thread.exe`.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <iostream>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>
#include <windows.h>

static std::mutex lock;
static long counter;

static void count_many(int rounds)
{
    for (int i = 0; i < rounds; i++) {
        std::lock_guard<std::mutex> g(lock);
        counter++;
    }
}

static void test_mutex()
{
    std::vector<std::thread> t;
    for (int i = 0; i < 4; i++)
        t.emplace_back(count_many, 10000);
    for (auto &th : t)
        th.join();
    std::cout << "mutex: counter=" << counter << "\n";
    std::unique_lock<std::mutex> u(lock, std::try_to_lock);
    std::cout << "try_to_lock free: " << u.owns_lock() << "\n";
    std::thread other([] {
        std::unique_lock<std::mutex> v(lock, std::try_to_lock);
        std::cout << "try_to_lock held elsewhere: " << v.owns_lock() << "\n";
    });
    other.join();
}

// A bounded queue: producers wait while it is full, consumers while it is empty.
class Queue {
public:
    void put(int v)
    {
        std::unique_lock<std::mutex> g(m_);
        not_full_.wait(g, [this] { return q_.size() < 4; });
        q_.push_back(v);
        not_empty_.notify_one();
    }
    int take()
    {
        std::unique_lock<std::mutex> g(m_);
        not_empty_.wait(g, [this] { return !q_.empty(); });
        int v = q_.front();
        q_.pop_front();
        not_full_.notify_one();
        return v;
    }

private:
    std::mutex m_;
    std::condition_variable not_full_, not_empty_;
    std::deque<int> q_;
};

static void test_condvar()
{
    Queue q;
    long sums[2] = {0, 0};
    std::vector<std::thread> t;
    for (int p = 0; p < 2; p++)
        t.emplace_back([&q, p] {
            for (int i = 1; i <= 200; i++)
                q.put(p * 1000 + i);
        });
    for (int c = 0; c < 2; c++)
        t.emplace_back([&q, &sums, c] {
            for (int i = 0; i < 200; i++)
                sums[c] += q.take();
        });
    for (auto &th : t)
        th.join();
    std::cout << "condvar: total=" << sums[0] + sums[1] << "\n";

    std::mutex m;
    std::condition_variable cv;
    std::unique_lock<std::mutex> g(m);
    auto r = cv.wait_for(g, std::chrono::milliseconds(20));
    std::cout << "wait_for with no notify: " << (r == std::cv_status::timeout ? "timeout" : "?")
              << "\n";
}

static std::once_flag once;
static int once_runs;

struct PerThread {
    int id = 0;
    ~PerThread()
    {
        if (id) {
            std::lock_guard<std::mutex> g(lock);
            std::printf("thread_local %d destroyed\n", id);
            std::fflush(stdout);
        }
    }
};
static thread_local PerThread mine;

static void test_once_and_thread_local()
{
    for (int i = 1; i <= 3; i++) {
        std::thread t([i] {
            std::call_once(once, [] { once_runs++; });
            mine.id = i;
        });
        t.join();  // one at a time: the destructors' order is fixed
    }
    std::cout << "call_once runs: " << once_runs << "\n";
}

static void test_exception_ptr()
{
    std::exception_ptr caught;
    std::thread t([&caught] {
        try {
            throw std::runtime_error("thrown in a thread");
        } catch (...) {
            caught = std::current_exception();
        }
    });
    t.join();
    try {
        std::rethrow_exception(caught);
    } catch (const std::exception &e) {
        std::cout << "rethrown in main: " << e.what() << "\n";
    }
}

static void test_ids_and_sleep()
{
    std::set<std::thread::id> ids;
    std::mutex m;
    std::vector<std::thread> t;
    for (int i = 0; i < 5; i++)
        t.emplace_back([&] {
            std::lock_guard<std::mutex> g(m);
            ids.insert(std::this_thread::get_id());
        });
    for (auto &th : t)
        th.join();
    bool main_distinct = ids.count(std::this_thread::get_id()) == 0;
    std::cout << "distinct ids: " << ids.size() << " main distinct: " << main_distinct << "\n";
    auto start = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start).count();
    std::cout << "slept at least 30 ms: " << (ms >= 29) << "\n";
    std::thread empty;
    std::cout << "default thread joinable: " << empty.joinable() << "\n";
}

// The directory of a module's file, upper-cased (Windows paths ignore case).
static std::string dir_of(HMODULE m)
{
    char path[MAX_PATH];
    DWORD n = GetModuleFileNameA(m, path, sizeof path);
    std::string s(path, n);
    s = s.substr(0, s.find_last_of("\\/") + 1);
    for (auto &c : s)
        c = (char)toupper((unsigned char)c);
    return s;
}

static void test_dlls_beside_program()
{
    std::string mine_dir = dir_of(NULL);
    for (const char *dll : {"libstdc++-6.dll", "libgcc_s_seh-1.dll", "libwinpthread-1.dll"}) {
        HMODULE m = GetModuleHandleA(dll);
        std::cout << dll << " loaded: " << (m != NULL)
                  << " beside the program: " << (m && dir_of(m) == mine_dir) << "\n";
    }
}

int main()
{
    test_dlls_beside_program();
    test_mutex();
    test_condvar();
    test_once_and_thread_local();
    test_exception_ptr();
    test_ids_and_sleep();
    std::cout << "done" << std::endl;
    return 0;
}
