"""Full-text backends behind one interface, chosen by the database vendor: SQLite FTS5 (the
embedded default) and PostgreSQL (tsvector with a GIN index). Facets, filters, sorting and
paging are plain SQL shared by both (bibliohub.search.service); a backend only stores token
streams and answers "which records match, and how well"."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from django.db import connection

from bibliohub.search.query import Clause


@dataclass(frozen=True)
class IndexRow:
    """One record's tokens per weighted field, already normalised; the cross_ fields hold the
    other-script forms of the same fields (bibliohub.search.scripts), ranked below them."""

    record_id: int
    sort_title: str
    title: list[str]
    author: list[str]
    subject: list[str]
    other: list[str]
    isbn: list[str]
    cross_title: list[str] = field(default_factory=list)
    cross_author: list[str] = field(default_factory=list)
    cross_subject: list[str] = field(default_factory=list)
    cross_other: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Match:
    """SQL pieces for the records matching some clauses.

    `source` is a FROM … WHERE … fragment whose rows are the matches, `id_column` names the
    record id in it, `rank_columns` are extra columns an inner query must select so that an
    outer query can order by `order_by` (best first) over an alias `c`; "{lowest}" in it
    stands for the lowest record id among those ranked.

    `among`, when the backend has it, is a FROM … WHERE … fragment taking one parameter, a
    list of record ids already known to match, whose rows can be ranked the same way without
    matching again.

    `partition_size`, when the backend partitions its table by record id in bands of that
    many ids, lets the newest matches be looked for band by band, newest first; then
    `among_band` is `among` for the ids of one band, with "{band}" for its number."""

    source: str
    params: list
    id_column: str
    rank_columns: str
    order_by: str
    order_params: list
    among: str | None = None
    partition_size: int | None = None
    among_band: str | None = None


class Backend(Protocol):
    vendor: str

    def prepare(self, row: IndexRow) -> tuple:
        """The values this backend stores for `row`, after its record id, ready for SQL. Needs
        no database, so an import can run it in its reading process."""
        ...

    def make_room(self, cursor, up_to_id: int) -> None:
        """Make the index ready to take record ids up to `up_to_id` (PostgreSQL: their
        partitions). A transaction that writes to the index calls it before anything else
        it does there, so that two writers never wait for each other's table locks."""
        ...

    def write_prepared(self, cursor, rows: list[tuple]) -> None:
        """Insert (record id, *prepare(row)) rows for records not indexed yet, after
        make_room for the highest of their ids."""
        ...

    def delete(self, cursor, ids: list[int]) -> None: ...

    def clear(self, cursor) -> None: ...

    def match(self, clauses: list[Clause]) -> Match: ...


def get_backend() -> Backend:
    """The backend for the default database."""
    if connection.vendor == "postgresql":
        from bibliohub.search.backends.postgresql import PostgreSQLBackend

        return PostgreSQLBackend()
    from bibliohub.search.backends.sqlite import SQLiteBackend

    return SQLiteBackend()
