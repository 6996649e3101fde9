#!/usr/bin/env python3
"""Seed inputs for the symbol blob fuzz harness (kernel/tests/fuzz/fuzz_ksym.c): each is
an 8-byte little-endian address followed by a blob. The blobs come from the packer
itself (ksympack.pack, the code that writes the kernel's own): a few small ones covering
symbols with and without lines, gaps and an empty table, and the first 64
functions of the built kernel's blob (build/kernel.ksyms) when it exists.

    ksym_seed.py OUT_DIR
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ksympack  # noqa: E402

BASE = 0xFFFFFFFF80100000
BUILD_ID = bytes(range(20))


def small_blobs():
    syms = [(0x0, 0x20, 'alpha'), (0x20, 0x10, 'beta'), (0x40, 0x30, 'gamma'),
            (0x100, 0x100, 'delta')]
    lines = [(0x0, 'kernel/core/a.c', 10), (0x8, 'kernel/core/a.c', 11),
             (0x20, 'kernel/core/b.c', 200), (0x30, None, 0), (0x40, 'kernel/core/a.c', 30),
             (0x100, 'kernel/mm/c.c', 65535)]
    yield 'four', ksympack.pack(BASE, 0x200, BUILD_ID, syms, lines), BASE + 0x24
    yield 'nolines', ksympack.pack(BASE, 0x200, BUILD_ID, syms, []), BASE + 0x41
    yield 'empty', ksympack.pack(BASE, 0x10, b'', [], []), BASE
    yield 'one', ksympack.pack(0, 0x1000, BUILD_ID[:8], [(0x10, 0x8, 'f')],
                               [(0x10, 'f.c', 1)]), 0x14


def main(out):
    os.makedirs(out, exist_ok=True)
    for name, blob, addr in small_blobs():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(struct.pack('<Q', addr) + blob)
    real = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        'build', 'kernel.ksyms')
    if os.path.exists(real):
        # The built kernel's first 64 functions and their lines, repacked: small
        # inputs keep the harness fast, and the shapes are the real packer's.
        with open(real, 'rb') as f:
            b = ksympack.unpack(f.read())
        syms = b.symbols[:64]
        end = syms[-1][0] + syms[-1][1]
        lines = [(o, b.files[fi] if ln else None, ln) for o, fi, ln in b.lines if o < end]
        blob = ksympack.pack(b.text_base, end, b.build_id, syms, lines)
        for i, (off, _, _) in enumerate(syms[::20]):
            with open(os.path.join(out, 'kernel%d' % i), 'wb') as f:
                f.write(struct.pack('<Q', b.text_base + off + 1) + blob)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
