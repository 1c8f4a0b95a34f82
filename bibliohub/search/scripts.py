"""Other-script forms of a text, so that a reader finds a title whatever script it was typed in
(docs/search.md, "Across scripts"): Ukrainian and Russian Cyrillic in Latin letters (the
official Ukrainian transliteration and the Library of Congress romanisation, by translitua),
Chinese characters in Simplified form (OpenCC) and in pinyin without tones (pypinyin).

Pure functions, no database. Both sides use them: the index keeps a record's forms in columns
of their own, ranked below the text as catalogued, and a query in Cyrillic or Han characters
also asks for its own forms. A query in Latin letters needs nothing more: it meets the forms
the index keeps. Every form goes through the one normaliser (bibliohub.text) like any other
text, so "Voĭna", "Voina" and "voina" are one token."""

from __future__ import annotations

import re
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin
from translitua import RussianALALC, TransliterationTable, UkrainianALALC, UkrainianKMU, translit

from bibliohub.text import query_units, tokens

_CYRILLIC = re.compile("[\u0400-\u04ff]")
# Letters only Ukrainian writes, and letters only Russian writes: a text with either is read
# with that language's tables alone (Russian tables leave і and ї as Cyrillic, and Ukrainian
# ones give и as y where the Library of Congress writes Russian и as i).
_UKRAINIAN = re.compile("[іїєґІЇЄҐ]")
_RUSSIAN = re.compile("[ыэъёЫЭЪЁ]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
# Pinyin syllables are also indexed run together, for every stretch of two to this many
# characters (a word of Chinese is rarely longer), and for a whole run up to LONG_RUN: so
# "hongloumeng" finds 红楼梦 and "hong lou meng" does too.
_JOINED_MAX = 4
_LONG_RUN = 8


def has_other_script(text: str) -> bool:
    """Whether `text` has letters this module gives other forms of (Cyrillic or Han)."""
    return _CYRILLIC.search(text) is not None or _HAN.search(text) is not None


@lru_cache(maxsize=1)
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """`text` with Traditional Chinese characters in their Simplified form."""
    return _to_simplified().convert(text)


def _romanisations(text: str) -> list[str]:
    """The Latin forms of a text in Cyrillic: Ukraine's official transliteration and the
    Library of Congress romanisation of Ukrainian, or of Russian, or all three when the
    letters do not tell the two languages apart."""
    ukrainian, russian = _UKRAINIAN.search(text), _RUSSIAN.search(text)
    tables: list[type[TransliterationTable]] = []
    if ukrainian or not russian:
        tables += [UkrainianKMU, UkrainianALALC]
    if russian or not ukrainian:
        tables.append(RussianALALC)
    return [translit(text, table) for table in tables]


@lru_cache(maxsize=20_000)
def _pinyin(run: str) -> tuple[str, ...]:
    """The toneless syllables of a run of Han characters. Remembered: pypinyin's choice of a
    reading by the words around a character costs about 50 µs a run, and names, subjects and
    the words of titles recur across a catalogue."""
    # v_to_u: ü rather than v, which the normaliser folds to u as readers type it.
    return tuple(s for s in lazy_pinyin(run, style=Style.NORMAL, v_to_u=True) if s.strip())


def _pinyin_tokens(text: str, *, joined: bool) -> list[str]:
    """Toneless pinyin of every Han run of `text`: the syllables one by one, in order (a
    phrase of them matches "hong lou meng"), then, if `joined`, each stretch of two to
    _JOINED_MAX syllables run together and the whole run when it is short."""
    runs = [_pinyin(run) for run in _HAN_RUN.findall(text)]
    separate = [tokens(s) for syllables in runs for s in syllables]
    result = [t for parts in separate for t in parts]
    for syllables in runs if joined else ():
        folded = ["".join(tokens(s)) for s in syllables]
        for size in range(2, _JOINED_MAX + 1):
            result += ["".join(folded[i : i + size]) for i in range(len(folded) - size + 1)]
        if _JOINED_MAX < len(folded) <= _LONG_RUN:
            result.append("".join(folded))
    return result


def index_forms(text: str, *, joined: bool = True) -> list[str]:
    """Tokens of the other-script forms of `text`, for the index's cross-script columns: each
    romanisation of its Cyrillic, the Simplified form of its Traditional characters and the
    pinyin of its Han characters (with `joined`, also run together: for titles, names and
    subjects, not for long texts such as summaries). Empty for text in other scripts (Latin
    needs none)."""
    if not text or not has_other_script(text):
        return []
    own = tokens(text)
    result: list[str] = []
    seen: list[list[str]] = [own]
    if _CYRILLIC.search(text):
        for form in _romanisations(text):
            form_tokens = tokens(form)
            if form_tokens not in seen:
                seen.append(form_tokens)
                result += form_tokens
    if _HAN.search(text):
        simple = simplified(text)
        if simple != text:
            result += tokens(simple)
        result += _pinyin_tokens(simple, joined=joined)
    return result


@lru_cache(maxsize=50_000)
def repeated_index_forms(text: str) -> tuple[str, ...]:
    """index_forms for names, subjects and publishers, which recur across many records."""
    return tuple(index_forms(text))


def query_forms(text: str) -> list[tuple[str, ...]]:
    """What a query word or phrase in Cyrillic or Han characters may also match, each form a
    phrase of tokens: its romanisations; its Simplified form; its pinyin syllables and, for a
    run of Han characters, the syllables run together. Nothing for other text, and never the
    text's own tokens."""
    if not text or not has_other_script(text):
        return []
    own = tuple(t for unit in query_units(text) for t in unit.tokens)
    forms: list[tuple[str, ...]] = []

    def add(form: tuple[str, ...]) -> None:
        if form and form != own and form not in forms:
            forms.append(form)

    if _CYRILLIC.search(text):
        for form in _romanisations(text):
            add(tuple(tokens(form)))
    if _HAN.search(text):
        simple = simplified(text)
        if simple != text:
            add(tuple(t for unit in query_units(simple) for t in unit.tokens))
        # Not for one character alone: its syllable would find every character that sounds
        # the same, which is noise rather than the word the reader typed.
        runs = [run for run in _HAN_RUN.findall(simple) if len(run) > 1]
        syllables = tuple(t for run in runs for s in _pinyin(run) for t in tokens(s))
        add(syllables)
        if len(runs) == 1 and 1 < len(syllables) <= _LONG_RUN and _HAN_RUN.fullmatch(simple.strip()):
            # One run of characters alone: also its syllables run together, as indexed.
            add(("".join(syllables),))
    return forms
