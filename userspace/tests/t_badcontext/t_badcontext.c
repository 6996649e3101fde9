/*
 * t_badcontext: NtContinue with a CONTEXT the kernel must refuse ends only the caller.
 * The parent runs one child per bad field (a non-canonical RIP, a kernel RIP, a kernel
 * RSP, the kernel's code selector, IOPL set in RFLAGS, a bad MXCSR) and checks each
 * ends with STATUS_INVALID_PARAMETER while the parent goes on; a child that resumes a
 * good captured CONTEXT once comes back to the capture point and exits 0.
 */
#include "../threads.h"

__declspec(dllimport) void RtlCaptureContext(struct dormer_context *ctx);

static const char *const bad_kinds[] = {"rip", "kernel_rip", "kernel_rsp", "cs", "iopl",
                                        "mxcsr"};

static struct dormer_context ctx;
static volatile int resumed;

static int child(const char *kind)
{
    RtlCaptureContext(&ctx);
    if (strcmp(kind, "good") == 0) {
        if (resumed++ == 0)
            NtContinue(&ctx, 0); /* back to just after the capture, once */
        uprintf("t_badcontext: good CONTEXT resumed (%d)\n", resumed);
        return 0;
    }
    if (strcmp(kind, "rip") == 0)
        ctx.rip = 0x8000000000000000ull;
    else if (strcmp(kind, "kernel_rip") == 0)
        ctx.rip = 0xffffffff80100000ull;
    else if (strcmp(kind, "kernel_rsp") == 0)
        ctx.gpr[4] = 0xffffc00000010000ull;
    else if (strcmp(kind, "cs") == 0)
        ctx.seg_cs = 0x08;
    else if (strcmp(kind, "iopl") == 0)
        ctx.eflags |= 0x3000;
    else if (strcmp(kind, "mxcsr") == 0)
        memset(ctx.flt_save + DORMER_FLT_SAVE_MXCSR, 0xff, 4);
    else
        return 2;
    dormer_status_t st = NtContinue(&ctx, 0);
    uprintf("t_badcontext: FAIL: NtContinue(%s) returned 0x%08x\n", kind, (unsigned)st);
    return 1;
}

int main(int argc, char **argv)
{
    char cmd[64];

    if (argc > 1)
        return child(argv[1]);
    for (unsigned i = 0; i < sizeof bad_kinds / sizeof bad_kinds[0]; i++) {
        char name[40];

        usnprintf(cmd, sizeof cmd, "t_badcontext.exe %s", bad_kinds[i]);
        int32_t status = threads_spawn_status(cmd);
        usnprintf(name, sizeof name, "bad_%s_ends_only_the_child", bad_kinds[i]);
        ulib_check(status == (int32_t)STATUS_INVALID_PARAMETER, name, "status 0x%08x",
                   (unsigned)status);
    }
    int32_t good = threads_spawn_status("t_badcontext.exe good");
    ulib_check(good == 0, "good_context_resumes", "status 0x%08x", (unsigned)good);
    return ulib_check_summary();
}
