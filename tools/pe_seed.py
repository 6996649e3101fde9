#!/usr/bin/env python3
"""Seed inputs for the PE fuzz harness (kernel/tests/fuzz/fuzz_pe.c): the project's own
built images (build/userspace/*.exe and *.dll, the host tests' mingw fixtures when they
are built) and the hand-made tiny PE of tools/dormer_userspace.py. Images that are not
built yet are skipped; the tiny PE is always written.

    pe_seed.py OUT_DIR
"""
import glob
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dormer_userspace  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATTERNS = ['build/userspace/*.exe', 'build/userspace/*.dll',
            'build/host-tests/pe_fixtures/*.exe', 'build/host-tests/pe_fixtures/*.dll',
            # hand-damaged unwind tables (a bad version, codes past the end, a chain loop,
            # UNWIND_INFO outside the image)
            'build/userspace/win32/bad_unwind/*.exe']
MAX_SEED = 4 << 20  # libFuzzer's inputs stay small: skip anything larger


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out = argv[1]
    os.makedirs(out, exist_ok=True)
    dormer_userspace.write_tiny_pe(os.path.join(out, 'tiny.exe'))
    for pattern in PATTERNS:
        for path in sorted(glob.glob(os.path.join(TOP, pattern))):
            if os.path.getsize(path) <= MAX_SEED:
                dst = os.path.basename(os.path.dirname(path)) + '-' + os.path.basename(path)
                shutil.copyfile(path, os.path.join(out, dst))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
