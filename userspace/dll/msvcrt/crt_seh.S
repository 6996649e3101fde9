/*
 * msvcrt's __C_specific_handler: on Windows x64 the one implementation is ntdll's and
 * the CRT's export reaches it; here a jump through msvcrt's import of it (msvcrt.def
 * exports crt_C_specific_handler under the Windows name), so the handler sees its
 * caller's arguments and frame untouched.
 */
    .text
    .globl crt_C_specific_handler
    .def crt_C_specific_handler; .scl 2; .type 32; .endef
    .p2align 4
crt_C_specific_handler:
    jmp *__imp___C_specific_handler(%rip)
