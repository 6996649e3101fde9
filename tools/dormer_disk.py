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
    flat = [m for m in modules if '\\' not in dormer_iso.module_name(m)]
    if flat:
        mtools('mcopy', '-i', tmp, *flat, '::/Windows/System32/')
    # Files in subfolders of System32 (drivers\\etc\\hosts), with their folders.
    made = set()
    for m in modules:
        parts = dormer_iso.module_name(m).split('\\')
        for i in range(1, len(parts)):
            folder = '::/Windows/System32/' + '/'.join(parts[:i])
            if folder not in made:
                mtools('mmd', '-i', tmp, folder)
                made.add(folder)
        if len(parts) > 1:
            mtools('mcopy', '-i', tmp, m, '::/Windows/System32/' + '/'.join(parts))
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
