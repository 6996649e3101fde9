/*
 * The user-mode ends of exception dispatch: KiUserExceptionDispatcher, where the
 * kernel resumes a thread that faulted (RSP at the CONTEXT it pushed, the
 * EXCEPTION_RECORD at +0x4f0, the machine frame at +0x590: abi/exception.h), and
 * RtlCaptureContext. The dispatcher's unwind info describes that frame (a machine
 * frame, then 0x590 bytes), so unwinding through it reaches the faulting frame. As on
 * Windows the kernel enters it with the fault's non-volatile registers, which the
 * dispatcher's own frames save and an unwind restores.
 */
#define FUNCTION(name)                                                                      \
    .globl name;                                                                            \
    .def name; .scl 2; .type 32; .endef;                                                    \
    .p2align 4;                                                                             \
    name:

#define EXPORT(name)                                                                        \
    .section .drectve;                                                                      \
    .ascii " -export:", #name;                                                              \
    .text

/* A function that calls its fifth argument (the handler) with the first four, keeping
 * the fourth (the DISPATCHER_CONTEXT) at 0x20 in its frame for its own handler. */
#define HANDLER_CALL(name, handler, ...)                                                   \
    FUNCTION(name)                                                                          \
    .seh_proc name;                                                                         \
    .seh_handler handler, __VA_ARGS__;                                                      \
    subq $0x38, %rsp;                                                                       \
    .seh_stackalloc 0x38;                                                                   \
    .seh_endprologue;                                                                       \
    movq %r9, 0x20(%rsp);                                                                   \
    call *0x60(%rsp);                                                                       \
    nop;                                                                                    \
    addq $0x38, %rsp;                                                                       \
    ret;                                                                                    \
    .seh_endproc

    .text
FUNCTION(KiUserExceptionDispatcher)
    .seh_proc KiUserExceptionDispatcher
    .seh_pushframe
    .seh_stackalloc 0x590
    .seh_endprologue
    cld
    leaq 0x4f0(%rsp), %rcx              /* EXCEPTION_RECORD */
    movq %rsp, %rdx                     /* CONTEXT (its P1Home-P4Home are the home space) */
    call ntdll_dispatch_user_exception  /* ends in NtContinue or NtRaiseException */
    int3
    .seh_endproc
EXPORT(KiUserExceptionDispatcher)

/*
 * int ntdll_call_handler(rec, frame, ctx, dc, handler): handler(rec, frame, ctx, dc), with
 * dc kept at 0x20 in this frame. Its own handler (ntdll_nested_handler) reads it there
 * when an exception raised inside the handler (in an __except filter, say) is dispatched
 * through this frame: Windows' RtlpExecuteHandlerForException.
 */
HANDLER_CALL(ntdll_call_handler, ntdll_nested_handler, @except)

/*
 * int ntdll_call_unwind_handler(rec, frame, ctx, dc, handler): the same for RtlUnwindEx's
 * calls of unwind handlers (Windows' RtlpExecuteHandlerForUnwind). Its frame's handler,
 * ntdll_collided_handler (unwind_ex.c), answers ExceptionCollidedUnwind to any dispatch
 * or unwind that reaches it, so a __finally or destructor that raises, and the unwind
 * that exception starts, go on from the frame this unwind had reached.
 */
HANDLER_CALL(ntdll_call_unwind_handler, ntdll_collided_handler, @except, @unwind)

/* void RtlCaptureContext(CONTEXT *ctx): the caller's registers at the return address. */
FUNCTION(RtlCaptureContext)
    .seh_proc RtlCaptureContext
    pushfq
    .seh_stackalloc 8
    .seh_endprologue
    movq %rax, 0x78(%rcx)
    movq %rcx, 0x80(%rcx)
    movq %rdx, 0x88(%rcx)
    movq %rbx, 0x90(%rcx)
    leaq 16(%rsp), %rax
    movq %rax, 0x98(%rcx)               /* the caller's RSP after the return */
    movq %rbp, 0xa0(%rcx)
    movq %rsi, 0xa8(%rcx)
    movq %rdi, 0xb0(%rcx)
    movq %r8, 0xb8(%rcx)
    movq %r9, 0xc0(%rcx)
    movq %r10, 0xc8(%rcx)
    movq %r11, 0xd0(%rcx)
    movq %r12, 0xd8(%rcx)
    movq %r13, 0xe0(%rcx)
    movq %r14, 0xe8(%rcx)
    movq %r15, 0xf0(%rcx)
    movq 8(%rsp), %rax
    movq %rax, 0xf8(%rcx)               /* Rip: the return address */
    movw %cs, 0x38(%rcx)
    movw %ds, 0x3a(%rcx)
    movw %es, 0x3c(%rcx)
    movw %fs, 0x3e(%rcx)
    movw %gs, 0x40(%rcx)
    movw %ss, 0x42(%rcx)
    movq (%rsp), %rax
    movl %eax, 0x44(%rcx)               /* EFlags */
    fxsave64 0x100(%rcx)
    stmxcsr 0x34(%rcx)
    movl $0x10000f, 0x30(%rcx)          /* CONTEXT_FULL | CONTEXT_SEGMENTS */
    movq 0x78(%rcx), %rax
    popfq
    ret
    .seh_endproc
EXPORT(RtlCaptureContext)
