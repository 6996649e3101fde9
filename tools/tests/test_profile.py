#!/usr/bin/env python3
"""Host tests for tools/dormer_profile.py's counting: a handmade exec log and symbol table
stand in for QEMU's log and nm's output, so every count below is known exactly.
Run: python3 tools/tests/test_profile.py
"""

import os
import sys
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tools"))

import dormer_profile  # noqa: E402


def symbols(table):
    syms = dormer_profile.Symbols()
    for addr, name in table:
        syms.addrs.append(addr)
        syms.names.append(name)
    syms.finish()
    return syms


def log_line(pc):
    # The shape QEMU 7.2 writes for -d exec: cs_base/pc/flags/cflags in brackets.
    return "Trace 0: 0x7f0012345600 [00000000/%016x/00c0c2b0/ff020201] \n" % pc


class CountTest(unittest.TestCase):
    def count(self, pcs, table):
        with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
            f.write("some other log line\n")
            for pc in pcs:
                f.write(log_line(pc))
            path = f.name
        try:
            return dormer_profile.count(path, symbols(table))
        finally:
            os.unlink(path)

    def test_instructions_per_function_and_calls_by_caller(self):
        table = [(0x1000, "main"), (0x2000, "memset"), (0x3000, "helper")]
        # main runs 2, calls memset (3), returns into main (1), calls helper (2), which
        # calls memset (2) and returns (1); main calls memset again (1).
        pcs = [0x1000, 0x1004, 0x2000, 0x2004, 0x2008, 0x1008, 0x3000, 0x3004,
               0x2000, 0x2004, 0x3008, 0x100c, 0x2000]
        per_fn, calls = self.count(pcs, table)
        self.assertEqual(per_fn, {"main": 4, "memset": 6, "helper": 3})
        self.assertEqual(calls["memset"], {"main": 2, "helper": 1})
        self.assertEqual(calls["helper"], {"main": 1})
        self.assertEqual(calls["main"], {})  # returns land inside: not calls

    def test_addresses_below_every_symbol_are_unknown(self):
        per_fn, _ = self.count([0x10, 0x1000], [(0x1000, "main")])
        self.assertEqual(per_fn, {"?": 1, "main": 1})

    def test_lookup_gives_the_enclosing_function(self):
        syms = symbols([(0x3000, "c"), (0x1000, "a"), (0x2000, "b")])
        self.assertEqual(syms.lookup(0x2fff), ("b", 0x2000))
        self.assertEqual(syms.lookup(0x1000), ("a", 0x1000))


if __name__ == "__main__":
    unittest.main(verbosity=2)
