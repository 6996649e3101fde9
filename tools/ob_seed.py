#!/usr/bin/env python3
"""Seed inputs for the object-namespace fuzz harness (kernel/tests/fuzz/fuzz_ob.c): small
programs of its operations. An operation is one byte, slot * 16 + kind (0 create, 1 open
by name, 2 close, 4 name read back, 5 fail the next allocation, 6 a live name with its
case flipped (+8) or cut short); create and open are followed by a name: a length byte,
then one byte per unit (0x00 backslash, 0x20+k 'a'+k, 0x40+k 'A'+k, 0x60 NUL, 0x61.. a
CJK unit, 0x80.. a raw unit whose high byte follows).

    ob_seed.py OUT_DIR
"""
import os
import sys

BS = 0x00


def name(units):
    return bytes([len(units)]) + bytes(units)


def op(slot, kind):
    return bytes([slot * 16 + kind])


A, B, C, D = 0x20, 0x21, 0x22, 0x23
UA = 0x40
SEEDS = {
    # create \ab, open it, read it back, close both handles
    'create_open_close': op(0, 0) + name([BS, A, B]) + op(1, 1) + name([BS, A, B]) +
                         op(0, 4) + b'\x10' + op(0, 2) + op(0, 2),
    # \a\b and \a\B are two names; \A\b looked up by case flip finds nothing
    'case': op(0, 0) + name([BS, A, BS, B]) + op(1, 0) + name([BS, A, BS, UA + 1]) +
            op(0, 6) + b'\x00' + op(0, 14) + b'\x00' + op(0, 2) + op(1, 2),
    # the same name twice: the second create gets the first object
    'exists': op(0, 0) + name([BS, C]) + op(1, 0) + name([BS, C]) + op(0, 2) + op(0, 2),
    # bad names: no backslash first, a trailing one, two in a row, a NUL, too short
    'bad': op(0, 0) + name([A, B]) + op(0, 0) + name([BS, A, BS]) + op(0, 0) +
           name([BS, BS, A]) + op(0, 0) + name([BS, A, 0x60, B]) + op(0, 0) + name([BS]),
    # the longest name and one unit more (length bytes 0xf8, 0xf9: 320, 321 units)
    'long': op(0, 0) + bytes([0xf8]) + bytes([BS] + [A] * 319) + op(1, 0) +
            bytes([0xf9]) + bytes([BS] + [B] * 320) + op(0, 2),
    # an allocation failure on create, then the same name works
    'nomem': op(0, 5) + op(0, 0) + name([BS, D]) + op(0, 0) + name([BS, D]) + op(0, 1) +
             name([BS, D]) + op(0, 2) + op(0, 2),
    # unnamed objects, a name read into a short buffer, units past Latin-1
    'unnamed_wide': op(2, 0) + name([]) + op(3, 0) + name([BS, 0x61, 0x80, 0x12]) +
                    op(3, 4) + b'\x02' + op(2, 4) + b'\x08' + op(3, 2) + op(2, 2),
    # a name cut short is another name; the last close removes it
    'prefix': op(0, 0) + name([BS, A, B, C]) + op(1, 0) + name([BS, A, B]) + op(0, 6) +
              b'\x00' + op(0, 2) + op(0, 2) + op(1, 1) + name([BS, A, B, C]) + op(1, 2),
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for key, data in SEEDS.items():
        with open(os.path.join(out, key), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
