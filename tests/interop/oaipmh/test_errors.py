"""Every bad request is answered with its OAI-PMH error code in a valid 200 response."""

from __future__ import annotations

import pytest

from tests.interop.oaipmh.conftest import NS, error_code, oai_id, valid

pytestmark = pytest.mark.django_db

CASES = [
    ("", "badVerb"),
    ("verb=Shout", "badVerb"),
    ("verb=Identify&verb=Identify", "badVerb"),
    ("verb=Identify&metadataPrefix=oai_dc", "badArgument"),
    ("verb=ListRecords", "badArgument"),
    ("verb=GetRecord&metadataPrefix=oai_dc", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=marc21", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2026-13-01", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2026-11-02T09:00:00", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2026-11-02T09:00:00+02:00", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2026-11-02&until=2026-11-03T00:00:00Z", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2026-11-03&until=2026-11-02", "badArgument"),
    ("verb=ListRecords&resumptionToken=x&metadataPrefix=oai_dc", "badArgument"),
    ("verb=ListRecords&resumptionToken=not-one-of-ours", "badResumptionToken"),
    ("verb=ListSets&resumptionToken=anything", "badResumptionToken"),
    ("verb=ListRecords&metadataPrefix=mods", "cannotDisseminateFormat"),
    ("verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:elsewhere.org:1", "idDoesNotExist"),
    ("verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:localhost:999999", "idDoesNotExist"),
    ("verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:localhost:", "idDoesNotExist"),
    ("verb=ListMetadataFormats&identifier=oai:localhost:999999", "idDoesNotExist"),
    ("verb=ListIdentifiers&metadataPrefix=oai_dc&set=branch:nowhere", "noRecordsMatch"),
    ("verb=ListIdentifiers&metadataPrefix=oai_dc&from=2030-01-01", "noRecordsMatch"),
]


@pytest.mark.parametrize(("query", "code"), CASES)
def test_a_bad_request_gets_its_error_code(client, titles, query, code):
    response = client.get("/oai?" + query.replace("+", "%2B"))
    assert response.status_code == 200
    root = valid(response.content)
    assert error_code(root) == code
    if code in {"badVerb", "badArgument"}:
        assert root.find("oai:request", NS).attrib == {}  # OAI-PMH 3.6: no attributes then


def test_a_token_for_one_verb_is_refused_by_another(client, titles, monkeypatch):
    monkeypatch.setattr("bibliohub.interop.oaipmh.repository.PAGE_SIZE", 2)
    first = valid(client.get("/oai", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}).content)
    token = first.findtext(".//oai:resumptionToken", namespaces=NS)
    root = valid(client.get("/oai", {"verb": "ListRecords", "resumptionToken": token}).content)
    assert error_code(root) == "badResumptionToken"


def test_an_empty_catalogue_has_no_records_and_no_sets(client, db):
    root = valid(client.get("/oai", {"verb": "ListRecords", "metadataPrefix": "oai_dc"}).content)
    assert error_code(root) == "noRecordsMatch"
    root = valid(client.get("/oai", {"verb": "ListSets"}).content)
    assert error_code(root) == "noSetHierarchy"


def test_other_methods_are_not_allowed(client, titles):
    assert client.put("/oai").status_code == 405


def test_an_identifier_is_found_only_under_our_name(client, titles, settings):
    settings.OAI_REPOSITORY_IDENTIFIER = "library.lutsk.example.org"
    query = {"verb": "GetRecord", "metadataPrefix": "oai_dc"}
    root = valid(client.get("/oai", {**query, "identifier": oai_id(titles[0])}).content)
    assert error_code(root) == "idDoesNotExist"
    root = valid(client.get("/oai", {**query, "identifier": f"oai:library.lutsk.example.org:{titles[0].pk}"}).content)
    assert error_code(root) is None
