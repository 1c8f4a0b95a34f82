"""Patron screens at the desk: find, register with a printable card, edit, renew the card,
blocks, confirming online registrations, erasure with its refusals, the data download and
registration from a CSV file."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry
from bibliohub.patrons import pins
from bibliohub.patrons import services as patron_services
from bibliohub.patrons.errors import PinRefused
from bibliohub.patrons.models import Patron, PatronStatus, PinPolicy
from tests.desk.conftest import AT


def _details(**values):
    data = {
        "family_name": "Бондаренко",
        "given_names": "Ірина",
        "language": "uk",
        "email": "iryna@example.org",
    }
    data.update(values)
    return data


def test_find_a_patron_by_name_card_or_e_mail(desk, reader, second_reader):
    url = reverse("staff:patrons:search")
    by_card = desk.get(url, {"q": "P0002"})
    assert by_card.status_code == 302
    assert by_card["Location"] == reverse("staff:patrons:detail", args=[second_reader.pk])
    page = desk.get(url, {"q": "kovalenko"}).content.decode()
    assert "Kovalenko, Test" in page and "Tran, Test" not in page
    _change(second_reader, email="tran@example.org")
    assert (
        "Tran, Test"
        in desk.get(url, {"q": "TRAN@example.org"}, HTTP_HX_REQUEST="true").content.decode()
    )
    assert "No patron matches." in desk.get(url, {"q": "nobody"}).content.decode()


def _change(patron, **details):
    """Change the patron's details as the desk's form does (the search keys follow)."""
    values = {
        "family_name": patron.family_name,
        "given_names": patron.given_names,
        "email": patron.email,
        "school_class": patron.school_class,
        "language": patron.language,
        **details,
    }
    return patron_services.update_details(
        patron,
        patron_services.PatronDetails(**values),
        category=patron.category,
        home_branch=patron.home_branch,
        guardian=None,
        branch=patron.home_branch,
        actor=Actor.system("test"),
        at=AT,
    )


def test_the_desk_finds_a_chinese_name_typed_whole_and_a_class_however_written(
    desk, reader, second_reader
):
    _change(reader, family_name="周", given_names="子涵", school_class="8A")
    _change(second_reader, family_name="Nguyễn", given_names="Thị Lan", school_class="8-А")
    url = reverse("staff:patrons:search")

    def found(text: str) -> str:
        return desk.get(url, {"q": text}, HTTP_HX_REQUEST="true").content.decode()

    assert "子涵" in found("周子涵")
    assert "子涵" in found("子涵周")
    for typed in ("Nguyễn Thị Lan", "nguyen thi lan", "Lan Nguyen", "NGUYENTHILAN"):
        page = found(typed)
        assert "Thị Lan" in page and "子涵" not in page, typed
    for typed in ("8A", "8 a", "8а", "8-А"):
        page = found(typed)
        assert "子涵" in page and "Thị Lan" in page, typed


def test_register_at_the_desk_issues_a_card_to_print_with_a_barcode(
    desk, central, adult_category, central_librarian
):
    response = desk.post(
        reverse("staff:patrons:register"),
        _details(category=adult_category.pk, home_branch=central.pk),
    )
    assert response.status_code == 302
    patron = Patron.objects.get(family_name="Бондаренко")
    assert patron.status == PatronStatus.ACTIVE and patron.card_barcode
    assert response["Location"] == reverse("staff:patrons:card", args=[patron.pk])
    card = desk.get(response["Location"]).content.decode()
    assert "<svg" in card and "<?xml" not in card
    assert f'aria-label="Barcode of card number {patron.card_barcode}"' in card
    entry = Entry.objects.get(kind="registered", patron_id=patron.pk)
    assert (entry.branch_id, entry.staff_id, entry.channel) == (
        central.pk,
        central_librarian.pk,
        Channel.DESK,
    )


def test_a_card_number_already_taken_is_refused_next_to_its_field(
    desk, reader, central, adult_category
):
    response = desk.post(
        reverse("staff:patrons:register"),
        _details(category=adult_category.pk, home_branch=central.pk, card_number="P0001"),
    )
    assert response.status_code == 400
    assert "Another patron already has this card number." in response.content.decode()


def test_a_child_is_registered_with_a_guardian_and_both_pages_link_each_other(
    desk, reader, central, adult_category
):
    desk.post(
        reverse("staff:patrons:register"),
        _details(
            family_name="Kovalenko",
            given_names="Taras",
            category=adult_category.pk,
            home_branch=central.pk,
            guardian_card="P0001",
        ),
    )
    child = Patron.objects.get(given_names="Taras")
    assert child.guardian == reader
    assert (
        "Guardian of"
        in desk.get(reverse("staff:patrons:detail", args=[reader.pk])).content.decode()
    )
    bad = desk.post(
        reverse("staff:patrons:register"),
        _details(category=adult_category.pk, home_branch=central.pk, guardian_card="P404"),
    )
    assert bad.status_code == 400 and "No patron has this card number." in bad.content.decode()


def test_the_patron_page_shows_loans_holds_fines_and_events(desk, reader, book, lend):
    lend(reader, book)
    page = desk.get(reverse("staff:patrons:detail", args=[reader.pk])).content.decode()
    assert "1 item on loan" in page and book.barcode in page
    assert "Registered with a card" in page and "Central Library" in page
    assert reverse("staff:history:patron", args=[reader.pk]) in page
    assert "Cannot be erased now:" in page and "This patron still has items on loan." in page


def test_the_patron_page_shows_when_a_hold_is_no_longer_needed(
    desk, reader, second_reader, book, lend, central
):
    from datetime import date

    from bibliohub.circulation import services
    from bibliohub.history import Actor

    lend(second_reader, book)
    services.place_hold(
        patron=reader, record=book.record, pickup_branch=central, at=AT,
        actor=Actor.for_patron(reader), not_needed_after=date(2027, 1, 31),
    )  # fmt: skip
    page = desk.get(reverse("staff:patrons:detail", args=[reader.pk])).content.decode()
    assert "Not needed after 31 January 2027" in page


def test_edit_details_records_which_fields_changed(desk, reader, central):
    url = reverse("staff:patrons:edit", args=[reader.pk])
    assert desk.get(url).status_code == 200
    response = desk.post(
        url,
        {
            "family_name": "Kovalenko",
            "given_names": "Test",
            "category": reader.category_id,
            "home_branch": central.pk,
            "language": "vi",
            "email": "new@example.org",
        },
    )
    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.language == "vi" and reader.email == "new@example.org"
    entry = Entry.objects.get(kind="details_changed")
    assert sorted(entry.detail["fields"]) == ["email", "language"]
    assert (entry.patron_id, entry.channel) == (reader.pk, Channel.DESK)


def test_renew_the_card(desk, reader):
    before = reader.card_expires_on
    desk.post(reverse("staff:patrons:renew_card", args=[reader.pk]))
    reader.refresh_from_db()
    assert reader.card_expires_on > before


def test_block_with_a_reason_and_lift_the_block(desk, reader):
    url = reverse("staff:patrons:block", args=[reader.pk])
    assert desk.post(url, {"reason": "  "}).status_code == 400
    assert desk.post(url, {"reason": "Damaged three books"}).status_code == 302
    block = reader.blocks.get()
    page = desk.get(reverse("staff:patrons:detail", args=[reader.pk])).content.decode()
    assert "Damaged three books" in page and "The library has blocked this card." in page
    desk.post(reverse("staff:patrons:lift_block", args=[block.pk]))
    block.refresh_from_db()
    assert block.lifted_at is not None
    again = desk.post(reverse("staff:patrons:lift_block", args=[block.pk]), follow=True)
    assert "This block has already been lifted." in again.content.decode()


def test_an_online_registration_is_confirmed_and_gets_its_card(desk, central, adult_category):
    pending = patron_services.self_register(
        patron_services.PatronDetails(family_name="Lewandowska", given_names="Anna", language="pl"),
        category=adult_category,
        home_branch=central,
        actor=Actor.for_public(),
        at=AT,
    )
    listing = desk.get(reverse("staff:patrons:pending")).content.decode()
    assert "Lewandowska, Anna" in listing
    response = desk.post(
        reverse("staff:patrons:confirm", args=[pending.pk]), {"card_number": "P5555"}
    )
    assert response["Location"] == reverse("staff:patrons:card", args=[pending.pk])
    pending.refresh_from_db()
    assert pending.status == PatronStatus.ACTIVE and pending.card_barcode == "P5555"
    assert (
        "No registration is waiting." in desk.get(reverse("staff:patrons:pending")).content.decode()
    )


def test_erasure_shows_every_refusal_and_then_erases(desk, reader, book, lend, librarian):
    loan = lend(reader, book)
    url = reverse("staff:patrons:erase", args=[reader.pk])
    page = desk.get(url).content.decode()
    assert (
        "The patron cannot be erased yet:" in page
        and "This patron still has items on loan." in page
    )
    assert desk.post(url, {"confirm": "on"}).status_code == 400
    from bibliohub.circulation import services

    services.checkin(item=book, branch=loan.branch, actor=librarian, at=AT)
    assert desk.post(url, {}).status_code == 400  # not confirmed
    assert desk.post(url, {"confirm": "on"}).status_code == 302
    assert not Patron.objects.filter(pk=reader.pk).exists()
    assert Entry.objects.filter(kind="erased").count() == 1
    assert not Entry.objects.filter(patron_id=reader.pk).exists()


def test_staff_of_another_branch_cannot_erase_the_patron(client, riverside_librarian, reader):
    client.force_login(riverside_librarian)
    assert client.get(reverse("staff:patrons:erase", args=[reader.pk])).status_code == 403


def test_the_patrons_data_downloads_as_json_and_the_export_is_recorded(desk, reader):
    assert desk.get(reverse("staff:patrons:data", args=[reader.pk])).status_code == 405
    response = desk.post(reverse("staff:patrons:data", args=[reader.pk]))
    assert response["Content-Type"].startswith("application/json")
    assert 'filename="patron-P0001.json"' in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["patron"]["card_number"] == "P0001"
    assert Entry.objects.filter(kind="data_exported", patron_id=reader.pk).exists()


CSV_GOOD = "family_name,given_names,class,date_of_birth\nШевченко,Тарас,7B,2013-03-09\nNguyễn,An,7B,2013-05-01\n"
CSV_BAD = (
    "family_name,given_names,class,date_of_birth\nШевченко,Тарас,7B,09.03.2013\n,An,7B,31.02.2013\n"
)


def _upload(client, text: str, *, register: bool, category, branch):
    data = {
        "file": SimpleUploadedFile("class.csv", text.encode()),
        "category": category.pk,
        "home_branch": branch.pk,
    }
    if register:
        data["register"] = "on"
    return client.post(reverse("staff:patrons:csv_upload"), data)


def test_csv_registration_checks_first_and_then_registers_everyone(
    desk, central, adult_category, central_librarian
):
    dry = _upload(desk, CSV_GOOD, register=False, category=adult_category, branch=central)
    assert dry.status_code == 200
    assert "The file is right: 2 patrons would be registered" in dry.content.decode()
    assert not Patron.objects.exists()
    done = _upload(desk, CSV_GOOD, register=True, category=adult_category, branch=central)
    assert "2 patrons registered" in done.content.decode()
    assert Patron.objects.filter(school_class="7B", status=PatronStatus.ACTIVE).count() == 2
    # Registered by the import of that file, run by the librarian at the desk.
    assert set(Entry.objects.values_list("channel", "staff_id", "source")) == {
        (Channel.IMPORT, central_librarian.pk, "class.csv")
    }


def test_a_csv_with_errors_reports_each_row_and_saves_nothing(desk, central, adult_category):
    response = _upload(desk, CSV_BAD, register=True, category=adult_category, branch=central)
    assert response.status_code == 400
    html = response.content.decode()
    assert "2 problems found: nothing was saved" in html
    assert (
        "This value is required." in html and "Write the date as YYYY-MM-DD or DD.MM.YYYY." in html
    )
    assert not Patron.objects.exists()


def test_csv_registration_is_for_the_users_own_branches(desk, riverside, adult_category):
    response = _upload(desk, CSV_GOOD, register=True, category=adult_category, branch=riverside)
    assert response.status_code == 400  # not a choice for a librarian of the central library
    assert not Patron.objects.exists()


def test_a_patron_cannot_be_made_their_own_guardian(desk, reader, central):
    url = reverse("staff:patrons:edit", args=[reader.pk])
    data = {
        "family_name": "Kovalenko",
        "given_names": "Test",
        "category": reader.category_id,
        "home_branch": central.pk,
        "language": "en",
        "guardian_card": "P0001",
    }
    response = desk.post(url, data)
    assert response.status_code == 400
    assert "A patron cannot be their own guardian." in response.content.decode()
    reader.refresh_from_db()
    assert reader.guardian is None


def test_a_reader_who_forgot_their_pin_types_a_new_one_at_the_desk(desk, reader, central_librarian):
    pins.save_pin_policy(
        PinPolicy(network_id=reader.network_id, min_length=6),
        actor=Actor.for_staff(central_librarian),
        at=AT,
    )
    url = reverse("staff:patrons:set_pin", args=[reader.pk])
    assert "Set a new PIN" in desk.get(reverse("staff:patrons:detail", args=[reader.pk])).content.decode()
    page = desk.get(url).content.decode()
    assert "at least 6 characters" in page
    short = desk.post(url, {"pin": "1234", "pin_again": "1234"})
    assert short.status_code == 400
    assert "Choose a PIN of at least 6 characters." in short.content.decode()
    assert desk.post(url, {"pin": "246813", "pin_again": "246813"}).status_code == 302
    reader.refresh_from_db()
    assert reader.pin_matches("246813")
    entry = Entry.objects.filter(patron_id=reader.pk, kind="pin_set").latest("pk")
    assert (entry.channel, entry.staff_id) == (Channel.DESK, central_librarian.pk)


def test_the_desk_sees_a_card_locked_after_wrong_pins_and_a_new_pin_unlocks_it(desk, reader):
    reader = pins.set_pin(reader, pin="1357", actor=Actor.for_public(), at=AT)
    for guess in ("0000", "1111", "2222", "3333", "4444"):
        with pytest.raises(PinRefused):
            pins.check_pin(guess, card=reader.card_barcode, holders=[reader],
                           place=pins.Place.address("192.0.2.1"), actor=Actor.for_public(),
                           at=AT)  # fmt: skip
    url = reverse("staff:patrons:set_pin", args=[reader.pk])
    assert "The card is locked after too many wrong PINs" in desk.get(url).content.decode()
    desk.post(url, {"pin": "8642", "pin_again": "8642"})
    assert pins.locked_until(reader.card_barcode, at=AT) is None
