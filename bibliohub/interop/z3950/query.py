"""Z39.50 Type-1 (RPN) queries, as the YAZ front end hands them on in prefix notation (PQF),
mapped onto the indexes SRU searches: a Bib-1 use attribute becomes the CQL index it means,
so one query tree runs through `sru.search.run_tree` and the OPAC's search service.

Truncation (type 5): right (1) and none (100); left truncation (2), both (3) and masking
(101, 104) the index cannot answer.

Whatever we cannot honour is refused with its Bib-1 diagnostic (the numbers of
https://www.loc.gov/z3950/agency/defns/bib1diag.html), never answered approximately: a
client asking for a truncation we do not do would otherwise get a different set of records
than it asked for and not know it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bibliohub.interop.sru import cql

BIB1 = "1.2.840.10003.3.1"

# Bib-1 use attribute (type 1) -> the CQL index of the same search.
USE_INDEXES: dict[int, str] = {
    4: "dc.title",
    1003: "dc.creator",
    1004: "dc.creator",  # author, personal name
    21: "dc.subject",
    7: "bath.isbn",
    8: "bath.issn",
    12: "rec.id",  # local number
    1016: "cql.serverchoice",  # any
    1035: "cql.serverchoice",  # anywhere
}
# Values of the other attribute types that do not change what we search.
ACCEPTED = {
    2: {3},  # relation: equal
    3: {1, 2, 3},  # position: first in field, first in subfield, any
    4: {1, 2, 3, 6, 101},  # structure: phrase, word, key, word list, normalised name
    5: {1, 100},  # truncation: right, none
    6: {1, 2, 3},  # completeness
}
# The Bib-1 diagnostic for an unsupported value of each attribute type.
UNSUPPORTED = {1: 114, 2: 117, 3: 119, 4: 118, 5: 120, 6: 122}


class QueryError(Exception):
    """A Bib-1 diagnostic: its number and the additional information the client shows."""

    def __init__(self, code: int, info: str = "") -> None:
        super().__init__(f"{code}: {info}")
        self.code = code
        self.info = info


@dataclass(frozen=True)
class Term:
    attributes: tuple[tuple[str, int, int], ...]  # (attribute set, type, value)
    text: str


@dataclass(frozen=True)
class Operator:
    name: str  # and, or, not
    left: Term | Operator
    right: Term | Operator


_TOKEN = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|(\S+))')


def _tokens(text: str) -> list[tuple[str, bool]]:
    """(token, quoted) pairs of a PQF string."""
    found: list[tuple[str, bool]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            break
        position = match.end()
        if match.group(1) is not None:
            found.append((re.sub(r"\\(.)", r"\1", match.group(1)), True))
        elif match.group(2) is not None:
            found.append((match.group(2), False))
    return found


def parse_pqf(text: str) -> Term | Operator:
    """The tree of a PQF query. Raises QueryError (108, malformed query, or the diagnostic of
    an operator or attribute set we do not support)."""
    tokens = _tokens(text)
    at = 0
    default_set = BIB1

    def attribute_set(name: str) -> str:
        if name.lower() in ("bib-1", "bib1", BIB1):
            return BIB1
        raise QueryError(121, name)

    if len(tokens) > 1 and tokens[0] == ("@attrset", False):
        default_set = attribute_set(tokens[1][0])
        at = 2

    def node() -> Term | Operator:
        nonlocal at
        attributes: list[tuple[str, int, int]] = []
        while at < len(tokens):
            token, quoted = tokens[at]
            at += 1
            if quoted or not token.startswith("@"):
                return Term(tuple(attributes), token)
            if token == "@attr":
                if at >= len(tokens):
                    raise QueryError(108, "@attr")
                value, _ = tokens[at]
                at += 1
                set_name = default_set
                if "=" not in value and at < len(tokens):
                    set_name = attribute_set(value)
                    value, _ = tokens[at]
                    at += 1
                kind, _, number = value.partition("=")
                if not kind.isdigit() or not number.lstrip("-").isdigit():
                    # A string attribute value (e.g. 1=title) is not Bib-1.
                    raise QueryError(113 if not kind.isdigit() else UNSUPPORTED.get(int(kind), 113), value)
                attributes.append((set_name, int(kind), int(number)))
                continue
            if attributes:
                raise QueryError(108, token)
            if token in ("@and", "@or", "@not"):
                left = node()
                right = node()
                return Operator(token[1:], left, right)
            if token == "@prox":
                raise QueryError(110, "prox")
            if token == "@set":
                raise QueryError(18, tokens[at][0] if at < len(tokens) else "")
            if token == "@term":
                # @term <type> <text>: general, numeric, string... all are text to us.
                at += 1
                continue
            raise QueryError(108, token)
        raise QueryError(108, "incomplete query")

    tree = node()
    if at != len(tokens):
        raise QueryError(108, " ".join(t for t, _ in tokens[at:]))
    return tree


def _escaped(text: str) -> str:
    """A term for a CQL clause, with CQL's special characters taken literally."""
    return re.sub(r'([\\"*?^])', r"\\\1", text)


def to_cql(tree: Term | Operator) -> cql.Node:
    """The CQL query tree that searches what `tree` asks for. Raises QueryError for an
    attribute we do not support."""
    if isinstance(tree, Operator):
        return cql.Boolean(tree.name, to_cql(tree.left), to_cql(tree.right))
    use: int | None = None
    structure: int | None = None
    truncation: int | None = None
    for set_name, kind, value in tree.attributes:
        if set_name != BIB1:
            raise QueryError(121, set_name)
        if kind == 1:
            if value not in USE_INDEXES:
                raise QueryError(114, str(value))
            use = value
        elif kind in ACCEPTED:
            if value not in ACCEPTED[kind]:
                raise QueryError(UNSUPPORTED[kind], str(value))
            if kind == 4:
                structure = value
            elif kind == 5:
                truncation = value
        else:
            raise QueryError(113, str(kind))
    index = USE_INDEXES[use if use is not None else 1016]
    text = tree.text.strip()
    if not text:
        raise QueryError(108, "empty term")
    if index == "rec.id" and not text.isdigit():
        raise QueryError(108, text)
    # A phrase only when the client says so: without a structure attribute, clients send a
    # title as typed ("war and peace"), which should find "War and peace : a novel".
    relation = "=" if structure == 1 else "all"
    # Right truncation is CQL's trailing `*` on the last word, which the search service
    # answers (or refuses, as for an ISBN: diagnostic 120).
    term = _escaped(text) + ("*" if truncation == 1 else "")
    return cql.SearchClause(index=index, relation=relation, term=term)
