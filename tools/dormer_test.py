"""`scons test`: every level of Dormer's tests under one command.

1. host unit tests (cmocka programs, TAP output), the tools' Python tests, and a
   few seconds of every libFuzzer harness from its seeds;
2. in-kernel tests: one boot with ktest=all, parsing `KTEST PASS|FAIL name`;
3. boot tests: headless boots with chosen command lines whose serial output and
   exit status are checked (crashes must be reported by name, with backtraces).
Each test prints one line `PASS name` or `FAIL name: why`; the run ends with
`N passed, N failed`. QEMU timeouts only detect hangs."""
import concurrent.futures
import difflib
import os
import re
import subprocess
import sys
import time
import unittest

import dormer_disk_test
import dormer_nettest
import dormer_iso
import dormer_qemu

BOOT_TIMEOUT = 240  # seconds; TCG on a loaded 2-core machine is slow, never this slow
# The two boots that run many programs (every user test; the fault-injection loop) on a
# UBSan kernel, beside other boots on a loaded machine, take minutes: a hang detector
# with room.
BOOT_TIMEOUT_FOR = {'utest': 720, 'faultinject': 600}


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def record(self, name, ok, why=''):
        if ok:
            self.passed += 1
            print('PASS %s' % name, flush=True)
        else:
            self.failed += 1
            print('FAIL %s%s' % (name, ': ' + why if why else ''), flush=True)


def run_host_tests(programs, results):
    for prog in programs:
        name = os.path.basename(prog)
        env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT='TAP')
        proc = subprocess.run([prog], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        out = proc.stdout.decode(errors='replace')
        seen = 0
        for m in re.finditer(r'^(not ok|ok) \d+ - (\S+)', out, re.M):
            seen += 1
            results.record('host/%s/%s' % (name, m.group(2)), m.group(1) == 'ok')
        if seen == 0 or (proc.returncode != 0 and 'not ok' not in out):
            results.record('host/%s' % name, False,
                           'exit %d, no test results:\n%s' % (proc.returncode, out[-2000:]))


def run_fuzzers(programs, top, work, secs, results):
    """Run each harness build/fuzz/fuzz_NAME for `secs` seconds from the seeds that
    tools/NAME_seed.py writes (if there is one), the regression inputs committed under
    kernel/tests/fuzz/regress/NAME/ and the corpus kept from earlier runs.
    Any crash, sanitizer report, leak or per-input timeout fails it; libFuzzer leaves
    the input that did it in the work directory."""
    for prog in programs:
        name = os.path.basename(prog)[len('fuzz_'):]
        base = os.path.join(work, 'fuzz', name)
        seeds, corpus = os.path.join(base, 'seeds'), os.path.join(base, 'corpus')
        os.makedirs(corpus, exist_ok=True)
        dirs = [corpus]
        # Inputs that once failed, kept in the tree so every run replays them.
        regress = os.path.join(top, 'kernel', 'tests', 'fuzz', 'regress', name)
        if os.path.isdir(regress):
            dirs.append(regress)
        seed_tool = os.path.join(top, 'tools', '%s_seed.py' % name)
        if os.path.exists(seed_tool):
            subprocess.run([sys.executable, seed_tool, seeds], check=True)
            dirs.append(seeds)
        proc = subprocess.run([prog, '-max_total_time=%d' % secs, '-timeout=10',
                               '-rss_limit_mb=2048', '-artifact_prefix=%s/' % base] + dirs,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = proc.stdout.decode(errors='replace')
        runs = re.search(r'Done (\d+) runs', out)
        ok = proc.returncode == 0 and runs is not None
        results.record('fuzz/%s' % name, ok,
                       '' if ok else 'exit %d:\n%s' % (proc.returncode, out[-3000:]))
        if ok:
            print('  fuzz/%s: %s inputs in %d s' % (name, runs.group(1), secs), flush=True)


# `scons fuzz` in the guest: one long fixed-seed sysfuzz run (seed, calls), ten times the
# utest boot's, with its handle races; it passes only when sysfuzz says the counters held.
SYSFUZZ_LONG = (7, 30000)
SYSFUZZ_LONG_TIMEOUT = 1200  # seconds: a hang detector for a run of a few minutes


def run_sysfuzz_long(kernel_elf, qemu, work, modules, results):
    seed, calls = SYSFUZZ_LONG
    name = 'fuzz/sysfuzz_%d_%d' % (seed, calls)
    iso = os.path.join(work, name.replace('/', '_') + '.iso')
    dormer_iso.make_iso(iso, kernel_elf, 'headless loglevel=warn init=sysfuzz.exe %d %d'
                        % (seed, calls), modules=modules)
    status, output = dormer_qemu.boot_capture(iso, qemu, SYSFUZZ_LONG_TIMEOUT, ())
    with open(os.path.join(work, name.replace('/', '_') + '.log'), 'wb') as f:
        f.write(output)
    text = output.decode(errors='replace')
    why = ''
    if status != 0:
        why = 'exit status %d (%s)' % (status, dormer_qemu.status_message(status))
    why = why or check_patterns(output, [r'sysfuzz: seed %d, %d calls' % (seed, calls),
                                         r'sysfuzz: race seed \d+: 300 rounds, \d+ waiters',
                                         r'counters .*: held', r'sysfuzz: PASS'])
    if not why and re.search(r'PANIC|^UBSAN:', text, re.M):
        why = 'a kernel report in the output'
    results.record(name, not why, why + ('\n' + tail(output) if why else ''))
    for line in re.findall(r'^sysfuzz: (?:\d+ calls in|counters|race seed).*$', text, re.M):
        print('  ' + line, flush=True)


def fuzz_only(programs, top, build_dir, secs, kernel_elf=None, qemu=None, modules=()):
    """`scons fuzz`: only the harnesses, for longer, then the long sysfuzz boot."""
    results = Results()
    work = os.path.join(build_dir, 'test')
    run_fuzzers(programs, top, work, secs, results)
    if kernel_elf:
        os.makedirs(work, exist_ok=True)
        run_sysfuzz_long(kernel_elf, qemu, work, modules, results)
    print('%d passed, %d failed' % (results.passed, results.failed), flush=True)
    return 0 if results.failed == 0 else 1


class _TapResult(unittest.TestResult):
    def __init__(self, results):
        super().__init__()
        self.results = results

    def addSuccess(self, test):
        self.results.record('tools/%s' % test.id(), True)

    def addFailure(self, test, err):
        self.results.record('tools/%s' % test.id(), False, self._exc_info_to_string(err, test))

    addError = addFailure

    def addSkip(self, test, reason):
        print('SKIP tools/%s: %s' % (test.id(), reason))


def run_tool_tests(top, results):
    start = os.path.join(top, 'tools', 'tests')
    suite = unittest.defaultTestLoader.discover(start, pattern='test_*.py', top_level_dir=start)
    suite.run(_TapResult(results))


# Boot tests: name, extra command line, expected status, patterns that must appear
# in this order in the serial output.
CRASH_CHAIN = [r'Backtrace:', r'crash_inner\+0x[0-9a-f]+ \(kernel/tests/crash\.c:\d+\)',
               r'crash_middle\+0x[0-9a-f]+ \(kernel/tests/crash\.c:\d+\)',
               r'crash_outer\+0x[0-9a-f]+ \(kernel/tests/crash\.c:\d+\)',
               r'crash_run\+0x[0-9a-f]+', r'kmain\+0x[0-9a-f]+']
REGS = [r'RIP [0-9a-f]{16}', r'RAX [0-9a-f]{16}', r'R15 [0-9a-f]{16}', r'CR2 [0-9a-f]{16}']
BOOT_TESTS = [
    ('boot/headless', 'noshell', 0,
     [r'GNU GRUB', r'Dormer \d+\.\d+\.\d+', r'memory: \d+ MiB usable RAM',
      r'timer: ticking \(\d+ ticks in 10 ms\)', r'Programs on the boot file system:.*hello\.exe',
      r'boot complete']),
    ('boot/crash_ud', 'crash=ud', 100,
     [r'KERNEL PANIC: #UD invalid opcode at crash_inner\+0x'] + REGS + CRASH_CHAIN),
    ('boot/crash_pagefault', 'crash=pagefault', 100,
     [r'KERNEL PANIC: #PF page fault at crash_inner\+0x[0-9a-f]+: write of a not-present '
      r'page in kernel mode, address 0x0000000000001000'] + REGS + CRASH_CHAIN),
    ('boot/crash_divide', 'crash=divide', 100,
     [r'KERNEL PANIC: #DE divide error at crash_inner'] + REGS + CRASH_CHAIN),
    ('boot/crash_gp', 'crash=gp', 100,
     [r'KERNEL PANIC: #GP general protection fault at crash_inner'] + REGS + CRASH_CHAIN),
    ('boot/crash_panic', 'crash=panic', 100,
     [r'KERNEL PANIC: crash=panic requested on the command line'] + REGS + CRASH_CHAIN),
    ('boot/crash_assert', 'crash=assert', 100,
     [r'KERNEL PANIC: assertion failed: crash_zero == 1 \(kernel/tests/crash\.c:\d+\)',
      r'Backtrace:', r'crash_inner\+0x', r'crash_middle\+0x', r'crash_outer\+0x']),
    ('boot/crash_breakpoint', 'crash=breakpoint', 100,
     [r'KERNEL PANIC: #BP breakpoint at crash_inner'] + REGS + CRASH_CHAIN),
    ('boot/crash_nested_panic', 'crash=nested', 100,
     [r'KERNEL PANIC: first panic of crash=nested',
      r'PANIC while panicking: console driver failed while printing a panic']),
    ('boot/crash_stackoverflow', 'crash=stackoverflow', 100,
     [r'KERNEL PANIC: kernel stack overflow in thread boot: guard page hit at 0x[0-9a-f]+',
      r'Backtrace:', r'crash_recurse(\.\w+\.\d+)?\+0x[0-9a-f]+ \(kernel/tests/crash\.c:\d+\)']),
    ('boot/crash_heap_double_free', 'crash=heap_double_free', 100,
     [r'KERNEL PANIC: kheap: double free', r'Backtrace:', r'kfree\+0x', r'crash_inner\+0x']),
    ('boot/crash_heap_overflow', 'crash=heap_overflow', 100,
     [r'KERNEL PANIC: kheap: overflow past the requested size', r'Backtrace:',
      r'crash_inner\+0x']),
    # Debug kernels: the stack protector catches a frame overwritten past its array.
    ('boot/crash_stack_smash', 'crash=stack_smash', 100,
     [r'KERNEL PANIC: stack protector: the frame of crash_smash\+0x[0-9a-f]+ was overwritten',
      r'Backtrace:', r'__stack_chk_fail\+0x', r'crash_smash\+0x[0-9a-f]+ \(kernel/tests/crash\.c:\d+\)',
      r'crash_inner\+0x', r'crash_middle\+0x', r'crash_outer\+0x']),
    # UBSan kernels (debug builds): a signed overflow, a shift past the width and an
    # index past an array's end (two checks see it) each report kind, place, values and
    # a backtrace; the kernel goes on, and crash=ubsan then panics with the count.
    ('boot/crash_ubsan', 'crash=ubsan', 100,
     [r'UBSAN: signed integer overflow at kernel/tests/crash\.c:\d+:\d+',
      r'2147483647 \+ 1 cannot be represented in type .int.', r'Backtrace:',
      r'crash_ubsan\+0x[0-9a-f]+ \(kernel/tests/crash\.c:\d+\)', r'crash_inner\+0x',
      r'UBSAN: shift out of bounds at kernel/tests/crash\.c:\d+:\d+',
      r'shift of 1 by 40 bits: type .int. has 32',
      r'crash_ubsan\+0x',
      r'UBSAN: array index out of bounds at kernel/tests/crash\.c:\d+:\d+',
      r'index 4 is out of range for type .int ?\[4\].', r'crash_ubsan\+0x',
      # the same read past the object, seen by -fsanitize=object-size
      r'UBSAN: object too small at kernel/tests/crash\.c:\d+:\d+',
      r'load of address 0x[0-9a-f]+ with too little space for type .int.',
      r'KERNEL PANIC: crash=ubsan: 4 undefined-behaviour reports']),
    ('boot/crash_frame_double_free', 'crash=frame_double_free', 100,
     [r'KERNEL PANIC: .*double free: the frame is already free', r'Backtrace:',
      r'crash_inner\+0x']),
    ('boot/crash_lock_twice', 'crash=lock_twice', 100,
     [r'KERNEL PANIC: lock crash=lock_twice taken twice: at crash_inner\+0x[0-9a-f]+, already '
      r'held from crash_inner\+0x[0-9a-f]+', r'Backtrace:', r'crash_inner\+0x']),
    ('boot/crash_lock_order', 'crash=lock_order', 100,
     [r'KERNEL PANIC: lock order: crash-outer \(rank 20\) taken at crash_inner\+0x[0-9a-f]+ '
      r'while holding crash-inner \(rank 50\) taken at crash_inner\+0x[0-9a-f]+',
      r'Backtrace:', r'crash_inner\+0x']),
    ('boot/poweroff_acpi', 'poweroff=acpi noshell', 0, [r'acpi: S5 via PM1a_CNT', r'acpi: powering off']),
    ('boot/loglevel_warn', 'loglevel=warn crash=nosuchkind noshell', 0,
     [r'Dormer \d', r'\[WARN\] crash=nosuchkind', r'\[ERROR\] crash=nosuchkind: unknown kind']),
]
# Checks only debug kernels make (canaries, poisoning).
DEBUG_ONLY = {'boot/crash_heap_overflow', 'boot/crash_stack_smash', 'boot/crash_ubsan', 'boot/crash_lock_twice',
              'boot/crash_lock_order'}
# Things that must NOT appear (name -> pattern).
BOOT_ABSENT = {
    'boot/loglevel_warn': r'\[INFO\]',
    'boot/headless': r'PANIC|\[ERROR\]',
    'boot/shell': r'PANIC|\[ERROR\]',
    'boot/shell_ctrl_c': r'(?m)^never|tick 1000 of',
    'boot/shell_redirect': r'PANIC|\[ERROR\]',
    'boot/shell_builtins': r'PANIC|\[ERROR\]',
    'boot/shell_cmd': r'PANIC|\[ERROR\]|ECHO is on',
    'boot/shell_tab': r'PANIC|\[ERROR\]',
}
# User programs: expected exit status of each t_*/f_* program in the utest=all boot
# (t_* default to 0), and what a killed program's report must show.
USER_STATUS = {
    't_exitcode.exe': 0x2a,
    'f_read_av.exe': 0xC0000005, 'f_noaccess.exe': 0xC0000005, 'f_write_av.exe': 0xC0000005, 'f_exec_av.exe': 0xC0000005,
    'f_stack_overflow.exe': 0xC00000FD, 'f_stack_noroom.exe': 0xC00000FD,
    'f_illegal.exe': 0xC000001D,
    'f_privileged.exe': 0xC0000096, 'f_divide.exe': 0xC0000094,
    'f_breakpoint.exe': 0x80000003, 'f_thread_fault.exe': 0xC0000005,
    'f_missing_import.exe': 0xC0000139,  # STATUS_ENTRYPOINT_NOT_FOUND: called the stub
    'f_unimpl.exe': 0xC0000139,          # the same from a stock program (win32/f_unimpl)
    't_dllfail.exe': 0xC0000142,  # STATUS_DLL_INIT_FAILED: tfail.dll's entry said no
}
USER_FAULT_WHAT = {
    0xC0000005: 'access violation', 0xC00000FD: 'stack overflow',
    0xC000001D: 'illegal instruction', 0xC0000096: 'privileged instruction',
    0xC0000094: 'integer divide by zero', 0x80000003: 'breakpoint',
}
USER_EXTRA = {
    'f_missing_import.exe': [r'f_missing_import: started; calling the missing import',
                             r'f_missing_import\.exe: called unimplemented '
                             r'tdll\.dll!tdll_not_there',
                             r'killed: call of an unimplemented import \(0xC0000139\)',
                             r'User backtrace:', r'main\+0x'],
    'f_unimpl.exe': [r'f_unimpl: before the call',
                     r'f_unimpl\.exe: called unimplemented msvcrt\.dll!_wspawnvp',
                     r'killed: call of an unimplemented import \(0xC0000139\)',
                     r'User backtrace:'],
    'f_read_av.exe': [r'reading address 0x0000000000000008'],
    'f_noaccess.exe': [r'reading address 0x'],
    't_dllfail.exe': [r'ntdll: initialization of tfail\.dll failed \(its entry point '
                      r'returned FALSE\)'],
    'f_write_av.exe': [r'writing address 0x'],
    'f_exec_av.exe': [r'executing address 0x'],
}
# What a killed program prints before its report (the first overflow was delivered).
USER_BEFORE = {
    'f_stack_noroom.exe': [r'f_stack_noroom: overflow delivered; recursing again in the handler'],
}
# Frames a killed program's backtrace must show, innermost first.
USER_CHAIN = [r'#0 0x[0-9a-f]+ fault_inner\+0x', r'fault_middle\+0x', r'fault_outer\+0x',
              r'main\+0x']
USER_CHAIN_FOR = {
    'f_stack_overflow.exe': [r'#0 0x[0-9a-f]+ recurse\+0x', r'#1 0x[0-9a-f]+ recurse\+0x'],
    'f_stack_noroom.exe': [r'#0 0x[0-9a-f]+ recurse\+0x', r'#1 0x[0-9a-f]+ recurse\+0x'],
    # A second thread faults: the whole process dies; the chain ends in ntdll.
    'f_thread_fault.exe': [r'#0 0x[0-9a-f]+ fault_inner\+0x', r'fault_middle\+0x',
                           r'fault_outer\+0x', r'fault_thread\+0x',
                           r'thread_entry\+0x[0-9a-f]+ \(ntdll\.dll\)'],
    # #0 is the bad address itself; the caller is found on the stack.
    'f_exec_av.exe': [r'#0 0x[0-9a-f]+ \?', r'#1 0x[0-9a-f]+ fault_inner\+0x',
                      r'fault_middle\+0x', r'fault_outer\+0x', r'main\+0x'],
}
USER_SKIP = ','.join([
    't_cmdline.exe', 't_disk.exe',  # want arguments: own boots (t_disk: dormer_disk_test)
])
# One program per boot: name -> (command line, exit status, patterns in order).
USER_BOOTS = {
    # t_exhaust's parts that take a resource of the whole machine (kernel stacks by
    # threads and by processes, every free frame by a file on the RAM C:\): a boot of
    # their own, so the utest boot stays short and nothing else runs beside them.
    'user/exhaust': ('init=t_exhaust.exe parts threads,processes,ramfs_full', 0,
                     [r't_exhaust: \d+ threads, then 0xc0000017',
                      r'threads_counters_back: frames (\d+) -> \1, heap blocks (\d+) -> \2',
                      r't_exhaust: \d+ processes, then 0xc0000017',
                      r'processes_counters_back: frames (\d+) -> \1, heap blocks (\d+) -> \2',
                      r't_exhaust: ramfs: \d+ KiB written, then 0xc000007f',
                      r'ramfs_full_counters_back: frames (\d+) -> \1, heap blocks (\d+) -> \2',
                      r'\d+ checks, 0 failed',
                      r'process t_exhaust\.exe \(pid 1\) exited with status 0x00000000']),
    'user/hello': ('init=hello.exe one two', 0,
                   [r'Hello from a PE program on Dormer!', r'argv\[2\] = "two"',
                    r'process hello\.exe \(pid 1\) exited with status 0x00000000']),
    'user/t_cmdline': ('init=t_cmdline.exe alpha "beta gamma" 3', 0,
                       [r'argv\[2\] = "beta gamma"', r'\d+ checks, 0 failed',
                        r'exited with status 0x00000000']),
    'user/t_reloc_moved': ('loader_relocate init=t_reloc.exe', 0,
                           [r't_reloc: linked at 140000000, loaded at [0-9a-f]+ \(moved\)',
                            r'\d+ checks, 0 failed', r'exited with status 0x00000000']),
    'user/together': ('init=together.exe', 0,
                      [r'pid  parent threads', r'\d+\s+1\s+1\s+\d+\s+running\s+ticker\.exe',
                       r'"ticker\.exe alpha 4 120" exited with 4',
                       r'"ticker\.exe beta 3 170" exited with 3',
                       r'"ticker\.exe gamma 5 90" exited with 5',
                       r'process together\.exe \(pid 1\) exited with status 0x00000000']),
    # scons bench's program, quick mode: it must run to the end and print every key
    # (numbers are not judged here: performance lives in scons bench).
    'user/bench_smoke': ('init=bench.exe quick count=500', 0,
                         [r'bench_begin=1', r'null_syscall_iterations=500\b',
                          r'pipe_iterations=500\b', r'spawn_iterations=50\b',
                          r'null_syscall_raw_median_cycles=\d+',
                          r'pf_cycles_per_page=\d+', r'munmap_cycles_per_page=\d+',
                          r'yield_switch_cycles=\d+', r'pipe_switch_cycles=\d+',
                          r'thread_create_join_us=[\d.]+', r'vfork_exec_wait_us=[\d.]+',
                          r'posix_spawn_static_us=[\d.]+', r'spawn_native_hello_us=[\d.]+',
                          r'hello_frames_used=\d+',
                          r'cxx_throw_catch_cycles=\d+',
                          r'bench_end=1']),
    'user/bad_image_refused': ('init=bad_image.exe', 127,
                               [r'cannot start bad_image\.exe: section \S+ raw data runs '
                                r'past end of file']),
    # Images Windows runs that a stricter loader refused (issue #18).
    'user/empty_section_names': ('init=noname.exe one two', 0,
                                 [r'Hello from a PE program on Dormer!', r'argv\[2\] = "two"',
                                  r'process noname\.exe \(pid 1\) exited with status '
                                  r'0x00000000']),
    'user/tiny_pe': ('loglevel=debug init=tiny.exe', 0,
                     [r'loader: tiny\.exe maps 0x400000\.\.0x401000 writable and executable, '
                      r'as asked',
                      r'process tiny\.exe \(pid 1\) exited with status 0x00000000']),
    'user/missing_program': ('init=nosuch.exe', 127,
                             [r'cannot start nosuch\.exe: file not found']),
}

# Interactive input over the serial line: (expect, send) pairs.
BOOT_SCRIPTS = {
    # No init=: the shell. Built-ins, a program with arguments, an unknown name, a
    # program's exit status, and exit with a status that becomes the machine's.
    'boot/shell': ('', 7,
                   [r'Dormer shell, started [\d.]+ ms after the kernel', r'C:\\>',
                    r'Built-in commands:', r'argv\[2\] = "b"',
                    r"'nosuch' is not recognized as an internal or external command,",
                    r'operable program or batch file\.',
                    r'\d+\s+hello\.exe', r'\d+ files, \d+ bytes',
                    r'pid  parent threads', r'\d+\s+0\s+1\s+\d+\s+running\s+shell\.exe',
                    r'memory: \d+ frames of 4 KiB, \d+ free, \d+ used \(\d+ shared by images\)',
                    r'\[t_exitcode\.exe exited with status 42 \(0x0000002a\)\]',
                    r'\[t_exitcode\.exe took [\d.]+ ms\]', r'hi  there',
                    r'exit: not a number: x',
                    r'process shell\.exe \(pid 1\) exited with status 0x00000007'],
                   [('C:\\>', 'help\rhello a  b\rnosuch\rls\rps\rmem\rtime t_exitcode\r'
                     'echo hi  there\rexit x\rexit 7\r')]),
    # Every file built-in, in a directory of its own: mkdir, cd (and the prompt), echo
    # with > and >>, type, copy, ren, dir (sizes, dates, <DIR>, the summary, a pattern),
    # del, set and %NAME%, cls, rmdir (refused while not empty), cd .. and errors.
    'boot/shell_builtins': ('', 0,
                            [r'C:\\>mkdir work', r'C:\\work>echo first line> a\.txt',
                             r'(?m)^first line\r?\nsecond line\r?$',
                             r'1 file\(s\) copied\.',
                             r' Volume in drive C (is \S+|has no label\.)',
                             r' Volume Serial Number is [0-9A-F]{4}-[0-9A-F]{4}',
                             r' Directory of C:\\work',
                             r'\d\d/\d\d/\d{4}  \d\d:\d\d [AP]M    <DIR>          \.\.',
                             r'\d\d/\d\d/\d{4}  \d\d:\d\d [AP]M\s+23 a\.txt',
                             r'\s23 c\.txt', r'2 File\(s\)\s+46 bytes',
                             r'2 Dir\(s\)\s+[1-9][\d,]* bytes free',
                             r'C:\\work>dir \*\.txt', r'\s23 c\.txt', r'1 File\(s\)\s+23 bytes',
                             r'(?m)^GREETING=hi there', r'(?m)^hi there!',
                             r'\x1b\[2J\x1b\[H', r'The directory is not empty\.',
                             r'The system cannot find the file specified\.',
                             r'The system cannot find the path specified\.',
                             r'C:\\>dir', r'0 File\(s\)\s+0 bytes',
                             r'process shell\.exe \(pid 1\) exited with status 0x00000000'],
                            [('C:\\>', 'mkdir work\rcd work\recho first line> a.txt\r'
                              'echo second line>>a.txt\rtype a.txt\rcopy a.txt b.txt\r'
                              'ren b.txt c.txt\rdir\rdel a.txt\rdir *.txt\rset GREETING=hi there\r'
                              'set GR\recho %GREETING%!\rcls\rcd ..\rrmdir work\r'
                              'type nosuch.txt\rcd nosuch\rdel work\\c.txt\rrd work\rdir\r'
                              'exit\r')]),
    # Redirection of programs: > then type, >> appending, < as input, a two-program
    # pipe, 2> and 2>&1 (upper.exe writes its arguments to its error output), a stock
    # Win32 program's printf into a file, a built-in's output into a file.
    'boot/shell_redirect': ('', 0,
                            [r'(?m)^argv\[1\] = "one"', r'(?m)^argv\[1\] = "two"',
                             r'ARGV\[1\] = "ONE"', r'ARGV\[1\] = "TWO"',
                             r'ARGV\[1\] = "PIPE"', r'(?m)^upper: to-err',
                             r'UPPER: BOTH', r'(?m)^ECHOED THROUGH A PIPE',
                             r'\[w_hello\.exe exited with status 3',
                             r'C:\\>type w\.txt', r'(?m)^hello from a stock program, argc=1',
                             r'C:\\>type list\.txt', r' Directory of C:\\',
                             r'\s3[56] w\.txt',
                             r'process shell\.exe \(pid 1\) exited with status 0x00000000'],
                            [('C:\\>', 'hello one > out.txt\rhello two >> out.txt\r'
                              'type out.txt\rupper < out.txt\rhello pipe | upper\r'
                              'upper to-err 2> err.txt\rtype err.txt\r'
                              'upper both 2>&1 | upper\recho echoed through a pipe | upper\r'
                              'w_hello > w.txt\rtype w.txt\rdir > list.txt\rtype list.txt\r'
                              'exit\r')]),
    # cmd's forms: the name touching its argument (cd.., cd\\, echo., dir/b), the drive
    # alone (C:, and a missing D:), cd /d and cd X:, the spelling of the file system in
    # the prompt, md of a path whose parents are missing, a built-in's errors through 2>
    # and 2>&1, an unknown program's message into 2>, del's full path, set's list and
    # %NAME%, exit N.
    'boot/shell_cmd': ('', 9,
                       [r'C:\\>md deep\\er\\est', r'C:\\>cd deep\\er\\est',
                        r'C:\\deep\\er\\est>cd\.\.', r'C:\\deep\\er>cd\\',
                        r'C:\\>echo\.\r?\n\r?\nC:\\>', r'(?m)^dotted text',
                        r'C:\\>dir/b deep', r'(?m)^er\r?$', r'C:\\>C:',
                        r'C:\\>D:', r'The system cannot find the drive specified\.',
                        r'C:\\>cd /d C:\\windows\\system32', r'C:\\Windows\\System32>cd C:',
                        r'(?m)^C:\\Windows\\System32\r?$', r'C:\\Windows\\System32>cd \\',
                        r'C:\\>type err\.txt', r'(?m)^File Not Found',
                        r'C:\\>type both\.txt', r'(?m)^The system cannot find the file specified\.',
                        r'C:\\>type prog\.txt', r"'nosuch' is not recognized",
                        r'Could Not Find C:\\deep\\gone\.txt',
                        r'(?m)^ONE=1\r?\nONETWO=12', r'(?m)^1-12-%NOPE%',
                        r'Invalid switch - "q"\.',
                        r'process shell\.exe \(pid 1\) exited with status 0x00000009'],
                       [('C:\\>', 'md deep\\er\\est\rcd deep\\er\\est\rcd..\rcd\\\r'
                         'echo.\recho.dotted text\rdir/b deep\rC:\rD:\r'
                         'cd /d C:\\windows\\system32\rcd C:\rcd \\\r'
                         'dir nosuch.txt 2> err.txt\rtype err.txt\r'
                         'type nosuch.txt > both.txt 2>&1\rtype both.txt\r'
                         'nosuch 2> prog.txt\rtype prog.txt\rdel deep\\gone.txt\r'
                         'set ONE=1\rset ONETWO=12\rset ONE\recho %ONE%-%ONETWO%-%NOPE%\r'
                         'dir /q\rexit 9\r')]),
    # Tab cycles through the matches in alphabetical order (Shift+Tab back), as cmd:
    # tab-b.txt, tab-a.txt and tab-c.txt made in that order; a directory for cd only.
    'boot/shell_tab': ('', 0,
                       [r'(?m)^cycled tab-c\.txt', r'(?m)^back tab-a\.txt',
                        r'C:\\tabdir2>',
                        r'process shell\.exe \(pid 1\) exited with status 0x00000000'],
                       [('C:\\>', 'echo b > tab-b.txt\recho a > tab-a.txt\recho c > tab-c.txt\r'
                         'mkdir tabdir2\recho cycled tab-\t\t\t\r'
                         'echo back tab-\t\t\x1b[Z\rcd tab\t\rcd \\\rexit\r')]),
    # The line editor: left, home, delete, end, backspace; history (up, down) and Tab
    # completion of a file, a directory and a program.
    'boot/shell_editing': ('', 0,
                           [r'(?m)^edited world\?', r'(?m)^h-one', r'(?m)^h-two',
                            r'(?m)^h-one', r'(?m)^h-one', r'(?m)^tab-ok',
                            r'C:\\tabdir>', r'\[t_exitcode\.exe exited with status 42',
                            r'process shell\.exe \(pid 1\) exited with status 0x00000000'],
                           [('C:\\>', 'echo wrld!\x1b[D\x1b[D\x1b[D\x1b[Do\x1b[H'
                             '\x1b[3~\x1b[3~\x1b[3~\x1b[3~echo edited\x1b[F\x7f?\r'
                             'echo h-one\recho h-two\r\x1b[A\x1b[A\r\x1b[A\x1b[A\x1b[B\r'
                             'echo tab-ok > completion-target.txt\rtype compl\t\r'
                             'mkdir tabdir\rcd tabd\t\rcd ..\rt_exitc\t\rexit\r')]),
    # Ctrl+C ends the running program and returns to the prompt; at the prompt it
    # drops the line being typed.
    'boot/shell_ctrl_c': ('', 5,
                          [r'tk: tick 3 of 1000', r'\^C', r'C:\\>', r'(?m)^after',
                           r'process shell\.exe \(pid 1\) exited with status 0x00000005'],
                          [('C:\\>', 'ticker tk 1000 50\r'), ('tk: tick 3 of 1000', '\x03'),
                           ('^C', 'echo never\x03echo after\rexit 5\r')]),
    'boot/serial_input': ('readline noshell', 0, [r'read line: "hello dormer"'],
                          [('Type a line', 'hello dormer\r')]),
    # The PS/2 keyboard, through QEMU's sendkey: Shift, Caps Lock, Ctrl+letter (not
    # printable: dropped from the line), backspace.
    'boot/keyboard_input': ('readline noshell', 0, [r'read line: "Hi, Dormer!"'],
                            [('Type a line', 'keys:shift-h i comma spc caps_lock d '
                              'caps_lock o r m e r x backspace shift-1 ctrl-c ret')]),
}


def check_patterns(output, patterns):
    text = output.decode(errors='replace')
    pos = 0
    for pat in patterns:
        m = re.compile(pat).search(text, pos)
        if not m:
            return 'missing /%s/ after offset %d' % (pat, pos)
        pos = m.end()
    return ''


ANSI_ESCAPE = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]')


def tail(output, n=25):
    text = ANSI_ESCAPE.sub('', output.decode(errors='replace'))
    lines = text.replace('\r', '').splitlines()
    return '\n'.join('    | ' + l for l in lines[-n:])


# In-kernel test boots: name -> guest memory in MiB (the smallest and a machine with
# RAM above 4 GiB, besides the default).
KTEST_BOOTS = {'ktest': None, 'ktest@32M': 32, 'ktest@6G': 6144}


MODULES = []  # programs and DLLs for every test ISO (set by main)

# mingw's runtime DLLs (about 24 MiB) and the stock test programs (win32/, several MiB
# of C++ with debug information) do not fit beside everything else in the 32 MiB boot:
# GRUB runs out of memory, or the in-kernel tests that need 16 MiB free find too little.
# Boots with less than this much memory go without them; the in-kernel tests use only
# Dormer's own programs.
RUNTIME_DLLS = ('libgcc_s_seh-1.dll', 'libstdc++-6.dll', 'libwinpthread-1.dll')
SMALL_BOOT_MIB = 128


def small_boot_modules(modules):
    return [m for m in modules if os.path.basename(m) not in RUNTIME_DLLS
            and os.path.basename(os.path.dirname(os.path.dirname(m))) not in
            ('win32', dormer_iso.BOOT_DIR_MARK)]


# Boots with a virtio-net NIC on QEMU user networking (restrict=on); the others have none.
NET_BOOTS = ('utest',)


def boot_one(kernel_elf, qemu, work, name, cmdline, script=(), mem=None):
    iso = os.path.join(work, name.replace('/', '_') + '.iso')
    modules = MODULES
    if mem and mem < SMALL_BOOT_MIB:
        modules = small_boot_modules(MODULES)
    dormer_iso.make_iso(iso, kernel_elf, 'headless ' + cmdline, modules=modules)
    if mem or name in NET_BOOTS:
        qemu = dormer_qemu.Options(qemu.accel, mem or qemu.mem, True, qemu.build_dir,
                                   qemu.timeout, net='user' if name in NET_BOOTS else 'none')
    return dormer_qemu.boot_capture(iso, qemu, BOOT_TIMEOUT_FOR.get(name, BOOT_TIMEOUT), script)


# Scripted headless runs, exactly as `printf ... | scons run headless=1` (the wrapper
# forwards its stdin, then the end-of-input marker): name -> (stdin bytes, expected
# status, patterns in the serial log). The end of the input ends the shell with 0.
SCRIPTED_RUNS = {
    'run/script_dir_exit': (b'dir\nexit 3\n', 3,
                            [r' Volume in drive C (is \S+|has no label\.)',
                             r' Volume Serial Number is [0-9A-F]{4}-[0-9A-F]{4}',
                             r' Directory of C:\\', r'<DIR>          Windows',
                             r'0 File\(s\)\s+0 bytes', r'\d+ Dir\(s\)\s+[1-9][\d,]* bytes free',
                             r'process shell\.exe \(pid 1\) exited with status 0x00000003']),
    'run/script_end_of_input': (b'echo from a script\n', 0,
                                [r'(?m)^from a script',
                                 r'process shell\.exe \(pid 1\) exited with status 0x00000000']),
    'run/script_empty': (b'', 0, [r'process shell\.exe \(pid 1\) exited with status 0x00000000']),
}

SCRIPTED_RUN_CODE = """
import sys
sys.path.insert(0, sys.argv[1])
import dormer_qemu
opts = dormer_qemu.Options(sys.argv[3], int(sys.argv[4]), True, sys.argv[5], float(sys.argv[6]))
sys.exit(dormer_qemu.run(sys.argv[2], opts))
"""


def scripted_run(kernel_elf, qemu, work, name, stdin):
    """Boots the shell through dormer_qemu.run (scons run headless=1) in a child Python
    whose stdin is a pipe holding `stdin`. Returns (status, serial log)."""
    iso = os.path.join(work, name.replace('/', '_') + '.iso')
    dormer_iso.make_iso(iso, kernel_elf, 'headless', modules=MODULES)
    build_dir = os.path.join(work, name.replace('/', '_'))
    os.makedirs(build_dir, exist_ok=True)
    tools = os.path.dirname(os.path.abspath(__file__))
    proc = subprocess.run([sys.executable, '-c', SCRIPTED_RUN_CODE, tools, iso, qemu.accel,
                           str(qemu.mem), build_dir, str(BOOT_TIMEOUT)],
                          input=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        with open(os.path.join(build_dir, 'serial.log'), 'rb') as f:
            log = f.read()
    except OSError:
        log = b''
    return proc.returncode, log + proc.stdout


def run_boot_tests(kernel_elf, qemu, work, results, debug_kernel):
    jobs = {}
    cases = [(n, c, s, p, ()) for n, c, s, p in BOOT_TESTS
             if debug_kernel or n not in DEBUG_ONLY]
    cases += [(n, c, s, p, scr) for n, (c, s, p, scr) in BOOT_SCRIPTS.items()]
    for name in KTEST_BOOTS:
        cases.append((name, 'ktest=all loglevel=warn', None, None, ()))
    cases += [(n, c, st, p, ()) for n, (c, st, p) in USER_BOOTS.items()]
    # The utest boot also checks the network first (DHCP, pings: see check_network).
    cases.append(('utest', 'utest=all utest_skip=%s loglevel=warn netcheck=%s'
                  % (USER_SKIP, NET_PEER), None, None, ()))
    # The same programs loop under injected allocation failures (see check_faultinject).
    cases.append(('faultinject', 'utest=%s utest_rounds=%d heapsites loglevel=warn '
                  'faultinject=%s' % (FAULTINJECT_PROGRAMS, FAULTINJECT_ROUNDS,
                                      FAULTINJECT_SPEC), None, None, ()))
    # ... and twice without: the second round must leave the heap as the first left it.
    if debug_kernel:
        cases.append(('second_round', 'utest=%s utest_rounds=2 heapsites loglevel=warn'
                      % FAULTINJECT_PROGRAMS, None, None, ()))
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for name, cmdline, status, patterns, script in cases:
            jobs[name] = (pool.submit(boot_one, kernel_elf, qemu, work, name, cmdline, script,
                                      KTEST_BOOTS.get(name)),
                          status, patterns)
        for name, (stdin, status, patterns) in SCRIPTED_RUNS.items():
            jobs[name] = (pool.submit(scripted_run, kernel_elf, qemu, work, name, stdin),
                          status, patterns)
        for name, (fut, want_status, patterns) in jobs.items():
            try:
                status, output = fut.result()
            except Exception as e:  # ISO or QEMU could not even start
                results.record(name, False, str(e))
                continue
            with open(os.path.join(work, name.replace('/', '_') + '.log'), 'wb') as f:
                f.write(output)
            if name == 'utest':
                check_user_tests(status, output, results)
                continue
            if name == 'faultinject':
                check_faultinject(status, output, results)
                continue
            if name == 'second_round':
                check_second_round(status, output, results)
                continue
            if name in KTEST_BOOTS:
                prefix = 'kernel' + name[len('ktest'):]
                check_ktests(prefix, status, output, results)
                continue
            why = ''
            if status != want_status:
                why = 'exit status %d (%s), wanted %d' % (
                    status, dormer_qemu.status_message(status), want_status)
            why = why or check_patterns(output, patterns)
            absent = BOOT_ABSENT.get(name)
            if not why and absent and re.search(absent, output.decode(errors='replace')):
                why = 'unexpected /%s/ in output' % absent
            results.record(name, not why, why + ('\n' + tail(output) if why else ''))


WIN32_DIR = []  # userspace/win32 in the source tree (set by main)


def stock_expectation(prog):
    """(expected stdout, expected status) of stock program w_NAME.exe: win32/NAME/NAME.expected
    as Windows prints it (checked against Wine by tools/win32_expected.py) and the status in
    NAME.status (0 without one)."""
    name = prog[:-4]
    base = os.path.join(WIN32_DIR[0], name, name)
    with open(base + '.expected', 'rb') as f:
        want = f.read().decode('latin-1')
    status = 0
    if os.path.exists(base + '.status'):
        with open(base + '.status') as f:
            status = int(f.read().split()[0], 0)
    return want, status


def compare_stock_output(prog, body):
    """'' if body (a UTEST section) is exactly the expected output, else why not."""
    want, _ = stock_expectation(prog)
    want = want.replace('\r\n', '\n')
    # The kernel's own line after the program's output (on the same line when the
    # program did not end its last one).
    got = re.sub(r'process \S+ \(pid \d+\) exited with status 0x[0-9A-Fa-f]+\n?$', '', body)
    if got == want:
        return ''
    diff = difflib.unified_diff(want.splitlines(), got.splitlines(), 'expected', 'Dormer',
                                lineterm='', n=1)
    return 'output differs from %s.expected:\n%s' % (prog[:-4], '\n'.join(list(diff)[:40]))


NET_PEER = '10.0.2.2'  # QEMU user networking's host side, which answers ICMP echo


def check_network(text, results):
    """The NET lines of net_boot_check in the utest boot: DHCP bound QEMU's 10.0.2.15,
    every ping was answered, and the NIC dropped nothing."""
    m = re.search(r'^NET dhcp (\S+) (\S+)$', text, re.M)
    results.record('net/dhcp_bound', bool(m) and m.group(1) == 'bound' and
                   m.group(2) == '10.0.2.15', m.group(0) if m else 'no NET dhcp line')
    for what in ('loopback', 'self', 'peer'):
        m = re.search(r'^NET ping %s (\S+) replies=(\d+)/(\d+)' % what, text, re.M)
        results.record('net/ping_' + what, bool(m) and m.group(2) == m.group(3),
                       m.group(0) if m else 'no NET ping %s line' % what)
    m = re.search(r'^NET counters en0 rx=(\d+) rx_dropped=(\d+) tx=(\d+) tx_dropped=(\d+)',
                  text, re.M)
    results.record('net/virtio_net_counters', bool(m) and int(m.group(1)) > 0 and
                   m.group(2) == '0' and int(m.group(3)) > 0 and m.group(4) == '0',
                   m.group(0) if m else 'no NET counters line')


def check_user_tests(status, output, results):
    """The utest=all boot: each program's exit status, its own checks, the kill
    report of the faulting ones, and the frame counts around it all."""
    text = ANSI_ESCAPE.sub('', output.decode(errors='replace')).replace('\r', '')
    check_network(text, results)
    seen = 0
    for m in re.finditer(r'^UTEST BEGIN (\S+)\n(.*?)^UTEST END \1 status=0x([0-9A-F]+)$',
                         text, re.M | re.S):
        seen += 1
        prog, body, got = m.group(1), m.group(2), int(m.group(3), 16)
        want = USER_STATUS.get(prog, 0)
        if prog.startswith('w_'):
            want = stock_expectation(prog)[1]
        why = ''
        if got != want:
            why = 'exit status 0x%X, wanted 0x%X' % (got, want)
        fails = re.findall(r'^check .* FAIL.*$', body, re.M)
        if not why and fails:
            why = '; '.join(fails[:5])
        if not why and 'MUST NOT APPEAR' in body:
            why = 'printed past the requested length'
        patterns = list(USER_EXTRA.get(prog, []))
        if prog.startswith('f_') and want in USER_FAULT_WHAT:
            patterns = USER_BEFORE.get(prog, []) + [
                r'\*\*\* %s \(pid \d+, thread \d+\) killed: %s \(0x%08X\)'
                        % (re.escape(prog), USER_FAULT_WHAT[want], want)] + patterns + [
                r'RIP [0-9a-f]{16}', r'User backtrace:'] + USER_CHAIN_FOR.get(prog, USER_CHAIN)
        if not why and patterns:
            why = check_patterns(body.encode(), patterns)
        if not why and prog.startswith('w_'):
            why = compare_stock_output(prog, body)
        results.record('user/' + prog, not why,
                       why + ('\n' + tail(body.encode(), 30) if why else ''))
    if seen == 0:
        results.record('user/run', False, 'no UTEST results: exit status %d\n%s'
                       % (status, tail(output)))
        return
    m = re.search(r'^UTEST frames before=(\d+) after=(\d+)', text, re.M)
    results.record('user/frames_unchanged_after_all_programs', bool(m) and
                   m.group(1) == m.group(2), m.group(0) if m else 'no frame counts')
    m = re.search(r'^UTEST repeat hello\.exe x100 failures=(\d+) frames before=(\d+) '
                  r'after=(\d+)', text, re.M)
    results.record('user/hello_100_times_frames_unchanged',
                   bool(m) and m.group(1) == '0' and m.group(2) == m.group(3),
                   m.group(0) if m else 'no repeat line')
    results.record('user/run', 'UTEST DONE' in text and status == 0,
                   'exit status %d' % status)


# The faultinject boot: programs that allocate a lot (processes, threads, pipes, files,
# memory), run with 0.8% of frame and heap allocations failing (a fixed seed, so a failure
# replays). Their statuses are not judged: any status, or a clean kill, is right.
FAULTINJECT_PROGRAMS = ('t_memory.exe,t_spawn50.exe,t_pipe.exe,t_files.exe,t_threads64.exe,'
                        't_events.exe')
FAULTINJECT_SPEC = 'random:8:1'
FAULTINJECT_ROUNDS = 3
# The heap's caches: sites whose blocks a round may add for good, each bounded (an image
# section per boot file, kept for the next start; a space's region table, grown to the
# most regions it held). Under injected failures a cache fills when its first attempt
# did not fail, so a later round may still add to these, and only to these.
# Also the RAM C:\'s nodes, names and tables: a file a program could not delete under
# injection stays, as a file does, and a later round may delete it (the frames check
# leaves out ramfs= pages for the same reason; the second_round boot, with nothing
# injected, holds these sites to exact counts too).
HEAP_CACHE_SITES = re.compile(r'^(image_section_prepare|parse_section|open_gap_locked|'
                              r'ram_[a-z_]+|reserve_child|grow_slots|new_node|name_buffer)\+')


def heap_sites(text, when):
    """{site: (blocks, bytes)} of the 'UTEST heap WHEN' lines (the heapsites switch)."""
    return {m.group(1): (int(m.group(2)), int(m.group(3)))
            for m in re.finditer(r'^UTEST heap %s site=(\S+) blocks=(\d+) bytes=(\d+)'
                                 % re.escape(when), text, re.M)}


def heap_moves(before, after, allowed=None):
    """Sites whose live blocks or bytes differ between two heap_sites tables, except
    those matching `allowed`, as 'site (blocks, bytes) -> (blocks, bytes)'."""
    return ['%s %s -> %s' % (site, before.get(site), after.get(site))
            for site in sorted(set(before) | set(after))
            if before.get(site) != after.get(site)
            and not (allowed and allowed.search(site))]


def check_second_round(status, output, results):
    """The six faultinject programs twice, no failures injected: after the first round
    has filled the caches, the second leaves every counter (the heap's blocks and bytes
    too) and every site's live blocks exactly where the first left them."""
    text = ANSI_ESCAPE.sub('', output.decode(errors='replace')).replace('\r', '')
    ended = len(re.findall(r'^UTEST END \S+ status=0x00000000$', text, re.M))
    wanted = 2 * len(FAULTINJECT_PROGRAMS.split(','))
    why = ''
    if 'PANIC' in text or 'UTEST DONE' not in text or status != 0 or ended != wanted:
        why = 'exit status %d, %d of %d programs ended with 0\n%s' % (status, ended, wanted,
                                                                     tail(output))
    counters = {}
    for when in ('round_1', 'round_2'):
        m = re.search(r'^UTEST counters %s (frames=.* handles=\d+) injected=' % when, text,
                      re.M)
        counters[when] = m.group(1) if m else None
    if not why and (counters['round_1'] is None or counters['round_1'] != counters['round_2']):
        why = 'counters after round 1: %s; after round 2: %s' % (counters['round_1'],
                                                                counters['round_2'])
    first, second = heap_sites(text, 'round_1'), heap_sites(text, 'round_2')
    if not why and not first:
        why = 'no "UTEST heap round_1 site=..." lines'
    moved = heap_moves(first, second)
    if not why and moved:
        why = 'heap blocks moved between the rounds: ' + '; '.join(moved)
    results.record('user/second_round_leaves_the_heap_as_it_was', not why, why)


def check_faultinject(status, output, results):
    """No panic and no hang (the boot reaches UTEST DONE and powers off with 0), failures
    were injected, every program ended, and around the 100 starts of hello.exe (each
    with its own failures) frames, objects and handles come back."""
    text = ANSI_ESCAPE.sub('', output.decode(errors='replace')).replace('\r', '')
    why = ''
    if 'PANIC' in text or 'UTEST DONE' not in text or status != 0:
        why = 'exit status %d (%s)\n%s' % (status, dormer_qemu.status_message(status),
                                           tail(output))
    results.record('faultinject/no_panic_no_hang', not why, why)
    ended = len(re.findall(r'^UTEST END ', text, re.M))
    wanted = FAULTINJECT_ROUNDS * len(FAULTINJECT_PROGRAMS.split(','))
    results.record('faultinject/every_program_ended', ended == wanted,
                   '%d of %d programs ended' % (ended, wanted))
    m = re.search(r'^UTEST counters after .* injected=(\d+)', text, re.M)
    results.record('faultinject/failures_injected', bool(m) and int(m.group(1)) > 0,
                   m.group(0) if m else 'no counters line')
    # Around every program: frames (less the RAM C:\\'s pages, which a file a program
    # could not delete under injection holds rightly), objects and handles are back at
    # the counts before the first one.
    counters = re.compile(r'^UTEST counters (\S+) frames=(\d+) heap_blocks=\d+ '
                          r'heap_bytes=\d+ objects=(\d+) handles=(\d+) injected=\d+ '
                          r'ramfs=(\d+)', re.M)
    seen = {m.group(1): (int(m.group(2)) - int(m.group(5)), int(m.group(3)),
                         int(m.group(4))) for m in counters.finditer(text)}
    base = seen.get('before')
    moved = ['%s %s' % (name, seen.get(name))
             for name in FAULTINJECT_PROGRAMS.split(',') if seen.get(name) != base]
    results.record('faultinject/counters_back_after_every_program',
                   base is not None and not moved,
                   'before (frames less ramfs, objects, handles) %s; moved: %s'
                   % (base, ', '.join(moved)))
    # A round after the first two, failures injected all along: the heap's blocks are
    # where the round before left them, but for the caches (HEAP_CACHE_SITES).
    last = 'round_%d' % FAULTINJECT_ROUNDS
    before, after = heap_sites(text, 'round_%d' % (FAULTINJECT_ROUNDS - 1)), heap_sites(text, last)
    moved = heap_moves(before, after, HEAP_CACHE_SITES)
    results.record('faultinject/heap_back_after_a_round', bool(after) and not moved,
                   'no "UTEST heap %s" lines' % last if not after else
                   'outside the caches: ' + '; '.join(moved))
    m = re.search(r'^UTEST injected call=\d+ site=', text, re.M)
    results.record('faultinject/failures_named_for_replay', bool(m),
                   'no "UTEST injected call=N site=..." line')
    got = {}
    for when in ('repeat_before', 'repeat_after'):
        m = re.search(r'^UTEST counters %s frames=(\d+) heap_blocks=\d+ heap_bytes=\d+ '
                      r'objects=(\d+) handles=(\d+)' % when, text, re.M)
        got[when] = m.groups() if m else None
    results.record('faultinject/hello_100_times_counters_unchanged',
                   got['repeat_before'] is not None and
                   got['repeat_before'] == got['repeat_after'],
                   'frames, objects, handles before %s after %s'
                   % (got['repeat_before'], got['repeat_after']))


def check_ktests(prefix, status, output, results):
    text = output.decode(errors='replace')
    failed = {}
    for m in re.finditer(r'^KTEST FAIL (\S+): (.*)$', text, re.M):
        failed.setdefault(m.group(1), m.group(2).strip())
    for m in re.finditer(r'^KTEST PASS (\S+)', text, re.M):
        results.record('%s/%s' % (prefix, m.group(1)), True)
    for name, why in failed.items():
        results.record('%s/%s' % (prefix, name), False, why)
    done = re.search(r'^KTEST DONE passed=(\d+) failed=(\d+)', text, re.M)
    if not done:
        results.record(prefix + '/run', False, 'no KTEST DONE line: exit status %d (%s)\n%s' % (
            status, dormer_qemu.status_message(status), tail(output)))
    elif status != (1 if failed else 0):
        results.record(prefix + '/run', False, 'exit status %d after KTEST DONE' % status)


# Boots whose kernel does undefined behaviour on purpose: crash=ubsan, and crash=stack_smash's
# write past its array (which UBSan's object-size check sees before the canary does).
UB_ON_PURPOSE = ('boot_crash_ubsan.log', 'boot_crash_stack_smash.log')


def check_no_ubsan_reports(work, since, results):
    """No boot of this run printed a UBSan report but those that do undefined behaviour on
    purpose (a UBSan kernel reports and goes on, so only its output shows it)."""
    bad = []
    for name in sorted(os.listdir(work)):
        path = os.path.join(work, name)
        if (not name.endswith('.log') or name in UB_ON_PURPOSE or
                os.path.getmtime(path) < since):
            continue
        with open(path, 'rb') as f:
            text = f.read().decode(errors='replace')
        for m in re.finditer(r'^UBSAN: .*$', text, re.M):
            bad.append('%s: %s' % (name[:-4], m.group(0)))
    results.record('ubsan/no_report_in_any_boot', not bad, '\n'.join(bad[:20]))


def main(kernel_elf, host_tests, qemu, top, build_kind='debug', modules=(), fuzzers=(),
         fuzz_secs=5):
    results = Results()
    started = time.time()
    MODULES[:] = modules
    WIN32_DIR[:] = [os.path.join(top, 'userspace', 'win32')]
    work = os.path.join(qemu.build_dir, 'test')
    os.makedirs(work, exist_ok=True)
    run_host_tests(host_tests, results)
    run_tool_tests(top, results)
    run_fuzzers(fuzzers, top, work, fuzz_secs, results)
    run_boot_tests(kernel_elf, qemu, work, results, build_kind == 'debug')
    dormer_disk_test.run(kernel_elf, qemu, work, modules, results, compare_stock_output)
    dormer_nettest.run(kernel_elf, qemu, work, modules, results)
    check_no_ubsan_reports(work, started, results)
    print('%d passed, %d failed' % (results.passed, results.failed), flush=True)
    return 0 if results.failed == 0 else 1
