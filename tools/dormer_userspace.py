"""Host-side helpers for Dormer's user-space build (userspace/SConscript): hand-made
images for the loader's boot tests.

corrupt_section_table makes bad_image.exe, the loader's rejection test: a copy of a good
PE32+ file whose first section's PointerToRawData points past the end of the file, kept
aligned to FileAlignment so that the bounds check (not the alignment check) rejects it.
blank_section_names makes noname.exe: the same good file with every section name zeroed
(Windows never reads names). tiny_pe makes tiny.exe, the "tiny PE" trick Windows runs:
e_lfanew 4, so the PE header overlaps the DOS header and e_lfanew doubles as a section
alignment of 4; no sections, the code in the headers (mapped read-write-execute), which
writes a byte of its own header and returns. Only the header fields these need are
parsed, each checked against the file."""
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


def blank_section_names(src, dst):
    """Copy src to dst with all eight name bytes of every section zero."""
    with open(src, 'rb') as f:
        data = bytearray(f.read())
    sec, _ = first_section_header(data)
    count = _u16(data, _u32(data, 0x3c) + 6)
    if sec + 40 * count > len(data):
        raise ValueError('section table runs past the end of the file')
    for i in range(count):
        data[sec + 40 * i:sec + 40 * i + 8] = bytes(8)
    with open(dst, 'wb') as f:
        f.write(data)


def check_no_wx(path):
    """Raise ValueError if a section of the image at path is writable and executable."""
    with open(path, 'rb') as f:
        data = f.read()
    sec, _ = first_section_header(data)
    count = _u16(data, _u32(data, 0x3c) + 6)
    if sec + 40 * count > len(data):
        raise ValueError('%s: section table runs past the end of the file' % path)
    for i in range(count):
        chars = _u32(data, sec + 40 * i + 36)
        if chars & 0x80000000 and chars & 0x20000000:
            name = data[sec + 40 * i:sec + 40 * i + 8].rstrip(b'\0').decode('ascii', 'replace')
            raise ValueError('%s: section %s is writable and executable' % (path, name))


TINY_ENTRY = 0xf0


def tiny_pe():
    """The bytes of a 256-byte PE32+ program with e_lfanew 4 and no sections."""
    b = bytearray(0x100)
    b[0:2] = b'MZ'
    b[4:8] = b'PE\0\0'
    struct.pack_into('<HH', b, 8, 0x8664, 0)            # Machine, NumberOfSections
    struct.pack_into('<HH', b, 8 + 16, 112, 0x0022)     # SizeOfOptionalHeader, exe + LAA
    opt = 28
    struct.pack_into('<H', b, opt, 0x20b)
    struct.pack_into('<I', b, opt + 16, TINY_ENTRY)
    struct.pack_into('<Q', b, opt + 24, 0x400000)       # ImageBase
    struct.pack_into('<II', b, opt + 32, 4, 4)          # Section/FileAlignment = e_lfanew
    struct.pack_into('<II', b, opt + 56, 0x100, 0x100)  # SizeOfImage, SizeOfHeaders
    struct.pack_into('<H', b, opt + 68, 3)              # console
    assert _u32(b, 0x3c) == 4
    # mov byte [rip - 0x17], 1 (offset 0xe0, in the header); ret
    code = bytes([0xc6, 0x05]) + struct.pack('<i', 0xe0 - (TINY_ENTRY + 7)) + bytes([1, 0xc3])
    b[TINY_ENTRY:TINY_ENTRY + len(code)] = code
    return bytes(b)


def write_tiny_pe(dst):
    with open(dst, 'wb') as f:
        f.write(tiny_pe())


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit('usage: dormer_userspace.py GOOD.exe BAD.exe')
    corrupt_section_table(sys.argv[1], sys.argv[2])
