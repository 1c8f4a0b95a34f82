"""From what a reader typed to what the index is asked: a list of clauses that must all match.
Pure functions, no database; each backend compiles the clauses into its own syntax."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from stdnum import isbn as stdnum_isbn

from bibliohub.search.scripts import query_forms
from bibliohub.search.types import Field
from bibliohub.text import has_cjk, query_units


@dataclass(frozen=True)
class Clause:
    """Tokens that must appear next to each other, in order (one token: anywhere), in `field`
    (Field.ANY: any field).

    With `cross_script`, the clause also matches the other-script forms the index keeps of a
    record's text (a romanised title, pinyin), ranked below a match of the text as
    catalogued, and `forms` are the clause's own other-script forms (bibliohub.search.scripts),
    any of which may match instead of `tokens`, ranked the same way.

    With `truncated`, the last token is the beginning of a word ("tolst" for a reader who
    typed "tolst*"): right truncation, which every backend's index can answer."""

    field: Field
    tokens: tuple[str, ...]
    forms: tuple[tuple[str, ...], ...] = ()
    cross_script: bool = False
    truncated: bool = False

    @property
    def alternatives(self) -> tuple[tuple[str, ...], ...]:
        """The tokens, then each form."""
        return (self.tokens, *self.forms)


_PREFIXES = {f.value: f for f in (Field.TITLE, Field.AUTHOR, Field.SUBJECT, Field.ISBN)}
_PART = re.compile(
    r'(?:(?P<field>[^\W\d_]+):)?(?:"(?P<phrase>[^"]*)(?:"|$)|(?P<word>[^\s"]+))', re.IGNORECASE
)
_ISBN_SHAPE = re.compile(r"^(?:97[89])?[\d\- ]{9,}[\dXx]$")


def isbn_token(value: str) -> str | None:
    """The ISBN-13 digits of `value` if it is a valid ISBN-10 or ISBN-13 with or without
    hyphens, so that both forms find the same book."""
    try:
        return stdnum_isbn.to_isbn13(stdnum_isbn.validate(value)).lower()
    except Exception:  # stdnum raises several ValidationError subclasses
        return None


def index_isbn_tokens(values: list[str]) -> list[str]:
    """ISBN tokens stored for a record: the ISBN-13 form of each valid ISBN, else its compact
    form as catalogued."""
    result: list[str] = []
    for value in values:
        if len(value) == 13 and value.isascii() and value.isdigit():
            # The importer and the catalogue forms store ISBNs as 13 digits; for those both
            # branches below give the digits unchanged, and validating a million of them
            # again costs more than the rest of the indexing of an ISBN.
            token = value
        else:
            token = isbn_token(value) or stdnum_isbn.compact(value).lower()
        if token and token not in result:
            result.append(token)
    return result


def _isbn_clause(text: str) -> Clause | None:
    if token := isbn_token(text):
        return Clause(Field.ISBN, (token,))
    compact = stdnum_isbn.compact(text).lower()
    return Clause(Field.ISBN, (compact,)) if compact.isalnum() else None


def parse(text: str, *, field: Field = Field.ANY, cross_script: bool = False) -> list[Clause]:
    """Clauses of `text`: quoted phrases, field prefixes (title:, author:, subject:, isbn:),
    ISBNs with or without hyphens; `field` applies to words without a prefix. Unknown
    prefixes are read as words. A word or phrase ending in `*` is right-truncated (see
    Clause). With `cross_script`, words and phrases also match across scripts (see Clause);
    ISBNs and truncated words never do."""
    clauses: list[Clause] = []
    for m in _PART.finditer(text):
        prefix = (m.group("field") or "").lower()
        part_field = _PREFIXES.get(prefix, field)
        phrase, word = m.group("phrase"), m.group("word")
        if prefix and prefix not in _PREFIXES:
            # "foo:bar" was not a field: read the prefix as a word of its own.
            clauses.extend(_word_clauses(prefix, field, cross_script))
        if part_field == Field.ISBN:
            if clause := _isbn_clause(phrase if phrase is not None else word):
                clauses.append(clause)
            continue
        if word is not None and _ISBN_SHAPE.match(word) and (token := isbn_token(word)):
            clauses.append(Clause(Field.ISBN, (token,)))
            continue
        part = phrase if phrase is not None else word
        if part.endswith("*") and (truncated := _truncated(part.rstrip("*"), part_field, phrase is not None)):
            clauses.extend(truncated)
        elif phrase is not None:
            clauses.extend(_phrase_clauses(phrase, part_field, cross_script))
        else:
            clauses.extend(_word_clauses(word, part_field, cross_script))
    return clauses


def _truncated(text: str, field: Field, phrase: bool) -> list[Clause]:
    """The clauses of a word or phrase whose last word is truncated, or [] when its end is
    not a word that can be (a CJK run is indexed as bigrams, not words)."""
    clauses = _phrase_clauses(text, field, False) if phrase else _word_clauses(text, field, False)
    if not clauses or has_cjk(clauses[-1].tokens[-1]):
        return []
    return [*clauses[:-1], dataclasses.replace(clauses[-1], truncated=True)]


def _clause(field: Field, tokens: tuple[str, ...], source: str, cross_script: bool) -> Clause:
    if not cross_script:
        return Clause(field, tokens)
    return Clause(field, tokens, tuple(query_forms(source)), cross_script=True)


def _word_clauses(text: str, field: Field, cross_script: bool) -> list[Clause]:
    units = query_units(text)
    if len(units) == 1:
        return [_clause(field, units[0].tokens, text, cross_script)]
    # A word that mixes scripts ("abc红楼梦"): each part on its own.
    return [_clause(field, unit.tokens, _run(unit.tokens), cross_script) for unit in units]


def _run(tokens: tuple[str, ...]) -> str:
    """The text of a unit again: a CJK run from its bigrams, words joined by spaces."""
    if len(tokens) > 1 and all(len(t) == 2 for t in tokens) and has_cjk(tokens[0]):
        return tokens[0] + "".join(t[1] for t in tokens[1:])
    return " ".join(tokens)


def _phrase_clauses(text: str, field: Field, cross_script: bool) -> list[Clause]:
    """A quoted phrase: its words adjacent. A CJK run inside it is indexed as bigrams followed
    by single characters, so the run is its own clause and the words around it form phrases."""
    parts: list[tuple[str, ...]] = []
    words: list[str] = []
    for unit in query_units(text):
        if unit.is_phrase:
            if words:
                parts.append(tuple(words))
                words = []
            parts.append(unit.tokens)
        else:
            words.extend(unit.tokens)
    if words:
        parts.append(tuple(words))
    if len(parts) == 1:
        return [_clause(field, parts[0], text, cross_script)]
    return [_clause(field, part, _run(part), cross_script) for part in parts]
