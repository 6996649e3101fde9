/*
 * Time: the tick count and performance counter from the kernel's uptime clock (ns),
 * wall-clock time from the kernel's FILETIME, and the calendar conversions. Dormer
 * keeps no time zone: local time is UTC.
 */
#include "k32.h"
#include <lib/civil.h>

static uint64_t uptime_ns(void)
{
    uint64_t ns = 0;

    DmQueryUptime(&ns);
    return ns;
}

DWORD WINAPI GetTickCount(void)
{
    return (DWORD)(uptime_ns() / 1000000);
}

ULONGLONG WINAPI GetTickCount64(void)
{
    return uptime_ns() / 1000000;
}

BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER *f)
{
    f->QuadPart = 1000000000; /* nanoseconds */
    return TRUE;
}

BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER *c)
{
    c->QuadPart = (LONGLONG)uptime_ns();
    return TRUE;
}

static void filetime_store(int64_t v, LPFILETIME ft)
{
    ft->dwLowDateTime = (DWORD)v;
    ft->dwHighDateTime = (DWORD)((uint64_t)v >> 32);
}

static int64_t filetime_load(const FILETIME *ft)
{
    return (int64_t)((uint64_t)ft->dwHighDateTime << 32 | ft->dwLowDateTime);
}

void WINAPI GetSystemTimeAsFileTime(LPFILETIME ft)
{
    int64_t now = 0;

    DmQuerySystemTime(&now);
    filetime_store(now, ft);
}

void WINAPI GetSystemTimePreciseAsFileTime(LPFILETIME ft)
{
    GetSystemTimeAsFileTime(ft);
}

/* Days between 1601-01-01 (FILETIME's day 0) and 1970-01-01 (lib/civil.h's). */
#define DAYS_1601_TO_1970 134774



BOOL WINAPI FileTimeToSystemTime(const FILETIME *ft, LPSYSTEMTIME st)
{
    int64_t v = filetime_load(ft), y;
    unsigned m, d;

    if (v < 0) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    int64_t days = v / 864000000000ll, rest = v % 864000000000ll;
    civil_from_days(days - DAYS_1601_TO_1970, &y, &m, &d);
    st->wYear = (WORD)y;
    st->wMonth = (WORD)m;
    st->wDay = (WORD)d;
    st->wDayOfWeek = (WORD)((days + 1) % 7); /* 1601-01-01 was a Monday */
    st->wHour = (WORD)(rest / 36000000000ll);
    st->wMinute = (WORD)(rest / 600000000 % 60);
    st->wSecond = (WORD)(rest / 10000000 % 60);
    st->wMilliseconds = (WORD)(rest / 10000 % 1000);
    return TRUE;
}

BOOL WINAPI SystemTimeToFileTime(const SYSTEMTIME *st, LPFILETIME ft)
{
    static const BYTE mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (st->wYear < 1601 || st->wYear > 30827 || st->wMonth < 1 || st->wMonth > 12 ||
        st->wDay < 1 || st->wDay > mdays[st->wMonth - 1] || st->wHour > 23 ||
        st->wMinute > 59 || st->wSecond > 59 || st->wMilliseconds > 999) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    BOOL leap = (st->wYear % 4 == 0 && st->wYear % 100 != 0) || st->wYear % 400 == 0;
    if (st->wMonth == 2 && st->wDay == 29 && !leap) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    int64_t days = civil_to_days(st->wYear, st->wMonth, st->wDay) + DAYS_1601_TO_1970;
    int64_t v = days * 864000000000ll + st->wHour * 36000000000ll + st->wMinute * 600000000ll +
                st->wSecond * 10000000ll + st->wMilliseconds * 10000ll;
    filetime_store(v, ft);
    return TRUE;
}

void WINAPI GetSystemTime(LPSYSTEMTIME st)
{
    FILETIME ft;

    GetSystemTimeAsFileTime(&ft);
    FileTimeToSystemTime(&ft, st);
}

/* Setting the clock needs SeSystemtimePrivilege, which Windows gives administrators
 * only and Dormer gives no one (programs run as a standard user would): a valid time
 * fails with ERROR_PRIVILEGE_NOT_HELD, an invalid one first with
 * ERROR_INVALID_PARAMETER, in Windows' order. */
BOOL WINAPI SetSystemTime(const SYSTEMTIME *st)
{
    FILETIME ft;

    if (!SystemTimeToFileTime(st, &ft))
        return FALSE;
    k32_set_error(ERROR_PRIVILEGE_NOT_HELD);
    return FALSE;
}

void WINAPI GetLocalTime(LPSYSTEMTIME st)
{
    GetSystemTime(st);
}

BOOL WINAPI FileTimeToLocalFileTime(const FILETIME *ft, LPFILETIME local)
{
    *local = *ft;
    return TRUE;
}

BOOL WINAPI LocalFileTimeToFileTime(const FILETIME *local, LPFILETIME ft)
{
    *ft = *local;
    return TRUE;
}

LONG WINAPI CompareFileTime(const FILETIME *a, const FILETIME *b)
{
    int64_t x = filetime_load(a), y = filetime_load(b);
    return x < y ? -1 : x > y;
}

DWORD WINAPI GetTimeZoneInformation(LPTIME_ZONE_INFORMATION tz)
{
    memset(tz, 0, sizeof *tz);
    const WCHAR *name = L"Coordinated Universal Time";
    for (int i = 0; name[i]; i++)
        tz->StandardName[i] = tz->DaylightName[i] = name[i];
    return TIME_ZONE_ID_UNKNOWN;
}
