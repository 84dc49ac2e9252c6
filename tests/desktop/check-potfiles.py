#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that po/POTFILES.in lists every file with translatable strings (TAP).

Usage: check-potfiles.py SOURCE_ROOT

Scanned: src/ui/*.c and *.h (gettext calls), ui/*.ui (translatable="yes"),
data/*.in and data/*.gschema.xml (user-visible text). Every entry of
POTFILES.in must also exist.
"""

import glob
import os
import re
import sys

C_GETTEXT = re.compile(r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|g_dngettext|g_dpgettext2|ngettext)\s*\(')
UI_TRANSLATABLE = re.compile(r'translatable\s*=\s*"(?:yes|true|1)"')
SCHEMA_TEXT = re.compile(r'<(?:summary|description)>')

# data/*.in files that carry no human-readable text, with the reason.
NOT_TRANSLATABLE = {
    'data/im.confab.Confab.service.in': 'a D-Bus service file: only a bus name and a command',
}


def read_potfiles(path):
    entries = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#'):
                entries.append(line)
    return entries


def needs_translation(root, rel):
    with open(os.path.join(root, rel), encoding='utf-8') as f:
        text = f.read()
    if rel.endswith(('.c', '.h')):
        # Ignore comments so that a mention of _( in prose does not count.
        code = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
        code = re.sub(r'//[^\n]*', '', code)
        return C_GETTEXT.search(code) is not None
    if rel.endswith('.ui'):
        return UI_TRANSLATABLE.search(text) is not None
    if rel.endswith('.gschema.xml'):
        return SCHEMA_TEXT.search(text) is not None
    if rel.endswith('.in'):
        return rel not in NOT_TRANSLATABLE
    return False


def main():
    root = os.path.abspath(sys.argv[1])
    potfiles = read_potfiles(os.path.join(root, 'po', 'POTFILES.in'))
    listed = set(potfiles)
    results = []

    for entry in potfiles:
        results.append((os.path.isfile(os.path.join(root, entry)),
                        f'POTFILES.in entry {entry} exists'))
    results.append((len(listed) == len(potfiles), 'POTFILES.in has no duplicate entries'))

    candidates = []
    for pattern in ('src/ui/*.c', 'src/ui/*.h', 'ui/*.ui', 'data/*.in', 'data/*.gschema.xml'):
        candidates += sorted(glob.glob(os.path.join(root, pattern)))
    for path in candidates:
        rel = os.path.relpath(path, root)
        if needs_translation(root, rel):
            results.append((rel in listed, f'{rel} has translatable strings and is in POTFILES.in'))
        elif rel in listed:
            results.append((True, f'{rel} is in POTFILES.in # SKIP no translatable strings found'))

    print(f'1..{len(results)}')
    for i, (ok, description) in enumerate(results, 1):
        print(f'{"ok" if ok else "not ok"} {i} - {description}')
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
