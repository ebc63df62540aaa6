#!/usr/bin/env python3
"""upward.py CHECK TOP: tools/check-layers fails where it must.

Over copies of TOP's src/, dissectors/, include/ and tools/layers-allow: the
copy as it is passes; an include from src/base up to src/cli fails with one
line naming it; an allowlist entry for an include that does not occur fails.
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
print('ok')
