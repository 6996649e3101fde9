"""Dormer's disk image: build/disk.img, a 64 MiB FAT32 volume made with mtools, with the
user-space programs and DLLs copied into ::/Windows/System32 (the running system shows
its own boot modules there anyway; the copies make the image self-describing on the
host). `scons run` makes it the first time and keeps it between runs; disk=reset makes
it anew; disk=none runs without a disk. QEMU gets it as a virtio-blk drive."""
import os
import subprocess

import dormer_iso

IMAGE_MIB = 64


def mtools(*args):
    subprocess.run(list(args), check=True, stdout=subprocess.DEVNULL,
                   env=dict(os.environ, MTOOLS_SKIP_CHECK='1'))


def make_image(path, modules=(), mib=IMAGE_MIB):
    """A fresh FAT32 image at path (replacing any) holding modules in
    ::/Windows/System32."""
    tmp = path + '.new'
    with open(tmp, 'wb') as f:
        f.truncate(mib << 20)
    mtools('mformat', '-i', tmp, '-F', '-v', 'DORMER', '::')
    mtools('mmd', '-i', tmp, '::/Windows', '::/Windows/System32')
    # DIR/NAME modules (a -posix program and its 24 MiB of DLLs) do not fit the image,
    # and the running system shows them only on RAM C:\ (disk=none).
    plain = [m for m in modules if '/' not in dormer_iso.boot_name(m)]
    if plain:
        mtools('mcopy', '-i', tmp, *plain, '::/Windows/System32/')
    # Files in subfolders of System32 (Windows/System32/drivers/etc/hosts) are real
    # files on the image, with their folders.
    made = set()
    for m in modules:
        parts = dormer_iso.boot_name(m).split('/')
        if parts[:2] != ['Windows', 'System32'] or len(parts) < 4:
            continue
        for k in range(3, len(parts)):
            folder = '::/' + '/'.join(parts[:k])
            if folder not in made:
                mtools('mmd', '-i', tmp, folder)
                made.add(folder)
        mtools('mcopy', '-i', tmp, m, '::/' + '/'.join(parts))
    os.replace(tmp, path)


def ensure_image(path, modules=(), mode='keep'):
    """The image for a run: None with mode 'none'; made anew with 'reset' or when
    missing; else the one there. Prints what it did."""
    if mode == 'none':
        return None
    if mode == 'reset' or not os.path.exists(path):
        make_image(path, modules)
        print('dormer: made %s (%d MiB FAT32, %d programs and DLLs in '
              '\\Windows\\System32)' % (path, IMAGE_MIB, len(modules)), flush=True)
    return path


def drive_args(path, read_only=False):
    """QEMU options for the image as a virtio-blk disk."""
    return ['-drive', 'file=%s,if=virtio,format=raw%s' % (path, ',readonly=on' if read_only
                                                          else '')]
