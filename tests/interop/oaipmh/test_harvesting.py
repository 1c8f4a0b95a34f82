"""Resumption tokens across pages while the catalogue changes, and deleted titles kept as
tombstones."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from bibliohub.catalog import services as catalog
from bibliohub.catalog.kinds import RECORD_DELETED
from bibliohub.catalog.models import DeletedRecord, Record
from bibliohub.catalog.services import CatalogueChangeRefused, RecordChanges
from bibliohub.history.models import Entry
from tests.circulation.conftest import AT
from tests.interop.oaipmh.conftest import (
    CATALOGUER,
    NS,
    START,
    catalogue,
    error_code,
    identifiers,
    oai_id,
    token,
)

pytestmark = pytest.mark.django_db

LATER = START + timedelta(hours=2)


@pytest.fixture
def pages_of_two(monkeypatch):
    monkeypatch.setattr("bibliohub.interop.oaipmh.repository.PAGE_SIZE", 2)


def harvest(oai, **params) -> tuple[list[str], list[str]]:
    """Every identifier of a complete list, and the deleted ones, following the tokens."""
    seen: list[str] = []
    deleted: list[str] = []
    root = oai(**params)
    while True:
        seen += identifiers(root)
        deleted += [h.findtext("oai:identifier", namespaces=NS) for h in root.iterfind(".//oai:header[@status='deleted']", NS)]
        if not (next_token := token(root)):
            return seen, deleted
        root = oai(verb=params["verb"], resumptionToken=next_token)


def test_a_list_comes_in_pages_with_a_cursor_and_an_empty_last_token(oai, titles, pages_of_two):
    root = oai(verb="ListRecords", metadataPrefix="marc21")
    assert identifiers(root) == [oai_id(r) for r in titles[:2]]
    assert root.find(".//oai:resumptionToken", NS).get("cursor") == "0"
    root = oai(verb="ListRecords", resumptionToken=token(root))
    assert identifiers(root) == [oai_id(r) for r in titles[2:4]]
    assert root.find(".//oai:resumptionToken", NS).get("cursor") == "2"
    root = oai(verb="ListRecords", resumptionToken=token(root))
    assert identifiers(root) == [oai_id(r) for r in titles[4:]]
    last = root.find(".//oai:resumptionToken", NS)
    assert last.text is None and last.get("cursor") == "4"


def test_changes_during_a_harvest_neither_repeat_nor_hide_a_record(oai, titles, pages_of_two):
    first = oai(verb="ListIdentifiers", metadataPrefix="oai_dc")
    harvested = identifiers(first)
    response_date = first.findtext("oai:responseDate", namespaces=NS)
    with time_machine.travel(AT + timedelta(minutes=10), tick=False):
        # While the harvester waits: a title already sent and one not yet sent change, one
        # not yet sent is deleted, and a new one is catalogued.
        now = timezone.now()
        catalog.update_record(titles[0], changes=RecordChanges(title="Sent, then changed"), actor=CATALOGUER, at=now)
        catalog.update_record(titles[3], changes=RecordChanges(title="Changed before sent"), actor=CATALOGUER, at=now)
        catalog.delete_record(titles[4], actor=CATALOGUER, at=now)
        new = catalogue("Catalogued during the harvest", at=now)
        root = oai(verb="ListIdentifiers", resumptionToken=token(first))
        while True:
            harvested += identifiers(root)
            if not (next_token := token(root)):
                break
            root = oai(verb="ListIdentifiers", resumptionToken=next_token)
    # Each title once; those that changed or went after the harvest began wait for the next.
    assert harvested == [oai_id(titles[n]) for n in (0, 1, 2, 5)]
    with time_machine.travel(AT + timedelta(minutes=20), tick=False):
        changed, deleted = harvest(oai, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": response_date})
    assert changed == [oai_id(titles[0]), oai_id(titles[3]), oai_id(titles[4]), oai_id(new)]
    assert deleted == [oai_id(titles[4])]


def test_a_complete_harvest_in_pages_sees_every_title_once(oai, titles, pages_of_two):
    seen, deleted = harvest(oai, verb="ListRecords", metadataPrefix="oai_dc")
    assert seen == [oai_id(r) for r in titles]
    assert deleted == []


def test_a_set_is_harvested_in_pages_too(oai, titles, monkeypatch):
    monkeypatch.setattr("bibliohub.interop.oaipmh.repository.PAGE_SIZE", 1)
    seen, _deleted = harvest(oai, verb="ListIdentifiers", metadataPrefix="oai_dc", set="branch:central")
    assert seen == [oai_id(titles[0]), oai_id(titles[1])]


def test_titles_that_share_one_moment_are_harvested_in_pages_without_a_gap(oai, central, pages_of_two):
    """An import gives all its titles one moment: the pages go on within it by id, then on
    to the later moments, tombstones among them in their place."""
    imported = [catalogue(f"Imported {n}", at=START) for n in range(5)]
    later = [catalogue(f"Catalogued later {n}", at=START + timedelta(minutes=1)) for n in range(2)]
    for record in imported[1:3]:
        catalog.delete_record(record, actor=CATALOGUER, at=START + timedelta(minutes=2))
    seen, deleted = harvest(oai, verb="ListIdentifiers", metadataPrefix="oai_dc")
    kept = (imported[0], imported[3], imported[4], *later)
    assert seen == [oai_id(r) for r in kept] + [oai_id(imported[1]), oai_id(imported[2])]
    assert deleted == [oai_id(imported[1]), oai_id(imported[2])]
    records, _deleted = harvest(oai, verb="ListRecords", metadataPrefix="marc21")
    assert records == seen


# --- Deleted titles -------------------------------------------------------------------------


def test_deleting_a_title_leaves_a_tombstone_and_a_history_entry(titles):
    record = titles[5]
    catalog.delete_record(record, actor=CATALOGUER, at=LATER)
    assert not Record.objects.filter(pk=record.pk).exists()
    assert DeletedRecord.objects.get(record_id=record.pk).deleted_at == LATER
    entry = Entry.objects.get(kind=RECORD_DELETED.code)
    assert entry.record_id == record.pk and entry.at == LATER


def test_a_title_with_copies_is_not_deleted(titles):
    with pytest.raises(CatalogueChangeRefused):
        catalog.delete_record(titles[0], actor=CATALOGUER, at=LATER)
    assert Record.objects.filter(pk=titles[0].pk).exists()
    assert not DeletedRecord.objects.exists()


def test_a_deleted_title_is_answered_with_a_deleted_header(oai, titles):
    catalog.delete_record(titles[5], actor=CATALOGUER, at=LATER)
    root = oai(verb="GetRecord", identifier=oai_id(titles[5]), metadataPrefix="marc21")
    header = root.find(".//oai:header", NS)
    assert header.get("status") == "deleted"
    assert header.findtext("oai:datestamp", namespaces=NS) == "2026-11-02T11:00:00Z"
    assert root.find(".//oai:metadata", NS) is None
    formats = oai(verb="ListMetadataFormats", identifier=oai_id(titles[5]))
    assert error_code(formats) is None


def test_deletions_are_listed_among_the_changes_for_good(oai, titles):
    catalog.delete_record(titles[5], actor=CATALOGUER, at=LATER)
    root = oai(verb="ListRecords", metadataPrefix="oai_dc", **{"from": "2026-11-02T10:00:00Z"})
    assert identifiers(root) == [oai_id(titles[5])]
    assert root.find(".//oai:header", NS).get("status") == "deleted"
    # Not in any branch's set: a title with copies cannot be deleted.
    root = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="branch:central")
    assert oai_id(titles[5]) not in identifiers(root)


def test_a_deletion_stays_in_its_formats_set(oai, titles):
    catalog.delete_record(titles[5], actor=CATALOGUER, at=LATER)
    root = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="format:book")
    assert identifiers(root) == [oai_id(t) for t in titles]
    header = root.findall(".//oai:header", NS)[-1]
    assert header.get("status") == "deleted"
    assert [e.text for e in header.iterfind("oai:setSpec", NS)] == ["format:book"]
    assert error_code(oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="format:map")) == "noRecordsMatch"
    assert error_code(oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="format:scrolls")) == "noRecordsMatch"
