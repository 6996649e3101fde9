/*
 * t_exhaust: running out of a resource ends with a status for the program that ran out,
 * never with the kernel. Handles are taken until refused, then given back; a child
 * ("t_exhaust.exe touch") commits far more memory than the machine has and touches it
 * page by page until no frame is left, and must end with STATUS_NO_MEMORY; afterwards
 * the kernel's counters are where they were and a new program runs.
 */
#include "../threads.h"

#define MAX_EVENTS 1024
#define TOUCH_BYTES (4ull << 30) /* more than any test machine's RAM */

static dormer_handle_t events[MAX_EVENTS];

static int counters(struct dormer_kernel_counters *k)
{
    return NT_SUCCESS(DmQuerySystemInformation(DORMER_INFO_KERNEL, k, sizeof *k));
}

/* The child: commit TOUCH_BYTES (reserving and committing cost no frames) and write to
 * every page. Returning means the kernel never refused a frame. */
static int touch_all(void)
{
    uint64_t base = 0, size = TOUCH_BYTES;
    dormer_status_t st = DmAllocateVirtualMemory(&base, &size, MEM_RESERVE | MEM_COMMIT,
                                                 PAGE_READWRITE);

    if (!NT_SUCCESS(st)) {
        uprintf("t_exhaust touch: commit refused 0x%08x\n", (uint32_t)st);
        return 2;
    }
    for (uint64_t off = 0; off < size; off += 4096)
        *(volatile uint8_t *)(uintptr_t)(base + off) = 1;
    uprintf("t_exhaust touch: FAIL: %llu MiB touched\n", (unsigned long long)(size >> 20));
    return 3;
}

static void handles_until_refused(void)
{
    int n = 0;
    dormer_status_t st = STATUS_SUCCESS;

    for (; n < MAX_EVENTS; n++) {
        st = DmCreateEvent(&events[n], 1, 0);
        if (!NT_SUCCESS(st))
            break;
    }
    uprintf("t_exhaust: %d events open, then 0x%08x\n", n, (uint32_t)st);
    ulib_check(n >= 200 && n < MAX_EVENTS && st == STATUS_INSUFFICIENT_RESOURCES,
               "handles_refused_at_the_limit",
               "%d handles, status 0x%08x", n, (uint32_t)st);
    /* At the limit every call that opens a handle is refused the same way. */
    dormer_handle_t dup = 0;
    ulib_check(n == 0 || !NT_SUCCESS(DmDuplicateHandle(events[0], &dup)),
               "duplicate_refused_at_the_limit", "handle %llu", (unsigned long long)dup);
    int closed = 0;
    for (int i = 0; i < n; i++)
        closed += NT_SUCCESS(NtClose(events[i]));
    CHECK(closed == n, "every_handle_closes");
    dormer_handle_t again = 0;
    CHECK_STATUS(DmCreateEvent(&again, 1, 0), STATUS_SUCCESS, "handle_after_closing");
    NtClose(again);
}

static void frames_until_refused(void)
{
    struct dormer_kernel_counters k0, k1;
    dormer_handle_t h = 0;

    /* Warm what a first start of this image fills (the shared image view). */
    if (NT_SUCCESS(DormerSpawn("t_child.exe 1", 0, &h))) {
        DormerWait(h, THREADS_TIMEOUT_MS);
        NtClose(h);
    }
    CHECK(counters(&k0), "counters_before");
    dormer_status_t st = DormerSpawn("t_exhaust.exe touch", 0, &h);
    CHECK_STATUS(st, STATUS_SUCCESS, "toucher_started");
    if (!NT_SUCCESS(st))
        return;
    CHECK_STATUS(DormerWait(h, 120000), STATUS_WAIT_0, "toucher_ended");
    ulib_check(threads_exit_status(h) == STATUS_NO_MEMORY, "out_of_frames_is_status_no_memory",
               "status 0x%08x", (uint32_t)threads_exit_status(h));
    NtClose(h);
    /* Others keep running: a new program starts and ends with its status. */
    int32_t status = -1;
    if (NT_SUCCESS(DormerSpawn("t_child.exe 42", 0, &h))) {
        DormerWait(h, THREADS_TIMEOUT_MS);
        status = threads_exit_status(h);
        NtClose(h);
    }
    CHECK(status == 42, "a_program_runs_after_the_exhaustion");
    CHECK(counters(&k1), "counters_after");
    uprintf("t_exhaust: frames %llu -> %llu, heap blocks %llu -> %llu, objects %llu -> %llu, "
            "handles %llu -> %llu\n", (unsigned long long)k0.used_frames,
            (unsigned long long)k1.used_frames, (unsigned long long)k0.heap_blocks,
            (unsigned long long)k1.heap_blocks, (unsigned long long)k0.objects,
            (unsigned long long)k1.objects, (unsigned long long)k0.handles,
            (unsigned long long)k1.handles);
    CHECK(k1.used_frames == k0.used_frames, "frames_back_after_exhaustion");
    CHECK(k1.heap_blocks == k0.heap_blocks, "heap_blocks_back_after_exhaustion");
    CHECK(k1.objects == k0.objects && k1.handles == k0.handles,
          "objects_and_handles_back_after_exhaustion");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "touch") == 0)
        return touch_all();
    handles_until_refused();
    frames_until_refused();
    return ulib_check_summary();
}
