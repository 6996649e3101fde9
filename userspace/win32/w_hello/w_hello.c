/* The smallest stock program: printf through mingw's formatter, the exit status from main. */
#include <stdio.h>

int main(int argc, char **argv)
{
    (void)argv;
    printf("hello from a stock program, argc=%d\n", argc);
    return 3;
}
