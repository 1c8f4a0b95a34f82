"""Patron PINs at the kiosk: checked when the terminal requires them or when the machine
sends one, never revealing a patron's details to a wrong PIN, and not a way to guess: wrong
PINs count for the card on every connection and in the portal, and for the terminal
whatever the cards (the one PIN policy, patrons.pins)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bibliohub.circulation.models import CirculationRule, Loan
from bibliohub.history import Channel
from bibliohub.history.models import Entry
from bibliohub.interop.sip2.models import SelfCheckTerminal

from .conftest import TERMINAL_PASSWORD
from .sip_clients import sip2_client, strict

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reader_with_pin(reader):
    reader.hash_pin("4321")
    reader.save(update_fields=["pin"])
    return reader


@pytest.fixture
def pin_terminal(terminal):
    terminal.requires_pin = True
    terminal.save()
    return terminal


@pytest.fixture
def kiosk(sip_server, tmp_path, pin_terminal):
    CirculationRule.objects.create(loan_period=21)
    client = sip2_client(sip_server.port, tmp_path)
    login = client.sip_login_request("sc-central-1", TERMINAL_PASSWORD)
    assert strict(client.get_response(login)).ok == "1"
    client.patron = "P1001"
    yield client
    client.disconnect()


def ask(client, request):
    return strict(client.get_response(request))


def test_the_right_pin_lets_the_reader_borrow(kiosk, reader_with_pin, items):
    kiosk.patronpwd = "4321"
    status = ask(kiosk, kiosk.sip_patron_status_request())
    assert (status.valid_patron, status.valid_patron_password) == ("Y", "Y")
    assert ask(kiosk, kiosk.sip_checkout_request("I0001")).ok == "1"


def test_without_a_pin_nothing_is_lent_or_shown(kiosk, reader_with_pin, items):
    refused = ask(kiosk, kiosk.sip_checkout_request("I0001"))
    assert (refused.ok, refused.screen_message) == ("0", ("The PIN is not right.",))
    kiosk.patronpwd = "1111"
    info = ask(kiosk, kiosk.sip_patron_information_request("charged"))
    assert (info.valid_patron_password, info.personal_name, info.email_address) == ("N", "", None)
    assert not Loan.objects.exists()


def test_a_reader_without_a_pin_is_sent_to_the_desk(kiosk, reader, items):
    kiosk.patronpwd = "0000"
    refused = ask(kiosk, kiosk.sip_checkout_request("I0001"))
    assert refused.screen_message == ("Ask at the desk for a PIN to use this machine.",)


def test_five_wrong_pins_lock_the_card_even_for_the_right_pin(kiosk, reader_with_pin, items):
    for guess in ("0000", "1111", "2222", "3333", "5555"):
        kiosk.patronpwd = guess
        assert ask(kiosk, kiosk.sip_patron_status_request()).valid_patron_password == "N"
    kiosk.patronpwd = "4321"
    refused = ask(kiosk, kiosk.sip_checkout_request("I0001"))
    assert refused.ok == "0"
    assert refused.screen_message[0].startswith("Too many wrong PINs for this card.")
    assert not Loan.objects.exists()


def test_a_pin_sent_to_a_terminal_that_does_not_require_one_is_still_checked(
    sip_server, tmp_path, terminal, reader_with_pin
):
    client = sip2_client(sip_server.port, tmp_path)
    try:
        assert ask(client, client.sip_login_request("sc-central-1", TERMINAL_PASSWORD)).ok == "1"
        client.patron = "P1001"
        assert ask(client, client.sip_patron_status_request()).valid_patron_password is None
        client.patronpwd = "9999"
        assert ask(client, client.sip_patron_status_request()).valid_patron_password == "N"
    finally:
        client.disconnect()


@pytest.fixture
def pin_checks(monkeypatch):
    """How many times the slow PIN hash was computed."""
    from bibliohub.patrons.models import Patron

    calls: list[str] = []
    original = Patron.pin_matches

    def counted(self, raw_pin):
        calls.append(raw_pin)
        return original(self, raw_pin)

    monkeypatch.setattr(Patron, "pin_matches", counted)
    return calls


def test_a_pin_sent_with_every_checkout_is_hashed_once_per_connection(
    kiosk, reader_with_pin, items, pin_checks
):
    kiosk.patronpwd = "4321"
    for barcode in ("I0001", "I0002", "I0003"):
        assert ask(kiosk, kiosk.sip_checkout_request(barcode)).ok == "1"
    assert pin_checks == ["4321"]
    assert Loan.objects.count() == 3


def test_a_wrong_pin_after_a_right_one_is_still_refused(kiosk, reader_with_pin, items, pin_checks):
    kiosk.patronpwd = "4321"
    assert ask(kiosk, kiosk.sip_checkout_request("I0001")).ok == "1"
    kiosk.patronpwd = "4322"
    refused = ask(kiosk, kiosk.sip_checkout_request("I0002"))
    assert (refused.ok, refused.screen_message) == ("0", ("The PIN is not right.",))
    assert pin_checks == ["4321", "4322"]


def test_a_pin_changed_since_it_was_checked_is_checked_again(
    kiosk, reader_with_pin, items, pin_checks
):
    kiosk.patronpwd = "4321"
    assert ask(kiosk, kiosk.sip_patron_status_request()).valid_patron_password == "Y"
    reader_with_pin.hash_pin("8765")
    reader_with_pin.save(update_fields=["pin"])
    assert ask(kiosk, kiosk.sip_patron_status_request()).valid_patron_password == "N"
    kiosk.patronpwd = "8765"
    assert ask(kiosk, kiosk.sip_patron_status_request()).valid_patron_password == "Y"
    assert pin_checks == ["4321", "4321", "8765"]


def test_a_checked_pin_is_not_taken_on_another_connection(
    sip_server, tmp_path, pin_terminal, reader_with_pin, items, pin_checks
):
    CirculationRule.objects.create(loan_period=21)
    for _ in range(2):
        client = sip2_client(sip_server.port, tmp_path)
        try:
            assert ask(client, client.sip_login_request("sc-central-1", TERMINAL_PASSWORD)).ok == "1"
            client.patron, client.patronpwd = "P1001", "4321"
            assert ask(client, client.sip_patron_status_request()).valid_patron_password == "Y"
        finally:
            client.disconnect()
    assert pin_checks == ["4321", "4321"]


def _connect(sip_server, tmp_path, login="sc-central-1"):
    client = sip2_client(sip_server.port, tmp_path)
    assert ask(client, client.sip_login_request(login, TERMINAL_PASSWORD)).ok == "1"
    client.patron = "P1001"
    return client


def _guess_once_per_connection(sip_server, tmp_path, guesses):
    for guess in guesses:
        client = _connect(sip_server, tmp_path)
        try:
            client.patronpwd = guess
            assert ask(client, client.sip_patron_status_request()).valid_patron_password == "N"
        finally:
            client.disconnect()


def test_reconnecting_does_not_start_a_new_count(sip_server, tmp_path, pin_terminal, reader_with_pin):
    _guess_once_per_connection(sip_server, tmp_path, ("0000", "1111", "2222", "3333", "5555"))
    client = _connect(sip_server, tmp_path)
    try:
        client.patronpwd = "4321"
        refused = ask(client, client.sip_patron_status_request())
        assert refused.valid_patron_password == "N" and refused.personal_name == ""
        assert refused.screen_message[0].startswith("Too many wrong PINs for this card. Try again after")
    finally:
        client.disconnect()
    entry = Entry.objects.get(kind="pin_locked")
    assert (entry.patron_id, entry.actor, entry.channel, entry.source) == (
        reader_with_pin.pk, "terminal", Channel.SELF_CHECK, "sc-central-1",
    )  # fmt: skip
    assert "0000" not in str(entry.detail) and "P1001" not in str(entry.detail)


def test_a_card_locked_at_a_kiosk_is_refused_in_the_portal_for_the_same_reason(
    sip_server, tmp_path, pin_terminal, reader_with_pin, client
):
    _guess_once_per_connection(sip_server, tmp_path, ("0000", "1111", "2222", "3333", "5555"))
    page = client.post(reverse("portal:sign-in"), {"card_number": "P1001", "pin": "4321"})
    assert page.status_code == 429
    assert 'data-refusal="card_locked"' in page.content.decode()
    assert "Signing in with this card has failed too many times." in page.content.decode()


def test_a_card_locked_in_the_portal_is_refused_at_a_kiosk_for_the_same_reason(
    sip_server, tmp_path, pin_terminal, reader_with_pin, client, items
):
    for guess in ("0000", "1111", "2222", "3333", "5555"):
        client.post(reverse("portal:sign-in"), {"card_number": "P1001", "pin": guess})
    kiosk = _connect(sip_server, tmp_path)
    try:
        kiosk.patronpwd = "4321"
        refused = ask(kiosk, kiosk.sip_checkout_request("I0001"))
        assert refused.ok == "0"
        assert refused.screen_message[0].startswith("Too many wrong PINs for this card.")
    finally:
        kiosk.disconnect()
    assert Entry.objects.get(kind="pin_locked").channel == Channel.ONLINE


def test_wrong_pins_for_many_cards_at_one_terminal_hold_it_back(
    sip_server, tmp_path, settings, pin_terminal, reader_with_pin, blocked_reader, items
):
    settings.PIN_PLACE_FAILURES = 2
    blocked_reader.hash_pin("8642")
    blocked_reader.save(update_fields=["pin"])
    kiosk = _connect(sip_server, tmp_path)
    try:
        for card in ("P1001", "P1002"):
            kiosk.patron, kiosk.patronpwd = card, "1234"
            assert ask(kiosk, kiosk.sip_patron_status_request()).valid_patron_password == "N"
        kiosk.patron, kiosk.patronpwd = "P1001", "4321"
        held = ask(kiosk, kiosk.sip_patron_status_request())
        assert held.screen_message[0].startswith("Too many wrong PINs on this machine.")
    finally:
        kiosk.disconnect()
    entry = Entry.objects.get(kind="pin_throttled")
    assert (entry.terminal_id, entry.detail["place"]) == (pin_terminal.pk, "terminal")
    # Another machine is not held back.
    other = SelfCheckTerminal(login="sc-central-2", name="Upstairs", branch=pin_terminal.branch)
    other.set_password(TERMINAL_PASSWORD)
    other.save()
    second = _connect(sip_server, tmp_path, login="sc-central-2")
    try:
        second.patronpwd = "4321"
        assert ask(second, second.sip_patron_status_request()).valid_patron_password == "Y"
    finally:
        second.disconnect()
