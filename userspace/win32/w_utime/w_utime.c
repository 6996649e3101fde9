/*
 * w_utime: msvcrt's _wutime64, _utime64 and _futime64 set a file's access and modification
 * times (read back with _wstat64 and GetFileTime), NULL times mean now, and the errors of a
 * missing file, a bad descriptor and a directory are msvcrt's. (A read-only file is EACCES
 * on Windows, but Wine run as root opens it, so its expected output cannot record that.)
 */
#include <windows.h>
#include <direct.h>
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/utime.h>
#include <time.h>

static void report(const char *what, int r)
{
    printf("%-34s r=%d errno=%d\n", what, r, r ? errno : 0);
}

/* FAT keeps only the date of the last access (Windows' FAT driver too), so the access time
 * read back is within a day of the one set; the modification time is exact (even seconds). */
static void show_times(const struct _stat64 *st, const struct __utimbuf64 *t)
{
    long long late = (long long)(t->actime - st->st_atime);

    printf("atime within a day: %d, mtime %lld\n", late >= -86400 && late <= 86400,
           (long long)st->st_mtime);
}

int main(void)
{
    const wchar_t *file = L"w_utime.tmp";
    struct __utimbuf64 t = { 1000000000, 1234567890 }; /* 2001-09-09, 2009-02-13 */
    struct _stat64 st;

    _wunlink(file);
    FILE *f = _wfopen(file, L"w");
    if (!f)
        return 1;
    fputs("times\n", f);
    fclose(f);

    errno = 0;
    report("_wutime64 set", _wutime64(file, &t));
    report("_wstat64", _wstat64(file, &st));
    show_times(&st, &t);

    HANDLE h = CreateFileW(file, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    FILETIME ft;
    GetFileTime(h, NULL, NULL, &ft);
    CloseHandle(h);
    ULONGLONG v = (ULONGLONG)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
    printf("last write as FILETIME: %llu\n", v);

    t.actime = 1500000000;
    t.modtime = 1600000000;
    report("_utime64 (narrow) set", _utime64("w_utime.tmp", &t));
    _wstat64(file, &st);
    show_times(&st, &t);

    __time64_t before = _time64(NULL);
    report("_wutime64 now", _wutime64(file, NULL));
    _wstat64(file, &st);
    __time64_t after = _time64(NULL);
    printf("mtime is now: %d\n", st.st_mtime >= before - 2 && st.st_mtime <= after + 2);

    int fd = _wopen(file, _O_RDWR);
    t.modtime = 1300000000;
    report("_futime64", _futime64(fd, &t));
    _close(fd);
    _wstat64(file, &st);
    printf("mtime %lld\n", (long long)st.st_mtime);

    report("_wutime64 missing file", _wutime64(L"no_such_file.tmp", &t));
    report("_futime64 bad fd", _futime64(-1, &t));

    t.modtime = 1234567890;
    _wmkdir(L"w_utime.dir");
    report("_wutime64 directory", _wutime64(L"w_utime.dir", &t));
    _wrmdir(L"w_utime.dir");
    _wunlink(file);
    return 0;
}
