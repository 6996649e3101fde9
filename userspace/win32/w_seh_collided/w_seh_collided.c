/* Collided unwinds and RtlUnwindEx's target frame, return value and flags, as on
 * Windows x64. mingw's gcc has no __try, so the guarded functions are assembly with the
 * unwind data MSVC would emit (see w_seh_scope):
 *  1. RtlUnwindEx(target frame, target IP, NULL, 0x1234): each frame's unwind handler
 *     sees EXCEPTION_UNWINDING and STATUS_UNWIND, the target's EXCEPTION_TARGET_UNWIND
 *     too, and the target frame resumes at the IP with RAX = 0x1234.
 *  2. Hand-written handlers: an unwind handler that raises while its frame is unwound.
 *     The second exception's dispatch and unwind run into the first unwind and go on
 *     from the frame it had reached; that frame's handler is called again with
 *     EXCEPTION_COLLIDED_UNWIND, and the outer frame resumes with the second code.
 *  3. __C_specific_handler: __try { __try { raise } __finally { raise again } }
 *     __finally { ... } inside __try/__except: the second __finally runs once, after
 *     the collision, and the __except block gets the second code in RAX. */
#include <windows.h>
#include <stdio.h>

#define E_FIRST  0xE0000001u
#define E_SECOND 0xE0000002u
#define UNWINDING 0x02
#define TARGET_UNWIND 0x20
#define COLLIDED_UNWIND 0x40

void *t_frame, *m_frame;
extern char t_landing[], o_landing[];
typedef void (*body_fn)(void);
ULONG64 t_fn(body_fn body);
ULONG64 o_fn(body_fn body);
ULONG64 c_out(body_fn body);

/* The flags a handler sees, without those that only say where the dispatch is. */
static const char *flag_names(DWORD f)
{
    static char buf[64];

    snprintf(buf, sizeof buf, "%s%s%s%s", f & UNWINDING ? "unwinding" : "dispatch",
             f & TARGET_UNWIND ? "+target" : "", f & COLLIDED_UNWIND ? "+collided" : "",
             f & 0x10 ? "+nested" : "");
    return buf;
}

/* ---- 1: RtlUnwindEx to a frame ---- */

EXCEPTION_DISPOSITION t_handler(EXCEPTION_RECORD *rec, void *frame, CONTEXT *ctx,
                                DISPATCHER_CONTEXT *dc)
{
    (void)ctx;
    (void)dc;
    printf("  handler of %s frame: code %08lx, %s\n",
           frame == t_frame ? "the target" : frame == m_frame ? "the middle" : "another",
           rec->ExceptionCode, flag_names(rec->ExceptionFlags));
    return ExceptionContinueSearch;
}

/* Saves RBX and makes the 32 bytes of home space. */
#define PUSH_RBX_PROLOGUE                                                                  \
    "    pushq %rbx\n"                                                                     \
    "    .seh_pushreg %rbx\n"                                                              \
    "    subq $32, %rsp\n"                                                                 \
    "    .seh_stackalloc 32\n"                                                             \
    "    .seh_endprologue\n"

/* t_fn(body): calls t_mid(body) in a frame with t_handler; t_landing returns RAX. */
__asm__(
    "    .text\n"
    "    .globl t_fn\n"
    "    .globl t_landing\n"
    "t_fn:\n"
    "    .seh_proc t_fn\n"
    "    .seh_handler t_handler, @unwind\n"
    PUSH_RBX_PROLOGUE
    "    movq %rsp, t_frame(%rip)\n"
    "    movl $77, %ebx\n"
    "    call t_mid\n"
    "    nop\n"
    "    xorl %eax, %eax\n"
    "    addq $32, %rsp\n"
    "    popq %rbx\n"
    "    ret\n"
    "t_landing:\n"
    "    addq %rbx, %rax\n"  /* rbx restored by the unwind: 77 */
    "    addq $32, %rsp\n"
    "    popq %rbx\n"
    "    ret\n"
    "    .seh_endproc\n"
    "t_mid:\n"
    "    .seh_proc t_mid\n"
    "    .seh_handler t_handler, @unwind\n"
    PUSH_RBX_PROLOGUE
    "    movq %rsp, m_frame(%rip)\n"
    "    movl $5, %ebx\n"   /* clobbered here, put back by the unwind */
    "    call *%rcx\n"
    "    nop\n"
    "    addq $32, %rsp\n"
    "    popq %rbx\n"
    "    ret\n"
    "    .seh_endproc\n");

static void unwind_to_t(void)
{
    CONTEXT ctx;

    RtlUnwindEx(t_frame, t_landing, NULL, (void *)0x1234, &ctx, NULL);
    printf("  FAIL: RtlUnwindEx returned\n");
}

/* ---- 2: an unwind handler that raises ---- */

static int m_raised;

EXCEPTION_DISPOSITION m_handler(EXCEPTION_RECORD *rec, void *frame, CONTEXT *ctx,
                                DISPATCHER_CONTEXT *dc)
{
    (void)frame;
    (void)ctx;
    (void)dc;
    printf("  middle handler: code %08lx, %s\n", rec->ExceptionCode,
           flag_names(rec->ExceptionFlags));
    if ((rec->ExceptionFlags & UNWINDING) && !m_raised) {
        m_raised = 1;
        RaiseException(E_SECOND, 0, 0, NULL);
        printf("  FAIL: back from the raise in the unwind handler\n");
    }
    return ExceptionContinueSearch;
}

EXCEPTION_DISPOSITION o_handler(EXCEPTION_RECORD *rec, void *frame, CONTEXT *ctx,
                                DISPATCHER_CONTEXT *dc)
{
    (void)ctx;
    printf("  outer handler: code %08lx, %s\n", rec->ExceptionCode,
           flag_names(rec->ExceptionFlags));
    if (!(rec->ExceptionFlags & (UNWINDING | EXCEPTION_EXIT_UNWIND)))
        RtlUnwindEx(frame, o_landing, rec, (void *)(ULONG_PTR)rec->ExceptionCode,
                    dc->ContextRecord, dc->HistoryTable);
    return ExceptionContinueSearch;
}

/* o_fn(body): o_mid(body) in a frame with o_handler; o_landing returns RAX. */
__asm__(
    "    .globl o_fn\n"
    "    .globl o_landing\n"
    "o_fn:\n"
    "    .seh_proc o_fn\n"
    "    .seh_handler o_handler, @except, @unwind\n"
    "    subq $40, %rsp\n"
    "    .seh_stackalloc 40\n"
    "    .seh_endprologue\n"
    "    call o_mid\n"
    "    nop\n"
    "    xorl %eax, %eax\n"
    "    addq $40, %rsp\n"
    "    ret\n"
    "o_landing:\n"
    "    addq $40, %rsp\n"
    "    ret\n"
    "    .seh_endproc\n"
    "o_mid:\n"
    "    .seh_proc o_mid\n"
    "    .seh_handler m_handler, @except, @unwind\n"
    "    subq $40, %rsp\n"
    "    .seh_stackalloc 40\n"
    "    .seh_endprologue\n"
    "    call *%rcx\n"
    "    nop\n"
    "    addq $40, %rsp\n"
    "    ret\n"
    "    .seh_endproc\n");

static void raise_first(void)
{
    RaiseException(E_FIRST, 0, 0, NULL);
    printf("  FAIL: back from the first raise\n");
}

/* ---- 3: __finally that raises ---- */

void c_finally1(BOOLEAN abnormal, void *frame);
void c_finally2(BOOLEAN abnormal, void *frame);
LONG c_filter(EXCEPTION_POINTERS *p, void *frame);

/* c_mid(body): __try { __try { body(); } __finally { c_finally1 } } __finally { c_finally2 }
 * c_out(body): __try { c_mid(body); return 0; } __except (c_filter) { return code; } */
__asm__(
    "c_mid:\n"
    "    .seh_proc c_mid\n"
    "    .seh_handler __C_specific_handler, @except, @unwind\n"
    "    subq $40, %rsp\n"
    "    .seh_stackalloc 40\n"
    "    .seh_endprologue\n"
    "cm_outer_begin:\n"
    "    nop\n"
    "cm_inner_begin:\n"
    "    call *%rcx\n"
    "    nop\n"
    "cm_inner_end:\n"
    "    xorl %ecx, %ecx\n"
    "    movq %rsp, %rdx\n"
    "    call c_finally1\n"
    "    nop\n"
    "cm_outer_end:\n"
    "    xorl %ecx, %ecx\n"
    "    movq %rsp, %rdx\n"
    "    call c_finally2\n"
    "    nop\n"
    "    addq $40, %rsp\n"
    "    ret\n"
    "    .seh_handlerdata\n"
    "    .long 2\n"
    "    .rva cm_inner_begin, cm_inner_end, c_finally1\n"
    "    .long 0\n"
    "    .rva cm_outer_begin, cm_outer_end, c_finally2\n"
    "    .long 0\n"
    "    .text\n"
    "    .seh_endproc\n"
    "    .globl c_out\n"
    "c_out:\n"
    "    .seh_proc c_out\n"
    "    .seh_handler __C_specific_handler, @except, @unwind\n"
    "    subq $40, %rsp\n"
    "    .seh_stackalloc 40\n"
    "    .seh_endprologue\n"
    "co_begin:\n"
    "    call c_mid\n"
    "    nop\n"
    "co_end:\n"
    "    xorl %eax, %eax\n"
    "    addq $40, %rsp\n"
    "    ret\n"
    "co_except:\n"
    "    addq $40, %rsp\n"   /* RAX: the exception code, from __C_specific_handler */
    "    ret\n"
    "    .seh_handlerdata\n"
    "    .long 1\n"
    "    .rva co_begin, co_end, c_filter, co_except\n"
    "    .text\n"
    "    .seh_endproc\n");

static int finally1_runs, finally2_runs;

void c_finally1(BOOLEAN abnormal, void *frame)
{
    (void)frame;
    printf("  inner __finally (abnormal %d), run %d\n", abnormal, ++finally1_runs);
    if (abnormal && finally1_runs == 1) {
        RaiseException(E_SECOND, 0, 0, NULL);
        printf("  FAIL: back from the raise in __finally\n");
    }
}

void c_finally2(BOOLEAN abnormal, void *frame)
{
    (void)frame;
    printf("  outer __finally (abnormal %d), run %d\n", abnormal, ++finally2_runs);
}

LONG c_filter(EXCEPTION_POINTERS *p, void *frame)
{
    (void)frame;
    printf("  __except filter: code %08lx, %s\n", p->ExceptionRecord->ExceptionCode,
           flag_names(p->ExceptionRecord->ExceptionFlags));
    return EXCEPTION_EXECUTE_HANDLER;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("1: RtlUnwindEx to a target frame\n");
    ULONG64 r = t_fn(unwind_to_t);
    printf("  target frame resumed: RAX + restored RBX = %#llx\n", (unsigned long long)r);

    printf("2: an unwind handler raises\n");
    r = o_fn(raise_first);
    printf("  outer frame resumed with RAX %08llx\n", (unsigned long long)r);

    printf("3: __finally raises\n");
    r = c_out(raise_first);
    printf("  __except block got %08llx; inner __finally ran %d, outer %d\n",
           (unsigned long long)r, finally1_runs, finally2_runs);
    return 0;
}
