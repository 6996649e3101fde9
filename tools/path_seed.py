#!/usr/bin/env python3
"""Seed inputs for the path fuzz harness (kernel/tests/fuzz/fuzz_path.c): one file per
(current directory, path) pair, each a 2-byte little-endian count of the directory's
UTF-16 units, the directory, then the path, all UTF-16LE. The pairs cover every form
the parser knows: absolute, drive-relative, rooted, relative, dots, device names, UNC.

    path_seed.py OUT_DIR
"""
import os
import struct
import sys

PAIRS = [
    ('C:\\', 'C:\\a\\b'),
    ('C:\\', 'C:/a/b/'),
    ('C:\\x\\y', '\\a\\b'),
    ('C:\\x\\y', 'a\\b'),
    ('C:\\x\\y', '.\\a'),
    ('C:\\x\\y', '..\\..\\..\\a'),
    ('C:\\x', 'C:rel'),
    ('C:\\x', 'D:rel'),
    ('C:\\', 'C:\\a\\..\\b\\.\\c'),
    ('C:\\', 'C:\\name. . .'),
    ('C:\\', 'C:\\dir.\\file.txt'),
    ('C:\\', 'C:\\CON'),
    ('C:\\', 'C:\\com1.txt'),
    ('C:\\', 'C:\\a<b\\..\\c'),
    ('C:\\', '\\\\server\\share'),
    ('C:\\', '\\\\?\\C:\\x'),
    ('C:\\', '*.txt'),
    ('C:\\Windows\\System32', 'hello.exe'),
    ('', 'relative'),
    ('C:\\', 'C:\\' + 'n' * 255),
    ('C:\\', 'C:\\' + 'n' * 256),
    ('C:\\', 'C:\\caf\u00e9\\\u4e2d\u6587'),
]


def encode(cwd, path):
    c = cwd.encode('utf-16-le')
    return struct.pack('<H', len(c) // 2) + c + path.encode('utf-16-le')


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    os.makedirs(argv[1], exist_ok=True)
    for i, (cwd, path) in enumerate(PAIRS):
        with open(os.path.join(argv[1], 'pair%02d.bin' % i), 'wb') as f:
            f.write(encode(cwd, path))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
