#!/usr/bin/env python3
"""The kernel's layers, checked from its #include lines.

Layers, bottom to top (a folder of kernel/ and its headers under kernel/include/):
lib and abi, arch, core, mm, ob, proc, dev, fs, loader, net, sys. A file may include
headers of its own layer and of the layers below. Going up is allowed only to core's
service interfaces that the CPU port needs and that lead nowhere else: reporting
(printk, panic), the console registry its console drivers register with and feed, the
lock primitive, and the linker's section bounds. Everything else a lower layer needs
from a higher one arrives through hooks or init steps the higher layer registers.

Modules (a header with its .c files) may depend on each other in a circle only
inside one layer. kernel/tests/ (the in-kernel tests and crash=) sits on top of all."""
import collections
import os
import re
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KERNEL = os.path.join(TOP, 'kernel')

LAYERS = ['lib', 'arch', 'core', 'mm', 'ob', 'proc', 'dev', 'fs', 'loader', 'net', 'sys']
RANK = dict((name, i) for i, name in enumerate(LAYERS))
RANK['abi'] = 0
SERVICES = {'core/printk', 'core/panic', 'core/console', 'core/spinlock', 'core/sections'}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([A-Za-z0-9_/.]+)\.h[>"]', re.M)


def kernel_files():
    for folder, dirs, files in os.walk(KERNEL):
        rel = os.path.relpath(folder, KERNEL).split(os.sep)
        if rel[0] in ('tests',):
            continue
        for f in files:
            if f.endswith(('.c', '.h', '.S')):
                yield os.path.join(folder, f), rel


def module_of(rel, name):
    """('arch', 'pit') for kernel/arch/x86_64/pit.c, ('core', 'time') for
    kernel/include/core/time.h."""
    stem = name.rsplit('.', 1)[0]
    if rel[0] == 'include':
        return rel[1], stem
    return rel[0], stem


def includes(files=None):
    """(module, included module, file) for every #include of a kernel header."""
    for path, rel in (files if files is not None else kernel_files()):
        src = module_of(rel, os.path.basename(path))
        with open(path) as f:
            text = f.read()
        for inc in INCLUDE.findall(text):
            if '/' in inc:
                layer, name = inc.split('/', 1)
            else:  # a private header beside the file
                layer, name = src[0], inc
            if layer in RANK and (layer, name) != src:
                yield src, (layer, name), os.path.relpath(path, TOP)


def upward(found):
    """The includes of a higher layer that are not core's service interfaces."""
    return ['%s includes %s/%s.h (%s is above %s)' % (path, dst[0], dst[1], dst[0], src[0])
            for src, dst, path in found
            if RANK[dst[0]] > RANK[src[0]] and '%s/%s' % dst not in SERVICES]


def cycles(edges):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(comp)

    for v in list(edges):
        if v not in index:
            visit(v)
    return found


class LayerTest(unittest.TestCase):
    def test_every_folder_has_a_layer(self):
        folders = {rel[1] if rel[0] == 'include' and len(rel) > 1 else rel[0]
                   for _, rel in kernel_files() if rel != ['include']}
        self.assertEqual(sorted(f for f in folders if f not in RANK), [],
                         'a kernel folder outside the layer list: add it to LAYERS')

    def test_no_upward_include(self):
        self.assertEqual(upward(includes()), [])

    def test_checker_sees_an_upward_include(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            planted = os.path.join(d, 'planted.c')
            with open(planted, 'w') as f:
                f.write('#include <core/printk.h>\n#include <proc/sched.h>\n')
            bad = upward(includes([(planted, ['arch', 'x86_64'])]))
        self.assertEqual(len(bad), 1, bad)
        self.assertIn('proc/sched.h', bad[0])

    def test_no_cycle_across_layers(self):
        edges = collections.defaultdict(set)
        for src, dst, _ in includes():
            edges[src].add(dst)
        bad = [sorted('%s/%s' % m for m in comp) for comp in cycles(edges)
               if len({RANK[m[0]] for m in comp}) > 1]
        self.assertEqual(bad, [])

    def test_checker_sees_a_violation(self):
        edges = {('arch', 'a'): {('core', 'b')}, ('core', 'b'): {('arch', 'a')}}
        self.assertEqual(len(cycles(edges)), 1)


if __name__ == '__main__':
    unittest.main()
