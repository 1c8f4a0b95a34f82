"""The newest matches of a search, wherever their record ids lie: on PostgreSQL the index is
partitioned in bands of record ids and searched from the newest band back (docs/search.md);
the answers must be those of one ordered query over everything."""

from __future__ import annotations

import pytest
from django.db import connection

from bibliohub.search.backends.postgresql import PARTITION_SIZE
from bibliohub.search.indexing import index_records
from bibliohub.search.service import matching_ids, search
from bibliohub.search.types import SearchQuery
from tests.search.conftest import add_item, make_record

pytestmark = pytest.mark.django_db
BAND = PARTITION_SIZE


def _records(title: str, ids: list[int]) -> list[int]:
    for record_id in ids:
        make_record(title, id=record_id)
    index_records(ids)
    return ids


def _page_ids(text: str) -> set[int]:
    return {hit.record_id for hit in search(SearchQuery(text=text, limit=100)).hits}


def test_the_newest_matches_are_found_across_bands_with_empty_bands_between(settings):
    ids = _records("Harbour lights", [10, BAND + 10, 2 * BAND + 10, 5 * BAND + 3, 5 * BAND + 7])
    newest_first = sorted(ids, reverse=True)
    assert list(matching_ids(SearchQuery(text="harbour"))) == newest_first
    assert search(SearchQuery(text="harbour")).total == 5
    for limit in (1, 2, 3, 4):
        settings.SEARCH_EXACT_COUNT_LIMIT = limit
        result = search(SearchQuery(text="harbour", limit=100))
        assert (result.total, result.total_is_exact) == (limit, False)
        assert {hit.record_id for hit in result.hits} == set(newest_first[:limit])


def test_a_word_only_in_the_oldest_band_is_found_behind_newer_records():
    _records("Lighthouse keeper", [3, 4])
    _records("Harbour lights", [7 * BAND + 1])
    assert _page_ids("keeper") == {3, 4}
    assert search(SearchQuery(text="keeper")).total == 2


def test_a_common_newest_band_and_a_sparse_older_one_give_exactly_the_newest(settings):
    newest = _records("Morning tide", list(range(4 * BAND + 100, 4 * BAND + 130)))
    older = _records("Morning tide", [BAND + 5, BAND + 6, BAND + 7, 20, 21])
    settings.SEARCH_EXACT_COUNT_LIMIT = 32
    result = search(SearchQuery(text="tide", limit=100))
    assert not result.total_is_exact
    assert {hit.record_id for hit in result.hits} == set(newest) | {BAND + 6, BAND + 7}
    settings.SEARCH_EXACT_COUNT_LIMIT = 100
    assert search(SearchQuery(text="tide")).total == len(newest) + len(older)


def test_filters_apply_in_every_band(central, book_type):
    ids = _records("River song", [30, 3 * BAND + 30])
    add_item(make_record("River song", id=6 * BAND), central, book_type)
    index_records([6 * BAND])
    result = search(SearchQuery(text="river", filters={"branch": ("central",)}))
    assert [hit.record_id for hit in result.hits] == [6 * BAND]
    assert search(SearchQuery(text="river")).total == len(ids) + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")
def test_indexing_creates_the_partitions_up_to_one_band_ahead():
    _records("Far away", [9 * BAND + 1])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'search_document'::regclass"
        )
        names = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT tableoid::regclass::text FROM search_document WHERE record_id = %s", [9 * BAND + 1])
        (home,) = cursor.fetchone()
    assert names == {f"search_document_p{band}" for band in range(11)}
    assert home == "search_document_p9"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")
def test_two_writers_entering_a_new_band_at_once_both_succeed(on_a_database_file):
    from django.db import transaction

    from tests.concurrency import race

    first, second = 20 * BAND + 1, 20 * BAND + 2

    def write(record_id: int):
        with transaction.atomic():
            make_record("Two at once", id=record_id)
            index_records([record_id])
        return record_id

    try:
        outcomes = race(lambda: write(first), lambda: write(second))
        assert outcomes == [first, second], outcomes
        assert _page_ids("once") == {first, second}
    finally:
        # This test commits: leave the database as the other tests expect it.
        from bibliohub.catalog.models import Record

        Record.objects.filter(id__in=[first, second]).delete()
        with connection.cursor() as cursor:
            for band in range(2, 22):
                cursor.execute(f"DROP TABLE IF EXISTS search_document_p{band}")
