#!/usr/bin/env python3
"""Seed inputs for the FAT32 fuzz harness: a FAT32 image made by mtools, written as the
harness's sparse disk (records of a 4-byte little-endian sector number and its 512 bytes,
for every sector that is not all zeros); and variants of its boot sector and FSInfo for
the volume figures: a label and serial, "NO NAME", no extended boot signature, a free
count past the volume's clusters, an unknown one, and no FSInfo.

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


def make_image(work, label=None):
    """A fresh FAT32 volume with a short-named file, a long-named one and a nested directory."""
    img = os.path.join(work, 'seed.img')
    with open(img, 'wb') as f:
        f.truncate(IMAGE_MIB << 20)
    data = os.path.join(work, 'data')
    with open(data, 'wb') as f:
        f.write(bytes(range(256)) * 12)  # 3 KiB: several clusters at 512 bytes each

    def m(*args):
        subprocess.run(list(args), check=True, stdout=subprocess.DEVNULL)
    m(*(['mformat', '-i', img, '-F', '-c', '1'] +
        (['-v', label, '-N', '1234ABCD'] if label else []) + ['::']))
    m('mcopy', '-i', img, data, '::/SHORT.DAT')
    m('mmd', '-i', img, '::/A long directory name')
    m('mcopy', '-i', img, data, '::/A long directory name/nested file.txt')
    with open(img, 'rb') as f:
        return f.read()


FSINFO = SECTOR  # mformat puts FSInfo in sector 1
# name -> (byte offset in the image, bytes written there)
VARIANTS = {
    'label_no_name.bin': [(71, b'NO NAME    ')],
    'label_nul.bin': [(71, b'AB\0CD      ')],
    'no_extended_bpb.bin': [(66, b'\x28')],
    'fsinfo_count_too_big.bin': [(FSINFO + 488, struct.pack('<I', 0x7fffffff))],
    'fsinfo_count_unknown.bin': [(FSINFO + 488, struct.pack('<I', 0xffffffff))],
    'fsinfo_count_wrong.bin': [(FSINFO + 488, struct.pack('<I', 3))],
    'no_fsinfo.bin': [(48, struct.pack('<H', 0))],
}


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    os.makedirs(argv[1], exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        plain = make_image(work)
        labelled = make_image(work, 'DORMER')
    seeds = {'mtools.bin': plain, 'label.bin': labelled}
    for name, patches in VARIANTS.items():
        image = bytearray(labelled)
        for offset, data in patches:
            image[offset:offset + len(data)] = data
        seeds[name] = bytes(image)
    for name, image in seeds.items():
        with open(os.path.join(argv[1], name), 'wb') as f:
            f.write(sparse_records(image))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
