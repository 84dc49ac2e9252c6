#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the app's source files for an SPDX line and well-formed XML (TAP).

Usage: check-sources.py SOURCE_ROOT

GtkBuilder files cannot be loaded without a display (gtk4-builder-tool needs
one on GTK 4.8), so here they are only parsed as XML; the UI tests under Xvfb
load them for real.
"""

import glob
import os
import sys
import xml.etree.ElementTree as ET

DIRS = ['src/ui', 'ui', 'data', 'po', 'help', 'flatpak', 'tests/desktop']
XML_SUFFIXES = ('.ui', '.xml', '.xml.in', '.svg', '.page')
# Formats that cannot hold a comment carry their licence in a REUSE-style
# "<file>.license" companion.
NO_COMMENTS = ('.json', '.png')


def main():
    root = os.path.abspath(sys.argv[1])
    results = []
    for d in DIRS:
        for path in sorted(glob.glob(os.path.join(root, d, '**', '*'), recursive=True)):
            if not os.path.isfile(path):
                continue
            rel = os.path.relpath(path, root)
            if path.endswith(NO_COMMENTS):
                results.append((os.path.isfile(path + '.license'), f'{rel} has a .license file'))
                continue
            with open(path, encoding='utf-8', errors='replace') as f:
                head = ''.join(f.readline() for _ in range(5))
            results.append(('SPDX-License-Identifier:' in head, f'{rel} starts with an SPDX line'))
            if path.endswith(XML_SUFFIXES):
                try:
                    ET.parse(path)
                    results.append((True, f'{rel} is well-formed XML'))
                except ET.ParseError as e:
                    results.append((False, f'{rel} is well-formed XML # {e}'))

    print(f'1..{len(results)}')
    for i, (ok, description) in enumerate(results, 1):
        print(f'{"ok" if ok else "not ok"} {i} - {description}')
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
