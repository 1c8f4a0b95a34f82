"""From what a reader typed to what the index is asked: a list of clauses that must all match.
Pure functions, no database; each backend compiles the clauses into its own syntax."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import isbn as stdnum_isbn

from bibliohub.search.types import Field
from bibliohub.text import query_units


@dataclass(frozen=True)
class Clause:
    """Tokens that must appear next to each other, in order (one token: anywhere), in `field`
    (Field.ANY: any field)."""

    field: Field
    tokens: tuple[str, ...]


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


def parse(text: str, *, field: Field = Field.ANY) -> list[Clause]:
    """Clauses of `text`: quoted phrases, field prefixes (title:, author:, subject:, isbn:),
    ISBNs with or without hyphens; `field` applies to words without a prefix. Unknown
    prefixes are read as words."""
    clauses: list[Clause] = []
    for m in _PART.finditer(text):
        prefix = (m.group("field") or "").lower()
        part_field = _PREFIXES.get(prefix, field)
        phrase, word = m.group("phrase"), m.group("word")
        if prefix and prefix not in _PREFIXES:
            # "foo:bar" was not a field: read the prefix as a word of its own.
            clauses.extend(_word_clauses(prefix, field))
        if part_field == Field.ISBN:
            if clause := _isbn_clause(phrase if phrase is not None else word):
                clauses.append(clause)
            continue
        if word is not None and _ISBN_SHAPE.match(word) and (token := isbn_token(word)):
            clauses.append(Clause(Field.ISBN, (token,)))
            continue
        if phrase is not None:
            clauses.extend(_phrase_clauses(phrase, part_field))
        else:
            clauses.extend(_word_clauses(word, part_field))
    return clauses


def _word_clauses(text: str, field: Field) -> list[Clause]:
    return [Clause(field, unit.tokens) for unit in query_units(text)]


def _phrase_clauses(text: str, field: Field) -> list[Clause]:
    """A quoted phrase: its words adjacent. A CJK run inside it is indexed as bigrams followed
    by single characters, so the run is its own clause and the words around it form phrases."""
    clauses: list[Clause] = []
    words: list[str] = []
    for unit in query_units(text):
        if unit.is_phrase:
            if words:
                clauses.append(Clause(field, tuple(words)))
                words = []
            clauses.append(Clause(field, unit.tokens))
        else:
            words.extend(unit.tokens)
    if words:
        clauses.append(Clause(field, tuple(words)))
    return clauses
