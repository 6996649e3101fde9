#!/usr/bin/env python3
"""Seed inputs for the shell parser's fuzz harness (kernel/tests/fuzz/fuzz_shell_parse.c):
one file per command line, covering words and quotes, every redirection form, pipes,
%NAME% references (the harness defines %A%..%Z%) and the refusals.

    shell_parse_seed.py OUT_DIR
"""
import os
import sys

LINES = [
    'dir',
    'echo hi  there',
    'hello a "b c" "" d',
    'echo first line> a.txt',
    'echo more >>a.txt',
    'upper < in.txt > out.txt 2> err.txt',
    'prog 1> a 1>> b 2>> c 2>&1',
    'hello pipe | upper | upper',
    'echo %A% %B% %C% %D% %NOPE% %%',
    'echo "a > b | c"',
    'echo "open',
    'echo >',
    '| x',
    'x ||| y',
    'a|b|c|d|e|f|g|h|i',
    'set NAME=value with spaces',
    'type "C:\\Windows\\System32\\hello.exe"',
    'cd..',
    'cd\\windows | echo.',
    'echo:%A%',
    'dir/b *.txt 2>&1',
]


def main(out):
    os.makedirs(out, exist_ok=True)
    for i, line in enumerate(LINES):
        with open(os.path.join(out, 'seed%02d' % i), 'wb') as f:
            f.write(line.encode())


if __name__ == '__main__':
    main(sys.argv[1])
