#!/usr/bin/env python3
"""A labelled set of hand-made and damaged PE32+ files, for the loader's agreement figure.

Issue #18 measured Dormer's verdicts against Windows' on public malformed-PE corpora. With
no network, this builds such a set itself: a few hundred variants of one small, valid
PE32+ program (four sections, an import of KERNEL32.dll!ExitProcess, a DIR64 relocation),
each changed along the rules of docs/loader.md, alone or several at once, and each
labelled with Windows' verdict ("load" or "refuse") by the rule it breaks. The rules and
where Windows' behaviour is documented are in docs/loader.md; a variant that breaks
several rules is refused if any of them refuses. Like #18's figure, the set is of 64-bit
files only (a PE32 image runs under WOW64 on Windows; Dormer refuses it by design). The host test test_pe_corpus runs every
file through the loader's own code and reports how often it agrees.

    pe_corpus.py OUT_DIR     writes OUT_DIR/NNN-rule.exe and OUT_DIR/labels.txt
                             (one line per file: name, verdict, rule)
"""
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dormer_userspace  # noqa: E402

LFANEW = 0x40
OPT = LFANEW + 24            # optional header
SECT = OPT + 0xF0            # section table: 4 entries of 40 bytes
SECTIONS = [  # name, rva, vsize, raw offset, raw size, characteristics
    (b'.text', 0x1000, 0x10, 0x200, 0x200, 0x60000020),
    (b'.data', 0x2000, 0x10, 0x400, 0x200, 0xC0000040),
    (b'.idata', 0x3000, 0x100, 0x600, 0x200, 0xC0000040),
    (b'.reloc', 0x4000, 0x0C, 0x800, 0x200, 0x42000040),
]
FILE_SIZE = 0xA00


def put(b, off, fmt, *v):
    struct.pack_into('<' + fmt, b, off, *v)


def base_image():
    """The valid program every variant starts from."""
    b = bytearray(FILE_SIZE)
    b[0:2] = b'MZ'
    put(b, 0x3C, 'I', LFANEW)
    b[LFANEW:LFANEW + 4] = b'PE\0\0'
    put(b, LFANEW + 4, 'HHIIIHH', 0x8664, len(SECTIONS), 0, 0, 0, 0xF0, 0x0022)
    put(b, OPT, 'H', 0x20B)
    put(b, OPT + 16, 'I', 0x1000)                 # entry point
    put(b, OPT + 24, 'Q', 0x140000000)            # ImageBase
    put(b, OPT + 32, 'II', 0x1000, 0x200)         # Section/FileAlignment
    put(b, OPT + 40, 'H', 6)                      # OS version
    put(b, OPT + 48, 'H', 6)                      # subsystem version
    put(b, OPT + 56, 'II', 0x5000, 0x200)         # SizeOfImage, SizeOfHeaders
    put(b, OPT + 68, 'HH', 3, 0x160)              # console; high-entropy, dynamic base, NX
    put(b, OPT + 72, 'QQQQ', 0x200000, 0x1000, 0x100000, 0x1000)
    put(b, OPT + 108, 'I', 16)
    put(b, OPT + 112 + 8, 'II', 0x3000, 40)       # import directory
    put(b, OPT + 112 + 40, 'II', 0x4000, 12)      # base relocations
    for i, (name, rva, vsize, raw, rsize, ch) in enumerate(SECTIONS):
        o = SECT + 40 * i
        b[o:o + 8] = name.ljust(8, b'\0')
        put(b, o + 8, 'IIII', vsize, rva, rsize, raw)
        put(b, o + 36, 'I', ch)
    b[0x200] = 0xC3                               # ret
    put(b, 0x208, 'Q', 0x140001000)               # an absolute address, relocated
    # imports: descriptor, terminator, lookup and address tables, names
    put(b, 0x600, 'IIIII', 0x3040, 0, 0, 0x3070, 0x3050)
    put(b, 0x640, 'QQ', 0x3080, 0)
    put(b, 0x650, 'QQ', 0x3080, 0)
    b[0x670:0x670 + 13] = b'KERNEL32.dll\0'
    put(b, 0x680, 'H', 0)
    b[0x682:0x682 + 12] = b'ExitProcess\0'
    put(b, 0x800, 'IIHH', 0x1000, 12, 0xA008, 0)  # one DIR64 at .text+8
    return b


def sec_off(i, field):
    return SECT + 40 * i + {'name': 0, 'vsize': 8, 'rva': 12, 'rsize': 16, 'raw': 20,
                            'chars': 36}[field]


# ---- rules: each returns (rule, verdict) and changes b (a fresh copy) ----------------

def empty_names(b, r):
    for i in range(len(SECTIONS)):
        if r.random() < 0.7:
            b[sec_off(i, 'name'):sec_off(i, 'name') + 8] = bytes(8)
    return 'empty-section-name', 'load'


def odd_names(b, r):
    i = r.randrange(len(SECTIONS))
    b[sec_off(i, 'name'):sec_off(i, 'name') + 8] = bytes(r.randrange(256) for _ in range(8))
    return 'any-section-name', 'load'


def writable_code(b, r):
    i = r.choice([0, 1])
    put(b, sec_off(i, 'chars'), 'I', 0xE0000060)
    return 'writable-and-executable', 'load'


def cert_table(b, r):
    put(b, OPT + 112 + 4 * 8, 'II', r.choice([0, 0x9F0, 0xA00, 0xFFFFFFF0, r.randrange(1 << 32)]),
        r.choice([0, 8, 0x1000, r.randrange(1 << 32)]))
    return 'certificate-table-ignored', 'load'


def import_dir_size(b, r):
    put(b, OPT + 112 + 12, 'I', r.choice([0, 1, 19, 20, 0x7FFFFFFF, 0xFFFFFFFF,
                                          r.randrange(1 << 32)]))
    return 'import-directory-size-ignored', 'load'


def ordinal_high_bits(b, r):
    v = (1 << 63) | (r.randrange(1, 1 << 46) << 16) | r.randrange(1, 0x10000)
    put(b, 0x640, 'Q', v)
    put(b, 0x650, 'Q', v)
    return 'ordinal-bits-16-62-ignored', 'load'


def image_size_unrounded(b, r):
    put(b, OPT + 56, 'I', 0x4000 + r.randrange(1, 0x1000))
    return 'size-of-image-rounded-up', 'load'


def dirs_count(b, r):
    n = r.choice([17, 32, 0x100, 0xFFFFFFFF])
    put(b, OPT + 108, 'I', n)
    return 'more-than-16-directories', 'load'


def headers_size(b, r):
    put(b, OPT + 60, 'I', r.choice([0x1E8, 0x200, 0x400, 0xA00]))
    # 0x400 and up: past the first section's raw data only in the file; Windows reads the
    # headers as zero-filled up to SizeOfHeaders within the image
    v = struct.unpack_from('<I', b, OPT + 60)[0]
    return 'size-of-headers', 'load' if v <= 0x1000 else 'refuse'


def unaligned_raw(b, r):
    i = r.randrange(len(SECTIONS))
    raw = struct.unpack_from('<I', b, sec_off(i, 'raw'))[0]
    put(b, sec_off(i, 'raw'), 'I', raw + r.randrange(1, 0x200))
    return 'raw-pointer-rounded-down', 'load'


def base_outside(b, r):
    put(b, OPT + 24, 'Q', r.choice([0, 0xFFFF800000000000, 0x7FFFFFFF0000, 0x8000000000000000]))
    return 'image-base-outside-user-space-relocatable', 'load'


def base_outside_stripped(b, r):
    put(b, OPT + 24, 'Q', r.choice([0, 0xFFFF800000000000, 0x7FFFFFFF0000]))
    put(b, LFANEW + 22, 'H', 0x0023)              # RELOCS_STRIPPED
    put(b, OPT + 112 + 40, 'II', 0, 0)
    return 'image-base-outside-relocs-stripped', 'refuse'


def base_unaligned(b, r):
    put(b, OPT + 24, 'Q', 0x140000000 + r.randrange(1, 0x10000))
    return 'image-base-not-64k-aligned', 'refuse'


def truncate(b, r):
    """Cut the file: Windows refuses only when bytes it needs are missing."""
    cut = r.choice([r.randrange(0x100, FILE_SIZE), r.randrange(0x80C, FILE_SIZE)])
    needed = SECT + 40 * len(SECTIONS)       # the section table
    for (_, rva, vsize, raw, rsize, _) in SECTIONS:
        needed = max(needed, raw + min(vsize, rsize))  # padding past VirtualSize is not
    verdict = 'refuse' if cut < needed else 'load'
    del b[cut:]
    return 'raw-data-cut-by-end-of-file', verdict


def truncate_needed(b, r):
    cut = r.choice([0x201, 0x205, 0x401, 0x601, 0x650, 0x690, 0x801, 0x805])
    del b[cut:]
    return 'needed-raw-data-missing', 'refuse'


def gap(b, r):
    i = r.randrange(1, len(SECTIONS))
    rva = struct.unpack_from('<I', b, sec_off(i, 'rva'))[0]
    put(b, sec_off(i, 'rva'), 'I', rva + r.choice([0x1000, 0x2000]))
    put(b, OPT + 56, 'I', 0x8000)
    return 'memory-gap-between-sections', 'refuse'


def overlap(b, r):
    i = r.randrange(1, len(SECTIONS))
    put(b, sec_off(i - 1, 'vsize'), 'I', 0x1800)
    return 'sections-overlap', 'refuse'


def unaligned_va(b, r):
    i = r.randrange(len(SECTIONS))
    rva = struct.unpack_from('<I', b, sec_off(i, 'rva'))[0]
    put(b, sec_off(i, 'rva'), 'I', rva + r.choice([8, 0x200, 0x800]))
    return 'section-address-not-aligned', 'refuse'


def machine(b, r):
    put(b, LFANEW + 4, 'H', r.choice([0x14C, 0x1C4, 0xAA64, 0x200, 0]))
    return 'machine-not-amd64', 'refuse'


def not_executable(b, r):
    put(b, LFANEW + 22, 'H', 0x0020)
    return 'executable-flag-clear', 'refuse'


def no_mz(b, r):
    b[0:2] = r.choice([b'ZM', b'\0\0', b'MZ'[::-1]])
    return 'no-mz-signature', 'refuse'


def no_pe(b, r):
    b[LFANEW:LFANEW + 4] = r.choice([b'PE\0\1', b'NE\0\0', b'\0\0\0\0'])
    return 'no-pe-signature', 'refuse'


def lfanew_bad(b, r):
    put(b, 0x3C, 'I', r.choice([0x41, 0x42, 0x43, 0x10000, 0xFFFFFFF0]))
    return 'e-lfanew-unaligned-or-past-file', 'refuse'


def image_size_zero(b, r):
    put(b, OPT + 56, 'I', 0)
    return 'size-of-image-zero', 'refuse'


def image_size_unclaimed(b, r):
    put(b, OPT + 56, 'I', 0x6000 + 0x1000 * r.randrange(0, 4))
    return 'size-of-image-unclaimed-alignment', 'refuse'


def alignment(b, r):
    sa, fa = r.choice([(0x1000, 0x300), (0x3000, 0x200), (0x1000, 0x2000), (0x1000, 0x100),
                       (0x800, 0x200)])
    put(b, OPT + 32, 'II', sa, fa)
    return 'bad-alignment', 'refuse'


def section_past_image(b, r):
    put(b, OPT + 56, 'I', 0x4000)
    return 'section-past-size-of-image', 'refuse'


def import_name_outside(b, r):
    put(b, 0x600 + 12, 'I', r.choice([0x5000, 0x80000000, 0xFFFFFFF0]))
    return 'import-dll-name-outside-image', 'refuse'


def import_thunk_outside(b, r):
    put(b, 0x640, 'Q', r.choice([0x5000, 0x7FFFFFF0]))
    put(b, 0x650, 'Q', struct.unpack_from('<Q', b, 0x640)[0])
    return 'import-name-thunk-outside-image', 'refuse'


def import_missing_dll(b, r):
    b[0x670:0x670 + 13] = r.choice([b'NOSUCH32.dll\0', b'kernel33.dll\0'])
    return 'imported-dll-not-there', 'refuse'


def import_walk_end(b, r):
    # a descriptor without a name or without an address table ends the walk, whatever
    # follows it (here garbage)
    put(b, 0x600 + r.choice([12, 16]), 'I', 0)
    put(b, 0x614, 'IIIII', 0x99999, 1, 2, 0x77777, 0x88888)
    return 'import-walk-ends-at-empty-descriptor', 'load'


def entry_not_code(b, r):
    put(b, OPT + 16, 'I', r.choice([0x2000, 0x3000, 0x100]))
    return 'entry-point-outside-code', 'load'  # Windows maps it and faults at run time


def empty_section(b, r):
    put(b, sec_off(1, 'vsize'), 'I', 0)
    put(b, sec_off(1, 'rsize'), 'I', 0)
    return 'section-virtual-and-raw-size-zero', 'refuse'


ACCEPT = [empty_names, odd_names, writable_code, cert_table, import_dir_size,
          ordinal_high_bits, image_size_unrounded, dirs_count, unaligned_raw, base_outside,
          import_walk_end]
REFUSE = [base_outside_stripped, base_unaligned, truncate_needed, gap, overlap, unaligned_va,
          machine, not_executable, no_mz, no_pe, lfanew_bad, image_size_zero,
          image_size_unclaimed, alignment, section_past_image, import_name_outside,
          import_thunk_outside, import_missing_dll, empty_section]
OTHER = [truncate, headers_size, entry_not_code]


def variants(seed=18):
    r = random.Random(seed)
    out = [('valid-base', 'load', base_image()),
           ('tiny-pe', 'load', bytearray(dormer_userspace.tiny_pe()))]
    for rule_fn in ACCEPT + REFUSE + OTHER:   # every rule alone, several times
        for _ in range(5):
            b = base_image()
            rule, verdict = rule_fn(b, r)
            out.append((rule, verdict, b))
    for _ in range(120):                     # combinations: two or three rules at once
        fns = r.sample(ACCEPT, r.choice([2, 3]))
        if r.random() < 0.4:
            fns.append(r.choice(REFUSE + OTHER))
        b = base_image()
        rules, refused = [], False
        for fn in fns:
            rule, verdict = fn(b, r)
            rules.append(rule)
            refused |= verdict == 'refuse'
        out.append(('+'.join(rules), 'refuse' if refused else 'load', b))
    return out


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__.strip())
    out = argv[1]
    if not os.path.isdir(out):
        os.makedirs(out)
    lines = []
    for n, (rule, verdict, data) in enumerate(variants()):
        name = '%03d.exe' % n
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)
        lines.append('%s %s %s\n' % (name, verdict, rule))
    with open(os.path.join(out, 'labels.txt'), 'w') as f:
        f.writelines(lines)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
