"""Every SIP2 request gets an answer: block patron (01) and patron enable (25) are done
through the patrons services as the terminal and recorded; an item status update (19) and a
request that cannot be read whole get that request's refusal, nothing done; a patron status
(23) without a PIN field is answered. Refusals speak the terminal's language."""

from __future__ import annotations

import pytest
from django.db import DatabaseError
from django.utils import timezone

from bibliohub.circulation.models import CirculationRule, Loan
from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry
from bibliohub.interop.sip2 import codec, handlers
from bibliohub.patrons import services as patron_services
from bibliohub.patrons.models import Block

from .conftest import TERMINAL_PASSWORD
from .sip_clients import RawClient, sip2_client, strict

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def kiosk(sip_server, tmp_path, terminal):
    CirculationRule.objects.create(loan_period=21)
    client = sip2_client(sip_server.port, tmp_path)
    assert (
        strict(client.get_response(client.sip_login_request("sc-central-1", TERMINAL_PASSWORD))).ok
        == "1"
    )
    yield client
    client.disconnect()


@pytest.fixture
def raw(sip_server, terminal):
    client = RawClient(sip_server.port)
    client.send(
        codec.encode(codec.Login(login_user_id="sc-central-1", login_password=TERMINAL_PASSWORD))
    )
    assert strict(client.read()).ok == "1"
    yield client
    client.close()


def ask(client, request):
    return strict(client.get_response(request))


def test_block_patron_blocks_the_card_as_the_terminal_and_answers_its_status(
    kiosk, terminal, reader, items
):
    kiosk.patron = "P1001"
    status = ask(kiosk, kiosk.sip_block_patron_request("Card left in the machine", "Y"))
    assert type(status).__name__ == "PatronStatusResponse"
    assert status.patron_status.startswith("YYYY")  # charge, renewal, recall, hold denied
    assert status.valid_patron == "Y" and status.personal_name == "Kovalenko, Oksana"
    assert "This card is blocked. Please ask at the desk." in status.screen_message
    block = Block.objects.get(patron=reader)
    assert block.reason == "Card left in the machine (The machine kept the card.)"
    assert (block.staff, block.channel) == (None, Channel.SELF_CHECK)
    entry = Entry.objects.get(kind="blocked", patron_id=reader.pk)
    assert (entry.actor, entry.terminal_id, entry.branch_id) == (
        "terminal",
        terminal.pk,
        terminal.branch_id,
    )
    assert ask(kiosk, kiosk.sip_checkout_request("I0001")).ok == "0"


def test_patron_enable_lifts_what_a_machine_put_and_not_what_staff_put(
    kiosk, terminal, reader, central, central_librarian
):
    kiosk.patron = "P1001"
    ask(kiosk, kiosk.sip_block_patron_request("Tampering", "N"))
    enabled = ask(kiosk, kiosk.sip_patron_enable_request())
    assert type(enabled).__name__ == "PatronEnableResponse"
    assert enabled.patron_status == " " * 14
    assert enabled.screen_message == ("Your card can be used again.",)
    machine_block = Block.objects.get(patron=reader)
    assert machine_block.lifted_at is not None
    lifted = Entry.objects.get(kind="block_lifted")
    assert (lifted.actor, lifted.terminal_id) == ("terminal", terminal.pk)

    patron_services.add_block(
        reader, reason="Owes a laptop", branch=central,
        actor=Actor.for_staff(central_librarian), at=timezone.now(),
    )  # fmt: skip
    still = ask(kiosk, kiosk.sip_patron_enable_request())
    assert still.patron_status.startswith("YYYY")
    assert still.screen_message == ("The library has blocked this card.",)
    assert Block.objects.filter(patron=reader, lifted_at__isnull=True).count() == 1
    assert Entry.objects.filter(kind="block_lifted").count() == 1


def test_patron_enable_of_an_unknown_card(kiosk):
    kiosk.patron = "NOPE"
    answer = ask(kiosk, kiosk.sip_patron_enable_request())
    assert (answer.valid_patron, answer.personal_name) == ("N", "")
    assert answer.patron_status.startswith("YYYY")


def test_an_item_status_update_is_refused_not_ignored(kiosk, items):
    answer = ask(kiosk, kiosk.sip_item_status_update_request("I0001", "shelf 4"))
    assert type(answer).__name__ == "ItemStatusUpdateResponse"
    assert answer.item_properties_ok == "0"
    assert answer.title_identifier == "Кобзар : вибрані твори"
    assert answer.screen_message == ("This library does not change item properties from here.",)


def test_a_patron_status_without_a_pin_field_is_answered(raw, reader):
    raw.send(
        codec.encode(codec.PatronStatusRequest(institution_id="central", patron_identifier="P1001"))
    )
    answer = strict(raw.read())
    assert answer.personal_name == "Kovalenko, Oksana"
    assert answer.valid_patron_password is None


def test_a_checkout_that_cannot_be_read_is_refused_and_nothing_is_lent(raw, reader, items):
    # The fixed "no block" flag is "X": not Y or N.
    frame = b"11NX20261201    100000                  AOcentral|AAP1001|ABI0001|AY3AZ"
    raw.send(frame + codec.checksum(frame).encode() + b"\r")
    answer = raw.read()
    assert b"AY3AZ" in answer  # the same sequence number, and a checksum
    refused = strict(answer)
    assert (refused.ok, refused.item_identifier) == ("0", "I0001")
    assert refused.screen_message == ("This message could not be read. Nothing was done.",)
    assert not Loan.objects.exists()


def test_a_resend_request_before_any_answer_asks_the_machine_to_resend(sip_server):
    client = RawClient(sip_server.port)
    try:
        client.send(codec.encode(codec.RequestACSResend()))
        assert type(strict(client.read())).__name__ == "RequestSCResend"
    finally:
        client.close()


def test_refusals_come_in_the_terminals_language(sip_server, tmp_path, ukrainian_terminal, reader):
    reader.hash_pin("4321")
    reader.save(update_fields=["pin"])
    client = sip2_client(sip_server.port, tmp_path)
    try:
        assert ask(client, client.sip_login_request("sc-central-uk", TERMINAL_PASSWORD)).ok == "1"
        client.patron, client.patronpwd = "P1001", "0000"
        assert ask(client, client.sip_patron_status_request()).screen_message == (
            "Неправильний PIN.",
        )
        client.patron = "NOPE"
        unknown = ask(client, client.sip_patron_enable_request())
        assert unknown.screen_message == ("Цей квиток бібліотеці невідомий.",)
    finally:
        client.disconnect()


FAILED = "This cannot be done just now. Nothing was done; please ask at the desk."


@pytest.mark.parametrize(
    ("request_", "response_code"),
    [
        (codec.SCStatus(), b"98"),
        (codec.PatronStatusRequest(institution_id="central", patron_identifier="P1001"), b"24"),
        (codec.PatronInformation(institution_id="central", patron_identifier="P1001"), b"64"),
        (codec.ItemInformation(institution_id="central", item_identifier="I0001"), b"18"),
        (
            codec.Checkout(
                institution_id="central", patron_identifier="P1001", item_identifier="I0001"
            ),
            b"12",
        ),
        (codec.Checkin(institution_id="central", item_identifier="I0001"), b"10"),
        (
            codec.Renew(
                institution_id="central", patron_identifier="P1001", item_identifier="I0001"
            ),
            b"30",
        ),
        (codec.RenewAll(institution_id="central", patron_identifier="P1001"), b"66"),
        (
            codec.Hold(
                institution_id="central", patron_identifier="P1001", item_identifier="I0001"
            ),
            b"16",
        ),
        (
            codec.FeePaid(institution_id="central", patron_identifier="P1001", fee_amount="1.00"),
            b"38",
        ),
        (codec.BlockPatron(institution_id="central", patron_identifier="P1001"), b"24"),
        (codec.PatronEnable(institution_id="central", patron_identifier="P1001"), b"26"),
        (codec.EndPatronSession(institution_id="central", patron_identifier="P1001"), b"36"),
    ],
    ids=lambda value: value.command if isinstance(value, codec.Message) else None,
)
def test_a_request_the_server_fails_to_do_gets_its_refusal_not_silence(
    raw, reader, items, monkeypatch, caplog, request_, response_code
):
    def broken(session, message, at):
        raise DatabaseError("the database has gone away")

    monkeypatch.setitem(handlers.HANDLERS, type(request_), broken)
    raw.send(codec.encode(request_, sequence=4, error_detection=True))
    frame = raw.read()
    assert frame[:2] == response_code
    assert b"AY4AZ" in frame  # the same sequence number, and a checksum
    answer = strict(frame)
    assert FAILED in answer.screen_message
    for flag in ("ok", "payment_accepted", "end_session", "online_status"):
        assert getattr(answer, flag, "0") in ("0", "N")
    assert "the database has gone away" in caplog.text  # logged, with the traceback
    assert not Loan.objects.exists()
    # The connection goes on.
    monkeypatch.undo()
    raw.send(codec.encode(codec.SCStatus()))
    assert strict(raw.read()).online_status == "Y"
