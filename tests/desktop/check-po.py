#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run `msgfmt --check --check-format` on every po/*.po and help/*/*.po (TAP).

Usage: check-po.py MSGFMT SOURCE_ROOT

Also checks that each language in po/LINGUAS and help/LINGUAS has its file,
and that every .po file present is listed, so none is silently left out of
the build.
"""

import glob
import os
import subprocess
import sys


def read_linguas(path):
    langs = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#'):
                langs += line.split()
    return langs


def main():
    msgfmt, root = sys.argv[1], os.path.abspath(sys.argv[2])
    results = []

    app_po = sorted(glob.glob(os.path.join(root, 'po', '*.po')))
    help_po = sorted(glob.glob(os.path.join(root, 'help', '*', '*.po')))
    results.append((bool(app_po), 'po/ has translations', None))

    for path in app_po + help_po:
        rel = os.path.relpath(path, root)
        proc = subprocess.run([msgfmt, '--check', '--check-format', '-o', os.devnull, path],
                              capture_output=True, text=True)
        detail = ' '.join(proc.stderr.split())[:300] if proc.returncode else None
        results.append((proc.returncode == 0, f'msgfmt --check {rel}', detail))

    for sub, pattern in (('po', 'po/{}.po'), ('help', 'help/{0}/{0}.po')):
        langs = read_linguas(os.path.join(root, sub, 'LINGUAS'))
        for lang in langs:
            rel = pattern.format(lang)
            results.append((os.path.isfile(os.path.join(root, rel)),
                            f'{sub}/LINGUAS entry {lang} has {rel}', None))
        present = app_po if sub == 'po' else help_po
        for path in present:
            lang = os.path.splitext(os.path.basename(path))[0]
            results.append((lang in langs, f'{os.path.relpath(path, root)} is listed in {sub}/LINGUAS', None))

    print(f'1..{len(results)}')
    for i, (ok, description, detail) in enumerate(results, 1):
        line = f'{"ok" if ok else "not ok"} {i} - {description}'
        if detail:
            line += f' # {detail}'
        print(line)
    return 0 if all(ok for ok, _, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
