/* RtlCaptureStackBackTrace and RtlPcToFileHeader as a stock program uses them: the
 * addresses of a call chain main -> outer -> middle -> inner seen from inner (with
 * frames skipped and a short buffer), that a hash is given, and the image that
 * holds a code address (the program, kernel32, none for a stack address). */
#include <windows.h>
#include <stdio.h>

static void *trace[16];
static ULONG hash;
static USHORT got;

static const char *where(void *pc);

static void __attribute__((noinline)) inner(DWORD skip, DWORD count)
{
    got = RtlCaptureStackBackTrace(skip, count, trace, &hash);
}

static void __attribute__((noinline)) middle(DWORD skip, DWORD count)
{
    inner(skip, count);
    __asm__ volatile("nop"); /* keep the return address inside middle */
}

static void __attribute__((noinline)) outer(DWORD skip, DWORD count)
{
    middle(skip, count);
    __asm__ volatile("nop");
}

/* Which of the three functions pc is in: the one starting last at or below it. */
static const char *where(void *pc)
{
    static const struct { void *fn; const char *name; } fns[] = {
        { (void *)inner, "inner" }, { (void *)middle, "middle" }, { (void *)outer, "outer" },
    };
    const char *name = "elsewhere";
    char *best = NULL;

    for (int i = 0; i < 3; i++) {
        char *f = fns[i].fn;
        if ((char *)pc > f && (char *)pc < f + 0x100 && f > best) {
            best = f;
            name = fns[i].name;
        }
    }
    return name;
}

static void show(DWORD skip, DWORD count)
{
    hash = 0;
    outer(skip, count);
    /* How deep the start-up code is differs from system to system. */
    if (got == count)
        printf("skip %lu count %lu: %u frames:", skip, count, got);
    else
        printf("skip %lu count %lu: the whole stack:", skip, count);
    for (USHORT i = 0; i < got && i < 3; i++)
        printf(" %s", where(trace[i]));
    printf("; hash %s\n", hash ? "written" : "not written");
}

int main(void)
{
    show(0, 3);
    show(1, 2);
    show(0, 16);
    printf("more frames with room: %s\n", got > 4 ? "yes" : "no");

    void *base = (void *)1;
    void *r = RtlPcToFileHeader((void *)main, &base);
    printf("main: %s\n", r == GetModuleHandleA(NULL) && base == r ? "in the program" : "wrong");
    void *k32 = GetModuleHandleA("kernel32.dll");
    void *fn = (void *)GetProcAddress(k32, "GetTickCount");
    r = RtlPcToFileHeader(fn, &base);
    printf("GetTickCount: %s\n", r == k32 && base == k32 ? "in kernel32" : "wrong");
    int local = 0;
    base = (void *)1;
    r = RtlPcToFileHeader(&local, &base);
    printf("a stack address: %s\n", !r && !base ? "in no image" : "wrong");
    return 0;
}
