"""SIP2 over TLS: the same session, encrypted, with a certificate made for the test."""

from __future__ import annotations

import logging
import shutil
import socket
import ssl
import subprocess
import threading
import time

import pytest

from bibliohub.interop.sip2 import codec
from bibliohub.interop.sip2.server import SipServer, tls_context

from .conftest import TERMINAL_PASSWORD
from .sip_clients import strict

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tls_server(tmp_path, transactional_db, settings):
    settings.SIP2_LOGIN_TIMEOUT = 2.0
    if not shutil.which("openssl"):
        pytest.fail(
            "the openssl command is not installed: run `make test` or scripts/setup.sh, "
            "which install it with the other tools the tests need.",
            pytrace=False,
        )
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    server = SipServer(("127.0.0.1", 0), tls=tls_context(cert, key))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, cert
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_a_terminal_logs_in_over_tls(tls_server, terminal):
    server, cert = tls_server
    context = ssl.create_default_context(cafile=str(cert))
    with (
        socket.create_connection(("127.0.0.1", server.port), timeout=5) as plain,
        context.wrap_socket(plain, server_hostname="localhost") as sock,
    ):
        login = codec.Login(login_user_id="sc-central-1", login_password=TERMINAL_PASSWORD)
        sock.sendall(codec.encode(login, sequence=1))
        assert strict(sock.recv(4096)).ok == "1"


def test_a_plain_client_gets_nothing_from_a_tls_server(tls_server, terminal):
    server, _cert = tls_server
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"9300CNsc-central-1|COx|AY1AZF000\r")
        try:
            reply = sock.recv(4096)
        except ConnectionResetError:
            reply = b""
        assert not reply.startswith(b"94")  # at most a TLS alert, never a SIP2 answer


def test_a_client_stuck_in_the_handshake_holds_up_no_one_and_is_closed(
    tls_server, terminal, caplog
):
    server, cert = tls_server
    context = ssl.create_default_context(cafile=str(cert))
    with (
        caplog.at_level(logging.WARNING, logger="bibliohub.sip2"),
        socket.create_connection(("127.0.0.1", server.port), timeout=5) as stuck,
    ):
        started = time.monotonic()
        with (
            socket.create_connection(("127.0.0.1", server.port), timeout=5) as plain,
            context.wrap_socket(plain, server_hostname="localhost") as sock,
        ):
            login = codec.Login(login_user_id="sc-central-1", login_password=TERMINAL_PASSWORD)
            sock.sendall(codec.encode(login, sequence=1))
            assert strict(sock.recv(4096)).ok == "1"
        assert time.monotonic() - started < 1.5  # well before the stuck one is closed
        assert stuck.recv(1) == b""  # closed when the login timeout ran out
        deadline = time.monotonic() + 5
        while "TLS handshake failed" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.05)  # logged just after the socket is closed
    assert "TLS handshake failed" in caplog.text
