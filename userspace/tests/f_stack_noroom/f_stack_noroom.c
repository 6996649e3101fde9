/*
 * f_stack_noroom: a stack overflow with no room left for a handler. The first overflow
 * is delivered (a vectored handler sees STATUS_STACK_OVERFLOW, running on the last room
 * of the reserve); the handler then recurses again without re-arming the guard page, so
 * the second overflow finds no stack at all. Expected: killed with STATUS_STACK_OVERFLOW
 * (0xC00000FD) and the kernel's report, never a hang or a kernel fault.
 */
#include "../fault.h"
#include "../recurse.h"

static volatile int delivered;

struct exception_pointers {
    struct dormer_exception_record *record;
    struct dormer_context *context;
};
__declspec(dllimport) void *RtlAddVectoredExceptionHandler(uint32_t first,
                                                            int32_t (*fn)(struct exception_pointers *));

static int32_t on_overflow(struct exception_pointers *e)
{
    if (e->record->code != (uint32_t)STATUS_STACK_OVERFLOW || delivered++)
        return 0; /* EXCEPTION_CONTINUE_SEARCH */
    uprintf("f_stack_noroom: overflow delivered; recursing again in the handler\n");
    return (int32_t)recurse(1);
}

static uint64_t fault_inner(uint64_t arg)
{
    FAULT_KEEP_FRAME();
    return recurse(arg);
}

int main(void)
{
    RtlAddVectoredExceptionHandler(1, on_overflow);
    return fault_run("f_stack_noroom", "recursing without end, then again in the handler", 1);
}
