"""What the server does with connections rather than messages: idle ones are closed after
their timeout, those beyond the cap at once, a machine that goes away mid-answer is one log
line, and hundreds of idle machines do not slow down the next one to connect."""

from __future__ import annotations

import dataclasses
import logging
import re
import socket
import struct
import threading
import time

import pytest

from bibliohub.interop.sip2 import codec, handlers
from bibliohub.interop.sip2.server import SipServer

from .conftest import TERMINAL_PASSWORD, serving
from .sip_clients import RawClient, strict

pytestmark = pytest.mark.django_db(transaction=True)

LOGIN = codec.encode(
    codec.Login(login_user_id="sc-central-1", login_password=TERMINAL_PASSWORD), sequence=0
)
STATUS = codec.encode(codec.SCStatus(), sequence=1)


def _reset(client: RawClient) -> None:
    """Go away the rude way, as a machine that is switched off mid-answer does when it comes
    back: a reset, not an orderly close."""
    client.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.close()


def _no_traceback(caplog, capfd) -> None:
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert "Traceback" not in capfd.readouterr().err


def test_a_connection_that_does_not_log_in_in_time_is_closed(settings, terminal, caplog):
    settings.SIP2_LOGIN_TIMEOUT = 0.5
    with (
        caplog.at_level(logging.INFO, logger="bibliohub.sip2"),
        serving(SipServer(("127.0.0.1", 0))) as server,
    ):
        raw = RawClient(server.port)
        started = time.monotonic()
        # Asking for the status is allowed before login but does not buy more time.
        raw.send(codec.encode(codec.SCStatus()))
        assert strict(raw.read()).online_status == "N"
        assert raw.closed()
        assert 0.4 < time.monotonic() - started < 4
        raw.close()
    assert "closed: no login within 0.5 s" in caplog.text


def test_a_logged_in_connection_is_closed_after_the_idle_timeout(settings, terminal, caplog):
    settings.SIP2_LOGIN_TIMEOUT = 0.3
    settings.SIP2_IDLE_TIMEOUT = 1.0
    with (
        caplog.at_level(logging.INFO, logger="bibliohub.sip2"),
        serving(SipServer(("127.0.0.1", 0))) as server,
    ):
        raw = RawClient(server.port)
        raw.send(LOGIN)
        assert strict(raw.read()).ok == "1"
        time.sleep(0.5)  # past the login timeout, which no longer applies
        raw.send(STATUS)
        assert strict(raw.read()).online_status == "Y"
        last_answer = time.monotonic()
        assert raw.closed()
        assert 0.8 < time.monotonic() - last_answer < 5
        raw.close()
    assert "closed: nothing received for 1 s" in caplog.text
    assert "no login within" not in caplog.text


def test_connections_beyond_the_cap_are_closed_at_once(settings, terminal, caplog):
    settings.SIP2_MAX_CONNECTIONS = 3
    with (
        caplog.at_level(logging.INFO, logger="bibliohub.sip2"),
        serving(SipServer(("127.0.0.1", 0))) as server,
    ):
        first = [RawClient(server.port) for _ in range(3)]
        for raw in first:
            raw.send(STATUS)
            assert strict(raw.read())  # accepted and served
        extra = RawClient(server.port)
        started = time.monotonic()
        assert extra.closed()
        assert time.monotonic() - started < 2
        extra.close()
        refusals = [r for r in caplog.records if "refused" in r.getMessage()]
        assert len(refusals) == 1
        assert "3 connections are open (the most allowed)" in refusals[0].getMessage()

        first.pop().close()
        deadline = time.monotonic() + 5
        while True:  # the server notices the closed connection on its next turn
            again = RawClient(server.port)
            again.send(STATUS)
            try:
                assert strict(again.read())
                break
            except ConnectionError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
            finally:
                again.close()
        for raw in first:
            raw.close()


@pytest.fixture
def slow_status(monkeypatch):
    """SC status answers wait until the test lets them go."""
    started, release = threading.Event(), threading.Event()
    answer = handlers.HANDLERS[codec.SCStatus]

    def slow(session, message, at):
        started.set()
        release.wait(10)
        return answer(session, message, at)

    monkeypatch.setitem(handlers.HANDLERS, codec.SCStatus, slow)
    return started, release


def test_a_machine_that_goes_away_while_its_message_is_answered_is_one_log_line(
    sip_server, terminal, slow_status, caplog, capfd
):
    started, release = slow_status
    with caplog.at_level(logging.INFO, logger="bibliohub.sip2"):
        raw = RawClient(sip_server.port)
        raw.send(STATUS)
        assert started.wait(5)
        _reset(raw)
        time.sleep(0.3)
        release.set()
        # The server is still there for the others.
        other = RawClient(sip_server.port)
        other.send(STATUS)
        assert strict(other.read())
        other.close()
        # The first machine's thread logs once it finds the connection gone, which may be
        # after the other machine has had its answer.
        deadline = time.monotonic() + 10
        while "disconnected while" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.05)
    gone = [r for r in caplog.records if "disconnected while" in r.getMessage()]
    assert len(gone) == 1
    assert re.search(
        "disconnected while (its message 99 was being answered|the answer to its message 99 "
        "was being sent)",
        gone[0].getMessage(),
    )
    _no_traceback(caplog, capfd)


def test_a_machine_that_goes_away_while_its_answer_is_sent_is_one_log_line(
    sip_server, terminal, monkeypatch, caplog, capfd
):
    answer = handlers.HANDLERS[codec.SCStatus]

    def huge(session, message, at):
        # 6 MB: more than the socket buffers hold, so the server is still sending it.
        return dataclasses.replace(
            answer(session, message, at), screen_message=("x" * 250,) * 24_000
        )

    monkeypatch.setitem(handlers.HANDLERS, codec.SCStatus, huge)
    with caplog.at_level(logging.INFO, logger="bibliohub.sip2"):
        raw = RawClient(sip_server.port, receive_buffer=4096)
        raw.send(STATUS)
        assert raw.sock.recv(1024)  # the answer has begun
        _reset(raw)
        deadline = time.monotonic() + 10
        while "disconnected while" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.05)
    gone = [r.getMessage() for r in caplog.records if "disconnected while" in r.getMessage()]
    assert len(gone) == 1
    assert gone[0].endswith(": disconnected while the answer to its message 99 was being sent")
    _no_traceback(caplog, capfd)


def test_a_refused_login_waits_without_holding_up_other_machines(terminal, monkeypatch):
    monkeypatch.setattr(handlers, "LOGIN_FAILURE_DELAY", 1.0)
    with serving(SipServer(("127.0.0.1", 0), threads=1)) as server:
        guesser, kiosk = RawClient(server.port), RawClient(server.port)
        bad = codec.Login(login_user_id="sc-central-1", login_password="guess")
        started = time.monotonic()
        guesser.send(codec.encode(bad, sequence=0))
        time.sleep(0.1)
        kiosk.send(STATUS)
        assert strict(kiosk.read())
        assert time.monotonic() - started < 0.8  # the one thread was not asleep
        assert strict(guesser.read()).ok == "0"
        assert time.monotonic() - started >= 1.0
        guesser.close()
        kiosk.close()


def test_messages_sent_together_are_answered_in_order(sip_server, terminal):
    raw = RawClient(sip_server.port)
    raw.send(LOGIN + b"".join(codec.encode(codec.SCStatus(), sequence=i) for i in range(1, 8)))
    assert strict(raw.read()).ok == "1"
    sequences = [re.search(rb"\|AY(\d)AZ", raw.read()).group(1) for _ in range(7)]
    assert sequences == [str(i).encode() for i in range(1, 8)]
    raw.close()


def test_new_machines_are_answered_promptly_while_hundreds_sit_idle(sip_server, terminal):
    idle = [
        socket.create_connection(("127.0.0.1", sip_server.port), timeout=30) for _ in range(300)
    ]
    try:
        for sock in idle:
            sock.sendall(LOGIN)
        for sock in idle:
            assert sock.recv(4096).startswith(b"941")
        started = time.monotonic()
        for _ in range(50):
            raw = RawClient(sip_server.port)
            raw.send(LOGIN)
            assert strict(raw.read()).ok == "1"
            raw.close()
        # Generous for a busy shared machine; each login takes milliseconds.
        assert time.monotonic() - started < 20
        for sock in idle[::50]:  # the idle ones are still served
            sock.sendall(STATUS)
            assert sock.recv(4096).startswith(b"98")
    finally:
        for sock in idle:
            sock.close()
