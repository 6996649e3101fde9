/*
 * Time: time() and friends from kernel32's wall clock, clock() from process start,
 * and the calendar functions. Dormer keeps no time zone, so local time is UTC (as on a
 * Windows machine set to UTC).
 */
#include "crt.h"
#include <lib/civil.h>
#include <sys/timeb.h>
#include <time.h>

#define FILETIME_UNIX_EPOCH 116444736000000000ll

static ULONGLONG start_ticks;

__time64_t __cdecl _time64(__time64_t *out)
{
    FILETIME ft;

    GetSystemTimeAsFileTime(&ft);
    __time64_t t = (__time64_t)((((ULONGLONG)ft.dwHighDateTime << 32 | ft.dwLowDateTime) -
                                 FILETIME_UNIX_EPOCH) / 10000000);
    if (out)
        *out = t;
    return t;
}

__time32_t __cdecl _time32(__time32_t *out)
{
    __time32_t t = (__time32_t)_time64(NULL);
    if (out)
        *out = t;
    return t;
}

clock_t __cdecl clock(void)
{
    if (!start_ticks)
        start_ticks = GetTickCount64();
    return (clock_t)(GetTickCount64() - start_ticks);
}

void crt_time_init(void)
{
    start_ticks = GetTickCount64();
}

static struct tm tm_buf; /* msvcrt shares one per thread; one per process here */

static int days_before_month(int year, int month)
{
    static const int cum[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return cum[month] + (leap && month > 1);
}


static int break_down(__time64_t t, struct tm *tm)
{
    if (t < 0 || t > 32535215999ll) { /* msvcrt: 1970 to 3000 */
        errno = EINVAL;
        return -1;
    }
    int64_t days = t / 86400, rem = t % 86400, y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    tm->tm_year = (int)(y - 1900);
    tm->tm_mon = (int)m - 1;
    tm->tm_mday = (int)d;
    tm->tm_hour = (int)(rem / 3600);
    tm->tm_min = (int)(rem / 60 % 60);
    tm->tm_sec = (int)(rem % 60);
    tm->tm_wday = (int)((days + 4) % 7); /* 1970-01-01 was a Thursday */
    tm->tm_yday = days_before_month((int)y, (int)m - 1) + (int)d - 1;
    tm->tm_isdst = 0;
    return 0;
}

struct tm *__cdecl _gmtime64(const __time64_t *t)
{
    return break_down(*t, &tm_buf) == 0 ? &tm_buf : NULL;
}

struct tm *__cdecl _localtime64(const __time64_t *t)
{
    return _gmtime64(t);
}

struct tm *__cdecl _gmtime32(const __time32_t *t)
{
    __time64_t v = *t;
    return _gmtime64(&v);
}

struct tm *__cdecl _localtime32(const __time32_t *t)
{
    return _gmtime32(t);
}

__time64_t __cdecl _mktime64(struct tm *tm)
{
    int64_t year = 1900 + (int64_t)tm->tm_year + tm->tm_mon / 12;
    int mon = tm->tm_mon % 12;

    if (mon < 0) {
        mon += 12;
        year--;
    }
    int64_t days = civil_to_days(year, (unsigned)mon + 1, 1) + tm->tm_mday - 1;
    __time64_t t = days * 86400 + tm->tm_hour * 3600ll + tm->tm_min * 60ll + tm->tm_sec;
    if (break_down(t, tm) != 0)
        return -1;
    return t;
}

__time32_t __cdecl _mktime32(struct tm *tm)
{
    return (__time32_t)_mktime64(tm);
}

__time64_t __cdecl _mkgmtime64(struct tm *tm)
{
    return _mktime64(tm);
}

double __cdecl _difftime64(__time64_t a, __time64_t b)
{
    return (double)(a - b);
}

double __cdecl _difftime32(__time32_t a, __time32_t b)
{
    return (double)(a - b);
}

static const char *const wday_name[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const mon_name[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const wday_full[7] = {"Sunday", "Monday", "Tuesday", "Wednesday",
                                         "Thursday", "Friday", "Saturday"};
static const char *const mon_full[12] = {"January", "February", "March", "April", "May",
                                         "June", "July", "August", "September", "October",
                                         "November", "December"};

char *__cdecl asctime(const struct tm *tm)
{
    static char buf[32];

    snprintf(buf, sizeof buf, "%s %s %02d %02d:%02d:%02d %d\n", wday_name[tm->tm_wday % 7],
             mon_name[tm->tm_mon % 12], tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec,
             1900 + tm->tm_year);
    return buf;
}

char *__cdecl _ctime64(const __time64_t *t)
{
    struct tm *tm = _localtime64(t);
    return tm ? asctime(tm) : NULL;
}

char *__cdecl _ctime32(const __time32_t *t)
{
    __time64_t v = *t;
    return _ctime64(&v);
}

size_t __cdecl strftime(char *buf, size_t max, const char *fmt, const struct tm *tm)
{
    size_t n = 0;
    char tmp[64];

    for (const char *p = fmt; *p; p++) {
        const char *put = tmp;
        if (*p != '%') {
            tmp[0] = *p;
            tmp[1] = 0;
        } else {
            p++;
            if (*p == '#')
                p++; /* the alternate form: the same text here */
            switch (*p) {
            case 'a': put = wday_name[tm->tm_wday % 7]; break;
            case 'A': put = wday_full[tm->tm_wday % 7]; break;
            case 'b': put = mon_name[tm->tm_mon % 12]; break;
            case 'B': put = mon_full[tm->tm_mon % 12]; break;
            case 'c':
                snprintf(tmp, sizeof tmp, "%02d/%02d/%02d %02d:%02d:%02d", tm->tm_mon + 1,
                         tm->tm_mday, tm->tm_year % 100, tm->tm_hour, tm->tm_min, tm->tm_sec);
                break;
            case 'd': snprintf(tmp, sizeof tmp, "%02d", tm->tm_mday); break;
            case 'H': snprintf(tmp, sizeof tmp, "%02d", tm->tm_hour); break;
            case 'I': snprintf(tmp, sizeof tmp, "%02d", tm->tm_hour % 12 ? tm->tm_hour % 12 : 12); break;
            case 'j': snprintf(tmp, sizeof tmp, "%03d", tm->tm_yday + 1); break;
            case 'm': snprintf(tmp, sizeof tmp, "%02d", tm->tm_mon + 1); break;
            case 'M': snprintf(tmp, sizeof tmp, "%02d", tm->tm_min); break;
            case 'p': put = tm->tm_hour < 12 ? "AM" : "PM"; break;
            case 'S': snprintf(tmp, sizeof tmp, "%02d", tm->tm_sec); break;
            case 'U': snprintf(tmp, sizeof tmp, "%02d", (tm->tm_yday + 7 - tm->tm_wday) / 7); break;
            case 'w': snprintf(tmp, sizeof tmp, "%d", tm->tm_wday); break;
            case 'W': snprintf(tmp, sizeof tmp, "%02d", (tm->tm_yday + 7 - (tm->tm_wday + 6) % 7) / 7); break;
            case 'x':
                snprintf(tmp, sizeof tmp, "%02d/%02d/%02d", tm->tm_mon + 1, tm->tm_mday,
                         tm->tm_year % 100);
                break;
            case 'X':
                snprintf(tmp, sizeof tmp, "%02d:%02d:%02d", tm->tm_hour, tm->tm_min, tm->tm_sec);
                break;
            case 'y': snprintf(tmp, sizeof tmp, "%02d", tm->tm_year % 100); break;
            case 'Y': snprintf(tmp, sizeof tmp, "%d", 1900 + tm->tm_year); break;
            case 'z': case 'Z': put = "Coordinated Universal Time"; break;
            case '%': put = "%"; break;
            default:
                errno = EINVAL;
                if (max)
                    buf[0] = 0;
                return 0;
            }
        }
        size_t len = strlen(put);
        if (n + len >= max) {
            if (max)
                buf[0] = 0;
            return 0;
        }
        memcpy(buf + n, put, len);
        n += len;
    }
    buf[n] = 0;
    return n;
}

void __cdecl _ftime64(struct __timeb64 *tb)
{
    FILETIME ft;

    GetSystemTimeAsFileTime(&ft);
    ULONGLONG v = ((ULONGLONG)ft.dwHighDateTime << 32 | ft.dwLowDateTime) - FILETIME_UNIX_EPOCH;
    tb->time = (__time64_t)(v / 10000000);
    tb->millitm = (unsigned short)(v / 10000 % 1000);
    tb->timezone = 0;
    tb->dstflag = 0;
}

/* The wide form over strftime: the format narrowed to the ANSI code page (single-byte,
 * like the "C" locale's output), the result widened back. 0 when it does not fit. */
size_t __cdecl wcsftime(wchar_t *buf, size_t max, const wchar_t *fmt, const struct tm *tm)
{
    char narrow_fmt[512], out[1024];

    if (!buf || !fmt || !tm ||
        !WideCharToMultiByte(CP_ACP, 0, fmt, -1, narrow_fmt, sizeof narrow_fmt, NULL, NULL)) {
        errno = EINVAL;
        return 0;
    }
    size_t n = strftime(out, sizeof out, narrow_fmt, tm);
    if (n + 1 > max || (n == 0 && narrow_fmt[0]))
        return 0;
    MultiByteToWideChar(CP_ACP, 0, out, (int)n + 1, buf, (int)max);
    return n;
}
