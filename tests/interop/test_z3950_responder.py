"""Our Z39.50 responder (`bibliohub z3950`) from the outside: Debian's yaz-client searches it
by title, author and ISBN, presents records in USMARC and MARCXML, scans the indexes, sorts
result sets, truncates words on the right, and gets Bib-1 diagnostics for what we do not
support. The responder runs as it does in production (the
Perl server forking per client, the worker in this process over the test database)."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bibliohub.catalog import services as catalog
from bibliohub.catalog.models import Record
from bibliohub.catalog.services import RecordChanges
from bibliohub.interop.z3950.server import running
from bibliohub.search.indexing import rebuild
from tests.interop.sru.conftest import CATALOGUER, SHELF, START

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def books(db) -> dict[str, Record]:
    records = {
        key: catalog.create_record(changes=RecordChanges(**fields), actor=CATALOGUER, at=START + timedelta(minutes=n))
        for n, (key, fields) in enumerate(SHELF.items())
    }
    rebuild()
    return records


@pytest.fixture
def z3950(books) -> Iterator[str]:
    port = free_port()
    with running("127.0.0.1", port):
        yield f"tcp:127.0.0.1:{port}/Default"


def yaz(address: str, tmp_path: Path, commands: list[str]) -> str:
    script = tmp_path / "commands"
    script.write_text("\n".join([f"open {address}", *commands, "quit", ""]))
    result = subprocess.run(
        ["yaz-client", "-f", str(script)], capture_output=True, text=True, timeout=60,
        stdin=subprocess.DEVNULL,
    )
    return result.stdout + result.stderr


def test_the_perl_server_is_installed() -> None:
    """A missing tool is an install step (scripts/setup.sh installs it), never a skip."""
    assert shutil.which("yaz-client") is not None, "yaz-client is missing: run scripts/setup.sh"
    check = subprocess.run(["perl", "-MNet::Z3950::SimpleServer", "-e", "1"], capture_output=True)
    assert check.returncode == 0, "Net::Z3950::SimpleServer is missing: run scripts/setup.sh"


def test_yaz_client_finds_a_title_and_shows_it_in_usmarc(z3950, tmp_path):
    out = yaz(z3950, tmp_path, ["format usmarc", "find @attr 1=4 war", "show 1"])
    assert "Number of hits: 1" in out, out
    assert "245" in out and "War and peace" in out, out
    assert "Tolstoy, Leo" in out, out


def test_yaz_client_finds_by_author_and_by_isbn(z3950, tmp_path):
    out = yaz(z3950, tmp_path, ["find @attr 1=1003 tolstoy", "find @attr 1=7 978-0-14-044793-4"])
    assert out.count("Number of hits: 1") == 2, out


def test_a_title_as_typed_finds_the_book_without_its_subtitle_or_case(z3950, tmp_path):
    out = yaz(z3950, tmp_path, ['find @attr 1=4 "Peace in our time"', "find @attr 1=4 @attr 4=1 \"our peace\""])
    assert "Number of hits: 1" in out and "Number of hits: 0" in out, out


def test_yaz_client_finds_across_scripts_and_combines_with_boolean_operators(z3950, tmp_path):
    out = yaz(z3950, tmp_path, [
        "find @attr 1=1003 Шевченко",
        "find @or @attr 1=4 war @attr 1=4 river",
        "find @not @attr 1=1016 war @attr 1=1003 smith",
    ])
    assert "Number of hits: 1" in out and "Number of hits: 2" in out, out


def test_yaz_client_shows_marcxml(z3950, tmp_path):
    out = yaz(z3950, tmp_path, ["format xml", "elements F", "find @attr 1=1003 Шевченко", "show 1"])
    assert 'xmlns="http://www.loc.gov/MARC21/slim"' in out, out
    assert "Кобзар" in out, out


def test_a_brief_record_keeps_what_identifies_the_book(z3950, tmp_path):
    out = yaz(z3950, tmp_path, ["format xml", "elements B", "find @attr 1=4 war", "show 1"])
    assert "War and peace" in out and 'tag="650"' not in out, out


def test_an_unsupported_use_attribute_is_a_bib1_diagnostic(z3950, tmp_path):
    out = yaz(z3950, tmp_path, ["find @attr 1=1032 war", "find @attr 1=4 war"])
    assert "[114]" in out and "Unsupported Use attribute" in out, out
    # The connection goes on.
    assert "Number of hits: 1" in out, out


@pytest.mark.parametrize(("query", "code"), [
    ("@attr 2=5 war", "[117]"),  # relation: greater than
    ("@attr 5=2 ar", "[120]"),  # left truncation
    ("@attr 1=12 abc", "[108]"),
    ("@attrset exp-1 @attr 1=1 war", "[121]"),
])
def test_other_unsupported_attributes_are_diagnostics(z3950, tmp_path, query, code):
    out = yaz(z3950, tmp_path, [f"find {query}"])
    assert code in out, out


def test_an_unsupported_record_syntax_is_a_diagnostic(z3950, tmp_path):
    out = yaz(z3950, tmp_path, ["format grs-1", "find @attr 1=4 war", "show 1"])
    assert "239" in out, out


def test_a_local_number_finds_the_record(z3950, tmp_path, books):
    out = yaz(z3950, tmp_path, [f"find @attr 1=12 {books['honglou'].pk}", "show 1"])
    assert "Number of hits: 1" in out and "红楼梦" in out, out


# --- scan, sort and truncation ---------------------------------------------------------


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


def test_a_marc21_record_asked_for_in_unimarc_is_a_diagnostic(z3950, tmp_path):
    out = yaz(z3950, tmp_path, ["format unimarc", "find @attr 1=4 war", "show 1"])
    assert "Number of hits: 1" in out and "238" in out, out
