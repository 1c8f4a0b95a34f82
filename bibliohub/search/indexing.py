"""Keeping the search index in step with the catalogue. The catalogue's writers reach it
through `SearchIndex`, which the app plugs into the catalogue when it is ready
(`bibliohub.catalog.indexing`): the MARC importer indexes each batch with index_new and
index_records, staff edits call index_records after a record or item change. Circulation
calls refresh_holdings as copies go out and come back; `bibliohub reindex` calls rebuild.

Bulk speed matters (an import indexes thousands of records a second), so every step is one
set-based query or one executemany per chunk of records, never a query per record."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from django.db import connection, transaction

from bibliohub.catalog.indexing import PreparedText
from bibliohub.catalog.models import AVAILABLE_STATUSES, GONE_STATUSES, Item, Record
from bibliohub.db import repeated_cursor
from bibliohub.libraries.models import Branch
from bibliohub.search.backends import IndexRow, get_backend
from bibliohub.search.query import index_isbn_tokens
from bibliohub.search.scripts import has_other_script, index_forms, repeated_index_forms
from bibliohub.text import sort_key, tokens

CHUNK = 1000

_RECORD_FIELDS = (
    "id", "title", "subtitle", "responsibility", "authors", "subjects", "isbns", "series",
    "publisher", "place", "summary", "edition", "year", "languages", "format", "audience",
    "vernacular",
)


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _join_tokens(values: Iterable[str]) -> list[str]:
    result: list[str] = []
    for value in values:
        if value:
            result.extend(tokens(value))
    return result


@lru_cache(maxsize=50_000)
def _repeated_tokens(value: str) -> tuple[str, ...]:
    # Names, subjects, publishers and places recur across thousands of records; titles and
    # summaries rarely do, so they are not cached.
    return tuple(tokens(value))


def _join_repeated(values: Iterable[str]) -> list[str]:
    result: list[str] = []
    for value in values:
        if value:
            result.extend(_repeated_tokens(value))
    return result


def _record_facets(row: Mapping) -> tuple[tuple[str, str], ...]:
    """The (facet, value) pairs of one record that do not depend on its copies."""
    facets = {("language", code.lower()[:64]) for code in row["languages"] if code}
    facets.add(("format", row["format"]))
    if row["audience"]:
        facets.add(("audience", row["audience"]))
    if row["year"] is not None:
        # Zero-padded so that a year range is a string range too.
        facets.add(("year", f"{row['year']:04d}"))
    return tuple(sorted(facets))


def _holding_facets(holdings: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (facet, value) pairs from a record's copies that still count as part of the
    collection, given as (branch code, status)."""
    facets: set[tuple[str, str]] = set()
    for branch_code, status in holdings:
        facets.add(("branch", branch_code))
        if status in AVAILABLE_STATUSES:
            facets.add(("availability", "available"))
            facets.add(("available_at", branch_code))
    return facets


class Prepared(NamedTuple):
    """What the index stores for one record, apart from its id and its copies: the backend's
    full-text values and the facets of the record itself. Needs no database."""

    values: tuple
    facets: tuple[tuple[str, str], ...]


def _vernacular(row: Mapping, role: str) -> list[str]:
    """The texts of the record's 880 fields linked to fields of `role`."""
    return [v["text"] for v in row.get("vernacular") or () if v.get("role") == role]


def _forms(values: Iterable[str], *, joined: bool = True) -> list[str]:
    result: list[str] = []
    for value in values:
        if value and has_other_script(value):
            result.extend(index_forms(value, joined=joined))
    return result


def _repeated_forms(values: Iterable[str]) -> list[str]:
    result: list[str] = []
    for value in values:
        if value and has_other_script(value):
            result.extend(repeated_index_forms(value))
    return result


def prepare_text(row: Mapping) -> PreparedText:
    """The part of prepare() that costs most and is never cached, since it rarely repeats: the
    sort key, the tokens of the title (with the 880 titles linked to it), of the statement of
    responsibility, edition, summary and other 880 texts, and the cross-script forms of the
    title and of those texts (bibliohub.search.scripts), the tokens space-separated (they hold
    no spaces). The MARC importer works it out in its reading process and hands it to
    prepare(text=...) in its writing one."""
    titles = (row["title"], row["subtitle"], *_vernacular(row, "title"))
    others = (row["responsibility"], row["edition"], row["summary"], *_vernacular(row, "other"))
    return (
        sort_key(row["title"]),
        " ".join(_join_tokens(titles)),
        " ".join(_join_tokens(others)),
        " ".join(_forms(titles)),
        " ".join(_forms((row["responsibility"], *_vernacular(row, "other"))) + _forms((row["edition"], row["summary"]), joined=False)),
    )


def _split(joined: str) -> list[str]:
    return joined.split(" ") if joined else []


def prepare(row: Mapping, backend=None, *, text: PreparedText | None = None) -> Prepared:
    """Prepared index values of a record from its extracted fields (title, authors, isbns …,
    as Record stores them); `backend` defaults to the default database's. `text` is
    prepare_text(row) when the caller has it already.

    880 fields go into the column of the field they are linked to; the cross-script forms of
    every text into the cross-script columns, which rank below the text as catalogued."""
    sort_title, title, other, cross_title, cross_other = text or prepare_text(row)
    authors = [*row["authors"], *_vernacular(row, "author")]
    subjects = [*row["subjects"], *_vernacular(row, "subject")]
    places = (row["series"], row["publisher"], row["place"])
    index_row = IndexRow(
        record_id=0,
        sort_title=sort_title,
        title=_split(title),
        author=_join_repeated(authors),
        subject=_join_repeated(subjects),
        other=_join_repeated(places) + _split(other),
        isbn=index_isbn_tokens(row["isbns"]),
        cross_title=_split(cross_title),
        cross_author=_repeated_forms(authors),
        cross_subject=_repeated_forms(subjects),
        cross_other=_repeated_forms(places) + _split(cross_other),
    )
    return Prepared((backend or get_backend()).prepare(index_row), _record_facets(row))


def _index_chunk(cursor, backend, ids: list[int], branch_codes: dict[int, str], *, replace: bool) -> None:
    records = list(Record.objects.filter(id__in=ids).values(*_RECORD_FIELDS))
    holdings: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for record_id, branch_id, status in (
        Item.objects.filter(record_id__in=ids)
        .exclude(status__in=GONE_STATUSES)
        .values_list("record_id", "branch_id", "status")
    ):
        holdings[record_id].append((branch_codes[branch_id], status))

    if records:  # before the table is touched (see Backend.make_room)
        backend.make_room(cursor, max(r["id"] for r in records))
    if replace:
        backend.delete(cursor, ids)
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(f"DELETE FROM search_facet WHERE record_id IN ({marks})", ids)
    _write(cursor, backend, [(r["id"], prepare(r, backend)) for r in records], holdings)


def _write(
    cursor, backend, documents: list[tuple[int, Prepared]], holdings: Mapping[int, list[tuple[str, str]]]
) -> None:
    """Insert the index rows of `documents`, (record id, Prepared) pairs of records not
    indexed yet."""
    rows: list[tuple] = []
    facet_rows: list[tuple[int, str, str]] = []
    for record_id, prepared in documents:
        rows.append((record_id, *prepared.values))
        copies = holdings.get(record_id)
        # Sorted, so that rows arrive in primary-key order.
        facets = sorted(_holding_facets(copies).union(prepared.facets)) if copies else prepared.facets
        facet_rows.extend((record_id, facet, value) for facet, value in facets)
    if rows:
        backend.write_prepared(cursor, rows)
    if facet_rows:
        cursor.executemany("INSERT INTO search_facet (record_id, facet, value) VALUES (%s, %s, %s)", facet_rows)


def index_new(
    *, documents: list[tuple[int, tuple, tuple[tuple[str, str], ...]]],
    holdings: Mapping[int, list[tuple[str, str]]],
) -> None:
    """Index records that are not in the index yet from values the caller already holds, so
    that the MARC importer does not read back what it has just written. Each of `documents` is
    (record id, values, facets): the two parts of prepare() made from the fields the record
    was stored with; `holdings` gives each record's copies that count, as (branch code,
    status). Writes the full text, sort key and facet rows inside the caller's transaction if
    there is one.
    A record that is already indexed raises IntegrityError: use index_records for those."""
    if not documents:
        return
    backend = get_backend()
    # No savepoint: releasing one is not free on SQLite, once a batch, and a failure here
    # fails the caller's transaction anyway.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        backend.make_room(cursor, max(record_id for record_id, _values, _facets in documents))
        for start in range(0, len(documents), CHUNK):
            _write(
                cursor, backend,
                [(rid, Prepared(values, facets)) for rid, values, facets in documents[start : start + CHUNK]],
                holdings,
            )


def index_records(ids: Iterable[int]) -> None:
    """(Re)index the records with these ids from the Record and Item tables: full text, sort key
    and facet values. Ids of records that no longer exist are removed from the index.
    Runs inside the caller's transaction if there is one."""
    id_list = sorted(set(ids))
    if not id_list:
        return
    backend = get_backend()
    branch_codes = dict(Branch.objects.values_list("id", "code"))
    with transaction.atomic(), connection.cursor() as cursor:
        for chunk in _chunks(id_list, CHUNK):
            _index_chunk(cursor, backend, chunk, branch_codes, replace=True)


HOLDING_FACETS = ("branch", "availability", "available_at")


@lru_cache(maxsize=64)
def _refresh_sql(n_ids: int) -> tuple[str, str]:
    """The two statements of refresh_holdings for `n_ids` records, written once per count."""
    ids = ", ".join(["%s"] * n_ids)
    facets = ", ".join(f"'{f}'" for f in HOLDING_FACETS)
    gone = ", ".join(f"'{s}'" for s in sorted(GONE_STATUSES))
    available = ", ".join(f"'{s}'" for s in sorted(AVAILABLE_STATUSES))
    copies = (
        "FROM catalog_item i JOIN libraries_branch b ON b.id = i.branch_id "
        f"WHERE i.record_id IN ({ids})"
    )
    delete = f"DELETE FROM search_facet WHERE record_id IN ({ids}) AND facet IN ({facets})"
    # ON CONFLICT: a concurrent refresh of the same record (two desks, two copies) may have
    # inserted a row between our DELETE and INSERT. "WHERE 1 = 1" tells SQLite's parser that
    # ON CONFLICT belongs to the INSERT, not to a join.
    insert = (
        "INSERT INTO search_facet (record_id, facet, value) SELECT record_id, facet, value FROM ("
        f"SELECT i.record_id, 'branch' AS facet, b.code AS value {copies} "
        f"AND i.status NOT IN ({gone}) "
        f"UNION SELECT i.record_id, 'availability', 'available' {copies} "
        f"AND i.status IN ({available}) "
        f"UNION SELECT i.record_id, 'available_at', b.code {copies} "
        f"AND i.status IN ({available})"
        ") AS holdings WHERE 1 = 1 ON CONFLICT DO NOTHING"
    )
    return delete, insert


def refresh_holdings(record_ids: Iterable[int]) -> None:
    """Bring only the holdings facets (branch, availability) of these records up to date: what
    a checkout, a return or a transfer changes. Cheaper than index_records because the text is
    left alone: two statements whatever the number of records, written once (a checkout runs
    this inside its own transaction, so its cost is on every loan)."""
    ids = sorted(set(record_ids))
    if not ids:
        return
    delete, insert = _refresh_sql(len(ids))
    # No savepoint: inside a caller's transaction a failure fails the caller anyway.
    with transaction.atomic(savepoint=False), repeated_cursor() as cursor:
        if connection.vendor == "postgresql":
            # Two desks lending two copies of one title at once: each would read the other's
            # copy as still on the shelf and leave "available" behind. Taking the title's row
            # makes the second refresh wait and read the first one's committed loan. Every
            # caller locks items first and the title last, so this adds no deadlock. (SQLite
            # runs one writer at a time and needs no lock.)
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(
                f"SELECT id FROM catalog_record WHERE id IN ({marks}) ORDER BY id FOR NO KEY UPDATE",
                ids,
            )
        cursor.execute(delete, ids)
        cursor.execute(insert, ids * 3)


def remove_records(ids: Iterable[int]) -> None:
    """Remove these records from the index (after they were deleted from the catalogue)."""
    id_list = sorted(set(ids))
    if not id_list:
        return
    backend = get_backend()
    with transaction.atomic(), connection.cursor() as cursor:
        for chunk in _chunks(id_list, CHUNK):
            backend.delete(cursor, chunk)
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM search_facet WHERE record_id IN ({marks})", chunk)


def rebuild(progress: Callable[[int, int], None] | None = None) -> int:
    """Empty the index and index every record again, in chunks, one transaction per chunk so
    that a long rebuild does not hold one lock throughout. Calls progress(done, total) after
    each chunk; returns how many records were indexed."""
    backend = get_backend()
    branch_codes = dict(Branch.objects.values_list("id", "code"))
    total = Record.objects.count()
    with transaction.atomic(), connection.cursor() as cursor:
        backend.clear(cursor)
        cursor.execute("DELETE FROM search_facet")
    done = 0
    last_id = 0
    while True:
        # Keyset paging: the next chunk of ids after the last one, never an OFFSET scan.
        ids = list(
            Record.objects.filter(id__gt=last_id).order_by("id").values_list("id", flat=True)[:CHUNK]
        )
        if not ids:
            break
        with transaction.atomic(), connection.cursor() as cursor:
            _index_chunk(cursor, backend, ids, branch_codes, replace=False)
        done += len(ids)
        last_id = ids[-1]
        if progress:
            progress(done, total)
    return done


class SearchIndex:
    """The index as the catalogue's writers use it (bibliohub.catalog.indexing.CatalogueIndex),
    plugged into the catalogue by SearchConfig.ready."""

    # The function itself rather than a method calling it: the importer's reading process
    # calls it once a record.
    prepare_text = staticmethod(prepare_text)

    def add_new(
        self,
        records: Sequence[tuple[int, Mapping[str, Any], PreparedText]],
        *,
        holdings: Mapping[int, list[tuple[str, str]]],
    ) -> None:
        backend = get_backend()
        index_new(
            documents=[
                (record_id, *prepare(fields, backend, text=text)) for record_id, fields, text in records
            ],
            holdings=holdings,
        )

    def reindex(self, ids: Iterable[int]) -> None:
        index_records(ids)
