/*
 * FAT date/time <-> FILETIME. FAT keeps a date (years from 1980, month, day), a time in
 * 2-second steps and, for creation times, a 10 ms count up to 199. FAT itself has no
 * time zone (Windows stores local time); Dormer's clock is UTC, so the times are UTC.
 */
#include "fat32_priv.h"
#include <lib/errno.h>

#define FT_PER_SEC   10000000ull
#define FT_PER_DAY   (86400ull * FT_PER_SEC)
#define DAYS_TO_1980 138426u /* days from 1601-01-01 to 1980-01-01 */

/* Days from 1601-01-01 to y-m-d (proleptic Gregorian; y >= 1601). */
static uint32_t days_from_civil(uint32_t y, uint32_t m, uint32_t d)
{
    y -= m <= 2;
    uint32_t era = y / 400, yoe = y - era * 400;
    uint32_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 584694u; /* 584694: days from 0000-03-01 to 1601-01-01 */
}

/* The inverse of days_from_civil. */
static void civil_from_days(uint32_t days, uint32_t *y, uint32_t *m, uint32_t *d)
{
    uint32_t z = days + 584694u;
    uint32_t era = z / 146097, doe = z - era * 146097;
    uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    uint32_t mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

uint64_t fat32_time_to_filetime(uint16_t date, uint16_t time, uint8_t centis)
{
    uint32_t y = 1980 + (date >> 9), m = (date >> 5) & 15, d = date & 31;
    if (m < 1 || m > 12 || d < 1)
        return 0;
    uint32_t h = time >> 11, mi = (time >> 5) & 63, s = (time & 31) * 2;
    if (h > 23 || mi > 59 || s > 59)
        h = mi = s = 0;
    uint64_t ft = (uint64_t)days_from_civil(y, m, d) * FT_PER_DAY +
                  ((uint64_t)h * 3600 + mi * 60 + s) * FT_PER_SEC;
    if (centis <= 199)
        ft += (uint64_t)centis * (FT_PER_SEC / 100);
    return ft;
}

int fat32_time_from_filetime(uint64_t ft, uint16_t *date, uint16_t *time, uint8_t *centis)
{
    uint64_t days = ft / FT_PER_DAY;
    if (days < DAYS_TO_1980 || days > DAYS_TO_1980 + 128u * 366)
        return K_ERANGE;
    uint32_t y, m, d;
    civil_from_days((uint32_t)days, &y, &m, &d);
    if (y > 2107)
        return K_ERANGE;
    uint64_t rem = ft % FT_PER_DAY;
    uint32_t secs = (uint32_t)(rem / FT_PER_SEC);
    *date = (uint16_t)(((y - 1980) << 9) | (m << 5) | d);
    *time = (uint16_t)(((secs / 3600) << 11) | (((secs / 60) % 60) << 5) | ((secs % 60) / 2));
    *centis = (uint8_t)((secs % 2) * 100 + (rem % FT_PER_SEC) / (FT_PER_SEC / 100));
    return 0;
}

void fat32_stamp(const struct fat32_vol *vol, uint16_t *date, uint16_t *time, uint8_t *cs)
{
    *date = (1 << 5) | 1; /* 1980-01-01 00:00 without a clock or for a clock out of range */
    *time = 0;
    *cs = 0;
    if (vol->dev->now && fat32_time_from_filetime(vol->dev->now(vol->dev->ctx), date, time, cs) < 0) {
        *date = (1 << 5) | 1;
        *time = 0;
        *cs = 0;
    }
}
