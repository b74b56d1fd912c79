"""Compile every locale/*/LC_MESSAGES/*.po into its .mo with polib, so a fresh machine
needs no GNU gettext. Only catalogues whose .po is newer than their .mo are rebuilt."""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    compiled = 0
    for po_path in sorted(ROOT.glob("locale/*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        catalogue = polib.pofile(str(po_path))
        catalogue.save_as_mofile(str(mo_path))
        compiled += 1
    if compiled:
        print(f"Compiled {compiled} translation catalogue(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
