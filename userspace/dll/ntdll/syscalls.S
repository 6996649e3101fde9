/*
 * ntdll's system-call stubs, one per line of <abi/syscalls.def>, each exactly Windows'
 * `mov r10, rcx; mov eax, N; syscall; ret`: the x64 calling convention already has
 * arguments 2-4 in rdx/r8/r9 and 5-8 at rsp+0x28, and syscall clobbers rcx, hence r10.
 * Every stub is exported by name through a .drectve "-export:" entry, so the export
 * list is generated from the same X-macro as the kernel's dispatch table.
 */

/* A COFF function symbol (type 0x20) so user backtraces name the stub. */
#define FUNCTION(name)                                                                      \
    .globl name;                                                                            \
    .def name; .scl 2; .type 32; .endef;                                                    \
    .p2align 4;                                                                             \
    name:

#define EXPORT(name)                                                                        \
    .section .drectve;                                                                      \
    .ascii " -export:", #name;                                                              \
    .text

#define SYSCALL(number, name, nargs)                                                        \
    FUNCTION(name)                                                                          \
    mov %rcx, %r10;                                                                         \
    mov $(number), %eax;                                                                    \
    syscall;                                                                                \
    ret;                                                                                    \
    EXPORT(name)

    .text
#include <abi/syscalls.def>

/*
 * DormerRawSyscall(number, a1, a2, a3, a4): any number, for tests of the dispatcher.
 * In: rcx = number, rdx/r8/r9 = a1-a3, a4 at rsp+0x28 (the caller's fifth argument).
 * The kernel then reads its own arguments 5-8 from rsp+0x28.. as for any stub.
 */
FUNCTION(DormerRawSyscall)
    mov %rcx, %rax
    mov %rdx, %r10
    mov %r8, %rdx
    mov %r9, %r8
    mov 0x28(%rsp), %r9
    syscall
    ret
EXPORT(DormerRawSyscall)
