/* string.h and wchar.h routines, msvcrt's extensions included. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <errno.h>

int main(void)
{
    char buf[64], *tok, *dup;
    const char *s = "The quick brown fox";

    printf("strlen=%u\n", (unsigned)strlen(s));
    strcpy(buf, "abc");
    strcat(buf, "def");
    printf("strcpy+strcat=%s\n", buf);
    strncpy(buf, "xy", 5);
    printf("strncpy pads: %d %d %d\n", buf[2], buf[3], buf[4]);
    printf("strcmp: %d %d %d\n", strcmp("a", "b") < 0, strcmp("b", "a") > 0, strcmp("x", "x"));
    printf("strncmp=%d _stricmp=%d _strnicmp=%d\n", strncmp("abcd", "abcf", 3),
           _stricmp("HeLLo", "hello"), _strnicmp("ABCx", "abcy", 3));
    printf("strchr=%s strrchr=%s strstr=%s\n", strchr(s, 'q'), strrchr(s, 'o'), strstr(s, "brown"));
    printf("strspn=%u strcspn=%u strpbrk=%s\n", (unsigned)strspn("aabbc", "ab"),
           (unsigned)strcspn("hello world", " "), strpbrk(s, "xyz"));
    strcpy(buf, "a,b,,c;d");
    for (tok = strtok(buf, ",;"); tok; tok = strtok(NULL, ",;"))
        printf("token [%s]\n", tok);
    printf("memchr=%s memcmp=%d\n", (char *)memchr(s, 'b', 20), memcmp("abc", "abd", 3) < 0);
    strcpy(buf, "0123456789");
    memmove(buf + 2, buf, 5);
    printf("memmove=%s\n", buf);
    dup = _strdup("Mixed Case");
    printf("_strupr=%s ", _strupr(dup));
    printf("_strlwr=%s\n", _strlwr(dup));
    free(dup);
    printf("strerror(ENOENT)=%s\n", strerror(ENOENT));
    printf("strerror(EACCES)=%s\n", strerror(EACCES));

    wchar_t w[32];
    wcscpy(w, L"wide");
    wcscat(w, L" chars");
    printf("wcslen=%u wcscmp=%d wcschr=%ls\n", (unsigned)wcslen(w), wcscmp(w, L"wide chars"),
           wcschr(w, L'c'));
    printf("_wcsicmp=%d wcsstr=%ls\n", _wcsicmp(L"ABC", L"abc"), wcsstr(w, L"ch"));
    char mb[32];
    size_t n = wcstombs(mb, L"to bytes", sizeof mb);
    printf("wcstombs=%u %s\n", (unsigned)n, mb);
    n = mbstowcs(w, "to wide", 32);
    printf("mbstowcs=%u %ls\n", (unsigned)n, w);
    return 0;
}
