/*
 * The PC's CMOS real-time clock, read once when the wall clock is first wanted: the
 * date and time as seconds since 1970 (UTC, which is what QEMU's clock keeps by
 * default). The update-in-progress flag is waited out and the registers read until
 * two passes agree, so a second boundary cannot tear the reading.
 */
#include <arch/cpu.h>
#include <lib/civil.h>
#include <stdbool.h>

#include "x86.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71
#define CMOS_NMI_OFF 0x80 /* keep NMIs masked while the index is set */

struct rtc_reading {
    uint8_t sec, min, hour, day, month, year, century, status_b;
};

static uint8_t cmos_read(uint8_t reg)
{
    x86_outb(CMOS_INDEX, CMOS_NMI_OFF | reg);
    return x86_inb(CMOS_DATA);
}

static bool rtc_updating(void)
{
    return cmos_read(0x0a) & 0x80;
}

static void rtc_read_once(struct rtc_reading *r)
{
    for (int spins = 0; rtc_updating() && spins < 1000000; spins++)
        ;
    r->sec = cmos_read(0x00);
    r->min = cmos_read(0x02);
    r->hour = cmos_read(0x04);
    r->day = cmos_read(0x07);
    r->month = cmos_read(0x08);
    r->year = cmos_read(0x09);
    r->century = cmos_read(0x32); /* the ACPI century register QEMU and most PCs have */
    r->status_b = cmos_read(0x0b);
}

static unsigned from_bcd(uint8_t v, bool bcd)
{
    return bcd ? (unsigned)(v & 0x0f) + (unsigned)(v >> 4) * 10 : v;
}


int64_t arch_wall_clock_unix(void)
{
    struct rtc_reading a, b;

    rtc_read_once(&a);
    for (int tries = 0; tries < 8; tries++) {
        rtc_read_once(&b);
        if (a.sec == b.sec && a.min == b.min && a.hour == b.hour && a.day == b.day &&
            a.month == b.month && a.year == b.year)
            break;
        a = b;
    }
    bool bcd = !(b.status_b & 0x04), h24 = b.status_b & 0x02;
    unsigned hour = from_bcd(b.hour & 0x7f, bcd);
    if (!h24) {
        bool pm = b.hour & 0x80;
        hour = hour % 12 + (pm ? 12 : 0);
    }
    unsigned century = from_bcd(b.century, bcd);
    unsigned year = from_bcd(b.year, bcd) + (century >= 19 && century <= 30 ? century * 100 : 2000);
    unsigned month = from_bcd(b.month, bcd), day = from_bcd(b.day, bcd);
    unsigned min = from_bcd(b.min, bcd), sec = from_bcd(b.sec, bcd);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
        return 0; /* a clock that makes no sense: the epoch, rather than garbage */
    return civil_to_days(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
}
