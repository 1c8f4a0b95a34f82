"""SQLite FTS5: one row per record in `search_fts` (rowid = record id), one column per weighted
field; ranking is the table's configured bm25 (weights set by migration 0002)."""

from __future__ import annotations

from bibliohub.search.backends import IndexRow, Match
from bibliohub.search.query import Clause
from bibliohub.search.types import Field

_COLUMNS = {Field.TITLE: "title", Field.AUTHOR: "author", Field.SUBJECT: "subject", Field.ISBN: "isbn"}


def compile_fts5(clauses: list[Clause]) -> str:
    """The FTS5 MATCH expression: every clause a quoted phrase (a single token is a phrase of
    one), restricted to its column when it has a field, all joined by AND."""
    parts = []
    for clause in clauses:
        phrase = '"' + " ".join(t.replace('"', '""') for t in clause.tokens) + '"'
        column = _COLUMNS.get(clause.field)
        parts.append(f"{column} : {phrase}" if column else phrase)
    return " AND ".join(parts)


class SQLiteBackend:
    vendor = "sqlite"

    def prepare(self, row: IndexRow) -> tuple:
        # sort key, then the five FTS5 columns as space-separated tokens
        return (
            row.sort_title, " ".join(row.title), " ".join(row.author), " ".join(row.subject),
            " ".join(row.other), " ".join(row.isbn),
        )

    def make_room(self, cursor, up_to_id: int) -> None:
        pass  # one FTS5 table for every record id

    def write_prepared(self, cursor, rows: list[tuple]) -> None:
        cursor.executemany(
            "INSERT INTO search_document (record_id, sort_title) VALUES (%s, %s)", [r[:2] for r in rows]
        )
        cursor.executemany(
            "INSERT INTO search_fts (rowid, title, author, subject, other, isbn) VALUES (%s, %s, %s, %s, %s, %s)",
            [(r[0], *r[2:]) for r in rows],
        )

    def delete(self, cursor, ids: list[int]) -> None:
        if ids:
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(f"DELETE FROM search_fts WHERE rowid IN ({marks})", ids)
            cursor.execute(f"DELETE FROM search_document WHERE record_id IN ({marks})", ids)

    def clear(self, cursor) -> None:
        cursor.execute("DELETE FROM search_fts")
        cursor.execute("DELETE FROM search_document")

    def match(self, clauses: list[Clause]) -> Match:
        return Match(
            source="search_fts WHERE search_fts MATCH %s",
            params=[compile_fts5(clauses)],
            id_column="search_fts.rowid",
            # bm25 is lower for better matches.
            rank_columns="rank AS score",
            order_by="c.score ASC",
            order_params=[],
        )
