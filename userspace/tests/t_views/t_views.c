/*
 * t_views: processes that load the same image share its read-only pages (the image
 * section's prepared view) and get private copies of its writable ones. The parent
 * changes its own copy of the image - a global, and a read-only string that it first
 * makes writable - then starts itself again: the child must see the image as the file
 * has it. A child that writes to the read-only string without asking is killed, and the
 * parent's copy is untouched by all of it. Last, it starts t_clash.exe, which needs
 * tdll.dll (prepared here, bound to ntdll.dll at its preferred base) loaded the long way.
 * Modes: none (the parent: checks, exit 0 when all pass), `pristine` (exit 0 if this
 * copy of the image is as in the file, else 1), `scribble` (writes to the read-only
 * string: must be killed).
 */
#include <dormer.h>

#define TDLL_IMPORT
#include "../dlls/tdll/tdll.h"

#define PAGE 4096u
#define WAIT_MS 30000

static const char marker[] = "pristine marker"; /* .rdata: read-only */
static volatile int32_t counter = 5;             /* .data: writable */

/* The marker through a volatile pointer: every read and write really happens. */
static volatile char *marker_bytes(void)
{
    return (volatile char *)(uintptr_t)marker;
}

static int marker_is(const char *want)
{
    volatile char *m = marker_bytes();

    for (size_t i = 0; i <= strlen(want); i++) {
        if (m[i] != want[i])
            return 0;
    }
    return 1;
}

static uint32_t marker_protection(void)
{
    struct dormer_memory_info info;

    if (!NT_SUCCESS(DmQueryVirtualMemory((uint64_t)(uintptr_t)marker, &info, sizeof info)))
        return 0;
    return info.protect;
}

/* Start `cmdline`, wait, and give its exit status (or the failing status). */
static int32_t run(const char *cmdline)
{
    dormer_handle_t h = 0;
    int32_t status = -1;
    dormer_status_t st = DormerSpawn(cmdline, 0, &h);

    if (!NT_SUCCESS(st))
        return (int32_t)st;
    st = DormerWait(h, WAIT_MS);
    if (st == STATUS_WAIT_0)
        DmQueryExitStatus(h, &status);
    NtClose(h);
    return st == STATUS_WAIT_0 ? status : (int32_t)st;
}

static int child(const char *mode)
{
    if (strcmp(mode, "pristine") == 0)
        return marker_is("pristine marker") && counter == 5 &&
                       marker_protection() == PAGE_READONLY
                   ? 0
                   : 1;
    if (strcmp(mode, "scribble") == 0) {
        marker_bytes()[0] = 'X'; /* an access violation: the process ends here */
        return 0;
    }
    return 2;
}

int main(int argc, char **argv)
{
    struct dormer_memory_counters mem;
    uint64_t page = (uint64_t)(uintptr_t)marker & ~(uint64_t)(PAGE - 1), size = PAGE;
    uint32_t old = 0;
    int32_t status;

    if (argc > 1)
        return child(argv[1]);

    CHECK(marker_protection() == PAGE_READONLY, "marker_is_read_only");
    CHECK_STATUS(DmProtectVirtualMemory(&page, &size, PAGE_READWRITE, &old), STATUS_SUCCESS,
                 "make_marker_writable");
    marker_bytes()[0] = 'X';
    CHECK(marker_is("Xristine marker"), "own_copy_written");
    counter = 6;

    status = run("t_views.exe pristine");
    ulib_check(status == 0, "child_sees_the_file", "exit status 0x%08x", (uint32_t)status);
    status = run("t_views.exe scribble");
    ulib_check(status == (int32_t)STATUS_ACCESS_VIOLATION, "read_only_page_stays_read_only",
               "exit status 0x%08x", (uint32_t)status);
    status = run("t_views.exe pristine");
    ulib_check(status == 0, "still_pristine_after_a_scribbler", "exit status 0x%08x",
               (uint32_t)status);
    CHECK(marker_is("Xristine marker") && counter == 6, "own_copy_kept");

    CHECK(NT_SUCCESS(DmQuerySystemInformation(DORMER_INFO_MEMORY, &mem, sizeof mem)) &&
              mem.shared_frames > 0 && mem.shared_frames < mem.used_frames,
          "shared_frames_counted");
    CHECK(tdll_add(1, 2) == 3, "tdll_loaded");
    status = run("t_clash.exe");
    ulib_check(status == 0, "clash_binds_to_moved_ntdll", "exit status 0x%08x",
               (uint32_t)status);
    return ulib_check_summary();
}
