"""The 880 fields of a record wherever the protocols show it: MARCXML carries them as they
are, Dublin Core (SRU's and OAI-PMH's) gives the title and names in their own script as a
second dc:title and dc:creator, in the record's language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import etree

from bibliohub.catalog.marc import iso2709
from bibliohub.catalog.marc.importer import import_marc
from bibliohub.catalog.models import Record
from bibliohub.history import Actor
from bibliohub.search.indexing import rebuild
from tests.catalog.test_vernacular import hong_lou_meng
from tests.interop.oaipmh.conftest import valid
from tests.interop.sru.conftest import NS

pytestmark = pytest.mark.django_db

AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def record(tmp_path) -> Record:
    path = tmp_path / "a.mrc"
    path.write_bytes(iso2709.encode(hong_lou_meng()))
    import_marc([path], actor=Actor.for_import(source="a.mrc"), at=AT)
    rebuild()
    return Record.objects.get(control_number="hlm1")


def sru(client, **params: str) -> etree._Element:
    response = client.get("/sru", {"operation": "searchRetrieve", "version": "1.2", **params})
    return etree.fromstring(response.content)


def test_sru_dublin_core_has_the_vernacular_title_and_author_as_second_ones(client, record):
    root = sru(client, query="紅樓夢", recordSchema="dc")
    titles = root.findall(".//srw_dc:dc/dc:title", NS)
    assert [(t.text, t.get(XML_LANG)) for t in titles] == [("Hong lou meng", None), ("紅樓夢", "zh")]
    creators = [c.text for c in root.iterfind(".//srw_dc:dc/dc:creator", NS)]
    assert creators[-1] == "曹雪芹 approximately 1717-1763" and len(creators) == 2
    assert "小說" in [s.text for s in root.iterfind(".//srw_dc:dc/dc:subject", NS)]


def test_sru_marcxml_carries_the_880_fields(client, record):
    root = sru(client, query="hongloumeng")
    linked = [
        sub.text
        for field in root.iterfind(".//marc:datafield[@tag='880']", NS)
        for sub in field.iterfind("marc:subfield[@code='6']", NS)
    ]
    assert linked[:3] == ["100-01/$1", "245-02/$1", "650-03/$1"]
    assert "紅樓夢 /" in [s.text for s in root.iterfind(".//marc:datafield[@tag='880']/marc:subfield", NS)]


def test_oai_dc_has_the_vernacular_title_and_stays_valid(client, record):
    response = client.get("/oai", {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": f"oai:localhost:{record.pk}"})
    root = valid(response.content)
    titles = root.findall(".//dc:title", NS)
    assert [(t.text, t.get(XML_LANG)) for t in titles] == [("Hong lou meng", None), ("紅樓夢", "zh")]
