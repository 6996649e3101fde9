"""Host-side helpers for Dormer's user-space build (userspace/SConscript).

corrupt_section_table makes bad_image.exe, the loader's rejection test: a copy of a good
PE32+ file whose first section's PointerToRawData points past the end of the file, kept
aligned to FileAlignment so that the bounds check (not the alignment check) rejects it.
Only the header fields this needs are parsed, each checked against the file."""
import struct
import sys


def _u16(data, off):
    return struct.unpack_from('<H', data, off)[0]


def _u32(data, off):
    return struct.unpack_from('<I', data, off)[0]


def first_section_header(data):
    """File offset of the first section header, and the file alignment."""
    if len(data) < 0x40 or data[:2] != b'MZ':
        raise ValueError('not an MZ file')
    pe = _u32(data, 0x3c)
    if pe + 24 > len(data) or data[pe:pe + 4] != b'PE\0\0':
        raise ValueError('no PE signature')
    nsections = _u16(data, pe + 6)
    opt_size = _u16(data, pe + 20)
    opt = pe + 24
    if nsections == 0 or opt + opt_size + 40 > len(data) or _u16(data, opt) != 0x20b:
        raise ValueError('not a PE32+ image with sections')
    file_alignment = _u32(data, opt + 36)
    return opt + opt_size, file_alignment


def corrupt_section_table(src, dst):
    """Copy src to dst with section 0's raw data moved past the end of the file."""
    with open(src, 'rb') as f:
        data = bytearray(f.read())
    sec, align = first_section_header(data)
    align = align or 0x200
    beyond = (len(data) + align - 1) // align * align + align
    struct.pack_into('<I', data, sec + 20, beyond)  # PointerToRawData
    with open(dst, 'wb') as f:
        f.write(data)


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit('usage: dormer_userspace.py GOOD.exe BAD.exe')
    corrupt_section_table(sys.argv[1], sys.argv[2])
