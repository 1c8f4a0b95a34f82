"""A self-check session over TCP against the server running in a thread: the PyPI Sip2
client drives it as a kiosk would, and pysip2 decodes every response strictly."""

from __future__ import annotations

import logging
import time

import pytest

from bibliohub.interop.sip2 import codec, handlers

from .conftest import TERMINAL_PASSWORD
from .sip_clients import RawClient, sip2_client, strict

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client(sip_server, tmp_path):
    c = sip2_client(sip_server.port, tmp_path)
    yield c
    c.disconnect()


@pytest.fixture
def raw(sip_server):
    c = RawClient(sip_server.port)
    yield c
    c.close()


def _login(client, login="sc-central-1", password=TERMINAL_PASSWORD):
    return strict(client.get_response(client.sip_login_request(login, password)))


def test_a_terminal_logs_in_and_learns_what_the_library_supports(client, terminal):
    assert _login(client).ok == "1"
    status = strict(client.get_response(client.sip_sc_status_request()))
    assert status.online_status == "Y"
    assert status.institution_id == "central"
    assert status.library_name == "Central Library"
    assert status.terminal_location == "Entrance hall"
    supported = dict(zip(codec.SUPPORTED_MESSAGES_ORDER, status.supported_messages, strict=True))
    assert supported["login"] == supported["patron_information"] == "Y"
    assert supported["item_information"] == supported["end_patron_session"] == "Y"
    assert supported["block_patron"] == supported["patron_enable"] == "Y"
    # Answered with its refusal, but not done.
    assert supported["item_status_update"] == "N"
    assert status.status_update_ok == "Y"


def test_library_name_is_in_the_terminals_language(client, ukrainian_terminal):
    assert _login(client, "sc-central-uk").ok == "1"
    status = strict(client.get_response(client.sip_sc_status_request()))
    assert status.library_name == "Центральна бібліотека"


def test_a_wrong_password_is_refused_and_three_close_the_connection(
    raw, terminal, caplog, monkeypatch
):
    monkeypatch.setattr(handlers, "LOGIN_FAILURE_DELAY", 0.2)
    started = time.monotonic()
    bad = codec.Login(login_user_id="sc-central-1", login_password="guess")
    with caplog.at_level(logging.WARNING, logger="bibliohub.sip2"):
        for sequence in range(3):
            raw.send(codec.encode(bad, sequence=sequence))
            assert strict(raw.read()).ok == "0"
    assert raw.closed()
    assert time.monotonic() - started >= 0.6
    assert "login refused for 'sc-central-1'" in caplog.text
    assert "guess" not in caplog.text


def test_an_inactive_terminal_cannot_log_in(client, terminal):
    terminal.is_active = False
    terminal.save()
    assert _login(client).ok == "0"


def test_nothing_but_status_is_answered_before_login(raw, reader):
    raw.send(codec.encode(codec.SCStatus()))
    status = strict(raw.read())
    assert (status.online_status, status.checkout_ok) == ("N", "N")
    raw.send(codec.encode(codec.PatronStatusRequest(institution_id="c", patron_identifier="P1001")))
    assert strict(raw.read()).ok == "0"
    assert raw.closed()


def test_patron_status_of_a_reader_in_good_standing(client, terminal, reader):
    _login(client)
    client.patron = "P1001"
    response = strict(client.get_response(client.sip_patron_status_request()))
    assert response.patron_status == " " * 14
    assert response.personal_name == "Kovalenko, Oksana"
    assert response.valid_patron == "Y"
    assert response.language == "017"  # Polish, the reader's language


def test_a_blocked_reader_is_told_why(client, terminal, blocked_reader):
    _login(client)
    client.patron = "P1002"
    response = strict(client.get_response(client.sip_patron_status_request()))
    assert response.patron_status.startswith("YYYY")
    assert response.screen_message == ("The library has blocked this card.",)
    assert response.language == "000"  # Vietnamese has no SIP2 code


def test_an_unknown_card_is_not_a_valid_patron(client, terminal):
    _login(client)
    client.patron = "NOPE"
    response = strict(client.get_response(client.sip_patron_information_request("charged")))
    assert response.valid_patron == "N"
    assert response.screen_message == ("This card is not known to the library.",)


def test_item_information(client, terminal, items):
    _login(client)
    response = strict(client.get_response(client.sip_item_information_request("I0001")))
    assert response.circulation_status == "03"
    assert response.title_identifier == "Кобзар : вибрані твори"
    assert response.owner == "central"
    missing = strict(client.get_response(client.sip_item_information_request("I0004")))
    assert missing.circulation_status == "13"
    unknown = strict(client.get_response(client.sip_item_information_request("X")))
    assert unknown.screen_message == ("This item is not known to the library.",)


def test_a_bad_checksum_gets_a_resend_request_and_the_session_goes_on(raw, terminal):
    frame = bytearray(
        codec.encode(
            codec.Login(login_user_id="sc-central-1", login_password=TERMINAL_PASSWORD), sequence=1
        )
    )
    frame[5] ^= 1  # one bit flipped on the way
    raw.send(bytes(frame))
    resend = raw.read()
    assert resend == b"96AZFEF6\r"
    assert type(strict(resend)).__name__ == "RequestSCResend"
    raw.send(
        codec.encode(
            codec.Login(login_user_id="sc-central-1", login_password=TERMINAL_PASSWORD), sequence=1
        )
    )
    assert strict(raw.read()).ok == "1"


def test_a_malformed_message_is_logged_refused_and_the_connection_survives(
    raw, terminal, caplog
):
    with caplog.at_level(logging.WARNING, logger="bibliohub.sip2"):
        raw.send(b"9300CNsc-central-1|\r")  # no password field
        refused = raw.read()
        raw.send(b"XYZ\r")  # no such command: nothing to answer it with
        raw.send(
            codec.encode(
                codec.Login(login_user_id="sc-central-1", login_password=TERMINAL_PASSWORD),
                sequence=2,
            )
        )
        reply = raw.read()
    assert strict(refused).ok == "0"
    assert strict(reply).ok == "1"
    assert "malformed message refused (93: required field CO missing)" in caplog.text
    assert "unknown command 'XY'" in caplog.text


def test_lf_and_crlf_terminated_messages_are_answered(raw, terminal):
    login = codec.encode(
        codec.Login(login_user_id="sc-central-1", login_password=TERMINAL_PASSWORD),
        error_detection=False,
    )
    raw.send(login[:-1] + b"\r\n")
    assert raw.read() == b"941\r"
    raw.send(b"9900802.00\n")
    assert strict(raw.read()).online_status == "Y"


def test_the_answer_carries_the_requests_sequence_number_and_is_resent_on_request(raw, terminal):
    raw.send(
        codec.encode(
            codec.Login(login_user_id="sc-central-1", login_password=TERMINAL_PASSWORD), sequence=6
        )
    )
    first = raw.read()
    assert first.startswith(b"941AY6AZ")
    raw.send(codec.encode(codec.RequestACSResend()))
    assert raw.read() == first


def test_a_message_split_across_reads_is_put_back_together(raw, terminal):
    frame = codec.encode(
        codec.Login(login_user_id="sc-central-1", login_password=TERMINAL_PASSWORD), sequence=3
    )
    raw.send(frame[:7])
    raw.send(frame[7:])
    assert strict(raw.read()).ok == "1"


def test_an_error_while_answering_is_logged_refused_and_the_connection_goes_on(
    raw, terminal, caplog, monkeypatch
):
    def broken(session, message, at):
        raise RuntimeError("the database went away")

    monkeypatch.setitem(handlers.HANDLERS, codec.ItemInformation, broken)
    login = codec.Login(login_user_id="sc-central-1", login_password=TERMINAL_PASSWORD)
    raw.send(codec.encode(login, sequence=0))
    assert strict(raw.read()).ok == "1"
    with caplog.at_level(logging.ERROR, logger="bibliohub.sip2"):
        raw.send(
            codec.encode(
                codec.ItemInformation(institution_id="c", item_identifier="I1"), sequence=1
            )
        )
        raw.send(codec.encode(codec.SCStatus(), sequence=2))
        refused = strict(raw.read())  # the item information's refusal, not silence
        assert (refused.item_identifier, refused.circulation_status) == ("I1", "01")
        assert strict(raw.read()).online_status == "Y"
    assert "error answering" in caplog.text
    assert "the database went away" in caplog.text
