"""Fill a catalogue's empty msgstr entries from a Python dict file: translate_po.py DICT.py PO [PO …].

A developer's helper for bulk translation; entries the dict does not know are listed so nothing is left blank.
"""

import runpy
import sys

import polib


def main(dict_path: str, *po_paths: str) -> int:
    table = runpy.run_path(dict_path)["T"]
    missing = 0
    for path in po_paths:
        po = polib.pofile(path)
        for entry in po:
            if entry.obsolete:
                continue
            if entry.msgid in table and (not entry.msgstr or entry.fuzzy):
                entry.msgstr = table[entry.msgid]
                if entry.fuzzy:
                    entry.flags.remove("fuzzy")
            if not entry.msgstr and not entry.msgid_plural:
                print(f"{path}: untranslated {entry.msgid!r}")
                missing += 1
        po.save(path)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
