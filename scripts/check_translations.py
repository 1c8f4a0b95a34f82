"""Fails when a translation catalogue is incomplete: an untranslated or fuzzy message, or a
placeholder that the translation lost."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "bibliohub" / "locale"
LANGUAGES = ("en", "vi", "zh_Hans", "uk", "pl")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]*\}|%[sd]")


def problems(language: str) -> list[str]:
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    if not path.exists():
        return [f"{path}: missing"]
    found = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        where = f"{path.relative_to(LOCALE.parent.parent)}: {entry.msgid!r}"
        if "fuzzy" in entry.flags:
            found.append(f"{where}: marked fuzzy")
        elif entry.msgid_plural:
            if not all(entry.msgstr_plural.values()):
                found.append(f"{where}: plural form untranslated")
        elif not entry.msgstr:
            found.append(f"{where}: untranslated")
        elif sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(entry.msgstr)):
            found.append(f"{where}: placeholders differ in {entry.msgstr!r}")
    return found


def main() -> int:
    found = [p for language in LANGUAGES for p in problems(language)]
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"{len(found)} translation problems", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
