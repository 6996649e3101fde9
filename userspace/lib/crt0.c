/*
 * The C start-up object linked first into every Dormer program. mainCRTStartup is the PE
 * entry point: a few instructions that end the frame-pointer chain and align the stack
 * (C cannot promise either), then crt_start splits the ANSI command line from the PEB into
 * argc/argv (in a static buffer, or in fresh pages when the line is long), runs main and
 * hands its result to NtTerminateProcess. Nothing returns: there is nothing to return to.
 */
#include <dormer.h>

#define CRT_STATIC_LINE 4096
#define CRT_STATIC_ARGS 256

int main(int argc, char **argv);

/*
 * The PE entry point, entered from the kernel with any rsp alignment and any rbp:
 * rbp = 0 ends user backtraces here, and crt_start is called as the x64 ABI wants it
 * (rsp 16-byte aligned before the call, 32 bytes of home space above the return address).
 */
void mainCRTStartup(void);
__asm__(".text\n"
        ".globl mainCRTStartup\n"
        ".def mainCRTStartup; .scl 2; .type 32; .endef\n"
        "mainCRTStartup:\n"
        "    xor %ebp, %ebp\n"
        "    and $-16, %rsp\n"
        "    sub $32, %rsp\n"
        "    call crt_start\n"
        "    ud2\n");

/* The C half of the entry point. */
__attribute__((noreturn, used)) void crt_start(void);

/* gcc calls __main at the top of main() on mingw targets: run the constructors there. */
void __main(void);

static char crt_line[CRT_STATIC_LINE];
static char *crt_argv[CRT_STATIC_ARGS + 1];

void __main(void)
{
    ulib_run_constructors();
}

/*
 * Room for the split line: the static buffers, or pages from the kernel. A line of n
 * bytes holds at most n / 2 + 1 words (each word but the last needs a separator).
 */
static int crt_buffers(size_t len, char **line, char ***argv, int *max_args)
{
    uint64_t words = len / 2 + 1;
    uint64_t base = 0, size;

    if (len < CRT_STATIC_LINE && words <= CRT_STATIC_ARGS) {
        *line = crt_line;
        *argv = crt_argv;
        *max_args = CRT_STATIC_ARGS;
        return 0;
    }
    size = len + 1 + (words + 1) * sizeof(char *);
    if (!NT_SUCCESS(DmAllocateVirtualMemory(&base, &size, MEM_RESERVE | MEM_COMMIT,
                                            PAGE_READWRITE)))
        return -1;
    *argv = (char **)(uintptr_t)base;
    *line = (char *)(uintptr_t)(base + (words + 1) * sizeof(char *));
    *max_args = (int)words;
    return 0;
}

void crt_start(void)
{
    const char *cmdline = DormerGetCommandLineA();
    size_t len = strlen(cmdline);
    char *line, **argv;
    int max_args, argc, ret;

    if (crt_buffers(len, &line, &argv, &max_args) < 0) {
        DormerWrite("crt0: no memory for the command line\n");
        NtTerminateProcess(DORMER_CURRENT_PROCESS, (uint32_t)STATUS_NO_MEMORY);
        __builtin_trap(); /* ud2: the kernel must never return here */
    }
    memcpy(line, cmdline, len + 1);
    argc = ulib_split_args(line, argv, max_args);
    ret = main(argc, argv);
    NtTerminateProcess(DORMER_CURRENT_PROCESS, (uint32_t)ret);
    __builtin_trap(); /* ud2: the kernel must never return here */
}
