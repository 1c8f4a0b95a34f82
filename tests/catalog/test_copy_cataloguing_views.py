"""The copy cataloguing screens: a cataloguer searches yaz-ztest beside our catalogue,
copies a record as new or over ours, and keeps the list of catalogues; an unreachable one is
a message on the page, never a server error."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from bibliohub.catalog import services as catalog
from bibliohub.catalog.models import Item, Record
from bibliohub.catalog.services import ItemData, RecordChanges
from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.interop.copycat.models import CopyTarget
from bibliohub.search.indexing import rebuild
from tests.catalog.conftest import AT, free_port

SEARCH = reverse("staff:copycat:search")


@pytest.fixture
def ztest_target(db, ztest) -> CopyTarget:
    return CopyTarget.objects.create(name="Index Data test server", host="127.0.0.1", port=ztest, database="Default")


def payloads(html: str) -> list[str]:
    return [unescape(p) for p in re.findall(r'name="record" value="([^"]+)"', html)]


def test_a_cataloguer_sees_the_candidates_beside_our_record_with_the_same_title(
    client, cataloguer, ztest_target, central, book_type
):
    ours = catalog.create_record(changes=RecordChanges(title="How to program a computer"), actor=Actor.for_staff(cataloguer), at=AT)
    catalog.add_item(ours, data=ItemData(barcode="C-1", branch=central, item_type=book_type), actor=Actor.for_staff(cataloguer), at=AT)
    rebuild()
    client.force_login(cataloguer)
    response = client.get(SEARCH, {"title": "computer", "targets": [ztest_target.pk]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "How to program a computer" in html
    assert reverse("staff:catalog:record", args=[ours.pk]) in html
    assert "similar title" in html and "1 copy" in html
    assert f'name="overlay" value="{ours.pk}"' in html
    assert len(payloads(html)) == 10


def test_importing_as_new_catalogues_the_record_and_asks_for_copies(client, cataloguer, ztest_target, central):
    cataloguer.branches.add(central)
    client.force_login(cataloguer)
    html = client.get(SEARCH, {"title": "computer", "targets": [ztest_target.pk]}).content.decode()
    response = client.post(reverse("staff:copycat:import"), {"record": payloads(html)[0]})
    record = Record.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:catalog:item_add", args=[record.pk])
    assert record.title == "How to program a computer"
    entry = Entry.objects.get(domain="catalog", kind="record_created")
    assert entry.detail == {"copied_from": "Index Data test server"}
    assert entry.staff_id == cataloguer.pk


def test_a_cataloguer_without_a_branch_lands_on_the_new_record(client, cataloguer, ztest_target):
    client.force_login(cataloguer)
    html = client.get(SEARCH, {"title": "computer", "targets": [ztest_target.pk]}).content.decode()
    response = client.post(reverse("staff:copycat:import"), {"record": payloads(html)[1]})
    assert response["Location"] == reverse("staff:catalog:record", args=[Record.objects.get().pk])


def test_overlaying_keeps_our_copies(client, cataloguer, ztest_target, central, book_type):
    ours = catalog.create_record(changes=RecordChanges(title="How to program a computer"), actor=Actor.for_staff(cataloguer), at=AT)
    catalog.add_item(ours, data=ItemData(barcode="C-1", branch=central, item_type=book_type), actor=Actor.for_staff(cataloguer), at=AT)
    client.force_login(cataloguer)
    html = client.get(SEARCH, {"title": "computer", "targets": [ztest_target.pk]}).content.decode()
    response = client.post(reverse("staff:copycat:import"), {"record": payloads(html)[0], "overlay": ours.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:catalog:record", args=[ours.pk])
    ours.refresh_from_db()
    assert ours.control_number.strip() == "11224466"
    assert list(Item.objects.filter(record=ours).values_list("barcode", flat=True)) == ["C-1"]
    assert Record.objects.count() == 1


def test_a_forged_or_missing_record_is_refused(client, cataloguer, db):
    client.force_login(cataloguer)
    assert client.post(reverse("staff:copycat:import"), {"record": "forged"}).status_code == 400
    assert client.post(reverse("staff:copycat:import"), {}).status_code == 400
    assert not Record.objects.exists()


def test_an_unreachable_catalogue_is_a_message_beside_the_others(client, cataloguer, ztest_target):
    gone = CopyTarget.objects.create(name="Closed library", host="127.0.0.1", port=free_port(), database="x")
    client.force_login(cataloguer)
    response = client.get(SEARCH, {"isbn": "0-14-044793-X", "targets": [gone.pk, ztest_target.pk]})
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Closed library cannot be reached at" in html
    assert "How to program a computer" in html


def test_a_search_needs_something_to_look_for(client, cataloguer, ztest_target):
    client.force_login(cataloguer)
    response = client.get(SEARCH, {"title": " ", "targets": [ztest_target.pk]})
    assert response.status_code == 400
    assert "Give an ISBN, or words of the title or the author." in response.content.decode()


def test_a_branch_librarian_cannot_copy_records(client, central_librarian, ztest_target):
    client.force_login(central_librarian)
    assert client.get(SEARCH).status_code == 403


def test_catalogues_are_added_changed_and_deleted_with_history(client, cataloguer, db):
    client.force_login(cataloguer)
    response = client.post(reverse("staff:copycat:target_add"), {
        "name": "Національна бібліотека", "protocol": "sru", "host": "sru.example.org", "port": "443",
        "database": "sru", "tls": "on", "syntax": "marcxml", "charset": "auto", "enabled": "on",
    })
    assert response.status_code == 302
    target = CopyTarget.objects.get()
    assert target.address == "https://sru.example.org:443/sru"
    page = client.get(reverse("staff:copycat:targets")).content.decode()
    assert "Національна бібліотека" in page
    response = client.post(reverse("staff:copycat:target_edit", args=[target.pk]), {
        "name": "Національна бібліотека", "protocol": "sru", "host": "sru.example.org", "port": "443",
        "database": "sru", "tls": "on", "syntax": "marcxml", "charset": "auto",
    })
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.enabled
    assert client.post(reverse("staff:copycat:target_delete", args=[target.pk])).status_code == 302
    assert not CopyTarget.objects.exists()
    kinds = list(Entry.objects.filter(domain="interop").order_by("pk").values_list("kind", "detail"))
    assert kinds == [
        ("copy_target_saved", {"created": True, "fields": [
            "name", "protocol", "host", "port", "database", "tls", "syntax", "charset", "enabled"]}),
        ("copy_target_saved", {"created": False, "fields": ["enabled"]}),
        ("copy_target_deleted", {"name": "Національна бібліотека"}),
    ]


def test_a_host_with_a_scheme_is_refused(client, cataloguer, db):
    client.force_login(cataloguer)
    response = client.post(reverse("staff:copycat:target_add"), {
        "name": "X", "protocol": "z3950", "host": "http://x.example.org", "port": "210", "syntax": "usmarc", "charset": "auto",
    })
    assert response.status_code == 400
    assert not CopyTarget.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_unimarc_candidate_is_shown_beside_ours_and_imported_through_the_crosswalk(client, cataloguer, marc_data):
    """A catalogue answering in UNIMARC (our own responder serving pymarc's real UNIMARC test
    record): the candidate is shown as MARC 21 ones are, beside our record with the same ISBN,
    and imported as a UNIMARC record."""
    from bibliohub.catalog.marc.importer import import_marc
    from bibliohub.interop.z3950.server import running

    import_marc([marc_data / "pymarc" / "testunimarc.dat"], actor=Actor.for_import(source="iccu.mrc"), at=AT, schema="unimarc")
    rebuild()
    ours = Record.objects.get()
    port = free_port()
    unimarc_target = CopyTarget.objects.create(
        name="ICCU", host="127.0.0.1", port=port, database="Default", syntax=CopyTarget.Syntax.UNIMARC
    )
    client.force_login(cataloguer)
    with running("127.0.0.1", port):
        response = client.get(SEARCH, {"isbn": "88-04-40682-8", "targets": [unimarc_target.pk]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "L&#x27;altra faccia della spirale" in html and "Asimov, Isaac" in html
    assert "<dd>UNIMARC</dd>" in html and "same ISBN" in html
    assert f'name="overlay" value="{ours.pk}"' in html
    response = client.post(reverse("staff:copycat:import"), {"record": payloads(html)[0]})
    assert response.status_code == 302
    copied = Record.objects.exclude(pk=ours.pk).get()
    assert copied.title == "L'altra faccia della spirale" and copied.isbns == ["9788804406822"]
