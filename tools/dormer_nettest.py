"""The network boot of `scons test`: one boot with a NIC on QEMU's restricted user
network (restrict=on: no packet leaves the machine) and stock Winsock programs typed
into the shell, against services this script runs on the host's 127.0.0.1 on ports
chosen free at run time (so parallel runs cannot collide):

- guest -> host through guestfwd (10.0.2.100): a TCP echo server (client.exe sends it
  1 MiB, both ends check every byte), a DNS resolver over TCP (tools/dormer_dns.py; the
  kernel's dns= points ws2_32 at it) and an HTTP server (httpget.exe fetches from it);
- host -> guest through hostfwd (bound to 127.0.0.1): curl against httpd.exe, UDP
  datagrams to udpecho.exe (one way: restrict=on drops the guest's UDP), and a peer that resets its connection to sink.exe halfway.

QEMU's guestfwd forwards TCP only, and each rule is one connection QEMU opens to the
host service when it starts: the guest's connections to the rule's address share that
byte stream. So the host side of guestfwd can never vanish mid-transfer visibly to the
guest; the vanishing peer is a host client of hostfwd instead, which QEMU does map
connection for connection. UDP works only host to guest, through hostfwd:
QEMU's restricted mode drops every datagram the guest sends except DHCP's."""
import os
import re
import select
import socket
import struct
import subprocess
import threading
import time

import dormer_dns
import dormer_iso
import dormer_qemu

GUEST_PEER = '10.0.2.100'   # the guestfwd address (named in the ISO's hosts file)
ECHO_BYTES = 1 << 20
HTTP_BYTES = 300000
CURL_BYTES = 200000
SINK_BYTES = 256 * 1024     # what the vanishing peer sends before its reset
UDP_DATAGRAMS = 5
FRAMES = 4000             # malformed frames injected through the socket NIC
BOOT_TIMEOUT = 300

DNS_TABLE = {
    'web.dormer.test': [GUEST_PEER],
    'multi.dormer.test': ['10.0.2.100', '10.0.2.101', '10.0.2.102'],
    'alias.dormer.test': ('cname', 'web.dormer.test'),
    'nodata.dormer.test': [],
    'fail.dormer.test': 'servfail',
}


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def echo_pattern(i):
    return (i * 7 + (i >> 11)) & 0xFF


def http_pattern(n):
    return bytes(((i * 13 + (i >> 8)) & 0xFF) for i in range(n))


def fnv1a(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


class Echo:
    """Echoes every byte and checks each against client.exe's pattern."""

    def __init__(self):
        self.received = 0
        self.bad_at = None
        self.listener = dormer_dns.Listener(self.serve)

    def serve(self, conn):
        while True:
            data = conn.recv(65536)
            if not data:
                return
            if self.bad_at is None:
                for k, b in enumerate(data):
                    if b != echo_pattern(self.received + k):
                        self.bad_at = self.received + k
                        break
            self.received += len(data)
            conn.sendall(data)


def http_serve(conn):
    """HTTP/1.0 answers on one connection (QEMU's guestfwd stream carries every guest
    connection in turn): /bytes/N is N bytes of httpd's pattern, anything else 404."""
    buf = b''
    while True:
        while b'\r\n\r\n' not in buf:
            data = conn.recv(4096)
            if not data:
                return
            buf += data
        head, buf = buf.split(b'\r\n\r\n', 1)
        path = head.split(b'\r\n')[0].split(b' ')[1].decode()
        m = re.match(r'/bytes/(\d+)$', path)
        if m:
            body = http_pattern(int(m.group(1)))
            conn.sendall(b'HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n' % len(body) + body)
        else:
            conn.sendall(b'HTTP/1.0 404 Not Found\r\nContent-Length: 10\r\n\r\nnot found\n')


# ---- host-side actions while a guest program runs (each returns '' or why not) ----

def curl_checks(port):
    out = subprocess.run(['curl', '-sS', '--max-time', '60', 'http://127.0.0.1:%d/' % port],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if out.returncode or b"Hello from Dormer's httpd, request 1" not in out.stdout:
        return 'curl /: exit %d, %r' % (out.returncode, out.stdout[:200])
    out = subprocess.run(['curl', '-sS', '--max-time', '60',
                          'http://127.0.0.1:%d/bytes/%d' % (port, CURL_BYTES)],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if out.returncode or out.stdout != http_pattern(CURL_BYTES):
        return 'curl /bytes/%d: exit %d, %d bytes, %s' % (
            CURL_BYTES, out.returncode, len(out.stdout),
            'same' if out.stdout == http_pattern(CURL_BYTES) else 'differ')
    return ''


def udp_datagram(i):
    return b'datagram %d ' % i + bytes(range(256)) * (i + 1)


def udp_send(port):
    """Datagrams to udpecho.exe through hostfwd. Its echoes never come back: QEMU's
    restricted network drops every UDP datagram the guest sends (but DHCP's)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for i in range(UDP_DATAGRAMS):
            s.sendto(udp_datagram(i), ('127.0.0.1', port))
            time.sleep(0.2)
    return ''


def vanish(port):
    """Connects to sink.exe, sends SINK_BYTES, then resets the connection."""
    s = socket.create_connection(('127.0.0.1', port), timeout=30)
    s.sendall(bytes(SINK_BYTES))
    time.sleep(0.5)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    s.close()
    return ''


def ip_checksum(b):
    if len(b) % 2:
        b += b'\0'
    total = sum(struct.unpack('>%dH' % (len(b) // 2), b))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def bad_frames(rng):
    """Ethernet frames for the socket NIC with bad lengths and checksums at each layer:
    runts, giants, IPv4 headers whose length fields disagree with the frame, wrong
    checksums (and right ones over wrong lengths), UDP to the DHCP client's port and
    TCP with broken lengths, ARP with odd sizes, and random bytes."""
    macs = [bytes.fromhex(dormer_qemu.INJECT_MAC.replace(':', '')), b'\xff' * 6]
    src = bytes.fromhex('525400abcdef')
    for i in range(FRAMES):
        eth = rng.choice(macs) + src
        kind = i % 8
        if kind == 0:
            yield eth[:rng.randrange(1, 14)]  # runt: not even a header (QEMU's socket back end
            # takes an empty datagram for the end of its peer)
        elif kind == 1:
            yield eth + b'\x08\x00' + rng.randbytes(rng.choice((1501, 1600, 4000, 9000)))
        elif kind in (2, 3, 4):
            proto = (17, 6, 1)[kind - 2]
            payload_len = rng.randrange(0, 600)
            ihl = rng.choice((5, 5, 5, 0, 4, 6, 15))
            total = rng.choice((20 + payload_len, 0, 19, 20, 65535, rng.randrange(65536)))
            hdr = bytearray(struct.pack('>BBHHHBBH4s4s', 0x40 | ihl, 0, total & 0xFFFF,
                                        i, 0, 64, proto, 0, bytes([10, 0, 3, 2]),
                                        rng.choice((b'\xff' * 4, bytes([10, 0, 3, 15])))))
            hdr += rng.randbytes(max(0, ihl * 4 - 20))
            if rng.random() < 0.6:
                struct.pack_into('>H', hdr, 10, ip_checksum(bytes(hdr[:20])))
            if proto == 17:
                l4 = struct.pack('>HHHH', 67, 68, rng.choice((8 + payload_len, 0, 7, 65535)),
                                 rng.randrange(65536)) + rng.randbytes(payload_len)
            elif proto == 6:
                l4 = struct.pack('>HHIIBBHHH', 80, rng.randrange(65536), rng.randrange(1 << 32),
                                 0, rng.randrange(256), rng.randrange(256), 0,
                                 rng.randrange(65536), 0) + rng.randbytes(payload_len)
            else:
                l4 = bytes([8, 0]) + rng.randbytes(payload_len + 2)
            yield eth + b'\x08\x00' + bytes(hdr) + l4[:rng.randrange(len(l4) + 1)]
        elif kind == 5:
            arp = struct.pack('>HHBBH', 1, 0x0800, rng.choice((6, 0, 255)), rng.choice((4, 0, 255)),
                              rng.choice((1, 2, 9)))
            yield eth + b'\x08\x06' + arp + rng.randbytes(rng.randrange(0, 40))
        elif kind == 6:
            yield eth + rng.randbytes(2) + rng.randbytes(rng.randrange(0, 1500))
        else:
            yield rng.randbytes(rng.randrange(14, 1515))


def inject(port, qemu_port):
    """Sends bad_frames to the socket NIC (from port to QEMU's qemu_port)."""
    import random
    rng = random.Random(17)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(('127.0.0.1', port))
        for n, frame in enumerate(bad_frames(rng)):
            s.sendto(frame, ('127.0.0.1', qemu_port))
            if n % 8 == 7:
                time.sleep(0.01)  # let the guest take them, rather than QEMU drop them
    return ''


class Boot:
    """QEMU with the shell on its serial line; commands typed one at a time."""

    def __init__(self, iso, opts, log_path):
        _accel, cmd = dormer_qemu.base_command(iso, opts)
        cmd += ['-display', 'none', '-serial', 'stdio', '-monitor', 'none']
        if os.environ.get('DORMER_NET_PCAP'):  # every frame of the boot, for debugging
            cmd += ['-object', 'filter-dump,id=d0,netdev=n0,file=%s'
                    % os.environ['DORMER_NET_PCAP']]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.out = b''
        self.log_path = log_path
        self.deadline = time.monotonic() + BOOT_TIMEOUT

    def wait_for(self, pattern, start=0):
        """Reads until pattern (bytes regex) appears at or after start: the match, or
        None at the end of the output or the deadline."""
        rx = re.compile(pattern)
        fd = self.proc.stdout.fileno()
        while True:
            m = rx.search(self.out, start)
            if m:
                return m
            left = self.deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], min(left, 0.5))
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    return None
                self.out += chunk

    def type(self, line):
        self.proc.stdin.write(line.encode() + b'\r')
        self.proc.stdin.flush()

    def finish(self):
        m = self.wait_for(rb'powering off')
        try:
            rc = self.proc.wait(timeout=30 if m else 1)
            status = dormer_qemu.decode_status(rc, self.out)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            status = dormer_qemu.HUNG_STATUS
        with open(self.log_path, 'wb') as f:
            f.write(self.out)
        return status


PROMPT = rb'C:\\>'


def run(kernel_elf, qemu, work, modules, results):
    echo = Echo()
    dns = dormer_dns.Resolver(DNS_TABLE)
    http = dormer_dns.Listener(http_serve)
    httpd_port, sink_port, udp_port = free_port(), free_port(), free_port(socket.SOCK_DGRAM)
    inject_ports = (free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_DGRAM))
    iso = os.path.join(work, 'net.iso')
    dormer_iso.make_iso(iso, kernel_elf, 'headless loglevel=warn netstats dns=%s' % GUEST_PEER,
                        modules=modules)
    opts = dormer_qemu.Options(qemu.accel, qemu.mem, True, qemu.build_dir, qemu.timeout,
                               net='user',
                               hostfwd=[(httpd_port, 8080), (sink_port, 9000),
                                        (udp_port, 7007, 'udp')],
                               guestfwd=[('%s:7' % GUEST_PEER, echo.listener.port),
                                         ('%s:53' % GUEST_PEER, dns.port),
                                         ('%s:80' % GUEST_PEER, http.port)],
                               inject=inject_ports)
    boot = Boot(iso, opts, os.path.join(work, 'net.log'))
    cases = [
        ('net/ipconfig_dns', 'ipconfig', None,
         [rb'IPv4 Address[. ]*: 10\.0\.2\.15', rb'DNS Servers[. ]*: 10\.0\.2\.100']),
        ('net/names', 'resolve echo.dormer.test PEER.Dormer.Test web.dormer.test '
         'multi.dormer.test alias.dormer.test missing.dormer.test nodata.dormer.test '
         'fail.dormer.test', None,
         [rb'getaddrinfo echo\.dormer\.test: 10\.0\.2\.100\r*\n',
          rb'gethostbyname echo\.dormer\.test: 10\.0\.2\.100\r*\n',
          rb'getaddrinfo PEER\.Dormer\.Test: 10\.0\.2\.100\r*\n',
          rb'getaddrinfo web\.dormer\.test: 10\.0\.2\.100\r*\n',
          rb'gethostbyname web\.dormer\.test: 10\.0\.2\.100\r*\n',
          rb'getaddrinfo multi\.dormer\.test: 10\.0\.2\.100 10\.0\.2\.101 10\.0\.2\.102\r*\n',
          rb'gethostbyname multi\.dormer\.test: 10\.0\.2\.100 10\.0\.2\.101 10\.0\.2\.102\r*\n',
          rb'getaddrinfo alias\.dormer\.test: 10\.0\.2\.100\r*\n',
          rb'getaddrinfo missing\.dormer\.test: error 11001\r*\n',
          rb'gethostbyname missing\.dormer\.test: error 11001\r*\n',
          rb'getaddrinfo nodata\.dormer\.test: error 11001\r*\n',
          rb'gethostbyname nodata\.dormer\.test: error 11004\r*\n',
          rb'getaddrinfo fail\.dormer\.test: error 11002\r*\n',
          rb'gethostbyname fail\.dormer\.test: error 11002\r*\n']),
        ('net/echo_1mib_guestfwd', 'client echo.dormer.test 7 %d' % ECHO_BYTES, None,
         [rb'client: connected to echo\.dormer\.test \(10\.0\.2\.100\) port 7',
          rb'client: %d bytes sent, %d echoed, every byte checked' % (ECHO_BYTES, ECHO_BYTES)]),
        ('net/httpget_guestfwd', 'httpget http://web.dormer.test/bytes/%d' % HTTP_BYTES, None,
         [rb'httpget: HTTP/1\.0 200 OK',
          rb'httpget: %d bytes, fnv1a %08x' % (HTTP_BYTES, fnv1a(http_pattern(HTTP_BYTES)))]),
        ('net/httpget_404', 'httpget http://web.dormer.test:80/nothing', None,
         [rb'httpget: HTTP/1\.0 404 Not Found', rb'\[httpget\.exe exited with status 2']),
        ('net/httpd_curl_hostfwd', 'httpd 8080 2', (rb'httpd: listening', curl_checks, httpd_port),
         [rb'httpd: request 1: GET /, \d+ bytes',
          rb'httpd: request 2: GET /bytes/%d, %d bytes' % (CURL_BYTES, CURL_BYTES)]),
        ('net/peer_vanishes', 'sink 9000', (rb'sink: listening', vanish, sink_port),
         [rb'sink: \d+ bytes, then error 10054', rb'\[sink\.exe exited with status 1']),
        ('net/malformed_frames', 'ping -n 3 10.0.2.2',
         (rb'ping -n 3 10\.0\.2\.2', lambda port: inject(port, inject_ports[0]),
          inject_ports[1]),
         [rb'Reply from 10\.0\.2\.2']),
        ('net/after_vanish', 'client echo.dormer.test 7 4096', None,
         [rb'client: 4096 bytes sent, 4096 echoed, every byte checked']),
        ('net/udp_hostfwd', 'udpecho 7007 %d' % UDP_DATAGRAMS,
         (rb'udpecho: listening', udp_send, udp_port),
         [rb'udpecho: datagram %d: %d bytes, fnv1a %08x' % (i, len(udp_datagram(i)),
                                                           fnv1a(udp_datagram(i)))
          for i in range(UDP_DATAGRAMS)] + [rb'udpecho: %d datagrams echoed' % UDP_DATAGRAMS]),
    ]
    start = boot.wait_for(PROMPT)
    pos = start.end() if start else 0
    for name, command, action, patterns in cases:
        if start is None:
            results.record(name, False, 'the shell never prompted')
            continue
        boot.type(command)
        why, host = '', []
        if action:
            trigger, fn, port = action
            if boot.wait_for(trigger, pos) is None:
                why = 'never printed %r' % trigger.decode()
            else:
                t = threading.Thread(target=lambda: host.append(fn(port)), daemon=True)
                t.start()
                t.join(120)
                why = host[0] if host else 'the host side did not finish'
        end = boot.wait_for(PROMPT, pos + 1)
        if end is None:
            results.record(name, False, 'no prompt after %r' % command)
            start = None
            continue
        text = boot.out[pos:end.start()]
        for p in patterns:
            if not why and not re.search(p, text):
                why = 'no /%s/ in:\n%s' % (p.decode(), text.decode(errors='replace')[-1500:])
        if not why and name == 'net/echo_1mib_guestfwd':
            if echo.bad_at is not None or echo.received < ECHO_BYTES:
                why = 'the host echo server got %d bytes, first bad at %s' % (
                    echo.received, echo.bad_at)
        if not why and name == 'net/names' and dns.queries < 6:
            why = 'the host resolver answered only %d queries' % dns.queries
        results.record(name, not why, why)
        pos = end.end()
    if start is not None:
        boot.type('exit 0')
    status = boot.finish()
    results.record('net/boot', status == 0 and b'panic' not in boot.out.lower(),
                   'exit status %d (%s)' % (status, dormer_qemu.status_message(status)))
    # The injected frames reached the second NIC's driver (taken or dropped there).
    m = re.search(rb'NET counters en1 rx=(\d+) rx_dropped=(\d+)', boot.out)
    seen = int(m.group(1)) + int(m.group(2)) if m else 0
    results.record('net/malformed_frames_seen', seen >= FRAMES // 2,
                   '%s: %d of %d injected frames seen' % (
                       m.group(0).decode() if m else 'no NET counters en1 line', seen, FRAMES))
    for s in (echo.listener, dns, http):
        s.stop()


if __name__ == '__main__':
    import sys

    class Results:
        passed = failed = 0

        def record(self, name, ok, why=''):
            print('%s %s%s' % ('PASS' if ok else 'FAIL', name, '' if ok else ': ' + why),
                  flush=True)
            if ok:
                Results.passed += 1
            else:
                Results.failed += 1
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    build = os.path.join(top, 'build')
    mods = sys.argv[2:]
    work = os.path.join(build, 'test')
    os.makedirs(work, exist_ok=True)
    run(sys.argv[1], dormer_qemu.Options('auto', 256, True, build, 0), work, mods, Results())
    print('%d passed, %d failed' % (Results.passed, Results.failed))
