#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check flatpak/im.confab.Confab.json against the project (TAP output).

Usage: check-flatpak-manifest.py MANIFEST SOURCE_ROOT APP_ID

The manifest must be plain JSON, build only modules we can justify, use the
app id that the desktop entry, metainfo, icons and D-Bus service use, pass only
-D options that meson_options.txt declares, and ask for no more sandbox
permissions than the app needs.
"""

import json
import os
import re
import sys
import xml.etree.ElementTree as ET

# Every finish-arg we accept, and why. Anything else fails the test: add it
# here with its reason, or drop it from the manifest.
ALLOWED_FINISH_ARGS = {
    '--share=network': 'XMPP, DNS SRV lookups and HTTP upload',
    '--share=ipc': 'needed by X11 (shared memory) under fallback-x11',
    '--socket=wayland': 'display',
    '--socket=fallback-x11': 'display where Wayland is absent',
    '--device=dri': 'GPU rendering for GTK 4',
}

# Permissions that must never appear: secrets, notifications and background
# go through portals; Confab needs no files outside its sandbox.
FORBIDDEN_PREFIXES = (
    '--filesystem=home', '--filesystem=host', '--filesystem=~',
    '--socket=x11', '--socket=session-bus', '--socket=system-bus',
    '--device=all', '--talk-name=org.freedesktop.secrets',
    '--talk-name=org.freedesktop.Notifications',
)

# Modules other than "confab" that the manifest may build, with the reason.
# libsoup 3, libsecret, SQLite and libxml2 are all in the GNOME runtime.
EXTRA_MODULES = {}

results = []


def check(ok, description, detail=None):
    results.append((bool(ok), description, detail))


def meson_options(source_root):
    path = os.path.join(source_root, 'meson_options.txt')
    with open(path, encoding='utf-8') as f:
        text = f.read()
    options = {}
    for m in re.finditer(r"option\s*\(\s*'([^']+)'\s*,\s*type\s*:\s*'([^']+)'", text):
        options[m.group(1)] = m.group(2)
    return options


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    manifest_path, source_root, app_id = sys.argv[1:]
    manifest_dir = os.path.dirname(os.path.abspath(manifest_path))
    source_root = os.path.abspath(source_root)

    try:
        with open(manifest_path, encoding='utf-8') as f:
            manifest = json.load(f)
        check(True, 'manifest is valid JSON')
    except (OSError, ValueError) as e:
        print('1..1')
        print(f'not ok 1 - manifest is valid JSON # {e}')
        return 1

    manifest_id = manifest.get('id', manifest.get('app-id'))
    check(manifest_id == app_id, f'app id is {app_id}', f'found {manifest_id!r}')
    check(os.path.basename(manifest_path) == app_id + '.json',
          'manifest file is named after the app id')
    check(manifest.get('runtime') == 'org.gnome.Platform', 'runtime is org.gnome.Platform')
    check(manifest.get('sdk') == 'org.gnome.Sdk', 'sdk is org.gnome.Sdk')
    version = manifest.get('runtime-version')
    check(isinstance(version, str) and re.fullmatch(r'[0-9]+', version or '') is not None
          and int(version) >= 47,
          'runtime-version is a current GNOME release (a string, 47 or later)', f'found {version!r}')
    check(manifest.get('command') == 'confab', 'command is confab')

    # Files that must carry the app id in their names.
    data = os.path.join(source_root, 'data')
    named = [
        os.path.join(data, app_id + '.desktop.in'),
        os.path.join(data, app_id + '.metainfo.xml.in'),
        os.path.join(data, app_id + '.gschema.xml'),
        os.path.join(data, app_id + '.service.in'),
        os.path.join(data, 'icons', 'hicolor', 'scalable', 'apps', app_id + '.svg'),
        os.path.join(data, 'icons', 'hicolor', 'symbolic', 'apps', app_id + '-symbolic.svg'),
    ]
    for path in named:
        check(os.path.isfile(path), f'{os.path.relpath(path, source_root)} exists')

    try:
        with open(named[0], encoding='utf-8') as f:
            desktop = f.read()
        icon = re.search(r'^Icon=(.*)$', desktop, re.M)
        check(icon and icon.group(1).strip() == app_id, 'desktop entry Icon= is the app id')
        check(re.search(r'^DBusActivatable=true$', desktop, re.M), 'desktop entry is D-Bus activatable')
    except OSError as e:
        check(False, 'desktop entry is readable', str(e))

    try:
        root = ET.parse(named[1]).getroot()
        check(root.findtext('id') == app_id, 'metainfo <id> is the app id', f'found {root.findtext("id")!r}')
        launchable = root.find("launchable[@type='desktop-id']")
        check(launchable is not None and launchable.text == app_id + '.desktop',
              'metainfo launchable is the desktop entry')
    except (OSError, ET.ParseError) as e:
        check(False, 'metainfo is readable', str(e))

    try:
        with open(named[3], encoding='utf-8') as f:
            service = f.read()
        check(re.search(r'^Name=(@app_id@|' + re.escape(app_id) + r')$', service, re.M),
              'D-Bus service name is the app id')
    except OSError as e:
        check(False, 'D-Bus service file is readable', str(e))

    # Sandbox permissions.
    finish_args = manifest.get('finish-args', [])
    for arg in finish_args:
        forbidden = arg.startswith(FORBIDDEN_PREFIXES)
        check(not forbidden and arg in ALLOWED_FINISH_ARGS,
              f'finish-arg {arg} is allowed and justified',
              'forbidden' if forbidden else 'not in ALLOWED_FINISH_ARGS')
    for arg in ('--share=network', '--socket=wayland', '--socket=fallback-x11'):
        check(arg in finish_args, f'finish-args include {arg}')

    # Modules.
    options = meson_options(source_root)
    modules = manifest.get('modules', [])
    check(isinstance(modules, list) and modules, 'manifest has modules')
    main_modules = 0
    for module in modules:
        if isinstance(module, str):
            path = os.path.join(manifest_dir, module)
            check(os.path.isfile(path), f'module file {module} exists')
            try:
                with open(path, encoding='utf-8') as f:
                    module = json.load(f)
            except (OSError, ValueError) as e:
                check(False, f'module file {path} is valid JSON', str(e))
                continue
        name = module.get('name')
        if name != 'confab':
            check(name in EXTRA_MODULES, f'extra module {name} is justified in EXTRA_MODULES')
            continue

        main_modules += 1
        check(module is modules[-1] or module == modules[-1], 'confab is the last module')
        check(module.get('buildsystem') == 'meson', 'confab builds with meson')
        sources = module.get('sources', [])
        dirs = [s for s in sources if isinstance(s, dict) and s.get('type') == 'dir']
        check(len(dirs) == 1 and len(sources) == 1, 'confab has exactly one source, a "dir"')
        for s in dirs:
            root = os.path.normpath(os.path.join(manifest_dir, s.get('path', '')))
            check(os.path.samefile(root, source_root),
                  'the "dir" source is this repository', f'{root} != {source_root}')
            try:
                with open(os.path.join(root, 'meson.build'), encoding='utf-8') as f:
                    check(re.search(r"project\s*\(\s*'confab'", f.read()),
                          'the "dir" source holds the confab meson project')
            except OSError as e:
                check(False, 'the "dir" source has a meson.build', str(e))

        for opt in module.get('config-opts', []):
            m = re.fullmatch(r'-D([A-Za-z0-9_.-]+)=(.*)', opt)
            check(m is not None, f'config-opt {opt} has the form -D<name>=<value>')
            if not m:
                continue
            opt_name, value = m.groups()
            check(opt_name in options, f'config-opt -D{opt_name} is declared in meson_options.txt')
            if options.get(opt_name) == 'boolean':
                check(value in ('true', 'false'), f'config-opt -D{opt_name} is a boolean')
    check(main_modules == 1, 'exactly one module is named confab', f'found {main_modules}')

    print(f'1..{len(results)}')
    for i, (ok, description, detail) in enumerate(results, 1):
        line = f'{"ok" if ok else "not ok"} {i} - {description}'
        if not ok and detail:
            line += f' # {detail}'
        print(line)
    return 0 if all(ok for ok, _, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
