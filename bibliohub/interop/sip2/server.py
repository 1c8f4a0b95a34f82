"""The SIP2 TCP server: one thread and one session per connection, optionally over TLS.

Each thread has its own database connection (Django gives one per thread) and closes it
when the connection ends. A frame that cannot be read is logged and answered as well as SIP2
allows: a bad checksum gets a resend request (96), a malformed or unknown message gets no
answer (SIP2 has no error response) and the connection carries on with the next one.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import socket
import socketserver
import ssl
import threading
from pathlib import Path

from django.db import close_old_connections, connection, connections

from bibliohub.interop.sip2 import codec, handlers

logger = logging.getLogger("bibliohub.sip2")

ENCODING = "utf-8"
READ_SIZE = 4096
# A line longer than this without a terminator is not SIP2; it is dropped, not buffered.
MAX_FRAME = 64 * 1024
# How much of a bad frame goes into the log line.
LOG_EXCERPT = 120

_PASSWORD_RE = re.compile(rb"(\|?(?:CO|AC|AD))[^|]*")


def _excerpt(frame: bytes) -> str:
    """The start of a frame for a log line, with passwords blanked out."""
    return repr(_PASSWORD_RE.sub(rb"\1***", frame[:LOG_EXCERPT]))


class Connection(socketserver.BaseRequestHandler):
    server: SipServer

    def setup(self) -> None:
        host, port = self.client_address[:2]
        self.session = handlers.Session(peer=f"{host}:{port}")
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # Self-checks keep a connection open for hours, mostly idle; keepalives let the
        # system notice a machine that was switched off and end its thread.
        self.request.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)

    def handle(self) -> None:
        close_old_connections()
        logger.info("SIP2 %s: connected", self.session.peer)
        buffer = b""
        try:
            while not self.session.close:
                try:
                    data = self.request.recv(READ_SIZE)
                except (ConnectionError, TimeoutError, ssl.SSLError, OSError):
                    break
                if not data:
                    break
                buffer += data
                frames, buffer = codec.split_frames(buffer)
                if len(buffer) > MAX_FRAME:
                    logger.warning(
                        "SIP2 %s: %d bytes without a message terminator; dropped",
                        self.session.peer,
                        len(buffer),
                    )
                    buffer = b""
                for frame in frames:
                    reply = self.respond(frame)
                    if reply:
                        self.request.sendall(reply)
                    if self.session.close:
                        break
        finally:
            logger.info("SIP2 %s: disconnected", self.session.peer)
            connection.close()

    def respond(self, frame: bytes) -> bytes:
        """The bytes to send back for one frame (empty for none)."""
        session = self.session
        try:
            decoded = codec.decode(frame, encoding=ENCODING)
        except codec.ChecksumMismatch as exc:
            logger.warning(
                "SIP2 %s: %s; asking for a resend: %s", session.peer, exc, _excerpt(frame)
            )
            return codec.encode(codec.RequestSCResend(), encoding=ENCODING)
        except codec.MalformedMessage as exc:
            logger.warning(
                "SIP2 %s: malformed message ignored (%s): %s", session.peer, exc, _excerpt(frame)
            )
            return b""
        message = decoded.message
        if isinstance(message, codec.RequestACSResend):
            return session.last_response
        if decoded.sequence is not None and frame == session.last_request and session.last_response:
            # The same message with the same sequence number: the self-check did not get
            # our answer. Send it again rather than, say, lending the item twice.
            return session.last_response
        try:
            response = handlers.handle(session, message)
            reply = codec.encode(
                response,
                sequence=decoded.sequence,
                error_detection=decoded.checksummed or decoded.sequence is not None,
                encoding=ENCODING,
            )
        except codec.UnknownCommand as exc:
            logger.warning("SIP2 %s: %s; not answered", session.peer, exc)
            return b""
        except Exception:
            # A bug or a lost database must not end the kiosk's connection: it can retry.
            logger.exception("SIP2 %s: error answering %s", session.peer, _excerpt(frame))
            close_old_connections()
            return b""
        session.last_request = frame
        session.last_response = reply
        return reply


class SipServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, address: tuple[str, int], *, tls: ssl.SSLContext | None = None) -> None:
        self.tls = tls
        super().__init__(address, Connection)

    def get_request(self) -> tuple[socket.socket, object]:
        sock, address = super().get_request()
        # With several worker processes the listening socket does not block (see
        # serve_in_processes); the connections themselves do.
        sock.setblocking(True)
        if self.tls is not None:
            # The handshake happens in the connection's own thread (on first read), so a
            # slow or broken client does not hold up the others.
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    @property
    def port(self) -> int:
        return self.server_address[1]


def tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certfile=str(cert), keyfile=str(key))
    return context


def start_in_thread(host: str = "127.0.0.1", port: int = 0) -> tuple[SipServer, threading.Thread]:
    """A server on a free port (port 0) serving from a background thread; stop it with
    `server.shutdown(); server.server_close()`."""
    server = SipServer((host, port))
    thread = threading.Thread(target=server.serve_forever, name="sip2", daemon=True)
    thread.start()
    return server, thread


def serve_in_processes(server: SipServer, workers: int) -> None:
    """Serve from `workers` forked processes sharing the listening socket, each with its
    own threads and database connections, so that the Python work of answering uses every
    core. Returns when interrupted (SIGINT or SIGTERM), after stopping the workers."""
    # Whichever worker accepts a connection first gets it; the others find nothing to
    # accept and go back to waiting, which they do only on a socket that does not block.
    server.socket.setblocking(False)
    connections.close_all()  # a database connection must never cross a fork
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us
            try:
                server.serve_forever()
            finally:
                os._exit(0)
        children.append(pid)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        while children:
            pid, _status = os.wait()
            children.remove(pid)
            logger.error("SIP2 worker %d ended; %d left", pid, len(children))
    except KeyboardInterrupt:
        pass
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
