/*
 * f_thread_fault: a fault in a second thread ends the whole process. The second thread
 * runs the usual fault_outer -> fault_middle -> fault_inner chain (from fault_thread, not
 * main) and writes to address 8 while the main thread sleeps. Expected: the process is
 * killed with STATUS_ACCESS_VIOLATION (0xC0000005). If the main thread wakes to find the
 * faulting thread gone and itself alive, it says FAIL and exits 0.
 */
#include "../fault.h"

static uint64_t fault_inner(uint64_t arg)
{
    FAULT_KEEP_FRAME();
    *(volatile uint64_t *)(uintptr_t)arg = 0xdead;
    return 0;
}

DORMER_NOINLINE static uint32_t fault_thread(uint64_t arg)
{
    return (uint32_t)fault_run("f_thread_fault", "a second thread writes to address 0x8", arg);
}

int main(void)
{
    dormer_handle_t h = 0;
    dormer_status_t st = DormerCreateThread(&h, fault_thread, 8, 0);
    int32_t status = STATUS_PENDING;

    if (!NT_SUCCESS(st)) {
        uprintf("f_thread_fault: FAIL: no thread (0x%08x)\n", (uint32_t)st);
        return 0;
    }
    /* Sleep in short naps; the kill should arrive during one of them. */
    for (int i = 0; i < 30 && status == STATUS_PENDING; i++) {
        DmDelayExecution(100);
        if (!NT_SUCCESS(DmQueryExitStatus(h, &status)))
            break;
    }
    uprintf("f_thread_fault: FAIL: survived (thread status 0x%08x)\n", (uint32_t)status);
    return 0;
}
