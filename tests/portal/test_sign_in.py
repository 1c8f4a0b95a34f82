"""Patrons sign in to the OPAC with their card number and PIN, apart from staff logins: five
failures for one card lock that card, from any address, and a new session key is issued on
sign-in."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry
from bibliohub.patrons import services as patron_services
from bibliohub.patrons.models import Patron
from bibliohub.patrons.pins import set_pin
from bibliohub.portal import session
from tests.portal.world import PIN


def _sign_in(client, card: str = "P1001", pin: str = PIN, **extra):
    return client.post(reverse("portal:sign-in"), {"card_number": card, "pin": pin}, **extra)


def test_a_patron_signs_in_with_card_and_pin_and_sees_their_loans(client, reader):
    response = _sign_in(client)
    assert response.status_code == 302 and response["Location"] == reverse("portal:loans")
    assert client.session[session.PATRON_ID] == reader.pk
    page = client.get(reverse("portal:loans"))
    assert page.status_code == 200
    assert "P1001" in page.content.decode()


def test_signing_in_sets_the_interface_to_the_patrons_language(client, reader, settings):
    response = _sign_in(client)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pl"
    page = client.get(reverse("portal:loans"))
    assert '<html lang="pl">' in page.content.decode()


def test_a_patron_is_not_a_staff_user(client, reader):
    _sign_in(client)
    assert SESSION_KEY not in client.session
    assert client.get(reverse("staff:home")).status_code == 302  # sent to the staff login


def test_the_session_key_changes_on_sign_in(client, reader):
    client.get(reverse("portal:sign-in"))
    client.session.save()
    before = client.cookies["sessionid"].value if "sessionid" in client.cookies else None
    client.cookies["sessionid"] = "planted-by-someone-else"
    _sign_in(client)
    after = client.cookies["sessionid"].value
    assert after not in {before, "planted-by-someone-else"}


def test_a_wrong_pin_shows_the_form_again_without_saying_which_part_was_wrong(client, reader):
    response = _sign_in(client, pin="0000")
    assert response.status_code == 200
    assert "The card number or the PIN is not right." in response.content.decode()
    assert session.PATRON_ID not in client.session
    unknown = _sign_in(client, card="NOSUCHCARD")
    assert "The card number or the PIN is not right." in unknown.content.decode()


def test_five_failures_lock_the_card_from_any_address_even_with_the_right_pin(client, reader):
    for _ in range(4):
        assert _sign_in(client, pin="0000").status_code == 200
    locked = _sign_in(client, pin="0000")
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    again = _sign_in(client)
    assert again.status_code == 429
    assert session.PATRON_ID not in client.session
    # Moving to another address does not start a new count.
    elsewhere = _sign_in(client, REMOTE_ADDR="10.0.0.7")
    assert elsewhere.status_code == 429
    assert 'data-refusal="card_locked"' in elsewhere.content.decode()


def test_the_lock_is_per_card(client, reader, other_reader):
    for _ in range(5):
        _sign_in(client, pin="0000")
    assert _sign_in(client, card="P1002", pin="1357").status_code == 302


def test_a_registration_not_confirmed_yet_cannot_sign_in(client, central, adult_category):
    patron = patron_services.self_register(
        patron_services.PatronDetails(family_name="Nowak", given_names="Jan"),
        category=adult_category,
        home_branch=central,
        actor=Actor.for_public(),
        at=timezone.now(),
    )
    set_pin(patron, pin=PIN, actor=Actor.for_public(), at=timezone.now())
    # Pending registrations have no card; even one given a number early cannot sign in.
    Patron.objects.filter(pk=patron.pk).update(card_barcode="P2001")
    response = _sign_in(client, card="P2001")
    assert response.status_code == 200 and session.PATRON_ID not in client.session


def test_sign_out_ends_the_patron_session(client, reader):
    _sign_in(client)
    response = client.post(reverse("portal:sign-out"))
    assert response.status_code == 302
    assert session.PATRON_ID not in client.session
    assert client.get(reverse("portal:loans")).status_code == 302


def test_changing_the_pin_ends_other_sessions(client, reader):
    _sign_in(client)
    set_pin(reader, pin="9999", actor=Actor.for_patron(reader), at=timezone.now())
    response = client.get(reverse("portal:loans"))
    assert response.status_code == 302 and reverse("portal:sign-in") in response["Location"]


def test_the_pin_is_stored_hashed_and_setting_it_is_recorded(reader, central_librarian):
    reader.refresh_from_db()
    assert PIN not in reader.pin and reader.pin_matches(PIN)
    entry = Entry.objects.get(patron_id=reader.pk, kind="pin_set")
    assert entry.detail == {}
    assert (entry.channel, entry.staff_id) == (Channel.DESK, central_librarian.pk)


def test_the_set_pin_command_is_recorded_as_the_installation(reader, monkeypatch):
    import io

    from django.core.management import call_command

    monkeypatch.setattr("sys.stdin", io.StringIO("97531\n"))
    call_command("set_pin", "P1001", stdout=io.StringIO())
    entry = Entry.objects.filter(patron_id=reader.pk, kind="pin_set").latest("pk")
    assert (entry.actor, entry.channel, entry.source) == ("system", Channel.ADMIN, "set-pin")
    assert PIN not in str(entry.detail) and "97531" not in str(entry.detail)


def test_sign_in_goes_back_to_a_local_page_only(client, reader):
    response = client.post(
        reverse("portal:sign-in") + "?next=/record/1/", {"card_number": "P1001", "pin": PIN}
    )
    assert response["Location"] == "/record/1/"
    client.post(reverse("portal:sign-out"))
    response = client.post(
        reverse("portal:sign-in") + "?next=https://evil.example/",
        {"card_number": "P1001", "pin": PIN},
    )
    assert response["Location"] == reverse("portal:loans")


def test_the_header_offers_sign_in_then_my_account(client, reader):
    home = client.get(reverse("web:home")).content.decode()
    assert reverse("portal:sign-in") in home
    _sign_in(client)
    home = client.get(reverse("web:home")).content.decode()
    assert reverse("portal:loans") in home and reverse("portal:sign-out") in home


def test_forgot_pin_says_to_ask_at_the_desk(client):
    page = client.get(reverse("portal:sign-in")).content.decode()
    assert "Ask at the desk" in page
