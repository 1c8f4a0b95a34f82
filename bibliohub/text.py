"""The one text normaliser, used when a record is indexed and when a reader types a query (for
every search backend), and when staff look for a patron by name or class. The sides must
agree token for token, so nothing else in the project splits or folds text to compare it.

It is plain Python with no Django and no app of its own, below every app: the search index
(`bibliohub.search`) and the patrons' lookup keys (`bibliohub.patrons`, which search depends
on, so it cannot import search) both use it.

- Unicode NFKC (full-width letters, ligatures), then case folding for every script (ß → ss).
- Diacritics removed, including letters Unicode does not decompose (đ → d, ł → l, ø → o,
  æ → ae): Vietnamese, Polish and Nordic titles match what a reader types on any keyboard.
- Every apostrophe-like mark is one apostrophe, and tokens drop it: Солом’янська, Солом'янська,
  Соломʼянська and Соломянська are the same word.
- Han, Hiragana, Katakana and Hangul have no spaces between words, so a run of them is indexed
  as its overlapping bigrams followed by its single characters; a query run of two or more
  characters becomes the phrase of its bigrams and a single character stays alone, so
  "红楼" and "红" both find "红楼梦".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

APOSTROPHE = "'"

# Marks readers type for the Ukrainian apostrophe (and the English one), all made one.
_APOSTROPHES = "\u2019\u02bc`\u2032\u2018\u02b9\u00b4\u201b\uff07"

# Letters that carry a diacritic or ligature but have no Unicode decomposition.
_LETTERS = {
    "đ": "d", "ð": "d", "ɖ": "d", "ɗ": "d", "ł": "l", "ƚ": "l", "ø": "o", "ɵ": "o",
    "æ": "ae", "œ": "oe", "ß": "ss", "þ": "th", "ı": "i", "ɨ": "i", "ħ": "h", "ŧ": "t",
    "ƀ": "b", "ƈ": "c", "ȼ": "c", "ƒ": "f", "ǥ": "g", "ɠ": "g", "ƙ": "k", "ŋ": "n",
    "ɲ": "n", "ƥ": "p", "ʠ": "q", "ɍ": "r", "ƭ": "t", "ʈ": "t", "ʉ": "u", "ƴ": "y",
    "ƶ": "z", "ȥ": "z", "ĸ": "k", "ŀ": "l", "ĳ": "ij",
}


# Combining marks removed: the diacritics of Latin, Greek and Cyrillic letters, Hebrew points
# and Arabic vowel signs. Marks that are part of other scripts' letters (Devanagari vowel
# signs, the kana voicing marks of が) stay, or those words would change meaning.
_DIACRITICS = (
    (0x0300, 0x036F), (0x0483, 0x0489), (0x0591, 0x05C7), (0x064B, 0x065F), (0x0670, 0x0670),
    (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F),
)


def _fold_table() -> dict[int, str | None]:
    """One str.translate table: drop diacritics (after NFD), map the letters above and unify
    apostrophes."""
    table: dict[int, str | None] = {
        cp: None
        for low, high in _DIACRITICS
        for cp in range(low, high + 1)
        if unicodedata.category(chr(cp)).startswith("M")
    }
    table.update({ord(k): v for k, v in _LETTERS.items()})
    table.update({ord(k): APOSTROPHE for k in _APOSTROPHES})
    return table


# Planes that can hold combining marks: the Basic and Supplementary Multilingual Planes and
# the Supplementary Special-purpose Plane (variation selectors). The others are ideographs,
# private use or unassigned; skipping them makes importing this module (every process that
# searches or indexes) about five times faster.
_MARK_PLANES = (0x00000, 0x10000, 0xE0000)


def _mark_ranges() -> str:
    """Every combining mark as a regex class body, so that a word keeps its marks."""
    ranges: list[str] = []
    start = prev = None
    for cp in (cp for plane in _MARK_PLANES for cp in range(plane, plane + 0x10000)):
        if unicodedata.category(chr(cp)).startswith("M"):
            if prev is not None and cp == prev + 1:
                prev = cp
                continue
            if start is not None and prev is not None:  # set together
                ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
            start = prev = cp
    assert start is not None and prev is not None  # the Basic Plane has combining marks
    ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
    return "".join(ranges)


_FOLD = _fold_table()

# Han (with extensions and compatibility ideographs), Hiragana, Katakana, Hangul.
_CJK = (
    "\u1100-\u11ff\u3040-\u309f\u30a0-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uf900-\ufaff"
    "\U00020000-\U0002ffff\U00030000-\U0003134f"
)
_CJK_RUN = re.compile(f"[{_CJK}]+")
_HAS_CJK = re.compile(f"[{_CJK}]")
# A word: letters, digits and the marks that belong to them (no underscore). Apostrophes are
# removed before this runs.
_WORD = re.compile(rf"(?:[^\W_]|[{_mark_ranges()}])+")
_ASCII_WORD = re.compile(r"[^\W_]+", re.ASCII)


def _words(folded: str) -> list[str]:
    return (_ASCII_WORD if folded.isascii() else _WORD).findall(folded)


def words(text: str) -> list[str]:
    """The folded words of `text`, in order, apostrophes dropped and CJK runs kept whole (a
    name such as 周子涵 is one word): for matching short texts like names, where `tokens`
    would cut a Chinese name into bigrams."""
    return _words(normalize(text).replace(APOSTROPHE, ""))


def has_cjk(text: str) -> bool:
    """Whether `text` has Han, kana or Hangul in it: scripts written without spaces."""
    return _HAS_CJK.search(text) is not None


def normalize(text: str) -> str:
    """The folded form of `text`: NFKC, case folded, without diacritics, one apostrophe.
    Spacing and punctuation are kept; `tokens` splits the result."""
    if text.isascii():
        return text.lower().replace("`", APOSTROPHE)
    text = unicodedata.normalize("NFKC", text).casefold()
    text = unicodedata.normalize("NFD", text).translate(_FOLD)
    return unicodedata.normalize("NFC", text)


def _cjk_index_tokens(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    # Bigrams first, in order, so that a query's bigram phrase finds them adjacent.
    return [run[i : i + 2] for i in range(len(run) - 1)] + list(run)


def tokens(text: str) -> list[str]:
    """Index-time tokens of `text`, in order (positions matter for phrases)."""
    folded = normalize(text).replace(APOSTROPHE, "")
    words = _words(folded)
    if not _HAS_CJK.search(folded):
        return words
    result: list[str] = []
    for word in words:
        for part in _split_cjk(word):
            if _HAS_CJK.match(part):
                result.extend(_cjk_index_tokens(part))
            else:
                result.append(part)
    return result


def _split_cjk(word: str) -> list[str]:
    """`word` cut where it passes from CJK to other letters or digits and back."""
    parts: list[str] = []
    pos = 0
    for m in _CJK_RUN.finditer(word):
        if m.start() > pos:
            parts.append(word[pos : m.start()])
        parts.append(m.group())
        pos = m.end()
    if pos < len(word):
        parts.append(word[pos:])
    return parts


@dataclass(frozen=True)
class QueryUnit:
    """What one query word asks of the index: a single token, or (for a CJK run of two or
    more characters) a phrase of bigrams that must be adjacent."""

    tokens: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.tokens) > 1


def query_units(text: str) -> list[QueryUnit]:
    """Query-time units of `text`: each word one token, each CJK run its bigram phrase (or
    the character alone)."""
    folded = normalize(text).replace(APOSTROPHE, "")
    units: list[QueryUnit] = []
    for word in _words(folded):
        for part in _split_cjk(word) if _HAS_CJK.search(word) else [word]:
            if len(part) > 1 and _HAS_CJK.match(part):
                units.append(QueryUnit(tuple(part[i : i + 2] for i in range(len(part) - 1))))
            else:
                units.append(QueryUnit((part,)))
    return units


def sort_key(text: str, *, length: int = 100) -> str:
    """A short folded form of a title for sorting: "Łódź" sorts with "Lodz", not after "Z"."""
    return " ".join(_words(normalize(text).replace(APOSTROPHE, "")))[:length]
