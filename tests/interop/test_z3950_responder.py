"""Our Z39.50 responder (`bibliohub z3950`) from the outside: Debian's yaz-client searches it
by title, author and ISBN, presents records in USMARC and MARCXML, and gets Bib-1
diagnostics for what we do not support. The responder runs as it does in production (the
Perl server forking per client, the worker in this process over the test database)."""

from __future__ import annotations

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
