"""PostgreSQL: a tsvector per record in `search_document.vector` (GIN index), built from the
normaliser's tokens as a tsvector literal, so PostgreSQL's own parser and dictionaries never
touch the text. Weights: A title, B author, C subject, D the rest (ISBNs included); ranking
is ts_rank_cd with its default weights {0.1, 0.2, 0.4, 1.0} for D, C, B, A.

The table is partitioned by record id in bands of PARTITION_SIZE ids (search migration 0004),
each band with its own GIN index, so that the newest matches of a common word are found in
the newest bands without visiting the older ones (docs/search.md, "Bounding the cost").
A band's partition is created when the first record of the band before it is indexed, so a
partition always exists ahead of the records being written."""

from __future__ import annotations

from bibliohub.search.backends import IndexRow, Match
from bibliohub.search.query import Clause
from bibliohub.search.types import Field

_WEIGHTS = {Field.TITLE: "A", Field.AUTHOR: "B", Field.SUBJECT: "C"}
# Four weights are not enough for five fields: an ISBN is stored a second time under this
# prefix, which no normalised token can carry, so that isbn: finds ISBNs and nothing else.
ISBN_PREFIX = "isbn:"
# The other-script forms of a field (bibliohub.search.scripts) carry the field's weight and
# this prefix, which no normalised token can carry either; a match of the text as
# catalogued is ranked before a match of these.
CROSS_PREFIX = "~"
# Positions jump between fields so that a phrase never spans two of them.
_FIELD_GAP = 100
_MAX_POSITION = 16383
_MAX_LEXEME = 500
# Record ids per partition of search_document: a million records make eight bands.
PARTITION_SIZE = 131_072


PARTITION_PREFIX = "search_document_p"
# The advisory lock key under which partitions are created (any number no other code uses).
_PARTITION_LOCK = 4_243_117_001


def partition_name(band: int) -> str:
    return f"{PARTITION_PREFIX}{band}"


def ensure_partitions(cursor, up_to_id: int) -> None:
    """Make sure the partitions for every record id up to `up_to_id`, and the band after it,
    exist. Costs one catalogue query when they do; creating one takes a short exclusive
    lock on the table, once per PARTITION_SIZE records."""
    last = up_to_id // PARTITION_SIZE + 1
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [partition_name(last)])
    if cursor.fetchone()[0]:
        return  # partitions are made in order from band 0, so the ones below exist too
    # Two imports crossing into a new band at once: the second waits here until the first
    # commits and then finds the partitions made (CREATE … IF NOT EXISTS alone would let both
    # try, and the second fail on the catalogue's unique names).
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PARTITION_LOCK])
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [partition_name(last)])
    if cursor.fetchone()[0]:
        return
    for band in range(last + 1):
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {partition_name(band)} PARTITION OF search_document "
            f"FOR VALUES FROM ({band * PARTITION_SIZE}) TO ({(band + 1) * PARTITION_SIZE})"
        )


def _quote(token: str) -> str:
    return "'" + token[:_MAX_LEXEME].replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(row: IndexRow) -> str:
    """The tsvector text of `row`: every token with its positions and its field's weight."""
    positions: dict[tuple[str, str], list[int]] = {}
    position = 0
    for weight, field_tokens in (
        ("A", row.title), ("B", row.author), ("C", row.subject), ("D", row.other),
        ("D", row.isbn), ("D", [ISBN_PREFIX + t for t in row.isbn]),
        ("A", [CROSS_PREFIX + t for t in row.cross_title]),
        ("B", [CROSS_PREFIX + t for t in row.cross_author]),
        ("C", [CROSS_PREFIX + t for t in row.cross_subject]),
        ("D", [CROSS_PREFIX + t for t in row.cross_other]),
    ):
        for token in field_tokens:
            position += 1
            if position > _MAX_POSITION:
                break
            positions.setdefault((token, weight), []).append(position)
        position += _FIELD_GAP
    return " ".join(
        f"{_quote(token)}:{','.join(f'{p}{weight}' for p in ps[:256])}"
        for (token, weight), ps in positions.items()
    )


def _phrase(tokens: tuple[str, ...], prefix: str, suffix: str, truncated: bool = False) -> str:
    terms = [f"{_quote(prefix + t)}{suffix}" for t in tokens]
    if truncated:
        # 'war':*A is every lexeme beginning with "war" at weight A.
        terms[-1] = f"{_quote(prefix + tokens[-1])}:*{suffix.lstrip(':')}"
    return "(" + " <-> ".join(terms) + ")" if len(terms) > 1 else terms[0]


def compile_tsquery(clauses: list[Clause], *, exact: bool = False) -> str:
    """The tsquery text: a clause's tokens joined by <-> (followed by), each restricted to
    its field's weight, all clauses joined by &. A cross-script clause also matches the
    other-script forms of a record's text, and each of its own forms may match instead;
    with `exact`, the text as catalogued only."""
    parts = []
    for clause in clauses:
        weight = _WEIGHTS.get(clause.field)
        suffix = f":{weight}" if weight else ""
        if clause.field == Field.ISBN:
            parts.append(_phrase(clause.tokens, ISBN_PREFIX, suffix))
        elif clause.cross_script and not exact:
            alternatives = [
                _phrase(tokens, prefix, suffix, clause.truncated)
                for tokens in clause.alternatives
                for prefix in ("", CROSS_PREFIX)
            ]
            parts.append("(" + " | ".join(alternatives) + ")")
        else:
            parts.append(_phrase(clause.tokens, "", suffix, clause.truncated))
    return " & ".join(parts)


class PostgreSQLBackend:
    vendor = "postgresql"

    def prepare(self, row: IndexRow) -> tuple:
        return (row.sort_title, tsvector_literal(row))

    def make_room(self, cursor, up_to_id: int) -> None:
        ensure_partitions(cursor, up_to_id)

    def write_prepared(self, cursor, rows: list[tuple]) -> None:
        cursor.executemany(
            "INSERT INTO search_document (record_id, sort_title, vector) VALUES (%s, %s, %s::tsvector)", rows
        )

    def delete(self, cursor, ids: list[int]) -> None:
        if ids:
            cursor.execute("DELETE FROM search_document WHERE record_id = ANY(%s)", [ids])

    def clear(self, cursor) -> None:
        cursor.execute("DELETE FROM search_document")
    def match(self, clauses: list[Clause]) -> Match:
        query = compile_tsquery(clauses)
        order_by, order_params = "ts_rank_cd(c.vector, %s::tsquery) DESC", [query]
        if any(clause.cross_script for clause in clauses):
            # Matches of the text as catalogued first, then those through other-script forms.
            order_by = f"(c.vector @@ %s::tsquery) DESC, {order_by}"
            order_params = [compile_tsquery(clauses, exact=True), query]
        return Match(
            source="search_document WHERE vector @@ %s::tsquery",
            params=[query],
            id_column="search_document.record_id",
            rank_columns="vector",
            order_by=order_by,
            order_params=order_params,
            # GIN returns matches unordered, so matching again to rank the newest ones reads
            # every match's row a second time; by primary key only the ranked rows are read.
            among="search_document WHERE record_id = ANY(%s)",
            partition_size=PARTITION_SIZE,
            among_band=PARTITION_PREFIX + "{band} WHERE record_id = ANY(%s)",
        )
