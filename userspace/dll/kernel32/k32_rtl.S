/*
 * kernel32's Rtl* exports (Windows forwards them to ntdll; Dormer's loader binds only
 * real entry points): each is a jump through kernel32's import of ntdll's function, so
 * the caller's frame and registers reach ntdll untouched (RtlCaptureContext captures
 * its caller, not a wrapper). kernel32.def exports each k32_NAME as NAME.
 */
#define JUMP_TO_NTDLL(name)                                                                 \
    .globl k32_##name;                                                                      \
    .def k32_##name; .scl 2; .type 32; .endef;                                              \
    .p2align 4;                                                                             \
k32_##name:                                                                                 \
    jmp *__imp_##name(%rip)

    .text
JUMP_TO_NTDLL(RtlCaptureContext)
JUMP_TO_NTDLL(RtlLookupFunctionEntry)
JUMP_TO_NTDLL(RtlVirtualUnwind)
JUMP_TO_NTDLL(RtlUnwindEx)
JUMP_TO_NTDLL(RtlUnwind)
JUMP_TO_NTDLL(RtlRestoreContext)
JUMP_TO_NTDLL(RtlPcToFileHeader)
JUMP_TO_NTDLL(RtlAddFunctionTable)
JUMP_TO_NTDLL(RtlDeleteFunctionTable)
JUMP_TO_NTDLL(RtlCaptureStackBackTrace)
JUMP_TO_NTDLL(__C_specific_handler)
