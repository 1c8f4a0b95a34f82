"""CQL masking over the OPAC's search (right truncation; diagnostics for the rest) and scan
of every index searchRetrieve offers."""

from __future__ import annotations

import pytest

from tests.interop.sru.conftest import NS, diagnostics, titles

pytestmark = pytest.mark.django_db


def found(sru, query: str) -> list[str]:
    root = sru(operation="searchRetrieve", version="1.2", query=query, maximumRecords="50")
    assert diagnostics(root) == [], query
    return sorted(titles(root))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dc.title = pea*", ["Peace in our time", "War and peace"]),
        ("dc.title = hist*", ["A history of the river"]),
        ("dc.creator = tolst*", ["War and peace"]),
        ("dc.creator = Шевч*", ["Кобзар"]),
        ("dc.title all \"war pea*\"", ["War and peace"]),
        ('dc.title = "war and pea*"', ["War and peace"]),
        ("dc.title any \"riv* pea*\"", ["A history of the river", "Peace in our time", "War and peace"]),
        ("pea* not dc.creator = smith", ["War and peace"]),
        ("truy*", ["Truyện Kiều"]),
    ],
)
def test_a_word_ending_in_a_star_is_truncated_on_the_right(sru, shelf, query, expected):
    assert found(sru, query) == expected


def test_an_escaped_star_is_taken_literally(sru, shelf):
    root = sru(operation="searchRetrieve", version="1.2", query=r"dc.title = pea\*")
    assert diagnostics(root) == []
    # "pea" is a word of no title: the star was not a truncation.
    assert root.findtext("zs:numberOfRecords", namespaces=NS) == "0"


def test_explain_lists_the_masking_it_supports_and_the_scanned_indexes(sru, shelf):
    root = sru(operation="explain", version="1.2")
    supports = {e.get("type"): e.text for e in root.iterfind(".//ex:configInfo/ex:supports", NS)}
    assert supports["maskingCharacter"] == "*"
    assert "anchoring" not in supports
    scanned = {
        index.findtext("ex:map/ex:name", namespaces=NS)
        for index in root.iterfind(".//ex:indexInfo/ex:index", NS)
        if index.get("scan") == "true"
    }
    assert scanned == {"serverChoice", "title", "creator", "subject", "isbn", "issn", "id"}


def scanned(sru, clause: str, **params: str) -> list[tuple[str, str]]:
    root = sru(operation="scan", version="1.2", scanClause=clause, **params)
    assert diagnostics(root) == [], clause
    return [
        (term.findtext("zs:value", namespaces=NS), term.findtext("zs:numberOfRecords", namespaces=NS))
        for term in root.iterfind(".//zs:term", NS)
    ]


def test_scan_lists_authors_with_their_records(sru, shelf):
    assert scanned(sru, "dc.creator = n", maximumTerms="3") == [
        ("Nguyễn Du", "1"), ("Smith, Anna", "1"), ("Tolstoy, Leo", "1"),
    ]


def test_scan_lists_subjects_and_counts_a_subject_once_per_record(sru, shelf):
    assert scanned(sru, "dc.subject = P", maximumTerms="2") == [("Poetry", "1"), ("Rivers", "1")]


def test_scan_of_the_isbn_index_reads_hyphens_as_nothing(sru, shelf):
    assert scanned(sru, "bath.isbn = 978-0", maximumTerms="5") == [("9780140447934", "1")]


def test_scan_of_record_numbers(sru, shelf):
    first = min(record.pk for record in shelf.values())
    terms = scanned(sru, f"rec.id = {first + 1}", maximumTerms="2", responsePosition="2")
    assert terms == [(str(first), "1"), (str(first + 1), "1")]


def test_scan_of_any_field_lists_titles_authors_and_subjects_together(sru, shelf):
    assert scanned(sru, "ri", maximumTerms="3", responsePosition="2") == [
        ("Poetry", "1"), ("Rivers", "1"), ("Smith, Anna", "1"),
    ]


def test_scan_of_titles_ignores_case(sru, shelf):
    assert scanned(sru, "dc.title = war", maximumTerms="1") == [("War and peace", "1")]
