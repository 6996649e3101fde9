"""Make Dormer's bootable ISO: a staging tree with the kernel and grub.cfg, turned
into a BIOS-bootable image by grub-mkrescue (which drives xorriso and mtools).
The kernel command line is written into grub.cfg, so the ISO boots exactly the
configuration it was made for."""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
DEFAULT_TEMPLATE = os.path.join(TOP, 'iso', 'grub.cfg.in')


def grub_quote(word):
    """One command-line word as a GRUB script string (single quotes, no escapes)."""
    if "'" in word:
        raise ValueError("kernel command line words cannot contain a single quote: %r" % word)
    return "'%s'" % word


# A file whose directory's parent is called this is a boot module named DIR/NAME, which
# the kernel shows as C:\DIR\NAME; every other file is NAME, in System32.
BOOT_DIR_MARK = 'bootdir'


def boot_name(path):
    """The module name of the file at path: NAME, DIR/NAME under .../bootdir/DIR/, or
    Windows/System32/SUB/NAME under .../System32/SUB/."""
    parent = os.path.dirname(os.path.abspath(path))
    if os.path.basename(os.path.dirname(parent)) == BOOT_DIR_MARK:
        return '%s/%s' % (os.path.basename(parent), os.path.basename(path))
    # A file under a System32 folder of the source tree (iso/System32/drivers/etc/hosts)
    # keeps its path below that folder: C:\Windows\System32\drivers\etc\hosts.
    parts = os.path.abspath(path).split(os.sep)
    if 'System32' in parts[:-2]:
        rest = parts[len(parts) - parts[::-1].index('System32'):]
        return '/'.join(['Windows', 'System32'] + rest)
    return os.path.basename(path)


def make_iso(iso_path, kernel_elf, cmdline, grub_cfg_template=DEFAULT_TEMPLATE, modules=()):
    """Build iso_path from kernel_elf. modules: paths of programs and DLLs, loaded by
    GRUB as multiboot2 modules named by boot_name (the boot file system)."""
    with open(grub_cfg_template) as f:
        template = f.read()
    words = ' '.join(grub_quote(w) for w in cmdline.split())
    names = [boot_name(m) for m in modules]
    lines = ['    module2 /boot/bin/%s %s' % (grub_quote(n), grub_quote(n)) for n in names]
    cfg = template.replace('@CMDLINE@', words).replace('@MODULES@', '\n'.join(lines))

    os.makedirs(os.path.dirname(os.path.abspath(iso_path)), exist_ok=True)
    with tempfile.TemporaryDirectory(prefix='dormer-iso-') as stage:
        boot = os.path.join(stage, 'boot')
        os.makedirs(os.path.join(boot, 'grub'))
        os.makedirs(os.path.join(boot, 'bin'))
        shutil.copyfile(kernel_elf, os.path.join(boot, 'dormer.elf'))
        for path, name in zip(modules, names):
            dest = os.path.join(boot, 'bin', *name.split('/'))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copyfile(path, dest)
        with open(os.path.join(boot, 'grub', 'grub.cfg'), 'w') as f:
            f.write(cfg)
        tmp = iso_path + '.tmp'
        cmd = ['grub-mkrescue', '-o', tmp, '--locales=', '--fonts=', '--themes=',
               '--compress=no', stage]
        res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if res.returncode != 0 or not os.path.exists(tmp):
            sys.stderr.write(res.stdout.decode(errors='replace'))
            raise RuntimeError('grub-mkrescue failed (exit %d); is tools/setup.sh done?'
                               % res.returncode)
        os.replace(tmp, iso_path)


if __name__ == '__main__':
    import argparse
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('iso')
    ap.add_argument('kernel')
    ap.add_argument('--cmdline', default='')
    a = ap.parse_args()
    make_iso(a.iso, a.kernel, a.cmdline)
