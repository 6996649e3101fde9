#!/usr/bin/env python3
"""Expected output of the stock Windows test programs, from Wine.

For each userspace/win32/NAME (built by scons as build/userspace/win32/NAME/NAME.exe, or
with a NAME.posix file as build/userspace/bootdir/DIR/NAME.exe beside its DLLs),
runs the program under Wine (the wine64 of Debian's package) and writes what it prints to
stdout as NAME.expected and its exit status as NAME.status (when it is not 0). With
--check, compares instead and exits 1 on a difference. A test with a NAME.handwritten
file (saying why) keeps its hand-written expectation: there Wine is not Windows. A developer's tool, never run by
`scons test` (which compares Dormer's output with the committed files).

    python3 tools/win32_expected.py [--check] [NAME ...]
"""
import os
import shutil
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WIN32 = os.path.join(TOP, 'userspace', 'win32')
BUILD = os.path.join(TOP, 'build', 'userspace', 'win32')


def find_wine():
    for cand in ('wine64', '/usr/lib/wine/wine64', 'wine'):
        path = shutil.which(cand) or (cand if os.path.exists(cand) else None)
        if path:
            return path
    sys.exit('win32_expected: Wine not found (apt-get install wine64)')


def runtime_path():
    """WINEPATH for the mingw runtime DLLs a C++ or -pthread program imports (Dormer has
    them in System32): the default g++'s directories, as Wine's Z: drive paths."""
    dirs = []
    for dll in ('libstdc++-6.dll', 'libgcc_s_seh-1.dll', 'libwinpthread-1.dll'):
        try:
            where = subprocess.check_output(['x86_64-w64-mingw32-g++', '-print-file-name=' + dll],
                                            universal_newlines=True).strip()
        except OSError:
            continue
        d = os.path.dirname(os.path.normpath(where))
        if os.path.isabs(where) and d not in dirs:
            dirs.append(d)
    return ';'.join('Z:' + d.replace('/', '\\') for d in dirs)


def posix_dir(name):
    """DIR of a -posix program (the first word of its NAME.posix), or None."""
    marker = os.path.join(WIN32, name, name + '.posix')
    if not os.path.exists(marker):
        return None
    with open(marker) as f:
        return f.read().split('#', 1)[0].split()[0]


def run(wine, name):
    where = posix_dir(name)
    # A -posix program is built beside its compiler's runtime DLLs (bootdir/DIR), where
    # Wine, like Windows, finds them first: no WINEPATH then.
    exe_dir = (os.path.join(TOP, 'build', 'userspace', 'bootdir', where) if where
               else os.path.join(BUILD, name))
    exe = os.path.join(exe_dir, name + '.exe')
    if not os.path.exists(exe):
        sys.exit('win32_expected: %s not built (run scons first)' % exe)
    env = dict(os.environ, WINEDEBUG='-all', WINEPATH='' if where else runtime_path())
    env.setdefault('WINEPREFIX', os.path.join(TOP, 'build', 'wineprefix'))
    p = subprocess.run([wine, exe], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       stdin=subprocess.DEVNULL, env=env, timeout=300,
                       cwd=exe_dir)
    return p.stdout, p.returncode


def main(argv):
    check = '--check' in argv
    # f_* programs end in a Dormer fault report (checked by patterns in dormer_test.py).
    names = [a for a in argv if not a.startswith('--')] or sorted(
        n for n in os.listdir(WIN32) if n.startswith('w_'))
    wine = find_wine()
    bad = 0
    for name in names:
        base = os.path.join(WIN32, name, name)
        if os.path.exists(base + '.handwritten'):
            # The expectation is what Windows shows and Wine does not (the file says why).
            print('%-20s kept: written by hand (%s.handwritten)' % (name, name))
            continue
        out, status = run(wine, name)
        if check:
            with open(base + '.expected', 'rb') as f:
                want = f.read()
            want_status = 0
            if os.path.exists(base + '.status'):
                with open(base + '.status') as f:
                    want_status = int(f.read().split()[0], 0)
            ok = out == want and status == want_status
            bad += not ok
            print('%-20s %s' % (name, 'same' if ok else 'DIFFERS (status %d)' % status))
            continue
        with open(base + '.expected', 'wb') as f:
            f.write(out)
        if status:
            with open(base + '.status', 'w') as f:
                f.write('%d\n' % status)
        elif os.path.exists(base + '.status'):
            os.remove(base + '.status')
        print('%-20s %d bytes, status %d' % (name, len(out), status))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
