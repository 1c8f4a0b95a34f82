"""Two OAI-PMH harvesters other people wrote, Sickle and oaipmh-scythe, harvest the whole
catalogue from a live server, page after page, deletions included."""

from __future__ import annotations

from datetime import timedelta

import pytest
from oaipmh_scythe import Scythe
from sickle import Sickle

from bibliohub.catalog import services as catalog
from tests.interop.oaipmh.conftest import CATALOGUER, START, catalogue, oai_id

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalogue_of_25(titles, monkeypatch):
    """The six titles, nineteen more, and the last of them deleted; pages of seven."""
    monkeypatch.setattr("bibliohub.interop.oaipmh.repository.PAGE_SIZE", 7)
    more = [catalogue(f"Further title {n}", at=START + timedelta(hours=1, seconds=n)) for n in range(19)]
    catalog.delete_record(more[-1], actor=CATALOGUER, at=START + timedelta(hours=2))
    return [*titles, *more]


def test_sickle_harvests_every_record_and_every_deletion(live_server, catalogue_of_25):
    sickle = Sickle(live_server.url + "/oai")
    assert sickle.Identify().repositoryName == "City Library Network"
    records = list(sickle.ListRecords(metadataPrefix="marc21"))
    assert [r.header.identifier for r in records] == [oai_id(r) for r in catalogue_of_25]
    assert [r.header.deleted for r in records] == [False] * 24 + [True]
    dublin_core = list(sickle.ListRecords(metadataPrefix="oai_dc", ignore_deleted=True))
    assert dublin_core[0].metadata["title"] == ["Title number 0"]
    assert len(dublin_core) == 24
    identifiers = [h.identifier for h in sickle.ListIdentifiers(metadataPrefix="oai_dc", set="branch:central")]
    assert identifiers == [oai_id(r) for r in catalogue_of_25[:2]]
    assert [s.setSpec for s in sickle.ListSets()] == ["branch:central", "branch:riverside", "format:book"]
    books = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="format:book"))
    assert [h.identifier for h in books] == [oai_id(r) for r in catalogue_of_25]
    assert books[-1].deleted
    assert {f.metadataPrefix for f in sickle.ListMetadataFormats()} == {"oai_dc", "marc21"}
    assert sickle.GetRecord(identifier=oai_id(catalogue_of_25[2]), metadataPrefix="oai_dc").metadata["title"] == ["Title number 2"]


def test_oaipmh_scythe_harvests_every_record_and_every_deletion(live_server, catalogue_of_25):
    with Scythe(live_server.url + "/oai") as scythe:
        assert scythe.identify().repositoryName == "City Library Network"
        records = list(scythe.list_records(metadata_prefix="oai_dc"))
        assert [r.header.identifier for r in records] == [oai_id(r) for r in catalogue_of_25]
        assert records[-1].deleted and not any(r.deleted for r in records[:-1])
        headers = list(scythe.list_identifiers(metadata_prefix="marc21", from_="2026-11-02T10:00:00Z"))
        assert [h.identifier for h in headers] == [oai_id(r) for r in catalogue_of_25[6:]]
        record = scythe.get_record(identifier=oai_id(catalogue_of_25[0]), metadata_prefix="oai_dc")
        assert record.metadata["title"] == ["Title number 0"]
