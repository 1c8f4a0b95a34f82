"""An SRU world: a small multilingual shelf catalogued through the catalogue's services (so
every record has real MARC) and indexed, and a client that parses every answer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree

from bibliohub.catalog import services as catalog
from bibliohub.catalog.models import Record
from bibliohub.catalog.services import RecordChanges
from bibliohub.history import Actor
from bibliohub.search.indexing import rebuild

START = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
CATALOGUER = Actor.for_import(source="sru-tests")
NS = {
    "zs": "http://www.loc.gov/zing/srw/",
    "sru": "http://docs.oasis-open.org/ns/search-ws/sruResponse",
    "diag": "http://www.loc.gov/zing/srw/diagnostic/",
    "diag2": "http://docs.oasis-open.org/ns/search-ws/diagnostic",
    "marc": "http://www.loc.gov/MARC21/slim",
    "dc": "http://purl.org/dc/elements/1.1/",
    "srw_dc": "info:srw/schema/1/dc-schema",
    "ex": "http://explain.z3950.org/dtd/2.0/",
}

SHELF = {
    "war": dict(
        title="War and peace",
        authors=["Tolstoy, Leo"],
        subjects=["Napoleonic Wars"],
        isbns=["9780140447934"],
        year=2006,
    ),
    "peace": dict(
        title="Peace in our time",
        authors=["Smith, Anna"],
        subjects=["War -- Prevention"],
        year=1999,
    ),
    "river": dict(
        title="A history of the river", authors=["Kowalski, Jan"], subjects=["Rivers"], year=2015
    ),
    "kobzar": dict(title="Кобзар", authors=["Шевченко, Тарас"], subjects=["Поезія"], year=1840),
    "honglou": dict(title="红楼梦", authors=["曹雪芹"], subjects=["小说"], year=1982),
    "kieu": dict(title="Truyện Kiều", authors=["Nguyễn Du"], subjects=["Poetry"], year=1820),
}


@pytest.fixture
def shelf(db) -> dict[str, Record]:
    records = {
        key: catalog.create_record(
            changes=RecordChanges(**fields), actor=CATALOGUER, at=START + timedelta(minutes=n)
        )
        for n, (key, fields) in enumerate(SHELF.items())
    }
    # Rebuilt rather than added to: with a live server the records were indexed on commit,
    # and the full-text table outlives the flush between such tests.
    rebuild()
    return records


@pytest.fixture
def sru(client) -> Callable[..., etree._Element]:
    def ask(**params: str) -> etree._Element:
        response = client.get("/sru", params)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/xml")
        return etree.fromstring(response.content)

    return ask


def diagnostics(root: etree._Element) -> list[str]:
    return [e.text for e in root.iterfind(".//diag:uri", NS)] + [
        e.text for e in root.iterfind(".//diag2:uri", NS)
    ]


def titles(root: etree._Element) -> list[str]:
    """The 245 $a of each MARCXML record, or the dc:title of each Dublin Core one."""
    found = [
        e.text for e in root.iterfind(".//marc:datafield[@tag='245']/marc:subfield[@code='a']", NS)
    ]
    return found or [e.text for e in root.iterfind(".//srw_dc:dc/dc:title", NS)]
