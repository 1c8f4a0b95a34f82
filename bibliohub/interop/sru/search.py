"""CQL over the OPAC's search: a query tree becomes one ranked search when it is a plain
conjunction of words (what almost every client sends), and sets of record ids combined with
and / or / not otherwise. Whatever the search cannot do is refused as an SRU diagnostic."""

from __future__ import annotations

from dataclasses import dataclass

from bibliohub.catalog.models import Identifier, Record
from bibliohub.interop.sru import cql
from bibliohub.search.service import matching_ids, search
from bibliohub.search.types import Field, SearchQuery

# index (lower case, without or with its context set) -> what it searches
TEXT_INDEXES: dict[str, Field] = {
    "cql.serverchoice": Field.ANY, "serverchoice": Field.ANY, "cql.anywhere": Field.ANY,
    "dc.title": Field.TITLE, "title": Field.TITLE,
    "dc.creator": Field.AUTHOR, "creator": Field.AUTHOR, "dc.author": Field.AUTHOR,
    "dc.subject": Field.SUBJECT, "subject": Field.SUBJECT,
    "bath.isbn": Field.ISBN, "isbn": Field.ISBN,
}
ISSN_INDEXES = frozenset({"bath.issn", "issn"})
ID_INDEXES = frozenset({"rec.id"})
CONTEXT_SETS = frozenset({"cql", "dc", "bath", "rec"})
RELATIONS = frozenset({"=", "==", "adj", "all", "any", "exact"})
_FIELD_PREFIX = {Field.TITLE: "title:", Field.AUTHOR: "author:", Field.SUBJECT: "subject:", Field.ISBN: "isbn:"}


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


def run(text: str, *, start: int, count: int) -> Found:
    """Records matching the CQL query `text`: how many, and the ids of `count` of them from
    position `start` (1-based). Raises Diagnostic for a query that is not CQL or asks for what
    we do not support."""
    return run_tree(parse(text).root, start=start, count=count)


def run_tree(root: cql.Node, *, start: int, count: int) -> Found:
    """Like `run`, for a query tree built by another protocol (Z39.50's Type-1 queries are
    mapped onto the same indexes). Raises Diagnostic for what we do not support."""
    _check(root)
    if conjunction := _as_text(root):
        result = search(SearchQuery(text=conjunction, offset=start - 1, limit=count, with_facets=False))
        return Found(result.total, [hit.record_id for hit in result.hits])
    # Newest first, as the OPAC lists records it does not rank.
    ids = sorted(_ids(root), reverse=True)
    return Found(len(ids), ids[start - 1 : start - 1 + count])


def parse(text: str) -> cql.Query:
    """The tree of a query we can run. Raises Diagnostic."""
    try:
        query = cql.parse(text)
    except cql.CQLSyntaxError as error:
        raise Diagnostic(10, str(error)) from None
    if query.prefixes:
        raise Diagnostic(15, "prefix assignments")
    if query.sort:
        raise Diagnostic(80, "sortBy")
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
    if any(c in term.replace("\\*", "").replace("\\?", "") for c in "*?"):
        raise Diagnostic(28, node.term)
    if "^" in term.replace("\\^", ""):
        raise Diagnostic(31, node.term)
    if index in ID_INDEXES and not term.strip().isdigit():
        raise Diagnostic(36, node.term)


def _words(node: cql.SearchClause) -> list[str]:
    term = cql.unescape(node.term).replace("\\", "").replace('"', " ")
    return term.split()


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
        values = {term, term.replace("-", ""), f"{term[:4]}-{term[4:]}" if "-" not in term else term}
        return set(
            Identifier.objects.filter(kind=Identifier.Kind.ISSN, value__in=values).values_list("record_id", flat=True)
        )
    if (text := _leaf_text(node)) is not None:
        return set(matching_ids(SearchQuery(text=text)))
    # "any" of several words: each word alone.
    field = TEXT_INDEXES[index]
    found: set[int] = set()
    for word in _words(node):
        found |= set(matching_ids(SearchQuery(text=_FIELD_PREFIX.get(field, "") + word)))
    return found
