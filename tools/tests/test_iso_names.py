#!/usr/bin/env python3
"""Host tests for tools/dormer_iso.py's module names: a file is NAME (System32), one
under .../bootdir/DIR/ is DIR/NAME (C:\\DIR on the running system), and the grub.cfg
line a make_iso would write quotes them whole.
Run: python3 tools/tests/test_iso_names.py
"""

import os
import sys
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tools"))

import dormer_iso  # noqa: E402


class BootNameTest(unittest.TestCase):
    def test_plain_files_are_system32_names(self):
        self.assertEqual(dormer_iso.boot_name("build/userspace/hello.exe"), "hello.exe")
        self.assertEqual(dormer_iso.boot_name("/usr/lib/gcc/x/12-win32/libstdc++-6.dll"),
                         "libstdc++-6.dll")
        # A directory merely called like the mark's children is not one.
        self.assertEqual(dormer_iso.boot_name("build/posix/libstdc++-6.dll"), "libstdc++-6.dll")

    def test_bootdir_files_keep_their_directory(self):
        self.assertEqual(
            dormer_iso.boot_name("build/userspace/bootdir/posix/libstdc++-6.dll"),
            "posix/libstdc++-6.dll")
        self.assertEqual(dormer_iso.boot_name("bootdir/posix/w_cxx_thread.exe"),
                         "posix/w_cxx_thread.exe")

    def test_names_quote_for_grub(self):
        self.assertEqual(dormer_iso.grub_quote("posix/libstdc++-6.dll"),
                         "'posix/libstdc++-6.dll'")


if __name__ == "__main__":
    unittest.main()
