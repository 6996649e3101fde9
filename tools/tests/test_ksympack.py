#!/usr/bin/env python3
"""Host tests for tools/ksympack.py: map and line-table parsing, the blob layout, lookups,
and the ELF patching (on a tiny kernel built here with gcc/ld, the C reader included).
Handmade map text keeps the parser cases exact; the built kernel keeps them honest.
Run: python3 tools/tests/test_ksympack.py  (prints one line per test, then a total).
"""

import contextlib
import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tools"))

import ksympack  # noqa: E402

BASE = 0xFFFFFFFF80100000

# A GNU ld map in the shape ld 2.40 writes with -ffunction-sections, trimmed by hand.
MAP = """\
Discarded input sections

 .text.unused_fn
                0x0000000000000000       0x12 build/kernel/mm/vmm.o

Memory Configuration

Name             Origin             Length             Attributes
*default*        0x0000000000000000 0xffffffffffffffff

Linker script and memory map

                0x0000000000100000                . = 0x100000

.boot           0x0000000000100000       0x40
 .text.boot     0x0000000000100000       0x40 build/kernel/arch/x86_64/boot32.o
                0x0000000000100000                start32
                0xffffffff80100000                . = 0xffffffff80100000

.text           0xffffffff80100000      0x1c0
                0xffffffff80100000                __text_start = .
 *(.text.unlikely .text.unlikely.*)
 .text.unlikely.vmm_map
                0xffffffff80100000       0x10 build/kernel/mm/vmm.o
 .text.unlikely.pmm_slow
                0xffffffff80100010       0x10 build/kernel/mm/pmm.o
 *(.text .text.*)
 .text          0xffffffff80100020        0x0 build/kernel/mm/vmm.o
 .text.vmm_walk_page_tables_for_a_long_name
                0xffffffff80100020       0x30 build/kernel/mm/vmm.o
 *fill*         0xffffffff80100050       0x10 
 .text.vmm_map  0xffffffff80100060       0x40 build/kernel/mm/vmm.o
                0xffffffff80100060                vmm_map
                0xffffffff80100060                vmm_map_alias
 .text.vmm_unmap
                0xffffffff801000a0       0x20 build/kernel/mm/vmm.o
                0xffffffff801000a0                vmm_unmap
 .text.helper.constprop.0
                0xffffffff801000c0       0x10 build/kernel/mm/pmm.o
 .text          0xffffffff801000d0       0x30 build/kernel/arch/x86_64/isr.o
                0xffffffff801000d0                isr_common
                0xffffffff801000e0                isr_stub_0
                0xffffffff801000e0                isr_stub_first
                0xffffffff80100100                isr_end
 .text          0xffffffff80100100       0x20 build/kernel/arch/x86_64/nolabels.o
 .text          0xffffffff80100120        0x0 build/kernel/core/main.o
 .text.kmain    0xffffffff80100120       0x18 build/kernel/core/main.o
                0xffffffff80100120                kmain
                                         0x20 (size before relaxing)
 *(.boot.text)
 .boot.text     0xffffffff80100138        0x8 build/kernel/arch/x86_64/boot.o
                0xffffffff80100138                mb2_entry
                0xffffffff80100140                __text_end = .

.note.gnu.build-id
                0xffffffff80100140       0x24
                0xffffffff80100140                __build_id_start = .
 *(.note.gnu.build-id)
 .note.gnu.build-id
                0xffffffff80100140       0x24 build/kernel/mm/vmm.o
                0xffffffff80100164                __build_id_end = .

.ksyms          0xffffffff80100170     0x1000
                0xffffffff80100170                __ksyms_start = .
 *(.ksyms)
 .ksyms         0xffffffff80100170     0x1000 build/kernel/core/ksym_space.o
                0xffffffff80101170                __ksyms_end = .
LOAD build/kernel/mm/vmm.o
OUTPUT(build/kernel.elf.raw elf64-x86-64)

.debug_line     0x0000000000000000      0x1fe
 .debug_line    0x0000000000000000      0x11f build/kernel/mm/vmm.o
"""

TEXT_END = BASE + 0x140


def selected(map_text=MAP, start=BASE, end=TEXT_END):
    return ksympack.select_symbols(ksympack.parse_map(map_text), start, end)


def by_name(symbols):
    return {s.name: s for s in symbols}


class MapParsing(unittest.TestCase):
    def test_globals_and_statics_via_sections(self):
        syms = by_name(selected())
        self.assertEqual(syms["vmm_unmap"],
                         ksympack.Symbol(BASE + 0xA0, 0x20, "vmm_unmap", "section"))
        self.assertEqual(syms["helper.constprop.0"].addr, BASE + 0xC0)  # static, section only
        self.assertEqual(syms["kmain"].size, 0x18)

    def test_long_section_name_wrapped_to_next_line(self):
        sym = by_name(selected())["vmm_walk_page_tables_for_a_long_name"]
        self.assertEqual((sym.addr, sym.size), (BASE + 0x20, 0x30))

    def test_wrapped_output_section_is_not_a_symbol(self):
        names = [s.name for s in ksympack.parse_map(MAP)]
        self.assertNotIn("0x24", names)
        self.assertFalse([n for n in names if n.startswith("__")])  # assignments skipped

    def test_cold_part_named_after_its_function(self):
        syms = by_name(selected())
        self.assertEqual(syms["vmm_map.cold"].addr, BASE)  # vmm_map also has a hot part
        self.assertEqual(syms["pmm_slow"].addr, BASE + 0x10)  # wholly cold function

    def test_duplicates_and_aliases_give_one_symbol_per_address(self):
        syms = selected()
        at = [s for s in syms if s.addr == BASE + 0x60]
        self.assertEqual([s.name for s in at], ["vmm_map"])  # not the alias, once only
        self.assertEqual(len({s.addr for s in syms}), len(syms))

    def test_assembly_symbols_sized_to_next_symbol_and_zero_size_dropped(self):
        syms = by_name(selected())
        self.assertEqual(syms["isr_common"].size, 0x10)
        self.assertEqual(syms["isr_stub_0"].size, 0x20)
        self.assertNotIn("isr_stub_first", syms)  # same address, same size: first wins
        # isr_end sits on the end of its section (size 0), where the next object starts
        self.assertNotIn("isr_end", syms)

    def test_zero_size_symbols_dropped(self):
        raw = [ksympack.Symbol(BASE, 0, "label", "global"),
               ksympack.Symbol(BASE, 0x10, "func", "global"),
               ksympack.Symbol(BASE + 0x10, 0, "lonely", "global")]
        out = ksympack.select_symbols(raw, BASE, BASE + 0x100)
        self.assertEqual([(s.name, s.size) for s in out], [("func", 0x10)])

    def test_sections_without_symbols_give_nothing(self):
        syms = selected()
        self.assertFalse([s for s in syms if BASE + 0x100 <= s.addr < BASE + 0x120])

    def test_discarded_and_out_of_range_sections_ignored(self):
        names = {s.name for s in selected()}
        self.assertNotIn("unused_fn", names)
        self.assertNotIn("boot", names)  # .text.boot at 1 MiB, below __text_start
        self.assertNotIn("start32", names)

    def test_symbols_of_other_sections_in_text_range(self):
        sym = by_name(selected())["mb2_entry"]  # .boot.text, placed inside .text
        self.assertEqual((sym.addr, sym.size), (BASE + 0x138, 8))

    def test_sorted_by_address(self):
        addrs = [s.addr for s in selected()]
        self.assertEqual(addrs, sorted(addrs))
        self.assertEqual(len(addrs), 10)

    def test_not_a_map(self):
        with self.assertRaises(ksympack.KsymError):
            ksympack.parse_map("hello\n")


DECODED = """\

build/kernel.elf.raw:     file format elf64-x86-64

Contents of the .debug_line section:

CU: kernel/mm/vmm.c:
File name                            Line number    Starting address    View    Stmt
vmm.c                                         14  0xffffffff80100060               x
vmm.c                                         15  0xffffffff80100060       1       x
vmm.c                                         15  0xffffffff80100064
vmm.c                                         16  0xffffffff80100068

kernel/include/mm/pte.h:
pte.h                                          7  0xffffffff80100070       1       x

kernel/mm/vmm.c:
vmm.c                                         16  0xffffffff80100078
vmm.c                                          0  0xffffffff8010007c
vmm.c                                         17  0xffffffff80100080
vmm.c                                          -  0xffffffff801000a0

CU: /top/kernel/core/main.c:
File name                            Line number    Starting address    View    Stmt
main.c                                         3  0xffffffff80100120               x
/usr/lib/gcc/x86_64-linux-gnu/12/include/stdarg.h:
stdarg.h                                       9  0xffffffff80100128
stdarg.h                                       -  0xffffffff80100130

main.c                                         5  0xffffffff80100130               x
other.c                                        6  0xffffffff80100134
main.c                                         -  0xffffffff80100140
"""


class LineTable(unittest.TestCase):
    def test_decodedline_rows(self):
        rows = ksympack.parse_decodedline(DECODED, "/top")
        self.assertEqual(rows[0], (BASE + 0x60, "kernel/mm/vmm.c", 14))
        self.assertIn((BASE + 0x70, "kernel/include/mm/pte.h", 7), rows)
        self.assertIn((BASE + 0x7C, None, 0), rows)  # line 0: no source line
        self.assertIn((BASE + 0xA0, None, 0), rows)  # '-': end of sequence
        self.assertIn((BASE + 0x120, "kernel/core/main.c", 3), rows)  # absolute, in top
        self.assertIn((BASE + 0x128, "stdarg.h", 9), rows)  # outside top: base name only
        # a sequence restarting in the unit's main file has no header line
        self.assertIn((BASE + 0x130, "kernel/core/main.c", 5), rows)
        # a base name the unit never named stays as it is
        self.assertIn((BASE + 0x134, "other.c", 6), rows)

    def test_normalize_path(self):
        norm = ksympack.normalize_path
        self.assertEqual(norm("./kernel//mm/vmm.c", "/top"), "kernel/mm/vmm.c")
        self.assertEqual(norm("/top/kernel/mm/vmm.c", "/top"), "kernel/mm/vmm.c")
        self.assertEqual(norm("/topper/x.c", "/top"), "x.c")
        self.assertEqual(norm("../elsewhere/y.c", "/top"), "y.c")
        self.assertEqual(norm("build/kernel/mm/vmm.c", "/top", ["build"]), "kernel/mm/vmm.c")

    def test_compact_keeps_changes_only(self):
        rows = ksympack.compact_lines(ksympack.parse_decodedline(DECODED, "/top"), BASE, TEXT_END)
        self.assertEqual(rows[:4], [(0x60, "kernel/mm/vmm.c", 15),  # last row at 0x60 wins
                                    (0x68, "kernel/mm/vmm.c", 16),  # 0x64 repeated 15
                                    (0x70, "kernel/include/mm/pte.h", 7),
                                    (0x78, "kernel/mm/vmm.c", 16)])
        self.assertIn((0x7C, None, 0), rows)
        self.assertEqual(rows[-1], (0x134, "other.c", 6))  # end at __text_end is cut

    def test_sequence_start_beats_end_at_same_address(self):
        rows = [(BASE + 0x10, "a.c", 1), (BASE + 0x20, "b.c", 9), (BASE + 0x20, None, 0)]
        self.assertEqual(ksympack.compact_lines(rows, BASE, BASE + 0x100),
                         [(0x10, "a.c", 1), (0x20, "b.c", 9)])


BUILD_ID = bytes(range(1, 21))
SYMS = [(0x00, 0x10, "alpha"), (0x10, 0x30, "beta"), (0x50, 0x20, "gamma"),
        (0x100, 0x100, "delta")]
LINES = [(0x00, "kernel/a.c", 10), (0x08, "kernel/a.c", 11), (0x10, "kernel/include/b.h", 5),
         (0x20, "kernel/a.c", 30), (0x40, None, 0), (0x60, "kernel/a.c", 50),
         (0x100, "kernel/a.c", 70)]


def sample_blob():
    return ksympack.pack(BASE, 0x200, BUILD_ID, SYMS, LINES)


class BlobFormat(unittest.TestCase):
    def test_header_layout_matches_docs(self):
        blob = sample_blob()
        self.assertEqual(blob[0:4], b"KSYM")
        version, header_size, total = struct.unpack_from("<HHI", blob, 4)
        self.assertEqual((version, header_size, total), (1, 96, len(blob)))
        self.assertEqual(struct.unpack_from("<QII", blob, 0x10), (BASE, 0x200, 20))
        self.assertEqual(blob[0x20:0x34], BUILD_ID)
        self.assertEqual(blob[0x34:0x40], bytes(12))
        sym_count, sym_off, file_count, file_off = struct.unpack_from("<IIII", blob, 0x40)
        line_count, line_off, str_off, str_size = struct.unpack_from("<IIII", blob, 0x50)
        self.assertEqual((sym_count, sym_off, file_count, line_count), (4, 96, 2, 7))
        self.assertEqual(file_off, sym_off + 12 * 4)
        self.assertEqual(line_off, file_off + 4 * 2)
        self.assertEqual(str_off, line_off + 8 * 7)
        self.assertEqual(str_off + str_size, total)
        self.assertEqual(blob[-1:], b"\0")
        # third symbol: start, size, name offset into the string table
        start, size, name = struct.unpack_from("<III", blob, sym_off + 24)
        self.assertEqual((start, size), (0x50, 0x20))
        self.assertEqual(blob[str_off + name:str_off + name + 6], b"gamma\0")

    def test_round_trip(self):
        b = ksympack.unpack(sample_blob())
        self.assertEqual((b.text_base, b.text_size, b.build_id), (BASE, 0x200, BUILD_ID))
        self.assertEqual(b.symbols, SYMS)
        self.assertEqual(b.files, ["kernel/a.c", "kernel/include/b.h"])
        self.assertEqual([(o, b.files[f] if l else None, l) for o, f, l in b.lines], LINES)

    def test_strings_shared(self):
        table, offs = ksympack.build_strtab(["vmm_map", "map", "vmm_map", "kernel/mm/vmm.c"])
        self.assertEqual(sorted(table.split(b"\0")), [b"", b"kernel/mm/vmm.c", b"vmm_map"])
        self.assertEqual(offs["map"], offs["vmm_map"] + 4)
        self.assertEqual(ksympack.build_strtab([])[0], b"\0")

    def test_file_names_stored_once(self):
        blob = sample_blob()
        self.assertEqual(blob.count(b"kernel/a.c\0"), 1)

    def test_line_numbers_beyond_u16_rejected(self):
        with self.assertRaises(ksympack.KsymError):
            ksympack.pack(BASE, 0x200, BUILD_ID, SYMS, [(0, "big.c", 70000)])


class Lookup(unittest.TestCase):
    def look(self, off):
        return ksympack.lookup(sample_blob(), BASE + off)

    def test_exact_start(self):
        info = self.look(0)
        self.assertEqual((info["name"], info["offset"], info["sym_addr"]), ("alpha", 0, BASE))
        self.assertEqual((info["file"], info["line"]), ("kernel/a.c", 10))

    def test_mid_function(self):
        info = self.look(0x2B)
        self.assertEqual((info["name"], info["offset"], info["line"]), ("beta", 0x1B, 30))
        self.assertEqual(self.look(0x3F)["name"], "beta")
        self.assertEqual(self.look(0x12)["file"], "kernel/include/b.h")

    def test_before_first_and_after_last(self):
        self.assertIsNone(ksympack.lookup(sample_blob(), BASE - 1))
        self.assertIsNone(self.look(0x200))
        self.assertEqual(self.look(0x1FF)["name"], "delta")

    def test_padding_between_symbols(self):
        self.assertIsNone(self.look(0x40))
        self.assertIsNone(self.look(0x4F))

    def test_line_unknown_after_sequence_end(self):
        info = self.look(0x55)
        self.assertEqual((info["name"], info["file"], info["line"]), ("gamma", None, 0))

    def test_format_like_a_backtrace(self):
        self.assertEqual(ksympack.format_lookup(sample_blob(), BASE + 0x2B),
                         "0xffffffff8010002b beta+0x1b (kernel/a.c:30)")


# ---------------------------------------------------------------------------
# Real toolchain: a tiny higher-half kernel linked like Dormer's

CFLAGS = ["-std=gnu11", "-ffreestanding", "-mcmodel=kernel", "-mno-red-zone", "-fno-pic",
          "-fno-omit-frame-pointer", "-ffunction-sections", "-fdata-sections", "-O2", "-g"]

LINKER_SCRIPT = """
ENTRY(kmain)
SECTIONS
{
    . = 0xffffffff80100000;
    .text : {
        __text_start = .;
        *(.text.unlikely .text.unlikely.*)
        *(.text .text.*)
        __text_end = .;
    }
    .rodata : { *(.rodata .rodata.*) }
    .note.gnu.build-id : {
        __build_id_start = .;
        *(.note.gnu.build-id)
        __build_id_end = .;
    }
    .ksyms ALIGN(16) : {
        __ksyms_start = .;
        KEEP(*(.ksyms))
        __ksyms_end = .;
    }
    .data : { *(.data .data.*) }
    .bss : { *(.bss .bss.*) }
}
"""

SOURCES = {
    "kernel/mm/vmm.c": """\
static int __attribute__((noinline)) vmm_walk(int x)
{
    return x * 3 + 1;
}

int vmm_map(int a, int b);
int vmm_map(int a, int b)
{
    int r = 0;
    for (int i = 0; i < a; i++)
        r += vmm_walk(i * b);
    return r;
}
""",
    "kernel/core/main.c": """\
int vmm_map(int a, int b);
void kmain(void);

static void __attribute__((noinline, noreturn)) spin(void)
{
    for (;;)
        __asm__ volatile("hlt");
}

void kmain(void)
{
    vmm_map(3, 4);
    spin();
}
""",
    "kernel/arch/x86_64/isr.S": """\
.section .text
.global isr_common
isr_common:
    nop
    ret
.global isr_stub_0
isr_stub_0:
    call isr_common
    ret
.section .note.GNU-stack,"",@progbits
""",
}

# Reads a blob file and prints what the C reader returns for each hex address.
C_DRIVER = r"""
#include <core/ksym.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned char blob[1 << 20];

int main(int argc, char **argv)
{
    FILE *f = fopen(argv[1], "rb");
    size_t n = fread(blob, 1, sizeof(blob), f);
    for (int i = 2; i < argc; i++) {
        struct ksym_info info;
        char text[128];
        uint64_t addr = strtoull(argv[i], NULL, 16);
        int err = ksym_blob_lookup(blob, n, addr, &info);
        ksym_blob_format(blob, n, text, sizeof(text), addr);
        printf("%d|%s|%s|%u|%s\n", err, info.name ? info.name : "", info.file ? info.file : "",
               info.line, text);
    }
    return 0;
}
"""


def have_tools():
    return all(shutil.which(t) for t in ("gcc", "ld", "objdump", "addr2line"))


@unittest.skipUnless(have_tools(), "needs gcc, ld, objdump, addr2line")
class WithToolchain(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ksympack-test-")
        self.addCleanup(shutil.rmtree, self.dir)

    def path(self, rel):
        return os.path.join(self.dir, rel)

    def build_kernel(self, ksyms_bytes=65536, ksyms_decl=None):
        """Compile and link the tiny kernel; returns the raw ELF path."""
        sources = dict(SOURCES)
        sources["kernel/core/ksym_space.c"] = ksyms_decl or (
            "__attribute__((section(\".ksyms\"), used, aligned(16)))\n"
            "static const unsigned char ksym_space[%d];\n" % ksyms_bytes)
        objs = []
        for rel, text in sorted(sources.items()):
            os.makedirs(os.path.dirname(self.path(rel)), exist_ok=True)
            with open(self.path(rel), "w") as f:
                f.write(text)
            obj = "build/" + rel.replace("/", "_") + ".o"
            os.makedirs(self.path("build"), exist_ok=True)
            self.run_ok(["gcc"] + CFLAGS + ["-c", rel, "-o", obj])
            objs.append(obj)
        with open(self.path("kernel.ld"), "w") as f:
            f.write(LINKER_SCRIPT)
        self.run_ok(["ld", "-nostdlib", "-z", "max-page-size=0x1000", "--build-id=sha1",
                     "-T", "kernel.ld", "-Map=build/kernel.map", "-o", "build/kernel.elf.raw"]
                    + objs)
        return self.path("build/kernel.elf.raw")

    def run_ok(self, cmd):
        res = subprocess.run(cmd, cwd=self.dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(res.returncode, 0, "%s: %s" % (cmd, res.stderr.decode()))
        return res.stdout.decode()

    def pack(self):
        out, err = io.StringIO(), io.StringIO()
        argv = ["--map", self.path("build/kernel.map"), "--elf", self.path("build/kernel.elf.raw"),
                "--out", self.path("build/kernel.elf"), "--blob", self.path("build/kernel.ksyms"),
                "--root", self.dir]
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = ksympack.main(argv)
        return rc, out.getvalue(), err.getvalue()

    def nm_functions(self, elf):
        funcs = {}
        for line in self.run_ok(["nm", "--defined-only", elf]).splitlines():
            addr, kind, name = line.split()
            if kind in "tT" and not name.startswith("__"):
                funcs[name] = int(addr, 16)
        return funcs

    def test_end_to_end_patch_and_lookup(self):
        raw = self.build_kernel()
        rc, out, err = self.pack()
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"^ksympack: 6 symbols, \d+ line rows, 3 files, "
                              r"blob \d+ bytes \(of 65536 reserved\)\n$")

        with open(raw, "rb") as f:
            raw_data = f.read()
        with open(self.path("build/kernel.elf"), "rb") as f:
            patched = f.read()
        with open(self.path("build/kernel.ksyms"), "rb") as f:
            blob = f.read()
        sec = ksympack.Elf(patched).section(".ksyms")
        self.assertEqual(patched[sec.offset:sec.offset + len(blob)], blob)
        # nothing outside .ksyms changed, so addresses and the build-id still hold
        self.assertEqual(patched[:sec.offset], raw_data[:sec.offset])
        self.assertEqual(patched[sec.offset + sec.size:], raw_data[sec.offset + sec.size:])
        self.assertEqual(ksympack.unpack(blob).build_id, ksympack.Elf(patched).build_id())

        funcs = self.nm_functions(raw)
        self.assertEqual(set(funcs), {"vmm_walk", "vmm_map", "spin", "kmain", "isr_common",
                                      "isr_stub_0"})
        expect = sorted((a, n) for n, a in funcs.items()) + [(funcs["vmm_map"] + 5, "vmm_map")]
        addrs = [a for a, _ in expect]
        a2l = self.run_ok(["addr2line", "-e", raw] + ["%x" % a for a in addrs]).splitlines()
        for i, (addr, name) in enumerate(expect):
            info = ksympack.lookup(blob, addr)
            self.assertEqual(info["name"], name, hex(addr))
            path, _, line = a2l[i].rpartition(":")
            self.assertEqual(info["file"], ksympack.normalize_path(path, self.dir))
            self.assertEqual(info["line"], int(line.split()[0]))
        self.assertEqual(ksympack.lookup(blob, funcs["vmm_map"] + 5)["file"], "kernel/mm/vmm.c")

        # The C reader agrees with the Python reference, including misses.
        self.check_c_reader(blob, addrs + [addrs[0] - 1, ksympack.unpack(blob).text_base
                                           + ksympack.unpack(blob).text_size])

    def check_c_reader(self, blob, addrs):
        with open(self.path("driver.c"), "w") as f:
            f.write(C_DRIVER)
        self.run_ok(["gcc", "-std=gnu11", "-Wall", "-Wextra", "-Werror",
                     "-I", os.path.join(TOP, "kernel/include"), "driver.c",
                     os.path.join(TOP, "kernel/core/ksym_blob.c"), "-o", "driver"])
        lines = self.run_ok(["./driver", "build/kernel.ksyms"] + ["%x" % a for a in addrs])
        for addr, line in zip(addrs, lines.splitlines()):
            err, name, path, lineno, text = line.split("|")
            ref = ksympack.lookup(blob, addr)
            if ref is None:
                self.assertEqual((int(err), name, text), (-1, "", ""), hex(addr))
                continue
            self.assertEqual((int(err), name, path or None, int(lineno)),
                             (0, ref["name"], ref["file"], ref["line"]), hex(addr))
            self.assertEqual(text, "%s+0x%x" % (ref["name"], ref["offset"]))

    def test_too_small_section_fails_clearly(self):
        self.build_kernel(ksyms_bytes=64)
        rc, out, err = self.pack()
        self.assertEqual(rc, 1)
        self.assertRegex(err, r"^ksympack: symbol blob needs \d+ bytes but \.ksyms reserves "
                              r"only 64; raise KSYM_SPACE in kernel/include/core/ksym\.h\n$")
        self.assertEqual(out, "")
        self.assertFalse(os.path.exists(self.path("build/kernel.elf")))

    def test_nobits_section_rejected(self):
        self.build_kernel(ksyms_decl="__asm__(\".section .ksyms,\\\"aw\\\",@nobits\\n"
                                     ".skip 4096\\n.previous\");\n")
        rc, _, err = self.pack()
        self.assertEqual(rc, 1)
        self.assertIn(".ksyms is NOBITS", err)


class Result(unittest.TextTestResult):
    """One 'PASS name' / 'FAIL name' / 'SKIP name' line per test for scons test."""

    def addSuccess(self, test):
        super().addSuccess(test)
        self.stream.write("PASS %s\n" % test.id())

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.stream.write("FAIL %s\n" % test.id())

    def addError(self, test, err):
        super().addError(test, err)
        self.stream.write("FAIL %s\n" % test.id())

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.stream.write("SKIP %s (%s)\n" % (test.id(), reason))


def run():
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(resultclass=Result, verbosity=0, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors)
    print("%d passed, %d failed" % (result.testsRun - failed - len(result.skipped), failed))
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(run())
