#!/usr/bin/env python3
"""Pack the kernel's symbols and line table into the .ksyms blob of its ELF.

Reads function names from the GNU ld map (one .text.NAME input section per function,
static ones included, thanks to -ffunction-sections; assembly globals listed under .text),
file:line rows from objdump's decoded DWARF line table and the GNU build-id note, then
patches the blob (layout in docs/symbols.md) into the reserved .ksyms section of a copy
of the linked ELF. Patching the file instead of relinking keeps every address fixed.
Python 3 standard library only; SCons may import this module and call main(argv).
"""

import argparse
import bisect
import collections
import os
import struct
import subprocess
import sys

MAGIC = 0x4D59534B  # b"KSYM" read as a little-endian u32
VERSION = 1
BUILD_ID_MAX = 32
SPACE_HINT = "raise KSYM_SPACE in kernel/include/core/ksym.h"

# magic, version, header_size, total_size, flags, text_base, text_size, build_id_len,
# build_id[32], sym_count, sym_off, file_count, file_off, line_count, line_off,
# str_off, str_size -- byte offsets in docs/symbols.md and kernel/core/ksym_blob.c.
HEADER = struct.Struct("<IHHIIQII32sIIIIIIII")
SYM_ENTRY = struct.Struct("<III")  # start offset from text base, size, name string
FILE_ENTRY = struct.Struct("<I")  # path string
LINE_ENTRY = struct.Struct("<IHH")  # start offset from text base, file index, line
assert HEADER.size == 96

LINE_MAX = 0xFFFF
FILE_MAX = 0xFFFF

# Prefixes GCC puts before the function name in -ffunction-sections section names.
GCC_SECTION_PREFIXES = ("unlikely", "hot", "startup", "exit")

SHT_SYMTAB = 2
SHT_NOTE = 7
SHT_NOBITS = 8
PT_LOAD = 1
NT_GNU_BUILD_ID = 3


class KsymError(Exception):
    """A failure to report as one 'ksympack: ...' line and a non-zero exit."""


Symbol = collections.namedtuple("Symbol", "addr size name origin")
"""One function: absolute address, size in bytes, name, and where the map showed it
('section' for a .text.NAME input section, 'global' for a listed symbol)."""


# ---------------------------------------------------------------------------
# Linker map

def _hex(token):
    return int(token, 16)


def _is_hex(token):
    return token.startswith("0x") and len(token) > 2


_OUTPUT = object()


def _map_sections(text):
    """Yield input sections of the memory map as [name, addr, size, obj, [(addr, sym)]].

    GNU ld prints ' NAME ADDR SIZE FILE' for an input section, but moves ADDR SIZE FILE
    to the next line when NAME is long; symbols follow as '   ADDR NAME' lines.
    """
    lines = text.splitlines()
    try:
        start = next(i for i, l in enumerate(lines) if l.startswith("Linker script and memory map"))
    except StopIteration:
        raise KsymError("map has no 'Linker script and memory map' part; "
                        "is it a GNU ld -Map file?") from None

    current = None
    pending = None  # a wrapped section: its input name, or _OUTPUT for an output section
    for line in lines[start + 1:]:
        tokens = line.split()
        if pending is not None:
            name, pending = pending, None
            if len(tokens) >= 2 and _is_hex(tokens[0]) and _is_hex(tokens[1]):
                if name is not _OUTPUT:
                    current = [name, _hex(tokens[0]), _hex(tokens[1]), " ".join(tokens[2:]), []]
                    yield current
                continue
        if not tokens:
            continue
        if not line[0].isspace():
            # An output section, LOAD, OUTPUT(...); long output section names wrap too.
            current = None
            if len(tokens) == 1 and tokens[0].startswith("."):
                pending = _OUTPUT
            continue
        if line[1:2] != " " and tokens[0].startswith("."):
            # ' .text.name ADDR SIZE FILE': an input section (exactly one leading space).
            if len(tokens) >= 3 and _is_hex(tokens[1]) and _is_hex(tokens[2]):
                current = [tokens[0], _hex(tokens[1]), _hex(tokens[2]), " ".join(tokens[3:]), []]
                yield current
            else:
                current = None
                pending = tokens[0]
            continue
        if line[1:2] != " ":
            current = None  # ' *fill*', ' *(.text .text.*)', ' COMMON', ...
            continue
        # '   ADDR NAME' is a symbol; assignments ('ADDR  x = .') have more tokens.
        if len(tokens) == 2 and _is_hex(tokens[0]) and not _is_hex(tokens[1]):
            if current is not None:
                current[4].append((_hex(tokens[0]), tokens[1]))


def _section_function(name):
    """(function name, gcc prefix) named by a section like .text.NAME, or (None, None)."""
    if not name.startswith(".text."):
        return None, None
    rest = name[len(".text."):]
    for prefix in GCC_SECTION_PREFIXES:
        if rest == prefix:
            return None, None  # GCC's plain .text.unlikely etc., no function name
        if rest.startswith(prefix + "."):
            return rest[len(prefix) + 1:], prefix
    return rest, None


def parse_map(text):
    """All function candidates in a GNU ld map, in map order (unsorted, with duplicates).

    A .text.NAME input section gives NAME; .text.unlikely.NAME gives NAME.cold when the
    same object also has a hot part of NAME (GCC's hot/cold split), else NAME. Symbols
    listed under any input section (.text, or e.g. .boot.text from assembly) are sized up
    to the next listed symbol or the end of their section. Sections without a function
    name or symbols give nothing. The caller keeps only what lies in the text range.
    """
    sections = list(_map_sections(text))
    hot_parts = set()
    for name, _, _, obj, _ in sections:
        fn, prefix = _section_function(name)
        if fn is not None and prefix != "unlikely":
            hot_parts.add((obj, fn))

    out = []
    for name, addr, size, obj, syms in sections:
        fn, prefix = _section_function(name)
        if fn is not None:
            if prefix == "unlikely" and (obj, fn) in hot_parts:
                fn += ".cold"
            out.append(Symbol(addr, size, fn, "section"))
        end = addr + size
        starts = sorted({a for a, _ in syms})
        for sym_addr, sym_name in syms:
            later = [a for a in starts if a > sym_addr]
            sym_end = later[0] if later else end
            out.append(Symbol(sym_addr, max(0, sym_end - sym_addr), sym_name, "global"))
    return out


def select_symbols(symbols, text_start, text_end):
    """Keep one symbol per address inside [text_start, text_end), sorted by address.

    At a shared address the largest size wins (so zero-size labels give way to the real
    function), then a section-derived name (what the compiler called the function), then
    map order. Zero-size symbols left alone can contain no address and are dropped too.
    Sizes are clipped to text_end.
    """
    best = {}
    for order, sym in enumerate(symbols):
        if sym.size == 0 or not text_start <= sym.addr < text_end:
            continue
        rank = (sym.size, sym.origin == "section", -order)
        if sym.addr not in best or rank > best[sym.addr][0]:
            best[sym.addr] = (rank, sym)
    result = []
    for addr in sorted(best):
        sym = best[addr][1]
        result.append(sym._replace(size=min(sym.size, text_end - addr)))
    return result


# ---------------------------------------------------------------------------
# DWARF line table (objdump --dwarf=decodedline --wide)

def normalize_path(path, root, strip_prefixes=()):
    """Path relative to the repo top ('kernel/mm/vmm.c'); files outside it (compiler
    headers) keep only their base name, so no host path ends up in the kernel."""
    p = path.replace("\\", "/")
    if os.path.isabs(p):
        real = os.path.realpath(p)
        top = os.path.realpath(root)
        if real != top and not real.startswith(top.rstrip(os.sep) + os.sep):
            return os.path.basename(p)
        p = os.path.relpath(real, top)
    p = os.path.normpath(p).replace(os.sep, "/")
    for prefix in strip_prefixes:
        prefix = prefix.rstrip("/") + "/"
        if p.startswith(prefix):
            p = p[len(prefix):]
            break
    if p == ".." or p.startswith("../"):
        return os.path.basename(p)
    return p


def parse_decodedline(text, root, strip_prefixes=()):
    """Rows (addr, path or None, line) from objdump/readelf decoded line output.

    In wide mode the tools print 'CU: dir/file.c:' or 'dir/file.h:' when the current file
    changes and only the base name on each row; a sequence that starts back in a file seen
    earlier in the unit gets no header, so base names are resolved against the unit's
    files. A '-' line number ends a sequence; it is kept as (addr, None, 0), as are rows
    with line 0 (no source line).
    """
    rows = []
    current = None
    known = {}  # base name -> full path, for files of the current compilation unit
    for raw in text.splitlines():
        s = raw.strip()
        if not s:
            continue
        tokens = s.split()
        if len(tokens) >= 3 and (tokens[1].isdigit() or tokens[1] == "-") and _is_hex(tokens[2]):
            addr = _hex(tokens[2])
            if tokens[1] == "-" or tokens[1] == "0":
                rows.append((addr, None, 0))
                continue
            name = tokens[0]
            if "/" not in name:
                # A new sequence starts in the unit's main file without a header line.
                if current is not None and os.path.basename(current) == name:
                    name = current
                else:
                    name = known.get(name, name)
            rows.append((addr, normalize_path(name, root, strip_prefixes), int(tokens[1])))
        elif s.endswith(":") and " " not in s.replace("CU: ", "", 1):
            if s.startswith("CU: "):
                known = {}
            current = s[:-1].replace("CU: ", "", 1)
            known[os.path.basename(current)] = current
    return rows


def compact_lines(rows, text_start, text_end):
    """Line rows inside the text range as (offset, path or None, line), sorted, keeping
    only rows where (path, line) changes. At one address the last row wins (DWARF views;
    the innermost inlined line), and a sequence start beats another sequence's end."""
    picked = {}
    keyed = sorted(
        ((addr, 0 if path is None else 1, i, path, line)
         for i, (addr, path, line) in enumerate(rows) if text_start <= addr < text_end),
        key=lambda r: r[:3])
    for addr, _, _, path, line in keyed:
        picked[addr] = (path, line) if line else (None, 0)
    out = []
    previous = (None, 0)
    for addr in sorted(picked):
        if picked[addr] != previous:
            out.append((addr - text_start,) + picked[addr])
            previous = picked[addr]
    return out


def run_objdump(objdump, elf_path):
    """Decoded line table of elf_path, as text."""
    env = dict(os.environ, LC_ALL="C")
    cmd = [objdump, "--dwarf=decodedline", "--wide", elf_path]
    try:
        res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=env, check=False)
    except OSError as e:
        raise KsymError("cannot run %s: %s" % (objdump, e)) from None
    if res.returncode != 0:
        err = res.stderr.decode(errors="replace").strip()
        raise KsymError("%s failed: %s" % (" ".join(cmd), err))
    return res.stdout.decode("utf-8", errors="replace")


# ---------------------------------------------------------------------------
# Blob

def build_strtab(strings):
    """(table bytes, {string: offset}). Equal strings are stored once and a string that
    ends another one ('map' in 'vmm_map') points into it."""
    uniq = sorted({s.encode("utf-8") for s in strings}, key=lambda b: b[::-1])
    owner = list(range(len(uniq)))
    for i in range(len(uniq) - 2, -1, -1):
        if uniq[i + 1].endswith(uniq[i]):
            owner[i] = owner[i + 1]
    table = bytearray()
    where = {}
    for i, b in enumerate(uniq):
        if owner[i] == i:
            where[i] = len(table)
            table += b + b"\0"
    offsets = {}
    for i, b in enumerate(uniq):
        o = owner[i]
        offsets[b.decode("utf-8")] = where[o] + len(uniq[o]) - len(b)
    if not table:
        table = bytearray(b"\0")
    return bytes(table), offsets


def pack(text_base, text_size, build_id, symbols, lines):
    """The blob bytes. symbols: sorted [(offset, size, name)]; lines: sorted
    [(offset, path or None, line)] with line 0 meaning 'no line from here on'."""
    if len(build_id) > BUILD_ID_MAX:
        raise KsymError("build-id of %d bytes exceeds %d" % (len(build_id), BUILD_ID_MAX))
    files = []
    file_index = {}
    for _, path, line in lines:
        if line and path not in file_index:
            file_index[path] = len(files)
            files.append(path)
    if len(files) > FILE_MAX + 1:
        raise KsymError("%d source files exceed the blob's u16 file index" % len(files))
    strtab, stroff = build_strtab([name for _, _, name in symbols] + files)

    sym_off = HEADER.size
    file_off = sym_off + SYM_ENTRY.size * len(symbols)
    line_off = file_off + FILE_ENTRY.size * len(files)
    str_off = line_off + LINE_ENTRY.size * len(lines)
    total = str_off + len(strtab)

    out = bytearray(HEADER.pack(
        MAGIC, VERSION, HEADER.size, total, 0, text_base, text_size, len(build_id),
        bytes(build_id), len(symbols), sym_off, len(files), file_off, len(lines), line_off,
        str_off, len(strtab)))
    for off, size, name in symbols:
        out += SYM_ENTRY.pack(off, size, stroff[name])
    for path in files:
        out += FILE_ENTRY.pack(stroff[path])
    for off, path, line in lines:
        if line > LINE_MAX:
            raise KsymError("%s:%d: line numbers above %d do not fit the blob"
                            % (path, line, LINE_MAX))
        out += LINE_ENTRY.pack(off, file_index[path] if line else 0, line)
    out += strtab
    assert len(out) == total
    return bytes(out)


Blob = collections.namedtuple("Blob", "text_base text_size build_id symbols files lines")


def unpack(blob):
    """Decode a blob (trusting it; for tests and --lookup). symbols: [(offset, size, name)],
    files: [path], lines: [(offset, file index, line)]."""
    if len(blob) < HEADER.size:
        raise KsymError("blob shorter than its header")
    (magic, version, header_size, total, _flags, text_base, text_size, id_len, build_id,
     sym_count, sym_off, file_count, file_off, line_count, line_off, str_off,
     str_size) = HEADER.unpack_from(blob)
    if magic != MAGIC or version != VERSION or total > len(blob):
        raise KsymError("not a version %d symbol blob" % VERSION)

    def string(off):
        end = blob.index(b"\0", str_off + off)
        return blob[str_off + off:end].decode("utf-8")

    def table(entry, off, count):
        return [entry.unpack_from(blob, off + i * entry.size) for i in range(count)]

    symbols = [(o, s, string(n)) for o, s, n in table(SYM_ENTRY, sym_off, sym_count)]
    files = [string(n) for (n,) in table(FILE_ENTRY, file_off, file_count)]
    lines = table(LINE_ENTRY, line_off, line_count)
    return Blob(text_base, text_size, bytes(build_id[:id_len]), symbols, files, lines)


def lookup(blob, addr):
    """Reference lookup mirroring kernel/core/ksym_blob.c: None, or a dict with name,
    offset, sym_addr, file (None if unknown) and line (0 if unknown)."""
    b = unpack(blob) if isinstance(blob, (bytes, bytearray)) else blob
    if not 0 <= addr - b.text_base < b.text_size:
        return None
    off = addr - b.text_base
    i = bisect.bisect_right([s[0] for s in b.symbols], off) - 1
    if i < 0 or off >= b.symbols[i][0] + b.symbols[i][1]:
        return None
    start, _, name = b.symbols[i]
    info = {"name": name, "offset": off - start, "sym_addr": b.text_base + start,
            "file": None, "line": 0}
    j = bisect.bisect_right([r[0] for r in b.lines], off) - 1
    if j >= 0:
        row_off, file_idx, line = b.lines[j]
        if line and row_off >= start and file_idx < len(b.files):
            info["file"], info["line"] = b.files[file_idx], line
    return info


def format_lookup(blob, addr):
    """'0xADDR name+0xoff (file:line)' as a panic backtrace prints it."""
    info = lookup(blob, addr)
    if info is None:
        return "0x%016x ?" % addr
    text = "0x%016x %s+0x%x" % (addr, info["name"], info["offset"])
    if info["file"]:
        text += " (%s:%d)" % (info["file"], info["line"])
    return text


# ---------------------------------------------------------------------------
# ELF64

Section = collections.namedtuple("Section", "name type flags addr offset size link")


class Elf:
    """Minimal little-endian ELF64 reader: sections, symbols, build-id."""

    EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
    SHDR = struct.Struct("<IIQQQQIIQQ")
    PHDR = struct.Struct("<IIQQQQQQ")
    SYM = struct.Struct("<IBBHQQ")

    def __init__(self, data):
        self.data = data
        if len(data) < self.EHDR.size or data[:4] != b"\x7fELF":
            raise KsymError("not an ELF file")
        if data[4] != 2 or data[5] != 1:
            raise KsymError("not a little-endian ELF64 file")
        (_, _, _, _, _, phoff, shoff, _, _, phentsize, phnum, shentsize, shnum,
         shstrndx) = self.EHDR.unpack_from(data)
        raw = [self._shdr(shoff, shentsize, i) for i in range(max(shnum, 1 if shoff else 0))]
        if shnum == 0 and raw:  # extended numbering: real counts live in section 0
            shnum = raw[0][5]
            raw = [self._shdr(shoff, shentsize, i) for i in range(shnum)]
        if shstrndx == 0xFFFF and raw:
            shstrndx = raw[0][6]
        if not raw or shstrndx >= len(raw):
            raise KsymError("ELF has no section name table")
        names = raw[shstrndx]
        self.sections = [Section(self._cstr(names[4], names[5], r[0]), r[1], r[2], r[3], r[4],
                                 r[5], r[6]) for r in raw]
        self.segments = []
        for i in range(phnum):
            at = phoff + i * phentsize
            if phentsize < self.PHDR.size or at + self.PHDR.size > len(data):
                raise KsymError("ELF program header %d out of bounds" % i)
            self.segments.append(self.PHDR.unpack_from(data, at))

    def _shdr(self, shoff, shentsize, i):
        at = shoff + i * shentsize
        if shentsize < self.SHDR.size or at + self.SHDR.size > len(self.data):
            raise KsymError("ELF section header %d out of bounds" % i)
        name, typ, flags, addr, offset, size, link, _, _, _ = self.SHDR.unpack_from(self.data, at)
        return (name, typ, flags, addr, offset, size, link)

    def _cstr(self, table_off, table_size, off):
        if off >= table_size or table_off + table_size > len(self.data):
            raise KsymError("ELF string offset out of bounds")
        end = self.data.find(b"\0", table_off + off, table_off + table_size)
        if end < 0:
            raise KsymError("unterminated ELF string")
        return self.data[table_off + off:end].decode("utf-8", errors="replace")

    def section(self, name):
        return next((s for s in self.sections if s.name == name), None)

    def contents(self, sec):
        if sec.type == SHT_NOBITS or sec.offset + sec.size > len(self.data):
            raise KsymError("section %s has no contents in the file" % sec.name)
        return self.data[sec.offset:sec.offset + sec.size]

    def symbols(self):
        """{name: value} of the static symbol table (the last definition wins)."""
        out = {}
        for sec in self.sections:
            if sec.type != SHT_SYMTAB or sec.link >= len(self.sections):
                continue
            strtab = self.sections[sec.link]
            table = self.contents(sec)
            for at in range(0, len(table) - self.SYM.size + 1, self.SYM.size):
                name, _, _, shndx, value, _ = self.SYM.unpack_from(table, at)
                if name and shndx != 0:
                    out[self._cstr(strtab.offset, strtab.size, name)] = value
        return out

    def build_id(self):
        """The desc bytes of the GNU build-id note, or None."""
        for sec in self.sections:
            if sec.type != SHT_NOTE:
                continue
            notes = self.contents(sec)
            at = 0
            while at + 12 <= len(notes):
                namesz, descsz, typ = struct.unpack_from("<III", notes, at)
                name_at = at + 12
                desc_at = name_at + ((namesz + 3) & ~3)
                nxt = desc_at + ((descsz + 3) & ~3)
                if nxt > len(notes):
                    break
                if typ == NT_GNU_BUILD_ID and notes[name_at:name_at + namesz] == b"GNU\0":
                    return bytes(notes[desc_at:desc_at + descsz])
                at = nxt
        return None


def patch_elf(data, blob, section=".ksyms"):
    """A copy of the ELF bytes with blob (zero-padded) written over section's contents."""
    elf = Elf(data)
    sec = elf.section(section)
    if sec is None:
        raise KsymError("no %s section in the ELF; link kernel/core/ksym_space.c and keep "
                        "KEEP(*(.ksyms)) in linker/kernel.ld" % section)
    if sec.type == SHT_NOBITS:
        raise KsymError("%s is NOBITS in the ELF; it must be initialised data to be patched"
                        % section)
    if len(blob) > sec.size:
        raise KsymError("symbol blob needs %d bytes but %s reserves only %d; %s"
                        % (len(blob), section, sec.size, SPACE_HINT))
    loaded = any(p[0] == PT_LOAD and p[2] <= sec.offset and
                 sec.offset + sec.size <= p[2] + p[5] for p in elf.segments)
    if not loaded:
        raise KsymError("%s is not inside a loaded segment's file data; the loader would "
                        "never copy the blob" % section)
    out = bytearray(data)
    out[sec.offset:sec.offset + sec.size] = blob + bytes(sec.size - len(blob))
    return bytes(out)


# ---------------------------------------------------------------------------
# Driver

def build_blob(map_text, elf_data, line_text, root, strip_prefixes=()):
    """(blob, summary counts) for a linked kernel: its map, raw ELF bytes and decoded
    line table text."""
    elf = Elf(elf_data)
    syms = elf.symbols()
    if "__text_start" not in syms or "__text_end" not in syms:
        raise KsymError("__text_start/__text_end missing from the ELF symbol table; "
                        "linker/kernel.ld must define them around .text")
    text_start, text_end = syms["__text_start"], syms["__text_end"]
    if not 0 <= text_end - text_start <= 0xFFFFFFFF:
        raise KsymError("text range 0x%x-0x%x is empty, reversed or over 4 GiB"
                        % (text_start, text_end))
    build_id = elf.build_id()
    if not build_id:
        raise KsymError("the ELF has no GNU build-id note; link with --build-id=sha1")

    functions = select_symbols(parse_map(map_text), text_start, text_end)
    if not functions:
        raise KsymError("no functions found in the map inside the text range; "
                        "is the map from the same link?")
    rows = compact_lines(parse_decodedline(line_text, root, strip_prefixes),
                         text_start, text_end)
    blob = pack(text_start, text_end - text_start, build_id,
                [(s.addr - text_start, s.size, s.name) for s in functions], rows)
    files = len({path for _, path, line in rows if line})
    return blob, (len(functions), len(rows), files)


def _write_atomic(path, data, mode_from=None):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    if mode_from is not None:
        os.chmod(tmp, os.stat(mode_from).st_mode & 0o777)
    os.replace(tmp, path)


def _parse_args(argv):
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser(
        prog="ksympack.py",
        description="Pack kernel symbols and line info into the .ksyms section of the ELF.")
    p.add_argument("--map", help="GNU ld map of the link (ld -Map=...)")
    p.add_argument("--elf", help="raw linked kernel ELF (input, not modified)")
    p.add_argument("--out", help="patched kernel ELF to write")
    p.add_argument("--blob", help="where to write the blob (with --lookup: blob to read)")
    p.add_argument("--objdump", default="objdump", help="objdump to run (default: objdump)")
    p.add_argument("--root", default=top,
                   help="repo top; source paths are stored relative to it "
                        "(default: the directory above tools/)")
    p.add_argument("--strip-prefix", action="append", default=[], metavar="DIR",
                   help="drop DIR/ from the front of source paths (e.g. an SCons variant dir)")
    p.add_argument("--lookup", nargs="+", metavar="ADDR",
                   help="instead of packing, resolve hex addresses against --blob")
    args = p.parse_args(argv)
    if args.lookup:
        if not args.blob:
            p.error("--lookup needs --blob")
    else:
        missing = [o for o in ("map", "elf", "out", "blob") if getattr(args, o) is None]
        if missing:
            p.error("missing " + ", ".join("--" + o for o in missing))
    return args


def main(argv=None):
    """Command-line entry; returns the exit status (SCons treats non-zero as failure)."""
    try:
        args = _parse_args(sys.argv[1:] if argv is None else list(argv))
    except SystemExit as e:  # argparse --help or usage error; never exit SCons itself
        return e.code if isinstance(e.code, int) else 2
    try:
        if args.lookup:
            with open(args.blob, "rb") as f:
                blob = f.read()
            for a in args.lookup:
                try:
                    print(format_lookup(blob, int(a, 16)))
                except ValueError:
                    raise KsymError("not a hex address: %s" % a) from None
            return 0
        with open(args.map, encoding="utf-8", errors="replace") as f:
            map_text = f.read()
        with open(args.elf, "rb") as f:
            elf_data = f.read()
        line_text = run_objdump(args.objdump, args.elf)
        blob, (n_syms, n_rows, n_files) = build_blob(map_text, elf_data, line_text,
                                                     args.root, args.strip_prefix)
        patched = patch_elf(elf_data, blob)
        reserved = Elf(elf_data).section(".ksyms").size
        _write_atomic(args.blob, blob)
        _write_atomic(args.out, patched, mode_from=args.elf)
    except (KsymError, OSError) as e:
        print("ksympack: %s" % e, file=sys.stderr)
        return 1
    print("ksympack: %d symbols, %d line rows, %d files, blob %d bytes (of %d reserved)"
          % (n_syms, n_rows, n_files, len(blob), reserved))
    return 0


if __name__ == "__main__":
    sys.exit(main())
