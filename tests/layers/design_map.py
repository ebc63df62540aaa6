#!/usr/bin/env python3
"""design_map.py TOP: DESIGN.md's map names every folder, and only real paths.

Every folder under src/ and tests/ (at any depth), and the folders directly
under include/, tools/ and pcaps/, must be named in TOP/DESIGN.md by its path
from the top ("src/report/html/", with or without the slash; a longer path
does not count for its parent). Every `path` in backquotes that starts with
one of the project's top folders must exist. One line per offence; exit 1.
A built-in case checks that the check fails where it must.
"""
import os
import re
import sys
import tempfile

DEEP = ('src', 'tests')
SHALLOW = ('include', 'tools', 'pcaps')
TOPS = DEEP + SHALLOW + ('dissectors', 'doc', 'docs')


def skipped(name):
    return name.startswith('.') or name == '__pycache__'


def folders(top):
    """Folders the map must name, as paths from top."""
    out = []
    for d in DEEP:
        for path, dirs, _ in os.walk(os.path.join(top, d)):
            dirs[:] = sorted(x for x in dirs if not skipped(x))
            out += [os.path.relpath(os.path.join(path, x), top) for x in dirs]
    for d in SHALLOW:
        base = os.path.join(top, d)
        if os.path.isdir(base):
            out += [os.path.join(d, x) for x in sorted(os.listdir(base))
                    if not skipped(x) and os.path.isdir(os.path.join(base, x))]
    return out


def named(text, path):
    """path on its own, not as the start of a longer path."""
    return re.search(r'(?<![\w./-])' + re.escape(path) + r'/?(?![\w/-])', text) is not None


def check(top):
    with open(os.path.join(top, 'DESIGN.md'), encoding='utf-8') as f:
        text = f.read()
    offences = ['DESIGN.md: folder %s/ is not on the map' % p
                for p in folders(top) if not named(text, p)]
    for token in sorted(set(re.findall(r'`([\w./-]+)`', text))):
        path = token.rstrip('/')
        if path.split('/')[0] in TOPS and '/' in token and not os.path.exists(os.path.join(top, path)):
            offences.append('DESIGN.md: %s does not exist' % token)
    return offences


def self_test():
    """A folder left off the map and a path that is gone are both caught."""
    with tempfile.TemporaryDirectory() as top:
        for d in ('src/report/html', 'src/flow', 'tests/flow'):
            os.makedirs(os.path.join(top, d))
        with open(os.path.join(top, 'DESIGN.md'), 'w') as f:
            f.write('`src/report/html/` and src/flow, tests/flow/. `src/gone/x.c`\n')
        got = check(top)
    want = ['DESIGN.md: folder src/report/ is not on the map',
            'DESIGN.md: src/gone/x.c does not exist']
    return [] if got == want else ['self-test: got %r, want %r' % (got, want)]


def main(argv):
    if len(argv) != 2:
        print('usage: design_map.py TOP', file=sys.stderr)
        return 2
    offences = self_test() + check(argv[1])
    for o in offences:
        print(o)
    return 1 if offences else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
