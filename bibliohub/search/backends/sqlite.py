"""SQLite FTS5: one row per record in `search_fts` (rowid = record id), one column per weighted
field and one per field for its other-script forms (cross_title …); ranking is the table's
configured bm25 (weights set by search migration 0006: the cross-script columns weigh a
hundredth or less of their field, so that a match of the text as catalogued comes first)."""

from __future__ import annotations

from bibliohub.search.backends import IndexRow, Match
from bibliohub.search.query import Clause
from bibliohub.search.types import Field

_COLUMNS = {Field.TITLE: "title", Field.AUTHOR: "author", Field.SUBJECT: "subject", Field.ISBN: "isbn"}
_EXACT = "{title author subject other isbn}"
_CROSS = {
    Field.TITLE: "{title cross_title}", Field.AUTHOR: "{author cross_author}",
    Field.SUBJECT: "{subject cross_subject}", Field.ISBN: "isbn",
}


def _phrase(tokens: tuple[str, ...], truncated: bool = False) -> str:
    # FTS5 reads a * after a string as "its last token is a prefix".
    return '"' + " ".join(t.replace('"', '""') for t in tokens) + '"' + (" *" if truncated else "")


def compile_fts5(clauses: list[Clause], *, exact: bool = False) -> str:
    """The FTS5 MATCH expression: every clause a quoted phrase (a single token is a phrase of
    one), restricted to its column when it has a field, all joined by AND. A cross-script
    clause also matches the cross-script columns, and each of its forms may match instead;
    with `exact`, the text as catalogued only."""
    parts = []
    for clause in clauses:
        if clause.cross_script and not exact:
            columns = _CROSS.get(clause.field)
            alternatives = [
                f"{columns} : {_phrase(a, clause.truncated)}" if columns else _phrase(a, clause.truncated)
                for a in clause.alternatives
            ]
            parts.append(alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")")
        else:
            parts.append(f"{_COLUMNS.get(clause.field, _EXACT)} : {_phrase(clause.tokens, clause.truncated)}")
    return " AND ".join(parts)


class SQLiteBackend:
    vendor = "sqlite"

    def prepare(self, row: IndexRow) -> tuple:
        # sort key, then the five FTS5 columns as space-separated tokens
        return (
            row.sort_title, " ".join(row.title), " ".join(row.author), " ".join(row.subject),
            " ".join(row.other), " ".join(row.isbn), " ".join(row.cross_title),
            " ".join(row.cross_author), " ".join(row.cross_subject), " ".join(row.cross_other),
        )

    def make_room(self, cursor, up_to_id: int) -> None:
        pass  # one FTS5 table for every record id

    def write_prepared(self, cursor, rows: list[tuple]) -> None:
        cursor.executemany(
            "INSERT INTO search_document (record_id, sort_title) VALUES (%s, %s)", [r[:2] for r in rows]
        )
        cursor.executemany(
            "INSERT INTO search_fts (rowid, title, author, subject, other, isbn, cross_title, "
            "cross_author, cross_subject, cross_other) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
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
        order_by, order_params = "c.score ASC", []
        if any(clause.forms for clause in clauses):
            # A query in Cyrillic or Han characters: its romanised or Simplified forms may
            # match a record's own title (a Latin "Lutsk" for "Луцьк"), where bm25 weighs them
            # as much as the words typed. Matches of the words as typed, in the columns as
            # catalogued, come first; the lowest candidate's id bounds that second match.
            order_by = (
                "c.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s "
                "AND rowid >= {lowest}) DESC, c.score ASC"
            )
            order_params = [compile_fts5(clauses, exact=True)]
        return Match(
            source="search_fts WHERE search_fts MATCH %s",
            params=[compile_fts5(clauses)],
            id_column="search_fts.rowid",
            # bm25 is lower for better matches.
            rank_columns="rank AS score",
            order_by=order_by,
            order_params=order_params,
        )
