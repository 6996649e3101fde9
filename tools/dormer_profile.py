"""`scons profile`: where the guest's instructions go, function by function.

Boots Dormer under TCG with -icount, runs a program (by default `bench.exe spawn`)
and, between two markers in its serial output, has QEMU translate one instruction
per block and log every block it executes (`singlestep on`, `log exec,nochain`
through the monitor). Each logged block is then one executed instruction. The
addresses are named from the kernel's symbols and from the COFF symbols of the
programs and DLLs (at their preferred bases; a relocated image shows as `?`).

Prints the functions that executed the most instructions, as counts, percentages and,
with `per`, counts per operation; and, for the top few, how often each caller called
them. The log lives in build/profile/ (hundreds of MB for a few million
instructions)."""
import bisect
import collections
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import time

import dormer_iso
import dormer_qemu

TRACE = re.compile(rb'\[[0-9a-fA-F]+/([0-9a-fA-F]+)/')
FUNCTION_TYPES = 'tTwW'


class Symbols:
    """Function symbols of the kernel and the user images, sorted by address."""

    def __init__(self):
        self.addrs, self.names = [], []

    def add(self, nm, path, suffix=''):
        out = subprocess.run([nm, '-n', path], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[1] in FUNCTION_TYPES:
                self.addrs.append(int(parts[0], 16))
                self.names.append(parts[2] + suffix)

    def finish(self):
        order = sorted(range(len(self.addrs)), key=self.addrs.__getitem__)
        self.addrs = [self.addrs[i] for i in order]
        self.names = [self.names[i] for i in order]

    def lookup(self, pc):
        """(name, start address) of the function holding pc."""
        i = bisect.bisect_right(self.addrs, pc) - 1
        return (self.names[i], self.addrs[i]) if i >= 0 else ('?', None)


def load_symbols(kernel_elf, modules):
    syms = Symbols()
    syms.add('nm', kernel_elf)
    mingw_nm = 'x86_64-w64-mingw32-nm'
    if shutil.which(mingw_nm):
        for m in modules:
            syms.add(mingw_nm, m, '@' + os.path.basename(m))
    syms.finish()
    return syms


class Monitor:
    def __init__(self, path):
        self.sock = None
        for _ in range(100):
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                dormer_qemu.monitor_command(self.sock, None, timeout=10.0)  # the greeting
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError('profile: cannot reach the QEMU monitor')

    def command(self, text):
        dormer_qemu.monitor_command(self.sock, text, timeout=10.0)


def trace(iso, log, start, stop, timeout):
    """Boot, log executed instructions between the start and stop markers. Returns the
    serial output."""
    mon_path = log + '.mon'
    if os.path.exists(mon_path):
        os.unlink(mon_path)
    cmd = ['qemu-system-x86_64', '-accel', 'tcg', '-cpu', 'max', '-m', '512M', '-smp', '1',
           '-display', 'none', '-serial', 'stdio', '-monitor', 'unix:%s,server,nowait' % mon_path,
           '-no-reboot', '-nic', 'none', '-cdrom', iso, '-boot', 'd',
           '-icount', 'shift=0,sleep=off', '-D', log] + dormer_qemu.DEBUG_EXIT
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    mon = Monitor(mon_path)
    output, state, mark = b'', 'waiting', 0
    if not start:
        state = 'begin'
    deadline = time.monotonic() + timeout
    fd = proc.stdout.fileno()
    while time.monotonic() < deadline:
        if state == 'begin':
            mon.command('stop')
            mon.command('singlestep on')  # QEMU before 8.1; later: one-insn-per-tb on
            mon.command('one-insn-per-tb on')
            mon.command('log exec,nochain')
            mon.command('cont')
            state, mark = 'tracing', len(output)
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        output += chunk
        if state == 'waiting' and start.encode() in output:
            state = 'begin'
        elif state == 'tracing' and stop and stop.encode() in output[mark:]:
            mon.command('stop')
            mon.command('log none')
            mon.command('quit')
            state = 'done'
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    if state == 'waiting':
        raise RuntimeError('profile: "%s" never appeared in the output' % start)
    return output


def count(log, syms):
    """Instructions per function, and calls per function by caller: a call is a step
    onto a function's first instruction (returns land inside the function)."""
    per_pc = collections.Counter()
    steps = collections.Counter()
    prev = None
    with open(log, 'rb') as f:
        for line in f:
            m = TRACE.search(line)
            if m:
                pc = int(m.group(1), 16)
                per_pc[pc] += 1
                steps[(prev, pc)] += 1
                prev = pc
    where = {pc: syms.lookup(pc) for pc in per_pc}
    per_fn = collections.Counter()
    for pc, n in per_pc.items():
        per_fn[where[pc][0]] += n
    calls = collections.defaultdict(collections.Counter)
    for (src, dst), n in steps.items():
        name, start = where[dst]
        if dst == start and src is not None and where[src][0] != name:
            calls[name][where[src][0]] += n
    return per_fn, calls


def main(kernel_elf, modules, build_dir, program='bench.exe spawn', start='', stop='',
         per=1, top=40):
    out_dir = os.path.join(build_dir, 'profile')
    os.makedirs(out_dir, exist_ok=True)
    iso = os.path.join(out_dir, 'dormer-profile.iso')
    log = os.path.join(out_dir, 'exec.log')
    dormer_iso.make_iso(iso, kernel_elf, 'headless loglevel=warn init=' + program,
                        modules=modules)
    print('profile: running "%s", tracing from %s to %s (TCG, -icount)'
          % (program, '"%s"' % start if start else 'the start', '"%s"' % stop if stop
             else 'the end'), flush=True)
    output = trace(iso, log, start, stop, timeout=1800)
    with open(os.path.join(out_dir, 'serial.log'), 'wb') as f:
        f.write(output)
    per_fn, calls = count(log, load_symbols(kernel_elf, modules))
    total = sum(per_fn.values())
    if not total:
        print('profile: nothing was traced (see %s)' % os.path.join(out_dir, 'serial.log'))
        return 1
    per = max(per, 1)
    print('profile: %d instructions traced%s' % (
        total, ', %.0f per operation (per=%d)' % (total / per, per) if per > 1 else ''))
    print('%12s %7s %10s  %s' % ('instructions', 'share', 'per op', 'function'))
    for fn, n in per_fn.most_common(top):
        print('%12d %6.1f%% %10.0f  %s' % (n, 100.0 * n / total, n / per, fn))
    print('\ncalls per operation, by caller (top functions):')
    for fn, _ in per_fn.most_common(8):
        froms = ', '.join('%s %.1f' % (c, k / per) for c, k in calls[fn].most_common(4))
        print('  %-24s %s' % (fn, froms or '-'))
    return 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
