#!/usr/bin/env python3
"""Seed inputs for the vfs fuzz harness (kernel/tests/fuzz/fuzz_vfs.c): short programs of
its 4-byte operations (op, slot and path, two argument bytes) that make a directory,
files in it, write, read, rename, enumerate, mark for deletion and close, so mutations
start from sequences that reach deep into the layer.

    vfs_seed.py OUT_DIR
"""
import os
import struct
import sys

OPEN, CLOSE, READ, WRITE, TRUNC, DISP, RENAME, ENUM, BASIC, STAT, NAME, FAIL = range(12)
# paths: 0 C:\a  1 C:\B  2 C:\d  3 C:\d\a  4 C:\D\b.txt  5 C:\d\e  6 C:\d\e\a  7 C:\
RW, ALL, DIR_OPT, DOC_OPT = 3, 5, 1 << 3, 3 << 3
CREATE, OPEN_IF = 2, 3


def op(code, slot, path=0, a=0, b=0):
    return struct.pack('<BBBB', code, (path << 5) | (slot & 0x1f), a, b)


def open_(slot, path, access, share, disp, opts=0):
    return op(OPEN, slot, path, access | (share << 3), disp | opts)


PROGRAMS = {
    'tree': open_(0, 2, 1, 7, OPEN_IF, DIR_OPT) + open_(1, 4, RW, 7, CREATE) +
            op(WRITE, 1, 0, 0x50, 0x12) + op(READ, 1 | 0x80, 0, 0, 0x10) +
            op(ENUM, 0, 0, 0, 0) + op(ENUM, 0, 0, 4, 0) + op(CLOSE, 1) + op(CLOSE, 0),
    'rename': open_(0, 0, ALL, 7, CREATE) + op(WRITE, 0, 0, 0xff, 0x20) +
              open_(1, 2, 1, 7, CREATE, DIR_OPT) + op(RENAME, 0, 0, 4, 0) +
              op(NAME, 0, 0, 3, 0) + op(CLOSE, 0) + op(CLOSE, 1),
    'delete': open_(0, 1, ALL, 0, CREATE, DOC_OPT) + op(WRITE, 0, 0, 0x31, 0x40) +
              open_(1, 1, 1, 7, 1) + op(CLOSE, 0) + open_(2, 1, 1, 7, 1) +
              op(DISP, 1, 0, 1, 0) + op(CLOSE, 1),
    'share': open_(0, 0, 1, 1, CREATE) + open_(1, 0, 2, 7, 1) + open_(2, 0, 1, 3, 1) +
             op(TRUNC, 2, 0, 9, 0) + op(BASIC, 0, 0, 1, 0) + op(STAT, 0, 0, 0, 0),
    'oom': op(FAIL, 0, 0, 0x81, 0x80) + open_(0, 0, RW, 7, CREATE) +
           op(FAIL, 0, 0, 0, 0x81) + open_(1, 1, RW, 7, CREATE) + op(WRITE, 1, 0, 0x00, 0x90),
}


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    os.makedirs(argv[1], exist_ok=True)
    for name, data in PROGRAMS.items():
        with open(os.path.join(argv[1], name + '.bin'), 'wb') as f:
            f.write(data)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
