"""Run Dormer in QEMU: choose the accelerator, build the command line, and turn
QEMU's exit status back into Dormer's.

Exit status: Dormer powers off through QEMU's isa-debug-exit device, which ends QEMU
with (status << 1) | 1; we decode that. QEMU exiting with 0 means the guest turned
itself off some other way (ACPI S5, or a window closed by the user); in a headless
run that only counts as success if Dormer said it was powering off, because a
triple fault also ends QEMU with 0 under -no-reboot.

End of input: when the host's stdin is not a terminal (a pipe, a file, /dev/null), the
headless wrapper forwards it to the serial line itself and, at its end, sends the byte
0xFF, which the kernel's console turns into end of input for its readers. 0xFF is
never a byte of UTF-8 text and the wrapper replaces any 0xFF in the forwarded data with
'?', so the marker cannot be confused with typed input.
"""
import datetime
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zlib
import struct

import dormer_disk

DEBUG_EXIT = ['-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04']
POWER_OFF_MARKER = b'powering off'
HUNG_STATUS = 124
NO_STATUS = 125
SIGNAL_STATUS_BASE = 128  # QEMU ended by signal N: 128 + N, as a shell reports it
END_OF_INPUT = b'\xff'    # the console's end-of-input marker (see above)
INPUT_READY = b'[serial input ready]'  # the kernel reads the serial line from here on


class Options:
    def __init__(self, accel='auto', mem=256, headless=False, build_dir='build', timeout=0.0,
                 disk=None, disk_readonly=False, net='none', hostfwd=(), guestfwd=(),
                 inject=None):
        self.accel = accel
        self.mem = mem
        self.headless = headless
        self.build_dir = build_dir
        self.timeout = timeout
        self.disk = disk                  # a disk image for a virtio-blk drive, or None
        self.disk_readonly = disk_readonly
        self.net = net                    # 'user': a virtio-net NIC on QEMU user networking
        self.hostfwd = list(hostfwd)      # (host port, guest port[, 'udp']), TCP by default, on 127.0.0.1
        self.guestfwd = list(guestfwd)    # (guest address:port, host port) pairs to 127.0.0.1
        # (QEMU's port, host port): a second NIC on QEMU's socket back end, whose frames
        # are UDP datagrams between those ports of 127.0.0.1 (the tests inject bad ones).
        self.inject = inject


def kvm_usable():
    """KVM only with real hardware virtualisation: /dev/kvm alone is not enough
    (a software backend such as kvm_pvm also provides it, and is unusable)."""
    if not os.access('/dev/kvm', os.R_OK | os.W_OK):
        return False, 'no usable /dev/kvm'
    if os.path.exists('/sys/module/kvm_pvm'):
        return False, '/dev/kvm is the kvm_pvm software backend'
    try:
        with open('/proc/cpuinfo') as f:
            flags = f.read()
    except OSError:
        return False, 'cannot read /proc/cpuinfo'
    if ' vmx' not in flags and ' svm' not in flags:
        return False, 'CPU shows no vmx/svm'
    return True, 'hardware virtualisation available'


def accel_args(accel):
    if accel == 'auto':
        ok, _why = kvm_usable()
        accel = 'kvm' if ok else 'tcg'
    if accel == 'kvm':
        return accel, ['-accel', 'kvm', '-cpu', 'host']
    return accel, ['-accel', 'tcg', '-cpu', 'max']


INJECT_MAC = '52:54:00:12:34:99'  # the socket NIC's address (the tests aim frames at it)


def net_args(opts):
    """QEMU user networking that no packet leaves: restrict=on isolates the guest from
    the host's network; it reaches host services only through guestfwd (to 127.0.0.1),
    and the host reaches it only through hostfwd (bound to 127.0.0.1). No option ROM, so
    the NIC costs a boot nothing."""
    if getattr(opts, 'net', 'none') != 'user':
        return []
    netdev = 'user,id=n0,restrict=on'
    for fwd in getattr(opts, 'hostfwd', ()):
        proto = fwd[2] if len(fwd) > 2 else 'tcp'
        netdev += ',hostfwd=%s:127.0.0.1:%d-:%d' % (proto, fwd[0], fwd[1])
    for guest, host in getattr(opts, 'guestfwd', ()):
        netdev += ',guestfwd=tcp:%s-tcp:127.0.0.1:%d' % (guest, host)
    args = ['-netdev', netdev, '-device', 'virtio-net-pci,netdev=n0,romfile=']
    if getattr(opts, 'inject', None):
        args += ['-netdev', 'socket,id=n1,udp=127.0.0.1:%d,localaddr=127.0.0.1:%d'
                 % (opts.inject[1], opts.inject[0]),
                 '-device', 'virtio-net-pci,netdev=n1,romfile=,mac=%s' % INJECT_MAC]
    return args


def base_command(iso, opts):
    accel, args = accel_args(opts.accel)
    cmd = ['qemu-system-x86_64', '-m', str(opts.mem), '-cdrom', iso, '-boot', 'd',
           '-no-reboot'] + args + DEBUG_EXIT
    if getattr(opts, 'disk', None):
        cmd += dormer_disk.drive_args(opts.disk, getattr(opts, 'disk_readonly', False))
    cmd += net_args(opts)
    return accel, cmd


def decode_status(rc, output=b''):
    if rc % 2 == 1:
        return (rc - 1) // 2
    if rc == 0:
        return 0 if POWER_OFF_MARKER in output else NO_STATUS
    return rc  # QEMU itself failed (bad option, missing file, ...)


def status_message(status):
    return {0: 'ok', 1: 'tests failed', 100: 'kernel panic', HUNG_STATUS: 'hung (timeout)',
            NO_STATUS: 'stopped without reporting a status (reset or triple fault?)'}.get(
                status, 'status %d' % status)


def run(iso, opts):
    """`scons run`: a window with serial logged to a file, or the serial console
    on this terminal (headless). Returns Dormer's status."""
    log = os.path.join(opts.build_dir, 'serial.log')
    accel, cmd = base_command(iso, opts)
    if not opts.headless:
        cmd += ['-serial', 'file:' + log]
        print('dormer: booting %s in a QEMU window (%s); serial log in %s' % (iso, accel, log))
        rc = subprocess.call(cmd)
        return decode_status(rc, POWER_OFF_MARKER)
    scripted = not sys.stdin.isatty()
    # signal=on lets Ctrl+C on a terminal stop QEMU; from a script, 0x03 is data.
    cmd += ['-display', 'none', '-chardev',
            'stdio,id=ser0,logfile=%s,signal=%s' % (log, 'off' if scripted else 'on'),
            '-serial', 'chardev:ser0']
    print('dormer: booting %s headless (%s)%s' % (iso, accel, ', input from stdin until its end'
                                                  if scripted else ''), flush=True)
    if os.path.exists(log):
        os.unlink(log)  # forward_input looks for this boot's INPUT_READY in it
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if scripted else None,
                            stderr=subprocess.PIPE)
    ended_by = []  # the signal QEMU says it caught ("terminating on signal 15")
    stderr_copy = threading.Thread(target=copy_stderr, args=(proc, ended_by), daemon=True)
    stderr_copy.start()
    if scripted:
        threading.Thread(target=forward_input, args=(proc, log), daemon=True).start()
    try:
        rc = proc.wait(timeout=opts.timeout or None)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        print('\ndormer: no power-off after %ss: hung (QEMU stopped by the timeout)' % opts.timeout)
        return HUNG_STATUS
    except KeyboardInterrupt:
        proc.kill()
        proc.wait()
        print('\ndormer: interrupted: QEMU stopped')
        return SIGNAL_STATUS_BASE + signal.SIGINT
    if rc < 0:
        name = signal.Signals(-rc).name if -rc in signal.Signals._value2member_map_ else str(-rc)
        print('\ndormer: QEMU was ended by signal %s' % name)
        return SIGNAL_STATUS_BASE - rc
    stderr_copy.join(timeout=5)
    with open(log, 'rb') as f:
        output = f.read()
    status = decode_status(rc, output)
    if status == NO_STATUS and ended_by:
        # QEMU catches SIGTERM, SIGINT and SIGHUP and exits 0: that is no Dormer status.
        sig = ended_by[0]
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        print('\ndormer: QEMU was ended by signal %s' % name)
        return SIGNAL_STATUS_BASE + sig
    print('\ndormer: exit status %d (%s)' % (status, status_message(status)))
    return status


def copy_stderr(proc, ended_by):
    """Copies QEMU's error output to ours, noting a signal it says ended it."""
    for line in iter(proc.stderr.readline, b''):
        m = re.search(rb'terminating on signal (\d+)', line)
        if m:
            ended_by.append(int(m.group(1)))
        sys.stderr.buffer.write(line)
        sys.stderr.buffer.flush()


def forward_input(proc, log):
    """Once the kernel reads the serial line (INPUT_READY in the log; GRUB would take
    earlier bytes as keystrokes), copy this process's stdin to it, then the end-of-input
    marker. Any 0xFF in the data becomes '?' so that only the marker is one."""
    # os.read, not sys.stdin: a daemon thread blocked in a buffered read holds its lock,
    # and Python aborts at exit (QEMU ended by the timeout or a signal, stdin still open).
    src = sys.stdin.fileno()
    while proc.poll() is None:
        try:
            with open(log, 'rb') as f:
                if INPUT_READY in f.read():
                    break
        except OSError:
            pass
        time.sleep(0.05)
    try:
        while True:
            chunk = os.read(src, 4096)
            if not chunk:
                break
            proc.stdin.write(chunk.replace(END_OF_INPUT, b'?'))
            proc.stdin.flush()
        proc.stdin.write(END_OF_INPUT)
        proc.stdin.flush()
    except (BrokenPipeError, OSError, ValueError):
        pass  # QEMU has gone; its status says why


KEYS_PREFIX = 'keys:'


def boot_capture(iso, opts, timeout, script=()):
    """Boot headless, feeding input, and collect the serial output.

    script: (expect, send) pairs; `send` is typed once `expect` has appeared: on the
    serial line, or, as 'keys:h i ret' (QEMU key names), on the PS/2 keyboard through
    the monitor. Returns (status, output bytes). A run past `timeout` seconds is killed
    and gets HUNG_STATUS: a hang detector, not a performance check."""
    _accel, cmd = base_command(iso, opts)
    cmd += ['-display', 'none', '-serial', 'stdio']
    mon = None
    mon_path = os.path.join(tempfile.mkdtemp(prefix='dormer-mon-'), 'monitor.sock')
    if any(send.startswith(KEYS_PREFIX) for _, send in script):
        cmd += ['-monitor', 'unix:%s,server,nowait' % mon_path]
    else:
        cmd += ['-monitor', 'none']
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    output = b''
    pending = list(script)
    deadline = time.monotonic() + timeout
    fd = proc.stdout.fileno()
    status = None
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            proc.kill()
            proc.wait()
            status = HUNG_STATUS
            break
        ready, _, _ = select.select([fd], [], [], min(left, 0.5))
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                rc = proc.wait()
                status = decode_status(rc, output)
                break
            output += chunk
            while pending and pending[0][0].encode() in output:
                send = pending.pop(0)[1]
                if send.startswith(KEYS_PREFIX):
                    if mon is None:
                        mon = socket.socket(socket.AF_UNIX)
                        mon.connect(mon_path)
                        monitor_command(mon, None)  # the greeting
                    for key in send[len(KEYS_PREFIX):].split():
                        monitor_command(mon, 'sendkey ' + key)
                else:
                    proc.stdin.write(send.encode())
                    proc.stdin.flush()
    if mon is not None:
        mon.close()
    shutil.rmtree(os.path.dirname(mon_path), ignore_errors=True)
    return status, output


def debug(iso, kernel_elf, opts):
    """QEMU halted at the first instruction with a gdb stub on :1234 (TCG, so
    breakpoints behave the same everywhere)."""
    log = os.path.join(opts.build_dir, 'serial.log')
    _accel, cmd = base_command(iso, Options('tcg', opts.mem, opts.headless, opts.build_dir))
    cmd += ['-s', '-S']
    if opts.headless:
        cmd += ['-display', 'none', '-serial', 'stdio']
    else:
        cmd += ['-serial', 'file:' + log]
    print('dormer: QEMU is waiting for gdb. In another terminal run:\n\n'
          '    gdb %s -ex "target remote localhost:1234" -ex "break kmain" -ex continue\n'
          % os.path.relpath(kernel_elf), flush=True)
    rc = subprocess.call(cmd)
    return decode_status(rc, POWER_OFF_MARKER)


def ppm_to_png(ppm, png_path):
    """Convert QEMU's binary PPM (P6) screendump to PNG with the standard library."""
    parts = []
    pos = 0
    while len(parts) < 4:
        while ppm[pos:pos + 1].isspace():
            pos += 1
        if ppm[pos:pos + 1] == b'#':
            pos = ppm.index(b'\n', pos)
            continue
        end = pos
        while not ppm[end:end + 1].isspace():
            end += 1
        parts.append(ppm[pos:end])
        pos = end
    if parts[0] != b'P6' or int(parts[3]) != 255:
        raise ValueError('not an 8-bit P6 image')
    width, height = int(parts[1]), int(parts[2])
    pixels = ppm[pos + 1:]
    rows = b''.join(b'\x00' + pixels[y * width * 3:(y + 1) * width * 3] for y in range(height))

    def chunk(kind, data):
        body = kind + data
        return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body))
    png = (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
           + chunk(b'IDAT', zlib.compress(rows, 9)) + chunk(b'IEND', b''))
    with open(png_path, 'wb') as f:
        f.write(png)


def monitor_command(mon, command, timeout=30.0):
    """Send one human-monitor command and read up to the next "(qemu)" prompt."""
    if command:
        mon.sendall((command + '\n').encode())
    mon.settimeout(timeout)
    reply = b''
    while not reply.rstrip().endswith(b'(qemu)'):
        chunk = mon.recv(4096)
        if not chunk:
            break
        reply += chunk
    return reply


KEY_NAMES = {' ': 'spc', '\n': 'ret', '.': 'dot', ',': 'comma', '-': 'minus', '=': 'equal',
             '/': 'slash', ';': 'semicolon', '"': 'shift-apostrophe', "'": 'apostrophe',
             '_': 'shift-minus', '!': 'shift-1', ':': 'shift-semicolon',
             '\\': 'backslash', '*': 'shift-8', '>': 'shift-dot', '<': 'shift-comma',
             '%': 'shift-5', '\x00': 'shift-backslash'}


def text_to_keys(text):
    """QEMU sendkey names for typing text on the keyboard; '|' stands for Enter and
    '^|' (cmd's escape) for the '|' key itself."""
    keys = []
    for c in text.replace('^|', '\x00').replace('|', '\n'):
        if c.isalnum() and c.isascii():
            keys.append('shift-' + c.lower() if c.isupper() else c)
        elif c in KEY_NAMES:
            keys.append(KEY_NAMES[c])
        else:
            raise ValueError('cannot type %r on the keyboard' % c)
    return keys


def wait_quiet(proc, log, settle, timeout):
    """Until the serial log has not grown for `settle` seconds; False if QEMU ended."""
    start = time.monotonic()
    last_size, last_change = -1, time.monotonic()
    while time.monotonic() - start < timeout:
        if proc.poll() is not None:
            return False
        size = os.path.getsize(log) if os.path.exists(log) else 0
        if size != last_size:
            last_size, last_change = size, time.monotonic()
        elif size > 0 and time.monotonic() - last_change >= settle:
            return True
        time.sleep(0.2)
    return True


def screenshot(iso, opts, name, progress_dir, settle=3.0, timeout=300.0, typed=''):
    """Boot without a window, wait until the serial console has been quiet for
    `settle` seconds, type `typed` on the keyboard (Enter as '|') and wait again if
    given, and save QEMU's own screen as progress_dir/DATE-NAME.png."""
    keys = text_to_keys(typed)
    os.makedirs(opts.build_dir, exist_ok=True)
    log = os.path.join(opts.build_dir, 'shot-serial.log')
    sock_path = os.path.join(opts.build_dir, 'qemu-monitor.sock')
    ppm = os.path.join(opts.build_dir, 'shot.ppm')
    for p in (log, sock_path, ppm):
        if os.path.exists(p):
            os.unlink(p)
    _accel, cmd = base_command(iso, opts)
    cmd += ['-display', 'none', '-serial', 'file:' + log,
            '-monitor', 'unix:%s,server=on,wait=off' % sock_path]
    proc = subprocess.Popen(cmd)
    try:
        if not wait_quiet(proc, log, settle, timeout):
            print('dormer: QEMU exited before the screenshot (status %d)' % proc.returncode)
            return 1
        mon = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        mon.connect(sock_path)
        monitor_command(mon, '')  # the banner and first prompt
        if keys:
            for key in keys:
                monitor_command(mon, 'sendkey ' + key)
            if not wait_quiet(proc, log, settle, timeout):
                print('dormer: QEMU exited before the screenshot (status %d)' % proc.returncode)
                return 1
        monitor_command(mon, 'screendump %s' % ppm)
        # Wait for QEMU to hang up: closing first can drop the quit unread.
        monitor_command(mon, 'quit')
        mon.close()
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    os.makedirs(progress_dir, exist_ok=True)
    out = os.path.join(progress_dir, '%s-%s.png' % (datetime.date.today().isoformat(), name))
    with open(ppm, 'rb') as f:
        ppm_to_png(f.read(), out)
    print('dormer: saved %s' % out)
    return 0
