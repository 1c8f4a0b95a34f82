"""Scan, sort and truncation of our Z39.50 responder, driven by Debian's yaz-client: scan
over the same index as SRU's scan (with the step size and the term's position), the Sort
service by title, author and date as SRU sorts, and Bib-1 right truncation."""

from __future__ import annotations

import re

import pytest

from tests.interop.test_z3950_responder import books, yaz, z3950  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db(transaction=True)


def scanned(out: str) -> list[tuple[str, int]]:
    """The terms yaz-client lists after a scan: "term (occurrences)" lines."""
    return [(m.group(1), int(m.group(2))) for m in re.finditer(r"^(?:\* |  )(.+?) \((\d+)\)$", out, re.MULTILINE)]


def shown_titles(out: str) -> list[str]:
    return re.findall(r"^245 .. \$a (.+?)(?: \$| /|$)", out, re.MULTILINE)


def test_scan_lists_titles_from_the_term(z3950, tmp_path):
    out = yaz(z3950, tmp_path, ["scansize 3", "scan @attr 1=4 p"])
    assert scanned(out) == [("Peace in our time", 1), ("Truyện Kiều", 1), ("War and peace", 1)], out


def test_scan_lists_authors_and_subjects(z3950, tmp_path):
    out = yaz(z3950, tmp_path, ["scansize 2", "scan @attr 1=1003 s", "scan @attr 1=21 rivers"])
    assert scanned(out) == [("Smith, Anna", 1), ("Tolstoy, Leo", 1), ("Rivers", 1), ("War -- Prevention", 1)], out


def test_scan_puts_the_term_at_the_position_asked(z3950, tmp_path):
    out = yaz(z3950, tmp_path, ["scansize 3", "scanpos 2", "scan @attr 1=4 war"])
    assert scanned(out) == [("Truyện Kiều", 1), ("War and peace", 1), ("Кобзар", 1)], out


def test_scan_steps_over_terms(z3950, tmp_path):
    out = yaz(z3950, tmp_path, ["scansize 2", "scanstep 1", "scan @attr 1=4 a"])
    assert scanned(out) == [("A history of the river", 1), ("Truyện Kiều", 1)], out


def test_scan_of_an_unsupported_use_attribute_is_a_diagnostic(z3950, tmp_path):
    out = yaz(z3950, tmp_path, ["scan @attr 1=1032 war"])
    assert "114" in out, out


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("1=4 i<", ["A history of the river", "Peace in our time", "War and peace"]),
        ("1=1003 i<", ["A history of the river", "Peace in our time", "War and peace"]),
        ("1=1003 i>", ["War and peace", "Peace in our time", "A history of the river"]),
        ("1=31 i<", ["Peace in our time", "War and peace", "A history of the river"]),
        ("1=31 i>", ["A history of the river", "War and peace", "Peace in our time"]),
    ],
)
def test_the_sort_service_orders_a_result_set_as_sru_sorts(z3950, tmp_path, sort, expected):
    out = yaz(z3950, tmp_path, [
        "format usmarc", "find @or @or @attr 1=4 war @attr 1=4 peace @attr 1=4 river", f"sort {sort}", "show 1+3",
    ])
    assert "Number of hits: 3" in out, out
    assert shown_titles(out) == expected, out


@pytest.mark.parametrize(
    ("sort", "code"),
    [
        ("1=4 i>", "207"),  # titles descending: not an order we offer
        ("1=21 i<", "207"),  # by subject
        ("1=4 i< 1=31 i<", "211"),  # two keys
    ],
)
def test_a_sort_we_cannot_do_is_a_diagnostic(z3950, tmp_path, sort, code):
    out = yaz(z3950, tmp_path, ["find @attr 1=4 war", f"sort {sort}"])
    assert code in out, out


def test_right_truncation_finds_the_beginnings_of_words(z3950, tmp_path):
    out = yaz(z3950, tmp_path, [
        "find @attr 1=4 @attr 5=1 pea", "find @attr 1=1003 @attr 5=1 tolst", "find @attr 1=4 @attr 5=100 pea",
    ])
    assert re.findall(r"Number of hits: (\d+)", out) == ["2", "1", "0"], out


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("@attr 1=4 @attr 5=2 eace", "[120]"),  # left truncation
        ("@attr 1=4 @attr 5=3 eac", "[120]"),  # left and right
        ("@attr 1=4 @attr 5=101 p#ace", "[120]"),  # masking
        ("@attr 1=7 @attr 5=1 978014", "[120]"),  # an ISBN is matched whole
        ("@attr 1=4 @attr 5=1 p", "[9]"),  # too short
    ],
)
def test_truncation_the_search_cannot_do_is_a_diagnostic(z3950, tmp_path, query, code):
    out = yaz(z3950, tmp_path, [f"find {query}"])
    assert code in out, out
