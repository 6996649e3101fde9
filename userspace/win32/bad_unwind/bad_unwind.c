/* bad_unwind CASE: an exception raised below a function whose unwind data is corrupt,
 * inside an __except(1) further up (hand-written scope table: mingw's gcc has no __try).
 * No unwinder can walk past the corrupt frame, so the handler is never found and the
 * process must end with the exception's code (0xE0000BAD) and the kernel's report, not
 * hang or fault in the unwinder. CASE: version (UNWIND_INFO version 7), codes (an
 * unwind code running past CountOfCodes), opcode (an unknown unwind code), chain (a
 * chained entry that chains to itself), outside (the RUNTIME_FUNCTION's UNWIND_INFO
 * outside the image); good (the same with correct data: the __except block runs, exit
 * 0). Started by t_badunwind, one process per case; also a seed of the PE fuzzer. */
#include <windows.h>
#include <stdio.h>
#include <string.h>

typedef void (*callback)(void);
typedef void (*middle)(callback);
int guarded_call(middle fn, callback cb);
void corrupt_good(callback cb);
void corrupt_version(callback cb);
void corrupt_codes(callback cb);
void corrupt_opcode(callback cb);
void corrupt_chain(callback cb);
void corrupt_outside(callback cb);

static void raise_it(void)
{
    RaiseException(0xE0000BAD, 0, 0, NULL);
    printf("bad_unwind: FAIL: RaiseException returned\n");
}

int main(int argc, char **argv)
{
    static const char *const names[] = {"good", "version", "codes", "opcode", "chain", "outside"};
    static const middle fns[] = {corrupt_good, corrupt_version, corrupt_codes,
                                 corrupt_opcode, corrupt_chain, corrupt_outside};

    for (unsigned i = 0; argc > 1 && i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(argv[1], names[i]) == 0) {
            printf("bad_unwind: %s: raising below the frame\n", argv[1]);
            fflush(stdout);
            int r = guarded_call(fns[i], raise_it);
            printf("bad_unwind: %s: %s\n", argv[1], r ? "caught by __except" : "FAIL: not raised");
            return r ? 0 : 1;
        }
    }
    printf("usage: bad_unwind good|version|codes|opcode|chain|outside\n");
    return 2;
}

/* guarded_call(fn, cb): __try { fn(cb); } __except (EXCEPTION_EXECUTE_HANDLER) { return 1; }
 * Each corrupt_NAME(cb) is the same small function, `sub $40, %rsp; call *%rcx; ...`,
 * with its .pdata and .xdata written out by hand (after the C functions, so the
 * exception directory stays sorted). */
#define CORRUPT_FN(name)                                                                     \
    "    .globl corrupt_" #name "\n"                                                         \
    "    .def corrupt_" #name "; .scl 2; .type 32; .endef\n"                                 \
    "corrupt_" #name ":\n"                                                                   \
    "    subq $40, %rsp\n"                                                                   \
    "    call *%rcx\n"                                                                       \
    "    nop\n"                                                                              \
    "    addq $40, %rsp\n"                                                                   \
    "    ret\n"                                                                              \
    "corrupt_" #name "_end:\n"
__asm__(
    "    .text\n"
    "    .globl guarded_call\n"
    "    .def guarded_call; .scl 2; .type 32; .endef\n"
    "guarded_call:\n"
    "    .seh_proc guarded_call\n"
    "    .seh_handler __C_specific_handler, @except, @unwind\n"
    "    subq $40, %rsp\n"
    "    .seh_stackalloc 40\n"
    "    .seh_endprologue\n"
    "    movq %rcx, %rax\n"
    "    movq %rdx, %rcx\n"
    "guarded_begin:\n"
    "    call *%rax\n"
    "    nop\n"
    "guarded_end:\n"
    "    xorl %eax, %eax\n"
    "    addq $40, %rsp\n"
    "    ret\n"
    "guarded_except:\n"
    "    movl $1, %eax\n"
    "    addq $40, %rsp\n"
    "    ret\n"
    "    .seh_handlerdata\n"
    "    .long 1\n"
    "    .rva guarded_begin, guarded_end\n"
    "    .long 1\n"
    "    .rva guarded_except\n"
    "    .text\n"
    "    .seh_endproc\n"
    CORRUPT_FN(good)
    CORRUPT_FN(version)
    CORRUPT_FN(codes)
    CORRUPT_FN(opcode)
    CORRUPT_FN(chain)
    CORRUPT_FN(outside)
    /* UNWIND_INFO: version|flags<<3, prolog size, count of codes, frame register; codes. */
    "    .section .xdata\n"
    "    .p2align 2\n"
    "info_good:\n"
    "    .byte 0x01, 4, 1, 0\n"
    "    .byte 4, 0x42, 0, 0\n"           /* at +4: ALLOC_SMALL 40 */
    "info_version:\n"
    "    .byte 0x07, 4, 1, 0\n"           /* version 7 */
    "    .byte 4, 0x42, 0, 0\n"
    "info_codes:\n"
    "    .byte 0x01, 4, 1, 0\n"
    "    .byte 4, 0x01, 0, 0\n"           /* ALLOC_LARGE needs 2 slots; there is 1 */
    "info_opcode:\n"
    "    .byte 0x01, 4, 1, 0\n"
    "    .byte 4, 0x0b, 0, 0\n"           /* op 11: no such code */
    "info_chain:\n"
    "    .byte 0x21, 4, 0, 0\n"           /* version 1, UNW_FLAG_CHAININFO, no codes */
    "    .rva corrupt_chain, corrupt_chain_end, info_chain\n" /* chained to itself */
    "    .section .pdata\n"
    "    .p2align 2\n"
    "    .rva corrupt_good, corrupt_good_end, info_good\n"
    "    .rva corrupt_version, corrupt_version_end, info_version\n"
    "    .rva corrupt_codes, corrupt_codes_end, info_codes\n"
    "    .rva corrupt_opcode, corrupt_opcode_end, info_opcode\n"
    "    .rva corrupt_chain, corrupt_chain_end, info_chain\n"
    "    .rva corrupt_outside, corrupt_outside_end\n"
    "    .long 0x7ffffff0\n"              /* far outside the image */
    "    .text\n");
