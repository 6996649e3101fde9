/* The stock hello that scons bench spawns for posix_spawn_static_us: start-up of a program
 * built with the plain mingw command (KERNEL32.dll and msvcrt.dll, crt2.o, TLS directory,
 * pseudo-relocator), one line of output, exit 0. */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("hello %d %s\n", argc, argv[0]);
    return 0;
}
