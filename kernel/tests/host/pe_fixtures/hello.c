/*
 * test_pe fixture: a console program on the full mingw CRT (imports from KERNEL32.dll and
 * msvcrt.dll, TLS, relocations, COFF symbols). It also exports hello_marker, and a marker
 * record holds the address of a static function so the test can symbolize it.
 */
#include <stdint.h>
#include <stdio.h>

__attribute__((noinline)) static int hidden_helper(int x)
{
    return x * 3 + 1;
}

__declspec(dllexport) __attribute__((noinline)) int hello_marker(int x)
{
    return hidden_helper(x) + 2;
}

/* Found by the test through `magic` ("PEMARKER"); `fn` is hidden_helper's address. */
struct pe_fixture_marker {
    uint64_t magic;
    int (*fn)(int);
};

const struct pe_fixture_marker pe_fixture_marker = { 0x52454b52414d4550ull, hidden_helper };

int main(int argc, char **argv)
{
    (void)argv;
    printf("hello %d\n", hello_marker(argc));
    return 0;
}
