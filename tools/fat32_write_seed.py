#!/usr/bin/env python3
"""Seed inputs for the FAT32 write fuzz harness: the same sparse disk of an mtools-made
FAT32 image that tools/fat32_seed.py writes for the read-side harness.

    fat32_write_seed.py OUT_DIR
"""
import sys

from fat32_seed import main

if __name__ == '__main__':
    sys.exit(main(sys.argv))
