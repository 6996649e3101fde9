#!/usr/bin/env python3
"""Seed inputs for the DNS answer fuzz harness (kernel/tests/fuzz/fuzz_dns.c): answers
as tools/dormer_dns.py sends them (addresses, CNAME chains, compressed and not,
NXDOMAIN, SERVFAIL, no data), each behind the harness's two selector bytes.

    dns_seed.py OUT_DIR
"""
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dormer_dns  # noqa: E402

QID = 0x1234
NAME = 'web.dormer.test'  # the harness's name 0


def seeds():
    a = lambda ip: socket.inet_aton(ip)  # noqa: E731
    yield dormer_dns.build_answer(QID, NAME, 0, [(NAME, 1, a('10.0.2.100'))])
    yield dormer_dns.build_answer(QID, NAME, 0, [(NAME, 1, a('10.0.2.%d' % i)) for i in range(9)])
    yield dormer_dns.build_answer(QID, NAME, 0, [(NAME, 1, a('10.0.2.100'))], compress=False)
    yield dormer_dns.build_answer(QID, NAME, 0, [(NAME, 5, dormer_dns.encode_name('b.test')),
                                                 ('b.test', 1, a('1.2.3.4'))])
    yield dormer_dns.build_answer(QID, NAME, 3)
    yield dormer_dns.build_answer(QID, NAME, 2)
    yield dormer_dns.build_answer(QID, NAME, 0)


def main(out):
    os.makedirs(out, exist_ok=True)
    for i, msg in enumerate(seeds()):
        with open(os.path.join(out, 'answer%02d' % i), 'wb') as f:
            f.write(bytes([0, 8]) + msg)


if __name__ == '__main__':
    main(sys.argv[1])
