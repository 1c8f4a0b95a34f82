"""CQL over the OPAC's search: a query tree becomes one ranked search when it is a plain
conjunction of words (what almost every client sends), and sets of record ids combined with
and / or / not otherwise. Whatever the search cannot do is refused as an SRU diagnostic."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import F
from django.db.models.fields.json import KT
from django.db.models.functions import Lower

from bibliohub.catalog.models import Identifier, Record
from bibliohub.interop.sru import cql
from bibliohub.search.models import Document
from bibliohub.search.service import matching_ids, search
from bibliohub.search.types import Field, SearchQuery, Sort
from bibliohub.text import has_cjk

# index (lower case, without or with its context set) -> what it searches
TEXT_INDEXES: dict[str, Field] = {
    "cql.serverchoice": Field.ANY,
    "serverchoice": Field.ANY,
    "cql.anywhere": Field.ANY,
    "dc.title": Field.TITLE,
    "title": Field.TITLE,
    "dc.creator": Field.AUTHOR,
    "creator": Field.AUTHOR,
    "dc.author": Field.AUTHOR,
    "dc.subject": Field.SUBJECT,
    "subject": Field.SUBJECT,
    "bath.isbn": Field.ISBN,
    "isbn": Field.ISBN,
}
ISSN_INDEXES = frozenset({"bath.issn", "issn"})
ID_INDEXES = frozenset({"rec.id"})
CONTEXT_SETS = frozenset({"cql", "dc", "bath", "rec"})
RELATIONS = frozenset({"=", "==", "adj", "all", "any", "exact"})
# The fewest letters a right-truncated word keeps ("wa*"): one letter would match a good
# part of the index.
MIN_TRUNCATED = 2
_FIELD_PREFIX = {
    Field.TITLE: "title:",
    Field.AUTHOR: "author:",
    Field.SUBJECT: "subject:",
    Field.ISBN: "isbn:",
}


class ByAuthor(StrEnum):
    """Orders of the protocols that the OPAC's search does not offer: by the first author's
    heading, compared without case, records without an author last."""

    ASCENDING = "author_asc"
    DESCENDING = "author_desc"


Order = Sort | ByAuthor
# sort index (lower case) -> its order ascending, descending (None: that way is not offered)
SORT_INDEXES: dict[str, tuple[Order | None, Order | None]] = {
    "dc.title": (Sort.TITLE, None),
    "title": (Sort.TITLE, None),
    "dc.creator": (ByAuthor.ASCENDING, ByAuthor.DESCENDING),
    "creator": (ByAuthor.ASCENDING, ByAuthor.DESCENDING),
    "dc.author": (ByAuthor.ASCENDING, ByAuthor.DESCENDING),
    "dc.date": (Sort.YEAR_ASC, Sort.YEAR_DESC),
    "date": (Sort.YEAR_ASC, Sort.YEAR_DESC),
    "rec.creationdate": (None, Sort.NEWEST),
}
_ASCENDING = frozenset({"sort.ascending", "ascending"})
_DESCENDING = frozenset({"sort.descending", "descending"})
# Modifiers that change nothing here: titles are compared without case, records without
# a date go last.
_ACCEPTED = frozenset({"sort.ignorecase", "ignorecase", "sort.missinglow", "sort.missingomit"})


class Diagnostic(Exception):
    """An SRU diagnostic: its number in info:srw/diagnostic/1/ and the details."""

    def __init__(self, number: int, details: str = "") -> None:
        super().__init__(f"{number}: {details}")
        self.number = number
        self.details = details


@dataclass(frozen=True)
class Found:
    total: int
    record_ids: list[int]


def run(text: str, *, start: int, count: int, sort_keys: str = "") -> Found:
    """Records matching the CQL query `text`: how many, and the ids of `count` of them from
    position `start` (1-based), in the order of the query's sortBy or of SRU 1.x `sort_keys`
    (ranked by relevance without either). Raises Diagnostic for a query that is not CQL or
    asks for what we do not support."""
    query = parse(text)
    if query.sort and sort_keys:
        raise Diagnostic(80, "sortBy and sortKeys together")
    order = (
        sort_order(query.sort) if query.sort else parse_sort_keys(sort_keys) if sort_keys else None
    )
    return run_tree(query.root, start=start, count=count, order=order)


def run_tree(root: cql.Node, *, start: int, count: int, order: Order | None = None) -> Found:
    """Like `run`, for a query tree built by another protocol (Z39.50's Type-1 queries are
    mapped onto the same indexes), in `order` (ranked by relevance when None). Raises
    Diagnostic for what we do not support."""
    _check(root)
    if not isinstance(order, ByAuthor) and (conjunction := _as_text(root)):
        result = search(
            SearchQuery(
                text=conjunction,
                sort=order or Sort.RELEVANCE,
                offset=start - 1,
                limit=count,
                with_facets=False,
            )
        )
        return Found(result.total, [hit.record_id for hit in result.hits])
    ids = _ids(root)
    if order is None or order == Sort.NEWEST:
        # Newest first, as the OPAC lists records it does not rank.
        ordered = sorted(ids, reverse=True)
        return Found(len(ids), ordered[start - 1 : start - 1 + count])
    return Found(len(ids), _ordered(ids, order, start - 1, count))


def sort_order(keys: tuple[cql.SortKey, ...]) -> Order:
    """The search's order for a CQL sortBy clause. Raises Diagnostic for what it cannot do."""
    if len(keys) > 1:
        raise Diagnostic(84, f"{len(keys)} sort keys; one is supported")
    key = keys[0]
    descending = False
    for modifier in key.modifiers:
        name = modifier.name.lower()
        if name in _DESCENDING:
            descending = True
        elif name in _ASCENDING:
            descending = False
        elif name in ("sort.respectcase", "respectcase"):
            raise Diagnostic(91, modifier.name)
        elif name not in _ACCEPTED:
            raise Diagnostic(82, modifier.name)
    return _order_of(key.index, descending)


def parse_sort_keys(text: str) -> Order:
    """The search's order for SRU 1.x sortKeys ("path,schema,ascending,caseSensitive,
    missingValue", space-separated keys). Raises Diagnostic for what it cannot do."""
    keys = text.split()
    if len(keys) > 1:
        raise Diagnostic(84, f"{len(keys)} sort keys; one is supported")
    parts = [*keys[0].split(","), "", "", "", "", ""][:5] if keys else []
    if not parts or not parts[0]:
        raise Diagnostic(6, "sortKeys")
    path, schema, ascending, case_sensitive, _missing = parts
    if schema and schema.lower() not in ("dc", "marcxml", "info:srw/schema/1/dc-v1.1"):
        raise Diagnostic(87, schema)
    if ascending not in ("", "0", "1"):
        raise Diagnostic(6, f"sortKeys: {ascending}")
    if case_sensitive == "1":
        raise Diagnostic(91, "caseSensitive")
    return _order_of(path, ascending == "0")


def _order_of(index: str, descending: bool) -> Order:
    if (orders := SORT_INDEXES.get(index.lower())) is None:
        raise Diagnostic(88, index)
    ascending_order, descending_order = orders
    order = descending_order if descending else ascending_order
    if order is None:
        raise Diagnostic(90, f"{index} {'descending' if descending else 'ascending'}")
    return order


def _ordered(ids: set[int], order: Order, offset: int, count: int) -> list[int]:
    """`count` of the records `ids` from `offset`, in the search's `order` (the same keys as
    the OPAC's sorted lists)."""
    if isinstance(order, ByAuthor):
        heading = Lower(KT("authors__0"))
        key = heading.asc(nulls_last=True) if order == ByAuthor.ASCENDING else heading.desc(nulls_last=True)
        by_author = Record.objects.filter(id__in=ids).order_by(key, "-id")
        return list(by_author.values_list("id", flat=True)[offset : offset + count])
    if order == Sort.TITLE:
        by_title = Document.objects.filter(record_id__in=ids).order_by("sort_title", "-record_id")
        return list(by_title.values_list("record_id", flat=True)[offset : offset + count])
    year = (
        F("year").asc(nulls_last=True)
        if order == Sort.YEAR_ASC
        else F("year").desc(nulls_last=True)
    )
    by_year = Record.objects.filter(id__in=ids).order_by(year, "-id")
    return list(by_year.values_list("id", flat=True)[offset : offset + count])


def parse(text: str) -> cql.Query:
    """The tree of a query we can run. Raises Diagnostic."""
    try:
        query = cql.parse(text)
    except cql.CQLSyntaxError as error:
        raise Diagnostic(10, str(error)) from None
    if query.prefixes:
        raise Diagnostic(15, "prefix assignments")
    _check(query.root)
    return query


def _check(node: cql.Node) -> None:
    if isinstance(node, cql.Boolean):
        if node.operator == "prox":
            raise Diagnostic(39, "prox")
        if node.modifiers:
            raise Diagnostic(46, node.modifiers[0].name)
        _check(node.left)
        _check(node.right)
        return
    index = node.index.lower()
    if index not in TEXT_INDEXES and index not in ISSN_INDEXES and index not in ID_INDEXES:
        if "." in index and index.split(".", 1)[0] not in CONTEXT_SETS:
            raise Diagnostic(15, node.index.split(".", 1)[0])
        raise Diagnostic(16, node.index)
    relation = node.relation.lower().removeprefix("cql.")
    if relation not in RELATIONS:
        raise Diagnostic(19, node.relation)
    if node.modifiers:
        raise Diagnostic(20, node.modifiers[0].name)
    term = cql.unescape(node.term)
    if not term.strip():
        raise Diagnostic(27, node.index)
    truncated = any(truncated for _, truncated in masked_words(node))
    if truncated and TEXT_INDEXES.get(index, Field.ISBN) == Field.ISBN:
        # Numbers are matched whole.
        raise Diagnostic(28, f"{node.term}: {node.index} cannot be truncated")
    if index in ID_INDEXES and not term.strip().isdigit():
        raise Diagnostic(36, node.term)


def masked_words(node: cql.SearchClause) -> list[tuple[str, bool]]:
    """The words of a clause's term, each with whether it is right-truncated (ends in an
    unescaped `*`). The search can truncate a word on the right; any other masking (`*`
    inside or before a word, `?`) is diagnostic 28, a truncated word of one letter 29, an
    anchor (`^`) 31. Escaped masking characters are taken literally, which the index reads as
    a space."""
    words: list[tuple[str, bool]] = []
    for raw in cql.unescape(node.term).split():
        text: list[str] = []
        truncated = False
        position = 0
        while position < len(raw):
            character = raw[position]
            position += 1
            if character == "\\" and position < len(raw):
                escaped = raw[position]
                position += 1
                text.append(" " if escaped in "*?^" else escaped)
            elif character == "*" and position == len(raw) and "".join(text).strip():
                truncated = True
            elif character in "*?":
                raise Diagnostic(28, node.term)
            elif character == "^":
                raise Diagnostic(31, node.term)
            else:
                text.append(" " if character == '"' else character)
        word = "".join(text).strip()
        if truncated and has_cjk(word):
            raise Diagnostic(28, f"{node.term}: words in Chinese, Japanese or Korean cannot be truncated")
        if truncated and len(word.split()[-1]) < MIN_TRUNCATED:
            raise Diagnostic(29, node.term)
        if word:
            words.append((word, truncated))
    return words


def _words(node: cql.SearchClause) -> list[str]:
    """The words of the OPAC query for a clause, a truncated one ending in `*` as the OPAC's
    query reads it."""
    return [f"{word}*" if truncated else word for word, truncated in masked_words(node)]


def _leaf_text(node: cql.SearchClause) -> str | None:
    """The OPAC query text of a clause, or None for one it cannot express alone."""
    index = node.index.lower()
    if index not in TEXT_INDEXES:
        return None
    field = TEXT_INDEXES[index]
    prefix = _FIELD_PREFIX.get(field, "")
    words = _words(node)
    relation = node.relation.lower().removeprefix("cql.")
    if relation == "any" and len(words) > 1:
        return None
    if relation in ("=", "==", "adj", "exact") and len(words) > 1 and field != Field.ISBN:
        return f'{prefix}"{" ".join(words)}"'
    if field == Field.ISBN:
        return prefix + "".join(words)
    return " ".join(prefix + w for w in words)


def _as_text(node: cql.Node) -> str | None:
    """One OPAC query for a tree of `and`s over text clauses, else None."""
    if isinstance(node, cql.SearchClause):
        return _leaf_text(node)
    if node.operator != "and":
        return None
    left, right = _as_text(node.left), _as_text(node.right)
    return f"{left} {right}" if left is not None and right is not None else None


def _ids(node: cql.Node) -> set[int]:
    if isinstance(node, cql.Boolean):
        left = _ids(node.left)
        if node.operator == "and":
            return left & _ids(node.right) if left else set()
        if node.operator == "or":
            return left | _ids(node.right)
        return left - _ids(node.right)
    index = node.index.lower()
    term = " ".join(_words(node))
    if index in ID_INDEXES:
        return set(Record.objects.filter(pk=int(term)).values_list("id", flat=True))
    if index in ISSN_INDEXES:
        values = {
            term,
            term.replace("-", ""),
            f"{term[:4]}-{term[4:]}" if "-" not in term else term,
        }
        return set(
            Identifier.objects.filter(kind=Identifier.Kind.ISSN, value__in=values).values_list(
                "record_id", flat=True
            )
        )
    if (text := _leaf_text(node)) is not None:
        return set(matching_ids(SearchQuery(text=text)))
    # "any" of several words: each word alone.
    field = TEXT_INDEXES[index]
    found: set[int] = set()
    for word in _words(node):
        found |= set(matching_ids(SearchQuery(text=_FIELD_PREFIX.get(field, "") + word)))
    return found
