/* Calendar conversions from msvcrt and kernel32, a wall clock that is set, and a
 * tick count that moves. */
#include <windows.h>
#include <stdio.h>
#include <time.h>

int main(void)
{
    time_t fixed = 1234567890;
    struct tm *tm = gmtime(&fixed);
    char buf[128];

    printf("gmtime: %04d-%02d-%02d %02d:%02d:%02d wday=%d yday=%d\n", tm->tm_year + 1900,
           tm->tm_mon + 1, tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec, tm->tm_wday,
           tm->tm_yday);
    strftime(buf, sizeof buf, "%Y/%m/%d %H:%M:%S %a %b %j", tm);
    printf("strftime: %s\n", buf);
    struct tm t = {0};
    t.tm_year = 2000 - 1900;
    t.tm_mon = 1;
    t.tm_mday = 29;
    t.tm_hour = 12;
    time_t back = _mkgmtime(&t);
    printf("_mkgmtime(2000-02-29 12:00) = %lld wday=%d yday=%d\n", (long long)back, t.tm_wday,
           t.tm_yday);
    time_t now = time(NULL);
    printf("time() is after 2020: %d\n", now > 1577836800);

    SYSTEMTIME st = {2024, 2, 4, 29, 23, 59, 58, 999}, st2;
    FILETIME ft;
    printf("SystemTimeToFileTime ok=%d\n", SystemTimeToFileTime(&st, &ft));
    printf("FILETIME %08lx%08lx\n", ft.dwHighDateTime, ft.dwLowDateTime);
    FileTimeToSystemTime(&ft, &st2);
    printf("back: %u-%02u-%02u %02u:%02u:%02u.%03u dow=%u\n", st2.wYear, st2.wMonth, st2.wDay,
           st2.wHour, st2.wMinute, st2.wSecond, st2.wMilliseconds, st2.wDayOfWeek);
    SYSTEMTIME bad = {2023, 13, 0, 1, 0, 0, 0, 0};
    printf("month 13 refused: %d\n", !SystemTimeToFileTime(&bad, &ft));
    GetSystemTime(&st);
    printf("GetSystemTime year plausible: %d\n", st.wYear >= 2020 && st.wYear < 2100);

    DWORD t0 = GetTickCount();
    LARGE_INTEGER f, c0, c1;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c0);
    Sleep(100);
    QueryPerformanceCounter(&c1);
    DWORD dt = GetTickCount() - t0;
    double secs = (double)(c1.QuadPart - c0.QuadPart) / (double)f.QuadPart;
    printf("Sleep(100): ticks moved at least 90 ms: %d, counter agrees: %d\n", dt >= 90,
           secs >= 0.09);
    printf("clock() moves: %d\n", clock() >= 0);
    return 0;
}
