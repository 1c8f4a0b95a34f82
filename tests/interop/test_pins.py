"""Patron PINs at the kiosk: checked when the terminal requires them or when the machine
sends one, never revealing a patron's details to a wrong PIN, and not a way to guess."""

from __future__ import annotations

import pytest

from bibliohub.circulation.models import CirculationRule, Loan

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
