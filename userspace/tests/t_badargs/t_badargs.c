/*
 * t_badargs: every system call that takes a pointer, given pointers the kernel must
 * refuse (NULL, kernel, unmapped, non-canonical, reserved-only, read-only for output,
 * straddling the top of user space), lengths that are huge or wrap, bad handles, classes
 * and call numbers, the native file calls among them. Each must fail with the right
 * NTSTATUS and change nothing; none may crash the kernel or this process. Exit 0 when
 * all pass.
 */
#include <dormer.h>

#define PAGE 4096ull
#define USER_TOP 0x00007ffffffff000ull

/* A handle no process has (handles are small; this is neither small nor -1). */
#define BOGUS_HANDLE 0x0000dead0000beefull

static const struct {
    const char *name;
    uint64_t addr;
} bad_pointers[] = {
    {"null", 0},
    {"low", 8},
    {"kernel_direct_map", 0xffff800000000000ull},
    {"kernel_image", 0xffffffff80100000ull},
    {"unmapped", 0x10000000ull},
    {"non_canonical", 0x8000000000000000ull},
    {"top_of_user", USER_TOP - 8}, /* 16-byte accesses straddle USER_END */
    {"reserved_only", 0},          /* filled in by main: reserved, never committed */
};
#define NUM_BAD (sizeof(bad_pointers) / sizeof(bad_pointers[0]))

static uint64_t bad_ptr[NUM_BAD];
static uint64_t readonly_page; /* committed, then made PAGE_READONLY */
static char buf[64];

/* A refused pointer or range: STATUS_ACCESS_VIOLATION or STATUS_INVALID_PARAMETER. */
static void expect_refused(dormer_status_t st, const char *call, const char *what)
{
    char name[96];

    usnprintf(name, sizeof(name), "%s_%s", call, what);
    ulib_check(st == STATUS_ACCESS_VIOLATION || st == STATUS_INVALID_PARAMETER, name,
               "status 0x%08x", (uint32_t)st);
}

static void expect_status(dormer_status_t st, dormer_status_t want, const char *call,
                          const char *what)
{
    char name[96];

    usnprintf(name, sizeof(name), "%s_%s", call, what);
    ulib_check(st == want, name, "status 0x%08x, expected 0x%08x", (uint32_t)st, (uint32_t)want);
}

/* A check named CALL_WHAT, like the two above. */
static void expect_true(int ok, const char *call, const char *what)
{
    char name[96];

    usnprintf(name, sizeof(name), "%s_%s", call, what);
    ulib_check(ok, name, "condition false");
}

static uint64_t alloc(uint64_t size, uint32_t type)
{
    uint64_t base = 0;

    if (!NT_SUCCESS(DmAllocateVirtualMemory(&base, &size, type, PAGE_READWRITE)))
        return 0;
    return base;
}

static void release(uint64_t base)
{
    uint64_t size = 0;

    DmFreeVirtualMemory(&base, &size, MEM_RELEASE);
}

static uint32_t protect_of(uint64_t addr)
{
    struct dormer_memory_info mi;

    if (!NT_SUCCESS(DmQueryVirtualMemory(addr, &mi, sizeof(mi))))
        return 0xffffffffu;
    return mi.protect;
}

static dormer_handle_t open_hello(void)
{
    dormer_handle_t h = 0;

    if (!NT_SUCCESS(ulib_open("C:\\Windows\\System32\\hello.exe", DORMER_GENERIC_READ, 0, &h)))
        return 0;
    return h;
}

/* Each pointer argument in turn replaced by each bad pointer; the others stay valid. */
static void test_bad_pointers(void)
{
    dormer_handle_t file = open_hello();

    CHECK(file != 0, "open_hello_for_tests");
    for (size_t i = 0; i < NUM_BAD; i++) {
        const char *what = bad_pointers[i].name;
        uint64_t p = bad_ptr[i];
        uint64_t region, base, size, n;
        uint32_t old;

        expect_refused(DmWriteConsole((const char *)(uintptr_t)p, 16), "write_console_buf",
                       what);
        /* Must be refused before the call waits for input. */
        expect_refused(DmReadConsole((char *)(uintptr_t)p, 16, &n), "read_console_buf", what);
        expect_refused(DmReadConsole(buf, 16, (uint64_t *)(uintptr_t)p), "read_console_count",
                       what);
        expect_refused(DmQueryUptime((uint64_t *)(uintptr_t)p), "query_time", what);

        size = PAGE;
        expect_refused(DmAllocateVirtualMemory((uint64_t *)(uintptr_t)p, &size, MEM_RESERVE,
                                               PAGE_READWRITE),
                       "allocate_base_ptr", what);
        base = 0;
        expect_refused(DmAllocateVirtualMemory(&base, (uint64_t *)(uintptr_t)p, MEM_RESERVE,
                                               PAGE_READWRITE),
                       "allocate_size_ptr", what);

        region = alloc(PAGE, MEM_RESERVE | MEM_COMMIT);
        size = 0;
        expect_refused(DmFreeVirtualMemory((uint64_t *)(uintptr_t)p, &size, MEM_RELEASE),
                       "free_base_ptr", what);
        base = region;
        expect_refused(DmFreeVirtualMemory(&base, (uint64_t *)(uintptr_t)p, MEM_RELEASE),
                       "free_size_ptr", what);
        expect_true(protect_of(region) == PAGE_READWRITE, "free_refused_kept_region", what);

        size = PAGE;
        expect_refused(DmProtectVirtualMemory((uint64_t *)(uintptr_t)p, &size, PAGE_READONLY,
                                              &old),
                       "protect_base_ptr", what);
        base = region;
        expect_refused(DmProtectVirtualMemory(&base, (uint64_t *)(uintptr_t)p, PAGE_READONLY,
                                              &old),
                       "protect_size_ptr", what);
        base = region;
        size = PAGE;
        expect_refused(DmProtectVirtualMemory(&base, &size, PAGE_READONLY,
                                              (uint32_t *)(uintptr_t)p),
                       "protect_old_ptr", what);
        expect_true(protect_of(region) == PAGE_READWRITE, "protect_refused_kept_rw", what);
        release(region);

        expect_refused(DmQueryVirtualMemory((uint64_t)(uintptr_t)buf,
                                            (struct dormer_memory_info *)(uintptr_t)p,
                                            sizeof(struct dormer_memory_info)),
                       "query_vm_out", what);

        /* A read-only boot file at its position (test_file_calls uses offsets). */
        if (file) {
            expect_refused(DmReadFile(file, (void *)(uintptr_t)p, 16, NULL, &n),
                           "read_file_buf", what);
            expect_refused(DmReadFile(file, buf, 16, NULL, (uint64_t *)(uintptr_t)p),
                           "read_file_count", what);
            expect_refused(DmQueryInformationFile(file, DORMER_FILE_STANDARD_INFO,
                                                  (void *)(uintptr_t)p,
                                                  sizeof(struct dormer_file_standard)),
                           "query_file_out", what);
        }
        expect_refused(DmQuerySystemInformation(DORMER_INFO_MEMORY, (void *)(uintptr_t)p,
                                                sizeof(struct dormer_memory_counters)),
                       "query_system_out", what);
    }
    if (file)
        NtClose(file);
}

/* Output parameters in a page the process may read but not write. */
static void test_readonly_outputs(void)
{
    uint64_t ro = readonly_page, n;
    dormer_handle_t file = open_hello();

    expect_refused(DmQueryUptime((uint64_t *)(uintptr_t)ro), "query_time", "readonly");
    expect_refused(DmQueryVirtualMemory((uint64_t)(uintptr_t)buf,
                                        (struct dormer_memory_info *)(uintptr_t)ro,
                                        sizeof(struct dormer_memory_info)),
                   "query_vm_out", "readonly");
    expect_refused(DmQuerySystemInformation(DORMER_INFO_MEMORY, (void *)(uintptr_t)ro,
                                            sizeof(struct dormer_memory_counters)),
                   "query_system_out", "readonly");
    expect_refused(DmReadConsole((char *)(uintptr_t)ro, 16, &n), "read_console_buf",
                   "readonly");
    if (file) {
        expect_refused(DmReadFile(file, (void *)(uintptr_t)ro, 16, NULL, &n), "read_file_buf",
                       "readonly");
        NtClose(file);
    }
    CHECK(*(volatile uint64_t *)(uintptr_t)ro == 0, "readonly_page_untouched");
}

/* Valid pointers with lengths that run out of user space or wrap around. */
static void test_lengths(void)
{
    uint64_t b = (uint64_t)(uintptr_t)buf, n;
    uint64_t wrap = 0 - b + 0x1000; /* b + wrap == 0x1000 */
    dormer_handle_t file = open_hello();

    expect_refused(DmWriteConsole(buf, 1ull << 62), "write_console_len", "huge");
    expect_refused(DmWriteConsole(buf, UINT64_MAX), "write_console_len", "max");
    expect_refused(DmWriteConsole(buf, wrap), "write_console_len", "wraps");
    expect_refused(DmWriteConsole((const char *)(uintptr_t)(USER_TOP - 0x1000), 0x2000),
                   "write_console_range", "past_user_top");
    expect_refused(DmWriteConsole((const char *)(uintptr_t)0xfffffffffffff000ull, 0x2000),
                   "write_console_range", "wraps_at_top");
    expect_refused(DmReadConsole(buf, 1ull << 62, &n), "read_console_len", "huge");
    expect_refused(DmReadConsole(buf, wrap, &n), "read_console_len", "wraps");
    if (file) {
        expect_refused(DmReadFile(file, buf, 1ull << 62, NULL, &n), "read_file_len", "huge");
        expect_refused(DmReadFile(file, buf, wrap, NULL, &n), "read_file_len", "wraps");
        NtClose(file);
    }
}

/* Address ranges handed to the memory calls that are not (all) user space. */
static void test_ranges(void)
{
    static const struct {
        const char *name;
        uint64_t base, size;
    } ranges[] = {
        {"kernel", 0xffff800000000000ull, PAGE},
        {"kernel_image", 0xffffffff80000000ull, PAGE},
        {"non_canonical", 0x8000000000000000ull, PAGE},
        {"past_user_top", USER_TOP - PAGE, 0x10000},
        {"wraps", 0xfffffffffffff000ull, 0x2000},
        {"huge", 0x100000000ull, 1ull << 62},
        {"size_max", 0x100000000ull, UINT64_MAX},
    };
    struct dormer_memory_info mi;
    uint64_t base, size, region;
    uint32_t old;

    for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
        const char *what = ranges[i].name;

        base = ranges[i].base;
        size = ranges[i].size;
        expect_refused(DmAllocateVirtualMemory(&base, &size, MEM_RESERVE, PAGE_READWRITE),
                       "allocate_range", what);
        base = ranges[i].base;
        size = ranges[i].size;
        expect_refused(DmAllocateVirtualMemory(&base, &size, MEM_RESERVE | MEM_COMMIT,
                                               PAGE_READWRITE),
                       "allocate_commit_range", what);
        base = ranges[i].base;
        size = ranges[i].size;
        expect_refused(DmProtectVirtualMemory(&base, &size, PAGE_READWRITE, &old),
                       "protect_range", what);
        base = ranges[i].base;
        size = ranges[i].size;
        expect_refused(DmFreeVirtualMemory(&base, &size, MEM_DECOMMIT), "decommit_range", what);
        if (ranges[i].base >= USER_TOP)
            expect_refused(DmQueryVirtualMemory(ranges[i].base, &mi, sizeof(mi)),
                           "query_vm_address", what);
    }

    /* Anywhere, but more than the address space holds. */
    base = 0;
    size = 1ull << 62;
    {
        dormer_status_t st = DmAllocateVirtualMemory(&base, &size, MEM_RESERVE, PAGE_READWRITE);

        ulib_check(st == STATUS_INVALID_PARAMETER || st == STATUS_NO_MEMORY,
                   "allocate_anywhere_huge", "status 0x%08x", (uint32_t)st);
    }
    base = 0;
    size = 0;
    expect_refused(DmAllocateVirtualMemory(&base, &size, MEM_RESERVE, PAGE_READWRITE),
                   "allocate_size", "zero");
    base = 0x100000000ull;
    size = 0;
    expect_refused(DmAllocateVirtualMemory(&base, &size, MEM_RESERVE, PAGE_READWRITE),
                   "allocate_size", "zero_fixed");

    /* Types and protections that mean nothing. */
    base = 0;
    size = PAGE;
    expect_refused(DmAllocateVirtualMemory(&base, &size, 0, PAGE_READWRITE), "allocate_type",
                   "zero");
    base = 0;
    size = PAGE;
    expect_refused(DmAllocateVirtualMemory(&base, &size, MEM_RELEASE, PAGE_READWRITE),
                   "allocate_type", "release");
    base = 0;
    size = PAGE;
    expect_refused(DmAllocateVirtualMemory(&base, &size, MEM_RESERVE, 0), "allocate_protect",
                   "zero");
    base = 0;
    size = PAGE;
    expect_refused(DmAllocateVirtualMemory(&base, &size, MEM_RESERVE, 0x12345),
                   "allocate_protect", "garbage");

    region = alloc(PAGE, MEM_RESERVE | MEM_COMMIT);
    base = region;
    size = PAGE;
    expect_refused(DmProtectVirtualMemory(&base, &size, 0x12345, &old), "protect_protect",
                   "garbage");
    base = region;
    size = 0;
    expect_refused(DmFreeVirtualMemory(&base, &size, 0), "free_type", "zero");
    base = region;
    size = 0;
    expect_refused(DmFreeVirtualMemory(&base, &size, MEM_RELEASE | MEM_DECOMMIT), "free_type",
                   "both");
    CHECK(protect_of(region) == PAGE_READWRITE, "refused_calls_change_nothing");
    release(region);

    /* Freeing what was never allocated. */
    base = 0x10000000ull;
    size = 0;
    {
        dormer_status_t st = DmFreeVirtualMemory(&base, &size, MEM_RELEASE);

        ulib_check(st == STATUS_MEMORY_NOT_ALLOCATED || st == STATUS_INVALID_PARAMETER,
                   "free_unallocated", "status 0x%08x", (uint32_t)st);
    }
}

static void test_handles_and_classes(void)
{
    struct dormer_file_standard fs;
    struct dormer_memory_counters mc;
    struct dormer_memory_info mi;
    uint64_t n;
    dormer_handle_t file = open_hello();

    expect_status(NtClose(0), STATUS_INVALID_HANDLE, "close", "zero");
    expect_status(NtClose(BOGUS_HANDLE), STATUS_INVALID_HANDLE, "close", "bogus");
    expect_status(DmReadFile(BOGUS_HANDLE, buf, 16, NULL, &n), STATUS_INVALID_HANDLE,
                  "read_file", "bogus_handle");
    expect_status(DmQueryInformationFile(BOGUS_HANDLE, DORMER_FILE_STANDARD_INFO, &fs, sizeof fs),
                  STATUS_INVALID_HANDLE, "query_file", "bogus_handle");
    /* If this terminated us the exit status would be 77: the harness sees a failure. */
    expect_status(NtTerminateProcess(BOGUS_HANDLE, 77), STATUS_INVALID_HANDLE, "terminate",
                  "bogus_handle");

    expect_status(DmQuerySystemInformation(0, &mc, sizeof(mc)), STATUS_INVALID_INFO_CLASS,
                  "query_system", "class_zero");
    expect_status(DmQuerySystemInformation(0x12345, &mc, sizeof(mc)), STATUS_INVALID_INFO_CLASS,
                  "query_system", "class_garbage");
    expect_status(DmQuerySystemInformation(DORMER_INFO_MEMORY, &mc, 8),
                  STATUS_INFO_LENGTH_MISMATCH, "query_system", "short_buffer");
    expect_status(DmQueryVirtualMemory((uint64_t)(uintptr_t)buf, &mi, 8),
                  STATUS_INFO_LENGTH_MISMATCH, "query_vm", "short_buffer");
    if (file) {
        expect_status(DmQueryInformationFile(file, DORMER_FILE_STANDARD_INFO, &fs, 8),
                      STATUS_INFO_LENGTH_MISMATCH, "query_file", "short_buffer");
        NtClose(file);
    }
}

static const uint16_t fpath[] = { 'C', ':', '\\', 'b', 'a', 'd', 'a', 'r', 'g', 's' };
#define FPATH_LEN (sizeof(fpath) / sizeof(fpath[0]))

/* The native file calls (35-45): every pointer argument refused, and nothing changed:
 * C:\badargs keeps its 8 bytes and its position, no file appears, the cwd stays. */
static void test_file_calls(void)
{
    struct dormer_create_file ca = { DORMER_GENERIC_READ | DORMER_GENERIC_WRITE, 7,
                                     DORMER_FILE_OVERWRITE_IF, 0, 0, 0 };
    dormer_handle_t f = 0, root = 0, h;
    uint64_t n, ro = readonly_page, b = (uint64_t)(uintptr_t)buf;
    uint64_t wrap = 0 - b + 0x1000;
    int64_t off = 0;
    struct dormer_file_basic basic;
    static struct dormer_find_data find;
    static const uint16_t rootp[] = { 'C', ':', '\\' };

    CHECK_STATUS(DmCreateFile(&f, fpath, FPATH_LEN, &ca), STATUS_SUCCESS, "file_setup");
    DmWriteFile(f, "12345678", 8, NULL, &n);
    ca.disposition = DORMER_FILE_OPEN;
    ca.options = DORMER_FILE_DIRECTORY_FILE;
    ca.access = DORMER_FILE_READ_DATA;
    DmCreateFile(&root, rootp, 3, &ca);
    ca = (struct dormer_create_file){ DORMER_GENERIC_READ, 7, DORMER_FILE_CREATE, 0, 0, 0 };
    static const uint16_t newp[] = { 'C', ':', '\\', 'n', 'e', 'w' };
    for (size_t i = 0; i < NUM_BAD; i++) {
        const char *what = bad_pointers[i].name;
        uint64_t p = bad_ptr[i];
        void *vp = (void *)(uintptr_t)p;

        expect_refused(DmCreateFile(vp, newp, 6, &ca), "create_file_handle", what);
        expect_refused(DmCreateFile(&h, vp, 6, &ca), "create_file_path", what);
        expect_refused(DmCreateFile(&h, newp, 6, vp), "create_file_args", what);
        expect_refused(DmReadFile(f, vp, 16, &off, &n), "dm_read_buf", what);
        if (p != 0) /* a NULL offset means "at the position" */
            expect_refused(DmReadFile(f, buf, 16, vp, &n), "dm_read_offset", what);
        expect_refused(DmReadFile(f, buf, 16, &off, vp), "dm_read_done", what);
        expect_refused(DmWriteFile(f, vp, 16, &off, &n), "dm_write_buf", what);
        if (p != 0)
            expect_refused(DmWriteFile(f, buf, 16, vp, &n), "dm_write_offset", what);
        expect_refused(DmWriteFile(f, buf, 16, &off, vp), "dm_write_done", what);
        expect_refused(DmQueryInformationFile(f, DORMER_FILE_BASIC_INFO, vp, 40),
                       "dm_query_info_out", what);
        expect_refused(DmQueryInformationFile(f, DORMER_FILE_NAME_INFO, vp, 64),
                       "dm_query_name_out", what);
        expect_refused(DmSetInformationFile(f, DORMER_FILE_RENAME_INFO, vp, 64),
                       "dm_set_rename_in", what);
        expect_refused(DmSetInformationFile(f, DORMER_FILE_END_OF_FILE_INFO, vp, 8),
                       "dm_set_eof_in", what);
        expect_refused(DmQueryDirectoryFile(root, vp, NULL, 0, 1), "dm_query_dir_out", what);
        if (p != 0) /* a NULL pattern means "*" */
            expect_refused(DmQueryDirectoryFile(root, &find, vp, 1, 1),
                           "dm_query_dir_pattern", what);
        expect_refused(DmDuplicateHandle(f, vp), "dm_duplicate_out", what);
        expect_refused(DmSetCurrentDirectory(vp, 3), "dm_setcwd_path", what);
        expect_refused(DmGetCurrentDirectory(vp, 64, &n), "dm_getcwd_buf", what);
        expect_refused(DmGetCurrentDirectory((uint16_t *)buf, 16, vp), "dm_getcwd_needed",
                       what);
        expect_refused(DmQueryAttributesFile(vp, 6, &basic), "dm_query_attr_path", what);
        expect_refused(DmQueryAttributesFile(fpath, FPATH_LEN, vp), "dm_query_attr_out", what);
    }
    /* Output buffers the process may read but not write. */
    expect_refused(DmReadFile(f, (void *)(uintptr_t)ro, 8, &off, &n), "dm_read_buf", "readonly");
    expect_refused(DmQueryInformationFile(f, DORMER_FILE_STANDARD_INFO, (void *)(uintptr_t)ro,
                                          24),
                   "dm_query_info_out", "readonly");
    expect_refused(DmGetCurrentDirectory((uint16_t *)(uintptr_t)ro, 64, &n), "dm_getcwd_buf",
                   "readonly");
    CHECK(*(volatile uint64_t *)(uintptr_t)ro == 0, "file_calls_readonly_page_untouched");
    /* Lengths that run out of user space or wrap. */
    expect_refused(DmReadFile(f, buf, 1ull << 62, &off, &n), "dm_read_len", "huge");
    expect_refused(DmReadFile(f, buf, wrap, &off, &n), "dm_read_len", "wraps");
    expect_refused(DmWriteFile(f, buf, UINT64_MAX, &off, &n), "dm_write_len", "max");
    expect_refused(DmWriteFile(f, buf, wrap, &off, &n), "dm_write_len", "wraps");
    expect_status(DmCreateFile(&h, fpath, 1ull << 62, &ca), STATUS_OBJECT_NAME_INVALID,
                  "create_file_path_len", "huge");
    expect_status(DmQueryAttributesFile(fpath, UINT64_MAX, &basic), STATUS_OBJECT_NAME_INVALID,
                  "dm_query_attr_path_len", "max");
    expect_status(DmQueryInformationFile(f, 0x12345, buf, 64), STATUS_INVALID_INFO_CLASS,
                  "dm_query_info", "class_garbage");
    expect_status(DmSetInformationFile(f, 0, buf, 64), STATUS_INVALID_INFO_CLASS,
                  "dm_set_info", "class_zero");
    expect_status(DmReadFile(BOGUS_HANDLE, buf, 1, NULL, &n), STATUS_INVALID_HANDLE, "dm_read",
                  "bogus_handle");
    /* Nothing changed. */
    struct dormer_file_position pos = { -1 };
    DmQueryInformationFile(f, DORMER_FILE_POSITION_INFO, &pos, sizeof pos);
    expect_true(pos.position == 8, "file_calls", "position_unchanged");
    off = 0;
    memset(buf, 0, sizeof buf);
    expect_true(DmReadFile(f, buf, sizeof buf, &off, &n) == STATUS_SUCCESS && n == 8 &&
                    memcmp(buf, "12345678", 8) == 0,
                "file_calls", "contents_unchanged");
    expect_status(DmQueryAttributesFile(newp, 6, &basic), STATUS_OBJECT_NAME_NOT_FOUND,
                  "file_calls", "nothing_created");
    uint16_t cwd[8];
    expect_true(DmGetCurrentDirectory(cwd, 8, &n) == STATUS_SUCCESS && n == 3, "file_calls",
                "cwd_unchanged");
    struct dormer_file_disposition d = { 1, { 0 } };
    NtClose(f);
    ca = (struct dormer_create_file){ DORMER_DELETE, 7, DORMER_FILE_OPEN, 0, 0, 0 };
    if (NT_SUCCESS(DmCreateFile(&f, fpath, FPATH_LEN, &ca))) {
        DmSetInformationFile(f, DORMER_FILE_DISPOSITION_INFO, &d, sizeof d);
        NtClose(f);
    }
    NtClose(root);
}

static const uint32_t syscall_numbers[] = {
#define SYSCALL(number, name, nargs) number,
#include <abi/syscalls.def>
#undef SYSCALL
};

static void test_unknown_syscalls(void)
{
    uint64_t first_unused = 0;

    for (size_t i = 0; i < sizeof(syscall_numbers) / sizeof(syscall_numbers[0]); i++) {
        if (syscall_numbers[i] >= first_unused)
            first_unused = syscall_numbers[i] + 1;
    }
    expect_status(DormerRawSyscall(first_unused, 0, 0, 0, 0), STATUS_INVALID_SYSTEM_SERVICE,
                  "syscall", "first_unused");
    expect_status(DormerRawSyscall(999, 0, 0, 0, 0), STATUS_INVALID_SYSTEM_SERVICE, "syscall",
                  "999");
    expect_status(DormerRawSyscall(0x7fffffff, 0, 0, 0, 0), STATUS_INVALID_SYSTEM_SERVICE,
                  "syscall", "int_max");
    expect_status(DormerRawSyscall(0xffffffff, 0, 0, 0, 0), STATUS_INVALID_SYSTEM_SERVICE,
                  "syscall", "minus_one");
    /* The raw path itself works: DmNop by number. */
    expect_status(DormerRawSyscall(14, 0, 0, 0, 0), STATUS_SUCCESS, "syscall", "nop_by_number");
}

int main(void)
{
    uint64_t base, size = PAGE;
    uint32_t old;

    for (size_t i = 0; i < NUM_BAD; i++)
        bad_ptr[i] = bad_pointers[i].addr;
    bad_ptr[NUM_BAD - 1] = alloc(16 * PAGE, MEM_RESERVE) + 8 * PAGE;
    readonly_page = alloc(PAGE, MEM_RESERVE | MEM_COMMIT);
    base = readonly_page;
    CHECK(NT_SUCCESS(DmProtectVirtualMemory(&base, &size, PAGE_READONLY, &old)) &&
              bad_ptr[NUM_BAD - 1] > 8 * PAGE,
          "setup");

    test_bad_pointers();
    test_readonly_outputs();
    test_lengths();
    test_ranges();
    test_handles_and_classes();
    test_file_calls();
    test_unknown_syscalls();
    return ulib_check_summary();
}
