/*
 * f_divide: an integer division by a zero the compiler cannot see. Expected: killed with
 * STATUS_INTEGER_DIVIDE_BY_ZERO (0xC0000094).
 */
#include "../fault.h"

static volatile int32_t zero;

static uint64_t fault_inner(uint64_t arg)
{
    FAULT_KEEP_FRAME();
    return (uint64_t)((int32_t)arg / zero);
}

int main(void)
{
    return fault_run("f_divide", "dividing by zero", 42);
}
