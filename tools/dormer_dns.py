"""A small DNS resolver for the network tests (RFC 1035 over TCP, RFC 7766 framing:
each message behind its 2-byte length), answering A queries from a table, and the
message builders that tools/dns_seed.py shares. QEMU's guestfwd forwards only TCP, so
the guest's resolver (ws2_32) reaches this one over TCP.

Table: name (lower case) -> list of IPv4 strings (A records), ('cname', target),
'nodata' (the name exists, no A record) or 'servfail'. Names not in it: NXDOMAIN."""
import socket
import struct
import threading


def encode_name(name):
    out = b''
    for label in name.rstrip('.').split('.'):
        out += bytes([len(label)]) + label.encode()
    return out + b'\0'


def read_query(msg):
    """(id, name, qtype) of a query, or None."""
    if len(msg) < 12:
        return None
    qid, _flags, qd = struct.unpack('>HHH', msg[:6])
    pos, labels = 12, []
    while pos < len(msg) and msg[pos]:
        n = msg[pos]
        labels.append(msg[pos + 1:pos + 1 + n].decode(errors='replace'))
        pos += 1 + n
    if qd != 1 or pos + 5 > len(msg):
        return None
    qtype, = struct.unpack('>H', msg[pos + 1:pos + 3])
    return qid, '.'.join(labels), qtype


def build_answer(qid, name, rcode=0, records=(), compress=True):
    """A response to a query for name's A records. records: (owner, type, rdata bytes);
    with compress, an owner equal to name is a pointer to the question's name."""
    head = struct.pack('>HHHHHH', qid, 0x8180 | rcode, 1, len(records), 0, 0)
    body = encode_name(name) + struct.pack('>HH', 1, 1)
    for owner, rtype, rdata in records:
        owner_bytes = b'\xc0\x0c' if compress and owner == name else encode_name(owner)
        body += owner_bytes + struct.pack('>HHIH', rtype, 1, 60, len(rdata)) + rdata
    return head + body


def answer_for(table, msg):
    q = read_query(msg)
    if q is None:
        return None
    qid, name, _qtype = q
    key = name.lower()
    records, seen = [], 0
    entry = table.get(key)
    if entry is None:
        return build_answer(qid, name, 3)
    if entry == 'servfail':
        return build_answer(qid, name, 2)
    owner = name
    while isinstance(entry, tuple) and entry[0] == 'cname' and seen < 8:
        records.append((owner, 5, encode_name(entry[1])))
        owner, entry, seen = entry[1], table.get(entry[1].lower()), seen + 1
    if isinstance(entry, list):
        records += [(owner, 1, socket.inet_aton(a)) for a in entry]
    return build_answer(qid, name, 0, records)


class Listener:
    """A TCP server on a free port of 127.0.0.1 (.port) running handler(conn) in a thread
    per connection until stop(); an OSError ends just that connection."""

    def __init__(self, handler):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.handler = handler
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._run, args=(conn,), daemon=True).start()

    def _run(self, conn):
        with conn:  # no timeout: a guestfwd connection lasts as long as QEMU
            try:
                self.handler(conn)
            except OSError:
                pass

    def stop(self):
        self.sock.close()


class Resolver(Listener):
    """Answers each connection's queries from table. .queries counts those it read."""

    def __init__(self, table):
        self.table = table
        self.queries = 0
        super().__init__(self._client)

    def _client(self, conn):
        while True:
            head = recv_exact(conn, 2)
            if not head:
                return
            msg = recv_exact(conn, struct.unpack('>H', head)[0])
            if msg is None:
                return
            self.queries += 1
            reply = answer_for(self.table, msg)
            if reply is None:
                return
            conn.sendall(struct.pack('>H', len(reply)) + reply)


def recv_exact(conn, n):
    data = b''
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            return None if data or n else b''
        data += chunk
    return data
