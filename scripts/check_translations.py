"""Fails when the translation catalogues are not complete and consistent:

- a translatable string in the code or the templates that is not in the catalogues (the
  catalogues are extracted afresh from a copy of the sources and compared; `make messages`
  brings them up to date);
- an untranslated or fuzzy message, or a placeholder that the translation lost;
- an English word that means different things in different places ("Book" the verb and "book"
  the noun, "Contact" a person or their details) used as a message without a context, so that
  one translation would serve both;
- Ukrainian text with an apostrophe other than ’ (U+2019), the one the catalogues use."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "bibliohub" / "locale"
LANGUAGES = ("en", "vi", "zh_Hans", "uk", "pl")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]*\}|%[sd]")

# Words the interface uses in more than one sense. As a whole message (ignoring case and
# trailing punctuation) each must carry a context naming its sense.
AMBIGUOUS = frozenset(
    "book booked contact contacts block blocks return returned record order hold holds print "
    "register place change show note present free open closed opens closes fine fines minutes "
    "left class term indicator indicators".split()
)
UKRAINIAN_APOSTROPHE = re.compile(r"[а-яіїєґА-ЯІЇЄҐ]['ʼ`][а-яіїєґ]")


def _catalogue(language: str) -> polib.POFile | None:
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    return polib.pofile(str(path)) if path.exists() else None


def problems(language: str) -> list[str]:
    catalogue = _catalogue(language)
    if catalogue is None:
        return [f"bibliohub/locale/{language}/LC_MESSAGES/django.po: missing"]
    found = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        where = f"bibliohub/locale/{language}: {entry.msgid!r}"
        if entry.msgctxt:
            where += f" (context {entry.msgctxt!r})"
        if "fuzzy" in entry.flags:
            found.append(f"{where}: marked fuzzy")
        elif entry.msgid_plural:
            if not all(entry.msgstr_plural.values()):
                found.append(f"{where}: plural form untranslated")
        elif not entry.msgstr:
            found.append(f"{where}: untranslated")
        elif sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(entry.msgstr)):
            found.append(f"{where}: placeholders differ in {entry.msgstr!r}")
        if language == "uk" and UKRAINIAN_APOSTROPHE.search(
            " ".join([entry.msgstr, *entry.msgstr_plural.values()])
        ):
            found.append(f"{where}: write the apostrophe as ’")
        if language == "en" and entry.msgctxt is None and entry.msgid.strip(" .:?!").lower() in AMBIGUOUS:
            found.append(f"{where}: an ambiguous word needs a context (pgettext, `context`)")
    return found


def missing_from_catalogues() -> list[str]:
    """Messages of the sources that the English catalogue lacks, found by extracting them
    afresh into a copy."""
    catalogue = _catalogue("en")
    if catalogue is None:
        return []
    known = {(e.msgctxt, e.msgid) for e in catalogue if not e.obsolete}
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "bibliohub"
        shutil.copytree(
            ROOT / "bibliohub",
            copy,
            ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static", "data", "fixtures"),
        )
        shutil.rmtree(copy / "locale")
        (copy / "locale" / "en" / "LC_MESSAGES").mkdir(parents=True)
        subprocess.run(
            [sys.executable, "-m", "bibliohub", "makemessages", "-l", "en", "--no-location", "-v", "0"],
            cwd=copy,
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        fresh = polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
        return [
            f"bibliohub: {e.msgid!r}" + (f" (context {e.msgctxt!r})" if e.msgctxt else "")
            + ": not in the catalogues (run `make messages` and translate it)"
            for e in fresh
            if (e.msgctxt, e.msgid) not in known
        ]


def main() -> int:
    found = [p for language in LANGUAGES for p in problems(language)]
    found += missing_from_catalogues()
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"{len(found)} translation problems", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
