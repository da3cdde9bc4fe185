"""Compile every zh_Hans catalogue (*.po → *.mo) with polib, so set-up needs no GNU gettext.

Fuzzy and empty entries are left out, as msgfmt does.
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "node_modules", "var", ".git"}


def catalogues():
    for path in sorted(ROOT.rglob("locale/*/LC_MESSAGES/*.po")):
        if not SKIP.intersection(path.relative_to(ROOT).parts):
            yield path


def compile_all() -> int:
    count = 0
    for path in catalogues():
        po = polib.pofile(str(path))
        for entry in list(po):
            if entry.fuzzy or entry.obsolete:
                po.remove(entry)
        po.save_as_mofile(str(path.with_suffix(".mo")))
        count += 1
    return count


if __name__ == "__main__":
    compiled = compile_all()
    print(f"compiled {compiled} catalogues")
    sys.exit(0)
