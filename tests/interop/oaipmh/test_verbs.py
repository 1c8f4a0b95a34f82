"""The six verbs over the Django test client: what each answers, and that every answer is
valid OAI-PMH."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bibliohub.catalog import services as catalog
from tests.interop.oaipmh.conftest import CATALOGUER, NS, START, error_code, identifiers, oai_id

pytestmark = pytest.mark.django_db


def test_identify_describes_the_repository(oai, titles, network):
    root = oai(verb="Identify")
    body = root.find("oai:Identify", NS)
    assert body.findtext("oai:repositoryName", namespaces=NS) == network.name
    assert body.findtext("oai:baseURL", namespaces=NS) == "http://testserver/oai"
    assert body.findtext("oai:deletedRecord", namespaces=NS) == "persistent"
    assert body.findtext("oai:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert body.findtext("oai:adminEmail", namespaces=NS) == "library@lutsk.example.org"
    # The first title changed when its copy was added, so the oldest datestamp is that.
    assert body.findtext("oai:earliestDatestamp", namespaces=NS) == "2026-11-02T09:00:30Z"


def test_the_address_harvesters_write_to_can_be_set(oai, titles, settings):
    settings.OAI_ADMIN_EMAIL = "metadata@city.example.org"
    root = oai(verb="Identify")
    assert root.findtext(".//oai:adminEmail", namespaces=NS) == "metadata@city.example.org"


def test_the_request_is_echoed_with_its_arguments(oai, titles):
    root = oai(verb="GetRecord", identifier=oai_id(titles[0]), metadataPrefix="oai_dc")
    request = root.find("oai:request", NS)
    assert request.attrib == {"verb": "GetRecord", "identifier": oai_id(titles[0]), "metadataPrefix": "oai_dc"}


def test_both_formats_are_offered_for_any_record(oai, titles):
    root = oai(verb="ListMetadataFormats", identifier=oai_id(titles[0]))
    assert [e.text for e in root.iterfind(".//oai:metadataPrefix", NS)] == ["oai_dc", "marc21"]


def test_the_branches_and_the_formats_held_are_the_sets(oai, titles):
    root = oai(verb="ListSets")
    assert [e.text for e in root.iterfind(".//oai:setSpec", NS)] == ["branch:central", "branch:riverside", "format:book"]
    assert [e.text for e in root.iterfind(".//oai:setName", NS)] == ["Central Library", "Riverside Branch", "Book"]


def test_a_record_in_dublin_core(oai, titles):
    root = oai(verb="GetRecord", identifier=oai_id(titles[0]), metadataPrefix="oai_dc")
    dc = root.find(".//oai_dc:dc", NS)
    assert dc.findtext("dc:title", namespaces=NS) == "Title number 0"
    assert dc.findtext("dc:creator", namespaces=NS) == "Author 0"
    assert dc.findtext("dc:identifier", namespaces=NS) == "urn:ISBN:9780306406157"
    assert dc.findtext("dc:language", namespaces=NS) == "ukr"
    assert dc.findtext("dc:type", namespaces=NS) == "Text"
    header = root.find(".//oai:header", NS)
    assert header.findtext("oai:datestamp", namespaces=NS) == "2026-11-02T09:00:30Z"  # its copy
    assert [e.text for e in header.iterfind("oai:setSpec", NS)] == ["branch:central", "format:book"]


def test_a_record_in_marcxml_without_its_copies(oai, titles):
    root = oai(verb="GetRecord", identifier=oai_id(titles[1]), metadataPrefix="marc21")
    record = root.find(".//marc:record", NS)
    title = record.find("marc:datafield[@tag='245']/marc:subfield[@code='a']", NS)
    assert title.text.startswith("Title number 1")
    assert record.find("marc:datafield[@tag='952']", NS) is None


def test_list_records_gives_every_title_in_the_order_they_changed(oai, titles):
    root = oai(verb="ListRecords", metadataPrefix="oai_dc")
    assert identifiers(root) == [oai_id(r) for r in titles]
    assert root.find(".//oai:resumptionToken", NS) is None


def test_list_identifiers_in_one_set(oai, titles):
    root = oai(verb="ListIdentifiers", metadataPrefix="marc21", set="branch:central")
    assert identifiers(root) == [oai_id(titles[0]), oai_id(titles[1])]


@pytest.mark.parametrize(
    ("bounds", "expected"),
    [
        ({"from": "2026-11-02T09:02:00Z"}, [2, 3, 4, 5]),
        ({"until": "2026-11-02T09:02:00Z"}, [0, 1]),  # title 2 changed at 09:02:30 (its copy)
        ({"from": "2026-11-02T09:03:00Z", "until": "2026-11-02T09:04:00Z"}, [3, 4]),
        ({"from": "2026-11-02", "until": "2026-11-02"}, [0, 1, 2, 3, 4, 5]),
        ({"from": "2026-11-03"}, None),
    ],
)
def test_from_and_until_select_by_the_second_and_include_their_bounds(oai, titles, bounds, expected):
    root = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", **bounds)
    if expected is None:
        assert error_code(root) == "noRecordsMatch"
    else:
        assert identifiers(root) == [oai_id(titles[n]) for n in expected]


def test_until_takes_in_the_whole_second(oai, titles):
    catalog.update_record(
        titles[5], changes=catalog.RecordChanges(title="Changed"), actor=CATALOGUER,
        at=START + timedelta(hours=1, microseconds=900_000),
    )
    root = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": "2026-11-02T10:00:00Z", "until": "2026-11-02T10:00:00Z"})
    assert identifiers(root) == [oai_id(titles[5])]


def test_post_is_answered_like_get(client, titles):
    from tests.interop.oaipmh.conftest import valid

    response = client.post("/oai", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    assert identifiers(valid(response.content)) == [oai_id(r) for r in titles]


def test_a_page_of_records_costs_the_same_few_queries_however_long(client, titles, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # records, deletions, the branches of the records
        client.get("/oai", {"verb": "ListRecords", "metadataPrefix": "marc21"})
