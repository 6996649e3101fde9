#!/usr/bin/env python3
"""docs/win32.md lists exactly what kernel32.def and msvcrt.def export."""
import os
import sys
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, 'tools'))

import win32_exports  # noqa: E402


class ExportListTest(unittest.TestCase):
    def test_document_matches_def_files(self):
        with open(win32_exports.DOC) as f:
            text = f.read()
        self.assertEqual(win32_exports.render(text), text,
                         'docs/win32.md export lists are stale: run tools/win32_exports.py')

    def test_lists_are_not_empty(self):
        self.assertGreater(len(win32_exports.exports('kernel32')), 100)
        self.assertGreater(len(win32_exports.exports('msvcrt')), 200)


if __name__ == '__main__':
    unittest.main()
