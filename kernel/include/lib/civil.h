/*
 * Calendar arithmetic shared by the kernel (the real-time clock) and the user-side
 * DLLs (kernel32's SYSTEMTIME, msvcrt's struct tm): days since 1970-01-01 to and from
 * a proleptic Gregorian date (Howard Hinnant's days_from_civil / civil_from_days).
 * Header-only, pure, any context.
 */
#ifndef LIB_CIVIL_H
#define LIB_CIVIL_H

#include <stdint.h>

/* Days from 1970-01-01 to y-m-d (m 1..12, d 1..31). */
static inline int64_t civil_to_days(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* The date `days` after 1970-01-01. */
static inline void civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

#endif
