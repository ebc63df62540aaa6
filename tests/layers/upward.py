#!/usr/bin/env python3
"""upward.py CHECK TOP: tools/check-layers fails where it must.

Over copies of TOP's src/, dissectors/, include/ and tools/layers-allow: the
copy as it is passes; an include from src/base up to src/cli fails with one
line naming it, and so does an include of another layer's private header
(src/<layer>/x.h); an allowlist entry whose include is gone fails. A unit
without a header of its own fails, and so do one that does not include its
header, one with a header both beside it and in include/tcpscope/, and an
allowlist entry for a unit that has its header now.
"""
import os
import shutil
import subprocess
import sys
import tempfile

CHECK, TOP = sys.argv[1], sys.argv[2]


def fail(msg):
    print('FAIL: ' + msg)
    sys.exit(1)


def copy_tree(dst):
    for d in ('src', 'dissectors', 'include'):
        shutil.copytree(os.path.join(TOP, d), os.path.join(dst, d))
    os.mkdir(os.path.join(dst, 'tools'))
    shutil.copy(os.path.join(TOP, 'tools', 'layers-allow'), os.path.join(dst, 'tools'))


def run(root):
    r = subprocess.run([sys.executable, CHECK, '--root', root],
                       stdout=subprocess.PIPE, universal_newlines=True)
    return r.returncode, r.stdout.splitlines()


def edit(path, fn):
    with open(path) as f:
        text = f.read()
    new = fn(text)
    if new == text:
        fail('%s: the edit changed nothing' % path)
    with open(path, 'w') as f:
        f.write(new)


with tempfile.TemporaryDirectory() as tmp:
    root = os.path.join(tmp, 'same')
    copy_tree(root)
    rc, out = run(root)
    if rc != 0:
        fail('the unchanged copy fails: %s' % out)

    root = os.path.join(tmp, 'upward')
    copy_tree(root)
    edit(os.path.join(root, 'src', 'base', 'version.c'),
         lambda t: t.replace('#include "tcpscope/version.h"\n',
                             '#include "tcpscope/version.h"\n#include "cli/cli.h"\n', 1))
    rc, out = run(root)
    want = 'src/base/version.c:3 includes cli/cli.h which belongs to higher layer cli'
    if rc != 1 or out != [want]:
        fail('an include up to cli: exit %d, %s (want 1, [%r])' % (rc, out, want))

    root = os.path.join(tmp, 'stale')
    copy_tree(root)
    edit(os.path.join(root, 'tools', 'layers-allow'),
         lambda t: t + 'src/flow/ip_reassembly.c -> tcpscope/analyzer.h\n')
    rc, out = run(root)
    if rc != 1 or len(out) != 1 or 'src/flow/ip_reassembly.c -> tcpscope/analyzer.h' not in out[0] \
            or 'no longer' not in out[0]:
        fail('a stale allowlist entry: exit %d, %s' % (rc, out))

    root = os.path.join(tmp, 'across')
    copy_tree(root)
    edit(os.path.join(root, 'src', 'cli', 'checks.c'),
         lambda t: t.replace('#include "checks.h"\n',
                             '#include "checks.h"\n#include "report/report_parallel.h"\n', 1))
    rc, out = run(root)
    want = 'src/cli/checks.c:5 includes report/report_parallel.h which is private to report: ' \
           'move it to include/tcpscope/'
    if rc != 1 or out != [want]:
        fail('a private header from another layer: exit %d, %s (want 1, [%r])' % (rc, out, want))

    def write(path, text):
        with open(path, 'w') as f:
            f.write(text)

    def one_line(name, setup, want):
        root = os.path.join(tmp, name)
        copy_tree(root)
        setup(root)
        rc, out = run(root)
        if rc != 1 or out != [want]:
            fail('%s: exit %d, %s (want 1, [%r])' % (name, rc, out, want))

    unit = os.path.join('src', 'base', 'orphan')
    one_line('no_header',
             lambda r: write(os.path.join(r, unit + '.c'), 'int ts_orphan(void) { return 0; }\n'),
             'src/base/orphan.c: no header of its own (orphan.h beside it, or '
             'include/tcpscope/orphan.h when other folders use it)')

    def not_included(r):
        write(os.path.join(r, unit + '.h'), 'int ts_orphan(void);\n')
        write(os.path.join(r, unit + '.c'), 'int ts_orphan(void) { return 0; }\n')
    one_line('not_included', not_included,
             'src/base/orphan.c: does not include its header src/base/orphan.h')

    def two_headers(r):
        not_included(r)
        write(os.path.join(r, unit + '.c'), '#include "orphan.h"\n')
        write(os.path.join(r, 'include', 'tcpscope', 'orphan.h'), 'int ts_orphan(void);\n')
    one_line('two_headers', two_headers,
             'src/base/orphan.c: two headers of its own, src/base/orphan.h and '
             'include/tcpscope/orphan.h: keep one')

    # An allowlist entry naming a unit without its header, for a unit that has one.
    def header_landed(r):
        with open(os.path.join(r, 'tools', 'layers-allow'), 'a') as f:
            f.write('src/tcp/tcp_finish.c\n')
    root = os.path.join(tmp, 'header_landed')
    copy_tree(root)
    header_landed(root)
    rc, out = run(root)
    if rc != 1 or len(out) != 1 or 'src/tcp/tcp_finish.c has its own header now' not in out[0]:
        fail('a stale headerless entry: exit %d, %s' % (rc, out))
print('ok')
