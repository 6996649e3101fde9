#!/usr/bin/env python3
"""Host tests for tools/dormer_qemu.py's typing helper (scons shot type=..., and the
boot tests' keyboard input): text to QEMU sendkey names.
Run: python3 tools/tests/test_qemu_keys.py
"""

import os
import sys
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tools"))

import dormer_qemu  # noqa: E402


class TextToKeysTest(unittest.TestCase):
    def test_letters_digits_and_enter(self):
        self.assertEqual(dormer_qemu.text_to_keys("ls|"), ["l", "s", "ret"])
        self.assertEqual(dormer_qemu.text_to_keys("a 1\n"), ["a", "spc", "1", "ret"])

    def test_capitals_and_punctuation_use_shift(self):
        self.assertEqual(dormer_qemu.text_to_keys('Hi!_"'),
                         ["shift-h", "i", "shift-1", "shift-minus", "shift-apostrophe"])
        self.assertEqual(dormer_qemu.text_to_keys("t.exe -x=/"),
                         ["t", "dot", "e", "x", "e", "spc", "minus", "x", "equal", "slash"])

    def test_untypable_characters_are_refused(self):
        with self.assertRaises(ValueError):
            dormer_qemu.text_to_keys("tab\there")
        with self.assertRaises(ValueError):
            dormer_qemu.text_to_keys("\u00e9")


if __name__ == "__main__":
    unittest.main(verbosity=2)
