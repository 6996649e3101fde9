/*
 * t_cmdline: the command line the kernel builds and crt0 splits. The harness starts it
 * as `t_cmdline alpha "beta gamma" 3`: argv[0] names the program (Windows convention)
 * and the quoted words arrive as one. Also checks the PEB's copy and ulib's splitter.
 */
#include <dormer.h>

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* argv[0] may be "t_cmdline", "T_CMDLINE.EXE" or carry a path: look for the name. */
static int names_this_program(const char *arg0)
{
    static const char want[] = "t_cmdline";
    size_t n = strlen(want);

    for (; *arg0; arg0++) {
        size_t i = 0;

        while (i < n && lower(arg0[i]) == want[i])
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

static void test_arguments(int argc, char **argv)
{
    uprintf("t_cmdline: command line \"%s\"\n", DormerGetCommandLineA());
    for (int i = 0; i < argc; i++)
        uprintf("t_cmdline: argv[%d] = \"%s\"\n", i, argv[i]);

    CHECK(argc == 4, "argc");
    if (argc != 4)
        return;
    CHECK(names_this_program(argv[0]), "argv0_names_program");
    CHECK(strcmp(argv[1], "alpha") == 0, "argv1");
    CHECK(strcmp(argv[2], "beta gamma") == 0, "argv2_quoted");
    CHECK(strcmp(argv[3], "3") == 0, "argv3");
    CHECK(argv[4] == NULL, "argv_terminated");
}

static void test_peb(void)
{
    struct dormer_peb *peb = DormerGetPeb();
    const struct dormer_process_parameters *params;
    const char *line = DormerGetCommandLineA();

    CHECK(peb != NULL && peb->process_parameters != 0, "peb_parameters");
    if (!peb || !peb->process_parameters)
        return;
    params = (const struct dormer_process_parameters *)(uintptr_t)peb->process_parameters;
    CHECK(params->command_line_ansi == (uint64_t)(uintptr_t)line, "peb_ansi_pointer");
    ulib_check(params->command_line_ansi_length == strlen(line), "peb_ansi_length",
               "field %llu, strlen %llu", (unsigned long long)params->command_line_ansi_length,
               (unsigned long long)strlen(line));
    CHECK(DormerGetTeb()->process_environment_block == (uint64_t)(uintptr_t)peb, "teb_peb");
    CHECK(DormerGetTeb()->self == (uint64_t)(uintptr_t)DormerGetTeb(), "teb_self");
}

static void test_splitter(void)
{
    char line[] = "  one\t\"two  three\"  \"\"  fo\"u r\"five ";
    char few[] = "a b c d";
    char *argv[8];
    int argc = ulib_split_args(line, argv, 7);

    CHECK(argc == 4, "split_count");
    if (argc != 4)
        return;
    CHECK(strcmp(argv[0], "one") == 0, "split_tab");
    CHECK(strcmp(argv[1], "two  three") == 0, "split_quotes_keep_spaces");
    CHECK(argv[2][0] == '\0', "split_empty_quotes");
    CHECK(strcmp(argv[3], "fou rfive") == 0, "split_quotes_mid_word");
    CHECK(argv[4] == NULL, "split_terminated");

    CHECK(ulib_split_args(few, argv, 2) == 2 && argv[2] == NULL, "split_max_args");
}

int main(int argc, char **argv)
{
    test_arguments(argc, argv);
    test_peb();
    test_splitter();
    return ulib_check_summary();
}
