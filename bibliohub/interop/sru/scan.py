"""Scan (browse): the terms of one index in order around a term, each with how many records
have it; the same lists for SRU's scan and Z39.50's.

Terms are compared and ordered without case (by the database's lower case: every letter on
PostgreSQL, the Latin ones on SQLite). A term is what a record holds whole: a title, an author's heading, a subject heading, an
ISBN, an ISSN, a record number; `cql.serverChoice` lists titles, authors and subjects
together. The lists are read from the records themselves (there is no browse table): a scan
reads an index's values past the term, which is quick for numbers and for a catalogue of a
library's size, and grows with the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from bibliohub.catalog.models import Identifier, Record
from bibliohub.interop.sru import cql
from bibliohub.interop.sru.search import Diagnostic, masked_words, parse

# index (lower case, without or with its context set) -> what its terms are
SCANNED: dict[str, str] = {
    "cql.serverchoice": "any",
    "serverchoice": "any",
    "cql.anywhere": "any",
    "dc.title": "title",
    "title": "title",
    "dc.creator": "author",
    "creator": "author",
    "dc.author": "author",
    "dc.subject": "subject",
    "subject": "subject",
    "bath.isbn": "isbn",
    "isbn": "isbn",
    "bath.issn": "issn",
    "issn": "issn",
    "rec.id": "id",
}
SCAN_RELATIONS = frozenset({"=", "==", "exact", "adj", "all", "any"})


@dataclass(frozen=True)
class Term:
    value: str
    records: int


@dataclass(frozen=True)
class Scan:
    index: str  # a key of SCANNED's values: title, author, subject, isbn, issn, id, any
    term: str


def parse_clause(text: str) -> Scan:
    """The index and term of an SRU scanClause (`dc.title = war`). Raises Diagnostic."""
    node = parse(text).root
    if not isinstance(node, cql.SearchClause):
        raise Diagnostic(10, "scan takes one index, relation and term")
    return clause(node)


def clause(node: cql.SearchClause) -> Scan:
    """The scan of a CQL search clause (Z39.50 scan terms are mapped onto one). Raises
    Diagnostic for an index that is not scanned, a relation other than equality, or masking
    (a scan starts from a term; it does not match)."""
    index = SCANNED.get(node.index.lower())
    if index is None:
        raise Diagnostic(16, f"{node.index} cannot be scanned")
    if node.relation.lower().removeprefix("cql.") not in SCAN_RELATIONS:
        raise Diagnostic(19, node.relation)
    words = masked_words(node)
    if any(truncated for _, truncated in words):
        raise Diagnostic(28, f"{node.term}: a scan starts from a term and takes no masking")
    term = " ".join(word for word, _ in words)
    if index == "id" and not term.isdigit():
        raise Diagnostic(36, node.term)
    if index == "isbn":
        term = term.replace("-", "").replace(" ", "")
    return Scan(index, term)


def terms(scan: Scan, *, position: int, count: int, step: int = 0) -> list[Term]:
    """`count` terms of the scan's index in order, the term itself (or the first after it)
    at `position` (1-based; 0 or less: the list starts after the term; past `count`: it ends
    before it), `step` terms skipped between two listed ones (Z39.50's step size)."""
    stride = step + 1
    wanted_before = min(max(position - 1, 0), count)
    before = _read(scan, below=True, limit=wanted_before * stride)[stride - 1 :: stride]
    before = before[:wanted_before][::-1]
    after = _read(scan, below=False, limit=(count - len(before)) * stride)[::stride]
    return before + after[: count - len(before)]


def _read(scan: Scan, *, below: bool, limit: int) -> list[Term]:
    """`limit` terms from the scan's term: up from it (itself included), or down from just
    below it."""
    if limit <= 0:
        return []
    if scan.index == "id":
        ids = Record.objects.filter(**{"id__lt" if below else "id__gte": int(scan.term)})
        ordered = ids.order_by("-id" if below else "id").values_list("id", flat=True)[:limit]
        return [Term(str(pk), 1) for pk in ordered]
    comparison, direction = ("<", "DESC") if below else (">=", "ASC")
    sql = (
        f"SELECT value, COUNT(DISTINCT record_id) FROM ({_values(scan.index)}) AS terms "
        f"WHERE LOWER(value) {comparison} LOWER(%s) AND value <> '' GROUP BY value "
        f"ORDER BY LOWER(value) {direction}, value {direction} LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [scan.term, limit])
        return [Term(value, records) for value, records in cursor.fetchall()]


def _values(index: str) -> str:
    """SQL selecting (record_id, value) of every term of `index`."""
    record = Record._meta.db_table
    if index == "title":
        return f"SELECT id AS record_id, title AS value FROM {record}"
    if index in ("author", "subject"):
        column = "authors" if index == "author" else "subjects"
        if connection.vendor == "postgresql":
            return (
                f"SELECT r.id AS record_id, j.value AS value FROM {record} r "
                f"CROSS JOIN LATERAL jsonb_array_elements_text(r.{column}) AS j(value)"
            )
        return f"SELECT r.id AS record_id, j.value AS value FROM {record} r, json_each(r.{column}) j"
    if index in ("isbn", "issn"):
        kind = Identifier.Kind.ISBN if index == "isbn" else Identifier.Kind.ISSN
        return (
            f"SELECT record_id, value FROM {Identifier._meta.db_table} "
            f"WHERE kind = '{kind.value}'"
        )
    return " UNION ALL ".join(_values(part) for part in ("title", "author", "subject"))
