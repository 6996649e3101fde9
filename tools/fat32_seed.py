#!/usr/bin/env python3
"""Seed inputs for the FAT32 fuzz harness: a FAT32 image made by mtools, written as the
harness's sparse disk (records of a 4-byte little-endian sector number and its 512 bytes,
for every sector that is not all zeros).

    fat32_seed.py OUT_DIR
"""
import os
import struct
import subprocess
import sys
import tempfile

SECTOR = 512
IMAGE_MIB = 64


def sparse_records(image):
    """The harness's input for a disk image: its non-zero sectors, in order."""
    out = bytearray()
    for lba in range(len(image) // SECTOR):
        sector = image[lba * SECTOR:(lba + 1) * SECTOR]
        if any(sector):
            out += struct.pack('<I', lba) + sector
    return bytes(out)


def make_image(work):
    """A fresh FAT32 volume with a short-named file, a long-named one and a nested directory."""
    img = os.path.join(work, 'seed.img')
    with open(img, 'wb') as f:
        f.truncate(IMAGE_MIB << 20)
    data = os.path.join(work, 'data')
    with open(data, 'wb') as f:
        f.write(bytes(range(256)) * 12)  # 3 KiB: several clusters at 512 bytes each

    def m(*args):
        subprocess.run(list(args), check=True, stdout=subprocess.DEVNULL)
    m('mformat', '-i', img, '-F', '-c', '1', '::')
    m('mcopy', '-i', img, data, '::/SHORT.DAT')
    m('mmd', '-i', img, '::/A long directory name')
    m('mcopy', '-i', img, data, '::/A long directory name/nested file.txt')
    with open(img, 'rb') as f:
        return f.read()


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    os.makedirs(argv[1], exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        records = sparse_records(make_image(work))
    with open(os.path.join(argv[1], 'mtools.bin'), 'wb') as f:
        f.write(records)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
