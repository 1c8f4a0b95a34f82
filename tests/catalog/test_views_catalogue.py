"""Staff catalogue screens: wiring, permissions, status codes and errors shown next to fields."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from bibliohub.catalog import services
from bibliohub.catalog.models import Item, ItemStatus, Record
from bibliohub.catalog.services import ItemData, RecordChanges
from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry

AT = datetime(2026, 12, 8, 10, 30, tzinfo=ZoneInfo("Europe/Kyiv"))


@pytest.fixture
def record(cataloguer) -> Record:
    return services.create_record(
        changes=RecordChanges(title="Lisova pisnia", authors=["Ukrainka, Lesia"], year=1911, languages=["ukr"]),
        actor=Actor.for_staff(cataloguer), at=AT,
    )


@pytest.fixture
def central_copy(record, central, book_type, cataloguer) -> Item:
    return services.add_item(
        record, data=ItemData(barcode="C100", branch=central, item_type=book_type), actor=Actor.for_staff(cataloguer), at=AT
    )


@pytest.fixture
def riverside_copy(record, riverside, book_type, cataloguer) -> Item:
    return services.add_item(
        record, data=ItemData(barcode="R200", branch=riverside, item_type=book_type), actor=Actor.for_staff(cataloguer), at=AT
    )


def _record_form(**values):
    data = {"title": "Lisova pisnia", "authors": "Ukrainka, Lesia", "year": "1911", "languages": "ukr"}
    data.update(values)
    return data


def test_staff_pages_send_anonymous_visitors_to_the_login_page(client, record):
    response = client.get(reverse("staff:catalog:record", args=[record.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_account_without_a_staff_role_gets_a_friendly_403(client, db):
    from bibliohub.accounts.models import User

    user = User.objects.create_user(username="reader", password="x", role="")
    client.force_login(user)
    response = client.get(reverse("staff:catalog:search"))
    assert response.status_code == 403
    assert b"These pages are for library staff." in response.content
    assert b"ask an administrator" in response.content


def test_a_cataloguer_edits_a_record(client, cataloguer, record):
    client.force_login(cataloguer)
    url = reverse("staff:catalog:record_edit", args=[record.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _record_form(title="Forest song", subjects="Ukrainian drama\nFairy plays"))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.title == "Forest song"
    assert record.subjects == ["Ukrainian drama", "Fairy plays"]
    entry = Entry.objects.get(domain="catalog", kind="record_updated")
    assert (entry.record_id, entry.staff_id, entry.channel, entry.actor) == (record.pk, cataloguer.pk, Channel.DESK, "staff")
    # The record page lists the change with who made it.
    page = client.get(reverse("staff:catalog:record", args=[record.pk])).content.decode()
    assert "Title record changed (cataloguer)" in page


def test_a_branch_librarian_cannot_edit_records(client, central_librarian, record):
    client.force_login(central_librarian)
    url = reverse("staff:catalog:record_edit", args=[record.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, _record_form(title="Changed"))
    assert response.status_code == 403
    assert b"Only cataloguers and managers can edit catalogue records." in response.content
    record.refresh_from_db()
    assert record.title == "Lisova pisnia"


def test_an_invalid_isbn_is_shown_next_to_its_field(client, cataloguer, record):
    client.force_login(cataloguer)
    response = client.post(reverse("staff:catalog:record_edit", args=[record.pk]), _record_form(isbns="978-0-306-40615-8"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_isbns_errors"' in html
    errors_at = html.index('id="id_isbns_errors"')
    assert "Not a valid ISBN: 978-0-306-40615-8" in html[errors_at:html.index('name="isbns"')]
    assert "Please correct the problems marked below." in html


def test_a_missing_title_and_a_bad_year_are_shown_next_to_their_fields(client, cataloguer):
    client.force_login(cataloguer)
    response = client.post(reverse("staff:catalog:record_create"), {"title": "", "year": "12"})
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"title", "year"}
    assert not Record.objects.exists()


def test_cataloguing_a_new_book_leads_to_adding_its_copies(client, cataloguer, central, book_type):
    client.force_login(cataloguer)
    response = client.post(reverse("staff:catalog:record_create"), _record_form(title="Nova knyha", isbns="9780306406157"))
    record = Record.objects.get(title="Nova knyha")
    assert response["Location"] == reverse("staff:catalog:item_add", args=[record.pk])
    response = client.post(response["Location"], {
        "barcode": "N1", "branch": central.pk, "item_type": book_type.pk, "status": "available",
        "add_another": "1",
    })
    assert response["Location"] == reverse("staff:catalog:item_add", args=[record.pk])
    assert Item.objects.get(barcode="N1").record == record


def test_a_branch_librarian_adds_a_copy_only_to_their_own_branch(client, central_librarian, record, central, riverside, book_type):
    client.force_login(central_librarian)
    url = reverse("staff:catalog:item_add", args=[record.pk])
    response = client.get(url)
    assert list(response.context["form"].fields["branch"].queryset) == [central]
    response = client.post(url, {"barcode": "X1", "branch": riverside.pk, "item_type": book_type.pk, "status": "available"})
    assert response.status_code == 400
    assert "branch" in response.context["form"].errors
    assert not Item.objects.filter(barcode="X1").exists()


def test_a_taken_barcode_is_shown_next_to_the_barcode_field(client, central_librarian, record, central_copy, book_type, central):
    client.force_login(central_librarian)
    response = client.post(reverse("staff:catalog:item_add", args=[record.pk]), {
        "barcode": "C100", "branch": central.pk, "item_type": book_type.pk, "status": "available",
    })
    assert response.status_code == 400
    assert response.context["form"].errors["barcode"] == ["Barcode C100 is already used by another copy."]


def test_a_branch_librarian_gets_403_on_another_branchs_copy(client, riverside_librarian, central_copy, central, book_type):
    client.force_login(riverside_librarian)
    for name in ("item_edit", "item_withdraw"):
        url = reverse(f"staff:catalog:{name}", args=[central_copy.pk])
        assert client.get(url).status_code == 403
    response = client.post(reverse("staff:catalog:item_withdraw", args=[central_copy.pk]), {"reason": "Mine now"})
    assert response.status_code == 403
    central_copy.refresh_from_db()
    assert central_copy.status == ItemStatus.AVAILABLE


def test_a_branch_librarian_edits_their_own_copy(client, central_librarian, central_copy, central, book_type):
    client.force_login(central_librarian)
    response = client.post(reverse("staff:catalog:item_edit", args=[central_copy.pk]), {
        "barcode": "C100", "branch": central.pk, "item_type": book_type.pk, "status": "missing",
        "call_number": "821 U45",
    })
    assert response.status_code == 302
    central_copy.refresh_from_db()
    assert (central_copy.status, central_copy.call_number) == ("missing", "821 U45")


def test_withdrawing_without_a_reason_shows_the_error_and_changes_nothing(client, central_librarian, central_copy):
    client.force_login(central_librarian)
    url = reverse("staff:catalog:item_withdraw", args=[central_copy.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    response = client.post(url, {"reason": "Water damage"})
    assert response.status_code == 302
    central_copy.refresh_from_db()
    assert (central_copy.status, central_copy.withdrawn_reason) == ("withdrawn", "Water damage")


def test_the_record_page_offers_edits_only_for_the_users_branches(client, central_librarian, record, central_copy, riverside_copy):
    client.force_login(central_librarian)
    response = client.get(reverse("staff:catalog:record", args=[record.pk]))
    html = response.content.decode()
    assert reverse("staff:catalog:item_edit", args=[central_copy.pk]) in html
    assert reverse("staff:catalog:item_edit", args=[riverside_copy.pk]) not in html
    assert reverse("staff:catalog:record_edit", args=[record.pk]) not in html


def test_the_record_page_costs_the_same_queries_for_many_copies(client, cataloguer, record, central, book_type, django_assert_max_num_queries):
    for n in range(30):
        services.add_item(record, data=ItemData(barcode=f"B{n}", branch=central, item_type=book_type), actor=Actor.for_staff(cataloguer), at=AT)
    client.force_login(cataloguer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("staff:catalog:record", args=[record.pk]))
    assert response.content.decode().count("<tr id=\"item-") == 30


def test_a_barcode_in_the_search_box_opens_the_copys_record(client, central_librarian, record, central_copy):
    client.force_login(central_librarian)
    response = client.get(reverse("staff:catalog:search"), {"q": "C100"})
    assert response["Location"] == reverse("staff:catalog:record", args=[record.pk]) + f"#item-{central_copy.pk}"


def test_staff_search_lists_records_with_their_copies(client, central_librarian, record, central_copy, django_capture_on_commit_callbacks, django_assert_max_num_queries):
    from bibliohub.search.indexing import index_records

    index_records([record.pk])
    client.force_login(central_librarian)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("staff:catalog:search"), {"q": "lisova"})
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("staff:catalog:record", args=[record.pk]) in html
    assert "Central Library: 1/1" in html
    partial = client.get(reverse("staff:catalog:search"), {"q": "lisova"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "Lisova pisnia" in partial.content.decode()


def test_item_lookup_by_barcode(client, riverside_librarian, central_copy):
    client.force_login(riverside_librarian)
    response = client.get(reverse("staff:catalog:item_lookup"), {"barcode": "C100"})
    html = response.content.decode()
    assert "Lisova pisnia" in html and "Central Library" in html
    assert reverse("staff:catalog:item_edit", args=[central_copy.pk]) not in html  # not their branch
    response = client.get(reverse("staff:catalog:item_lookup"), {"barcode": "NOPE"})
    assert response.context["form"].errors["barcode"] == ["No copy has the barcode NOPE."]


def test_a_branch_librarian_cannot_load_marc_files(client, central_librarian):
    client.force_login(central_librarian)
    assert client.get(reverse("staff:catalog:marc_upload")).status_code == 403


def test_marc_upload_shows_the_import_report(client, cataloguer, central, book_type):
    from io import BytesIO

    import pymarc

    marc = pymarc.Record(force_utf8=True, leader="     nam a22     4i 4500")
    marc.add_field(pymarc.Field(tag="001", data="up-1"))
    marc.add_field(pymarc.Field(tag="245", indicators=pymarc.Indicators("0", "0"), subfields=[pymarc.Subfield("a", "Uploaded book")]))
    data = marc.as_marc() + b"not a record at all\x1d"
    upload = BytesIO(data)
    upload.name = "new-books.mrc"
    client.force_login(cataloguer)
    response = client.post(reverse("staff:catalog:marc_upload"), {"file": upload, "format": "iso2709", "branch": central.pk})
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.read, report.created, report.skipped) == (2, 1, 1)
    assert Record.objects.filter(title="Uploaded book").exists()
    summary = Entry.objects.get(domain="catalog", kind="import")
    assert (summary.channel, summary.staff_id, summary.source, summary.branch_id) == (
        Channel.IMPORT, cataloguer.pk, "new-books.mrc", central.pk,
    )
    assert Entry.objects.get(domain="catalog", kind="record_created").staff_id == cataloguer.pk
    html = response.content.decode()
    assert "Import report" in html
    # The broken second record is named by its position, as the command line reports it.
    assert f"<td>2 <span class=\"muted\">(byte {report.problems[0].offset})</span></td>" in html
    assert report.problems[0].reason in html


def test_a_file_that_is_not_marc_is_refused_next_to_the_file_field(client, cataloguer):
    from io import BytesIO

    upload = BytesIO(b"title,author\nKobzar,Shevchenko\n")
    upload.name = "books.csv"
    client.force_login(cataloguer)
    response = client.post(reverse("staff:catalog:marc_upload"), {"file": upload, "format": "auto"})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert response.context["report"] is None


def test_marc_upload_without_a_file_shows_the_error(client, cataloguer):
    client.force_login(cataloguer)
    response = client.post(reverse("staff:catalog:marc_upload"), {"format": "auto"})
    assert response.status_code == 400
    assert "file" in response.context["form"].errors


def test_the_record_page_names_languages_in_the_readers_language(client, central_librarian, record):
    record.languages = ["chi", "eng"]
    record.save(update_fields=["languages"])
    client.force_login(central_librarian)
    response = client.get(reverse("staff:catalog:record", args=[record.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "<dd>Chinese, English</dd>" in html
    assert ">chi<" not in html
