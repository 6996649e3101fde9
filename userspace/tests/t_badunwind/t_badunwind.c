/*
 * t_badunwind: corrupt unwind tables end only the program that has them. Runs the stock
 * program bad_unwind.exe once per kind of damage (a bad UNWIND_INFO version, an unwind
 * code past CountOfCodes, an unknown code, a chained entry that loops, UNWIND_INFO
 * outside the image): each raises an exception below the damaged frame, inside an
 * __except further up that no unwinder can reach, so each must end with the exception's
 * code (0xE0000BAD) and the kernel's report (whose backtrace walks the same damaged
 * table), while this program goes on. The undamaged case is caught and exits 0.
 */
#include "../threads.h"

static const char *const cases[] = {"version", "codes", "opcode", "chain", "outside"};

int main(void)
{
    char cmd[64], name[48];

    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        usnprintf(cmd, sizeof cmd, "bad_unwind.exe %s", cases[i]);
        int32_t status = threads_spawn_status(cmd);
        usnprintf(name, sizeof name, "bad_%s_ends_only_the_child", cases[i]);
        ulib_check(status == (int32_t)0xE0000BAD, name, "status 0x%08x", (unsigned)status);
    }
    int32_t good = threads_spawn_status("bad_unwind.exe good");
    ulib_check(good == 0, "good_table_reaches_the_except_block", "status 0x%08x",
               (unsigned)good);
    return ulib_check_summary();
}
