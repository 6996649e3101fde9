"""Boot tests of the FAT32 disk C:\\ (part of `scons test`): each boots t_disk.exe in
one mode against build/test/disk-*.img and then checks the image on the host with
mtools and `fsck.fat -n`.

  disk/write          a fresh image: files, a long name, 200 KiB, a rename, a delete;
                      read back with mtype/mcopy, fsck clean
  disk/persist        a second boot of the same image reads all of it and adds a file
  disk/t_files        t_files.exe (every native file call) on a fresh disk C:\, then
                      fsck clean
  disk/t_volume       t_volume.exe on that image: FAT32's label and serial, free space
                      dropping by exactly the clusters a file takes; fsck clean
  disk/posix          a -posix C++ program (w_cxx_thread) run from C:\posix on the same
                      image, beside the -posix runtime DLLs shown there from the boot
                      modules: the output Windows prints; fsck clean
  disk/readonly       the same image attached read-only: reads work, changes get
                      STATUS_MEDIA_WRITE_PROTECTED, the image is unchanged
  disk/powercut       QEMU killed while t_disk.exe writes a large file: fsck finds no
                      cross-link and no invalid entry (lost clusters and the victim file's
                      size are allowed), and the files already there are intact
  disk/powercut_dirs  the same while t_disk.exe creates, renames and deletes files
                      with long names
  disk/corrupt_bpb    a damaged boot sector: one clear line, RAM C:\\ instead, no panic
  disk/corrupt_files  a looping chain, a chain leaving the volume, a directory that is
                      its own parent: each reported as a status, the boot goes on
"""
import hashlib
import os
import re
import select
import shutil
import struct
import subprocess
import time

import dormer_disk
import dormer_iso
import dormer_qemu

BOOT_TIMEOUT = 240
POWERCUT_AFTER = b'big: 3 MiB written'
HELLO = b"Hello from Dormer's disk!\r\n"
# What fsck.fat -n may say after a power cut: lost clusters (and the free count they
# make wrong), the FATs one entry apart, or the victim file's size against its chain.
FSCK_FORBIDDEN = re.compile(r'cross|share|invalid|loop|bad |orphan|duplicate|points to|'
                            r'directory .* has no|start cluster', re.I)


def mtools_env():
    return dict(os.environ, MTOOLS_SKIP_CHECK='1')


def mtype(img, path):
    proc = subprocess.run(['mtype', '-i', img, '::' + path], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=mtools_env())
    return proc.stdout if proc.returncode == 0 else None


def fsck(img):
    proc = subprocess.run(['fsck.fat', '-n', img], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    return proc.returncode, proc.stdout.decode(errors='replace')


def fsck_clean(img):
    """'' when fsck.fat -n finds nothing at all, else its report."""
    rc, out = fsck(img)
    body = [l for l in out.splitlines() if l.strip() and not l.startswith('fsck.fat ')
            and not re.match(r'^\S+: \d+ files, \d+/\d+ clusters$', l)]
    if rc == 0 and not body:
        return ''
    return 'fsck.fat -n: exit %d:\n%s' % (rc, out[-1500:])


def sha(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def pattern(n):
    return bytes(((i * 7 + (i >> 9)) & 0xFF) for i in range(n))


class Boot:
    def __init__(self, kernel_elf, qemu, work, modules):
        self.kernel_elf, self.qemu, self.work, self.modules = kernel_elf, qemu, work, modules

    def options(self, img, read_only=False):
        return dormer_qemu.Options(self.qemu.accel, self.qemu.mem, True, self.qemu.build_dir,
                                   self.qemu.timeout, disk=img, disk_readonly=read_only)

    def iso(self, name, cmdline):
        iso = os.path.join(self.work, name.replace('/', '_') + '.iso')
        dormer_iso.make_iso(iso, self.kernel_elf, 'headless ' + cmdline, modules=self.modules)
        return iso

    def run(self, name, cmdline, img, read_only=False):
        status, out = dormer_qemu.boot_capture(self.iso(name, cmdline),
                                               self.options(img, read_only), BOOT_TIMEOUT)
        with open(os.path.join(self.work, name.replace('/', '_') + '.log'), 'wb') as f:
            f.write(out)
        return status, out

    def run_until_killed(self, name, cmdline, img, marker):
        """Boots and kills QEMU (SIGKILL: a power cut) once marker is in the output.
        Returns (marker seen, output)."""
        _accel, cmd = dormer_qemu.base_command(self.iso(name, cmdline), self.options(img))
        cmd += ['-display', 'none', '-serial', 'stdio', '-monitor', 'none']
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        out, seen = b'', False
        deadline = time.monotonic() + BOOT_TIMEOUT
        fd = proc.stdout.fileno()
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                out += chunk
                if marker in out:
                    seen = True
                    break
        proc.kill()
        proc.wait()
        with open(os.path.join(self.work, name.replace('/', '_') + '.log'), 'wb') as f:
            f.write(out)
        return seen, out


FULL_DISK_MIB = 40  # disk/full: about 39 MiB of clusters to fill


def boot_ok(status, out):
    """'' if t_disk.exe ran all its checks and ended with status 0."""
    text = out.decode(errors='replace')
    fails = re.findall(r'^check .* FAIL.*$', text, re.M)
    if fails:
        return '; '.join(fails[:5])
    if 'PANIC' in text:
        return 'kernel panic'
    if status != 0 or not re.search(r'\d+ checks, 0 failed', text):
        return 'exit status %d (%s)' % (status, dormer_qemu.status_message(status))
    return ''


# ---- a tiny FAT32 reader for patching test images ----

class Fat:
    def __init__(self, img):
        self.img = img
        with open(img, 'rb') as f:
            self.data = bytearray(f.read())
        d = self.data
        self.bps = struct.unpack_from('<H', d, 11)[0]
        self.spc = d[13]
        self.reserved = struct.unpack_from('<H', d, 14)[0]
        self.nfats = d[16]
        self.fat_sectors = struct.unpack_from('<I', d, 36)[0]
        self.root = struct.unpack_from('<I', d, 44)[0]
        self.data_start = (self.reserved + self.nfats * self.fat_sectors) * self.bps

    def cluster_off(self, c):
        return self.data_start + (c - 2) * self.spc * self.bps

    def fat_get(self, c):
        return struct.unpack_from('<I', self.data, self.reserved * self.bps + 4 * c)[0] & 0x0FFFFFFF

    def fat_set(self, c, v):
        for i in range(self.nfats):
            struct.pack_into('<I', self.data, (self.reserved + i * self.fat_sectors) * self.bps
                             + 4 * c, v)

    def chain(self, c):
        out = []
        while 2 <= c < 0x0FFFFFF8 and len(out) < 100000:
            out.append(c)
            c = self.fat_get(c)
        return out

    def find(self, dir_cluster, name11):
        """(offset of the short entry, first cluster) of name11 in a directory."""
        for c in self.chain(dir_cluster):
            base = self.cluster_off(c)
            for i in range(self.spc * self.bps // 32):
                e = base + 32 * i
                if self.data[e] == 0:
                    raise KeyError(name11)
                if self.data[e + 11] == 0x0F or self.data[e] == 0xE5:
                    continue
                if bytes(self.data[e:e + 11]) == name11:
                    first = (struct.unpack_from('<H', self.data, e + 20)[0] << 16 |
                             struct.unpack_from('<H', self.data, e + 26)[0])
                    return e, first
        raise KeyError(name11)

    def save(self):
        with open(self.img, 'wb') as f:
            f.write(self.data)


def make_corrupt_files(img, work):
    dormer_disk.make_image(img)
    env = mtools_env()
    files = {'good.txt': b'good\r\n', 'loop.bin': pattern(4096), 'outside.bin': pattern(4096)}
    subprocess.run(['mmd', '-i', img, '::/bad'], check=True, env=env)
    for name, body in files.items():
        p = os.path.join(work, name)
        with open(p, 'wb') as f:
            f.write(body)
        subprocess.run(['mcopy', '-i', img, p, '::/bad/' + name], check=True, env=env)
    subprocess.run(['mmd', '-i', img, '::/bad/selfdir'], check=True, env=env)
    fat = Fat(img)
    _, bad = fat.find(fat.root, b'BAD        ')
    _, loop = fat.find(bad, b'LOOP    BIN')
    chain = fat.chain(loop)
    fat.fat_set(chain[-1], chain[0])             # the chain runs back to its start
    _, outside = fat.find(bad, b'OUTSIDE BIN')
    fat.fat_set(fat.chain(outside)[1], 0x0FFFFF00)  # points past the volume
    e, _ = fat.find(bad, b'SELFDIR    ')
    struct.pack_into('<H', fat.data, e + 20, bad >> 16)
    struct.pack_into('<H', fat.data, e + 26, bad & 0xFFFF)  # its own parent
    fat.save()


def run(kernel_elf, qemu, work, modules, results, compare_stock=None):
    """compare_stock(prog, body): '' when a stock program's output is its .expected."""
    boot = Boot(kernel_elf, qemu, work, modules)
    img = os.path.join(work, 'disk-test.img')
    dormer_disk.make_image(img, modules)

    # 1. write, then check on the host
    status, out = boot.run('disk/write', 'init=t_disk.exe write', img)
    why = boot_ok(status, out)
    if not why:
        checks = [('/disk/hello.txt', HELLO),
                  ('/disk/Nested Directory/A Long File Name.txt', b'nested\r\n'),
                  ('/disk/pattern.bin', pattern(200 * 1024)),
                  ('/disk/new name.txt', b'renamed\r\n')]
        for path, want in checks:
            if mtype(img, path) != want:
                why = 'mtype %s: not what the guest wrote' % path
                break
    if not why and mtype(img, '/disk/old name.txt') is not None:
        why = 'the renamed file is still there under its old name'
    if not why and mtype(img, '/disk/gone.txt') is not None:
        why = 'the deleted file is still there'
    why = why or fsck_clean(img)
    results.record('disk/write', not why, why + ('\n' + tail(out) if why else ''))
    wrote = not why

    # 2. a second boot reads it all back and adds a file
    if wrote:
        status, out = boot.run('disk/persist', 'init=t_disk.exe check', img)
        why = boot_ok(status, out)
        if not why and mtype(img, '/disk/second.txt') != b'second boot\r\n':
            why = 'mtype /disk/second.txt: not what the second boot wrote'
        why = why or fsck_clean(img)
    else:
        why = 'needs disk/write'
    results.record('disk/persist', not why, why + ('\n' + tail(out) if why else ''))

    # 2b. every native file call on a disk C:\ (t_files.exe leaves C:\ as it found it)
    tf = os.path.join(work, 'disk-t_files.img')
    dormer_disk.make_image(tf, modules)
    status, tout = boot.run('disk/t_files', 'init=t_files.exe', tf)
    why = boot_ok(status, tout) or fsck_clean(tf)
    results.record('disk/t_files', not why, why + ('\n' + tail(tout) if why else ''))

    # 2b2. the volume's figures on FAT32 (exact cluster counts), on the same image: the
    # label is the one mformat wrote
    status, vout = boot.run('disk/t_volume', 'init=t_volume.exe', tf)
    why = boot_ok(status, vout) or fsck_clean(tf)
    if not why and not re.search(rb't_volume: FAT32, label "DORMER", serial [0-9A-F]{4}-[0-9A-F]{4}',
                                 vout):
        why = 'no t_volume line with FAT32 and the label DORMER'
    results.record('disk/t_volume', not why, why + ('\n' + tail(vout) if why else ''))

    # 2b3. a -posix program and its own runtime DLLs in C:\posix on a disk C:\ (the
    # directory is made on the disk at mount; the files are the boot modules)
    if compare_stock:
        prog = 'w_cxx_thread.exe'
        status, pout = boot.run('disk/posix', 'utest=%s loglevel=warn' % prog, tf)
        why = ''
        if status != 0:
            why = 'exit status %d (%s)' % (status, dormer_qemu.status_message(status))
        if not why and b'PANIC' in pout:
            why = 'kernel panic'
        why = why or fsck_clean(tf)
        m = re.search(r'^UTEST BEGIN %s\n(.*?)^UTEST END %s status=0x([0-9A-F]+)$'
                      % (re.escape(prog), re.escape(prog)),
                      pout.decode(errors='replace').replace('\r', ''), re.M | re.S)
        if not why and not m:
            why = 'no UTEST section for %s' % prog
        if not why and int(m.group(2), 16) != 0:
            why = '%s ended with status 0x%s' % (prog, m.group(2))
        why = why or compare_stock(prog, m.group(1))
        results.record('disk/posix', not why, why + ('\n' + tail(pout) if why else ''))
    # 2c. the disk full (t_exhaust.exe disk): STATUS_DISK_FULL, what was written before
    # reads back, the space comes back after the delete, the volume stays clean. A small
    # volume without the programs (they come from the boot ISO), so it fills quickly.
    full = os.path.join(work, 'disk-full.img')
    dormer_disk.make_image(full, mib=FULL_DISK_MIB)
    status, fout = boot.run('disk/full', 'init=t_exhaust.exe disk', full)
    why = boot_ok(status, fout) or fsck_clean(full)
    if not why and mtype(full, '/exhaust_full.bin') is not None:
        why = 'the file that filled the disk is still there'
    results.record('disk/full', not why, why + ('\n' + tail(fout) if why else ''))

    # 3. the same image read-only
    if wrote:
        before = sha(img)
        status, out = boot.run('disk/readonly', 'init=t_disk.exe ro', img, read_only=True)
        why = boot_ok(status, out)
        if not why and 'read-only' not in out.decode(errors='replace'):
            why = 'the boot did not say the disk is read-only'
        if not why and sha(img) != before:
            why = 'the read-only image changed'
    else:
        why = 'needs disk/write'
    results.record('disk/readonly', not why, why + ('\n' + tail(out) if why else ''))

    # 4. power cuts in the middle of a large write, and among directory changes
    for name, mode, marker in (('disk/powercut', 'big', POWERCUT_AFTER),
                               ('disk/powercut_dirs', 'churn', b'churn: 300 files')):
        power_cut(boot, work, modules, results, name, mode, marker)

    # 5. a damaged boot sector: refused at mount, RAM C:\ instead
    bpb = os.path.join(work, 'disk-bpb.img')
    dormer_disk.make_image(bpb)
    with open(bpb, 'r+b') as f:
        f.seek(11)
        f.write(struct.pack('<H', 3))  # bytes per sector: not a power of two
    status, out = boot.run('disk/corrupt_bpb', 'noshell', bpb)
    why = '' if status == 0 else 'exit status %d' % status
    text = out.decode(errors='replace')
    if not why and not re.search(r'fs: disk vda not mounted: not a valid FAT32 volume.*RAM', text):
        why = 'no clear line about the refused disk'
    if not why and not re.search(r'fs: C:\\ mounted \(RAM\)', text):
        why = 'RAM C:\\ not mounted instead'
    if not why and 'PANIC' in text:
        why = 'kernel panic'
    results.record('disk/corrupt_bpb', not why, why + ('\n' + tail(out) if why else ''))

    # 6. damaged files: reported, the rest works
    bad = os.path.join(work, 'disk-badfiles.img')
    make_corrupt_files(bad, work)
    status, out = boot.run('disk/corrupt_files', 'init=t_disk.exe corrupt', bad)
    why = boot_ok(status, out)
    text = out.decode(errors='replace')
    for what in (r'loop\.bin: status 0xc0000102', r'outside\.bin: status 0xc0000102',
                 r'good\.txt: status 0x00000000, 6 bytes', r'selfdir: listing ended'):
        if not why and not re.search(r'corrupt: C:\\bad\\' + what, text):
            why = 'missing /%s/' % what
    results.record('disk/corrupt_files', not why, why + ('\n' + tail(out) if why else ''))


def power_cut(boot, work, modules, results, name, mode, marker):
    """Kills QEMU once t_disk.exe MODE printed marker; fsck.fat -n must find no
    cross-link or invalid entry, and the files already on the image must be intact."""
    cut = os.path.join(work, name.replace('/', '_') + '.img')
    dormer_disk.make_image(cut, modules)
    seen, out = boot.run_until_killed(name, 'init=t_disk.exe ' + mode, cut, marker)
    why = '' if seen else 'never got to %r' % marker.decode()
    if not why:
        rc, report = fsck(cut)
        bad = [l for l in report.splitlines() if FSCK_FORBIDDEN.search(l)]
        if bad or rc not in (0, 1):
            why = 'fsck.fat -n after the cut (exit %d):\n%s' % (rc, report[-1500:])
        print('  %s: fsck.fat -n says: %s' % (name, ' | '.join(
            l.strip() for l in report.splitlines()[1:6])), flush=True)
    if not why:
        for m in modules[:5]:
            with open(m, 'rb') as f:
                if mtype(cut, '/Windows/System32/' + os.path.basename(m)) != f.read():
                    why = 'a file that was on the disk before the cut changed: %s' % m
                    break
    results.record(name, not why, why + ('\n' + tail(out) if why else ''))


def tail(output, n=25):
    text = re.sub(r'\x1b\[[0-9;?]*[A-Za-z]', '', output.decode(errors='replace'))
    return '\n'.join('    | ' + l for l in text.replace('\r', '').splitlines()[-n:])
