"""People's names in the order of their culture, the one place that decides it.

A name is kept as its two parts (family name, given names) and shown three ways:

- `in_text`: as the person says it, in a sentence or a heading. Vietnamese, Chinese, Japanese,
  Korean and Hungarian names put the family name first ("Nguyễn Thị Lan", "Kovács Éva"), and
  names in Chinese, Japanese or Korean script are written without a space ("周子涵"); other
  names put the given names first ("Oksana Kovalenko", "Anna Kowalska").
- `in_list`: in a list sorted by family name. Where the family name already comes first the
  name reads as in a sentence (no comma: "周子涵", "Nguyễn Thị Lan"); otherwise the family
  name is brought to the front and set off by a comma ("Kowalska, Anna"), as catalogues and
  class lists write it.
- `to_greet`: in a greeting. The given names where they come last ("Dear Anna"); the whole
  name where the family name comes first, since the given names alone ("Thị Lan") are not how
  a Vietnamese or Chinese reader is addressed.

Which culture a name belongs to is read from its script (Han, kana, Hangul; the letters only
Vietnamese uses) and, for names written without those, from the person's language.
"""

from __future__ import annotations

import enum
import unicodedata

# Languages (ISO 639-1) whose names put the family name first.
FAMILY_FIRST_LANGUAGES = frozenset({"vi", "zh", "ja", "ko", "hu"})

# Letters that occur in Vietnamese and no other language written in Latin script: ơ, ư, đ and
# the letters with two diacritics or a dot below of the Latin Extended Additional block.
_VIETNAMESE = frozenset("ơưđƠƯĐ") | frozenset(chr(c) for c in range(0x1EA0, 0x1EFA))


class NameOrder(enum.Enum):
    GIVEN_FIRST = "given first"
    FAMILY_FIRST = "family first"
    # Chinese, Japanese and Korean names in their own script: family first, no space.
    FAMILY_FIRST_JOINED = "family first, joined"


def _is_cjk(char: str) -> bool:
    name = unicodedata.name(char, "")
    return name.startswith(("CJK ", "HIRAGANA", "KATAKANA", "HANGUL"))


def name_order(family_name: str, given_names: str, *, language: str = "") -> NameOrder:
    """The order `family_name` and `given_names` are written in, from their script and, when
    the script does not tell, from `language` (a language code such as "vi" or "zh-hans")."""
    letters = family_name + given_names
    if any(_is_cjk(c) for c in letters):
        return NameOrder.FAMILY_FIRST_JOINED
    if any(c in _VIETNAMESE for c in letters):
        return NameOrder.FAMILY_FIRST
    if language.split("-")[0].lower() in FAMILY_FIRST_LANGUAGES:
        return NameOrder.FAMILY_FIRST
    return NameOrder.GIVEN_FIRST


def _join(*parts: str, sep: str = " ") -> str:
    return sep.join(p for p in (part.strip() for part in parts) if p)


def in_text(family_name: str, given_names: str, *, language: str = "") -> str:
    """The name as it is said in a sentence or a heading."""
    order = name_order(family_name, given_names, language=language)
    if order is NameOrder.FAMILY_FIRST_JOINED:
        return _join(family_name, given_names, sep="")
    if order is NameOrder.FAMILY_FIRST:
        return _join(family_name, given_names)
    return _join(given_names, family_name)


def in_list(family_name: str, given_names: str, *, language: str = "") -> str:
    """The name in a list sorted by family name: the family name first, with a comma only
    where that is not already the name's own order."""
    if name_order(family_name, given_names, language=language) is not NameOrder.GIVEN_FIRST:
        return in_text(family_name, given_names, language=language)
    return _join(family_name, given_names, sep=", ")


def to_greet(family_name: str, given_names: str, *, language: str = "") -> str:
    """The name a letter or a page greets the person by."""
    if name_order(family_name, given_names, language=language) is not NameOrder.GIVEN_FIRST:
        return in_text(family_name, given_names, language=language)
    return given_names.strip() or family_name.strip()
