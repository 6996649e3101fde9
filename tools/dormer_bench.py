"""`scons bench`: Dormer against Linux, side by side in the same emulator.

Boots Dormer with init=bench.exe and the Linux peer (../shared/linux-peer/run.sh)
under the same QEMU flags: TCG with -icount shift=0,sleep=off on machines without
usable hardware virtualisation, where every *_cycles figure is a count of executed
guest instructions (and *_us figures are thousands of them); KVM where the CPU
allows, with real cycles. Prints one table (metric, Dormer, Linux, ratio, target),
writes build/bench.json and draws build/bench.png with gnuplot."""
import json
import os
import re
import select
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time

import dormer_disk
import dormer_iso
import dormer_qemu

# key, what it measures, target ratio Dormer/Linux (None: reported only)
METRICS = [
    ('null_syscall_raw_median_cycles', 'null system call (inline syscall), median', 0.25),
    ('pf_cycles_per_page', 'demand-zero page fault, per page', 0.25),
    ('munmap_cycles_per_page', 'release of the faulted region, per page', 0.5),
    ('yield_switch_cycles', 'switch between two yielding threads', 0.5),
    ('pipe_switch_cycles', 'switch through a pipe ping-pong', None),
    ('thread_create_join_us', 'thread create + join (k-instructions)', 0.5),
    ('vfork_exec_wait_us', 'spawn a minimal program and wait', 0.25),
    ('posix_spawn_static_us', 'spawn a stock mingw hello (kernel32 + msvcrt) and wait', 0.5),
    ('guest_uptime_at_init_ms', 'kernel start to the first user instruction', 0.1),
    ('file_create_write_close_cycles', 'create a file, write 4 KiB, close (RAM C:)', 0.5),
    ('file_open_read_close_cycles', 'open a file, read 4 KiB, close', 0.5),
    ('dir_list_cycles_per_entry', 'list a directory of files, per entry', 0.5),
    ('file_delete_cycles', 'delete a file', 0.5),
    ('file_write_cycles_per_kib', 'stream 8 MiB into a file in 64 KiB writes, per KiB', 0.5),
    ('file_read_cycles_per_kib', 'read it back in 64 KiB reads, per KiB', 0.5),
    ('tcp_loopback_rr_cycles', 'one-byte TCP request/response over 127.0.0.1, per round trip',
     1.0),
    ('tcp_loopback_cycles_per_kib', 'stream 8 MiB over TCP to 127.0.0.1 in 64 KiB writes, per KiB',
     1.0),
    # A stock C++ throw caught 10 frames up (win32/cxx_throw_bench), no Linux peer figure.
    ('cxx_throw_catch_cycles', 'C++ throw caught 10 frames up (stock g++ -O2)', None),
]
DORMER_ONLY = ['boot_to_shell_ms', 'kernel_image_bytes', 'iso_bytes', 'frames_free_after_boot',
               'hello_frames_used', 'spawn_native_hello_us', 'pipe_switch_kind', 'bench_mode',
               'tsc_mhz', 'fat32_seq_write_cycles_per_kib', 'fat32_seq_read_cycles_per_kib',
               'tcp_guest_to_host_cycles_per_kib', 'g2h_min', 'g2h_max',
               'tcp_guest_to_host_wall_cycles_per_kib']
KV = re.compile(r'^([A-Za-z_][A-Za-z0-9_.]*)=(\S+)\s*$')


def accel_and_icount(accel):
    accel, _ = dormer_qemu.accel_args(accel)
    return accel, accel == 'tcg'


def parse_kv(text):
    out = {}
    for line in text.replace('\r', '').splitlines():
        m = KV.match(line.strip())
        if m:
            out[m.group(1)] = m.group(2)
    return out


def qemu_command(iso, accel, icount, nic=None):
    """The peer's QEMU flags, for one Dormer ISO; nic: QEMU arguments for a NIC (none
    unless given)."""
    cpu = ['-accel', 'kvm', '-cpu', 'host'] if accel == 'kvm' else ['-accel', 'tcg', '-cpu', 'max']
    cmd = (['qemu-system-x86_64'] + cpu + ['-m', '512M', '-smp', '1', '-display', 'none',
           '-serial', 'stdio', '-monitor', 'none', '-no-reboot'] +
           (nic if nic else ['-nic', 'none']) + ['-cdrom', iso, '-boot', 'd'] +
           dormer_qemu.DEBUG_EXIT)
    if icount:
        cmd += ['-icount', 'shift=0,sleep=off']
    return cmd


SHELL_STARTED = re.compile(r'Dormer shell, started ([\d.]+) ms after the kernel')


def boot_to_shell_ms(kernel_elf, modules, build_dir, accel, icount):
    """Boot as a person does (no init=: the shell starts), read when the shell started
    from its greeting, then type exit. None if the shell never came."""
    iso = os.path.join(build_dir, 'bench', 'dormer-shell.iso')
    dormer_iso.make_iso(iso, kernel_elf, 'headless loglevel=warn', modules=modules)
    proc = subprocess.Popen(qemu_command(iso, accel, icount), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output, deadline = b'', time.monotonic() + 300
    fd = proc.stdout.fileno()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        output += chunk
        if b'dormer> ' in output:
            proc.stdin.write(b'exit\r')
            proc.stdin.flush()
            break
    try:
        proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
    m = SHELL_STARTED.search(dormer_iso_strip(output.decode(errors='replace')))
    return float(m.group(1)) if m else None


def run_disk_speed(kernel_elf, modules, build_dir, accel, icount):
    """The FAT32 disk's sequential write (with its flush) and read of a 16 MiB file, per
    KiB, on a fresh image (t_disk.exe speed). No peer figure. {} if it did not finish."""
    bench = os.path.join(build_dir, 'bench')
    os.makedirs(bench, exist_ok=True)
    iso, img = os.path.join(bench, 'dormer-disk.iso'), os.path.join(bench, 'disk.img')
    dormer_iso.make_iso(iso, kernel_elf, 'headless loglevel=warn init=t_disk.exe speed',
                        modules=modules)
    dormer_disk.make_image(img)
    res = subprocess.run(qemu_command(iso, accel, icount) + dormer_disk.drive_args(img),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=1800)
    text = dormer_iso_strip(res.stdout.decode(errors='replace'))
    with open(os.path.join(bench, 'dormer-disk.log'), 'w') as f:
        f.write(text)
    kv = parse_kv(text)
    return {k: float(v) for k, v in kv.items() if k.startswith('fat32_seq_')}


G2H_PEER = '10.0.2.100:9'  # bench.exe's guestfwd address for the host's sink


def g2h_sink(listener, result):
    """The host's end of bench.exe's g2h section: one connection (QEMU opens it at
    start-up), an 8-byte little-endian length, that many bytes of 'y', then one byte
    'k' back. result gets 'bytes' and 'ok'."""
    listener.settimeout(600)
    try:
        conn, _ = listener.accept()
    except OSError:
        return
    with conn:
        conn.settimeout(600)
        head = b''
        try:
            while len(head) < 8:
                chunk = conn.recv(8 - len(head))
                if not chunk:
                    return
                head += chunk
            want, got, ok = struct.unpack('<Q', head)[0], 0, True
            while got < want:
                chunk = conn.recv(min(1 << 20, want - got))
                if not chunk:
                    break
                ok = ok and chunk.count(b'y') == len(chunk)
                got += len(chunk)
            result['bytes'], result['ok'] = got, ok and got == want
            if result['ok']:
                conn.sendall(b'k')
            conn.recv(1)  # until QEMU closes the stream (the guest powers off)
        except OSError:
            pass


def run_guest_to_host(kernel_elf, modules, build_dir, accel, icount, runs=1):
    """tcp_guest_to_host_cycles_per_kib: a boot with a virtio-net NIC on restrict=on user
    networking whose guestfwd address leads to a sink on the host's 127.0.0.1; bench.exe
    g2h streams 8 MiB into it: the guest's instructions per KiB with its waits for the
    host taken out, and (the _wall_ key) with them. No peer figure. {} if it did not finish;
    with runs > 1, medians and the spread (min and max) as g2h_min/g2h_max."""
    bench = os.path.join(build_dir, 'bench')
    os.makedirs(bench, exist_ok=True)
    iso = os.path.join(bench, 'dormer-g2h.iso')
    dormer_iso.make_iso(iso, kernel_elf, 'headless loglevel=warn init=bench.exe quick g2h',
                        modules=modules)
    figures, walls = [], []
    for i in range(runs):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(('127.0.0.1', 0))
        listener.listen(1)
        result = {}
        sink = threading.Thread(target=g2h_sink, args=(listener, result), daemon=True)
        sink.start()
        opts = dormer_qemu.Options(net='user', guestfwd=[(G2H_PEER, listener.getsockname()[1])])
        cmd = qemu_command(iso, accel, icount, nic=dormer_qemu.net_args(opts))
        try:
            res = subprocess.run(cmd, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, timeout=1800)
        finally:
            listener.close()
        sink.join(10)
        text = dormer_iso_strip(res.stdout.decode(errors='replace'))
        with open(os.path.join(bench, 'dormer-g2h.run%d.log' % (i + 1)), 'w') as f:
            f.write(text)
        kv = parse_kv(text)
        if 'tcp_guest_to_host_cycles_per_kib' not in kv or not result.get('ok'):
            print('bench: guest-to-host run %d failed (host sink: %s; see %s)'
                  % (i + 1, result, os.path.relpath(f.name)), flush=True)
            return {}
        figures.append(float(kv['tcp_guest_to_host_cycles_per_kib']))
        walls.append(float(kv.get('tcp_guest_to_host_wall_cycles_per_kib', 0)))
    out = {'tcp_guest_to_host_cycles_per_kib': statistics.median(figures),
           'tcp_guest_to_host_wall_cycles_per_kib': statistics.median(walls)}
    if runs > 1:
        out['g2h_min'], out['g2h_max'] = min(figures), max(figures)
    return out


def run_dormer(kernel_elf, modules, build_dir, accel, icount, runs, full):
    iso = os.path.join(build_dir, 'bench', 'dormer-bench.iso')
    os.makedirs(os.path.dirname(iso), exist_ok=True)
    cmdline = 'headless loglevel=warn init=bench.exe' + (' full' if full else ' quick')
    dormer_iso.make_iso(iso, kernel_elf, cmdline, modules=modules)
    cmd = qemu_command(iso, accel, icount)
    results = []
    for i in range(runs):
        t0 = time.monotonic()
        res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=1800)
        text = dormer_iso_strip(res.stdout.decode(errors='replace'))
        with open(os.path.join(build_dir, 'bench', 'dormer.run%d.log' % (i + 1)), 'w') as f:
            f.write(text)
        kv = parse_kv(text)
        kv['qemu_total_ms'] = '%d' % ((time.monotonic() - t0) * 1000)
        if 'bench_end' not in kv:
            raise RuntimeError('Dormer run %d did not finish (see build/bench/dormer.run%d.log)'
                               % (i + 1, i + 1))
        results.append(kv)
        print('bench: Dormer run %d of %d done' % (i + 1, runs), flush=True)
    return medians(results)


def dormer_iso_strip(text):
    return re.sub(r'\x1b\[[0-9;?]*[A-Za-z]', '', text)


def medians(runs):
    out = {}
    for key in runs[0]:
        vals = [r.get(key) for r in runs if key in r]
        try:
            out[key] = statistics.median(float(v) for v in vals)
        except ValueError:
            out[key] = vals[0]
    return out


def run_linux(top, build_dir, accel, runs, full):
    script = os.path.join(os.path.dirname(top), 'shared', 'linux-peer', 'run.sh')
    if runs <= 0:
        print('bench: linux_runs=0: Linux column left empty')
        return {}
    if not os.path.exists(script):
        print('bench: %s not found: Linux column left empty' % script)
        return {}
    env = dict(os.environ, LINUX_PEER_DIR=os.path.join(build_dir, 'linux-peer'),
               RUNS=str(runs), NATIVE='0', ACCEL=accel, QUICK='0' if full else 'auto')
    print('bench: running the Linux peer (%s runs; the first time also builds it)' % runs,
          flush=True)
    res = subprocess.run(['bash', script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         env=env)
    text = res.stdout.decode(errors='replace')
    with open(os.path.join(build_dir, 'bench', 'linux-peer.log'), 'w') as f:
        f.write(text)
    out = {}
    for line in text.splitlines():
        m = re.match(r'^guest\.default\.([A-Za-z0-9_.]+)=(\S+)$', line.strip())
        if m:
            try:
                out[m.group(1)] = float(m.group(2))
            except ValueError:
                out[m.group(1)] = m.group(2)
    if not out:
        print('bench: the Linux peer printed no results (see build/bench/linux-peer.log)')
    return out


def fmt(v):
    if v is None:
        return '-'
    if isinstance(v, float):
        return '%.0f' % v if abs(v) >= 100 else '%.2f' % v
    return str(v)


def chart(rows, png, build_dir):
    if not shutil.which('gnuplot'):
        print('bench: gnuplot not installed (tools/setup.sh installs it): no chart')
        return
    if not any(r['ratio'] is not None for r in rows):
        print('bench: no Linux figures, so no ratios: no chart')
        return
    data = os.path.join(build_dir, 'bench', 'ratios.dat')
    with open(data, 'w') as f:
        for r in rows:
            if r['ratio'] is not None:
                f.write('"%s" %.4f %.4f\n' % (r['key'].replace('_', ' '), r['ratio'],
                                               r['target'] if r['target'] else 0))
    script = '''set terminal pngcairo size 1100,520 noenhanced font ",10"
set output "%s"
set title "Dormer / Linux 6.1, same QEMU (lower is better; bars under the line meet the target)"
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.6
set logscale y
set ylabel "ratio Dormer/Linux"
set xtics rotate by -25 left
set grid ytics
set key top left
plot "%s" using 2:xtic(1) title "Dormer / Linux" lc rgb "#3b7dd8", \\
     "%s" using ($3 > 0 ? $3 : 1/0) with points pt 7 ps 1.5 lc rgb "#d83b3b" title "target"
''' % (png, data, data)
    res = subprocess.run(['gnuplot'], input=script.encode(), stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    if res.returncode != 0:
        print('bench: gnuplot failed:\n' + res.stdout.decode(errors='replace'))
    else:
        print('bench: chart in %s' % os.path.relpath(png))


def main(kernel_elf, modules, top, build_dir, accel='auto', runs=1, linux_runs=1, full=False,
         iso_path=None):
    accel, icount = accel_and_icount(accel)
    print('bench: accelerator %s%s' % (accel, ' with -icount (figures are guest instruction '
                                       'counts)' if icount else ''), flush=True)
    dormer = run_dormer(kernel_elf, modules, build_dir, accel, icount, runs, full)
    shell_ms = boot_to_shell_ms(kernel_elf, modules, build_dir, accel, icount)
    dormer.update(run_disk_speed(kernel_elf, modules, build_dir, accel, icount))
    dormer.update(run_guest_to_host(kernel_elf, modules, build_dir, accel, icount, runs))
    if shell_ms is not None:
        dormer['boot_to_shell_ms'] = shell_ms
    dormer['kernel_image_bytes'] = os.path.getsize(kernel_elf)
    if iso_path and os.path.exists(iso_path):
        dormer['iso_bytes'] = os.path.getsize(iso_path)
    linux = run_linux(top, build_dir, accel, linux_runs, full)

    rows = []
    for key, what, target in METRICS:
        d = dormer.get(key)
        l = linux.get(key)
        ratio = (d / l) if isinstance(d, float) and isinstance(l, float) and l else None
        rows.append({'key': key, 'what': what, 'dormer': d, 'linux': l, 'ratio': ratio,
                     'target': target,
                     'meets_target': None if ratio is None or target is None else ratio <= target})
    print()
    print('%-32s %14s %14s %8s %8s' % ('metric', 'Dormer', 'Linux', 'ratio', 'target'))
    for r in rows:
        mark = '' if r['meets_target'] is None else (' ok' if r['meets_target'] else ' MISS')
        print('%-32s %14s %14s %8s %8s%s' % (r['key'], fmt(r['dormer']), fmt(r['linux']),
                                              fmt(r['ratio']), fmt(r['target']), mark))
    print()
    for key in DORMER_ONLY:
        if key in dormer:
            print('%-32s %14s' % (key, fmt(dormer[key])))
    for key in sorted(dormer):
        if key.endswith('_iterations'):
            print('%-32s %14s' % (key, fmt(dormer[key])))
    result = {'accel': accel, 'icount': icount, 'runs': runs, 'linux_runs': linux_runs,
              'rows': rows, 'dormer': dormer, 'linux': linux}
    path = os.path.join(build_dir, 'bench.json')
    with open(path, 'w') as f:
        json.dump(result, f, indent=2, sort_keys=True, default=str)
    print('bench: results in %s' % os.path.relpath(path))
    chart(rows, os.path.join(build_dir, 'bench.png'), build_dir)
    return 0
