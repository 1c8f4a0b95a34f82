"""SRU 1.2 and 2.0 over the test client: explain, searchRetrieve through the OPAC's search,
scan, paging, and a diagnostic (never a server error) for every bad query or parameter."""

from __future__ import annotations

import pytest

from bibliohub.catalog import services as catalog
from tests.interop.sru.conftest import CATALOGUER, NS, START, diagnostics, titles

pytestmark = pytest.mark.django_db


def test_explain_names_the_indexes_and_schemas(sru, shelf):
    root = sru(operation="explain", version="1.2")
    assert root.tag == f"{{{NS['zs']}}}explainResponse"
    names = [(e.get("set"), e.text) for e in root.iterfind(".//ex:index/ex:map/ex:name", NS)]
    assert ("dc", "title") in names and ("bath", "issn") in names and ("rec", "id") in names
    schemas = [e.get("name") for e in root.iterfind(".//ex:schemaInfo/ex:schema", NS)]
    assert schemas == ["marcxml", "dc"]


def test_a_request_without_operation_is_explained(sru, shelf):
    assert sru().tag == f"{{{NS['zs']}}}explainResponse"


def test_a_title_search_returns_marcxml(sru, shelf):
    root = sru(operation="searchRetrieve", version="1.2", query='dc.title = "war and peace"')
    assert root.findtext("zs:numberOfRecords", namespaces=NS) == "1"
    assert titles(root) == ["War and peace"]
    assert root.findtext(".//zs:recordSchema", namespaces=NS) == "info:srw/schema/1/marcxml-v1.1"
    assert root.findtext(".//zs:recordPosition", namespaces=NS) == "1"


def test_records_in_dublin_core(sru, shelf):
    root = sru(
        operation="searchRetrieve", version="1.2", query="dc.creator = tolstoy", recordSchema="dc"
    )
    assert titles(root) == ["War and peace"]
    assert root.findtext(".//dc:creator", namespaces=NS) == "Tolstoy, Leo"


def test_sru_2_answers_in_its_own_namespace(sru, shelf):
    root = sru(version="2.0", query="dc.subject = rivers", recordXMLEscaping="xml")
    assert root.tag == f"{{{NS['sru']}}}searchRetrieveResponse"
    assert root.findtext("sru:numberOfRecords", namespaces=NS) == "1"
    assert root.findtext(".//sru:recordXMLEscaping", namespaces=NS) == "xml"


def test_string_packing_sends_the_record_as_text(sru, shelf):
    root = sru(
        operation="searchRetrieve",
        version="1.2",
        query="bath.isbn = 9780140447934",
        recordPacking="string",
    )
    assert "War and peace" in root.findtext(".//zs:recordData", namespaces=NS)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("war", {"war", "peace"}),
        ('cql.serverChoice all "war peace"', {"war", "peace"}),
        ('dc.title any "river кобзар"', {"river", "kobzar"}),
        ("war not dc.title = peace", set()),
        ("war and not_a_word", set()),
        ("dc.title = war or dc.title = 红楼梦", {"war", "honglou"}),
        ("(dc.title = war or dc.title = river) and dc.creator = kowalski", {"river"}),
        ("dc.creator = шевченко", {"kobzar"}),
        ('dc.title = "truyen kieu"', {"kieu"}),
        ("bath.isbn = 0140447938", {"war"}),
        ("dc.title == peace not dc.subject = prevention", {"war"}),
    ],
)
def test_cql_queries_find_what_the_opac_finds(sru, shelf, query, expected):
    root = sru(operation="searchRetrieve", version="1.2", query=query, maximumRecords="50")
    assert diagnostics(root) == []
    found = set(titles(root))
    assert found == {shelf[key].title for key in expected}
    assert root.findtext("zs:numberOfRecords", namespaces=NS) == str(len(expected))


def test_rec_id_finds_one_record(sru, shelf):
    root = sru(operation="searchRetrieve", version="1.2", query=f"rec.id = {shelf['kieu'].pk}")
    assert titles(root) == ["Truyện Kiều"]


def test_paging_with_start_record_and_maximum_records(sru, shelf):
    query = "dc.title = war or dc.title = peace or dc.title = river"
    first = sru(operation="searchRetrieve", version="1.2", query=query, maximumRecords="2")
    assert first.findtext("zs:numberOfRecords", namespaces=NS) == "3"
    assert first.findtext("zs:nextRecordPosition", namespaces=NS) == "3"
    second = sru(
        operation="searchRetrieve", version="1.2", query=query, maximumRecords="2", startRecord="3"
    )
    assert second.findtext("zs:nextRecordPosition", namespaces=NS) is None
    assert second.findtext(".//zs:recordPosition", namespaces=NS) == "3"
    assert len(set(titles(first)) | set(titles(second))) == 3
    counted = sru(operation="searchRetrieve", version="1.2", query=query, maximumRecords="0")
    assert counted.findtext("zs:numberOfRecords", namespaces=NS) == "3" and titles(counted) == []


@pytest.mark.parametrize(
    ("query", "sort_keys", "expected"),
    [
        # the plain-words path: one ranked search, sorted instead
        ("war or peace or river sortBy dc.title", "", ["river", "peace", "war"]),
        (
            "dc.title = war or dc.title = peace or dc.title = river sortBy dc.date/sort.descending",
            "",
            ["river", "war", "peace"],
        ),
        (
            "dc.title = war or dc.title = peace or dc.title = river sortBy dc.date",
            "",
            ["peace", "war", "river"],
        ),
        # SRU 1.x sortKeys: path, schema, ascending
        (
            "dc.title = war or dc.title = peace or dc.title = river",
            "date,,0",
            ["river", "war", "peace"],
        ),
        (
            "dc.title = war or dc.title = peace or dc.title = river",
            "dc.title,,1",
            ["river", "peace", "war"],
        ),
        # one ranked search (a conjunction of words) sorted
        ("peace sortBy dc.date/sort.ascending", "", ["peace", "war"]),
        ("peace", "date,,0", ["war", "peace"]),
        # by author, either way, for a ranked search too
        ("dc.title = war or dc.title = peace or dc.title = river sortBy dc.creator", "", ["river", "peace", "war"]),
        ("peace sortBy dc.creator/sort.descending", "", ["war", "peace"]),
        ("peace", "creator,,1", ["peace", "war"]),
        # the newest added first
        (
            "dc.title = war or dc.title = peace or dc.title = river sortBy rec.creationDate/sort.descending",
            "",
            ["river", "peace", "war"],
        ),
    ],
)
def test_sorted_by_title_date_or_when_added(sru, shelf, query, sort_keys, expected):
    params = {
        "operation": "searchRetrieve",
        "version": "1.2",
        "query": query,
        "maximumRecords": "50",
    }
    if sort_keys:
        params["sortKeys"] = sort_keys
    root = sru(**params)
    assert diagnostics(root) == []
    assert titles(root) == [shelf[key].title for key in expected]


def test_sorted_pages_follow_on(sru, shelf):
    query = "dc.title = war or dc.title = peace or dc.title = river sortBy dc.title"
    first = sru(operation="searchRetrieve", version="2.0", query=query, maximumRecords="2")
    second = sru(
        operation="searchRetrieve", version="2.0", query=query, maximumRecords="2", startRecord="3"
    )
    assert titles(first) + titles(second) == [
        "A history of the river",
        "Peace in our time",
        "War and peace",
    ]


def test_explain_says_which_indexes_sort(sru, shelf):
    root = sru(operation="explain", version="1.2")
    sortable = {
        index.findtext("ex:map/ex:name", namespaces=NS)
        for index in root.iterfind(".//ex:indexInfo/ex:index", NS)
        if index.get("sort") == "true"
    }
    assert sortable == {"title", "creator", "date", "creationDate"}


def test_a_deleted_record_is_not_found(sru, shelf):
    catalog.delete_record(shelf["river"], actor=CATALOGUER, at=START.replace(hour=12))
    root = sru(operation="searchRetrieve", version="1.2", query=f"rec.id = {shelf['river'].pk}")
    assert root.findtext("zs:numberOfRecords", namespaces=NS) == "0"


def test_scan_lists_titles_from_the_term(sru, shelf):
    root = sru(operation="scan", version="1.2", scanClause="dc.title = P", maximumTerms="3")
    assert [e.text for e in root.iterfind(".//zs:term/zs:value", NS)] == [
        "Peace in our time",
        "Truyện Kiều",
        "War and peace",
    ]
    assert root.findtext(".//zs:term/zs:numberOfRecords", namespaces=NS) == "1"
    root = sru(
        operation="scan",
        version="1.2",
        scanClause="dc.title = P",
        maximumTerms="2",
        responsePosition="2",
    )
    assert [e.text for e in root.iterfind(".//zs:term/zs:value", NS)] == [
        "A history of the river",
        "Peace in our time",
    ]


@pytest.mark.parametrize(
    ("params", "number"),
    [
        ({"operation": "searchRetrieve", "version": "1.2"}, 7),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "(war"}, 10),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "dc.title ="}, 10),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "foo.title = war"}, 15),
        ({"operation": "searchRetrieve", "version": "1.2", "query": '> dc="x" dc.title = war'}, 15),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "dc.publisher = penguin"}, 16),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "dc.title < war"}, 19),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "dc.title =/stem war"}, 20),
        ({"operation": "searchRetrieve", "version": "1.2", "query": 'dc.title = ""'}, 27),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "dc.title = *ar"}, 28),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "dc.title = w*r"}, 28),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "dc.title = wa?"}, 28),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "bath.isbn = 978014*"}, 28),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "dc.title = 红楼*"}, 28),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "dc.title = w*"}, 29),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "dc.title = ^war"}, 31),
        ({"operation": "searchRetrieve", "version": "1.2", "query": 'dc.title = "war and peace^"'}, 31),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "rec.id = seven"}, 36),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "war prox peace"}, 39),
        (
            {"operation": "searchRetrieve", "version": "1.2", "query": "war and/rel.algo=x peace"},
            46,
        ),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "war sortBy dc.subject"}, 88),
        (
            {
                "operation": "searchRetrieve",
                "version": "1.2",
                "query": "war sortBy dc.title/sort.descending",
            },
            90,
        ),
        (
            {
                "operation": "searchRetrieve",
                "version": "1.2",
                "query": "war sortBy dc.title/sort.respectCase",
            },
            91,
        ),
        (
            {
                "operation": "searchRetrieve",
                "version": "1.2",
                "query": "war sortBy dc.title/sort.locale=fr",
            },
            82,
        ),
        (
            {
                "operation": "searchRetrieve",
                "version": "1.2",
                "query": "war sortBy dc.title dc.date",
            },
            84,
        ),
        (
            {
                "operation": "searchRetrieve",
                "version": "1.2",
                "query": "war sortBy dc.title",
                "sortKeys": "title,,1",
            },
            80,
        ),
        (
            {
                "operation": "searchRetrieve",
                "version": "1.2",
                "query": "war",
                "sortKeys": "title,,1 date,,0",
            },
            84,
        ),
        (
            {
                "operation": "searchRetrieve",
                "version": "1.2",
                "query": "war",
                "sortKeys": "title,mods,1",
            },
            87,
        ),
        (
            {
                "operation": "searchRetrieve",
                "version": "1.2",
                "query": "war",
                "sortKeys": "publisher,,1",
            },
            88,
        ),
        (
            {
                "operation": "searchRetrieve",
                "version": "1.2",
                "query": "war",
                "sortKeys": "title,,1,1",
            },
            91,
        ),
        ({"version": "2.0", "query": "war", "sortKeys": "title,,1"}, 8),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "war", "startRecord": "0"}, 6),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "war", "startRecord": "x"}, 6),
        (
            {
                "operation": "searchRetrieve",
                "version": "1.2",
                "query": "war",
                "maximumRecords": "-1",
            },
            6,
        ),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "war", "startRecord": "9"}, 61),
        (
            {
                "operation": "searchRetrieve",
                "version": "1.2",
                "query": "war",
                "recordSchema": "mods",
            },
            66,
        ),
        (
            {
                "operation": "searchRetrieve",
                "version": "1.2",
                "query": "war",
                "recordPacking": "json",
            },
            71,
        ),
        (
            {"operation": "searchRetrieve", "version": "1.2", "query": "war", "recordXPath": "/a"},
            72,
        ),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "war", "colour": "red"}, 8),
        ({"version": "2.0", "query": "war", "queryType": "pqf"}, 11),
        ({"operation": "searchRetrieve", "version": "3.0", "query": "war"}, 5),
        ({"operation": "update", "version": "1.2"}, 4),
        ({"operation": "scan", "version": "1.2"}, 7),
        ({"operation": "scan", "version": "1.2", "scanClause": "dc.publisher = war"}, 16),
        ({"operation": "scan", "version": "1.2", "scanClause": "dc.title = wa*"}, 28),
        ({"operation": "scan", "version": "1.2", "scanClause": "dc.title < war"}, 19),
        ({"operation": "scan", "version": "1.2", "scanClause": "rec.id = seven"}, 36),
        (
            {
                "operation": "scan",
                "version": "1.2",
                "scanClause": "dc.title = a",
                "maximumTerms": "0",
            },
            6,
        ),
    ],
)
def test_every_bad_query_or_parameter_is_a_diagnostic(sru, shelf, params, number):
    root = sru(**params)
    assert diagnostics(root) == [f"info:srw/diagnostic/1/{number}"]


def test_a_diagnostic_in_sru_2_uses_its_namespace(sru, shelf):
    root = sru(version="2.0", query="(war")
    assert [e.text for e in root.iterfind(".//diag2:uri", NS)] == ["info:srw/diagnostic/1/10"]
    assert root.findtext("sru:numberOfRecords", namespaces=NS) == "0"
