/* Character classes of the C locale, through the ctype macros (msvcrt's _pctype table). */
#include <ctype.h>
#include <stdio.h>

int main(void)
{
    int counts[11] = {0};
    const char *names[11] = {"alpha", "digit", "xdigit", "space", "punct", "upper", "lower",
                             "alnum", "print", "graph", "cntrl"};

    for (int c = 0; c < 128; c++) {
        counts[0] += !!isalpha(c);
        counts[1] += !!isdigit(c);
        counts[2] += !!isxdigit(c);
        counts[3] += !!isspace(c);
        counts[4] += !!ispunct(c);
        counts[5] += !!isupper(c);
        counts[6] += !!islower(c);
        counts[7] += !!isalnum(c);
        counts[8] += !!isprint(c);
        counts[9] += !!isgraph(c);
        counts[10] += !!iscntrl(c);
    }
    for (int i = 0; i < 11; i++)
        printf("%-7s %d\n", names[i], counts[i]);
    printf("toupper: %c%c%c tolower: %c%c%c\n", toupper('a'), toupper('Z'), toupper('1'),
           tolower('A'), tolower('z'), tolower('#'));
    printf("isspace(EOF)=%d\n", isspace(EOF));
    return 0;
}
