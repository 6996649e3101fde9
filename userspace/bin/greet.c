/* The drop-in example: built with `x86_64-w64-mingw32-gcc -O2 -s greet.c -o greet.exe`
 * (nothing Dormer-specific) and copied here as greet.exe. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv)
{
    const char *who = argc > 1 ? argv[1] : "world";
    time_t now = time(NULL);
    char when[64];

    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
    printf("Hello, %s! It is %s.\n", who, when);
    printf("%s has %u letters; OS=%s\n", who, (unsigned)strlen(who), getenv("OS"));
    return 0;
}
