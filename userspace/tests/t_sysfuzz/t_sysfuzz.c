/*
 * t_sysfuzz: the short fixed-seed system-call fuzz run of the utest boot. Starts
 * "sysfuzz.exe 1 3000" on this console and checks it ends with 0, which it does only when
 * the kernel's frames, heap blocks, objects and handles are back at their baseline after
 * 3000 hostile calls and a new program still starts (see apps/sysfuzz).
 */
#include "../threads.h"

int main(void)
{
    dormer_handle_t h = 0;
    dormer_status_t st = DormerSpawn("sysfuzz.exe 1 3000", 0, &h);

    CHECK_STATUS(st, STATUS_SUCCESS, "sysfuzz_started");
    if (NT_SUCCESS(st)) {
        /* A hang of the fuzzed kernel shows here as a timeout, not a stuck boot. */
        CHECK_STATUS(DormerWait(h, 180000), STATUS_WAIT_0, "sysfuzz_ended");
        int32_t status = threads_exit_status(h);
        ulib_check(status == 0, "sysfuzz_counters_held_and_kernel_alive", "status 0x%08x",
                   (uint32_t)status);
        NtClose(h);
    }
    return ulib_check_summary();
}
