/*
 * upper: a filter for pipes and redirection (`hello | upper`, `upper < file`): copies its
 * standard input to its standard output in capitals until the input ends. With arguments it copies nothing: it writes
 * "upper: ARGS" to its error output instead (for tests of 2> and 2>&1).
 */
#include <dormer.h>

int main(int argc, char **argv)
{
    char buf[256];
    uint64_t got = 0;

    if (argc > 1) {
        char msg[300];
        int n = usnprintf(msg, sizeof msg, "upper:");
        for (int i = 1; i < argc && n < (int)sizeof msg; i++)
            n += usnprintf(msg + n, sizeof msg - (size_t)n, " %s", argv[i]);
        if (n < (int)sizeof msg - 1)
            msg[n++] = '\n';
        DmWriteConsoleError(msg, (uint64_t)(n < (int)sizeof msg ? n : (int)sizeof msg - 1));
        return 0;
    }
    for (;;) {
        dormer_status_t st = DmReadConsoleInput(buf, sizeof buf, &got);
        if (st == STATUS_END_OF_FILE || !NT_SUCCESS(st) || got == 0)
            break;
        for (uint64_t i = 0; i < got; i++) {
            if (buf[i] >= 'a' && buf[i] <= 'z')
                buf[i] = (char)(buf[i] - 'a' + 'A');
            else if (buf[i] == '\r')
                buf[i] = '\n'; /* typed at the console: Enter */
        }
        if (!NT_SUCCESS(DmWriteConsole(buf, got)))
            break;
    }
    return 0;
}
