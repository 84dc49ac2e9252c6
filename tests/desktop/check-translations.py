#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that the translations are complete and the translated help is valid (TAP).

Usage: check-translations.py SOURCE_ROOT

For the app: extract the strings from po/POTFILES.in the way
i18n.gettext(preset: 'glib') does, merge them into each po/LINGUAS language
and fail on any untranslated or fuzzy message. For the help: extract the
strings from help/C/*.page with itstool, do the same for help/LINGUAS, then
build the translated pages and validate them with yelp-check.
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

GLIB_KEYWORDS = ['--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
                 '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3',
                 '--keyword=g_dpgettext2:2c,3']

results = []


def check(ok, description, detail=None):
    results.append((bool(ok), description, detail))


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def read_linguas(path):
    langs = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#'):
                langs += line.split()
    return langs


def statistics(po_path, pot_path, tmp, what):
    merged = os.path.join(tmp, os.path.basename(po_path) + '.merged')
    proc = run(['msgmerge', '--quiet', '--no-fuzzy-matching', '-o', merged, po_path, pot_path])
    if proc.returncode != 0:
        check(False, f'{what}: msgmerge', proc.stderr.strip())
        return
    proc = run(['msgfmt', '--statistics', '-o', os.devnull, merged])
    text = proc.stderr
    fuzzy = re.search(r'(\d+) fuzzy', text)
    untranslated = re.search(r'(\d+) untranslated', text)
    missing = (int(fuzzy.group(1)) if fuzzy else 0) + (int(untranslated.group(1)) if untranslated else 0)
    check(proc.returncode == 0 and missing == 0,
          f'{what} translates every message', ' '.join(text.split()))


def main():
    root = os.path.abspath(sys.argv[1])
    for tool in ('xgettext', 'msgmerge', 'msgfmt', 'itstool', 'yelp-check'):
        if shutil.which(tool) is None:
            print(f'1..0 # SKIP {tool} is not installed')
            return 77

    with tempfile.TemporaryDirectory(prefix='confab-po-') as tmp:
        pot = os.path.join(tmp, 'confab.pot')
        proc = run(['xgettext', '--from-code=UTF-8', '--add-comments',
                    '--files-from=' + os.path.join(root, 'po', 'POTFILES.in'),
                    '--directory=' + root, '-o', pot] + GLIB_KEYWORDS)
        check(proc.returncode == 0 and os.path.isfile(pot), 'xgettext extracts the app strings',
              proc.stderr.strip())
        if os.path.isfile(pot):
            for lang in read_linguas(os.path.join(root, 'po', 'LINGUAS')):
                statistics(os.path.join(root, 'po', lang + '.po'), pot, tmp, f'po/{lang}.po')

        pages = sorted(glob.glob(os.path.join(root, 'help', 'C', '*.page')))
        help_pot = os.path.join(tmp, 'help.pot')
        proc = run(['itstool', '-o', help_pot] + pages)
        check(proc.returncode == 0, 'itstool extracts the help strings', proc.stderr.strip())
        for lang in read_linguas(os.path.join(root, 'help', 'LINGUAS')):
            po = os.path.join(root, 'help', lang, lang + '.po')
            statistics(po, help_pot, tmp, f'help/{lang}/{lang}.po')

            mo = os.path.join(tmp, lang + '.mo')
            out = os.path.join(tmp, 'help-' + lang)
            os.mkdir(out)
            proc = run(['msgfmt', '-o', mo, po])
            if proc.returncode == 0:
                proc = run(['itstool', '-m', mo, '-o', out + os.sep] + pages)
            check(proc.returncode == 0, f'help pages build in {lang}', proc.stderr.strip())
            built = sorted(glob.glob(os.path.join(out, '*.page')))
            check(len(built) == len(pages), f'every help page is built in {lang}')
            if built:
                proc = run(['yelp-check', 'validate'] + built)
                check(proc.returncode == 0 and not proc.stdout.strip(),
                      f'{lang} help pages validate', ' '.join(proc.stdout.split())[:300])

    print(f'1..{len(results)}')
    for i, (ok, description, detail) in enumerate(results, 1):
        line = f'{"ok" if ok else "not ok"} {i} - {description}'
        if not ok and detail:
            line += f' # {detail}'
        print(line)
    return 0 if all(ok for ok, _, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
