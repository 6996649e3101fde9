#!/usr/bin/env python3
"""Seed inputs for the kernel command-line fuzz harness (kernel/tests/fuzz/fuzz_cmdline.c):
the command lines the boot tests give the kernel (tools/dormer_test.py), in the escaped
form GRUB passes them, plus the edge cases: a line of only separators, the word limit,
a line over CMDLINE_MAX, escapes at the end.

    cmdline_seed.py OUT_DIR
"""
import os
import sys

LINES = [
    'headless noshell',
    'headless utest=all utest_skip=t_cmdline.exe loglevel=warn',
    'headless init=t_cmdline.exe alpha \\"beta gamma\\" 3',
    'headless ktest=all loglevel=warn',
    'headless loader_relocate init=t_reloc.exe',
    'headless crash=nosuchkind loglevel=warn faultinject=every:50',
    'a=b=c =x key= \\\\ \\',
    ' \t \t ',
    ' '.join('w%d=%d' % (i, i) for i in range(70)),
    'x' * 1100,
]


def main(out):
    os.makedirs(out, exist_ok=True)
    for i, line in enumerate(LINES):
        with open(os.path.join(out, 'line%02d' % i), 'wb') as f:
            f.write(line.encode())
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
