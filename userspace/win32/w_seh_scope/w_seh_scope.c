/* __C_specific_handler as MSVC's __try/__except/__finally use it. mingw's gcc has no
 * __try, so the guarded functions are written in assembly here with the scope tables
 * MSVC would emit: seh_run has a __try/__finally inside a __try/__except(run_filter),
 * seh_outer a __try/__except(outer_filter) around a call of seh_run, seh_const an
 * __except(1). Checks the order of filters, __finally blocks and __except blocks, the
 * filter's frame argument, continue-execution, and an exception raised in a filter
 * (EXCEPTION_NESTED_CALL). */
#include <windows.h>
#include <stdio.h>

typedef void (*body_fn)(void);
int seh_run(body_fn body);
int seh_outer(body_fn body);
int seh_const(body_fn body);
LONG run_filter(EXCEPTION_POINTERS *p, void *frame);
LONG outer_filter(EXCEPTION_POINTERS *p, void *frame);
void run_finally(BOOLEAN abnormal, void *frame);

void *run_frame, *outer_frame;
static LONG run_answer, outer_answer;
static int nest, resumed;

/* seh_run(body): __try { __try { body(); } __finally { run_finally } }
 *                __except (run_filter) { return 1; }  return 0; */
__asm__(
    "    .text\n"
    "    .globl seh_run\n"
    "    .def seh_run; .scl 2; .type 32; .endef\n"
    "seh_run:\n"
    "    .seh_proc seh_run\n"
    "    .seh_handler __C_specific_handler, @except, @unwind\n"
    "    subq $40, %rsp\n"
    "    .seh_stackalloc 40\n"
    "    .seh_endprologue\n"
    "    movq %rsp, run_frame(%rip)\n"
    "run_outer_begin:\n"
    "    nop\n"
    "run_inner_begin:\n"
    "    call *%rcx\n"
    "    nop\n"
    "run_inner_end:\n"
    "    xorl %ecx, %ecx\n"
    "    movq %rsp, %rdx\n"
    "    call run_finally\n"
    "    nop\n"
    "run_outer_end:\n"
    "    xorl %eax, %eax\n"
    "    addq $40, %rsp\n"
    "    ret\n"
    "run_except:\n"
    "    movl $1, %eax\n"
    "    addq $40, %rsp\n"
    "    ret\n"
    "    .seh_handlerdata\n"
    "    .long 2\n"
    "    .rva run_inner_begin, run_inner_end, run_finally\n"
    "    .long 0\n"
    "    .rva run_outer_begin, run_outer_end, run_filter, run_except\n"
    "    .text\n"
    "    .seh_endproc\n");

/* seh_outer(body): __try { return 10 + seh_run(body); } __except (outer_filter) { return 2; } */
__asm__(
    "    .globl seh_outer\n"
    "    .def seh_outer; .scl 2; .type 32; .endef\n"
    "seh_outer:\n"
    "    .seh_proc seh_outer\n"
    "    .seh_handler __C_specific_handler, @except, @unwind\n"
    "    pushq %rbx\n"
    "    .seh_pushreg %rbx\n"
    "    subq $32, %rsp\n"
    "    .seh_stackalloc 32\n"
    "    .seh_endprologue\n"
    "    movq %rsp, outer_frame(%rip)\n"
    "    movl $10, %ebx\n"
    "outer_begin:\n"
    "    call seh_run\n"
    "    nop\n"
    "outer_end:\n"
    "    addl %ebx, %eax\n"
    "    addq $32, %rsp\n"
    "    popq %rbx\n"
    "    ret\n"
    "outer_except:\n"
    "    movl $2, %eax\n"
    "    addq $32, %rsp\n"
    "    popq %rbx\n"
    "    ret\n"
    "    .seh_handlerdata\n"
    "    .long 1\n"
    "    .rva outer_begin, outer_end, outer_filter, outer_except\n"
    "    .text\n"
    "    .seh_endproc\n");

/* seh_const(body): __try { body(); } __except (EXCEPTION_EXECUTE_HANDLER) { return 1; } return 0; */
__asm__(
    "    .globl seh_const\n"
    "    .def seh_const; .scl 2; .type 32; .endef\n"
    "seh_const:\n"
    "    .seh_proc seh_const\n"
    "    .seh_handler __C_specific_handler, @except, @unwind\n"
    "    subq $40, %rsp\n"
    "    .seh_stackalloc 40\n"
    "    .seh_endprologue\n"
    "const_begin:\n"
    "    call *%rcx\n"
    "    nop\n"
    "const_end:\n"
    "    xorl %eax, %eax\n"
    "    addq $40, %rsp\n"
    "    ret\n"
    "const_except:\n"
    "    movl $1, %eax\n"
    "    addq $40, %rsp\n"
    "    ret\n"
    "    .seh_handlerdata\n"
    "    .long 1\n"
    "    .rva const_begin, const_end\n"
    "    .long 1\n"
    "    .rva const_except\n"
    "    .text\n"
    "    .seh_endproc\n");

LONG run_filter(EXCEPTION_POINTERS *p, void *frame)
{
    DWORD code = p->ExceptionRecord->ExceptionCode;

    printf("  run_filter: code %08lx flags %lx frame %s\n", code,
           p->ExceptionRecord->ExceptionFlags, frame == run_frame ? "ok" : "wrong");
    if (nest && code == EXCEPTION_ACCESS_VIOLATION) {
        nest = 0;
        RaiseException(0xE0000002, 0, 0, NULL);
        printf("  run_filter: FAIL: back from the nested raise\n");
    }
    if (code == 0xE0000002)
        return EXCEPTION_CONTINUE_SEARCH;
    return run_answer;
}

LONG outer_filter(EXCEPTION_POINTERS *p, void *frame)
{
    printf("  outer_filter: code %08lx flags %lx frame %s\n", p->ExceptionRecord->ExceptionCode,
           p->ExceptionRecord->ExceptionFlags, frame == outer_frame ? "ok" : "wrong");
    return outer_answer;
}

void run_finally(BOOLEAN abnormal, void *frame)
{
    printf("  run_finally: abnormal %d frame %s\n", abnormal, frame == run_frame ? "ok" : "wrong");
}

static void body_normal(void)
{
    printf("  body: returns\n");
}

static void body_av(void)
{
    printf("  body: writes through NULL\n");
    *(volatile int *)0 = 1;
    printf("  body: FAIL: after the fault\n");
}

static void body_raise(void)
{
    printf("  body: raises e0000001\n");
    RaiseException(0xE0000001, 0, 0, NULL);
    resumed++;
    printf("  body: resumed after the raise\n");
}

static void body_trap(void)
{
    printf("  body: executes ud2\n");
    __builtin_trap();
}

int main(void)
{
    printf("normal:\n");
    printf("-> %d\n", seh_outer(body_normal));

    printf("caught by run's __except:\n");
    run_answer = EXCEPTION_EXECUTE_HANDLER;
    printf("-> %d\n", seh_outer(body_av));

    printf("run's filter searches on, outer's catches:\n");
    run_answer = EXCEPTION_CONTINUE_SEARCH;
    outer_answer = EXCEPTION_EXECUTE_HANDLER;
    printf("-> %d\n", seh_outer(body_av));

    printf("continue execution:\n");
    run_answer = EXCEPTION_CONTINUE_EXECUTION;
    int r = seh_outer(body_raise);
    printf("-> %d (resumed %d)\n", r, resumed);

    printf("exception in a filter:\n");
    run_answer = EXCEPTION_EXECUTE_HANDLER;
    nest = 1;
    printf("-> %d\n", seh_outer(body_av));

    printf("__except(1):\n");
    printf("-> %d\n", seh_const(body_trap));
    printf("-> %d\n", seh_const(body_normal));
    printf("done\n");
    return 0;
}
