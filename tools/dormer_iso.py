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


def module_name(path):
    """The boot file system's name for a module: its file name, or, for a file under a
    System32 folder of the source tree (iso/System32/drivers/etc/hosts), its path below
    that folder with backslashes (drivers\\etc\\hosts), which C:\\Windows\\System32 then
    shows in subfolders."""
    parts = os.path.abspath(path).split(os.sep)
    if 'System32' in parts[:-1]:
        return '\\'.join(parts[len(parts) - parts[::-1].index('System32'):])
    return os.path.basename(path)


def make_iso(iso_path, kernel_elf, cmdline, grub_cfg_template=DEFAULT_TEMPLATE, modules=()):
    """Build iso_path from kernel_elf. modules: paths of programs and DLLs, loaded by
    GRUB as multiboot2 modules named by their file names (the boot file system)."""
    with open(grub_cfg_template) as f:
        template = f.read()
    words = ' '.join(grub_quote(w) for w in cmdline.split())
    lines = ['    module2 /boot/bin/%s %s' % (grub_quote(os.path.basename(m)),
                                         grub_quote(module_name(m))) for m in modules]
    cfg = template.replace('@CMDLINE@', words).replace('@MODULES@', '\n'.join(lines))

    os.makedirs(os.path.dirname(os.path.abspath(iso_path)), exist_ok=True)
    with tempfile.TemporaryDirectory(prefix='dormer-iso-') as stage:
        boot = os.path.join(stage, 'boot')
        os.makedirs(os.path.join(boot, 'grub'))
        os.makedirs(os.path.join(boot, 'bin'))
        shutil.copyfile(kernel_elf, os.path.join(boot, 'dormer.elf'))
        for path in modules:
            shutil.copyfile(path, os.path.join(boot, 'bin', os.path.basename(path)))
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
