"""Searching through the service on the database in use (SQLite FTS5, or PostgreSQL when
BIBLIOHUB_DATABASE_URL points at it)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from bibliohub.catalog.models import ItemStatus
from bibliohub.search.indexing import index_records, rebuild, remove_records
from bibliohub.search.service import search
from bibliohub.search.types import Field, SearchQuery, Sort


def ids(result) -> list[int]:
    return [h.record_id for h in result.hits]


def found(text: str, **kwargs) -> list[int]:
    return ids(search(SearchQuery(text=text, **kwargs)))


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("duong kach menh", "duong"),
        ("Đường Kách Mệnh", "duong"),
        ("ĐƯỜNG", "duong"),
        ("lodz", "lodz"),
        ("LODZ przewodnik", "lodz"),
        ("Солом'янська", "solom"),
        ("Соломʼянська", "solom"),
        ("соломянська", "solom"),
        ("红楼", "honglou"),
        ("红楼梦", "honglou"),
        ("楼梦", "honglou"),
        ("梦", "honglou"),
        ("曹雪芹", "honglou"),
        ("tolstoy", "war"),
    ],
)
def test_a_reader_finds_a_record_whatever_script_and_keyboard(shelf, typed, key):
    assert found(typed) == [shelf[key].id]


def test_a_word_not_in_the_catalogue_finds_nothing(shelf):
    result = search(SearchQuery(text="xylophone"))
    assert result.hits == [] and result.total == 0 and result.total_is_exact


def test_bigrams_must_be_adjacent(shelf, record_factory):
    other = record_factory("红色的楼梦想", languages=["chi"])
    index_records([other.id])
    # "红楼" is not a bigram of the second title even though both characters appear.
    assert found("红楼") == [shelf["honglou"].id]
    assert set(found("红")) == {shelf["honglou"].id, other.id}


def test_a_title_match_ranks_above_an_author_match_above_a_subject_match(record_factory):
    subject = record_factory("Essays", subjects=["Bronte sisters"], created=1)
    author = record_factory("Poems", authors=["Bronte, Anne"], created=2)
    title = record_factory("The Bronte story", created=3)
    other = record_factory("Letters", summary="A note on Bronte", created=4)
    index_records([subject.id, author.id, title.id, other.id])
    assert found("bronte") == [title.id, author.id, subject.id, other.id]


def test_a_quoted_phrase_needs_its_words_together_and_in_order(shelf):
    assert found('"war and peace"') == [shelf["war"].id]
    assert found('"peace and war"') == []
    # Unquoted, both records with both words match.
    assert set(found("war peace")) == {shelf["war"].id, shelf["peace"].id}


def test_a_phrase_does_not_run_from_one_field_into_the_next(record_factory):
    record = record_factory("Winter", authors=["Tale, Anna"])
    index_records([record.id])
    assert found('"winter tale"') == []
    assert found("winter tale") == [record.id]


def test_author_and_subject_prefixes_search_only_their_field(shelf):
    assert found("author:tolstoy") == [shelf["war"].id]
    assert found("subject:tolstoy") == []
    # No stemming: "Napoleonic Wars" is not "war".
    assert found("subject:war") == [shelf["peace"].id]
    assert found("subject:wars") == [shelf["war"].id]
    assert found("title:war") == [shelf["war"].id]
    assert found("author:Smith peace") == [shelf["peace"].id]


def test_the_field_of_the_query_applies_to_unprefixed_words(shelf):
    assert found("war", field=Field.TITLE) == [shelf["war"].id]
    assert found("war", field=Field.SUBJECT) == [shelf["peace"].id]


@pytest.mark.parametrize(
    "typed", ["978-0-14-044793-4", "9780140447934", "0-14-044793-8", "0140447938", "isbn:0140447938"]
)
def test_isbn_10_or_13_with_or_without_hyphens_finds_the_book(shelf, typed):
    assert found(typed) == [shelf["war"].id]


def test_isbn_prefix_searches_only_isbns(shelf, record_factory):
    record = record_factory("Numbers", summary="9787020002207")
    index_records([record.id])
    assert found("isbn:9787020002207") == [shelf["honglou"].id]


def test_language_filter(shelf):
    assert found("", filters={"language": ("eng",)}) == [shelf["peace"].id, shelf["war"].id]
    assert found("", filters={"language": ("eng", "pol")}) == [shelf["peace"].id, shelf["war"].id, shelf["lodz"].id]
    assert found("peace", filters={"language": ("chi",)}) == []


def test_format_and_audience_filters(shelf):
    assert found("", filters={"format": ("map",)}) == [shelf["lodz"].id]
    assert found("", filters={"audience": ("children", "young_adult")}) == [shelf["peace"].id, shelf["honglou"].id]


def test_branch_filter_counts_copies_that_are_still_in_the_collection(shelf):
    assert found("", filters={"branch": ("riverside",)}) == [
        shelf["war"].id, shelf["honglou"].id, shelf["solom"].id, shelf["lodz"].id,
    ]
    # The only copy of "Peace in our time" was withdrawn.
    assert shelf["peace"].id not in found("", filters={"branch": ("central",)})


def test_availability_filter_alone_and_at_a_branch(shelf):
    available = found("", filters={"availability": ("available",)})
    assert available == [shelf["war"].id, shelf["honglou"].id, shelf["solom"].id, shelf["duong"].id]
    at_central = found("", filters={"availability": ("available",), "branch": ("central",)})
    # War and peace is on loan at the central library, on the shelf at Riverside.
    assert at_central == [shelf["solom"].id, shelf["duong"].id]


@pytest.mark.parametrize(
    ("years", "keys"),
    [
        (("1999",), ["peace"]),
        (("1990-2010",), ["peace", "war"]),
        (("2010-1990",), ["peace", "war"]),
        (("1927", "1982"), ["honglou", "duong"]),
        (("nonsense",), ["peace", "war", "honglou", "solom", "lodz", "duong"]),
    ],
)
def test_year_filter_takes_a_year_or_a_range(shelf, years, keys):
    assert found("", filters={"year": years}) == [shelf[k].id for k in keys]


def test_filters_combine_with_text(shelf):
    assert found("war", filters={"language": ("eng",), "audience": ("children",)}) == [shelf["peace"].id]


@pytest.mark.parametrize(
    ("sort", "keys"),
    [
        (Sort.YEAR_DESC, ["solom", "lodz", "war", "peace", "honglou", "duong"]),
        (Sort.YEAR_ASC, ["duong", "honglou", "peace", "war", "lodz", "solom"]),
        (Sort.NEWEST, ["peace", "war", "honglou", "solom", "lodz", "duong"]),
        (Sort.TITLE, ["duong", "lodz", "peace", "war", "solom", "honglou"]),
    ],
)
def test_sorting(shelf, sort, keys):
    assert found("", sort=sort) == [shelf[k].id for k in keys]


def test_sorting_a_text_search(shelf):
    assert found("war", sort=Sort.YEAR_ASC) == [shelf["peace"].id, shelf["war"].id]
    assert found("war", sort=Sort.TITLE) == [shelf["peace"].id, shelf["war"].id]


def test_paging(shelf):
    everything = found("", sort=Sort.NEWEST)
    pages = [found("", sort=Sort.NEWEST, offset=o, limit=4) for o in (0, 4, 8)]
    assert pages[0] + pages[1] == everything and pages[2] == []
    result = search(SearchQuery(text="", offset=4, limit=4))
    assert result.total == 6 and result.total_is_exact


def test_hits_carry_the_record_and_its_availability_per_branch(shelf):
    [hit] = search(SearchQuery(text="war and peace")).hits
    assert (hit.title, hit.authors, hit.year, hit.languages, hit.isbn) == (
        "War and peace", ["Tolstoy, Leo"], 2006, ["eng"], "978-0-14-044793-4",
    )
    assert [(a.branch_code, a.available, a.total) for a in hit.availability] == [
        ("central", 0, 1), ("riverside", 1, 1),
    ]


def test_a_page_of_hits_costs_a_fixed_number_of_queries(shelf, record_factory, item_factory, central, book_type):
    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            search(SearchQuery(text="", limit=limit))
        return len(ctx.captured_queries)

    assert queries(2) == queries(6)


def test_facets_count_the_matches_with_labels_in_the_reader_language(shelf):
    with translation.override("en"):
        result = search(SearchQuery(text=""))
    facets = {name: {v.value: (v.label, v.count) for v in values} for name, values in result.facets.items()}
    assert facets["language"] == {
        "eng": ("English", 2), "chi": ("Chinese", 1), "pol": ("Polish", 1), "ukr": ("Ukrainian", 1),
        "vie": ("Vietnamese", 1),
    }
    assert facets["format"] == {"book": ("Book", 5), "map": ("Map", 1)}
    assert facets["audience"]["young_adult"] == ("Teenagers", 1)
    assert facets["branch"] == {"central": ("Central Library", 3), "riverside": ("Riverside Branch", 4)}
    assert facets["availability"] == {"available": ("Available now", 4)}
    assert [v.value for v in result.facets["year"]] == ["2019", "2015", "2006", "1999", "1982", "1927"]
    assert result.facets_are_exact


def test_branch_facet_labels_follow_the_ui_language(shelf):
    with translation.override("uk"):
        result = search(SearchQuery(text="", filters={"branch": ("central",)}))
    central = next(v for v in result.facets["branch"] if v.value == "central")
    assert central.label == "Центральна бібліотека" and central.selected


def test_a_filtered_facet_still_offers_its_other_values(shelf):
    result = search(SearchQuery(text="", filters={"language": ("eng",)}))
    languages = {v.value: (v.count, v.selected) for v in result.facets["language"]}
    assert languages["eng"] == (2, True)
    assert languages["pol"] == (1, False)
    # Other facets count only the filtered records.
    assert {v.value: v.count for v in result.facets["format"]} == {"book": 2}


def test_availability_facet_counts_copies_at_the_picked_branches(shelf):
    result = search(SearchQuery(text="", filters={"branch": ("central",)}))
    assert [(v.value, v.count) for v in result.facets["availability"]] == [("available", 2)]


def test_a_picked_year_range_is_shown_with_its_count(shelf):
    result = search(SearchQuery(text="", filters={"year": ("1990-2010",)}))
    assert ("1990-2010", 2, True) in [(v.value, v.count, v.selected) for v in result.facets["year"]]


def test_above_the_exact_limit_totals_and_facets_say_they_are_bounded(shelf, settings):
    settings.SEARCH_EXACT_COUNT_LIMIT = 3
    result = search(SearchQuery(text=""))
    assert (result.total, result.total_is_exact, result.facets_are_exact) == (3, False, False)
    # Facets cover the three newest records only.
    assert sum(v.count for v in result.facets["language"]) == 3
    ranked = search(SearchQuery(text="war"))
    assert ranked.total_is_exact and ids(ranked) == [shelf["war"].id, shelf["peace"].id]
    settings.SEARCH_EXACT_COUNT_LIMIT = 1
    bounded = search(SearchQuery(text="war"))
    assert not bounded.total_is_exact and ids(bounded) == [shelf["peace"].id]


def test_the_index_follows_an_item_status_change(shelf):
    item = shelf["duong"].items.get()
    item.status = ItemStatus.ON_LOAN
    item.save()
    assert shelf["duong"].id in found("", filters={"availability": ("available",)})
    index_records([shelf["duong"].id])
    assert shelf["duong"].id not in found("", filters={"availability": ("available",)})
    [hit] = search(SearchQuery(text="duong")).hits
    assert hit.available_count == 0


def test_refreshing_holdings_moves_a_record_between_available_and_not(shelf, riverside):
    from bibliohub.search.indexing import refresh_holdings

    item = shelf["duong"].items.get()
    item.status = ItemStatus.ON_LOAN
    item.save()
    refresh_holdings([shelf["duong"].id])
    assert shelf["duong"].id not in found("", filters={"availability": ("available",)})
    assert shelf["duong"].id in found("duong")  # the text index is untouched
    item.status = ItemStatus.AVAILABLE
    item.branch = riverside
    item.save()
    refresh_holdings([shelf["duong"].id])
    assert shelf["duong"].id in found("", filters={"availability": ("available",), "branch": ("riverside",)})
    assert shelf["duong"].id not in found("", filters={"branch": ("central",)})


def test_the_index_follows_a_record_edit(shelf):
    record = shelf["lodz"]
    record.title = "Kraków i okolice"
    record.languages = ["ger"]
    record.save()
    index_records([record.id])
    assert found("title:lodz") == []
    assert found("krakow") == [record.id]
    assert found("", filters={"language": ("ger",)}) == [record.id]
    assert found("", filters={"language": ("pol",)}) == []


def test_removed_and_deleted_records_leave_the_index(shelf):
    remove_records([shelf["war"].id])
    assert found("tolstoy") == []
    shelf["honglou"].delete()
    index_records([shelf["honglou"].id])
    assert found("红楼") == []


def test_rebuild_indexes_everything_again(shelf):
    calls = []
    assert rebuild(progress=lambda done, total: calls.append((done, total))) == 6
    assert calls[-1] == (6, 6)
    assert found("lodz") == [shelf["lodz"].id]
    assert found("", filters={"language": ("eng",)}) == [shelf["peace"].id, shelf["war"].id]


def test_matching_ids_lists_every_match_beyond_the_bound(shelf, settings):
    from bibliohub.search.service import matching_ids

    settings.SEARCH_EXACT_COUNT_LIMIT = 1
    everything = [shelf[k].id for k in ("peace", "war", "honglou", "solom", "lodz", "duong")]
    assert list(matching_ids(SearchQuery(text=""), chunk=4)) == everything
    assert list(matching_ids(SearchQuery(text="war"), chunk=1)) == [shelf["peace"].id, shelf["war"].id]
    assert list(matching_ids(SearchQuery(text="", filters={"language": ("eng",)}))) == [shelf["peace"].id, shelf["war"].id]


def test_only_the_newest_matches_are_ranked_when_a_word_is_very_common(record_factory, settings):
    older_title = record_factory("Bronte", created=1)
    newer_subject = record_factory("Essays", subjects=["Bronte"], created=2)
    newest_author = record_factory("Poems", authors=["Bronte, Anne"], created=3)
    index_records([older_title.id, newer_subject.id, newest_author.id])
    assert found("bronte") == [older_title.id, newest_author.id, newer_subject.id]
    settings.SEARCH_RANK_WINDOW = 2
    # The two newest are ranked; the older title match follows them, so paging reaches it.
    assert found("bronte") == [newest_author.id, newer_subject.id, older_title.id]
    assert found("bronte", offset=1, limit=2) == [newer_subject.id, older_title.id]
    assert found("bronte", offset=2, limit=5) == [older_title.id]


def test_facets_above_the_sample_are_scaled_to_the_total_and_flagged(shelf, settings):
    settings.SEARCH_FACET_SAMPLE = 3
    result = search(SearchQuery(text=""))
    assert result.total_is_exact and not result.facets_are_exact
    # Three newest records counted, scaled by 6/3.
    assert sum(v.count for v in result.facets["language"]) == 6
    assert {v.value: v.count for v in result.facets["language"]} == {"eng": 4, "chi": 2}
