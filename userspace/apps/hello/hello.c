/*
 * The first Dormer program: greets, then lists its command-line arguments. It is also
 * the file t_file opens and the source of bad_image.exe, so it stays small and plain.
 */
#include <dormer.h>

int main(int argc, char **argv)
{
    uprintf("Hello from a PE program on Dormer!\n");
    uprintf("argc = %d\n", argc);
    for (int i = 0; i < argc; i++)
        uprintf("argv[%d] = \"%s\"\n", i, argv[i]);
    return 0;
}
