"""The copy cataloguing client against real servers: Debian's yaz-ztest (Index Data's test
server, dummy MARC records), our own SRU at /sru and our own Z39.50 responder; and against
a host that is not there and one that never answers, which give a message, never an error."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bibliohub.catalog import services as catalog
from bibliohub.catalog.models import Record
from bibliohub.catalog.services import RecordChanges
from bibliohub.interop.copycat.client import CopyQuery, search_target, search_targets
from bibliohub.interop.copycat.models import CopyTarget
from bibliohub.interop.z3950.server import running
from bibliohub.search.indexing import rebuild
from tests.catalog.conftest import free_port
from tests.interop.sru.conftest import CATALOGUER, SHELF, START


@pytest.fixture
def silent() -> Iterator[int]:
    """A port that takes connections and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(5)
        yield listener.getsockname()[1]


def target(**fields) -> CopyTarget:
    # Not saved: the client needs only the fields.
    return CopyTarget(name=fields.pop("name", "Test"), host="127.0.0.1", **fields)


@pytest.fixture
def shelf(db) -> dict[str, Record]:
    records = {
        key: catalog.create_record(changes=RecordChanges(**fields), actor=CATALOGUER, at=START + timedelta(minutes=n))
        for n, (key, fields) in enumerate(SHELF.items())
    }
    rebuild()
    return records


def test_yaz_ztest_records_are_read_from_marc8(ztest):
    answer = search_target(target(port=ztest, database="Default"), CopyQuery(title="computer"), limit=3)
    assert answer.error == ""
    assert answer.total > 3
    assert len(answer.candidates) == 3
    first = answer.candidates[0]
    assert first.fields.title == "How to program a computer"
    assert first.fields.control_number.strip() == "11224466"
    # Carried to the import as UTF-8 ISO 2709 that reads back the same.
    assert first.transport()[9:10] == b"a"


def test_yaz_ztest_in_marcxml(ztest):
    answer = search_target(
        target(port=ztest, database="Default", syntax=CopyTarget.Syntax.MARCXML), CopyQuery(title="computer"), limit=2
    )
    assert answer.error == ""
    assert [c.fields.title for c in answer.candidates] == ["How to program a computer"] * 2


def test_a_diagnostic_of_the_target_is_its_message(ztest):
    # yaz-ztest refuses a database it does not have.
    answer = search_target(target(name="Ztest", port=ztest, database="Nowhere"), CopyQuery(title="computer"))
    assert answer.candidates == []
    assert answer.error.startswith("Ztest refused the search:")


@pytest.mark.django_db(transaction=True)
def test_our_own_sru_server(live_server, shelf):
    port = int(live_server.url.rsplit(":", 1)[1])
    sru = target(protocol=CopyTarget.Protocol.SRU, port=port, database="sru")
    answer = search_target(sru, CopyQuery(title="war", author="tolstoy"))
    assert answer.error == ""
    assert answer.total == 1
    assert [c.fields.title for c in answer.candidates] == ["War and peace"]
    cyrillic = search_target(sru, CopyQuery(author="Шевченко"))
    assert [c.fields.title for c in cyrillic.candidates] == ["Кобзар"]


@pytest.mark.django_db(transaction=True)
def test_our_own_z3950_responder(shelf):
    port = free_port()
    with running("127.0.0.1", port):
        z3950 = target(port=port, database="Default")
        by_isbn = search_target(z3950, CopyQuery(isbn="978-0-14-044793-4"))
        in_xml = search_target(
            target(port=port, database="Default", syntax=CopyTarget.Syntax.MARCXML), CopyQuery(title="红楼梦")
        )
    assert by_isbn.error == "" and [c.fields.title for c in by_isbn.candidates] == ["War and peace"]
    assert by_isbn.candidates[0].fields.authors == ["Tolstoy, Leo"]
    assert in_xml.error == "" and [c.fields.title for c in in_xml.candidates] == ["红楼梦"]


@pytest.mark.parametrize("protocol", [CopyTarget.Protocol.Z3950, CopyTarget.Protocol.SRU])
def test_an_unreachable_target_is_a_message(protocol):
    port = free_port()  # closed again: nothing listens there
    answer = search_target(target(name="Far away", protocol=protocol, port=port, database="x"), CopyQuery(title="war"))
    assert answer.candidates == []
    assert answer.error.startswith("Far away cannot be reached at ")
    assert f"127.0.0.1:{port}" in answer.error


@pytest.mark.parametrize("protocol", [CopyTarget.Protocol.Z3950, CopyTarget.Protocol.SRU])
def test_a_target_that_never_answers_times_out_with_a_message(silent, protocol):
    started = time.monotonic()
    answer = search_target(target(name="Slow", protocol=protocol, port=silent, database="x"), CopyQuery(title="war"), timeout=1)
    assert answer.error == "Slow did not answer within 1 seconds."
    assert time.monotonic() - started < 8


def test_targets_are_asked_at_once_and_answer_in_order(ztest, silent):
    started = time.monotonic()
    answers = search_targets(
        [target(name="Slow", port=silent), target(name="Ztest", port=ztest, database="Default")],
        CopyQuery(title="computer"), limit=1, timeout=2,
    )
    assert [a.target.name for a in answers] == ["Slow", "Ztest"]
    assert answers[0].error and answers[1].candidates
    assert time.monotonic() - started < 8


def test_queries_in_both_languages():
    query = CopyQuery(isbn="978-0-14-044793-4", title='War "and" peace', author="Tolstoy")
    assert query.pqf() == '@and @and @attr 1=7 "9780140447934" @attr 1=4 "War \\"and\\" peace" @attr 1=1003 "Tolstoy"'
    assert query.cql() == 'bath.isbn = "9780140447934" and dc.title all "War \\"and\\" peace" and dc.creator all "Tolstoy"'
    assert CopyQuery(title="war").pqf() == '@attr 1=4 "war"'


@pytest.mark.django_db(transaction=True)
def test_a_unimarc_target_answers_in_unimarc_read_through_the_crosswalk(marc_data):
    """Our own responder serves a record catalogued in UNIMARC (pymarc's real test file, an
    Italian national bibliography record) in the UNIMARC syntax; a target set to UNIMARC reads
    it through the UNIMARC crosswalk, and it is catalogued as UNIMARC."""
    from bibliohub.catalog.marc import iso2709
    from bibliohub.catalog.marc.importer import import_marc
    from bibliohub.history import Actor

    import_marc([marc_data / "pymarc" / "testunimarc.dat"], actor=Actor.for_import(source="iccu.mrc"), at=START, schema="unimarc")
    rebuild()
    port = free_port()
    with running("127.0.0.1", port):
        answer = search_target(
            target(port=port, database="Default", syntax=CopyTarget.Syntax.UNIMARC), CopyQuery(title="faccia della spirale")
        )
        in_marc21 = search_target(target(port=port, database="Default"), CopyQuery(title="spirale"))
    assert answer.error == ""
    [candidate] = answer.candidates
    assert candidate.is_unimarc and candidate.fields.title == "L'altra faccia della spirale"
    assert candidate.fields.authors == ["Asimov, Isaac", "Fruttero, Carlo", "Lucentini, Franco", "Scaglia, Cesare"]
    assert candidate.fields.isbns == ["9788804406822"]
    # Asked for MARC 21, the responder sends what it keeps, and the client tells UNIMARC apart.
    assert [c.schema for c in in_marc21.candidates] == ["unimarc"]

    marc, _repairs = iso2709.decode(candidate.transport())
    copied = catalog.catalogue_copy(marc, source="ICCU", actor=Actor.for_import(source="ICCU"), at=START)
    assert copied.title == "L'altra faccia della spirale" and copied.year == 1996
    assert catalog.read_marc(copied.marc)["200"]["a"] == "\x88L'\x89altra faccia della spirale"
