#!/usr/bin/env python3
"""Seed inputs for the multiboot2 fuzz harness (kernel/tests/fuzz/fuzz_mb2.c): info
blocks laid out as GRUB 2 lays them out for Dormer under QEMU (command line, boot
loader name, one module per program, basic meminfo, the e820 map QEMU gives 256 MiB and
6 GiB guests, an RGB and an indexed framebuffer, both ACPI RSDP tags), and a few small
ones each exercising a single tag (or overflowing the parser's arrays).

    mb2_seed.py OUT_DIR
"""
import os
import struct
import sys


def tag(kind, payload):
    body = struct.pack('<II', kind, 8 + len(payload)) + payload
    return body + b'\0' * (-len(body) % 8)


def string_tag(kind, text):
    return tag(kind, text.encode() + b'\0')


def block(tags):
    body = b''.join(tags) + tag(0, b'')
    return struct.pack('<II', 8 + len(body), 0) + body


def mmap(entries):
    return tag(6, struct.pack('<II', 24, 0) + b''.join(
        struct.pack('<QQII', base, length, kind, 0) for base, length, kind in entries))


QEMU_256M = [(0, 0x9fc00, 1), (0x9fc00, 0x400, 2), (0xf0000, 0x10000, 2),
             (0x100000, 0xfee0000, 1), (0xffe0000, 0x20000, 2), (0xfffc0000, 0x40000, 2)]
QEMU_6G = QEMU_256M[:3] + [(0x100000, 0xbfee0000, 1), (0xbffe0000, 0x20000, 2),
                           (0xfffc0000, 0x40000, 2), (0x100000000, 0xc0000000, 1)]
RSDP_V1 = b'RSD PTR ' + bytes(12)
RSDP_V2 = b'RSD PTR ' + bytes([0] * 7) + b'\x02' + bytes(20)


def module(start, end, name):
    return tag(3, struct.pack('<II', start, end) + name.encode() + b'\0')


def fb_rgb():
    return tag(8, struct.pack('<QIIIBBH', 0xfd000000, 4096, 1024, 768, 32, 1, 0)
               + bytes([16, 8, 8, 8, 0, 8]))


def fb_indexed():
    return tag(8, struct.pack('<QIIIBBH', 0xa0000, 320, 320, 200, 8, 0, 0)
               + struct.pack('<H', 4) + bytes(range(12)))


def fb_text():
    return tag(8, struct.pack('<QIIIBBH', 0xb8000, 160, 80, 25, 16, 2, 0))


SEEDS = {
    'grub_256m': block([string_tag(1, 'headless utest=all loglevel=warn'),
                        string_tag(2, 'GRUB 2.12'),
                        module(0x200000, 0x203400, 'hello.exe'),
                        module(0x204000, 0x230000, 'ntdll.dll'),
                        tag(4, struct.pack('<II', 639, 261120)), mmap(QEMU_256M),
                        fb_text(), tag(14, RSDP_V1)]),
    'grub_6g': block([string_tag(1, 'headless ktest=all'), string_tag(2, 'GRUB 2.12'),
                      tag(4, struct.pack('<II', 639, 3144576)), mmap(QEMU_6G), fb_rgb(),
                      tag(14, RSDP_V1), tag(15, RSDP_V2)]),
    'indexed_fb': block([fb_indexed()]),
    'empty': block([]),
    'unknown_tags': block([tag(21, struct.pack('<I', 0x100000)), tag(10, bytes(20)),
                           string_tag(1, '')]),
    'big_mmap': block([mmap([(0x100000 * i, 0x1000, 1 + i % 6) for i in range(130)])]),
    'many_modules': block([module(0x100000 * i, 0x100000 * i + 512, 'm%d.exe' % i)
                           for i in range(1, 70)]),
}


def main(out):
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
