"""Searching the catalogue: the one entry point every interface calls (OPAC, REST API, CLI).

Cost is bounded whatever the reader types (docs/search.md): counting stops at
settings.SEARCH_EXACT_COUNT_LIMIT; above it, ranking, sorting and facets work on that many
most recently added matches and the result says its total and facets are not exact."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from bibliohub.catalog.models import Audience, Format, Record
from bibliohub.catalog.selectors import availability_for
from bibliohub.libraries.models import Branch
from bibliohub.search.backends import get_backend
from bibliohub.search.languages import language_name
from bibliohub.search.query import Clause, parse
from bibliohub.search.types import FACETS, FacetValue, Hit, SearchQuery, SearchResult, Sort

# Values shown per facet; the rest are rarely useful to a reader and cost rendering time.
FACET_SIZE = 30
# Facets are counted over at most this many matches (settings.SEARCH_FACET_SAMPLE overrides):
# reading each candidate's facet rows is the costliest step of a search (docs/search.md).
FACET_SAMPLE = 1000
# At most this many matches are ranked (settings.SEARCH_RANK_WINDOW overrides): bm25 and
# ts_rank_cd cost grows with every match they score.
RANK_WINDOW = 2000
_YEAR = re.compile(r"^\s*(\d{1,4})\s*(?:-\s*(\d{1,4})\s*)?$")
_ORDER = {
    Sort.YEAR_DESC: "r.year DESC NULLS LAST, r.id DESC",
    Sort.YEAR_ASC: "r.year ASC NULLS LAST, r.id DESC",
    Sort.TITLE: "d.sort_title ASC, r.id DESC",
    Sort.NEWEST: "r.created_at DESC, r.id DESC",
}


@dataclass(frozen=True)
class _Sql:
    sql: str
    params: list


def _filter_condition(f: _Sql, id_column: str, *, correlated: bool) -> str:
    """A filter as a condition on `id_column`. After a full-text match the candidates are
    already few, so each is checked by primary key (EXISTS); without text the filter itself
    drives (IN)."""
    if correlated:
        where = f.sql.split(" WHERE ", 1)[1]
        return f"EXISTS (SELECT 1 FROM search_facet f WHERE f.record_id = {id_column} AND {where})"
    return f"{id_column} IN ({f.sql})"


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _filter_sql(filters: dict[str, tuple[str, ...]]) -> list[_Sql]:
    """One `SELECT record_id …` per filtered facet (OR within it); the caller ANDs them.
    Unknown facets and malformed years are ignored: they come from URLs anyone can edit."""
    result: list[_Sql] = []
    for facet in FACETS:
        values = [v for v in filters.get(facet, ()) if v]
        if not values:
            continue
        if facet == "year":
            conditions, params = [], []
            for value in values:
                if m := _YEAR.match(value):
                    low, high = int(m.group(1)), int(m.group(2) or m.group(1))
                    conditions.append("value BETWEEN %s AND %s")
                    params += [f"{min(low, high):04d}", f"{max(low, high):04d}"]
            if not conditions:
                continue
            result.append(
                _Sql(f"SELECT record_id FROM search_facet WHERE facet = 'year' AND ({' OR '.join(conditions)})", params)
            )
        elif facet == "availability":
            if "available" not in values:
                continue
            if branches := [b for b in filters.get("branch", ()) if b]:
                # Available at one of the branches the reader picked, not just anywhere.
                result.append(
                    _Sql(f"SELECT record_id FROM search_facet WHERE facet = 'available_at' AND value IN ({_marks(branches)})", branches)
                )
            else:
                result.append(_Sql("SELECT record_id FROM search_facet WHERE facet = 'availability' AND value = 'available'", []))
        else:
            result.append(
                _Sql(f"SELECT record_id FROM search_facet WHERE facet = %s AND value IN ({_marks(values)})", [facet, *values])
            )
    return result


def _matches(
    clauses: list[Clause],
    filters: list[_Sql],
    *,
    bound: int | None,
    ids: tuple[int, int] | None = None,
    fenced: bool = False,
) -> _Sql:
    """SQL selecting `id` of every match (or, with `bound`, of the `bound` newest matches).
    `ids` = (low, high) keeps to record ids low <= id < high. `fenced` makes the database
    find every match first and then take the newest (see _newest_matches)."""
    if clauses:
        m = get_backend().match(clauses)
        sql, params, id_column = f"SELECT {m.id_column} AS id FROM {m.source}", list(m.params), m.id_column
        joiner = " AND "
    else:
        sql, params, id_column, joiner = "SELECT id FROM catalog_record", [], "id", " WHERE "
    for f in filters:
        sql += f"{joiner}{_filter_condition(f, id_column, correlated=bool(clauses))}"
        params += f.params
        joiner = " AND "
    if ids is not None:
        # Literal values, so that PostgreSQL leaves out the partitions outside the range
        # when it plans the query.
        sql += f"{joiner}{id_column} >= {int(ids[0])} AND {id_column} < {int(ids[1])}"
    if bound is not None:
        if fenced:
            sql = f"SELECT id FROM ({sql} OFFSET 0) fenced ORDER BY id DESC LIMIT {int(bound)}"
        else:
            sql += f" ORDER BY {id_column} DESC LIMIT {int(bound)}"
    return _Sql(sql, params)


def _newest_matches(cursor, clauses: list[Clause], filters: list[_Sql], bound: int) -> list[int]:
    """Ids of the `bound` newest matches, newest first. A backend whose table is partitioned
    in bands of record ids is searched from the newest band back, and stops as soon as it
    has `bound` (docs/search.md): a word in 3 % of a million records then costs the matches
    of its three newest bands, not all 30,000 of them.

    In the newest band the database may walk the ids backwards or sort the band's matches,
    whichever it prices lower: either costs at most one band. Further back, the next range
    is as many bands as the share of matches seen so far says are needed (all the rest when
    none matched: a rare word takes two queries), and it is searched fenced: every match of
    the range found through the full-text index, then sorted. Walking several bands' ids
    backwards is what the planner would otherwise pick for a word it expects to fill the
    bound early, and that is what made common words slow."""
    band = get_backend().match(clauses).partition_size if clauses else None
    if band is None:  # no words to match, or a table that is not partitioned
        matches = _matches(clauses, filters, bound=bound)
        cursor.execute(matches.sql, matches.params)
        return [row[0] for row in cursor.fetchall()]
    cursor.execute("SELECT max(record_id) FROM search_document")
    top = cursor.fetchone()[0]
    if top is None:
        return []
    high, low = top + 1, (top // band) * band
    found: list[int] = []
    while True:
        matches = _matches(
            clauses, filters, bound=bound - len(found), ids=(low, high), fenced=high - low > band
        )
        cursor.execute(matches.sql, matches.params)
        found += [row[0] for row in cursor.fetchall()]
        if len(found) >= bound or low <= 0:
            return found[:bound]
        density = len(found) / (top + 1 - low)
        bands = math.ceil((bound - len(found)) / (density * band)) if found else low // band
        high, low = low, max(0, low - max(1, bands) * band)


def _count(cursor, matches: _Sql, limit: int) -> int:
    cursor.execute(f"SELECT count(*) FROM ({matches.sql} LIMIT {int(limit) + 1}) t", matches.params)
    return cursor.fetchone()[0]


def _ranked_ids(
    cursor, clauses: list[Clause], filters: list[_Sql], *, candidates: list[int], limit: int, offset: int
) -> list[int]:
    """A page of `candidates` (matches of `clauses` and `filters`, newest first, none older
    than the oldest matches wanted) best first. Backends that can rank a list of ids read only
    those rows; the others match again, skipping the older part of their posting lists."""
    m = get_backend().match(clauses)
    params: list
    if m.among_band is not None and m.partition_size is not None:
        # Each band's ids from its own partition: through the parent table PostgreSQL would
        # spend longer planning (which partitions might hold which of 2,000 ids) than
        # reading them.
        bands: dict[int, list[int]] = {}
        for record_id in candidates:
            bands.setdefault(record_id // m.partition_size, []).append(record_id)
        sql = " UNION ALL ".join(
            f"SELECT record_id AS id, {m.rank_columns} FROM {m.among_band.format(band=band)}"
            for band in bands
        )
        params = list(bands.values())
    elif m.among is not None:
        sql = f"SELECT {m.id_column} AS id, {m.rank_columns} FROM {m.among}"
        params = [list(candidates)]
    else:
        sql = f"SELECT {m.id_column} AS id, {m.rank_columns} FROM {m.source}"
        params = list(m.params)
        for f in filters:
            sql += f" AND {_filter_condition(f, m.id_column, correlated=True)}"
            params += f.params
        sql += f" AND {m.id_column} >= %s"
        params.append(candidates[-1])
    order_by = m.order_by.replace("{lowest}", str(int(candidates[-1])))
    cursor.execute(
        f"SELECT c.id FROM ({sql}) c ORDER BY {order_by}, c.id DESC LIMIT {int(limit)} OFFSET {int(offset)}",
        params + m.order_params,
    )
    return [row[0] for row in cursor.fetchall()]


def _page_ids(cursor, query: SearchQuery, clauses: list[Clause], filters: list[_Sql], candidates: list[int]) -> list[int]:
    """One page of `candidates` (every match, or the `limit` newest, newest first) in the
    order the reader asked for."""
    limit, offset = max(0, int(query.limit)), max(0, int(query.offset))
    limit = max(0, min(limit, len(candidates) - offset))
    if limit == 0:
        return []
    if clauses and query.sort == Sort.RELEVANCE:
        window = _rank_window()
        if len(candidates) <= window:
            return _ranked_ids(cursor, clauses, filters, candidates=candidates, limit=limit, offset=offset)
        # Very common words: the newest `window` matches are ranked; pages past them go on
        # with the older matches, newest first, so every candidate stays reachable.
        ids: list[int] = []
        if offset < window:
            ids = _ranked_ids(
                cursor, clauses, filters, candidates=candidates[:window], limit=min(limit, window - offset), offset=offset
            )
        start = max(offset, window)
        return ids + candidates[start : start + limit - len(ids)]
    if query.sort not in _ORDER:  # relevance without words: newest first, as listed
        return candidates[offset : offset + limit]
    among = _among_ids(candidates, "r.id")
    cursor.execute(
        "SELECT r.id FROM catalog_record r LEFT JOIN search_document d ON d.record_id = r.id "
        f"WHERE {among.sql} ORDER BY {_ORDER[query.sort]} LIMIT {limit} OFFSET {offset}",
        among.params,
    )
    return [row[0] for row in cursor.fetchall()]


def _facet_counts(cursor, among: _Sql, facets: list[str]) -> dict[str, dict[str, int]]:
    """Counts of each value of `facets` over the records of `among` (a condition on
    record_id)."""
    counts: dict[str, dict[str, int]] = {f: {} for f in facets}
    if not facets:
        return counts
    # One facet: (record, facet) is a prefix of the primary key. Several: read all of each
    # candidate's rows by primary key and skip the unwanted ones here, rather than give the
    # planner a facet list that tempts it to scan the (facet, value) index instead.
    only = " AND facet = %s" if len(facets) == 1 else ""
    cursor.execute(
        f"SELECT facet, value, count(*) FROM search_facet WHERE {among.sql}{only} GROUP BY facet, value",
        [*among.params, *facets[:1]] if only else among.params,
    )
    for facet, value, count in cursor.fetchall():
        if facet in counts:
            counts[facet][value] = count
    return counts


def cross_script_enabled() -> bool:
    """Whether words match across scripts (docs/search.md, "Across scripts"): on unless
    settings.SEARCH_CROSS_SCRIPT is False."""
    return bool(getattr(settings, "SEARCH_CROSS_SCRIPT", True))


def _rank_window() -> int:
    return int(getattr(settings, "SEARCH_RANK_WINDOW", RANK_WINDOW))


def _among_ids(ids: list[int], column: str = "record_id") -> _Sql:
    """`column` is one of `ids`. On PostgreSQL one array parameter: a list of 1,000
    placeholders takes PostgreSQL longer to plan than the counting takes to run (6-7 ms
    against 3.5 ms for the whole facet query over a million records)."""
    if connection.vendor == "postgresql":
        return _Sql(f"{column} = ANY(%s)", [list(ids)])
    return _Sql(f"{column} IN ({_marks(ids)})", list(ids)) if ids else _Sql(f"{column} IN (NULL)", [])


def _among_matches(matches: _Sql) -> _Sql:
    return _Sql(f"record_id IN ({matches.sql})", matches.params)


def _facet_sample() -> int:
    return int(getattr(settings, "SEARCH_FACET_SAMPLE", FACET_SAMPLE))


def _facets(
    cursor, query: SearchQuery, clauses: list[Clause], limit: int, *, candidates: list[int], matched: int
) -> tuple[dict[str, list[FacetValue]], bool]:
    """Facet values with counts. A facet the reader filtered on is counted without its own
    filter, so that other values of it stay visible to widen the choice (OR within a facet).
    Counts are exact when at most the facet sample matches; above it they are counted over
    the newest sample of matches and scaled to the total (approximate, and said so)."""
    chosen = {f: tuple(v for v in query.filters.get(f, ()) if v) for f in FACETS}
    sample = min(_facet_sample(), limit)
    exact = True

    def scaled(counts: dict[str, dict[str, int]], matched: int) -> dict[str, dict[str, int]]:
        nonlocal exact
        if matched <= sample:
            return counts
        exact = False
        scale = min(matched, limit) / sample
        return {f: {v: max(1, round(c * scale)) for v, c in vc.items()} for f, vc in counts.items()}

    sampled = _among_ids(candidates[:sample])
    counts = scaled(_facet_counts(cursor, sampled, [f for f in FACETS if not chosen[f]]), matched)
    for facet in FACETS:
        if chosen[facet]:
            filters = _filter_sql({f: v for f, v in chosen.items() if f != facet})
            others = _count(cursor, _matches(clauses, filters, bound=None), limit)
            sampled_others = _among_matches(_matches(clauses, filters, bound=sample))
            counts.update(scaled(_facet_counts(cursor, sampled_others, [facet]), others))
    if chosen["branch"] and "availability" in counts and not chosen["availability"]:
        # With branches picked, "available" means available at one of them.
        cursor.execute(
            f"SELECT count(DISTINCT record_id) FROM search_facet WHERE facet = 'available_at' "
            f"AND value IN ({_marks(chosen['branch'])}) AND {sampled.sql}",
            [*chosen["branch"], *sampled.params],
        )
        available = scaled({"availability": {"available": cursor.fetchone()[0]}}, matched)["availability"]
        counts["availability"] = {k: v for k, v in available.items() if v}
    return {f: _facet_values(f, counts.get(f, {}), chosen[f]) for f in FACETS}, exact


def _label(facet: str, value: str, branches: dict[str, Branch]) -> str:
    if facet == "language":
        return language_name(value)
    if facet == "format":
        return str(Format(value).label) if value in Format.values else value
    if facet == "audience":
        return str(Audience(value).label) if value in Audience.values else value
    if facet == "branch":
        return branches[value].display_name() if value in branches else value
    if facet == "availability":
        return _("Available now")
    if facet == "year":
        return value.lstrip("0") or "0"
    return value


def _facet_values(facet: str, counts: dict[str, int], chosen: tuple[str, ...]) -> list[FacetValue]:
    branches = {b.code: b for b in Branch.objects.all()} if facet == "branch" else {}
    if facet == "year":
        return _year_values(counts, chosen)
    values = sorted(counts, key=lambda v: (-counts[v], v))[:FACET_SIZE]
    result = [FacetValue(v, _label(facet, v, branches), counts[v], v in chosen) for v in values]
    # A value the reader picked stays visible even when nothing matches it any more.
    result += [FacetValue(c, _label(facet, c, branches), 0, True) for c in chosen if c not in counts]
    return result


def _year_values(counts: dict[str, int], chosen: tuple[str, ...]) -> list[FacetValue]:
    """Years newest first; a year the reader picked is marked, a range the reader typed is
    shown as one value with the count inside it."""
    singles, ranges = set(), []
    for value in chosen:
        if m := _YEAR.match(value):
            if m.group(2):
                ranges.append((value, f"{int(m.group(1)):04d}", f"{int(m.group(2)):04d}"))
            else:
                singles.add(f"{int(m.group(1)):04d}")
    values = sorted(counts, reverse=True)[:FACET_SIZE]
    result = [FacetValue(v, _label("year", v, {}), counts[v], v in singles) for v in values]
    result += [FacetValue(y, _label("year", y, {}), 0, True) for y in sorted(singles - set(counts))]
    result += [
        FacetValue(text, text.strip(), sum(c for v, c in counts.items() if low <= v <= high), True)
        for text, low, high in ranges
    ]
    return result


def _hits(ids: list[int]) -> list[Hit]:
    records = {
        r.id: r
        for r in Record.objects.filter(id__in=ids).only(
            "id", "title", "subtitle", "authors", "year", "languages", "isbns", "format", "vernacular"
        )
    }
    availability = availability_for(ids)
    return [
        Hit(
            record_id=r.id,
            title=r.title,
            subtitle=r.subtitle,
            authors=list(r.authors),
            year=r.year,
            languages=list(r.languages),
            isbn=r.isbn,
            format=r.format,
            availability=availability.get(r.id, []),
            vernacular=list(r.vernacular or ()),
        )
        for rid in ids
        if (r := records.get(rid)) is not None
    ]


def search(query: SearchQuery) -> SearchResult:
    """Records matching `query`: one page of hits with availability per branch, the total
    (exact up to settings.SEARCH_EXACT_COUNT_LIMIT, else that limit with total_is_exact=False)
    and, if asked, facet counts. An empty text lists the records the filters select, newest
    first. Reads only."""
    limit = int(settings.SEARCH_EXACT_COUNT_LIMIT)
    clauses = parse(query.text, field=query.field, cross_script=cross_script_enabled())
    filters = _filter_sql(query.filters)
    with connection.cursor() as cursor:
        # The full-text match runs once here: the newest limit + 1 ids give the total, the
        # ranking window, the facet sample and every page that is not ranked.
        candidates = _newest_matches(cursor, clauses, filters, limit + 1)
        total = len(candidates)
        exact = total <= limit
        candidates = candidates[:limit]
        ids = _page_ids(cursor, query, clauses, filters, candidates)
        facets: dict[str, list[FacetValue]] = {}
        facets_exact = True
        if query.with_facets:
            facets, facets_exact = _facets(cursor, query, clauses, limit, candidates=candidates, matched=total)
    return SearchResult(
        total=min(total, limit),
        total_is_exact=exact,
        hits=_hits(ids),
        facets=facets,
        query=query,
        facets_are_exact=facets_exact,
    )


def matching_ids(query: SearchQuery, *, chunk: int = 1000) -> Iterator[int]:
    """Ids of every record matching `query`'s text and filters, newest first, without the
    bound of `search` (for exports and batch jobs, not for people waiting on a page). Reads in
    chunks by id, so the cost per chunk stays flat however many records match."""
    clauses = parse(query.text, field=query.field, cross_script=cross_script_enabled())
    matches = _matches(clauses, _filter_sql(query.filters), bound=None)
    last: int | None = None
    while True:
        after = "" if last is None else "WHERE t.id < %s "
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT t.id FROM ({matches.sql}) t {after}ORDER BY t.id DESC LIMIT {int(chunk)}",
                matches.params + ([] if last is None else [last]),
            )
            ids = [row[0] for row in cursor.fetchall()]
        yield from ids
        if len(ids) < chunk:
            return
        last = ids[-1]
