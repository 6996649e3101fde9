#!/usr/bin/env python3
"""The export lists of Dormer's kernel32.dll and msvcrt.dll, for docs/win32.md.

Reads userspace/dll/{kernel32,msvcrt}/*.def (what the DLLs really export) and writes the
lists between the `<!-- exports:begin -->` and `<!-- exports:end -->` markers of
docs/win32.md. With --check, says whether the document is current (a tool test runs that,
so the list is never kept by hand).

    python3 tools/win32_exports.py [--check]
"""
import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(TOP, 'docs', 'win32.md')
BEGIN, END = '<!-- exports:begin -->', '<!-- exports:end -->'
DLLS = ('kernel32', 'msvcrt')


def exports(dll):
    """Exported names of userspace/dll/DLL/DLL.def, sorted without case."""
    names = []
    with open(os.path.join(TOP, 'userspace', 'dll', dll, dll + '.def')) as f:
        in_exports = False
        for line in f:
            line = line.split(';', 1)[0].strip()
            if line == 'EXPORTS':
                in_exports = True
            elif in_exports and line:
                names.append(line.split()[0].split('=')[0])
    return sorted(set(names), key=lambda n: (n.lower(), n))


def section():
    out = [BEGIN, '']
    for dll in DLLS:
        names = exports(dll)
        out.append('### %s.dll (%d functions and variables)' % (dll, len(names)))
        out.append('')
        out.append(', '.join('`%s`' % n for n in names))
        out.append('')
    out.append(END)
    return '\n'.join(out)


def render(text):
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + section() + text[end:]


def main(argv):
    with open(DOC) as f:
        text = f.read()
    new = render(text)
    if '--check' in argv:
        if new != text:
            print('docs/win32.md: the export lists are stale (run tools/win32_exports.py)')
            return 1
        return 0
    with open(DOC, 'w') as f:
        f.write(new)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
