"""An OAI-PMH world: titles catalogued a minute apart in November 2026, some with copies at
the central library or at Riverside, and a client that checks every answer against the
OAI-PMH schema (with the oai_dc and MARCXML schemas for the records inside)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

from bibliohub.catalog import services as catalog
from bibliohub.catalog.models import Record
from bibliohub.catalog.services import ItemData, RecordChanges
from bibliohub.history import Actor

SCHEMAS = Path(__file__).resolve().parents[2] / "data" / "schemas"
NS = {
    "oai": "http://www.openarchives.org/OAI/2.0/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "marc": "http://www.loc.gov/MARC21/slim",
}
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
CATALOGUER = Actor.for_import(source="oai-tests")

_schema: etree.XMLSchema | None = None


def schema() -> etree.XMLSchema:
    global _schema
    if _schema is None:
        _schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "responses.xsd")))
    return _schema


def valid(data: bytes) -> etree._Element:
    """The parsed response, after checking it against the schemas (failing with their log)."""
    root = etree.fromstring(data)
    if not schema().validate(root):
        raise AssertionError(f"not valid OAI-PMH: {schema().error_log}\n{data.decode()[:3000]}")
    return root


@pytest.fixture
def oai(client) -> Callable[..., etree._Element]:
    def ask(**params: str) -> etree._Element:
        response = client.get("/oai", params)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/xml")
        return valid(response.content)

    return ask


def error_code(root: etree._Element) -> str | None:
    errors = root.findall("oai:error", NS)
    return errors[0].get("code") if errors else None


def identifiers(root: etree._Element) -> list[str]:
    return [e.text for e in root.iterfind(".//oai:header/oai:identifier", NS)]


def token(root: etree._Element) -> str | None:
    element = root.find(".//oai:resumptionToken", NS)
    return element.text if element is not None else None


def oai_id(record: Record) -> str:
    return f"oai:localhost:{record.pk}"


def catalogue(title: str, *, at: datetime, **fields) -> Record:
    return catalog.create_record(
        changes=RecordChanges(title=title, **fields), actor=CATALOGUER, at=at,
    )


@pytest.fixture
def titles(central, riverside, book_type) -> list[Record]:
    """Six titles, a minute apart from START; the first two with a copy at the central
    library, the third with one at Riverside. Harvesters write to the central library."""
    central.email = "library@lutsk.example.org"
    central.save()
    records = [
        catalogue(
            f"Title number {n}", at=START + timedelta(minutes=n), authors=[f"Author {n}"],
            subjects=["Rivers"], isbns=["9780306406157"] if n == 0 else [], year=2020 + n,
            languages=["ukr"], publisher="Lutsk Press",
        )
        for n in range(6)
    ]
    for n, branch in [(0, central), (1, central), (2, riverside)]:
        catalog.add_item(
            records[n], data=ItemData(barcode=f"B{n:04d}", branch=branch, item_type=book_type),
            actor=CATALOGUER, at=START + timedelta(minutes=n, seconds=30),
        )
    return [Record.objects.get(pk=r.pk) for r in records]
